//! Glue between a lane and its script host: scopes in and out of scripts, the request the
//! scripts see and change, `pm.sendRequest` through the same routes and client pool, and
//! script results turned into report records.

use std::sync::Arc;

use serde_json::Value;

use crate::collection::{Body, Header, UrlSpec};
use crate::http::{ClientKey, PreparedBody, PreparedRequest, SendOptions, parse_url};
use crate::plan::{PlannedRequest, ScriptRef};
use crate::report::{
    AssertionRecord, AssertionStatus, ConsoleRecord, Execution, ResponseRecord, ScriptErrorRecord, ScriptPhase,
};
use crate::script::{
    self, Map, ScopeMaps, ScriptEvent, ScriptOutcome, ScriptRequest, ScriptResponse, ScriptServices, ScriptSource,
};
use crate::vars::{Scopes, VariableScope, dynamic};

use super::lane::LaneContext;
use super::network::SideNetwork;

/// The scope maps of a lane's last script run, reused for the next one: a scope that still
/// mirrors its map is not converted again (most requests change no variable).
#[derive(Default)]
pub struct ScopeCache {
    maps: Option<ScopeMaps>,
}

impl ScopeCache {
    /// The scopes as scripts see them, as `VariableScope::to_object` would build them.
    pub fn maps(&mut self, scopes: &Scopes) -> ScopeMaps {
        let mut maps = self.maps.take().unwrap_or_default();
        refresh(&mut maps.local, &scopes.local);
        refresh(&mut maps.data, &scopes.data);
        refresh(&mut maps.environment, &scopes.environment);
        refresh(&mut maps.collection, &scopes.collection);
        refresh(&mut maps.globals, &scopes.globals);
        maps.environment_name.clone_from(&scopes.environment.name);
        maps
    }

    /// Keeps what a run handed back (after `apply_scope_maps`) for the next run.
    pub fn keep(&mut self, maps: ScopeMaps) {
        self.maps = Some(maps);
    }
}

fn refresh(map: &mut Map, scope: &VariableScope) {
    if !mirrors(map, scope) {
        *map = scope.to_object();
    }
}

/// Whether `map` is exactly what `scope.to_object()` gives: the enabled entries in order,
/// with identical values. A scope with enabled duplicates never mirrors a map.
fn mirrors(map: &Map, scope: &VariableScope) -> bool {
    let mut entries = map.iter();
    for v in scope.variables().iter().filter(|v| v.enabled) {
        match entries.next() {
            Some((key, value)) if *key == v.key && identical(value, &v.value) => {}
            _ => return false,
        }
    }
    entries.next().is_none()
}

/// `==`, except that floats must match bit for bit (`0.0 == -0.0`, yet they print apart).
fn identical(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y && x.as_f64().map(f64::to_bits) == y.as_f64().map(f64::to_bits),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| identical(a, b)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((ka, a), (kb, b))| ka == kb && identical(a, b))
        }
        _ => a == b,
    }
}

/// Writes back the scopes the scripts changed; an unchanged map equals its scope's
/// `to_object()`, for which `replace_all_from_object` is a no-op.
pub fn apply_scope_maps(scopes: &mut Scopes, maps: &ScopeMaps, changed: [bool; 5]) {
    let targets = [
        (&mut scopes.local, &maps.local),
        (&mut scopes.data, &maps.data),
        (&mut scopes.environment, &maps.environment),
        (&mut scopes.collection, &maps.collection),
        (&mut scopes.globals, &maps.globals),
    ];
    for ((scope, map), changed) in targets.into_iter().zip(changed) {
        if changed {
            scope.replace_all_from_object(map);
        }
    }
}

pub fn sources(refs: &[ScriptRef]) -> Vec<ScriptSource> {
    refs.iter().map(|s| ScriptSource { origin: s.origin.clone(), code: s.code.clone() }).collect()
}

/// The request as pre-request scripts see it: as written, variables unresolved (as Postman).
pub fn template_request(planned: &PlannedRequest) -> ScriptRequest {
    let r = &planned.request;
    ScriptRequest {
        method: r.method.clone(),
        url: r.url.template(),
        headers: r.headers.iter().filter(|h| !h.disabled).map(|h| (h.key.clone(), h.value.clone())).collect(),
        body: match &r.body {
            Some(Body::Raw { text, .. }) => Some(text.clone()),
            _ => None,
        },
    }
}

/// Applies what a pre-request script changed; untouched parts keep their original form
/// (a URL object keeps its path variables unless the script rewrote the URL).
pub fn apply_request_changes(
    planned: &PlannedRequest,
    before: &ScriptRequest,
    after: &ScriptRequest,
) -> PlannedRequest {
    let mut changed = planned.clone();
    let r = &mut changed.request;
    if after.method != before.method {
        r.method = after.method.clone();
    }
    if after.url != before.url {
        let variables = std::mem::take(&mut r.url.variables);
        r.url = UrlSpec { variables, ..UrlSpec::from_raw(&after.url) };
    }
    if after.headers != before.headers {
        let disabled: Vec<Header> = r.headers.iter().filter(|h| h.disabled).cloned().collect();
        r.headers = after
            .headers
            .iter()
            .map(|(k, v)| Header { key: k.clone(), value: v.clone(), disabled: false })
            .chain(disabled)
            .collect();
    }
    if after.body != before.body {
        let language = match &r.body {
            Some(Body::Raw { language, .. }) => language.clone(),
            _ => None,
        };
        r.body = after.body.clone().map(|text| Body::Raw { text, language });
    }
    changed
}

