//! Collections' scripts run as Newman runs them: assertion for assertion (names, pass/fail,
//! chai's messages) against a list recorded from Newman 6.2.2 on the same requests, plus
//! flow control, pm.sendRequest through the proxy, and scripts that misbehave.

mod common;

use std::path::{Path, PathBuf};

use common::{fixture, postie, run, run_collection, tempdir};
use postie::testkit::{EchoServer, RecordingProxy};
use serde_json::{Value, json};

fn assertions_of(report: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    for e in report["run"]["executions"].as_array().unwrap() {
        for a in e["assertions"].as_array().into_iter().flatten() {
            out.push(json!({
                "iteration": e["cursor"]["iteration"], "request": e["item"]["name"], "assertion": a["assertion"],
                "skipped": a["skipped"].as_bool().unwrap_or(false), "error": a["error"]["message"],
            }));
        }
    }
    out
}

fn run_scripts_fixture(extra: &[&str]) -> (EchoServer, common::RunResult, Value, tempfile::TempDir) {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(fixture("scripts.postman_collection.json")).arg("-d").arg(fixture("data.csv"));
    cmd.arg("--env-var").arg(format!("base={}", api.url("").trim_end_matches('/')));
    cmd.args(["-r", "cli,json", "--reporter-json-export", "r.json"]).args(extra);
    let r = run(cmd);
    let report = serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    (api, r, report, dir)
}

#[test]
fn assertions_match_newman_one_for_one() {
    let (api, r, report, _dir) = run_scripts_fixture(&[]);
    assert_eq!(r.code, 1, "the fixture has failing assertions: {}", r.all());
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("scripts.newman-expected.json")).unwrap()).unwrap();
    // Newman lists an item twice when its test script calls pm.sendRequest (the nested
    // request emits its own `request` event, and both entries share one assertion list).
    let mut newman: Vec<Value> = Vec::new();
    for a in expected["assertions"].as_array().unwrap() {
        if newman.last() == Some(a) && a["request"] == "sendRequest" {
            continue;
        }
        newman.push(a.clone());
    }
    let ours = assertions_of(&report);
    assert_eq!(ours.len(), newman.len());
    for (n, o) in newman.iter().zip(&ours) {
        assert_eq!(n, o);
    }
    // flow control: the loop ran 3 times per iteration, "Never runs" never ran, "Skip me" sent nothing
    let reqs = api.requests();
    assert_eq!(reqs.iter().filter(|q| q.path == "/get" && q.query.starts_with("n=")).count(), 6);
    assert!(!reqs.iter().any(|q| q.path == "/status/500"), "setNextRequest jumped over it");
    assert!(!reqs.iter().any(|q| q.query.contains("skipped=1")), "skipRequest sent nothing");
    assert_eq!(reqs.iter().filter(|q| q.query == "from=script").count(), 2, "pm.sendRequest once per iteration");
    assert_eq!(report["run"]["stats"]["assertions"]["failed"], 20);
}

#[test]
fn send_request_goes_through_the_same_proxy_route() {
    let proxy = RecordingProxy::start_blocking();
    let (_api, r, _report, _dir) = run_scripts_fixture(&["--folder", "sendRequest", "--proxy", &proxy.url()]);
    assert_eq!(r.code, 0, "{}", r.all());
    let targets: Vec<String> = proxy.records().iter().map(|p| p.target.clone()).collect();
    assert!(targets.iter().any(|t| t.ends_with("/get?from=script")), "{targets:?}");
    assert!(targets.iter().any(|t| t.ends_with("/get?main=1")), "{targets:?}");
}

