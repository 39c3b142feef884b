//! The JSON that crosses into and out of the prelude. `begin()` gets a small meta text,
//! the request, the response and one text per scope (parsed lazily in JS); `finish()`
//! returns only what changed, so untouched scopes and requests move back without a copy.
//! `Accumulated` gathers the results of a run's segments (a run restarts after a timeout).

use serde::{Deserialize, Serialize};

use super::types::{
    Assertion, AssertionFailure, AssertionStatus, ConsoleLine, Map, NextRequest, ScopeMaps, ScriptEvent, ScriptFailure,
    ScriptInfo, ScriptRequest, ScriptResponse, ScriptSource,
};

#[derive(Serialize)]
struct Meta<'a> {
    event: &'a str,
    /// Index of this segment's first assertion (a run restarts after a timeout).
    #[serde(rename = "assertionBase")]
    assertion_base: usize,
    #[serde(rename = "environmentName")]
    environment_name: &'a Option<String>,
    info: Info<'a>,
}

#[derive(Serialize)]
struct Info<'a> {
    #[serde(rename = "eventName")]
    event_name: &'a str,
    iteration: usize,
    #[serde(rename = "iterationCount")]
    iteration_count: usize,
    #[serde(rename = "requestName")]
    request_name: &'a str,
    #[serde(rename = "requestId")]
    request_id: &'a str,
}

#[derive(Serialize)]
struct RequestOut<'a> {
    method: &'a str,
    url: &'a str,
    headers: &'a [(String, String)],
    body: &'a Option<String>,
}

#[derive(Serialize)]
struct ResponseOut<'a> {
    code: u16,
    status: &'a str,
    headers: &'a [(String, String)],
    #[serde(rename = "responseTime")]
    response_time: u64,
    #[serde(rename = "responseSize")]
    response_size: u64,
}

/// The arguments of `begin()`, all JSON texts except the body.
pub struct BeginArgs {
    pub meta: String,
    pub request: String,
    pub response: String,
    pub body: String,
    pub scopes: Vec<String>,
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    // Serialising maps of JSON values and plain strings cannot fail.
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
}

/// What a segment of a run starts from.
pub struct Segment<'a> {
    pub event: ScriptEvent,
    pub vars: &'a ScopeMaps,
    pub request: &'a ScriptRequest,
    pub response: Option<&'a ScriptResponse>,
    pub info: &'a ScriptInfo,
    pub assertion_base: usize,
}

pub fn begin_args(segment: &Segment<'_>) -> BeginArgs {
    let event = segment.event.postman_name();
    let meta = Meta {
        event,
        assertion_base: segment.assertion_base,
        environment_name: &segment.vars.environment_name,
        info: Info {
            event_name: event,
            iteration: segment.info.iteration,
            iteration_count: segment.info.iteration_count,
            request_name: &segment.info.request_name,
            request_id: &segment.info.request_id,
        },
    };
    let request = RequestOut {
        method: &segment.request.method,
        url: &segment.request.url,
        headers: &segment.request.headers,
        body: &segment.request.body,
    };
    let (response, body) = match segment.response {
        Some(r) => (
            to_json(&ResponseOut {
                code: r.code,
                status: &r.status,
                headers: &r.headers,
                response_time: r.response_time_ms,
                response_size: r.response_size,
            }),
            String::from_utf8_lossy(&r.body).into_owned(),
        ),
        None => (String::new(), String::new()),
    };
    let vars = segment.vars;
    BeginArgs {
        meta: to_json(&meta),
        request: to_json(&request),
        response,
        body,
        scopes: [&vars.local, &vars.data, &vars.environment, &vars.collection, &vars.globals]
            .iter()
            .map(to_json)
            .collect(),
    }
}

#[derive(Deserialize)]
pub struct Finished {
    assertions: Vec<FinishedAssertion>,
    console: Vec<FinishedConsole>,
    errors: Vec<AsyncError>,
    /// local, data, environment, collection, globals; `None` when unchanged.
    scopes: Vec<Option<Map>>,
    request: Option<FinishedRequest>,
    #[serde(rename = "nextRequest")]
    next_request: Option<FinishedNext>,
    #[serde(rename = "skipRequest")]
    skip_request: bool,
}

#[derive(Deserialize)]
struct FinishedAssertion {
    name: String,
    status: String,
    index: usize,
    error: Option<FinishedFailure>,
}

#[derive(Deserialize)]
struct FinishedFailure {
    name: String,
    message: String,
    stack: Option<String>,
}

#[derive(Deserialize)]
struct FinishedConsole {
    level: String,
    text: String,
}

/// An error raised after a script's synchronous part (timer, callback, rejected promise).
#[derive(Deserialize)]
struct AsyncError {
    origin: usize,
    name: String,
    message: String,
    line: Option<u32>,
}

#[derive(Deserialize)]
struct FinishedRequest {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
}

#[derive(Deserialize)]
struct FinishedNext {
    target: Option<String>,
}

/// The results of a run so far; segments merge into it in order.
pub struct Accumulated {
    pub assertions: Vec<Assertion>,
    pub console: Vec<ConsoleLine>,
    /// (script index, failure), in order of occurrence within each script.
    pub errors: Vec<(usize, ScriptFailure)>,
    pub vars: ScopeMaps,
    pub request: ScriptRequest,
    pub next_request: NextRequest,
    pub skip_request: bool,
}

impl Finished {
    pub fn parse(text: &str) -> Result<Finished, String> {
        serde_json::from_str(text).map_err(|e| format!("unreadable script results: {e}"))
    }

    /// Adds this segment's results; changed scopes and a changed request replace the old.
    pub fn merge_into(self, acc: &mut Accumulated, scripts: &[ScriptSource]) {
        acc.assertions.extend(self.assertions.into_iter().map(|a| Assertion {
            status: match a.status.as_str() {
                "passed" => AssertionStatus::Passed,
                "skipped" => AssertionStatus::Skipped,
                _ => AssertionStatus::Failed,
            },
            error: a.error.map(|e| AssertionFailure { name: e.name, message: e.message, stack: e.stack }),
            name: a.name,
            index: a.index,
        }));
        acc.console.extend(self.console.into_iter().map(|c| ConsoleLine { level: c.level, text: c.text }));
        for error in self.errors {
            if let Some(script) = scripts.get(error.origin) {
                let failure = ScriptFailure {
                    origin: script.origin.clone(),
                    name: error.name,
                    message: error.message,
                    line: error.line,
                };
                acc.errors.push((error.origin, failure));
            }
        }
        let mut changed = self.scopes.into_iter();
        let vars = &mut acc.vars;
        for scope in [&mut vars.local, &mut vars.data, &mut vars.environment, &mut vars.collection, &mut vars.globals] {
            if let Some(map) = changed.next().flatten() {
                *scope = map;
            }
        }
        if let Some(r) = self.request {
            acc.request = ScriptRequest { method: r.method, url: r.url, headers: r.headers, body: r.body };
        }
        match self.next_request {
            None => {}
            Some(FinishedNext { target: None }) => acc.next_request = NextRequest::Stop,
            Some(FinishedNext { target: Some(name) }) => acc.next_request = NextRequest::Goto(name),
        }
        acc.skip_request |= self.skip_request;
    }
}

/// What `describeError` in the prelude says about a thrown value.
#[derive(Deserialize)]
pub struct DescribedError {
    pub name: String,
    pub message: String,
    pub line: Option<u32>,
}

pub fn described(text: &str) -> Option<DescribedError> {
    serde_json::from_str(text).ok()
}