/// The request as test scripts see it: what was sent.
pub fn sent_request(p: &PreparedRequest) -> ScriptRequest {
    ScriptRequest {
        method: p.method.clone(),
        url: p.url.to_string(),
        headers: p.headers.clone(),
        body: match &p.body {
            PreparedBody::Text(t) => Some(t.clone()),
            _ => None,
        },
    }
}

pub fn script_response(r: &ResponseRecord) -> ScriptResponse {
    ScriptResponse {
        code: r.code,
        status: r.reason.clone(),
        headers: r.headers.clone(),
        body: r.body.clone(),
        response_time_ms: r.time.as_millis() as u64,
        response_size: r.size,
    }
}

/// Folds one script run's results into the execution record.
pub fn record_outcome(execution: &mut Execution, phase: ScriptPhase, outcome: &ScriptOutcome) {
    for a in &outcome.assertions {
        execution.assertions.push(AssertionRecord {
            name: a.name.clone(),
            status: match a.status {
                script::AssertionStatus::Passed => AssertionStatus::Passed,
                script::AssertionStatus::Failed => AssertionStatus::Failed,
                script::AssertionStatus::Skipped => AssertionStatus::Skipped,
            },
            error: a.error.as_ref().map(|e| (e.name.clone(), e.message.clone())),
        });
    }
    for c in &outcome.console {
        execution.console.push(ConsoleRecord { level: c.level.clone(), text: c.text.clone() });
    }
    for e in &outcome.errors {
        execution.script_errors.push(ScriptErrorRecord {
            phase,
            origin: e.origin.clone(),
            name: e.name.clone(),
            message: e.message.clone(),
            line: e.line,
        });
    }
}

pub fn event_of(phase: ScriptPhase) -> ScriptEvent {
    match phase {
        ScriptPhase::PreRequest => ScriptEvent::PreRequest,
        ScriptPhase::Test => ScriptEvent::Test,
    }
}

/// What scripts may ask of the runner: `pm.sendRequest` goes through the same proxy policy,
/// cookie jar and host limits as ordinary requests.
pub struct LaneServices<'a> {
    pub ctx: Arc<LaneContext>,
    pub side: &'a SideNetwork,
}

impl ScriptServices for LaneServices<'_> {
    fn send_request(&self, request: ScriptRequest) -> Result<ScriptResponse, String> {
        let url = parse_url(&request.url).map_err(|e| e.to_string())?;
        let prepared = PreparedRequest {
            method: request.method.to_uppercase(),
            url: url.clone(),
            headers: request.headers,
            body: request.body.map(PreparedBody::Text).unwrap_or_default(),
            digest: None,
            secrets: Vec::new(),
            warnings: Vec::new(),
        };
        let key = ClientKey {
            route: self.ctx.policy.route(&url, None),
            insecure: self.ctx.options.insecure,
            max_redirects: self.ctx.options.follow_redirects.then_some(10),
            identity: super::lane::client_identity(&self.ctx.options, &url, None),
            protocol: self.ctx.options.protocol,
        };
        let opts = SendOptions { timeout: self.ctx.options.timeout_request };
        let result = self.side.send_blocking(&key, &prepared, &opts, &self.ctx.cancel);
        result.map(|r| script_response(&r)).map_err(|e| format!("{}: {}", e.kind, e.message))
    }

    fn dynamic_variable(&self, name: &str) -> Option<String> {
        dynamic::generate(name)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::vars::Variable;

    fn scope(entries: &[(&str, Value, bool)]) -> VariableScope {
        VariableScope::from_variables(
            entries
                .iter()
                .map(|(k, v, enabled)| Variable { enabled: *enabled, ..Variable::new(*k, v.clone()) })
                .collect(),
        )
    }

    #[test]
    fn cached_maps_always_equal_a_fresh_conversion() {
        // (what the cache holds for `local`, the scope now)
        let cases = [
            (json!({"a": 1}), scope(&[("a", json!(1), true)])),
            (json!({"a": 1}), scope(&[("a", json!(2), true)])),
            (json!({"a": 1, "b": 2}), scope(&[("b", json!(2), true), ("a", json!(1), true)])),
            (json!({"a": 2}), scope(&[("a", json!(1), true), ("a", json!(2), true)])),
            (json!({"a": 1}), scope(&[("a", json!(1), true), ("x", json!(0), false)])),
            (json!({"a": 1}), scope(&[("a", json!(1), false)])),
            (json!({"z": 0.0}), scope(&[("z", json!(-0.0), true)])),
            (json!({"z": {"n": [0.0]}}), scope(&[("z", json!({"n": [-0.0]}), true)])),
        ];
        for (held, local) in cases {
            let mut cache = ScopeCache::default();
            let held = held.as_object().cloned().unwrap_or_default();
            cache.keep(ScopeMaps { local: held.clone(), ..ScopeMaps::default() });
            let scopes = Scopes { local: local.clone(), ..Scopes::default() };
            let maps = cache.maps(&scopes);
            let fresh = local.to_object();
            assert_eq!(serde_json::to_string(&maps.local).ok(), serde_json::to_string(&fresh).ok(), "held {held:?}");
        }
    }
}
