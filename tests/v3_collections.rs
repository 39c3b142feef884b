//! v3 collections (Postman's YAML directories) run exactly as their v2.1 exports: the
//! committed conversions of the v2.1 fixtures send the same requests and give the same
//! results as their originals; v2.1 → v3 → v2.1 keeps what postie runs for every fixture and
//! corpus collection; a hand-written tree covers every body mode, auth, inheritance level,
//! script level, setting and ordering rule; the real v3 corpus runs to the end.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{fixture, postie, run, tempdir};
use postie::collection::{AuthSetting, Collection, Node, Source, locate, v3};
use postie::testkit::{EchoServer, Recorded};
use serde_json::{Value, json};

fn base(api: &EchoServer) -> String {
    format!("base={}", api.url("").trim_end_matches('/'))
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// What a report says happened, without timings, ids or the collection copy.
fn results(report: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    for e in report["run"]["executions"].as_array().unwrap() {
        let assertions: Vec<Value> = e["assertions"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| json!([a["assertion"], a["skipped"], a["error"]["message"]]))
            .collect();
        out.push(json!({
            "iteration": e["cursor"]["iteration"],
            "item": e["item"]["name"],
            "method": e["request"]["method"],
            "code": e["response"]["code"],
            "requestError": e["requestError"]["message"],
            "assertions": assertions,
        }));
    }
    out
}

/// A received request with what differs between two identical sends removed: the random
/// Postman-Token and multipart boundary.
fn normalised(r: &Recorded) -> Value {
    let content_type = r.header("content-type").unwrap_or_default();
    let boundary = content_type.split("boundary=").nth(1).map(str::to_string);
    let scrub = |s: &str| match &boundary {
        Some(b) => s.replace(b.as_str(), "BOUNDARY"),
        None => s.to_string(),
    };
    // A digest answer differs by its nonces on every run.
    let headers: Vec<(String, String)> = r
        .headers
        .iter()
        .filter(|(k, _)| k != "postman-token")
        .map(|(k, v)| (k.clone(), if v.starts_with("Digest ") { "Digest …".into() } else { scrub(v) }))
        .collect();
    json!({
        "method": r.method, "path": r.path, "query": r.query, "headers": headers,
        "body": scrub(&String::from_utf8_lossy(&r.body)),
    })
}

/// The v2.1 fixtures, each with the flags its tests run it with.
fn v21_fixtures() -> Vec<(&'static str, Vec<String>)> {
    let path = |p: &str| fixture(p).display().to_string();
    vec![
        ("scripts", vec!["-d".into(), path("data.csv")]),
        ("requests", vec!["-e".into(), path("env.postman_environment.json"), "--working-dir".into(), path("")]),
        ("v20", vec![]),
    ]
}

#[test]
fn converted_fixtures_send_the_same_requests_and_give_the_same_results() {
    for (name, flags) in v21_fixtures() {
        let api = EchoServer::start_blocking();
        let mut reports = Vec::new();
        let mut sent = Vec::new();
        let originals = [fixture(&format!("{name}.postman_collection.json")), fixture(&format!("v3/converted/{name}"))];
        for collection in &originals {
            let dir = tempdir();
            let before = api.requests().len();
            let mut cmd = postie(dir.path());
            cmd.arg("run").arg(collection).arg("--env-var").arg(base(&api)).args(&flags);
            cmd.args(["-r", "json", "--reporter-json-export", "r.json"]);
            let r = run(cmd);
            assert!(r.code == 0 || r.code == 1, "{name} {}: {}", collection.display(), r.all());
            reports.push((r.code, results(&read_json(&dir.path().join("r.json")))));
            sent.push(api.requests()[before..].iter().map(normalised).collect::<Vec<_>>());
        }
        assert_eq!(reports[0].0, reports[1].0, "{name}: exit codes");
        assert!(!reports[0].1.is_empty(), "{name}: the run did something");
        for (i, (a, b)) in reports[0].1.iter().zip(&reports[1].1).enumerate() {
            assert_eq!(a, b, "{name}: execution {i}");
        }
        assert_eq!(reports[0].1.len(), reports[1].1.len(), "{name}: executions");
        assert_eq!(sent[0].len(), sent[1].len(), "{name}: requests received");
        for (i, (a, b)) in sent[0].iter().zip(&sent[1]).enumerate() {
            assert_eq!(a, b, "{name}: request {i}");
        }
    }
}

fn tree(root: &Path) -> BTreeMap<PathBuf, String> {
    fn go(dir: &Path, root: &Path, out: &mut BTreeMap<PathBuf, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                go(&path, root, out);
            } else {
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    go(root, root, &mut out);
    out
}

#[test]
fn committed_conversions_are_what_convert_writes() {
    for (name, _) in v21_fixtures() {
        let dir = tempdir();
        let out = dir.path().join(name);
        let mut cmd = postie(dir.path());
        cmd.arg("convert").arg(fixture(&format!("{name}.postman_collection.json"))).args(["--to", "v3"]).arg(&out);
        let r = run(cmd);
        assert_eq!(r.code, 0, "{}", r.all());
        assert_eq!(
            tree(&out),
            tree(&fixture(&format!("v3/converted/{name}"))),
            "{name}: regenerate with postie convert"
        );
    }
}

/// Everything postie runs of a collection, in run order, with what the README says a
/// v3 round trip does not keep taken out (URL parts, disabled scripts, proxy and
/// certificate objects, variable types, ids the file did not have).
fn fingerprint(c: &Collection) -> Vec<String> {
    fn auth(a: &AuthSetting) -> String {
        match a {
            AuthSetting::Auth(a) => {
                let params: Vec<String> = a
                    .params
                    .iter()
                    .map(|(k, v)| match v {
                        Value::String(s) => format!("{k}={s}"),
                        Value::Number(_) | Value::Bool(_) => format!("{k}={v}"),
                        other => format!("{k}={other}"),
                    })
                    .collect();
                format!("{}:{params:?}", a.kind.as_str())
            }
            other => format!("{other:?}"),
        }
    }
    fn events(list: &[postie::collection::Event]) -> String {
        let kept: Vec<String> =
            list.iter().filter(|e| !e.disabled).map(|e| format!("{:?}:{}", e.listen, e.code)).collect();
        format!("{kept:?}")
    }
    fn go(nodes: &[Node], path: &str, profile: &serde_json::Map<String, Value>, out: &mut Vec<String>) {
        for node in nodes {
            match node {
                Node::Folder(f) => {
                    let here = format!("{path}/{}", f.name);
                    out.push(format!("folder {here} auth={} events={}", auth(&f.auth), events(&f.events)));
                    let mut merged = profile.clone();
                    merged.extend(f.protocol_profile.clone());
                    go(&f.items, &here, &merged, out);
                }
                Node::Item(i) => {
                    let r = &i.request;
                    let mut merged = profile.clone();
                    merged.extend(i.protocol_profile.clone());
                    let query: Vec<_> = r.url.query.iter().filter(|q| q.key.is_some()).collect();
                    let body = match &r.body {
                        Some(postie::collection::Body::Raw { text, language }) => {
                            let language = language
                                .as_deref()
                                .filter(|l| matches!(*l, "json" | "xml" | "html" | "javascript"))
                                .unwrap_or("text");
                            format!("raw {language}: {text}")
                        }
                        other => format!("{other:?}"),
                    };
                    out.push(format!(
                        "item {path}/{} {} {} query={query:?} vars={:?} headers={:?} body={body} auth={} events={} profile={}",
                        i.name,
                        r.method,
                        r.url.template(),
                        r.url.variables,
                        r.headers,
                        auth(&r.auth),
                        events(&i.events),
                        Value::Object(merged),
                    ));
                }
            }
        }
    }
    let variables: Vec<String> = c
        .variables
        .iter()
        .filter_map(|v| {
            let key = v.get("key").or_else(|| v.get("id"))?.as_str()?;
            let value = match v.get("value") {
                Some(Value::String(s)) => s.clone(),
                None | Some(Value::Null) => "null".into(),
                Some(other) => other.to_string().trim_matches('"').to_string(),
            };
            Some(format!("{key}={value} disabled={}", v.get("disabled").and_then(Value::as_bool).unwrap_or(false)))
        })
        .collect();
    let mut out = vec![
        format!("collection {}", c.name),
        format!("variables {variables:?}"),
        format!("auth={} events={}", auth(&c.auth), events(&c.events)),
    ];
    go(&c.items, "", &c.protocol_profile, &mut out);
    out
}

fn assert_same(a: &[String], b: &[String], what: &str) {
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x, y, "{what}");
    }
    assert_eq!(a.len(), b.len(), "{what}");
}

