//! Lanes run concurrently with a bound, reuse pooled connections, and still report every
//! execution exactly once, in plan order. Every loop here is bounded in count and time.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{postie, run, tempdir};
use postie::testkit::EchoServer;

fn collection(dir: &Path, name: &str, urls: &[String]) -> PathBuf {
    let items: Vec<String> = urls
        .iter()
        .enumerate()
        .map(|(i, u)| format!(r#"{{"name":"req {i}","id":"id-{i}","request":"{u}"}}"#))
        .collect();
    let text = format!(
        r#"{{"info":{{"name":"{name}","_postman_id":"c-1","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}},"item":[{}]}}"#,
        items.join(",")
    );
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, text).unwrap();
    path
}

fn report(dir: &Path, name: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap()
}

fn cursors(report: &serde_json::Value) -> Vec<(u64, u64)> {
    report["run"]["executions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["cursor"]["iteration"].as_u64().unwrap(), e["cursor"]["position"].as_u64().unwrap()))
        .collect()
}

#[test]
fn two_thousand_requests_at_64_jobs_are_each_reported_once_in_plan_order() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let urls: Vec<String> = (0..200).map(|i| api.url(&format!("/get?n={i}"))).collect();
    let col = collection(dir.path(), "many", &urls);
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(&col).args(["-n", "10", "--jobs", "64", "--parallel", "request", "-r", "json"]);
    cmd.args(["--reporter-json-export", "r.json", "--timeout", "60000"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    let got = cursors(&report(dir.path(), "r.json"));
    let expected: Vec<(u64, u64)> = (0..10).flat_map(|it| (0..200).map(move |p| (it, p))).collect();
    assert_eq!(got, expected);
    assert_eq!(api.requests().len(), 2000);
    assert!(api.connections() <= 128, "pooled: {} connections for 2000 requests", api.connections());
}

/// What must not depend on timing: order, items, requests, outcomes, totals and failures.
fn normalise(text: &str) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    let executions: Vec<serde_json::Value> = v["run"]["executions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            serde_json::json!([
                e["cursor"],
                e["item"],
                e["request"]["method"],
                e["request"]["url"],
                e["response"]["code"],
                e["assertions"],
                e["requestError"],
                e["route"]
            ])
        })
        .collect();
    serde_json::json!({"executions": executions, "stats": v["run"]["stats"], "failures": v["run"]["failures"],
        "transfers": v["run"]["transfers"], "collection": v["collection"]})
}

fn normalise_xml(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    // drop time="..." and timestamp="..." values
    while let Some(i) = rest.find("time") {
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        let Some(q1) = tail.find('"') else { break };
        let Some(q2) = tail[q1 + 1..].find('"') else { break };
        out.push_str(&tail[..q1 + 1]);
        out.push('"');
        rest = &tail[q1 + 1 + q2 + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn reports_at_jobs_1_and_8_are_identical_but_for_times() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let urls: Vec<String> =
        (0..30).map(|i| if i % 7 == 3 { api.url("/status/500") } else { api.url(&format!("/get?n={i}")) }).collect();
    let col = collection(dir.path(), "det", &urls);
    let mut outputs = Vec::new();
    for jobs in ["1", "8"] {
        let mut cmd = postie(dir.path());
        cmd.arg("run").arg(&col).args(["-n", "2", "--jobs", jobs, "--parallel", "request", "-r", "json,junit"]);
        cmd.args([
            "--reporter-json-export",
            &format!("{jobs}.json"),
            "--reporter-junit-export",
            &format!("{jobs}.xml"),
        ]);
        let r = run(cmd);
        assert_eq!(r.code, 0, "{}", r.all());
        let json = normalise(&std::fs::read_to_string(dir.path().join(format!("{jobs}.json"))).unwrap());
        let xml = normalise_xml(&std::fs::read_to_string(dir.path().join(format!("{jobs}.xml"))).unwrap());
        outputs.push((json, xml));
    }
    assert_eq!(outputs[0].1, outputs[1].1, "JUnit differs between --jobs 1 and 8");
    assert_eq!(outputs[0].0, outputs[1].0, "JSON differs between --jobs 1 and 8");
}

#[test]
fn a_stalled_lane_does_not_block_the_others_and_timeout_cancels_cleanly() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let mut urls = vec![api.url("/delay/5000")];
    urls.extend((0..20).map(|i| api.url(&format!("/get?n={i}"))));
    let col = collection(dir.path(), "stall", &urls);
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(&col).args(["--jobs", "4", "--parallel", "request", "--timeout", "1500", "-r", "json"]);
    cmd.args(["--reporter-json-export", "r.json"]);
    let started = Instant::now();
    let r = run(cmd);
    assert!(started.elapsed() < Duration::from_secs(4), "the run timeout cut the stalled request");
    assert_eq!(r.code, 1, "{}", r.all());
    let rep = report(dir.path(), "r.json");
    assert!(rep["run"]["error"].as_str().unwrap().contains("timed out"));
    let execs = rep["run"]["executions"].as_array().unwrap();
    assert_eq!(execs.len(), 21, "the 20 fast requests finished while the first lane stalled");
    assert_eq!(execs[0]["requestError"]["name"], "Cancelled");
}

#[test]
fn bail_stops_starting_lanes() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let mut urls = vec![format!("http://127.0.0.1:{}/", postie::testkit::unused_local_port())];
    urls.extend((0..200).map(|i| api.url(&format!("/delay/20?n={i}"))));
    let col = collection(dir.path(), "bail", &urls);
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(&col).args(["--jobs", "4", "--parallel", "request", "--bail"]);
    let r = run(cmd);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(api.requests().len() < 20, "bail stopped the run early: {} requests", api.requests().len());
}

