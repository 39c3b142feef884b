//! Which reporters a run gets: `-r` names checked against the ones that exist, each built
//! with its settings, report files opened before the run. A new reporter is added here
//! (and in its own file), not in `command`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::cli::{CliOptions, CliReporter};
use super::export::export_path;
use super::github::GithubReporter;
use super::html::{HtmlOptions, HtmlReporter, default_html_path};
use super::json::{FinalScopes, JsonReporter};
use super::junit::JunitReporter;
use super::progress::ProgressReporter;
use super::redact::Redactor;
use super::reporter::{ReportError, Reporter};
use crate::collection::RawDocument;
use serde_json::Value;

/// The reporters `-r` may name.
pub const KNOWN_REPORTERS: &[&str] = &["cli", "junit", "json", "html", "github"];

/// Everything the reporters are built from, decided by the caller from flags and the terminal.
#[derive(Clone, Debug)]
pub struct ReporterSettings {
    /// `-r` as given (trimmed and lower-cased here).
    pub names: Vec<String>,
    /// `--silent`: no terminal output at all.
    pub silent: bool,
    /// A progress bar on standard error (a terminal, not CI, not `--no-progress`).
    pub progress: bool,
    pub cli: CliOptions,
    pub junit_export: Option<PathBuf>,
    pub json_export: Option<PathBuf>,
    pub json_body_limit: usize,
    /// When the run starts: names timestamped report files.
    pub started: SystemTime,
    /// A sharded run's `shard` block for the JSON report.
    pub shard: Option<Value>,
    /// Names the default HTML file and heads the HTML page.
    pub collection_name: String,
    pub html_export: Option<PathBuf>,
    pub html_body_limit: usize,
    /// `-x`: the HTML header shows the exit code the run really returns.
    pub suppress_exit_code: bool,
    /// `GITHUB_STEP_SUMMARY`: where the github reporter appends its Markdown summary.
    pub github_step_summary: Option<PathBuf>,
}

/// Why the reporters could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum ReporterSetupError {
    /// A usage error (exit 2).
    #[error("unknown reporter `{name}` in -r/--reporters; available: {}", KNOWN_REPORTERS.join(", "))]
    Unknown { name: String },
    /// A report file cannot be written (exit 3).
    #[error("cannot create the report folder {}: {source}", path.display())]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    File(#[from] ReportError),
}

/// The reporters of a run, and the JSON reporter's slot for the final scopes.
pub struct Reporters {
    pub list: Vec<Box<dyn Reporter>>,
    pub final_scopes: Option<FinalScopes>,
}

