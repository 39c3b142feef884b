//! One `run.executions[]` entry in Newman's layout, built from one `Execution`. Bodies
//! are text (or base64 when they are not UTF-8), capped at the reporter's byte limit.

use base64::Engine;
use serde_json::{Map, Value, json};

use crate::report::event::{
    AssertionRecord, AssertionStatus, AttemptRecord, ConsoleRecord, Cursor, Execution, RequestError, ResponseRecord,
    ScriptErrorRecord, ScriptPhase, SentRequest, SideRequest, SideResponse,
};

/// Milliseconds with microsecond precision; local servers answer in well under 1 ms.
pub(super) fn millis(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

fn headers(list: &[(String, String)]) -> Value {
    list.iter().map(|(k, v)| json!({ "key": k, "value": v })).collect()
}

/// The first `limit` bytes of `body`, that prefix as text when it is UTF-8 (allowing for
/// a character the cap cut in half), and whether anything was cut. Shared by the JSON and
/// HTML reports so both keep the same bytes.
pub(crate) fn capped_text(body: &[u8], limit: usize, already_cut: bool) -> (&[u8], Option<&str>, bool) {
    let truncated = body.len() > limit || already_cut;
    let prefix = &body[..body.len().min(limit)];
    let text = match std::str::from_utf8(prefix) {
        Ok(text) => Some(text),
        Err(e) if e.error_len().is_none() && truncated => std::str::from_utf8(&prefix[..e.valid_up_to()]).ok(),
        Err(_) => None,
    };
    (prefix, text, truncated)
}

/// Puts `body` (and `bodyEncoding` when base64) and `truncated` into `into`. Only the
/// first `limit` bytes are looked at: a body is text when that prefix is UTF-8, allowing
/// for a character cut in half by the cap.
pub(super) fn put_body(into: &mut Map<String, Value>, body: &[u8], limit: usize, already_cut: bool) {
    let (prefix, text, truncated) = capped_text(body, limit, already_cut);
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
            Some(body) => put_body(&mut req, body.as_bytes(), body_limit, r.body_truncated),
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
        put_body(&mut resp, &r.body, body_limit, r.body_truncated);
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
    let console = e.console.iter().map(|c| json!({ "level": c.level, "text": c.text, "script": c.phase.as_str() }));
    out.insert("console".into(), console.collect());
    out.insert("warnings".into(), e.warnings.iter().map(|w| Value::from(w.as_str())).collect());
    out.insert("skipped".into(), Value::from(e.skipped));
    // Not in Newman's layout: the script counters of run.stats need them when
    // merge-reports reads executions back.
    out.insert("ranPrerequest".into(), Value::from(e.ran_prerequest));
    out.insert("ranTest".into(), Value::from(e.ran_test));
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
    if let Some(c) = &e.challenge {
        // Not in Newman's layout (Newman lists the item's execution again): the digest
        // challenge answered before the response, which run.stats counts as a request.
        out.insert("authChallenge".into(), side_response_json(c));
    }
    if !e.side_requests.is_empty() {
        // Not in Newman's layout (Newman lists the item's execution again for each): the
        // requests its scripts sent, which run.stats and run.failures count.
        out.insert("sideRequests".into(), e.side_requests.iter().map(side_request_json).collect());
    }
    Value::Object(out)
}

fn side_request_json(side: &SideRequest) -> Value {
    let mut out = Map::new();
    out.insert("script".into(), Value::from(side.phase.as_str()));
    out.insert("method".into(), Value::from(side.method.as_str()));
    out.insert("url".into(), Value::from(side.url.as_str()));
    out.insert("route".into(), Value::from(side.route.as_str()));
    out.insert("routeRule".into(), Value::from(side.route_rule.as_str()));
    match &side.outcome {
        Ok(r) => {
            if let Value::Object(fields) = side_response_json(r) {
                out.extend(fields);
            }
        }
        Err(err) => {
            out.insert("requestError".into(), json!({ "name": err.kind, "message": err.message }));
        }
    }
    Value::Object(out)
}

fn side_response_json(r: &SideResponse) -> Value {
    json!({
        "code": r.code,
        "status": r.reason,
        "responseTime": millis(r.time),
        "responseSize": r.size,
        "displayedSize": r.displayed_size,
        "countedSize": r.counted_size,
    })
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// Milliseconds as written in a report (a bad or negative value reads as zero).
fn duration(v: Option<&Value>) -> std::time::Duration {
    std::time::Duration::from_secs_f64(
        v.and_then(Value::as_f64).filter(|ms| ms.is_finite() && *ms >= 0.0).unwrap_or(0.0) / 1000.0,
    )
}

/// A record's `script` (`prerequest` or `test`; a report without it reads as test).
fn phase_of(v: &Value) -> ScriptPhase {
    if text(v, "script") == "prerequest" { ScriptPhase::PreRequest } else { ScriptPhase::Test }
}

fn side_response_from(x: &Value) -> SideResponse {
    let size = |key: &str| x.get(key).and_then(Value::as_u64).unwrap_or(0);
    SideResponse {
        code: x.get("code").and_then(Value::as_u64).and_then(|c| u16::try_from(c).ok()).unwrap_or(0),
        reason: text(x, "status"),
        time: duration(x.get("responseTime")),
        size: size("responseSize"),
        displayed_size: size("displayedSize"),
        counted_size: size("countedSize"),
    }
}

/// The inverse of `execution_json`: an execution read back from a report (merge-reports
/// replays shard reports through the reporters). What the report does not keep (secrets,
/// TLS details) stays empty; cut bodies stay cut.
pub fn execution_from_json(v: &Value) -> Execution {
    let number = |v: &Value, key: &str| v.get(key).and_then(Value::as_u64).unwrap_or(0) as usize;
    let pairs = |v: Option<&Value>| -> Vec<(String, String)> {
        v.and_then(Value::as_array)
            .map(|list| list.iter().map(|h| (text(h, "key"), text(h, "value"))).collect())
            .unwrap_or_default()
    };
    let body = |v: &Value| -> (Vec<u8>, bool) {
        let raw = v.get("body").and_then(Value::as_str).unwrap_or_default();
        let bytes = if v.get("bodyEncoding").and_then(Value::as_str) == Some("base64") {
            base64::engine::general_purpose::STANDARD.decode(raw).unwrap_or_default()
        } else {
            raw.as_bytes().to_vec()
        };
        (bytes, v.get("truncated").and_then(Value::as_bool).unwrap_or(false))
    };
    let cursor = v.get("cursor").unwrap_or(&Value::Null);
    let item = v.get("item").unwrap_or(&Value::Null);
    let mut e = Execution::new(
        Cursor { iteration: number(cursor, "iteration"), position: number(cursor, "position") },
        &text(item, "id"),
        &text(item, "name"),
        text(item, "path"),
    );
    let reconnected = v.get("reconnected").and_then(Value::as_bool).unwrap_or(false);
    if let Some(r) = v.get("request").filter(|r| r.is_object()) {
        let (bytes, cut) = body(r);
        e.request = Some(SentRequest {
            method: text(r, "method"),
            url: text(r, "url"),
            headers: pairs(r.get("header")),
            body: r.get("body").filter(|b| !b.is_null()).map(|_| String::from_utf8_lossy(&bytes).into_owned()),
            body_truncated: cut,
        });
    }
    if let Some(r) = v.get("response").filter(|r| r.is_object()) {
        let (bytes, cut) = body(r);
        e.response = Some(ResponseRecord {
            code: r.get("code").and_then(Value::as_u64).and_then(|c| u16::try_from(c).ok()).unwrap_or(0),
            reason: text(r, "status"),
            headers: pairs(r.get("header")),
            body: bytes,
            time: duration(r.get("responseTime")),
            size: r.get("responseSize").and_then(Value::as_u64).unwrap_or(0),
            http_version: text(r, "httpVersion"),
            tls: None,
            warnings: Vec::new(),
            reconnected,
            body_truncated: cut,
        });
    }
    if let Some(err) = v.get("requestError").filter(|r| r.is_object()) {
        e.error = Some(RequestError {
            kind: text(err, "name"),
            message: text(err, "message"),
            reconnected: reconnected && e.response.is_none(),
        });
    }
    e.assertions = v
        .get("assertions")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|a| {
                    let skipped = a.get("skipped").and_then(Value::as_bool).unwrap_or(false);
                    let error = a.get("error").filter(|e| e.is_object()).map(|e| (text(e, "name"), text(e, "message")));
                    let status = match (&error, skipped) {
                        (Some(_), _) => AssertionStatus::Failed,
                        (None, true) => AssertionStatus::Skipped,
                        (None, false) => AssertionStatus::Passed,
                    };
                    AssertionRecord { name: text(a, "assertion"), status, error }
                })
                .collect()
        })
        .unwrap_or_default();
    for (key, phase) in [("prerequestScript", ScriptPhase::PreRequest), ("testScript", ScriptPhase::Test)] {
        for entry in v.get(key).and_then(Value::as_array).into_iter().flatten() {
            let err = entry.get("error").unwrap_or(&Value::Null);
            e.script_errors.push(ScriptErrorRecord {
                phase,
                origin: text(err, "origin"),
                name: text(err, "name"),
                message: text(err, "message"),
                line: err.get("line").and_then(Value::as_u64).and_then(|l| u32::try_from(l).ok()),
            });
        }
    }
    e.console = v
        .get("console")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|c| ConsoleRecord { level: text(c, "level"), text: text(c, "text"), phase: phase_of(c) })
                .collect()
        })
        .unwrap_or_default();
    e.warnings = v
        .get("warnings")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    e.skipped = v.get("skipped").and_then(Value::as_bool).unwrap_or(false);
    e.ran_prerequest = v.get("ranPrerequest").and_then(Value::as_bool).unwrap_or(false);
    e.ran_test = v.get("ranTest").and_then(Value::as_bool).unwrap_or(false);
    e.route = text(v, "route");
    e.route_rule = text(v, "routeRule");
    e.side_requests = v
        .get("sideRequests")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|x| {
                    let outcome = match x.get("requestError").filter(|r| r.is_object()) {
                        Some(err) => Err(RequestError {
                            kind: text(err, "name"),
                            message: text(err, "message"),
                            reconnected: false,
                        }),
                        None => Ok(side_response_from(x)),
                    };
                    SideRequest {
                        phase: phase_of(x),
                        method: text(x, "method"),
                        url: text(x, "url"),
                        route: text(x, "route"),
                        route_rule: text(x, "routeRule"),
                        outcome,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    e.challenge = v.get("authChallenge").filter(|c| c.is_object()).map(side_response_from);
    e.attempts = v
        .get("attempts")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter().map(|a| AttemptRecord { outcome: text(a, "outcome"), time: duration(a.get("time")) }).collect()
        })
        .unwrap_or_default();
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_an_execution_back_writes_the_same_json() {
        for limit in [4, 1 << 16] {
            for e in crate::report::testdata::mixed_run().1 {
                let written = execution_json(&e, limit);
                let again = execution_json(&execution_from_json(&written), limit);
                assert_eq!(written, again, "limit {limit}");
            }
        }
    }

    #[test]
    fn script_requests_are_read_back_as_written() {
        let (_, runs) = crate::report::testdata::mixed_run();
        let mut e = runs[0].clone();
        e.side_requests = vec![
            SideRequest {
                phase: ScriptPhase::PreRequest,
                method: "GET".into(),
                url: "http://127.0.0.1:9/side".into(),
                route: "direct".into(),
                route_rule: "no proxy configured".into(),
                outcome: Err(RequestError {
                    kind: "ConnectionFailed".into(),
                    message: "refused".into(),
                    reconnected: false,
                }),
            },
            SideRequest {
                phase: ScriptPhase::Test,
                method: "POST".into(),
                url: "http://h.test/x".into(),
                route: "proxy http://p:3128".into(),
                route_rule: "--proxy".into(),
                outcome: Ok(SideResponse {
                    code: 201,
                    reason: "Created".into(),
                    time: std::time::Duration::from_millis(3),
                    size: 10,
                    displayed_size: 90,
                    counted_size: 8,
                }),
            },
        ];
        let written = execution_json(&e, 1 << 16);
        let back = execution_from_json(&written);
        assert_eq!(back.side_requests, e.side_requests);
        assert_eq!(execution_json(&back, 1 << 16), written);
    }

    #[test]
    fn a_digest_challenge_is_read_back_as_written() {
        let (_, runs) = crate::report::testdata::mixed_run();
        let mut e = runs[0].clone();
        e.challenge = Some(SideResponse {
            code: 401,
            reason: "Unauthorized".into(),
            time: std::time::Duration::from_millis(4),
            size: 24,
            displayed_size: 207,
            counted_size: 24,
        });
        let written = execution_json(&e, 1 << 16);
        assert_eq!(written["authChallenge"]["code"], 401);
        let back = execution_from_json(&written);
        assert_eq!(back.challenge, e.challenge);
        assert_eq!(execution_json(&back, 1 << 16), written);
    }

    fn body(bytes: &[u8], limit: usize) -> Value {
        let mut m = Map::new();
        put_body(&mut m, bytes, limit, false);
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