fn collection(dir: &Path, items: &[(&str, &str, &[&str])]) -> PathBuf {
    let items: Vec<Value> = items
        .iter()
        .map(|(name, url, test)| json!({"name": name, "request": url, "event": [{"listen": "test", "script": {"exec": test}}]}))
        .collect();
    let col = json!({"info": {"name": "s", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": items});
    let path = dir.join("c.json");
    std::fs::write(&path, col.to_string()).unwrap();
    path
}

#[test]
fn misbehaving_scripts_fail_their_request_not_the_run() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let url = api.url("/get");
    let col = collection(
        dir.path(),
        &[
            ("syntax", &url, &["pm.test('a', () => {", "  pm.expect(1).to.equal(1);", "}));"]),
            ("forever", &url, &["while (true) {}"]),
            ("throws a string", &url, &["throw 'plain string';"]),
            ("recursion", &url, &["function f(n) { return f(n + 1) + 1; }", "f(0);"]),
            ("huge string", &url, &["let s = 'x'; while (true) { s = s + s; }"]),
            ("unknown module", &url, &["const $ = require('left-pad');"]),
            ("still runs", &url, &["pm.test('after the others', () => pm.response.to.have.status(200));"]),
        ],
    );
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(&col).args([
        "--timeout-script",
        "500",
        "-r",
        "cli,json,junit",
        "--reporter-json-export",
        "r.json",
    ]);
    cmd.args(["--reporter-junit-export", "r.xml"]);
    let r = run(cmd);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(!r.all().contains("panicked"));
    let report: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    let failures = report["run"]["failures"].as_array().unwrap();
    let by = |name: &str| -> String {
        failures
            .iter()
            .filter(|f| f["source"]["name"] == name)
            .map(|f| {
                format!(
                    "{} {}",
                    f["error"]["name"].as_str().unwrap_or(""),
                    f["error"]["message"].as_str().unwrap_or("")
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    assert!(by("syntax").contains("SyntaxError"), "{}", by("syntax"));
    assert!(by("forever").contains("timed out"), "{}", by("forever"));
    assert!(by("throws a string").contains("plain string"), "{}", by("throws a string"));
    assert!(!by("recursion").is_empty(), "recursion is a script error");
    assert!(!by("huge string").is_empty(), "a runaway string is a script error");
    assert!(by("unknown module").contains("Cannot find module 'left-pad'"), "{}", by("unknown module"));
    assert!(by("still runs").is_empty(), "{}", by("still runs"));
    assert_eq!(api.requests().len(), 7);
    let xml = std::fs::read_to_string(dir.path().join("r.xml")).unwrap();
    assert!(xml.contains("<error"), "script errors are <error> testcases");
}

#[test]
fn lanes_keep_their_variables_apart_and_exports_merge_in_plan_order() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let set = api.url("/get?step=set");
    let read = api.url("/get?seen={{mine}}");
    let col = collection(
        dir.path(),
        &[
            (
                "set",
                &set,
                &[
                    "pm.environment.set('mine', pm.iterationData.get('user'));",
                    "pm.environment.set('last', pm.info.iteration);",
                ],
            ),
            (
                "read",
                &read,
                &[
                    "pm.test('reads its own lane', () => pm.expect(pm.response.json().args.seen).to.equal(pm.iterationData.get('user')));",
                ],
            ),
        ],
    );
    let data = dir.path().join("users.json");
    let users: Vec<Value> = (0..12).map(|i| json!({"user": format!("user-{i}")})).collect();
    std::fs::write(&data, Value::Array(users).to_string()).unwrap();
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(&col).arg("-d").arg(&data).args(["--jobs", "4", "--export-environment", "env.json"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    let env: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("env.json")).unwrap()).unwrap();
    let get = |k: &str| env["values"].as_array().unwrap().iter().find(|v| v["key"] == k).map(|v| v["value"].clone());
    assert_eq!(get("mine"), Some(json!("user-11")), "the last lane in plan order wins");
    assert_eq!(get("last"), Some(json!(11)));
}

/// Recorded from Newman 6.2.2 on the same requests: a variable set to `undefined` is kept
/// (`has` true) and sends `null` in the next URL; a file's `"value": null` sends `null`;
/// a variable written with no `value` sends nothing; inside the script, `replaceIn` writes
/// undefined as nothing and null as `null`.
#[test]
fn undefined_and_null_variables_substitute_as_newman_does() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let base = api.url("").trim_end_matches('/').to_string();
    let col = json!({"info": {"name": "u", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
    "variable": [{"key": "nv"}, {"key": "cn", "value": null}],
    "item": [
        {"name": "set", "request": format!("{base}/get?step=set"), "event": [{"listen": "test", "script": {"exec": [
            "pm.environment.set('id', undefined); pm.globals.set('g', undefined); pm.collectionVariables.set('c', undefined);",
            "pm.test('kept', () => pm.expect([pm.environment.has('id'), pm.globals.has('g'), pm.collectionVariables.has('c')]).to.eql([true, true, true]));",
            "pm.test('replaceIn', () => pm.expect(pm.variables.replaceIn('{{id}}|{{g}}|{{c}}|{{fromfile}}|{{cn}}|{{nv}}|{{nope}}')).to.equal('|||null|null||{{nope}}'));"
        ]}}]},
        {"name": "use", "request": format!("{base}/get?id={{{{id}}}}&g={{{{g}}}}&c={{{{c}}}}&f={{{{fromfile}}}}&nv={{{{nv}}}}&cn={{{{cn}}}}")}
    ]});
    std::fs::write(dir.path().join("c.json"), col.to_string()).unwrap();
    std::fs::write(
        dir.path().join("e.json"),
        r#"{"name":"e","values":[{"key":"fromfile","value":null,"enabled":true}]}"#,
    )
    .unwrap();
    let mut cmd = postie(dir.path());
    cmd.args(["run", "c.json", "-e", "e.json"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    let sent = api.requests();
    assert_eq!(sent[1].query, "id=null&g=null&c=null&f=null&nv=&cn=null");
}

/// A request that fails (refused, or an unresolved `{{baseUrl}}`) still runs its test
/// scripts with an empty `pm.response`, and every assertion gets Newman's verdict and words
/// (recorded from Newman 6.2.2 in `fixtures/request-errors.newman-expected.json`).
#[test]
fn test_scripts_after_a_request_error_give_newman_s_verdicts() {
    let dir = tempdir();
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(fixture("request-errors.postman_collection.json"));
    cmd.args(["-r", "json", "--reporter-json-export", "r.json"]);
    let r = run(cmd);
    assert_eq!(r.code, 1, "{}", r.all());
    let report: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    let ours: Vec<Value> = report["run"]["executions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| {
            e["assertions"].as_array().into_iter().flatten().map(move |a| {
                json!({"request": e["item"]["name"], "assertion": a["assertion"], "error": a["error"]["message"]})
            })
        })
        .collect();
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("request-errors.newman-expected.json")).unwrap())
            .unwrap();
    assert_eq!(Value::Array(ours), expected["assertions"]);
    assert_eq!(report["run"]["stats"]["testScripts"]["total"], 2, "{}", report["run"]["stats"]);
}

/// The legacy `request.data` and `request.description`, and `pm.request.body` of each body
/// mode, in pre-request and test scripts: what Newman 6.2.2 showed for the same collection
/// (recorded once from its JSON report; the form's file part `f` points at a missing file in
/// "form", which Newman then leaves out of the request its test scripts see).
#[test]
fn legacy_request_data_and_description_read_as_in_newman() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let existing = dir.path().join("exists.txt");
    std::fs::write(&existing, "hi").unwrap();
    let show = "pm.test(pm.info.eventName + ' ' + pm.info.requestName + ' => ' + JSON.stringify({d: request.data, \
                desc: request.description, s: pm.request.body ? pm.request.body.toString() : null, \
                m: pm.request.body && pm.request.body.mode, e: pm.request.body ? pm.request.body.isEmpty() : null}), \
                function () {});";
    let events = json!([
        {"listen": "prerequest", "script": {"exec": [show]}},
        {"listen": "test", "script": {"exec": [show]}},
    ]);
    let form = |file: &str| {
        json!({"mode": "formdata", "formdata": [
            {"key": "k", "value": "v", "type": "text"}, {"key": "k", "value": "w", "type": "text"},
            {"key": "f", "src": file, "type": "file"}, {"key": "off", "value": "x", "type": "text", "disabled": true},
        ]})
    };
    let item = |name: &str, body: Value, description: Value| {
        let mut request = json!({"method": "POST", "url": api.url("/post"), "body": body});
        if !description.is_null() {
            request["description"] = description;
        }
        json!({"name": name, "request": request, "event": events})
    };
    let collection = json!({
        "info": {"name": "legacy request", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "variable": [{"key": "v", "value": "resolved"}],
        "item": [
            item("urlenc", json!({"mode": "urlencoded", "urlencoded": [
                {"key": "a", "value": "1"}, {"key": "a", "value": "2"}, {"key": "a", "value": "{{v}}"},
                {"key": "b", "value": ""}, {"key": "b", "value": "x"}, {"key": "c", "value": "off", "disabled": true},
                {"key": "sp", "value": "a b&c"},
            ]}), json!("plain description")),
            item("form", form("missing.txt"), json!({"content": "described *md*", "type": "text/markdown"})),
            item("raw", json!({"mode": "raw", "raw": "hello {{v}}"}), Value::Null),
            item("rawempty", json!({"mode": "raw", "raw": ""}), Value::Null),
            item("nobody", Value::Null, Value::Null),
            item("urlempty", json!({"mode": "urlencoded", "urlencoded": []}), Value::Null),
            item("form-exists", form(&existing.to_string_lossy()), json!({"content": "described *md*"})),
        ],
    });
    let r = run_collection(dir.path(), &collection, &["-r", "json", "--reporter-json-export", "r.json"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let report: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    let names: Vec<String> =
        assertions_of(&report).iter().map(|a| a["assertion"].as_str().unwrap_or("").to_string()).collect();
    let newman = [
        r#"prerequest urlenc => {"d":{"a":["1","2","{{v}}"],"b":"x","sp":"a b&c"},"desc":"plain description","s":"a=1&a=2&a={{v}}&b=&b=x&sp=a b%26c","m":"urlencoded","e":false}"#,
        r#"test urlenc => {"d":{"a":["1","2","resolved"],"b":"x","sp":"a b&c"},"desc":"plain description","s":"a=1&a=2&a=resolved&b=&b=x&sp=a b%26c","m":"urlencoded","e":false}"#,
        r#"prerequest form => {"d":{"k":["v","w"],"f":""},"desc":"described *md*","s":"","m":"formdata","e":false}"#,
        r#"test form => {"d":{"k":["v","w"]},"desc":"described *md*","s":"","m":"formdata","e":false}"#,
        r#"prerequest raw => {"d":"hello {{v}}","s":"hello {{v}}","m":"raw","e":false}"#,
        r#"test raw => {"d":"hello resolved","s":"hello resolved","m":"raw","e":false}"#,
        r#"prerequest rawempty => {"d":{},"s":"","m":"raw","e":true}"#,
        r#"test rawempty => {"d":{},"s":"","m":"raw","e":true}"#,
        r#"prerequest nobody => {"d":{},"s":"","e":true}"#,
        r#"test nobody => {"d":{},"s":"","e":true}"#,
        r#"prerequest urlempty => {"d":{},"s":"","m":"urlencoded","e":true}"#,
        r#"test urlempty => {"d":{},"s":"","m":"urlencoded","e":true}"#,
        r#"prerequest form-exists => {"d":{"k":["v","w"],"f":""},"desc":"described *md*","s":"","m":"formdata","e":false}"#,
        r#"test form-exists => {"d":{"k":["v","w"],"f":""},"desc":"described *md*","s":"","m":"formdata","e":false}"#,
    ];
    assert_eq!(names, newman);
}

/// A pre-request script's changes to a form body are sent, as Newman 6.2.2 sent them for
/// the same collection (recorded once against a local echo): a parameter added, one removed,
/// one changed, and a disabled one still left out; a form-data part added.
#[test]
fn pre_request_changes_to_a_form_body_are_sent() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let urlencoded = json!({"mode": "urlencoded", "urlencoded": [
        {"key": "a", "value": "1"}, {"key": "drop", "value": "2"}, {"key": "off", "value": "3", "disabled": true}]});
    let collection = json!({
        "info": {"name": "form changes", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [
            {"name": "u", "request": {"method": "POST", "url": api.url("/post"), "body": urlencoded},
             "event": [{"listen": "prerequest", "script": {"exec": [
                "pm.request.body.urlencoded.add({key: 'added', value: 'v&1'});",
                "pm.request.body.urlencoded.remove('drop');",
                "pm.request.body.urlencoded.each(function (p) { if (p.key === 'a') p.value = 'changed'; });"]}}]},
            {"name": "f", "request": {"method": "POST", "url": api.url("/post"),
                "body": {"mode": "formdata", "formdata": [{"key": "t", "value": "v", "type": "text"}]}},
             "event": [{"listen": "prerequest", "script": {"exec": [
                "pm.request.body.formdata.add({key: 'extra', value: 'x', type: 'text'});"]}}]},
        ],
    });
    let r = run_collection(dir.path(), &collection, &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    let sent = api.requests();
    assert_eq!(String::from_utf8_lossy(&sent[0].body), "a=changed&added=v%261");
    let multipart = String::from_utf8_lossy(&sent[1].body);
    assert!(
        multipart.contains("name=\"t\"\r\n\r\nv\r\n") && multipart.contains("name=\"extra\"\r\n\r\nx\r\n"),
        "{multipart}"
    );
}
