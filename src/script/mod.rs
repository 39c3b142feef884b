//! Postman pre-request and test scripts, run in an embedded QuickJS engine: the `pm` API,
//! the legacy API (`tests[...]`, `postman.*`, `responseBody`...), a chai-compatible
//! `expect` with the chai-postman response assertions, and the `require` modules postie
//! provides. One `ScriptHost` per worker thread, shared by the lanes it runs; it never
//! touches the network itself (`pm.sendRequest` goes through `ScriptServices`).

mod crypto;
mod engine;
mod flat;
mod host;
mod io;
mod native;
mod prelude;
mod schema;
mod types;

#[cfg(test)]
mod tests;

pub use host::ScriptHost;
pub use types::{
    Assertion, AssertionFailure, AssertionStatus, ConsoleLine, FormMode, FormParam, Map, NextRequest, ScopeMaps,
    ScriptError, ScriptEvent, ScriptFailure, ScriptForm, ScriptInfo, ScriptInput, ScriptLimits, ScriptOutcome,
    ScriptRequest, ScriptResponse, ScriptRoute, ScriptServices, ScriptSource, SendRequestError,
};
