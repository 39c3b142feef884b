//! The HTML reporter: one self-contained file (CSS, JS and icons inline, nothing fetched)
//! that opens from `file://` with networking off.
//!
//! It is written as the run goes so memory stays flat: the head, then every execution as a
//! compact JSON row inside `<script type="application/json">` chunks (inert data the
//! browser does not lay out), and at `done` the parts that need no JavaScript (header,
//! totals, charts, failures) followed by the list's controls and the inline script that
//! pages through the rows. The data precedes the visible parts in the file but is never
//! shown, so screen, print and tab order are still header, totals, charts, failures, list.

mod digest;
mod page;
mod row;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use self::digest::Digest;
use self::page::{RunFacts, esc};
use super::event::{Execution, RunInfo};
use super::export::create_report_file;
use super::reporter::{ReportError, Reporter};
use super::stats::Summary;

const CSS: &str = include_str!("assets/report.css");
const JS: &str = include_str!("assets/report.js");

/// Rows per `<script>` chunk: small enough to parse in pieces, few enough elements.
const CHUNK: usize = 1000;
/// Run-level warnings shown; a flood must not grow memory.
const MAX_WARNINGS: usize = 100;

/// Inline icons (`<use href="#i-ok">`) and the hatch that marks failed bars without colour.
const SYMBOLS: &str = r#"<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="var(--fail)" opacity=".35"/><rect width="2.5" height="6" fill="var(--fail)"/></pattern></defs><symbol id="i-ok" viewBox="0 0 16 16"><path d="M13.78 4.22a.75.75 0 0 1 0 1.06l-7.25 7.25a.75.75 0 0 1-1.06 0L2.22 9.28a.75.75 0 0 1 1.06-1.06L6 10.94l6.72-6.72a.75.75 0 0 1 1.06 0z"/></symbol><symbol id="i-fail" viewBox="0 0 16 16"><path d="M3.72 3.72a.75.75 0 0 1 1.06 0L8 6.94l3.22-3.22a.75.75 0 1 1 1.06 1.06L9.06 8l3.22 3.22a.75.75 0 1 1-1.06 1.06L8 9.06l-3.22 3.22a.75.75 0 0 1-1.06-1.06L6.94 8 3.72 4.78a.75.75 0 0 1 0-1.06z"/></symbol><symbol id="i-skip" viewBox="0 0 16 16"><path d="M2 7.25h12v1.5H2z"/></symbol></svg>"#;

/// How the HTML reporter writes.
#[derive(Clone, Debug)]
pub struct HtmlOptions {
    /// Bodies are cut at this many bytes, as in the JSON report.
    pub body_limit: usize,
    /// `-x`: the run exits 0 even when something failed (shown in the header).
    pub suppress_exit_code: bool,
    /// Print the report's path when it is written (off under `--silent`).
    pub announce: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Streaming,
    Closed,
    Broken,
}

pub struct HtmlReporter {
    path: PathBuf,
    out: BufWriter<File>,
    state: State,
    options: HtmlOptions,
    collection: String,
    digest: Digest,
    in_chunk: usize,
    warnings: Vec<String>,
    dropped_warnings: usize,
    /// The report index of the execution behind each listed failure, in `Summary` order.
    failure_executions: Vec<u64>,
    scratch: Vec<u8>,
}

/// `postie-reports/<collection>-<UTC time>.html`: the name says what ran and when, with
/// only characters every file system and CI artifact store takes.
pub fn default_html_path(collection: &str, started: std::time::SystemTime) -> PathBuf {
    let mut name: String = collection
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '-' })
        .take(80)
        .collect();
    name = name.trim_matches(['-', '.']).to_string();
    if name.is_empty() {
        name = "collection".to_string();
    }
    let stamp = chrono::DateTime::<chrono::Utc>::from(started).format("%Y-%m-%dT%H-%M-%S-%3fZ");
    Path::new("postie-reports").join(format!("{name}-{stamp}.html"))
}

