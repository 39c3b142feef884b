//! The GitHub Actions reporter: a workflow-command annotation per failure on standard
//! output (capped, so a broken suite does not bury the log), and a Markdown job summary
//! appended to the file `GITHUB_STEP_SUMMARY` names. Both are written at the end, after
//! the terminal reporter, so no annotation lands inside another reporter's line.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use super::cli::{human_ms, human_size};
use super::event::RunInfo;
use super::reporter::{ReportError, Reporter};
use super::stats::{Counter, FailureRecord, Summary};

/// Annotations written at most; one more says how many were left out.
pub const MAX_ANNOTATIONS: usize = 50;
/// Failures listed in the job summary.
pub const MAX_SUMMARY_FAILURES: usize = 100;
/// A failure's text in the job summary is cut here: GitHub refuses summaries over 1 MiB.
const MAX_CELL_CHARS: usize = 500;

/// A workflow command's message: `%`, CR and LF are encoded (GitHub's rule for data).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A workflow command's property value (`title=`): as data, plus `:` and `,`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Text inside a Markdown table cell: no column breaks, no line breaks, no raw HTML, and
/// at most `MAX_CELL_CHARS` characters.
fn cell(text: &str) -> String {
    let text: String = match text.char_indices().nth(MAX_CELL_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    };
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace(['\n', '\r'], "<br>")
}

fn what(f: &FailureRecord) -> String {
    match f.at.as_str() {
        "assertion" => format!("{}: {}", f.name, f.message),
        "request" => format!("request error {}: {}", f.name, f.message),
        other => format!("{} {}: {}", other.replace('-', " "), f.name, f.message),
    }
}

/// The annotation lines for a run: the early stop first, then failures in plan order.
pub fn annotations(summary: &Summary) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(error) = &summary.error {
        lines.push(format!(
            "::error title={}::{}",
            escape_property("postie: the run stopped early"),
            escape_data(error)
        ));
    }
    let room = MAX_ANNOTATIONS.saturating_sub(lines.len());
    for f in summary.failures.iter().take(room) {
        let title = format!("{} (iteration {})", f.full_name, f.iteration + 1);
        lines.push(format!("::error title={}::{}", escape_property(&title), escape_data(&what(f))));
    }
    let left = summary.failures.len().saturating_sub(room);
    if left > 0 {
        let text = format!("{left} more failures are not annotated: see the job summary and the reports");
        lines.push(format!("::error title={}::{}", escape_property("postie"), escape_data(&text)));
    }
    lines
}

/// The job summary in Markdown: a verdict, a totals table and the first failures.
pub fn step_summary(collection: &str, s: &Summary) -> String {
    let mut md = String::new();
    let n = s.failures.len();
    let verdict = match (&s.error, n) {
        (Some(_), _) => "stopped early".to_string(),
        (None, 0) => "passed".to_string(),
        (None, n) => format!("{n} failed"),
    };
    let mark = if s.failed() { "❌" } else { "✅" };
    let _ = writeln!(md, "## {mark} {}: {verdict}\n", cell(collection));
    if let Some(error) = &s.error {
        let _ = writeln!(md, "The run stopped early: {}\n", cell(error));
    }
    md.push_str("| | executed | failed |\n|---|---:|---:|\n");
    let st = &s.stats;
    let rows: [(&str, &Counter); 5] = [
        ("Iterations", &st.iterations),
        ("Requests", &st.requests),
        ("Test scripts", &st.test_scripts),
        ("Pre-request scripts", &st.prerequest_scripts),
        ("Assertions", &st.assertions),
    ];
    for (label, c) in rows {
        let _ = writeln!(md, "| {label} | {} | {} |", c.total, c.failed);
    }
    let duration = s.completed.duration_since(s.started).unwrap_or_default();
    let _ = writeln!(
        md,
        "\nTotal run duration {} · data received {} · average response time {}\n",
        human_ms(duration.as_secs_f64() * 1000.0),
        human_size(s.transfer_total),
        human_ms(s.response_average_ms()),
    );
    if n > 0 {
        let shown = n.min(MAX_SUMMARY_FAILURES);
        if shown < n {
            let _ = writeln!(md, "### Failures (first {shown} of {n})\n");
        } else {
            let _ = writeln!(md, "### Failures\n");
        }
        md.push_str("| # | Request | Iteration | Failure |\n|---:|---|---:|---|\n");
        for (k, f) in s.failures.iter().take(shown).enumerate() {
            let _ = writeln!(md, "| {} | {} | {} | {} |", k + 1, cell(&f.full_name), f.iteration + 1, cell(&what(f)));
        }
    }
    md
}

pub struct GithubReporter {
    out: Box<dyn Write + Send>,
    /// `GITHUB_STEP_SUMMARY`, when set.
    summary_file: Option<PathBuf>,
    /// Where the one notice about a missing summary file goes (standard error).
    notices: Box<dyn Write + Send>,
    collection: String,
}

impl GithubReporter {
    pub fn new(out: Box<dyn Write + Send>, summary_file: Option<PathBuf>, notices: Box<dyn Write + Send>) -> Self {
        GithubReporter { out, summary_file, notices, collection: String::new() }
    }
}

