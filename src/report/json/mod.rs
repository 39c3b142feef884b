//! The JSON reporter: Newman's summary layout (`collection`, `run.stats`, `run.timings`,
//! `run.executions`, `run.transfers`, `run.failures`, `run.error`, `environment`,
//! `globals`), written as the run goes so memory stays flat on long runs.
//!
//! The file is opened at construction (an unwritable path fails before the run); the
//! head (`{"collection": …, "run": {"executions": [`) is written then, each execution is
//! appended and flushed as it arrives and dropped, and `done` writes the tail. So the key
//! order differs from Newman's: `collection`, `run` (with `executions` first and the
//! totals after it), then `environment` and `globals` — JSON objects are unordered, and
//! only this order lets the file be streamed. If the reporter is dropped without `done`,
//! it still closes the document validly, with `run.error` saying so.
//!
//! `environment` and `globals` are the final scopes, known only after the last request:
//! the runner puts them in through the `FinalScopes` handle before the dispatcher calls
//! `done`. Nothing here masks them: pass them through `redact_json`. The collection is
//! masked while it is copied.

mod execution;
mod read;
mod scrub;
mod tail;

#[cfg(test)]
mod tests;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use serde_json::Value;
use serde_json::ser::PrettyFormatter;

pub(crate) use self::execution::capped_text;
pub use self::execution::execution_from_json;
pub use self::read::{ReadReportError, ReportParts, read_report};
pub use self::scrub::redact_json;
use self::tail::{Source, Sources};
use super::event::Execution;
use super::export::create_report_file;
use super::redact::Redactor;
use super::reporter::{ReportError, Reporter};
use super::stats::Summary;
use crate::collection::RawDocument;

/// Run-level warnings kept for `run.warnings`; a flood of them must not grow memory.
const MAX_WARNINGS: usize = 100;

/// Where the runner leaves the final environment and globals for the JSON report. A
/// clone of the reporter's handle: fill it before the dispatcher sends `Done`.
#[derive(Clone, Default)]
pub struct FinalScopes(Arc<Mutex<Option<(Value, Value)>>>, Arc<Mutex<Option<(Value, bool)>>>);

impl FinalScopes {
    pub fn set(&self, environment: Value, globals: Value) {
        *self.lock() = Some((environment, globals));
    }

    /// A shard's last write of each variable (`shardWrites`) and whether it ran all its
    /// lanes (`shardComplete`; false after `--bail`), for merge-reports.
    pub fn set_shard_writes(&self, writes: Value, complete: bool) {
        *self.1.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some((writes, complete));
    }

    fn take_shard_writes(&self) -> Option<(Value, bool)> {
        self.1.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take()
    }

    fn take(&self) -> Option<(Value, Value)> {
        self.lock().take()
    }

    fn lock(&self) -> MutexGuard<'_, Option<(Value, Value)>> {
        // a panic while holding the lock cannot leave a half-written pair behind
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl std::fmt::Debug for FinalScopes {
    // the scopes may hold secrets: never print them
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FinalScopes").field("set", &self.lock().is_some()).finish_non_exhaustive()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// The head is written and `executions` is open.
    Streaming,
    /// The tail is written.
    Closed,
    /// A write failed; the error was reported once and nothing more is written.
    Broken,
}

pub struct JsonReporter {
    path: PathBuf,
    out: BufWriter<File>,
    state: State,
    body_limit: usize,
    scopes: FinalScopes,
    sources: Sources,
    warnings: Vec<String>,
    /// One serialized execution at a time, reused.
    scratch: Vec<u8>,
    written: u64,
}

impl JsonReporter {
    /// Creates the file (and its parent folders) and writes the head with `collection`,
    /// so a bad path fails before the run. Bodies are cut at `body_limit` bytes.
    /// The collection is copied node by node with `redactor` applied to each (see
    /// `RawDocument::copy_to`), so a huge collection is never a JSON tree here.
    /// A sharded run's `shard` block comes first, so merge-reports checks it before reading
    /// executions.
    pub fn new(
        path: &Path,
        collection: &RawDocument,
        redactor: &Redactor,
        body_limit: usize,
        shard: Option<&Value>,
    ) -> Result<Self, ReportError> {
        let out = create_report_file("json", path)?;
        let mut r = JsonReporter {
            path: path.to_path_buf(),
            out,
            state: State::Streaming,
            body_limit,
            scopes: FinalScopes::default(),
            sources: Sources::new(),
            warnings: Vec::new(),
            scratch: Vec::new(),
            written: 0,
        };
        r.guard(|r| {
            r.out.write_all(b"{")?;
            if let Some(block) = shard {
                r.out.write_all(b"\n  \"shard\": ")?;
                r.nested(block, 1)?;
                r.out.write_all(b",")?;
            }
            r.out.write_all(b"\n  \"collection\": ")?;
            let mut mask = |value: &mut Value| redact_json(redactor, value);
            collection.copy_to(&mut r.out, &mut mask, 1)?;
            r.out.write_all(b",\n  \"run\": {\n    \"executions\": [")?;
            r.out.flush()
        })?;
        Ok(r)
    }

    /// The handle through which the runner hands over the final scopes.
    pub fn final_scopes(&self) -> FinalScopes {
        self.scopes.clone()
    }

    pub fn set_final_scopes(&self, environment: Value, globals: Value) {
        self.scopes.set(environment, globals);
    }

