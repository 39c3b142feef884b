//! Pure conversions at the lane's seams: the request as scripts see and change it, script
//! results into report records, and what `http` returns into report events. No I/O.

use crate::collection::{Body, FormPart, Header, KeyValue, UrlSpec};
use crate::http::{Challenge, PrepareError, PreparedBody, PreparedRequest, Response, SendError};
use crate::plan::{PlannedRequest, ScriptRef};
use crate::proxy::Route;
use crate::report::{
    AssertionRecord, AssertionStatus, ConsoleRecord, Execution, RequestError, ResponseRecord, ScriptErrorRecord,
    ScriptPhase, SentRequest, SideResponse,
};
use crate::script::{self, ScriptEvent, ScriptOutcome, ScriptRequest, ScriptResponse, ScriptRoute, ScriptSource};

pub fn sources(refs: &[ScriptRef]) -> Vec<ScriptSource> {
    refs.iter().map(|s| ScriptSource { origin: s.origin.clone(), code: s.code.to_string() }).collect()
}

/// The request as pre-request scripts see it: as written, variables unresolved (as Postman).
/// The auth block as scripts see it (`pm.request.auth`): values through `resolve`, and an
/// OAuth 2.0 `token` the runner fetched in place of the stored `accessToken`.
pub fn auth_json(
    auth: &crate::collection::Auth,
    resolve: &dyn Fn(&str) -> String,
    token: Option<&str>,
) -> serde_json::Value {
    let kind = auth.kind.as_str();
    let mut params: Vec<serde_json::Value> = auth
        .params
        .iter()
        .map(|(k, v)| {
            let value = match (k.as_str(), token, v) {
                ("accessToken", Some(token), _) => serde_json::Value::String(token.to_string()),
                (_, _, serde_json::Value::String(text)) => serde_json::Value::String(resolve(text)),
                (_, _, other) => other.clone(),
            };
            serde_json::json!({ "key": k, "value": value })
        })
        .collect();
    if let Some(token) = token
        && !auth.params.iter().any(|(k, _)| k == "accessToken")
    {
        params.push(serde_json::json!({ "key": "accessToken", "value": token }));
    }
    let mut out = serde_json::Map::new();
    out.insert("type".into(), kind.into());
    out.insert(kind.to_string(), params.into());
    out.into()
}

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
        auth: planned.auth.as_ref().map(|a| auth_json(a, &|t| t.to_string(), None)),
        form: script_form(r.body.as_ref(), &|t| t.to_string()),
        description: r.description.clone(),
    }
}

/// The body a pre-request script's form makes; a part keeps the content type its key had.
fn form_body(form: &script::ScriptForm, old: Option<&Body>) -> Body {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    match form.mode {
        script::FormMode::Urlencoded => Body::UrlEncoded(
            form.params
                .iter()
                .map(|p| KeyValue { key: p.key.clone(), value: text(&p.value), disabled: p.disabled })
                .collect(),
        ),
        script::FormMode::Formdata => {
            let old_type = |key: &str| match old {
                Some(Body::FormData(parts)) => parts.iter().find_map(|part| match part {
                    FormPart::Text { key: k, content_type, .. } | FormPart::File { key: k, content_type, .. }
                        if k == key =>
                    {
                        content_type.clone()
                    }
                    _ => None,
                }),
                _ => None,
            };
            let part = |p: &script::FormParam| match p.src.is_empty() {
                true => FormPart::Text { key: p.key.clone(), value: text(&p.value), content_type: old_type(&p.key) },
                false => FormPart::File { key: p.key.clone(), src: p.src.clone(), content_type: old_type(&p.key) },
            };
            Body::FormData(form.params.iter().filter(|p| !p.disabled).map(part).collect())
        }
    }
}

/// A urlencoded or form-data body parameter by parameter, each text through `resolve`
/// (as written for pre-request scripts, resolved for test scripts, as in Newman).
pub fn script_form(body: Option<&Body>, resolve: &dyn Fn(&str) -> String) -> Option<script::ScriptForm> {
    let (mode, params) = match body? {
        Body::UrlEncoded(pairs) => (
            script::FormMode::Urlencoded,
            pairs
                .iter()
                .map(|kv| script::FormParam {
                    key: resolve(&kv.key),
                    value: Some(resolve(&kv.value)),
                    disabled: kv.disabled,
                    src: Vec::new(),
                })
                .collect(),
        ),
        Body::FormData(parts) => (
            script::FormMode::Formdata,
            parts
                .iter()
                .map(|part| match part {
                    FormPart::Text { key, value, .. } => script::FormParam {
                        key: resolve(key),
                        value: Some(resolve(value)),
                        disabled: false,
                        src: Vec::new(),
                    },
                    FormPart::File { key, src, .. } => script::FormParam {
                        key: resolve(key),
                        value: Some(String::new()),
                        disabled: false,
                        src: src.iter().map(|s| resolve(s)).collect(),
                    },
                })
                .collect(),
        ),
        _ => return None,
    };
    Some(script::ScriptForm { mode, params })
}

