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
    /// The body is already cut (an execution read back from a report by merge-reports).
    pub body_truncated: bool,
}

#[derive(Clone, Debug, Default)]
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
    /// The pooled connection was found closed by the peer and the request went again on a new one.
    pub reconnected: bool,
    /// The body is already cut (an execution read back from a report by merge-reports).
    pub body_truncated: bool,
}

impl ResponseRecord {
    /// What Newman shows after a response (`[200 OK, 401B, 3ms]`): the status line and
    /// headers as Postman counts them, plus the body as received (for a gzip or deflate
    /// body with a `Content-Length`, the length the server declared).
    pub fn displayed_size(&self) -> u64 {
        let header_value =
            |name: &str| self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim());
        let compressed = header_value("content-encoding")
            .is_some_and(|e| e.to_ascii_lowercase().contains("gzip") || e.to_ascii_lowercase().contains("deflate"));
        let body = match header_value("content-length").and_then(|v| v.parse::<u64>().ok()) {
            Some(declared) if compressed => declared,
            _ => self.body.len() as u64,
        };
        // "HTTP/X.X 200 OK\r\n\r\n", then "Key: value\r\n" for each header.
        let status_line = "HTTP/X.X ".len() + self.code.to_string().len() + 1 + self.reason.len() + 4;
        let lines: usize = self.headers.iter().map(|(k, v)| k.len() + 2 + v.len() + 2).sum();
        body + (status_line + lines) as u64
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RequestError {
    /// A short class: `ConnectionRefused`, `Timeout`, `ProxyAuthenticationFailed`, `InvalidUrl`, ...
    pub kind: String,
    pub message: String,
    /// The request was re-sent on a new connection after its pooled one was closed, and failed again.
    pub reconnected: bool,
}

impl RequestError {
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        RequestError { kind: kind.to_string(), message: message.into(), reconnected: false }
    }
}

/// One attempt of a request sent with `--retry`: its status line or error, and its time.
#[derive(Clone, Debug, PartialEq)]
pub struct AttemptRecord {
    /// `503 Service Unavailable` or `ConnectionFailed: cannot connect to ...`.
    pub outcome: String,
    pub time: Duration,
}

/// A request a script sent (`pm.sendRequest`). Newman counts it among the run's requests,
/// shows it next to the item's own and fails the run when it gets no response.
#[derive(Clone, Debug, PartialEq)]
pub struct SideRequest {
    /// The script that sent it.
    pub phase: ScriptPhase,
    pub method: String,
    pub url: String,
    /// As `Execution::route` and `route_rule`: where it went, and why.
    pub route: String,
    pub route_rule: String,
    pub outcome: Result<SideResponse, RequestError>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SideResponse {
    pub code: u16,
    pub reason: String,
    pub time: Duration,
    /// Bytes of the body as decoded (`responseSize`).
    pub size: u64,
    /// What the CLI line shows (`[200 OK, 401B, 3ms]`), as for the item's own response.
    pub displayed_size: u64,
    /// What `run.transfers.responseTotal` counts for it (see `stats::counted_size`).
    pub counted_size: u64,
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
    /// The script that printed it: the CLI shows a test script's lines after the request's,
    /// as Newman does.
    pub phase: ScriptPhase,
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
    /// The rule that chose the route (`NO_PROXY .corp`, `--proxy`); empty when nothing was sent.
    pub route_rule: String,
    /// Every attempt, when `--retry` sent the request more than once; else empty.
    pub attempts: Vec<AttemptRecord>,
    /// Requests the item's scripts sent, in the order they were sent.
    pub side_requests: Vec<SideRequest>,
    /// The server's digest challenge, answered before `response`: Newman counts and shows it
    /// as a request of its own (same method and URL).
    pub challenge: Option<SideResponse>,
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
    /// An execution of the item at `cursor` with nothing recorded yet.
    pub fn new(cursor: Cursor, item_id: &str, item_name: &str, full_name: String) -> Execution {
        Execution {
            cursor,
            item_id: item_id.to_string(),
            item_name: item_name.to_string(),
            full_name,
            request: None,
            response: None,
            error: None,
            route: String::new(),
            route_rule: String::new(),
            attempts: Vec::new(),
            side_requests: Vec::new(),
            challenge: None,
            assertions: Vec::new(),
            script_errors: Vec::new(),
            console: Vec::new(),
            ran_prerequest: false,
            ran_test: false,
            skipped: false,
            warnings: Vec::new(),
            secrets: Vec::new(),
        }
    }

    /// The request was re-sent once on a new connection because its pooled one was closed.
    pub fn reconnected(&self) -> bool {
        self.response.as_ref().is_some_and(|r| r.reconnected) || self.error.as_ref().is_some_and(|e| e.reconnected)
    }
}

impl Execution {
    /// How many failures `Summary::record` lists for this execution.
    pub fn failure_count(&self) -> usize {
        self.script_errors.len()
            + usize::from(self.error.is_some())
            + self.side_requests.iter().filter(|s| s.outcome.is_err()).count()
            + self.assertions.iter().filter(|a| a.status == AssertionStatus::Failed).count()
    }

    pub fn failed(&self) -> bool {
        self.error.is_some()
            || self.side_requests.iter().any(|s| s.outcome.is_err())
            || !self.script_errors.is_empty()
            || self.assertions.iter().any(|a| a.status == AssertionStatus::Failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(code: u16, reason: &str, headers: &[(&str, &str)], body: &[u8]) -> ResponseRecord {
        ResponseRecord {
            code,
            reason: reason.into(),
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            body: body.to_vec(),
            time: Duration::ZERO,
            size: body.len() as u64,
            http_version: "HTTP/1.1".into(),
            tls: None,
            warnings: Vec::new(),
            body_truncated: false,
            reconnected: false,
        }
    }

    /// Figures Newman 6.2.2 printed for the same responses of the echo API.
    #[test]
    fn displayed_size_counts_as_newman_does() {
        let json = [("Content-Type", "application/json"), ("Content-Length", "2")];
        // "HTTP/X.X 200 OK\r\n\r\n" (19) + "Content-Type: application/json\r\n" (32)
        // + "Content-Length: 2\r\n" (19) + the body (2)
        assert_eq!(response(200, "OK", &json, b"{}").displayed_size(), 72);
        assert_eq!(response(404, "Not Found", &[], b"").displayed_size(), 26);
        // A compressed body counts as declared, not as decompressed.
        let gz = [("Content-Encoding", "gzip"), ("Content-Length", "10")];
        assert_eq!(response(200, "OK", &gz, &[b'x'; 300]).displayed_size(), 19 + 24 + 20 + 10);
        let br = [("Content-Encoding", "br"), ("Content-Length", "10")];
        assert_eq!(response(200, "OK", &br, &[b'x'; 300]).displayed_size(), 19 + 22 + 20 + 300);
    }
}
