//! The terminal reporter: Newman-like lines per request and assertion, then a summary
//! table and the numbered failure list.

use std::io::Write;

use super::event::{AssertionStatus, Execution, RunInfo, ScriptPhase};
use super::reporter::{ReportError, Reporter};
use super::stats::Summary;

#[derive(Clone, Debug, Default)]
pub struct CliOptions {
    pub color: bool,
    pub unicode: bool,
    pub no_summary: bool,
    pub no_failures: bool,
    pub no_assertions: bool,
    pub no_console: bool,
    pub verbose: bool,
}

pub struct CliReporter {
    out: Box<dyn Write + Send>,
    /// Lines are printed "under" the progress bar so it is redrawn, not torn.
    progress: Option<indicatif::ProgressBar>,
    opts: CliOptions,
    iteration: Option<usize>,
    iterations: usize,
    folders: Vec<String>,
    failure_no: usize,
}

impl CliReporter {
    fn script_errors(&mut self, e: &Execution, phase: ScriptPhase) -> Result<(), ReportError> {
        for s in e.script_errors.iter().filter(|s| s.phase == phase) {
            self.failure_no += 1;
            let line = self.paint(
                "31",
                &format!("  {}. {} in {}-script: {}", self.failure_no, s.name, s.phase.as_str(), s.message),
            );
            self.write(line)?;
        }
        Ok(())
    }

    /// What a phase's scripts printed (`console.debug` only with `--verbose`).
    fn console(&mut self, e: &Execution, phase: ScriptPhase) -> Result<(), ReportError> {
        if self.opts.no_console {
            return Ok(());
        }
        let verbose = self.opts.verbose;
        for c in e.console.iter().filter(|c| c.phase == phase && (c.level != "debug" || verbose)) {
            let line = self.paint("2", &format!("  ┊ {}", c.text));
            self.write(line)?;
        }
        Ok(())
    }

    /// The requests a phase's scripts sent, a line each as for the item's own (Newman
    /// prints them as they complete), a failure numbered with the rest.
    fn side_requests(&mut self, e: &Execution, phase: ScriptPhase) -> Result<(), ReportError> {
        for side in e.side_requests.iter().filter(|s| s.phase == phase) {
            match &side.outcome {
                Ok(r) => {
                    let status = format!("{} {}", r.code, r.reason);
                    let status = if r.code >= 400 { self.paint("31", &status) } else { status };
                    let time = human_ms(r.time.as_secs_f64() * 1000.0);
                    let size = human_size(r.displayed_size);
                    self.write(format!("  {} {} [{status}, {size}, {time}]", side.method, side.url))?;
                }
                Err(err) => {
                    self.write(format!("  {} {} [errored]", side.method, side.url))?;
                    self.failure_no += 1;
                    let line = self.paint("31", &format!("  {}. {}: {}", self.failure_no, err.kind, err.message));
                    self.write(line)?;
                }
            }
        }
        Ok(())
    }

    pub fn new(out: Box<dyn Write + Send>, opts: CliOptions) -> Self {
        CliReporter { out, progress: None, opts, iteration: None, iterations: 1, folders: Vec::new(), failure_no: 0 }
    }

    pub fn with_progress(mut self, bar: indicatif::ProgressBar) -> Self {
        self.progress = Some(bar);
        self
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.opts.color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }

    fn io(e: std::io::Error) -> ReportError {
        ReportError::Io { reporter: "cli", path: "<stdout>".into(), source: e }
    }

    fn write(&mut self, text: String) -> Result<(), ReportError> {
        let result = match &self.progress {
            Some(bar) => bar.suspend(|| writeln!(self.out, "{text}")),
            None => writeln!(self.out, "{text}"),
        };
        match result {
            // a closed pipe (`postie run ... | head`) must not fail the run
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other.map_err(Self::io),
        }
    }
}

pub fn human_size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b}B"),
        b if b < 1024 * 1024 => format!("{:.2}kB", b as f64 / 1024.0),
        b => format!("{:.2}MB", b as f64 / (1024.0 * 1024.0)),
    }
}

