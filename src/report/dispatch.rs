//! The one place events reach reporters: secrets masked first, totals kept, sink failures
//! collected rather than ending the run.

use super::event::{Execution, RunInfo};
use super::redact::Redactor;
use super::reporter::{ReportError, Reporter};
use super::stats::Summary;

/// What the runner tells the reporters, in plan order, framed by the run's start and end.
#[derive(Clone, Debug)]
pub enum Event {
    Start(RunInfo),
    Execution(Box<Execution>),
    /// A run-level notice (not tied to a request): shown by the terminal reporter.
    Warning(String),
    Done(Box<Summary>),
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
            Event::Start(mut info) => {
                info.collection_name = self.redactor.text(&info.collection_name);
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