#[test]
fn v21_to_v3_to_v21_keeps_what_postie_runs_for_every_fixture_and_corpus_collection() {
    let mut files: Vec<PathBuf> =
        v21_fixtures().iter().map(|(n, _)| fixture(&format!("{n}.postman_collection.json"))).collect();
    let mut corpus: Vec<PathBuf> = std::fs::read_dir(fixture("corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    corpus.sort();
    assert!(corpus.len() >= 98);
    files.extend(corpus);
    let dir = tempdir();
    for (n, file) in files.iter().enumerate() {
        let what = file.display().to_string();
        let original = Source::V2File(file.clone()).load(false).unwrap_or_else(|e| panic!("{what}: {e}"));
        let (rendered, _notes) = v3::render(&original);
        let out = dir.path().join(n.to_string());
        v3::write(&out, &rendered).unwrap_or_else(|e| panic!("{what}: {e}"));
        let from_v3 = v3::load_dir(&out, true).unwrap_or_else(|e| panic!("{what}: the v3 tree loads strictly: {e}"));
        assert_same(&fingerprint(&original), &fingerprint(&from_v3), &format!("{what}: v2.1 → v3"));
        // ... and back: the v2.1 document a v3 load renders is a collection of its own.
        let back = dir.path().join(format!("{n}.json"));
        std::fs::write(&back, from_v3.raw.value().to_string()).unwrap();
        let again = Source::V2File(back).load(false).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_same(&fingerprint(&original), &fingerprint(&again), &format!("{what}: v2.1 → v3 → v2.1"));
    }
}

fn handwritten(dir: &Path, api: &EchoServer, extra: &[&str]) -> (common::RunResult, Value) {
    let hw = fixture("v3/handwritten");
    let mut cmd = postie(dir);
    cmd.arg("run").arg(hw.join("Everything"));
    cmd.arg("-e").arg(hw.join("environments/Local.environment.yaml"));
    cmd.arg("-g").arg(hw.join("environments/workspace.globals.yml"));
    cmd.arg("--env-var").arg(base(api)).arg("--working-dir").arg(fixture(""));
    cmd.args(["-r", "cli,json,junit", "--reporter-json-export", "r.json", "--reporter-junit-export", "r.xml"]);
    cmd.args(extra);
    let r = run(cmd);
    let report = read_json(&dir.join("r.json"));
    (r, report)
}

#[test]
fn a_hand_written_tree_runs_every_body_auth_level_script_setting_and_order() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let vault = fixture("v3/handwritten/vault.yaml").display().to_string();
    let (r, report) = handwritten(dir.path(), &api, &["--vault-file", &vault]);
    assert_eq!(r.code, 0, "every assertion of the hand-written tree passes: {}", r.all());
    let names: Vec<&str> =
        report["run"]["executions"].as_array().unwrap().iter().map(|e| e["item"]["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "Root request: maps and lists",
            "inherits folder",
            "bearer list form",
            "apikey header",
            "apikey query",
            "digest",
            "oauth2 stored token",
            "noauth",
            "explicit inherit",
            "three levels",
            "raw json",
            "raw text",
            "raw xml",
            "raw html",
            "raw javascript",
            "urlencoded list",
            "urlencoded map",
            "formdata",
            "file",
            "none",
            "graphql",
            "no redirects",
            "follows redirects",
            "no content type",
            // order 10; ties at 1000 by name (file names say the opposite); the folder at 1500;
            // no `order` (and a .yml file) last
            "early",
            "A tie",
            "B tie",
            "inside",
            "no order",
        ]
    );
    assert_eq!(report["run"]["stats"]["assertions"]["failed"], 0);
    assert!(report["run"]["stats"]["assertions"]["total"].as_u64().unwrap() >= 50);
    assert!(r.all().contains("grpc.request.yaml: skipped: `$kind: grpc-request`"), "{}", r.all());
    // The JSON report's collection is the v2.1 rendering; JUnit names the v3 folder path.
    assert!(report["collection"]["info"]["schema"].as_str().unwrap().contains("v2.1.0"));
    assert_eq!(report["collection"]["info"]["name"], "Everything v3");
    let junit = std::fs::read_to_string(dir.path().join("r.xml")).unwrap();
    assert!(junit.contains("Auth / Deeper level / three levels"), "{junit}");
    // Environment secrets and vault values never reach a report or the terminal.
    let everything = format!("{}{}{}", r.all(), std::fs::read_to_string(dir.path().join("r.json")).unwrap(), junit);
    for secret in ["s3cr3t-v3-value", "vault-api-key-value"] {
        assert!(!everything.contains(secret), "{secret} leaked");
    }
    let sent = api.requests();
    let apikey = sent.iter().find(|q| q.path == "/anything/auth/apikey-header").unwrap();
    assert_eq!(apikey.header("x-api-key"), Some("vault-api-key-value"));
}

#[test]
fn vault_values_come_from_the_environment_and_missing_ones_warn() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let mut cmd = postie(dir.path());
    let hw = fixture("v3/handwritten");
    cmd.arg("run").arg(hw.join("Everything")).arg("-e").arg(hw.join("environments/Local.environment.yaml"));
    cmd.arg("-g").arg(hw.join("environments/workspace.globals.yml"));
    cmd.arg("--env-var").arg(base(&api)).arg("--working-dir").arg(fixture(""));
    cmd.env("POSTIE_VAULT_API_KEY", "vault-api-key-value").args(["--folder", "apikey header"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(!r.all().contains("vault-api-key-value"));

    let (r, _) = handwritten(dir.path(), &api, &["--folder", "apikey header"]);
    assert_eq!(r.code, 1, "without a value the header is sent as written: {}", r.all());
    assert!(r.all().contains("{{vault:api-key}} has no value"), "{}", r.all());
    assert!(r.all().contains("POSTIE_VAULT_API_KEY"), "{}", r.all());
}

fn v3_corpus() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(fixture("corpus-v3/collections")).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    dirs
}

/// The repository's environment and globals files, when it published some.
fn corpus_inputs(collection: &Path) -> Vec<String> {
    let name = collection.file_name().unwrap().to_string_lossy().into_owned();
    let repo: Vec<&str> = name.split("__").take(2).collect();
    let envs = fixture("corpus-v3/environments").join(repo.join("__"));
    let first = |sub: &str| -> Option<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(envs.join(sub)).ok()?.map(|e| e.unwrap().path()).collect();
        files.sort();
        files.into_iter().next()
    };
    let mut out = Vec::new();
    if let Some(env) = first("environments") {
        out.extend(["-e".to_string(), env.display().to_string()]);
    }
    if let Some(globals) = first("globals") {
        out.extend(["-g".to_string(), globals.display().to_string()]);
    }
    out
}