impl HtmlReporter {
    /// Creates the file (and its folders) and writes the head, so a bad path fails before
    /// the run.
    pub fn new(path: &Path, collection: &str, options: HtmlOptions) -> Result<Self, ReportError> {
        let out = create_report_file("html", path)?;
        let mut r = HtmlReporter {
            path: path.to_path_buf(),
            out,
            state: State::Streaming,
            options,
            collection: collection.to_string(),
            digest: Digest::default(),
            in_chunk: 0,
            warnings: Vec::new(),
            dropped_warnings: 0,
            failure_executions: Vec::new(),
            scratch: Vec::new(),
        };
        r.guard(|r| {
            write!(
                r.out,
                "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"generator\" content=\"postie {}\"><title>{} · postie report</title><style>{CSS}</style></head>\n<body><a class=\"skip-link\" href=\"#failures\">Skip to failures</a>{SYMBOLS}\n",
                env!("CARGO_PKG_VERSION"),
                esc(collection)
            )
        })?;
        Ok(r)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn guard(&mut self, f: impl FnOnce(&mut Self) -> io::Result<()>) -> Result<(), ReportError> {
        if self.state != State::Streaming {
            return Ok(());
        }
        f(self).map_err(|source| {
            self.state = State::Broken;
            ReportError::Io { reporter: "html", path: self.path.clone(), source }
        })
    }

    fn close_chunk(&mut self) -> io::Result<()> {
        if self.in_chunk > 0 {
            self.out.write_all(b"]</script>\n")?;
            self.in_chunk = 0;
        }
        Ok(())
    }

    /// Everything after the data: the static parts, the list's controls, the script.
    fn write_tail(&mut self, summary: &Summary) -> io::Result<()> {
        self.close_chunk()?;
        let failed = summary.failed();
        let facts = RunFacts {
            collection: &self.collection,
            version: env!("CARGO_PKG_VERSION"),
            exit_code: if failed && !self.options.suppress_exit_code { 1 } else { 0 },
        };
        let mut html = String::with_capacity(64 * 1024);
        page::header(&mut html, summary, &facts);
        html.push_str("<main>\n");
        page::totals(&mut html, summary, &self.digest);
        page::charts(&mut html, &self.digest);
        page::failures(&mut html, summary, &self.failure_executions);
        if !self.warnings.is_empty() {
            html.push_str("<section id=\"warnings\" aria-labelledby=\"warnings-h\"><h2 id=\"warnings-h\">Warnings</h2><ul class=\"warnings\">");
            for w in &self.warnings {
                html.push_str(&format!("<li>{}</li>", esc(w)));
            }
            if self.dropped_warnings > 0 {
                html.push_str(&format!("<li>and {} more</li>", self.dropped_warnings));
            }
            html.push_str("</ul></section>\n");
        }
        html.push_str(&format!(
            r#"<section id="executions" aria-labelledby="executions-h"><h2 id="executions-h">Executions <span class="count">{n}</span></h2>
<noscript><p class="empty">The list of executions needs JavaScript; the totals and failures above do not.</p></noscript>
<div class="controls" id="controls" hidden><label><input type="checkbox" id="f-failed"> Failed only</label><label>Iteration <select id="f-iter"><option value="">all</option></select></label><label>Folder <select id="f-folder"><option value="">all</option></select></label><label>Search <input type="search" id="f-search" placeholder="request name or URL"></label><span id="f-shown" role="status" aria-live="polite"></span></div>
<div id="list"></div><nav class="pager" id="pager" aria-label="Pages of executions"></nav></section>
</main>
<script>{JS}</script>
</body></html>
"#,
            n = self.digest.executions,
        ));
        self.out.write_all(html.as_bytes())?;
        self.out.flush()
    }
}

impl Reporter for HtmlReporter {
    fn start(&mut self, info: &RunInfo) -> Result<(), ReportError> {
        if !info.collection_name.is_empty() {
            self.collection = info.collection_name.clone();
        }
        Ok(())
    }

    fn execution(&mut self, e: &Execution) -> Result<(), ReportError> {
        let index = self.digest.executions;
        self.digest.add(e);
        let failures = e.failure_count();
        let room = page::MAX_LISTED_FAILURES.saturating_sub(self.failure_executions.len());
        self.failure_executions.extend(std::iter::repeat_n(index, failures.min(room)));
        let value = row::row(index, e, self.options.body_limit);
        self.scratch.clear();
        let mut scratch = std::mem::take(&mut self.scratch);
        let result = self.guard(|r| {
            row::script_safe(&value, &mut scratch).map_err(io::Error::other)?;
            if r.in_chunk == 0 {
                r.out.write_all(b"<script type=\"application/json\" class=\"postie-data\">[")?;
            } else {
                r.out.write_all(b",\n")?;
            }
            r.out.write_all(&scratch)?;
            r.in_chunk += 1;
            if r.in_chunk == CHUNK {
                r.close_chunk()?;
            }
            Ok(())
        });
        // one huge body must not pin its buffer for the rest of the run
        if scratch.capacity() <= 1 << 20 {
            self.scratch = scratch;
        }
        result
    }

    fn warning(&mut self, message: &str) -> Result<(), ReportError> {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(message.to_string());
        } else {
            self.dropped_warnings += 1;
        }
        Ok(())
    }

    fn done(&mut self, summary: &Summary) -> Result<(), ReportError> {
        self.guard(|r| r.write_tail(summary))?;
        if self.state == State::Streaming {
            self.state = State::Closed;
            if self.options.announce {
                println!("HTML report: {}", self.path.display());
            }
        }
        Ok(())
    }
}

impl Drop for HtmlReporter {
    // Dropped without `done` (a panic elsewhere): close the page so what was written opens.
    fn drop(&mut self) {
        if self.state == State::Streaming {
            let mut summary = Summary::new(std::time::SystemTime::now());
            summary.error = Some("the run ended before the report was finished".to_string());
            let _ = self.write_tail(&summary);
        }
    }
}

#[cfg(test)]
mod tests;
