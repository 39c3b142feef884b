//! `--retry`: transient failures (a 503 while a service restarts, a refused connection) are
//! retried with backoff, only for idempotent methods unless asked, with every attempt in the
//! JSON report and "after N retries" on the CLI line; the test script sees the final response.

mod common;

use common::{postie, run, tempdir, write_items};
use postie::testkit::{EchoServer, unused_local_port};
use serde_json::Value;

fn item(name: &str, method: &str, url: &str) -> String {
    format!(
        r#"{{"name":"{name}","request":{{"method":"{method}","url":"{url}"}},"event":[{{"listen":"test","script":{{"exec":["pm.test('ok', () => pm.response.to.have.status(200));"]}}}}]}}"#
    )
}

fn run_json(dir: &std::path::Path, items: &[String], args: &[&str]) -> (common::RunResult, Value) {
    let col = write_items(dir, "retries", items);
    let mut cmd = postie(dir);
    cmd.arg("run").arg(&col).args(["-r", "cli,json", "--reporter-json-export", "r.json", "--disable-unicode"]);
    cmd.args(args);
    let r = run(cmd);
    let report = serde_json::from_str(&std::fs::read_to_string(dir.join("r.json")).unwrap()).unwrap();
    (r, report)
}

#[test]
fn a_flaky_service_passes_after_retries_and_every_attempt_is_recorded() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let items = [item("flaky", "GET", &api.url("/flaky/2?key=a"))];
    let (r, report) = run_json(dir.path(), &items, &["--retry", "3", "--retry-on", "5xx", "--retry-delay", "10"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stdout.contains("[200 OK") && r.stdout.contains("after 2 retries"), "{}", r.stdout);
    let e = &report["run"]["executions"][0];
    let outcomes: Vec<&str> =
        e["attempts"].as_array().unwrap().iter().map(|a| a["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["503 Service Unavailable", "503 Service Unavailable", "200 OK"]);
    assert_eq!(report["run"]["stats"]["requests"]["total"], 1, "one request, three attempts");
    assert_eq!(report["run"]["stats"]["assertions"]["failed"], 0, "the test saw the final response");
    assert_eq!(api.requests().len(), 3);
}

#[test]
fn what_is_not_retried() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    // Without --retry-on 5xx a 503 is an answer; a POST is not retried without the flag;
    // too few retries end with the last failure.
    let cases: &[(&str, &str, &[&str], usize, i32)] = &[
        ("GET", "/flaky/1?key=b", &["--retry", "2"], 1, 1),
        ("POST", "/flaky/1?key=c", &["--retry", "2", "--retry-on", "5xx"], 1, 1),
        ("POST", "/flaky/1?key=d", &["--retry", "2", "--retry-on", "5xx", "--retry-non-idempotent"], 2, 0),
        ("GET", "/flaky/5?key=e", &["--retry", "2", "--retry-on", "503"], 3, 1),
        ("GET", "/flaky/1?key=f&status=429", &["--retry", "1", "--retry-on", "429"], 2, 0),
    ];
    for (method, path, args, sent, code) in cases {
        api.clear();
        let items = [item("one", method, &api.url(path))];
        let mut all = args.to_vec();
        all.extend(["--retry-delay", "5"]);
        let (r, _) = run_json(dir.path(), &items, &all);
        assert_eq!(r.code, *code, "{method} {path} {args:?}: {}", r.all());
        assert_eq!(api.requests().len(), *sent, "{method} {path} {args:?}");
    }
}

#[test]
fn retry_after_is_honoured_and_network_failures_are_retried() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let items = [item("after", "GET", &api.url("/flaky/1?key=g&retry_after=1"))];
    let started = std::time::Instant::now();
    let (r, _) = run_json(dir.path(), &items, &["--retry", "1", "--retry-on", "5xx", "--retry-delay", "1"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(started.elapsed() >= std::time::Duration::from_millis(900), "waited for Retry-After: 1");
    // A refused connection: retried (network is the default), then reported with every attempt.
    let refused = format!("http://127.0.0.1:{}/x", unused_local_port());
    let items = [item("refused", "GET", &refused)];
    let (r, report) = run_json(dir.path(), &items, &["--retry", "2", "--retry-delay", "5"]);
    assert_eq!(r.code, 1, "{}", r.all());
    let attempts = report["run"]["executions"][0]["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 3, "{attempts:?}");
    assert!(attempts.iter().all(|a| a["outcome"].as_str().unwrap().starts_with("ConnectionFailed")), "{attempts:?}");
    assert!(r.stdout.contains("after 2 retries"), "{}", r.stdout);
    // A bad --retry-on is a usage error.
    let (r, _) = run_json(dir.path(), &items, &["--retry", "1", "--retry-on", "sometimes"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("`sometimes`"), "{}", r.stderr);
}

#[test]
fn retry_settings_come_from_the_config_file_and_flags_win() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    std::fs::write(dir.path().join("postie.toml"), "[run]\nretry = 2\nretry_on = \"5xx\"\nretry_delay = 5\n").unwrap();
    let items = [item("flaky", "GET", &api.url("/flaky/2?key=h"))];
    let (r, _) = run_json(dir.path(), &items, &[]);
    assert_eq!(r.code, 0, "the file's retries: {}", r.all());
    assert_eq!(api.requests().len(), 3);
    // --retry 0 on the command line wins over the file.
    let items = [item("flaky", "GET", &api.url("/flaky/2?key=i"))];
    let (r, _) = run_json(dir.path(), &items, &["--retry", "0"]);
    assert_eq!(r.code, 1, "{}", r.all());
    // A bad value or a misspelt key names the file and the key.
    std::fs::write(dir.path().join("postie.toml"), "[run]\nretry_on = \"often\"\n").unwrap();
    let (r, _) = run_json(dir.path(), &items, &[]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stderr.contains("postie.toml [run].retry_on") && r.stderr.contains("`often`"), "{}", r.stderr);
    std::fs::write(dir.path().join("postie.toml"), "[run]\nretyr = 1\n").unwrap();
    let (r, _) = run_json(dir.path(), &items, &[]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stderr.contains("did you mean `run.retry`?"), "{}", r.stderr);
}
