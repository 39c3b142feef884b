//! Reporting: the `Event`s a run emits, the `Reporter` trait, and the sinks (terminal,
//! JUnit, JSON). Every event passes the `Redactor` before any sink sees it.

mod build;
mod cli;
mod event;
mod export;
mod json;
mod junit;
mod progress;
mod redact;
mod stats;
#[cfg(test)]
mod testdata;

pub use build::{KNOWN_REPORTERS, ReporterSettings, ReporterSetupError, Reporters, build_reporters};
pub use cli::{CliOptions, CliReporter};
pub use event::*;
pub use export::export_path;
pub use json::{FinalScopes, JsonReporter, redact_json};
pub use junit::JunitReporter;
pub use progress::ProgressReporter;
pub use redact::Redactor;
pub use stats::{Counter, FailureRecord, Stats, Summary};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot write the {reporter} report to {}: {source}", path.display())]
    Io {
        reporter: &'static str,
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A sink for run events. Called on one thread, in plan order.
pub trait Reporter: Send {
    fn start(&mut self, _info: &RunInfo) -> Result<(), ReportError> {
        Ok(())
    }
    fn execution(&mut self, _execution: &Execution) -> Result<(), ReportError> {
        Ok(())
    }
    fn warning(&mut self, _message: &str) -> Result<(), ReportError> {
        Ok(())
    }
    /// Last call: write and close. Called also when the run was cut short.
    fn done(&mut self, _summary: &Summary) -> Result<(), ReportError> {
        Ok(())
    }
}

/// Fans events out to every reporter, masking secrets and keeping the totals.
pub struct Dispatcher {
    reporters: Vec<Box<dyn Reporter>>,
    redactor: Redactor,
    summary: Option<Summary>,
    errors: Vec<ReportError>,
}

impl Dispatcher {
    pub fn new(reporters: Vec<Box<dyn Reporter>>, redactor: Redactor) -> Self {
        Dispatcher { reporters, redactor, summary: None, errors: Vec::new() }
    }

    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    fn each(&mut self, mut f: impl FnMut(&mut dyn Reporter) -> Result<(), ReportError>) {
        for r in &mut self.reporters {
            if let Err(e) = f(r.as_mut()) {
                self.errors.push(e);
            }
        }
    }

    pub fn handle(&mut self, event: Event) {
        match event {
            Event::Start(info) => {
                self.summary = Some(Summary::new(info.started));
                self.each(|r| r.start(&info));
            }
            Event::Execution(mut e) => {
                for secret in std::mem::take(&mut e.secrets) {
                    self.redactor.add(&secret);
                }
                self.redactor.execution(&mut e);
                if let Some(s) = &mut self.summary {
                    s.record(&e);
                }
                self.each(|r| r.execution(&e));
            }
            Event::Warning(w) => {
                let w = self.redactor.text(&w);
                self.each(|r| r.warning(&w));
            }
            Event::Done(mut s) => {
                s.error = s.error.map(|e| self.redactor.text(&e));
                self.each(|r| r.done(&s));
                self.summary = Some(*s);
            }
        }
    }

    /// The totals so far (complete after `Done`).
    pub fn summary(&self) -> Option<&Summary> {
        self.summary.as_ref()
    }

    pub fn take_errors(&mut self) -> Vec<ReportError> {
        std::mem::take(&mut self.errors)
    }
}
