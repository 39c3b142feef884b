//! The `Reporter` trait every sink implements, and what a sink's failure looks like.

use super::event::{Execution, RunInfo};
use super::stats::Summary;

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