/// Applies what a pre-request script changed; untouched parts keep their original form
/// (a URL object keeps its path variables unless the script rewrote the URL).
pub fn apply_request_changes(
    planned: &PlannedRequest,
    before: &ScriptRequest,
    after: &ScriptRequest,
) -> PlannedRequest {
    let mut changed = planned.clone();
    // Copied only here, when a script changed it; the plan shares the collection's request.
    let r = std::sync::Arc::make_mut(&mut changed.request);
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
    if after.form != before.form
        && let Some(form) = &after.form
    {
        r.body = Some(form_body(form, r.body.as_ref()));
    } else if after.body != before.body {
        let language = match &r.body {
            Some(Body::Raw { language, .. }) => language.clone(),
            _ => None,
        };
        r.body = after.body.clone().map(|text| Body::Raw { text, language });
    }
    changed
}

/// The request as test scripts see it: what was sent, with the `Host` header Newman's
/// request shows among its system headers (after `Postman-Token`).
pub fn script_request(p: &PreparedRequest) -> ScriptRequest {
    let mut headers = p.headers.clone();
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host"))
        && let Some(host) = p.url.host_str()
    {
        let value = match p.url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        };
        let at =
            headers.iter().position(|(k, _)| k.eq_ignore_ascii_case("postman-token")).map_or(headers.len(), |i| i + 1);
        headers.insert(at, ("Host".to_string(), value));
    }
    ScriptRequest {
        method: p.method.clone(),
        url: p.url.to_string(),
        headers,
        body: match &p.body {
            PreparedBody::Text(t) => Some(t.clone()),
            _ => None,
        },
        ..ScriptRequest::default()
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
        cookies: None,
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
        execution.console.push(ConsoleRecord { level: c.level.clone(), text: c.text.clone(), phase });
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

pub fn describe_route(route: &Route) -> String {
    match route {
        Route::Direct => "direct".to_string(),
        Route::Proxy(endpoint) => format!("proxy {}", endpoint.masked()),
    }
}

pub fn sent_request(p: &PreparedRequest) -> SentRequest {
    SentRequest {
        method: p.method.clone(),
        url: p.url.to_string(),
        headers: p.headers.clone(),
        body: p.body.describe(),
        body_truncated: false,
    }
}

/// `postie.route` for test scripts: the proxy masked, as reports show it.
pub fn script_route(route: &Route, rule: &str) -> ScriptRoute {
    match route {
        Route::Direct => ScriptRoute { kind: "direct", proxy: None, rule: rule.to_string() },
        Route::Proxy(endpoint) => {
            ScriptRoute { kind: "proxy", proxy: Some(endpoint.masked().to_string()), rule: rule.to_string() }
        }
    }
}

/// What reports keep of a response a run counts beside an item's own (a script's request,
/// a digest challenge).
pub fn side_response(r: &ResponseRecord) -> SideResponse {
    SideResponse {
        code: r.code,
        reason: r.reason.clone(),
        time: r.time,
        size: r.size,
        displayed_size: r.displayed_size(),
        counted_size: crate::report::counted_size(&r.headers, r.size),
    }
}

/// A digest challenge's response as reports count it.
pub fn challenge_response(c: Challenge) -> SideResponse {
    let size = c.body.len() as u64;
    side_response(&ResponseRecord {
        code: c.code,
        reason: c.reason,
        headers: c.headers,
        body: c.body,
        time: c.time,
        size,
        ..ResponseRecord::default()
    })
}

/// The response as reports record it (its digest challenge, if any, is taken first).
pub fn response_record(r: Response) -> ResponseRecord {
    let Response {
        code,
        reason,
        headers,
        body,
        time,
        size,
        http_version,
        tls,
        warnings,
        reconnected,
        url: _,
        challenge: _,
    } = r;
    ResponseRecord {
        code,
        reason,
        headers,
        body,
        time,
        size,
        http_version,
        tls,
        warnings,
        reconnected,
        body_truncated: false,
    }
}

/// A send failure as reports record it.
pub fn request_error(e: SendError) -> RequestError {
    RequestError { kind: e.kind.as_str().to_string(), message: e.message, reconnected: e.reconnected }
}

/// A request that could not be built: reported like a send failure.
pub fn prepare_error(e: &PrepareError) -> RequestError {
    let kind = match e {
        PrepareError::InvalidUrl { .. } => "InvalidUrl",
        PrepareError::NoHost { .. } => "InvalidUrl",
    };
    RequestError::new(kind, e.to_string())
}
