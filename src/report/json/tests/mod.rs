//! JSON reporter tests: golden files, Newman's keys when read back, bodies (text, base64,
//! cap), the interrupted and the dropped report, and streaming without buffering.

use std::path::{Path, PathBuf};

use base64::Engine;
use serde_json::{Value, json};

use super::JsonReporter;
use crate::report::testdata::{self, assert_golden, drive};
use crate::report::{Execution, Reporter, RunInfo, Summary};

const LIMIT: usize = 8;

fn collection() -> crate::collection::RawDocument {
    crate::collection::RawDocument::from_value(
        &json!({ "info": { "_postman_id": "c0ffee00-0000-4000-8000-000000000001", "name": "Shop API" }, "item": [] }),
    )
}

fn scopes() -> (Value, Value) {
    (json!({ "name": "ci", "values": [{ "key": "host", "value": "127.0.0.1" }] }), json!({ "values": [] }))
}

fn render_to(path: &Path, info: &RunInfo, runs: &[Execution], limit: usize) -> Value {
    let mut r = JsonReporter::new(path, &collection(), &crate::report::Redactor::new(true), limit, None).unwrap();
    let handle = r.final_scopes();
    let (env, globals) = scopes();
    handle.set(env, globals);
    drive(&mut r, info, runs);
    drop(r);
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("invalid JSON ({e}):\n{text}"))
}

fn render(info: &RunInfo, runs: &[Execution]) -> (Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out/report.json");
    let value = render_to(&path, info, runs, LIMIT);
    (value, std::fs::read_to_string(&path).unwrap())
}