impl Reporter for GithubReporter {
    fn start(&mut self, info: &RunInfo) -> Result<(), ReportError> {
        self.collection = info.collection_name.clone();
        Ok(())
    }

    fn done(&mut self, summary: &Summary) -> Result<(), ReportError> {
        let stdout_error =
            |source| ReportError::Io { reporter: "github", path: PathBuf::from("<standard output>"), source };
        let mut text = annotations(summary).join("\n");
        if !text.is_empty() {
            text.push('\n');
        }
        self.out.write_all(text.as_bytes()).and_then(|_| self.out.flush()).map_err(stdout_error)?;
        match &self.summary_file {
            Some(path) => {
                let io = |source| ReportError::Io { reporter: "github", path: path.clone(), source };
                let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(io)?;
                file.write_all(step_summary(&self.collection, summary).as_bytes()).map_err(io)?;
            }
            None => {
                let _ = writeln!(
                    self.notices,
                    "github reporter: GITHUB_STEP_SUMMARY is not set, so there is nowhere to write the job summary; the annotations are on standard output"
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::report::testdata::{drive, mixed_run};

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    impl Shared {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    #[test]
    fn escaping_follows_the_workflow_command_rules() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a: b, c\n%"), "a%3A b%2C c%0A%25");
        assert_eq!(cell("a|b\n<i>&"), "a\\|b<br>&lt;i&gt;&amp;");
    }

    fn failures(n: usize) -> Summary {
        let mut s = Summary::new(std::time::SystemTime::UNIX_EPOCH);
        for i in 0..n {
            s.failures.push(FailureRecord {
                iteration: i,
                position: 0,
                full_name: "Orders, EU / Create: order".to_string(),
                at: "assertion".to_string(),
                index: 0,
                name: "status is 201".to_string(),
                message: "expected 500 to equal 201\nsecond line".to_string(),
            });
        }
        s
    }

    #[test]
    fn annotations_are_capped_with_one_line_saying_how_many_more() {
        let lines = annotations(&failures(3));
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[0],
            "::error title=Orders%2C EU / Create%3A order (iteration 1)::status is 201: expected 500 to equal 201%0Asecond line"
        );
        let lines = annotations(&failures(120));
        assert_eq!(lines.len(), MAX_ANNOTATIONS + 1);
        assert_eq!(
            lines[MAX_ANNOTATIONS],
            "::error title=postie::70 more failures are not annotated: see the job summary and the reports"
        );
        let mut stopped = failures(60);
        stopped.error = Some("interrupted".to_string());
        let lines = annotations(&stopped);
        assert!(lines[0].starts_with("::error title=postie%3A the run stopped early::interrupted"));
        assert_eq!(lines.len(), MAX_ANNOTATIONS + 1);
        assert!(lines[MAX_ANNOTATIONS].contains("::11 more failures"), "{}", lines[MAX_ANNOTATIONS]);
    }

    #[test]
    fn the_summary_lists_totals_and_the_first_hundred_failures() {
        let md = step_summary("Shop | API", &failures(130));
        assert!(md.starts_with("## ❌ Shop \\| API: 130 failed\n"), "{md}");
        assert!(md.contains("| Assertions | 0 | 0 |"), "{md}");
        assert!(md.contains("### Failures (first 100 of 130)"));
        assert_eq!(md.lines().filter(|l| l.starts_with("| ") && l.contains("status is 201")).count(), 100);
        assert!(md.contains("expected 500 to equal 201<br>second line"));
        assert!(step_summary("ok", &Summary::new(std::time::SystemTime::UNIX_EPOCH)).starts_with("## ✅ ok: passed"));
        // long chai diffs are cut, so 100 of them stay far below GitHub's 1 MiB
        let mut long = failures(100);
        long.failures.iter_mut().for_each(|f| f.message = "x".repeat(50_000));
        assert!(step_summary("big", &long).len() < 100 * 1024, "{}", step_summary("big", &long).len());
    }

    #[test]
    fn a_run_writes_annotations_and_appends_the_summary() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("summary.md");
        std::fs::write(&file, "earlier step\n").unwrap();
        let (out, notes) = (Shared::default(), Shared::default());
        let mut r = GithubReporter::new(Box::new(out.clone()), Some(file.clone()), Box::new(notes.clone()));
        let (info, executions) = mixed_run();
        let summary = drive(&mut r, &info, &executions);
        let printed = out.text();
        assert_eq!(printed.lines().count(), summary.failures.len());
        assert!(printed.lines().all(|l| l.starts_with("::error title=")));
        let md = std::fs::read_to_string(&file).unwrap();
        assert!(md.starts_with("earlier step\n## ❌ Shop API:"), "{md}");
        assert!(notes.text().is_empty());

        let (out, notes) = (Shared::default(), Shared::default());
        let mut r = GithubReporter::new(Box::new(out.clone()), None, Box::new(notes.clone()));
        drive(&mut r, &info, &executions);
        assert_eq!(notes.text().lines().count(), 1, "said once");
        assert!(notes.text().contains("GITHUB_STEP_SUMMARY is not set"));
    }
}