#[test]
fn the_real_v3_corpus_loads_and_runs_to_the_end_with_valid_reports() {
    let proxy = postie::testkit::RecordingProxy::start_blocking();
    let dirs = v3_corpus();
    assert_eq!(dirs.len(), 19);
    let mut problems = Vec::new();
    for collection in &dirs {
        let name = collection.file_name().unwrap().to_string_lossy().into_owned();
        let dir = tempdir();
        let mut cmd = postie(dir.path());
        cmd.arg("run").arg(collection).args(corpus_inputs(collection));
        cmd.args(["--proxy", &proxy.url(), "--timeout", "30000", "--timeout-request", "2000"]);
        cmd.args(["--timeout-script", "2000", "-r", "cli,json,junit"]);
        cmd.args(["--reporter-json-export", "r.json", "--reporter-junit-export", "r.xml"]);
        let r = run(cmd);
        if r.code != 0 && r.code != 1 {
            problems.push(format!("{name}: exit {}: {}", r.code, r.stderr));
        }
        if r.all().contains("panicked") {
            problems.push(format!("{name}: panicked"));
        }
        let requests = walk_count(collection);
        match std::fs::read_to_string(dir.path().join("r.json")).map(|t| serde_json::from_str::<Value>(&t)) {
            Ok(Ok(v)) if v["run"]["executions"].as_array().is_some_and(|e| e.len() == requests) => {}
            Ok(Ok(v)) => problems.push(format!(
                "{name}: {} executions for {requests} request files",
                v["run"]["executions"].as_array().map_or(0, Vec::len)
            )),
            other => problems.push(format!("{name}: bad JSON report: {other:?}")),
        }
        if !std::fs::read_to_string(dir.path().join("r.xml")).is_ok_and(|x| x.contains("</testsuites>")) {
            problems.push(format!("{name}: no complete JUnit report"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Request files of a tree, outside `.resources` (each runs once).
fn walk_count(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                if name.ends_with(".resources") { 0 } else { walk_count(&p) }
            } else {
                usize::from(name.ends_with(".request.yaml") || name.ends_with(".request.yml"))
            }
        })
        .sum()
}

#[test]
fn every_corpus_tree_converts_to_v21_and_back_to_the_same_run() {
    for collection in v3_corpus() {
        let what = collection.display().to_string();
        let from_v3 = v3::load_dir(&collection, false).unwrap_or_else(|e| panic!("{what}: {e}"));
        let dir = tempdir();
        let json = dir.path().join("c.json");
        std::fs::write(&json, from_v3.raw.value().to_string()).unwrap();
        let v21 = Source::V2File(json).load(false).unwrap();
        assert_same(&fingerprint(&from_v3), &fingerprint(&v21), &format!("{what}: v3 → v2.1"));
        let (files, _) = v3::render(&v21);
        v3::write(&dir.path().join("v3"), &files).unwrap();
        let again = v3::load_dir(&dir.path().join("v3"), false).unwrap();
        assert_same(&fingerprint(&from_v3), &fingerprint(&again), &format!("{what}: v3 → v2.1 → v3"));
    }
}

#[test]
fn a_directory_of_several_collections_asks_for_one_or_runs_all_with_one_report_each() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let project = dir.path().join("postman/collections");
    for name in ["Orders", "Users"] {
        let root = project.join(name);
        std::fs::create_dir_all(root.join(".resources")).unwrap();
        std::fs::write(root.join(".resources/definition.yaml"), format!("$kind: collection\nname: {name}\n")).unwrap();
        std::fs::write(
            root.join("list.request.yaml"),
            format!("$kind: http-request\nurl: '{{{{base}}}}/get?c={name}'\nscripts:\n  - type: afterResponse\n    code: pm.test('ok', () => pm.response.to.have.status(200));\n"),
        )
        .unwrap();
    }
    for target in [dir.path().join("postman/collections"), dir.path().to_path_buf()] {
        let mut cmd = postie(dir.path());
        cmd.arg("run").arg(&target).arg("--env-var").arg(base(&api));
        let r = run(cmd);
        assert_eq!(r.code, 2, "{}", r.all());
        assert!(r.stderr.contains("holds 2 collections"), "{}", r.stderr);
        assert!(r.stderr.contains("Orders") && r.stderr.contains("Users"), "{}", r.stderr);
        assert!(r.stderr.contains("--all-collections"), "{}", r.stderr);
    }
    assert!(api.requests().is_empty(), "nothing is sent before the choice");
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(&project).arg("--all-collections").arg("--env-var").arg(base(&api));
    cmd.args(["-r", "json,junit", "--reporter-json-export", "out/r.json", "--reporter-junit-export", "out/r.xml"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    let sent: Vec<String> = api.requests().iter().map(|q| q.query.clone()).collect();
    assert_eq!(sent, ["c=Orders", "c=Users"]);
    for name in ["Orders", "Users"] {
        let report = read_json(&dir.path().join(format!("out/r-{name}.json")));
        assert_eq!(report["collection"]["info"]["name"], name);
        assert!(dir.path().join(format!("out/r-{name}.xml")).is_file());
    }
    // A collection named by its definition file runs too.
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(project.join("Users/.resources/definition.yaml")).arg("--env-var").arg(base(&api));
    assert_eq!(run(cmd).code, 0);
}

#[test]
fn bad_v3_input_names_the_file_and_the_place_and_exits_2_before_any_request() {
    let request = |extra: &str| format!("$kind: http-request\nurl: '{{{{base}}}}/get'\n{extra}");
    // (files to write, extra flags, what the message must say)
    type Case<'a> = (Vec<(&'a str, String)>, Vec<&'a str>, Vec<&'a str>);
    let cases: Vec<Case<'_>> = vec![
        (
            vec![("a.request.yaml", "$kind: http-request\nurl: {{base}}/get\n".into())],
            vec![],
            vec!["a.request.yaml:2:", "not valid YAML", "must be quoted"],
        ),
        (vec![("a.request.yaml", "url: 'http://x'\n".into())], vec![], vec!["a.request.yaml", "has no `$kind`"]),
        (
            vec![("a.request.yaml", "$kind: http-request\nurl: {{base}}\n".into())],
            vec![],
            vec!["a.request.yaml", "`url`", "must be quoted"],
        ),
        (
            vec![("a.request.yaml", request("order: '1000'\n"))],
            vec![],
            vec!["a.request.yaml", "`order`", "expected a number"],
        ),
        (
            vec![("a.request.yaml", request("scripts:\n  type: afterResponse\n"))],
            vec![],
            vec!["a.request.yaml", "`scripts`", "is a mapping, expected a list"],
        ),
        (vec![("a.request.yaml", request("headers: 5\n"))], vec![], vec!["a.request.yaml", "`headers`", "is a number"]),
        (
            vec![("a.request.yaml", request("body:\n  content: '{}'\n"))],
            vec![],
            vec!["a.request.yaml", "`body`", "has no `type`"],
        ),
        (
            vec![("a.request.yaml", request("body:\n  type: soap\n"))],
            vec![],
            vec!["`body.type`", "`soap` is not a body type"],
        ),
        (
            vec![("a.request.yaml", request("")), ("A.request.yaml", request(""))],
            vec![],
            vec!["differ only in letter case"],
        ),
        (
            vec![("a.request.yaml", request("")), ("a.request.yml", request(""))],
            vec![],
            vec!["differ only in letter case (or in .yaml/.yml)"],
        ),
        (vec![("a.request.yaml", "$kind: http-example\n".into())], vec![], vec!["`http-example` is an example kind"]),
        (
            vec![("a.request.yaml", request("header:\n  X: 1\n"))],
            vec!["--strict"],
            vec!["unknown key `header`", "did you mean `headers`", "--strict"],
        ),
        (
            vec![("a.request.yaml", request("settings:\n  protocolVersion: h3\n"))],
            vec![],
            vec!["`settings.protocolVersion`", "auto, http1, http2"],
        ),
        (
            vec![(".resources/definition.yaml", "$kind: folder\n".into()), ("a.request.yaml", request(""))],
            vec![],
            vec!["definition.yaml", "`$kind: collection`"],
        ),
        (
            vec![("a.request.yaml", request("")), ("b.request.yaml", "x: [1\n".into())],
            vec![],
            vec!["b.request.yaml:", "not valid YAML"],
        ),
    ];
    let api = EchoServer::start_blocking();
    api.allow_no_hits();
    for (files, flags, expected) in cases {
        let dir = tempdir();
        let root = dir.path().join("C");
        for (name, text) in &files {
            let path = root.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let mut cmd = postie(dir.path());
        cmd.arg("run").arg(&root).arg("--env-var").arg(base(&api)).args(&flags);
        let r = run(cmd);
        assert_eq!(r.code, 2, "{files:?}: {}", r.all());
        for e in &expected {
            assert!(r.stderr.contains(e), "{files:?}: expected {e:?} in: {}", r.stderr);
        }
        assert!(!r.all().contains("panicked"));
    }
    // A v3 environment file with a YAML error names its line and column.
    let dir = tempdir();
    std::fs::create_dir_all(dir.path().join("C")).unwrap();
    std::fs::write(dir.path().join("C/a.request.yaml"), request("")).unwrap();
    std::fs::write(dir.path().join("Bad.environment.yaml"), "name: Bad\nvalues:\n  - key: x\n    value: 'unclosed\n")
        .unwrap();
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(dir.path().join("C")).args(["-e", "Bad.environment.yaml"]);
    let r = run(cmd);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stderr.contains("Bad.environment.yaml is not valid YAML at line"), "{}", r.stderr);
    std::fs::write(dir.path().join("Bad.environment.yaml"), "name: Bad\nvalues:\n  - key: x\n    value: {{y}}\n")
        .unwrap();
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(dir.path().join("C")).args(["-e", "Bad.environment.yaml"]);
    let r = run(cmd);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stderr.contains("`values[0].value` is an unquoted {{variable}}"), "{}", r.stderr);
    assert!(api.requests().is_empty(), "no request is sent when a file is invalid");
}

