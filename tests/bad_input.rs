//! Bad input never panics: each case exits 2 with a message naming the file, the place
//! and the fix. Transport failures are request errors: the run goes on and exits 1.

mod common;

use common::{fixture, postie, run, tempdir};
use postie::testkit::{EchoServer, unused_local_port};

#[test]
fn bad_input_exits_2_with_a_message_that_names_the_place() {
    let dir = tempdir();
    let col = fixture("requests.postman_collection.json");
    let col = col.to_str().unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["run".into(), fixture("bad/not-json.json").display().to_string()], "not-json.json:2:"),
        (vec!["run".into(), fixture("bad/bad-url.json").display().to_string()], "$.item[0].request.url"),
        (vec!["run".into(), fixture("bad/v1.json").display().to_string()], "unsupported collection schema"),
        (vec!["run".into(), "missing.json".into()], "missing.json"),
        (
            vec!["run".into(), col.into(), "-e".into(), fixture("bad/bad-env.json").display().to_string()],
            "bad-env.json",
        ),
        (
            vec!["run".into(), col.into(), "-d".into(), fixture("bad/unclosed-quote.csv").display().to_string()],
            "unclosed-quote.csv",
        ),
        (vec!["run".into(), col.into(), "--env-var".into(), "novalue".into()], "--env-var"),
        (vec!["run".into(), col.into(), "--folder".into(), "Bodys".into()], "Did you mean `Bodies`"),
        (vec!["run".into(), col.into(), "-r".into(), "htmlextra".into()], "unknown reporter `htmlextra`"),
        (vec!["run".into(), col.into(), "--jobs".into(), "0".into()], "--jobs"),
        (vec!["run".into(), col.into(), "-n".into(), "zero".into()], "--iteration-count"),
        (vec!["run".into(), col.into(), "--proxy".into(), "ftp://u:hunter2@p:1".into()], "--proxy"),
        (vec!["run".into(), col.into(), "--proxy".into(), "http://p:99999".into()], "--proxy"),
        (vec!["run".into(), col.into(), "--proxy-scheme".into(), "ftp".into()], "--proxy-scheme"),
        (
            vec!["run".into(), fixture("env.postman_environment.json").display().to_string()],
            "environment or globals file",
        ),
    ];
    for (args, expected) in cases {
        let mut cmd = postie(dir.path());
        cmd.args(&args);
        let r = run(cmd);
        assert_eq!(r.code, 2, "{args:?}\n{}", r.all());
        assert!(r.stderr.contains(expected), "{args:?}: expected `{expected}` in\n{}", r.stderr);
        assert!(!r.all().contains("panicked"), "{args:?}");
        assert!(!r.all().contains("hunter2"), "a proxy password leaked: {}", r.all());
    }
}

#[test]
fn env_proxy_with_unknown_scheme_names_the_variable() {
    let dir = tempdir();
    let mut cmd = postie(dir.path());
    cmd.env("HTTPS_PROXY", "gopher://u:hunter2@x:1").arg("run").arg(fixture("requests.postman_collection.json"));
    let r = run(cmd);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stderr.contains("HTTPS_PROXY") && !r.all().contains("hunter2"), "{}", r.stderr);
}

#[test]
fn bad_config_file_is_named_with_line_and_key() {
    let dir = tempdir();
    let cases =
        [("[proxy]\nurl = \n", "postie.toml:2:"), ("[proxy]\nbypas = [\"a\"]\n", "did you mean `proxy.bypass`")];
    for (text, expected) in cases {
        std::fs::write(dir.path().join("postie.toml"), text).unwrap();
        let mut cmd = postie(dir.path());
        cmd.arg("run").arg(fixture("requests.postman_collection.json"));
        let r = run(cmd);
        assert_eq!(r.code, 2, "{}", r.all());
        assert!(r.stderr.contains(expected), "{}", r.stderr);
    }
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const HEAD: &str =
    r#"{"info":{"name":"t","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},"item":["#;

#[test]
fn transport_failures_are_request_errors_and_the_run_goes_on() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let dead = unused_local_port();
    let col = write(
        dir.path(),
        "c.json",
        &format!(
            r#"{HEAD}{{"name":"refused","request":"http://127.0.0.1:{dead}/x"}},
                {{"name":"slow","request":"{}"}},
                {{"name":"bad url","request":"{{{{undefined}}}}/x"}},
                {{"name":"fine","request":"{}"}}]}}"#,
            api.url("/delay/3000"),
            api.url("/get")
        ),
    );
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(&col).arg("--timeout-request").arg("300");
    let r = run(cmd);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stdout.contains("ECONNREFUSED"), "{}", r.stdout);
    assert!(r.stdout.contains("Timeout"), "{}", r.stdout);
    assert!(r.stdout.contains("`undefined` is not defined"), "{}", r.stdout);
    assert!(api.requests().iter().any(|q| q.path == "/get"), "the run went on after the failures");

    // --bail stops after the first failure; -x turns exit 1 into 0
    api.clear();
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(&col).arg("--bail").arg("-x");
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(api.requests().is_empty(), "bail stopped before later requests");
}

#[test]
fn whole_run_timeout_stops_and_still_reports() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let col = write(
        dir.path(),
        "c.json",
        &format!(
            r#"{HEAD}{{"name":"slow","request":"{}"}},{{"name":"never","request":"{}"}}]}}"#,
            api.url("/delay/5000"),
            api.url("/get")
        ),
    );
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(&col).args(["--timeout", "300", "-r", "cli,json", "--reporter-json-export", "r.json"]);
    let started = std::time::Instant::now();
    let r = run(cmd);
    assert!(started.elapsed() < std::time::Duration::from_secs(4), "the timeout cut the slow request");
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stdout.contains("timed out"), "{}", r.stdout);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    assert!(report["run"]["error"].as_str().unwrap().contains("timed out"));
    assert!(!api.requests().iter().any(|q| q.path == "/get"));
}