#[test]
fn ctrl_c_finishes_in_flight_requests_and_closes_the_reports() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let urls: Vec<String> = (0..20).map(|i| api.url(&format!("/delay/200?n={i}"))).collect();
    let col = collection(dir.path(), "int", &urls);
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(&col).args([
        "-r",
        "json,junit",
        "--reporter-json-export",
        "r.json",
        "--reporter-junit-export",
        "r.xml",
    ]);
    cmd.stdout(std::process::Stdio::null());
    let mut child = cmd.spawn().unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let status = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let code = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s.code();
        }
        assert!(Instant::now() < deadline, "postie did not stop after Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(1));
    let rep = report(dir.path(), "r.json");
    let n = rep["run"]["executions"].as_array().unwrap().len();
    assert!((1..20).contains(&n), "{n} executions");
    assert!(rep["run"]["error"].as_str().unwrap().contains("interrupted"));
    let xml = std::fs::read_to_string(dir.path().join("r.xml")).unwrap();
    assert!(xml.trim_end().ends_with("</testsuites>"), "{xml}");
}

/// `--jobs 8` on a 2-core machine still has eight requests in flight (lanes share worker
/// threads), never more; `--max-connections-per-host 2` holds one host to two at a time.
#[test]
fn jobs_bound_the_requests_in_flight_and_the_host_limit_holds_them_lower() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let urls: Vec<String> = (0..16).map(|i| api.url(&format!("/delay/150?n={i}"))).collect();
    let col = collection(dir.path(), "inflight", &urls);
    for (extra, expected) in [(None, 8), (Some("2"), 2)] {
        api.clear();
        let mut cmd = postie(dir.path());
        cmd.arg("run").arg(&col).args(["--jobs", "8", "--parallel", "request", "--timeout", "30000"]);
        if let Some(n) = extra {
            cmd.args(["--max-connections-per-host", n]);
        }
        let r = run(cmd);
        assert_eq!(r.code, 0, "{}", r.all());
        assert_eq!(api.requests().len(), 16);
        assert_eq!(api.most_in_flight(), expected, "max connections {extra:?}");
    }
}

/// A panic inside postie (injected through a test-only hook) loses no lane: the request it
/// hit and the rest of its lane are reported as failed, the other lanes run, reports stay
/// valid and the exit code is 1.
#[test]
fn a_panicking_lane_is_reported_and_the_run_goes_on() {
    let api = postie::testkit::EchoServer::start_blocking();
    let dir = common::tempdir();
    let items: Vec<String> =
        (0..3).map(|i| format!(r#"{{"name":"r{i}","request":"{}"}}"#, api.url(&format!("/get?r={i}")))).collect();
    let col = common::write_items(dir.path(), "panics", &items);
    for jobs in ["1", "2"] {
        let mut cmd = common::postie(dir.path());
        cmd.arg("run").arg(&col).args(["-n", "3", "--jobs", jobs, "-r", "cli,json,junit"]);
        cmd.args(["--reporter-json-export", "r.json", "--reporter-junit-export", "r.xml", "--timeout", "60000"]);
        cmd.env("POSTIE_TEST_PANIC_AT", "r1");
        let r = common::run(cmd);
        assert_eq!(r.code, 1, "jobs {jobs}: {}", r.all());
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
        let executions = report["run"]["executions"].as_array().unwrap();
        let summary: Vec<(u64, String, String)> = executions
            .iter()
            .map(|e| {
                let error = e["requestError"]["message"].as_str().unwrap_or("ok");
                let kind = if error.starts_with("postie failed internally") {
                    "panic"
                } else if error.starts_with("not run") {
                    "not run"
                } else {
                    error
                };
                (
                    e["cursor"]["iteration"].as_u64().unwrap(),
                    e["item"]["name"].as_str().unwrap().to_string(),
                    kind.to_string(),
                )
            })
            .collect();
        let expected: Vec<(u64, String, String)> = (0..3)
            .flat_map(|it| [(it, "r0", "ok"), (it, "r1", "panic"), (it, "r2", "not run")])
            .map(|(it, n, k)| (it, n.to_string(), k.to_string()))
            .collect();
        assert_eq!(summary, expected, "jobs {jobs}");
        assert!(executions[1]["requestError"]["message"].as_str().unwrap().contains("injected panic at r1"));
        let xml = std::fs::read_to_string(dir.path().join("r.xml")).unwrap();
        assert!(xml.contains("</testsuites>") && xml.contains("failed internally"), "{xml}");
        assert_eq!(api.requests().iter().filter(|q| q.query.contains("r=2")).count(), 0, "nothing after the panic ran");
    }
}