#[test]
fn lenient_cases_warn_and_run() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let root = dir.path().join("C");
    std::fs::create_dir_all(root.join(".resources/x.resources")).unwrap();
    std::fs::create_dir_all(root.join("assets")).unwrap();
    std::fs::write(root.join("assets/logo.txt"), "not a request").unwrap();
    std::fs::write(root.join("a.request.yaml"), "$kind: http-request\nurl: '{{base}}/get'\nheader:\n  X: 1\n").unwrap();
    std::fs::write(root.join(".resources/x.resources/stray.request.yaml"), "$kind: http-request\nurl: '{{base}}/x'\n")
        .unwrap();
    std::fs::write(root.join("ws.request.yaml"), "$kind: websocket-request\nurl: 'ws://x'\n").unwrap();
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(&root).arg("--env-var").arg(base(&api));
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.all().contains("unknown key `header`; did you mean `headers`?"), "{}", r.all());
    assert!(r.all().contains("stray.request.yaml: ignored"), "{}", r.all());
    assert!(r.all().contains("`$kind: websocket-request` requests are not run"), "{}", r.all());
    assert_eq!(api.requests().len(), 1);
    // One YAML file is not a collection: the message says which directory to pass.
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(root.join("a.request.yaml"));
    let r = run(cmd);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("a v3 collection is a directory"), "{}", r.stderr);
    let _ = locate(&root).unwrap();
}

