//! What crosses into and out of the prelude. `begin()` gets the run's facts and the
//! response as plain values; scopes and the request are fetched (`RunVars`, as JSON text)
//! only when a script reads them. `finish()` returns only what changed (see `flat.rs`, or
//! JSON as the general form), so untouched scopes and requests move back without a copy.
//! `Accumulated` gathers the results of a run's segments (a run restarts after a timeout).

use std::borrow::Cow;

use rquickjs::convert::List;
use serde::Deserialize;

use super::types::{
    Assertion, AssertionFailure, AssertionStatus, ConsoleLine, Map, NextRequest, ScopeMaps, ScriptEvent, ScriptFailure,
    ScriptInfo, ScriptRequest, ScriptResponse, ScriptSource,
};

/// The facts of a segment, in the order `begin()` reads them: event name, index of the
/// segment's first assertion (a run restarts after a timeout), environment name, then
/// `pm.info`'s iteration, iteration count, request name and request id, then the route
/// (kind, masked proxy or nothing, rule) when it is known.
pub type MetaList<'a> = (
    &'static str,
    usize,
    Option<&'a str>,
    usize,
    usize,
    &'a str,
    &'a str,
    Option<List<(&'static str, Option<&'a str>, &'a str)>>,
);

/// A response as `begin()` reads it: code, status, header pairs, time, size, and the jar's
/// cookies as JSON. Plain values cost far less to hand over than a JSON text costs to parse
/// in JS; cookies are few.
pub type ResponseList<'a> = (u16, &'a str, Vec<List<(&'a str, &'a str)>>, u64, u64, Option<String>);

/// The arguments of `begin()`.
pub struct BeginArgs<'a> {
    pub meta: MetaList<'a>,
    pub response: Option<List<ResponseList<'a>>>,
    pub body: Cow<'a, str>,
}

/// What a segment of a run starts from.
pub struct Segment<'a> {
    pub event: ScriptEvent,
    pub environment_name: Option<&'a str>,
    pub response: Option<&'a ScriptResponse>,
    pub info: &'a ScriptInfo,
    pub assertion_base: usize,
}

pub fn begin_args<'a>(segment: &Segment<'a>) -> BeginArgs<'a> {
    let info = segment.info;
    let meta = (
        segment.event.postman_name(),
        segment.assertion_base,
        segment.environment_name,
        info.iteration,
        info.iteration_count,
        info.request_name.as_str(),
        info.request_id.as_str(),
        info.route.as_ref().map(|r| List((r.kind, r.proxy.as_deref(), r.rule.as_str()))),
    );
    let (response, body) = match segment.response {
        Some(r) => {
            let headers = r.headers.iter().map(|(k, v)| List((k.as_str(), v.as_str()))).collect();
            let cookies = r.cookies.as_deref().map(cookies_json);
            let list = (r.code, r.status.as_str(), headers, r.response_time_ms, r.response_size, cookies);
            (Some(List(list)), String::from_utf8_lossy(&r.body))
        }
        None => (None, Cow::Borrowed("")),
    };
    BeginArgs { meta, response, body }
}

/// Cookies as the prelude builds `pm.cookies` from them: postman-collection's members, in
/// its order, `expires` in milliseconds (a `Date` in the script) or null.
fn cookies_json(cookies: &[crate::cookies::JarCookie]) -> String {
    serde_json::Value::Array(cookie_values(cookies)).to_string()
}

/// Each cookie as `cookies_json` writes it.
pub(super) fn cookie_values(cookies: &[crate::cookies::JarCookie]) -> Vec<serde_json::Value> {
    cookies
        .iter()
        .map(|c| {
            let expires = c
                .expires
                .map(|at| at.duration_since(std::time::SystemTime::UNIX_EPOCH).map_or(0.0, |d| d.as_millis() as f64));
            serde_json::json!({
                "name": c.name, "expires": expires, "maxAge": c.max_age.unwrap_or(0), "domain": c.domain,
                "path": c.path, "secure": c.secure, "httpOnly": c.http_only, "hostOnly": c.host_only, "value": c.value,
            })
        })
        .collect()
}

#[derive(Deserialize)]
pub struct Finished {
    pub(super) assertions: Vec<FinishedAssertion>,
    pub(super) console: Vec<FinishedConsole>,
    pub(super) errors: Vec<AsyncError>,
    /// local, data, environment, collection, globals; `None` when unchanged.
    pub(super) scopes: Vec<Option<Map>>,
    pub(super) request: Option<FinishedRequest>,
    #[serde(rename = "nextRequest")]
    pub(super) next_request: Option<FinishedNext>,
    #[serde(rename = "skipRequest")]
    pub(super) skip_request: bool,
}

#[derive(Deserialize)]
pub(super) struct FinishedAssertion {
    pub(super) name: String,
    pub(super) status: String,
    pub(super) index: usize,
    pub(super) error: Option<FinishedFailure>,
}

#[derive(Deserialize)]
pub(super) struct FinishedFailure {
    pub(super) name: String,
    pub(super) message: String,
    pub(super) stack: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct FinishedConsole {
    pub(super) level: String,
    pub(super) text: String,
}

/// An error raised after a script's synchronous part (timer, callback, rejected promise).
#[derive(Deserialize)]
pub(super) struct AsyncError {
    pub(super) origin: usize,
    pub(super) name: String,
    pub(super) message: String,
    pub(super) line: Option<u32>,
}

#[derive(Deserialize)]
pub(super) struct FinishedRequest {
    pub(super) method: String,
    pub(super) url: String,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Option<String>,
    #[serde(default)]
    pub(super) form: Option<crate::script::ScriptForm>,
}

#[derive(Deserialize)]
pub(super) struct FinishedNext {
    pub(super) target: Option<String>,
}

/// The results of a run so far; segments merge into it in order.
pub struct Accumulated {
    pub assertions: Vec<Assertion>,
    pub console: Vec<ConsoleLine>,
    /// (script index, failure), in order of occurrence within each script.
    pub errors: Vec<(usize, ScriptFailure)>,
    /// Which scopes (local, data, environment, collection, globals) a segment changed.
    pub changed_scopes: [bool; 5],
    pub next_request: NextRequest,
    pub skip_request: bool,
}

impl Finished {
    pub fn parse(text: &str) -> Result<Finished, String> {
        serde_json::from_str(text).map_err(|e| format!("unreadable script results: {e}"))
    }

    /// Adds this segment's results; changed scopes (in `vars`) and a changed request
    /// replace the old.
    pub fn merge_into(
        self,
        acc: &mut Accumulated,
        vars: &mut ScopeMaps,
        request: &mut ScriptRequest,
        scripts: &[ScriptSource],
    ) {
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
        let scopes = [&mut vars.local, &mut vars.data, &mut vars.environment, &mut vars.collection, &mut vars.globals];
        for (scope, flag) in scopes.into_iter().zip(acc.changed_scopes.iter_mut()) {
            if let Some(map) = changed.next().flatten() {
                *scope = map;
                *flag = true;
            }
        }
        if let Some(r) = self.request {
            // The auth block is the runner's to give, and the description is read only.
            let (auth, description) = (request.auth.take(), request.description.take());
            let form = r.form;
            *request = ScriptRequest {
                method: r.method,
                url: r.url,
                headers: r.headers,
                body: r.body,
                auth,
                form,
                description,
            };
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