    /// Executions written to the file so far.
    pub fn written_executions(&self) -> u64 {
        self.written
    }

    /// Bytes held in memory and not yet handed to the file (0 between executions).
    pub fn buffered_bytes(&self) -> usize {
        self.out.buffer().len() + self.scratch.len()
    }

    /// Runs a sequence of writes; the first failure breaks the report and is returned.
    fn guard(&mut self, f: impl FnOnce(&mut Self) -> io::Result<()>) -> Result<(), ReportError> {
        f(self).map_err(|source| {
            self.state = State::Broken;
            ReportError::Io { reporter: "json", path: self.path.clone(), source }
        })
    }

    /// Writes `value` pretty-printed as if nested `depth` levels deep (2 spaces a level).
    fn nested(&mut self, value: &impl Serialize, depth: usize) -> io::Result<()> {
        self.scratch.clear();
        let mut ser = serde_json::Serializer::with_formatter(&mut self.scratch, PrettyFormatter::with_indent(b"  "));
        value.serialize(&mut ser)?;
        // serde_json escapes newlines inside strings, so every raw newline is layout
        for (i, line) in self.scratch.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                self.out.write_all(b"\n")?;
                for _ in 0..depth {
                    self.out.write_all(b"  ")?;
                }
            }
            self.out.write_all(line)?;
        }
        self.scratch.clear();
        // one huge body must not pin its buffer for the rest of the run
        if self.scratch.capacity() > 1 << 20 {
            self.scratch = Vec::new();
        }
        Ok(())
    }

    /// Writes `items` as the array value of the key just written, one per line block.
    fn array<T: Serialize>(&mut self, items: impl IntoIterator<Item = T>) -> io::Result<()> {
        let mut n = 0;
        self.out.write_all(b"[")?;
        for item in items {
            self.out.write_all(if n == 0 { b"\n      " } else { b",\n      " })?;
            self.nested(&item, 3)?;
            n += 1;
        }
        self.out.write_all(if n == 0 { b"]" } else { b"\n    ]" })
    }

    fn close_executions(&mut self) -> io::Result<()> {
        self.out.write_all(if self.written == 0 { b"]" } else { b"\n    ]" })
    }

    fn key(&mut self, depth: usize, key: &str) -> io::Result<()> {
        self.out.write_all(b",\n")?;
        for _ in 0..depth {
            self.out.write_all(b"  ")?;
        }
        write!(self.out, "\"{key}\": ")
    }
}

impl Reporter for JsonReporter {
    fn execution(&mut self, e: &Execution) -> Result<(), ReportError> {
        if self.state != State::Streaming {
            return Ok(());
        }
        let known = self.sources.get(&e.cursor.position).is_some_and(|s| s.path == e.full_name);
        if !known {
            let source = Source { id: e.item_id.clone(), name: e.item_name.clone(), path: e.full_name.clone() };
            self.sources.insert(e.cursor.position, source);
        }
        let value = execution::execution_json(e, self.body_limit);
        self.guard(|r| {
            r.out.write_all(if r.written == 0 { b"\n      " } else { b",\n      " })?;
            r.nested(&value, 3)?;
            // flushed each time: the file is the only copy, and it shows progress
            r.out.flush()
        })?;
        self.written += 1;
        Ok(())
    }

    fn warning(&mut self, message: &str) -> Result<(), ReportError> {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(message.to_string());
        }
        Ok(())
    }

    fn done(&mut self, s: &Summary) -> Result<(), ReportError> {
        if self.state != State::Streaming {
            return Ok(());
        }
        let empty = || serde_json::json!({ "values": [] });
        let (environment, globals) = self.scopes.take().unwrap_or_else(|| (empty(), empty()));
        let warnings = std::mem::take(&mut self.warnings);
        let sources = std::mem::take(&mut self.sources);
        let shard_writes = self.scopes.take_shard_writes();
        self.guard(|r| {
            r.close_executions()?;
            for (key, value) in
                [("stats", tail::stats(s)), ("timings", tail::timings(s)), ("transfers", tail::transfers(s))]
            {
                r.key(2, key)?;
                r.nested(&value, 2)?;
            }
            r.key(2, "failures")?;
            r.array(s.failures.iter().map(|f| tail::failure(f, &sources)))?;
            r.key(2, "warnings")?;
            r.nested(&warnings, 2)?;
            r.key(2, "error")?;
            r.nested(&s.error, 2)?;
            r.out.write_all(b"\n  }")?;
            r.key(1, "environment")?;
            r.nested(&environment, 1)?;
            r.key(1, "globals")?;
            r.nested(&globals, 1)?;
            if let Some((writes, complete)) = &shard_writes {
                r.key(1, "shardWrites")?;
                r.nested(writes, 1)?;
                r.key(1, "shardComplete")?;
                r.nested(complete, 1)?;
            }
            r.out.write_all(b"\n}\n")?;
            r.out.flush()
        })?;
        self.state = State::Closed;
        Ok(())
    }
}

impl Drop for JsonReporter {
    /// Without `done` (a panic elsewhere), close the document so it still parses.
    fn drop(&mut self) {
        if self.state != State::Streaming {
            return;
        }
        let _ = self.guard(|r| {
            r.close_executions()?;
            r.key(2, "error")?;
            r.out.write_all(b"\"the report was closed before the run finished\"\n  }\n}\n")?;
            r.out.flush()
        });
    }
}
