//! Glue between a lane and its script host: scopes in and out of scripts, the request the
//! scripts see and change, `pm.sendRequest` through the same routes and client pool, and
//! script results turned into report records.

use std::sync::Arc;

use crate::collection::{Body, Header, UrlSpec};
use crate::http::{ClientKey, PreparedBody, PreparedRequest, SendOptions, parse_url};
use crate::plan::{PlannedRequest, ScriptRef};
use crate::report::{
    AssertionRecord, AssertionStatus, ConsoleRecord, Execution, ResponseRecord, ScriptErrorRecord, ScriptPhase,
};
use crate::script::{
    self, ScopeMaps, ScriptEvent, ScriptOutcome, ScriptRequest, ScriptResponse, ScriptServices, ScriptSource,
};
use crate::vars::{Scopes, dynamic};

use super::lane::{LaneContext, Network};

pub fn scope_maps(scopes: &Scopes) -> ScopeMaps {
    ScopeMaps {
        local: scopes.local.to_object(),
        data: scopes.data.to_object(),
        environment: scopes.environment.to_object(),
        collection: scopes.collection.to_object(),
        globals: scopes.globals.to_object(),
        environment_name: scopes.environment.name.clone(),
    }
}

pub fn apply_scope_maps(scopes: &mut Scopes, maps: &ScopeMaps) {
    scopes.local.replace_all_from_object(&maps.local);
    scopes.data.replace_all_from_object(&maps.data);
    scopes.environment.replace_all_from_object(&maps.environment);
    scopes.collection.replace_all_from_object(&maps.collection);
    scopes.globals.replace_all_from_object(&maps.globals);
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

/// What scripts may ask of the runner: `pm.sendRequest` goes through the same proxy policy
/// and client pool as ordinary requests.
pub struct LaneServices {
    pub ctx: Arc<LaneContext>,
    pub network: Network,
}

impl ScriptServices for LaneServices {
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
        };
        let opts = SendOptions { timeout: self.ctx.options.timeout_request };
        let result = self.network.send(&key, &prepared, &opts, &self.ctx.cancel);
        result.map(|r| script_response(&r)).map_err(|e| format!("{}: {}", e.kind, e.message))
    }

    fn dynamic_variable(&self, name: &str) -> Option<String> {
        dynamic::generate(name)
    }
}
