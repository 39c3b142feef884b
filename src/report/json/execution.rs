//! One `run.executions[]` entry in Newman's layout, built from one `Execution`. Bodies
//! are text (or base64 when they are not UTF-8), capped at the reporter's byte limit.

use base64::Engine;
use serde_json::{Map, Value, json};

use crate::report::event::{AssertionStatus, Execution, ScriptPhase};

/// Milliseconds with microsecond precision; local servers answer in well under 1 ms.
pub(super) fn millis(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

fn headers(list: &[(String, String)]) -> Value {
    list.iter().map(|(k, v)| json!({ "key": k, "value": v })).collect()
}

/// Puts `body` (and `bodyEncoding` when base64) and `truncated` into `into`. Only the
/// first `limit` bytes are looked at: a body is text when that prefix is UTF-8, allowing
/// for a character cut in half by the cap.
pub(super) fn put_body(into: &mut Map<String, Value>, body: &[u8], limit: usize) {
    let truncated = body.len() > limit;
    let prefix = &body[..body.len().min(limit)];
    let text = match std::str::from_utf8(prefix) {
        Ok(text) => Some(text),
        Err(e) if e.error_len().is_none() && truncated => std::str::from_utf8(&prefix[..e.valid_up_to()]).ok(),
        Err(_) => None,
    };
    match text {
        Some(text) => {
            into.insert("body".into(), Value::from(text));
        }
        None => {
            into.insert("body".into(), Value::from(base64::engine::general_purpose::STANDARD.encode(prefix)));
            into.insert("bodyEncoding".into(), Value::from("base64"));
        }
    }
    into.insert("truncated".into(), Value::from(truncated));
}

fn script_errors(e: &Execution, phase: ScriptPhase) -> Option<Value> {
    let list: Vec<Value> = e
        .script_errors
        .iter()
        .filter(|s| s.phase == phase)
        .map(|s| json!({ "error": { "name": s.name, "message": s.message, "origin": s.origin, "line": s.line } }))
        .collect();
    (!list.is_empty()).then(|| Value::Array(list))
}

pub(super) fn execution_json(e: &Execution, body_limit: usize) -> Value {
    let mut out = Map::new();
    out.insert("cursor".into(), json!({ "iteration": e.cursor.iteration, "position": e.cursor.position }));
    out.insert("item".into(), json!({ "id": e.item_id, "name": e.item_name, "path": e.full_name }));
    if let Some(r) = &e.request {
        let mut req = Map::new();
        req.insert("method".into(), Value::from(r.method.as_str()));
        req.insert("url".into(), Value::from(r.url.as_str()));
        req.insert("header".into(), headers(&r.headers));
        match &r.body {
            Some(body) => put_body(&mut req, body.as_bytes(), body_limit),
            None => {
                req.insert("body".into(), Value::Null);
            }
        }
        out.insert("request".into(), Value::Object(req));
    }
    if let Some(r) = &e.response {
        let mut resp = Map::new();
        resp.insert("code".into(), Value::from(r.code));
        resp.insert("status".into(), Value::from(r.reason.as_str()));
        resp.insert("header".into(), headers(&r.headers));
        resp.insert("responseTime".into(), Value::from(millis(r.time)));
        resp.insert("responseSize".into(), Value::from(r.size));
        resp.insert("httpVersion".into(), Value::from(r.http_version.as_str()));
        put_body(&mut resp, &r.body, body_limit);
        out.insert("response".into(), Value::Object(resp));
    }
    let assertions = e.assertions.iter().map(|a| {
        let mut entry = Map::new();
        entry.insert("assertion".into(), Value::from(a.name.as_str()));
        entry.insert("skipped".into(), Value::from(a.status == AssertionStatus::Skipped));
        if a.status == AssertionStatus::Failed {
            let (name, message) = a.error.clone().unwrap_or_else(|| ("AssertionError".into(), String::new()));
            entry.insert("error".into(), json!({ "name": name, "message": message, "test": a.name }));
        }
        Value::Object(entry)
    });
    out.insert("assertions".into(), assertions.collect());
    if let Some(err) = &e.error {
        out.insert("requestError".into(), json!({ "name": err.kind, "message": err.message }));
    }
    if let Some(list) = script_errors(e, ScriptPhase::PreRequest) {
        out.insert("prerequestScript".into(), list);
    }
    if let Some(list) = script_errors(e, ScriptPhase::Test) {
        out.insert("testScript".into(), list);
    }
    let console = e.console.iter().map(|c| json!({ "level": c.level, "text": c.text }));
    out.insert("console".into(), console.collect());
    out.insert("warnings".into(), e.warnings.iter().map(|w| Value::from(w.as_str())).collect());
    out.insert("skipped".into(), Value::from(e.skipped));
    out.insert("route".into(), Value::from(e.route.as_str()));
    if !e.route_rule.is_empty() {
        out.insert("routeRule".into(), Value::from(e.route_rule.as_str()));
    }
    if !e.attempts.is_empty() {
        let attempts = e.attempts.iter().map(|a| json!({ "outcome": a.outcome, "time": millis(a.time) }));
        out.insert("attempts".into(), attempts.collect());
    }
    if e.reconnected() {
        out.insert("reconnected".into(), Value::from(true));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(bytes: &[u8], limit: usize) -> Value {
        let mut m = Map::new();
        put_body(&mut m, bytes, limit);
        Value::Object(m)
    }

    #[test]
    fn bodies_are_text_or_base64_and_capped() {
        let cases: [(&[u8], usize, Value); 8] = [
            (b"hello", 100, json!({ "body": "hello", "truncated": false })),
            (b"hello", 5, json!({ "body": "hello", "truncated": false })),
            (b"hello world", 5, json!({ "body": "hello", "truncated": true })),
            (b"", 0, json!({ "body": "", "truncated": false })),
            (b"abc", 0, json!({ "body": "", "truncated": true })),
            // "é" is two bytes; a cap in its middle keeps the text before it
            ("caf\u{e9}!".as_bytes(), 4, json!({ "body": "caf", "truncated": true })),
            (b"\xff\xfebin", 100, json!({ "body": "//5iaW4=", "bodyEncoding": "base64", "truncated": false })),
            (b"\xff\xfebin", 2, json!({ "body": "//4=", "bodyEncoding": "base64", "truncated": true })),
        ];
        for (input, limit, expected) in cases {
            assert_eq!(body(input, limit), expected, "{input:?} / {limit}");
        }
    }

    #[test]
    fn millis_keep_microseconds() {
        let cases = [(0, 0.0), (1_500, 1.5), (123_456_789, 123_456.789)];
        for (micros, expected) in cases {
            assert_eq!(millis(std::time::Duration::from_micros(micros)), expected);
        }
    }
}
