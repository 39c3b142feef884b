//! The progress bar on stderr: completed/total requests, rate and failures. Shown only on
//! a terminal, never under `CI=true`, `--silent` or `--no-progress` (indicatif itself
//! ignores `CI`, so the caller decides).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::event::{Execution, RunInfo};
use super::reporter::{ReportError, Reporter};
use super::stats::Summary;

pub struct ProgressReporter {
    bar: ProgressBar,
    failed: u64,
}

impl ProgressReporter {
    /// A hidden bar until `start` knows the total.
    pub fn new() -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} requests, {rate}, {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key("rate", |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}/s", state.per_sec());
            })
            .progress_chars("=> ");
        bar.set_style(style);
        ProgressReporter { bar, failed: 0 }
    }

    /// The handle other terminal writers use to print without tearing the bar.
    pub fn handle(&self) -> ProgressBar {
        self.bar.clone()
    }
}

impl Default for ProgressReporter {
    fn default() -> Self {
        Self::new()
    }
}

impl Reporter for ProgressReporter {
    fn start(&mut self, info: &RunInfo) -> Result<(), ReportError> {
        self.bar.set_length((info.iterations * info.planned) as u64);
        self.bar.set_message("0 failed");
        Ok(())
    }

    fn execution(&mut self, e: &Execution) -> Result<(), ReportError> {
        if e.failed() {
            self.failed += 1;
            self.bar.set_message(format!("{} failed", self.failed));
        }
        self.bar.inc(1);
        Ok(())
    }

    fn done(&mut self, _summary: &Summary) -> Result<(), ReportError> {
        self.bar.finish_and_clear();
        Ok(())
    }
}