#[test]
fn reports_match_the_golden_files() {
    let (info, runs) = testdata::mixed_run();
    assert_golden("json_mixed.json", &render(&info, &runs).1);
    let (info, runs) = testdata::passing_run();
    assert_golden("json_passing.json", &render(&info, &runs).1);
    assert_golden("json_empty.json", &render(&testdata::info(1, 0), &[]).1);
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[test]
fn the_report_has_newmans_keys() {
    let (info, runs) = testdata::mixed_run();
    let (report, _) = render(&info, &runs);
    let mut top = keys(&report);
    top.sort_unstable();
    assert_eq!(top, ["collection", "environment", "globals", "run"]);
    assert_eq!(report["collection"], collection().value());
    assert_eq!(report["environment"], scopes().0);
    let run = &report["run"];
    for key in ["stats", "timings", "executions", "transfers", "failures", "error"] {
        assert!(run.get(key).is_some(), "run.{key}");
    }
    let stats = [
        "iterations",
        "items",
        "scripts",
        "prerequests",
        "requests",
        "tests",
        "assertions",
        "testScripts",
        "prerequestScripts",
    ];
    // postie's addition after Newman's counters: requests per route.
    assert_eq!(keys(&run["stats"]), [&stats[..], &["routes"]].concat());
    for s in stats {
        assert_eq!(keys(&run["stats"][s]), ["total", "pending", "failed"], "{s}");
    }
    assert_eq!(run["stats"]["assertions"], json!({ "total": 9, "pending": 0, "failed": 3 }));
    assert_eq!(run["stats"]["requests"], json!({ "total": 6, "pending": 0, "failed": 1 }));
    let timings = &run["timings"];
    assert_eq!(
        (timings["started"].as_u64(), timings["completed"].as_u64()),
        (Some(1_746_090_000_000), Some(1_746_090_001_500))
    );
    assert_eq!((timings["responseMin"].as_f64(), timings["responseMax"].as_f64()), (Some(5.0), Some(130.0)));
    for key in ["responseAverage", "responseSd"] {
        assert!(timings[key].as_f64().is_some(), "{key}");
    }
    assert_eq!(run["transfers"]["responseTotal"], 12 + 12 + 2 + 9 + 9);
    assert_eq!(run["error"], Value::Null);

    let executions = run["executions"].as_array().unwrap();
    assert_eq!(executions.len(), runs.len());
    let first = &executions[0];
    assert_eq!(first["cursor"], json!({ "iteration": 0, "position": 0 }));
    assert_eq!(first["item"]["id"], "item-a");
    assert_eq!(first["item"]["name"], "Create order");
    assert_eq!(first["request"]["method"], "POST");
    assert_eq!(first["request"]["header"], json!([{ "key": "Content-Type", "value": "application/json" }]));
    assert_eq!(first["response"]["code"], 201);
    assert_eq!(first["response"]["status"], "Created");
    assert_eq!(first["response"]["responseTime"], 120.0);
    assert_eq!(first["response"]["responseSize"], 12);
    assert_eq!(first["route"], "direct");
    assert_eq!(first["console"], json!([{ "level": "log", "text": "created in iteration 0", "script": "test" }]));
    assert_eq!(
        first["assertions"],
        json!([
            { "assertion": "status is 201", "skipped": false },
            { "assertion": "has order id", "skipped": false,
              "error": { "name": "AssertionError", "message": "expected undefined to be a string", "test": "has order id" } },
            { "assertion": "legacy check", "skipped": true },
        ])
    );
    assert_eq!(
        executions[1]["requestError"],
        json!({ "name": "ConnectionRefused", "message": "connect ECONNREFUSED 127.0.0.1:9" })
    );
    assert!(executions[1].get("response").is_none());
    assert_eq!(executions[2]["testScript"][0]["error"]["name"], "TypeError");
    assert!(executions[2].get("prerequestScript").is_none());
    assert_eq!(executions[6]["prerequestScript"].as_array().map(Vec::len), Some(2));
    assert!(executions[3].get("request").is_none() && executions[3]["skipped"] == true);
}

#[test]
fn failures_name_their_source_and_place() {
    let (info, runs) = testdata::mixed_run();
    let (report, _) = render(&info, &runs);
    let failures = report["run"]["failures"].as_array().unwrap();
    // 3 failed assertions, 1 request error, 3 script errors
    assert_eq!(failures.len(), 7);
    let first = &failures[0];
    // Newman 6.2.2's form: the assertion's index among the execution's, and the phase
    assert_eq!(first["at"], "assertion:1 in test-script");
    assert_eq!(
        first["error"],
        json!({ "name": "AssertionError", "index": 1, "message": "expected undefined to be a string", "test": "has order id" })
    );
    assert_eq!(first["source"], json!({ "id": "item-a", "name": "Create order", "path": "Orders / Create order" }));
    assert_eq!(first["cursor"], json!({ "iteration": 0, "position": 0 }));
    let request = failures.iter().find(|f| f["at"] == "request").unwrap();
    assert_eq!(request["error"]["name"], "ConnectionRefused");
    assert_eq!(request["source"]["id"], "item-b");
    let script = failures.iter().find(|f| f["at"] == "prerequest-script").unwrap();
    assert_eq!((script["source"]["id"].as_str(), script["cursor"]["iteration"].as_u64()), (Some("item-c"), Some(1)));
}

#[test]
fn bodies_are_text_base64_or_capped() {
    let (info, runs) = testdata::mixed_run();
    let (report, _) = render(&info, &runs);
    let executions = report["run"]["executions"].as_array().unwrap();
    // `{"id":"o-1"}` is 12 bytes, the cap 8
    let a = &executions[0]["response"];
    assert_eq!(
        (a["body"].as_str(), a["truncated"].as_bool(), a.get("bodyEncoding")),
        (Some("{\"id\":\"o"), Some(true), None)
    );
    // `ok` fits
    let b = &executions[5]["response"];
    assert_eq!((b["body"].as_str(), b["truncated"].as_bool()), (Some("ok"), Some(false)));
    // not UTF-8: base64 of the first 8 bytes
    let c = &executions[2]["response"];
    assert_eq!(c["bodyEncoding"], "base64");
    assert_eq!(c["truncated"], true);
    let decoded = base64::engine::general_purpose::STANDARD.decode(c["body"].as_str().unwrap()).unwrap();
    assert_eq!(decoded, b"\xff\xfe\x00binary"[..LIMIT]);
    // the request body (`{"qty":1}`, 9 bytes) is capped the same way
    assert_eq!(executions[0]["request"]["body"], "{\"qty\":1");
    assert_eq!(executions[0]["request"]["truncated"], true);
}

#[test]
fn a_run_without_requests_is_a_valid_empty_report() {
    let (report, _) = render(&testdata::info(1, 0), &[]);
    assert_eq!(report["run"]["executions"], json!([]));
    assert_eq!(report["run"]["failures"], json!([]));
    assert_eq!(report["run"]["stats"]["requests"], json!({ "total": 0, "pending": 0, "failed": 0 }));
    assert_eq!(report["run"]["timings"]["responseAverage"], 0.0);
}

fn open(dir: &Path) -> (PathBuf, JsonReporter) {
    let path = dir.join("report.json");
    let r = JsonReporter::new(&path, &collection(), &crate::report::Redactor::new(true), LIMIT, None).unwrap();
    (path, r)
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn an_interrupted_run_says_why_and_keeps_what_ran() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut r) = open(dir.path());
    let (info, runs) = testdata::mixed_run();
    let mut summary = Summary::new(info.started);
    r.start(&info).unwrap();
    for e in &runs[..2] {
        summary.record(e);
        r.execution(e).unwrap();
    }
    summary.error = Some("interrupted (Ctrl-C)".to_string());
    r.done(&summary).unwrap();
    // anything after `done` is ignored, never appended after the closing brace
    r.execution(&runs[2]).unwrap();
    r.done(&summary).unwrap();
    drop(r);
    let report = read(&path);
    assert_eq!(report["run"]["error"], "interrupted (Ctrl-C)");
    assert_eq!(report["run"]["executions"].as_array().map(Vec::len), Some(2));
    // no scopes were handed over: empty ones, in the usual shape
    assert_eq!(report["environment"], json!({ "values": [] }));
}