#[test]
fn a_folder_of_a_collection_runs_inside_its_collection() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let hw = fixture("v3/handwritten");
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(hw.join("Everything/Auth/Deeper")).arg("-e").arg(hw.join("environments/Local.environment.yaml"));
    cmd.arg("--env-var").arg(base(&api)).args(["-r", "json", "--reporter-json-export", "r.json"]);
    let r = run(cmd);
    // Its assertions need the collection's and the Auth folder's scripts and auth.
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        r.stderr.contains("running folder") && r.stderr.contains("Auth/Deeper of the v3 collection"),
        "{}",
        r.stderr
    );
    let report = read_json(&dir.path().join("r.json"));
    let names: Vec<&str> =
        report["run"]["executions"].as_array().unwrap().iter().map(|e| e["item"]["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["three levels"]);
}

#[test]
fn native_git_layouts_folder_only_collections_and_exact_folder_selection() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let collections = dir.path().join("postman/collections");
    let write = |rel: &str, text: &str| {
        let path = collections.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    // "Shop" has no definition and only folders; two folders are both named Admin.
    let request = |tag: &str| {
        format!(
            "$kind: http-request\nurl: '{{{{base}}}}/anything/{tag}'\nscripts:\n  - type: afterResponse\n    code: pm.test('{tag}', () => pm.response.to.have.status(200));\n"
        )
    };
    write("Shop/Orders/Admin/list.request.yaml", &request("orders-admin"));
    write("Shop/Users/Admin/list.request.yaml", &request("users-admin"));
    write("Other/.resources/definition.yaml", "$kind: collection\n");
    write("Other/x.request.yaml", &request("other"));
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(&collections).arg("--env-var").arg(base(&api));
    let r = run(cmd);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stderr.contains("holds 2 collections") && r.stderr.contains("Shop"), "{}", r.stderr);
    // The folder Orders/Admin, not Users/Admin.
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(collections.join("Shop/Orders/Admin")).arg("--env-var").arg(base(&api));
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    let sent: Vec<String> = api.requests().iter().map(|q| q.path.clone()).collect();
    assert_eq!(sent, ["/anything/orders-admin"]);
    // The folder-only collection as a whole.
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(collections.join("Shop")).arg("--env-var").arg(base(&api));
    assert_eq!(run(cmd).code, 0);
    assert_eq!(api.requests().len(), 3);
}