pub fn human_ms(ms: f64) -> String {
    if ms >= 1000.0 { format!("{:.1}s", ms / 1000.0) } else { format!("{}ms", ms.round() as u64) }
}

impl Reporter for CliReporter {
    fn start(&mut self, info: &RunInfo) -> Result<(), ReportError> {
        self.iterations = info.iterations;
        self.write("postie\n".to_string())?;
        let name = self.paint("1", &info.collection_name);
        self.write(name)
    }

    fn execution(&mut self, e: &Execution) -> Result<(), ReportError> {
        if self.iteration != Some(e.cursor.iteration) {
            self.iteration = Some(e.cursor.iteration);
            self.folders.clear();
            if self.iterations > 1 {
                let line = self.paint("2", &format!("\nIteration {}/{}", e.cursor.iteration + 1, self.iterations));
                self.write(line)?;
            }
        }
        let folders: Vec<String> = e.full_name.split(" / ").map(str::to_string).collect();
        let folders = &folders[..folders.len().saturating_sub(1)];
        if folders != self.folders.as_slice() && !folders.is_empty() {
            let mark = if self.opts.unicode { "❏" } else { "#" };
            self.write(format!("\n{mark} {}", folders.join(" / ")))?;
            self.folders = folders.to_vec();
        } else {
            self.folders = folders.to_vec();
            self.write(String::new())?;
        }
        let arrow = if self.opts.unicode { "→" } else { "->" };
        self.write(format!("{arrow} {}", e.item_name))?;
        for w in &e.warnings {
            let line = self.paint("33", &format!("  ! {w}"));
            self.write(line)?;
        }
        if self.opts.verbose {
            self.write(format!("  route: {}", e.route))?;
        }
        self.console(e, ScriptPhase::PreRequest)?;
        // Failures are numbered in the order the summary lists them (`Summary::record`).
        self.script_errors(e, ScriptPhase::PreRequest)?;
        self.side_requests(e, ScriptPhase::PreRequest)?;
        if let (Some(req), Some(c)) = (&e.request, &e.challenge) {
            // The digest challenge's exchange, a line of its own as Newman prints it.
            let status = self.paint("31", &format!("{} {}", c.code, c.reason));
            let (size, time) = (human_size(c.displayed_size), human_ms(c.time.as_secs_f64() * 1000.0));
            self.write(format!("  {} {} [{status}, {size}, {time}]", req.method, req.url))?;
        }
        if let Some(req) = &e.request {
            let detail = match (&e.response, &e.error) {
                (Some(r), _) => {
                    let status = format!("{} {}", r.code, r.reason);
                    let status = if r.code >= 400 { self.paint("31", &status) } else { status };
                    format!(
                        " [{status}, {}, {}]",
                        human_size(r.displayed_size()),
                        human_ms(r.time.as_secs_f64() * 1000.0)
                    )
                }
                (None, Some(_)) => String::new(),
                (None, None) => " [skipped]".to_string(),
            };
            let retried = match e.attempts.len() {
                0 | 1 => String::new(),
                2 => " after 1 retry".to_string(),
                n => format!(" after {} retries", n - 1),
            };
            self.write(format!("  {} {}{detail}{retried}", req.method, req.url))?;
            if self.opts.verbose
                && let Some(tls) = e.response.as_ref().and_then(|r| r.tls.as_ref())
            {
                self.write(format!("  {tls}"))?;
            }
            if self.opts.verbose && e.reconnected() {
                self.write(
                    "  re-sent on a new connection: the pooled one had been closed by the other side".to_string(),
                )?;
            }
        } else if e.skipped {
            self.write("  (request skipped by script)".to_string())?;
        }
        if let Some(err) = &e.error {
            self.failure_no += 1;
            let line = self.paint("31", &format!("  {}. {}: {}", self.failure_no, err.kind, err.message));
            self.write(line)?;
        }
        self.console(e, ScriptPhase::Test)?;
        self.script_errors(e, ScriptPhase::Test)?;
        self.side_requests(e, ScriptPhase::Test)?;
        if !self.opts.no_assertions {
            for a in &e.assertions {
                let line = match a.status {
                    AssertionStatus::Passed => {
                        let mark = if self.opts.unicode { "✓" } else { "√" };
                        format!("  {}  {}", self.paint("32", mark), a.name)
                    }
                    AssertionStatus::Skipped => self.paint("36", &format!("  -  {}", a.name)),
                    AssertionStatus::Failed => {
                        self.failure_no += 1;
                        self.paint("31", &format!("  {}. {}", self.failure_no, a.name))
                    }
                };
                self.write(line)?;
            }
        }
        Ok(())
    }