#[test]
fn dropped_without_done_the_file_still_parses() {
    let dir = tempfile::tempdir().unwrap();
    let (info, runs) = testdata::mixed_run();
    for seen in [0, 3] {
        let (path, mut r) = open(dir.path());
        r.start(&info).unwrap();
        for e in &runs[..seen] {
            r.execution(e).unwrap();
        }
        drop(r);
        let report = read(&path);
        assert_eq!(report["run"]["executions"].as_array().map(Vec::len), Some(seen));
        assert_eq!(report["run"]["error"], "the report was closed before the run finished");
    }
}

#[test]
fn scopes_can_be_set_on_the_reporter_too_and_are_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut r) = open(dir.path());
    r.set_final_scopes(json!({ "values": [{ "key": "pw", "value": "topsecret" }] }), json!({ "values": [] }));
    assert!(!format!("{:?}", r.final_scopes()).contains("topsecret"));
    drive(&mut r, &testdata::info(1, 0), &[]);
    drop(r);
    assert_eq!(read(&path)["environment"]["values"][0]["key"], "pw");
}

#[test]
fn executions_stream_to_the_file_and_nothing_accumulates() {
    const COUNT: usize = 20_000;
    let dir = tempfile::tempdir().unwrap();
    let (path, mut r) = open(dir.path());
    let mut e = testdata::exec(0, 0, "item-a", "Orders / Create order", 1, b"{}");
    e.assertions.push(testdata::pass("ok"));
    let mut size = std::fs::metadata(&path).unwrap().len();
    for i in 0..COUNT {
        e.cursor.position = i % 50;
        r.execution(&e).unwrap();
        assert_eq!(r.buffered_bytes(), 0, "execution {i} was kept in memory");
        if i % 1000 == 999 {
            let now = std::fs::metadata(&path).unwrap().len();
            assert!(now > size, "the file must grow as executions arrive");
            size = now;
        }
    }
    assert_eq!(r.written_executions(), COUNT as u64);
    assert!(r.sources.len() <= 50, "only one source per plan position is kept");
    r.done(&Summary::new(testdata::started())).unwrap();
    drop(r);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.ends_with("}\n"));
    assert_eq!(text.matches("\"cursor\": {").count(), COUNT);
}