/// Builds the named reporters; `collection` is the collection as loaded (the JSON report
/// keeps a copy, masked by `redactor`).
pub fn build_reporters(
    settings: &ReporterSettings,
    collection: &RawDocument,
    redactor: &Redactor,
) -> Result<Reporters, ReporterSetupError> {
    let names: Vec<String> = settings.names.iter().map(|r| r.trim().to_lowercase()).filter(|r| !r.is_empty()).collect();
    if let Some(unknown) = names.iter().find(|n| !KNOWN_REPORTERS.contains(&n.as_str())) {
        return Err(ReporterSetupError::Unknown { name: unknown.clone() });
    }
    let wants = |name: &str| names.iter().any(|n| n == name);
    let mut list: Vec<Box<dyn Reporter>> = Vec::new();
    let progress = (settings.progress && !settings.silent).then(ProgressReporter::new);
    if wants("cli") && !settings.silent {
        // On a terminal every line shows at once; into a pipe or a file, lines are written in
        // 64 KB blocks (and at the end): a write per line cost as much as the line itself.
        let out: Box<dyn std::io::Write + Send> = if std::io::stdout().is_terminal() {
            Box::new(std::io::stdout())
        } else {
            Box::new(std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout()))
        };
        let mut cli = CliReporter::new(out, settings.cli.clone());
        if let Some(p) = &progress {
            cli = cli.with_progress(p.handle());
        }
        list.push(Box::new(cli));
    }
    if let Some(p) = progress {
        list.push(Box::new(p));
    }
    if wants("junit") {
        let path = report_path(settings.junit_export.as_deref(), "junit", "xml", settings.started)?;
        list.push(Box::new(JunitReporter::new(&path)?));
    }
    let mut final_scopes = None;
    if wants("json") {
        let path = report_path(settings.json_export.as_deref(), "json", "json", settings.started)?;
        let json = JsonReporter::new(&path, collection, redactor, settings.json_body_limit, settings.shard.as_ref())?;
        final_scopes = Some(json.final_scopes());
        list.push(Box::new(json));
    }
    if wants("html") {
        let path = match settings.html_export.as_deref() {
            Some(given) => export_path(given, "html", "html", settings.started),
            None => default_html_path(&redactor.text(&settings.collection_name), settings.started),
        };
        let options = HtmlOptions {
            body_limit: settings.html_body_limit,
            suppress_exit_code: settings.suppress_exit_code,
            announce: !settings.silent,
        };
        // the name heads the page before the dispatcher sees the run's start
        let name = redactor.text(&settings.collection_name);
        list.push(Box::new(HtmlReporter::new(&path, &name, options)?));
    }
    // after the terminal reporter: its last lines are out before the annotations
    if wants("github") {
        let out: Box<dyn std::io::Write + Send> = Box::new(std::io::stdout());
        let notices: Box<dyn std::io::Write + Send> = Box::new(std::io::stderr());
        list.push(Box::new(GithubReporter::new(out, settings.github_step_summary.clone(), notices)));
    }
    Ok(Reporters { list, final_scopes })
}

/// Without an export path, reports go to `./postie/` with a timestamped name (as Newman's `./newman/`).
fn report_path(
    given: Option<&Path>,
    reporter: &str,
    ext: &str,
    started: SystemTime,
) -> Result<PathBuf, ReporterSetupError> {
    let path = match given {
        Some(p) => p.to_path_buf(),
        None => {
            let dir = PathBuf::from("postie");
            std::fs::create_dir_all(&dir).map_err(|source| ReporterSetupError::Folder { path: dir.clone(), source })?;
            dir
        }
    };
    Ok(export_path(&path, reporter, ext, started))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(names: &[&str], dir: &Path) -> ReporterSettings {
        ReporterSettings {
            names: names.iter().map(|n| n.to_string()).collect(),
            silent: true,
            progress: false,
            cli: CliOptions::default(),
            junit_export: Some(dir.join("r.xml")),
            json_export: Some(dir.join("r.json")),
            json_body_limit: 1024,
            started: SystemTime::now(),
            shard: None,
            collection_name: "c".to_string(),
            html_export: Some(dir.join("r.html")),
            html_body_limit: 1024,
            suppress_exit_code: false,
            github_step_summary: None,
        }
    }

    #[test]
    fn names_are_checked_and_each_reporter_opens_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let redactor = Redactor::new(true);
        let collection = RawDocument::from_value(&serde_json::json!({ "info": { "name": "c" } }));
        let err = build_reporters(&settings(&["cli", "html5"], dir.path()), &collection, &redactor).err().unwrap();
        assert_eq!(
            err.to_string(),
            "unknown reporter `html5` in -r/--reporters; available: cli, junit, json, html, github"
        );
        let built =
            build_reporters(&settings(&[" JSON ", "junit", "", "HTML", "github"], dir.path()), &collection, &redactor)
                .unwrap();
        assert_eq!(built.list.len(), 4);
        assert!(built.final_scopes.is_some());
        assert!(dir.path().join("r.xml").is_file() && dir.path().join("r.json").is_file());
        assert!(dir.path().join("r.html").is_file());
        // --silent: the cli reporter is left out
        let built = build_reporters(&settings(&["cli"], dir.path()), &collection, &redactor).unwrap();
        assert!(built.list.is_empty());
    }
}