    fn warning(&mut self, message: &str) -> Result<(), ReportError> {
        let line = self.paint("33", &format!("warning: {message}"));
        self.write(line)
    }

    fn done(&mut self, s: &Summary) -> Result<(), ReportError> {
        if !self.opts.no_summary {
            let st = &s.stats;
            let rows = [
                ("iterations", st.iterations),
                ("requests", st.requests),
                ("test-scripts", st.test_scripts),
                ("prerequest-scripts", st.prerequest_scripts),
                ("assertions", st.assertions),
            ];
            let (h, v, tl, tr, bl, br, ml, mr) = if self.opts.unicode {
                ("─", "│", "┌", "┐", "└", "┘", "├", "┤")
            } else {
                ("-", "|", "+", "+", "+", "+", "+", "+")
            };
            let duration = s.completed.duration_since(s.started).unwrap_or_default();
            let footer = [
                format!("total run duration: {}", human_ms(duration.as_secs_f64() * 1000.0)),
                format!("total data received: {}", human_size(s.transfer_total)),
                format!(
                    "average response time: {} [min: {}, max: {}, s.d.: {}]",
                    human_ms(s.response_average_ms()),
                    human_ms(s.response_min_ms),
                    human_ms(s.response_max_ms),
                    human_ms(s.response_sd_ms())
                ),
            ];
            let inner = footer.iter().map(|f| f.chars().count() + 2).max().unwrap_or(0).max(48);
            let bar = |l: &str, r: &str| format!("{l}{}{r}", h.repeat(inner));
            let label = inner - 24;
            self.write(String::new())?;
            self.write(bar(tl, tr))?;
            self.write(format!("{v} {:<label$} {v} {:>8} {v} {:>8} {v}", "", "executed", "failed", label = label))?;
            self.write(bar(ml, mr))?;
            for (name, c) in rows {
                self.write(format!("{v} {name:>label$} {v} {:>8} {v} {:>8} {v}", c.total, c.failed, label = label))?;
            }
            self.write(bar(ml, mr))?;
            for f in footer {
                self.write(format!("{v} {f:<width$} {v}", width = inner - 2))?;
            }
            self.write(bar(bl, br))?;
            if !st.routes.is_empty() {
                self.write(String::new())?;
                self.write(format!("  {:>8}  route", "requests"))?;
                for row in &st.routes {
                    self.write(format!("  {:>8}  {}", row.requests, row.label()))?;
                }
            }
        }
        if let Some(err) = &s.error {
            let line = self.paint("31", &format!("\nrun stopped: {err}"));
            self.write(line)?;
        }
        if !self.opts.no_failures && !s.failures.is_empty() {
            self.write(String::new())?;
            self.write(format!("  #  failure{:<20} detail", ""))?;
            for (i, f) in s.failures.iter().enumerate() {
                self.write(String::new())?;
                self.write(format!(" {:>2}.  {:<28} {}", i + 1, f.name, f.message))?;
                let place = if f.at == "assertion" {
                    format!("at assertion in test-script, inside \"{}\"", f.full_name)
                } else {
                    format!("at {}, inside \"{}\"", f.at, f.full_name)
                };
                self.write(format!("      {:<28} {place} (iteration {})", "", f.iteration + 1))?;
            }
        }
        self.out
            .flush()
            .or_else(|e| if e.kind() == std::io::ErrorKind::BrokenPipe { Ok(()) } else { Err(e) })
            .map_err(Self::io)
    }
}
