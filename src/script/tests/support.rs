//! Helpers shared by the script tests: a fake `ScriptServices`, input builders and a
//! one-call runner.

use std::cell::RefCell;
use std::time::Duration;

use crate::script::*;

/// Records requests and answers them from a canned response.
#[derive(Default)]
pub struct FakeServices {
    pub sent: RefCell<Vec<ScriptRequest>>,
    pub answer: Option<ScriptResponse>,
}

impl ScriptServices for FakeServices {
    fn send_request(&self, request: ScriptRequest) -> Result<ScriptResponse, SendRequestError> {
        self.sent.borrow_mut().push(request);
        self.answer.clone().ok_or_else(|| SendRequestError::InvalidUrl("connect ECONNREFUSED 127.0.0.1:9".to_string()))
    }

    fn dynamic_variable(&self, name: &str) -> Option<String> {
        match name {
            "$guid" => Some("00000000-0000-4000-8000-000000000000".to_string()),
            "$timestamp" => Some("1700000000".to_string()),
            _ => None,
        }
    }
}

pub fn response(code: u16, status: &str, headers: &[(&str, &str)], body: &str) -> ScriptResponse {
    ScriptResponse {
        code,
        status: status.to_string(),
        headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        body: body.as_bytes().to_vec(),
        response_time_ms: 120,
        response_size: body.len() as u64 + 100,
        cookies: None,
    }
}

pub fn request() -> ScriptRequest {
    ScriptRequest {
        method: "POST".to_string(),
        url: "https://api.example.test/orders?page=2".to_string(),
        headers: vec![("Content-Type".to_string(), "application/json".to_string())],
        body: Some(r#"{"item":"book"}"#.to_string()),
        ..ScriptRequest::default()
    }
}

pub fn input(event: ScriptEvent, scripts: &[&str], response: Option<ScriptResponse>) -> ScriptInput {
    ScriptInput {
        event,
        scripts: scripts
            .iter()
            .enumerate()
            .map(|(i, code)| ScriptSource { origin: format!("script {i}"), code: code.to_string() })
            .collect(),
        vars: ScopeMaps::default(),
        request: request(),
        response,
        info: ScriptInfo {
            iteration: 1,
            iteration_count: 3,
            request_name: "Create order".to_string(),
            request_id: "req-1".to_string(),
            route: None,
        },
    }
}

pub fn host() -> ScriptHost {
    ScriptHost::new(ScriptLimits { timeout: Some(Duration::from_millis(2000)), memory_limit_bytes: 64 * 1024 * 1024 })
        .expect("host")
}

/// Runs test scripts against a 200 JSON response.
pub fn run_test(host: &mut ScriptHost, code: &str) -> ScriptOutcome {
    let body = r#"{"id":7,"name":"book","tags":["a","b"],"nested":{"deep":{"x":1}}}"#;
    let resp = response(200, "OK", &[("Content-Type", "application/json; charset=utf-8")], body);
    host.run(input(ScriptEvent::Test, &[code], Some(resp)), &FakeServices::default())
}

/// What a script printed, without the deprecation warnings Newman prints for legacy globals
/// (`Using "CryptoJS" is deprecated. ...`; `legacy_and_response.rs` checks those).
pub fn printed(outcome: &ScriptOutcome) -> Vec<&str> {
    outcome
        .console
        .iter()
        .filter(|c| !(c.level == "warn" && c.text.starts_with("Using \"") && c.text.contains("\" is deprecated.")))
        .map(|c| c.text.as_str())
        .collect()
}

/// Runs each `(label, expression, expected)` after `setup` and returns one line per
/// expression whose printed result differs: a string as is, anything else as JSON, a throw
/// as `THROW name: message` (how the Newman tables record what Newman 6.2.2 gave). An
/// expression starting with `{` is a function body that returns the value.
pub fn newman_table_mismatches(host: &mut ScriptHost, setup: &str, table: &[(&str, &str, &str)]) -> Vec<String> {
    let mut mismatches = Vec::new();
    for (label, expression, expected) in table {
        let body =
            if expression.starts_with('{') { expression.to_string() } else { format!("{{ return {expression}; }}") };
        let code = format!(
            "{setup}\nvar v; try {{ v = (function () {body})(); v = typeof v === 'string' ? v : JSON.stringify(v); }} \
             catch (e) {{ v = 'THROW ' + e.name + ': ' + e.message; }} console.log(v);"
        );
        let outcome = run_test(host, &code);
        let got = printed(&outcome);
        if !outcome.errors.is_empty() || got != [*expected] {
            mismatches.push(format!("{label}: got {got:?} {:?}, Newman: {expected:?}", outcome.errors));
        }
    }
    mismatches
}