#[test]
fn convert_keeps_secret_variables_and_query_params_disagreeing_with_the_url_warn() {
    let dir = tempdir();
    let v21 = json!({"info": {"name": "s", "schema": postie::collection::v3::V21_SCHEMA},
        "variable": [{"key": "pw", "value": "S3cr3t-in-variable", "type": "secret"}, {"key": "plain", "value": "x"}],
        "item": [{"name": "a", "request": "http://127.0.0.1:9/x"}]});
    std::fs::write(dir.path().join("c.json"), v21.to_string()).unwrap();
    let mut cmd = postie(dir.path());
    cmd.args(["convert", "c.json", "--to", "v3", "out"]);
    assert_eq!(run(cmd).code, 0);
    let back = v3::load_dir(&dir.path().join("out"), true).unwrap();
    assert!(back.raw.value()["variable"][0]["type"] == "secret", "{}", back.raw.value());
    assert!(back.raw.value()["variable"][1].get("type").is_none());
    let root = dir.path().join("Q");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("a.request.yaml"),
        "$kind: http-request\nurl: 'http://h/pets?dryRun=1'\nqueryParams:\n  - key: limit\n    value: '10'\n  - key: dryRun\n    value: '1'\n    disabled: true\n",
    )
    .unwrap();
    let loaded = v3::load_dir(&root, false).unwrap();
    let warnings = loaded.warnings.join("\n");
    assert!(warnings.contains("queryParams `limit` is enabled but not in `url`"), "{warnings}");
    assert!(warnings.contains("queryParams `dryRun` is disabled but `url` has it"), "{warnings}");
}
