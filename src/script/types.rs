//! The data that crosses the script boundary: what the runner hands a script run
//! (`ScriptInput`), what it gets back (`ScriptOutcome`), and the services a script may call
//! out to (`ScriptServices`). No JavaScript lives here.

use std::time::Duration;

use serde_json::{Map as JsonMap, Value};

/// One variable scope: names to JSON values (strings, numbers, booleans, objects...).
pub type Map = JsonMap<String, Value>;

/// Limits applied to every script run by one host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScriptLimits {
    /// Wall-clock budget of each script (one `ScriptSource`), including the timers and
    /// promises it leaves pending. `None` waits forever, as Newman does by default.
    pub timeout: Option<Duration>,
    /// Heap limit of the JavaScript runtime; 0 means unlimited.
    pub memory_limit_bytes: usize,
}

impl Default for ScriptLimits {
    fn default() -> Self {
        ScriptLimits { timeout: None, memory_limit_bytes: 64 * 1024 * 1024 }
    }
}

/// Which Postman event the scripts belong to (`pm.info.eventName`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScriptEvent {
    PreRequest,
    Test,
}

impl ScriptEvent {
    /// The name Postman scripts see in `pm.info.eventName`.
    pub fn postman_name(self) -> &'static str {
        match self {
            ScriptEvent::PreRequest => "prerequest",
            ScriptEvent::Test => "test",
        }
    }
}

/// One script to run, with where it came from for error messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptSource {
    /// "collection", "folder Orders", "request Create order".
    pub origin: String,
    pub code: String,
}

/// The variable scopes a script sees and may change.
#[derive(Clone, Debug, Default)]
pub struct ScopeMaps {
    pub local: Map,
    pub data: Map,
    pub environment: Map,
    pub collection: Map,
    pub globals: Map,
    pub environment_name: Option<String>,
    /// Declared `string`, `number` and `boolean` types per scope (local, data, environment,
    /// collection, globals): values are cast to them on `get` and `set`, as in Newman.
    pub types: [std::collections::BTreeMap<String, String>; 5],
}

/// The request as scripts see it (`pm.request`); pre-request scripts may change it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScriptRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// The effective auth block (`pm.request.auth`): `{type, <type>: [{key, value}]}`.
    pub auth: Option<serde_json::Value>,
    /// A urlencoded or form-data body, parameter by parameter (`pm.request.body.urlencoded`,
    /// the legacy `request.data`); `body` is then `None`. A pre-request script's changes to
    /// it are sent.
    pub form: Option<ScriptForm>,
    /// The request's own description (the legacy `request.description`).
    pub description: Option<String>,
}

/// A form body as scripts see it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScriptForm {
    pub mode: FormMode,
    pub params: Vec<FormParam>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FormMode {
    Urlencoded,
    Formdata,
}

/// One parameter: a text value, or a file part (`src` its files; its value is empty, as in
/// Newman).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FormParam {
    pub key: String,
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub src: Vec<String>,
}

/// A received response (`pm.response`), also the answer of `pm.sendRequest`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptResponse {
    pub code: u16,
    /// The reason phrase, e.g. "Not Found".
    pub status: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub response_time_ms: u64,
    /// Bytes received, headers included.
    pub response_size: u64,
    /// The run's jar cookies for the URL the response came from (`pm.cookies`, as Newman
    /// gives them); `None` where there is no jar (the script then reads `Set-Cookie`).
    pub cookies: Option<Vec<crate::cookies::JarCookie>>,
}

/// `pm.info`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScriptInfo {
    pub iteration: usize,
    pub iteration_count: usize,
    pub request_name: String,
    pub request_id: String,
    /// The route the request took, for the `postie.route` global; `None` before it is
    /// decided (pre-request scripts).
    pub route: Option<ScriptRoute>,
}

/// `postie.route` as test scripts read it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScriptRoute {
    /// `direct` or `proxy`.
    pub kind: &'static str,
    /// The proxy's URL, credentials masked; `None` when direct.
    pub proxy: Option<String>,
    /// The rule that decided (`NO_PROXY .corp`, `--proxy`).
    pub rule: String,
}

/// Everything one event of one request needs.
#[derive(Clone, Debug)]
pub struct ScriptInput {
    pub event: ScriptEvent,
    /// Run in order, each on its own: a throw in one does not stop the next.
    pub scripts: Vec<ScriptSource>,
    pub vars: ScopeMaps,
    pub request: ScriptRequest,
    pub response: Option<ScriptResponse>,
    pub info: ScriptInfo,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssertionStatus {
    Passed,
    Failed,
    Skipped,
}

/// One `pm.test` (or legacy `tests[...]`) result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assertion {
    pub name: String,
    pub status: AssertionStatus,
    pub error: Option<AssertionFailure>,
    /// Position in call order across all scripts of this run, from 0.
    pub index: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssertionFailure {
    /// "AssertionError" for failed expectations, else the thrown error's name.
    pub name: String,
    pub message: String,
    pub stack: Option<String>,
}

/// One `console.*` call, already formatted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleLine {
    /// "log", "info", "warn", "error" or "debug".
    pub level: String,
    pub text: String,
}

/// A script that did not finish normally: syntax error, uncaught throw, timeout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptFailure {
    pub origin: String,
    /// "SyntaxError", "TypeError", ...; "Error" when a non-Error value was thrown.
    pub name: String,
    pub message: String,
    /// 1-based line in the script's own code, when known.
    pub line: Option<u32>,
}

/// What `setNextRequest` asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NextRequest {
    Unchanged,
    Stop,
    Goto(String),
}

/// Everything a run produced.
#[derive(Clone, Debug)]
pub struct ScriptOutcome {
    pub assertions: Vec<Assertion>,
    pub console: Vec<ConsoleLine>,
    pub errors: Vec<ScriptFailure>,
    /// The input's scopes, with what the scripts changed.
    pub vars: ScopeMaps,
    /// Which scopes of `vars` the scripts changed, in the order local, data, environment,
    /// collection, globals; the others are the input's, untouched.
    pub changed_scopes: [bool; 5],
    pub request: ScriptRequest,
    pub next_request: NextRequest,
    pub skip_request: bool,
}

/// What scripts may ask of the runner. Implementations live in `run`; tests use fakes.
pub trait ScriptServices {
    /// Blocking; the runner sends it through the proxy/client pool.
    fn send_request(&self, request: ScriptRequest) -> Result<ScriptResponse, SendRequestError>;
    /// "$guid", "$timestamp", ... for `replaceIn`; `None` when the name is unknown.
    fn dynamic_variable(&self, name: &str) -> Option<String>;
    /// The run's cookie jar, for `pm.cookies.jar()`; `None` where there is no run.
    fn cookie_jar(&self) -> Option<std::sync::Arc<crate::cookies::CookieJar>> {
        None
    }
}

/// Why `pm.sendRequest` got no response; its text is what the script's callback sees as
/// the error (`kind: message`, or the message alone when the URL was not even valid).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SendRequestError {
    #[error("{0}")]
    InvalidUrl(String),
    #[error("{kind}: {message}")]
    Failed { kind: String, message: String },
}

/// Why a host could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    #[error("could not create the JavaScript runtime: {0}")]
    Runtime(String),
    #[error(
        "the script prelude failed to load: {message} (if the memory limit of {memory_limit_bytes} bytes is small, raise it)"
    )]
    Prelude { message: String, memory_limit_bytes: usize },
}
