//! What the runner tells reporters: one `Execution` per request sent (or failed to send),
//! in plan order, framed by the run's start and end.

use std::time::{Duration, SystemTime};

#[derive(Clone, Debug)]
pub struct RunInfo {
    pub collection_name: String,
    pub collection_id: String,
    pub started: SystemTime,
    pub iterations: usize,
    /// Requests per iteration in the plan.
    pub planned: usize,
}

/// Where an execution stands in the run; reports are ordered by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cursor {
    pub iteration: usize,
    pub position: usize,
}

#[derive(Clone, Debug)]
pub struct SentRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// The body as text when it is text, else a description (`<multipart: 3 parts>`).
    pub body: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ResponseRecord {
    pub code: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub time: Duration,
    /// Bytes of the body, decompressed (Newman's `responseSize`).
    pub size: u64,
    pub http_version: String,
    /// With `--verbose` on https: the server certificate's subject, issuer and expiry.
    pub tls: Option<String>,
    /// Things about the response the run should mention (a body that would not decompress).
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct RequestError {
    /// A short class: `ConnectionRefused`, `Timeout`, `ProxyAuthenticationFailed`, `InvalidUrl`, ...
    pub kind: String,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssertionStatus {
    Passed,
    Failed,
    Skipped,
}

#[derive(Clone, Debug)]
pub struct AssertionRecord {
    pub name: String,
    pub status: AssertionStatus,
    /// `AssertionError` and chai's message when it failed.
    pub error: Option<(String, String)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScriptPhase {
    PreRequest,
    Test,
}

impl ScriptPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            ScriptPhase::PreRequest => "prerequest",
            ScriptPhase::Test => "test",
        }
    }
}

#[derive(Clone, Debug)]
pub struct ScriptErrorRecord {
    pub phase: ScriptPhase,
    pub origin: String,
    pub name: String,
    pub message: String,
    pub line: Option<u32>,
}

#[derive(Clone, Debug)]
pub struct ConsoleRecord {
    pub level: String,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct Execution {
    pub cursor: Cursor,
    pub item_id: String,
    pub item_name: String,
    /// `Folder / Sub / Request`.
    pub full_name: String,
    pub request: Option<SentRequest>,
    pub response: Option<ResponseRecord>,
    pub error: Option<RequestError>,
    /// The proxy route, credentials masked (`direct` or `proxy http://***:***@host:port`).
    pub route: String,
    pub assertions: Vec<AssertionRecord>,
    pub script_errors: Vec<ScriptErrorRecord>,
    pub console: Vec<ConsoleRecord>,
    /// Whether scripts of each phase ran (for the script counters).
    pub ran_prerequest: bool,
    pub ran_test: bool,
    /// `pm.execution.skipRequest()` was called: nothing was sent.
    pub skipped: bool,
    pub warnings: Vec<String>,
    /// Values to mask from now on (resolved tokens, passwords, `secret` variables); the
    /// dispatcher takes them before any sink sees the execution. Never reported.
    pub secrets: Vec<String>,
}

impl Execution {
    pub fn failed(&self) -> bool {
        self.error.is_some()
            || !self.script_errors.is_empty()
            || self.assertions.iter().any(|a| a.status == AssertionStatus::Failed)
    }
}

#[derive(Clone, Debug)]
pub enum Event {
    Start(RunInfo),
    Execution(Box<Execution>),
    /// A run-level notice (not tied to a request): shown by the terminal reporter.
    Warning(String),
    Done(Box<super::Summary>),
}
