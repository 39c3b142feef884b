//! Requests on the wire as Newman sends them: `fixtures/request-fidelity.postman_collection.json`
//! run against the echo API, compared part by part with what Newman 6.2.2 sent to the same
//! server for the same collection (`request-fidelity.newman-expected.json`, recorded once
//! with the `serve` example; multipart boundaries, which are random, left out).

mod common;

use common::{fixture, postie, run, tempdir};
use postie::testkit::{EchoServer, Recorded};
use serde_json::{Value, json};

fn header<'a>(r: &'a Recorded, name: &str) -> Option<&'a str> {
    r.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// `name="…"` from a Content-Disposition value.
fn param(disposition: &str, name: &str) -> Option<String> {
    let at = disposition.find(&format!("; {name}=\""))? + name.len() + 4;
    Some(disposition[at..].split('"').next()?.to_string())
}

/// A request as the expected file writes it.
fn normalise(r: &Recorded) -> Value {
    let body = String::from_utf8_lossy(&r.body).into_owned();
    let content_type = header(r, "content-type");
    let mut out = json!({ "method": r.method, "path": r.path, "query": r.query });
    match content_type.and_then(|ct| ct.split_once("boundary=")) {
        Some((_, boundary)) => {
            out["contentType"] = json!("multipart/form-data");
            let delimiter = format!("--{boundary}");
            let mut parts = Vec::new();
            for chunk in body.split(delimiter.as_str()).skip(1) {
                if chunk.starts_with("--") {
                    break;
                }
                let (head, data) = chunk.trim_start_matches("\r\n").split_once("\r\n\r\n").unwrap_or((chunk, ""));
                let headers: Vec<(String, String)> = head
                    .split("\r\n")
                    .filter_map(|l| l.split_once(": ").map(|(k, v)| (k.to_ascii_lowercase(), v.to_string())))
                    .collect();
                let get = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
                let disposition = get("content-disposition").unwrap_or_default();
                parts.push(json!({
                    "name": param(&disposition, "name"),
                    "filename": param(&disposition, "filename"),
                    "contentType": get("content-type"),
                    "data": data.strip_suffix("\r\n").unwrap_or(data),
                }));
            }
            out["parts"] = Value::Array(parts);
        }
        None => {
            out["contentType"] = json!(content_type);
            out["contentLength"] = json!(header(r, "content-length"));
            out["body"] = json!(body);
        }
    }
    out
}

#[test]
fn requests_reach_the_server_as_newman_sends_them() {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("request-fidelity.newman-expected.json")).unwrap())
            .unwrap();
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(fixture("request-fidelity.postman_collection.json"));
    cmd.arg("--working-dir").arg(fixture(""));
    cmd.arg("--env-var").arg(format!("base={}", api.url("").trim_end_matches('/')));
    cmd.args(["-r", "cli,json", "--reporter-json-export", "r.json", "--reporter-no-redact"]);
    let r = run(cmd);
    assert_eq!(r.code, 1, "the host-less request fails: {}", r.all());

    let sent: Vec<Value> = api.requests().iter().map(normalise).collect();
    let newman = expected["requests"].as_array().unwrap();
    for (n, p) in newman.iter().zip(&sent) {
        assert_eq!(p, n, "request `{}` differs from Newman's", n["query"]);
    }
    assert_eq!(sent.len(), newman.len(), "as many requests reached the server as from Newman");

    let report: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    let failures: Vec<Value> = report["run"]["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| json!({ "item": f["source"]["name"], "message": f["error"]["message"] }))
        .collect();
    assert_eq!(Value::Array(failures), expected["failures"]);
    // Newman's warnings for the files it could not read, each with where postie looked
    for warning in expected["warnings"].as_array().unwrap() {
        assert!(r.all().contains(warning.as_str().unwrap()), "missing warning {warning}:\n{}", r.all());
    }
}
