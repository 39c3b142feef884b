//! The JUnit reporter: Newman's shape (a `testsuite` per request item, a `testcase` per
//! assertion) with Newman's bugs fixed — one testcase per assertion *per iteration*
//! (` [iteration N]`), so a later pass never hides an earlier failure; correct counts on
//! every suite and on the root; `<skipped/>` for skipped assertions; request and script
//! errors as `<error>` testcases of their own.
//!
//! XML must be written suite by suite, and an item's iterations arrive far apart, so the
//! suites are kept until `done`. Only what the XML shows is kept (names, outcomes,
//! messages, times): memory grows with distinct assertions × iterations, never with
//! response bodies. The file is created at construction (an unwritable path fails before
//! the run) and written at `done`, or on drop when `done` never came.

mod model;
mod xml;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use self::model::Suite;
use super::event::{Execution, RunInfo};
use super::export::create_report_file;
use super::reporter::{ReportError, Reporter};
use super::stats::Summary;

pub struct JunitReporter {
    path: PathBuf,
    /// `None` once the report is written.
    out: Option<BufWriter<File>>,
    collection_name: String,
    started: Option<SystemTime>,
    iterations: usize,
    suites: Vec<Suite>,
    /// Item id → index in `suites`: first-seen order, like Newman.
    by_item: HashMap<String, usize>,
}

impl JunitReporter {
    /// Creates the report file now (and its parent folders), so a bad path fails the
    /// command before any request is sent.
    pub fn new(path: &Path) -> Result<Self, ReportError> {
        let out = create_report_file("junit", path)?;
        Ok(JunitReporter {
            path: path.to_path_buf(),
            out: Some(out),
            collection_name: String::new(),
            started: None,
            iterations: 1,
            suites: Vec::new(),
            by_item: HashMap::new(),
        })
    }

    fn write(&mut self, started: SystemTime) -> Result<(), ReportError> {
        let Some(mut out) = self.out.take() else {
            return Ok(());
        };
        let timestamp =
            chrono::DateTime::<chrono::Utc>::from(started).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        xml::write_report(&mut out, &self.collection_name, &timestamp, &self.suites)
            .and_then(|()| out.flush())
            .map_err(|source| ReportError::Io { reporter: "junit", path: self.path.clone(), source })
    }
}

impl Reporter for JunitReporter {
    fn start(&mut self, info: &RunInfo) -> Result<(), ReportError> {
        self.collection_name = info.collection_name.clone();
        self.started = Some(info.started);
        self.iterations = info.iterations;
        Ok(())
    }

    fn execution(&mut self, e: &Execution) -> Result<(), ReportError> {
        let index = match self.by_item.get(&e.item_id) {
            Some(&i) => i,
            None => {
                self.suites.push(Suite::new(&e.item_id, &e.full_name));
                self.by_item.insert(e.item_id.clone(), self.suites.len() - 1);
                self.suites.len() - 1
            }
        };
        self.suites[index].add(e, self.iterations > 1);
        Ok(())
    }

    fn done(&mut self, summary: &Summary) -> Result<(), ReportError> {
        self.write(summary.started)
    }
}

impl Drop for JunitReporter {
    /// A run that ended without `done` (a panic elsewhere) still leaves a valid report of
    /// what was seen.
    fn drop(&mut self) {
        let started = self.started.unwrap_or_else(SystemTime::now);
        let _ = self.write(started);
    }
}
