//! Redirects and cookies as Newman 6.2.2 has them: `fixtures/redirects.postman_collection.json`
//! run against the echo API with `--cookie-jar`, compared hop by hop (method, URL, Cookie,
//! Referer, Authorization, Host, body) with what Newman sent to the same server for the
//! same collection, and its failures, assertions and exported jar
//! (`redirects.newman-expected.json`, recorded once with the `serve` example).

mod common;

use common::wire::{header, normalise};
use common::{fixture, postie, run, tempdir};
use postie::testkit::{EchoServer, Recorded};
use serde_json::{Value, json};

/// One hop as the expected file keeps it, the echo API's port written `PORT`.
fn hop(r: &Recorded, port: &str) -> Value {
    let mut out = normalise(r);
    let mask = |v: Option<&str>| json!(v.map(|v| v.replace(port, "PORT")));
    out["query"] = mask(Some(&r.query));
    for name in ["host", "cookie", "referer", "authorization"] {
        out[name] = mask(header(r, name));
    }
    out
}

fn expected() -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture("redirects.newman-expected.json")).unwrap()).unwrap()
}

#[test]
fn redirects_and_cookies_hop_as_newman_sends_them() {
    let expected = expected();
    let api = EchoServer::start_blocking();
    let base = api.url("").trim_end_matches('/').to_string();
    let port = base.rsplit(':').next().unwrap().to_string();
    let dir = tempdir();
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(fixture("redirects.postman_collection.json"));
    cmd.arg("--working-dir").arg(fixture(""));
    cmd.arg("--cookie-jar").arg(fixture("cookie-jar.json"));
    cmd.args(["--export-cookie-jar", "jar.json"]);
    cmd.arg("--env-var").arg(format!("base={base}"));
    cmd.arg("--env-var").arg(format!("other=http://localhost:{port}"));
    cmd.args(["-r", "cli,json", "--reporter-json-export", "r.json", "--reporter-no-redact"]);
    let r = run(cmd);
    assert_eq!(r.code, 1, "the two redirect chains that are too long fail: {}", r.all());

    let sent: Vec<Value> = api.requests().iter().map(|q| hop(q, &port)).collect();
    let newman = expected["requests"].as_array().unwrap();
    for (n, p) in newman.iter().zip(&sent) {
        assert_eq!(p, n, "hop `{} {}?{}` differs from Newman's", n["method"], n["path"], n["query"]);
    }
    assert_eq!(sent.len(), newman.len(), "as many hops reached the server as from Newman");

    let report: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    let failures: Vec<Value> = report["run"]["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let message = f["error"]["message"].as_str().unwrap_or("").replace(&port, "PORT");
            json!({ "item": f["source"]["name"], "message": message })
        })
        .collect();
    assert_eq!(Value::Array(failures), expected["failures"]);
    let mut assertions = Vec::new();
    for e in report["run"]["executions"].as_array().unwrap() {
        for a in e["assertions"].as_array().into_iter().flatten() {
            assertions.push(
                json!({ "item": e["item"]["name"], "assertion": a["assertion"], "passed": a.get("error").is_none() }),
            );
        }
    }
    assert_eq!(Value::Array(assertions), expected["assertions"]);

    // The exported jar: Newman's cookies with Newman's fields, in Newman's order.
    let jar: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("jar.json")).unwrap()).unwrap();
    let cookies: Vec<Value> = jar["cookies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let mut c = c.clone();
            for key in ["creation", "lastAccessed", "expires"] {
                c.as_object_mut().unwrap().remove(key);
            }
            c
        })
        .collect();
    assert_eq!(Value::Array(cookies), expected["jar"]["cookies"]);
    assert_eq!(jar["version"], expected["jar"]["version"]);
    assert_eq!(jar["cookies"][0]["creation"], "2026-01-01T00:00:00.000Z", "a loaded cookie keeps its creation time");
}

#[test]
fn a_request_that_follows_redirects_wins_over_ignore_redirects_as_in_newman() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let base = api.url("").trim_end_matches('/').to_string();
    let collection = json!({
        "info": { "name": "ignore", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
        "item": [
            { "name": "run's setting", "request": format!("{base}/redirect/1") },
            { "name": "own setting", "protocolProfileBehavior": { "followRedirects": true },
              "request": format!("{base}/redirect/1") }
        ]
    });
    std::fs::write(dir.path().join("c.json"), collection.to_string()).unwrap();
    let mut cmd = postie(dir.path());
    cmd.args(["run", "c.json", "--ignore-redirects"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    let paths: Vec<String> = api.requests().iter().map(|q| q.path.clone()).collect();
    assert_eq!(paths, ["/redirect/1", "/redirect/1", "/get"]);
}

#[test]
fn a_jar_that_cannot_be_read_is_exit_2_before_any_request() {
    let api = EchoServer::start_blocking();
    api.allow_no_hits();
    let dir = tempdir();
    std::fs::write(dir.path().join("jar.json"), r#"{"cookies": [{"value": "v", "domain": "h"}]}"#).unwrap();
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(fixture("redirects.postman_collection.json"));
    cmd.arg("--env-var").arg(format!("base={}", api.url("").trim_end_matches('/')));
    cmd.args(["--cookie-jar", "jar.json"]);
    let r = run(cmd);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stderr.contains("--cookie-jar jar.json cookie 0: has no \"key\""), "{}", r.stderr);
    assert!(api.requests().is_empty());
}

/// `pm.cookies.jar()` on the run's jar: answers and callback order as Newman 6.2.2 gave them
/// for the same script (callbacks after the script's own lines, a missing callback a
/// TypeError), and its changes seen by the next request.
#[test]
fn scripts_read_and_change_the_jar_as_in_newman() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let base = api.url("").trim_end_matches('/').to_string();
    let script = format!(
        "const jar = pm.cookies.jar(); const u = '{base}';
        console.log('sync first');
        jar.set(u + '/p', 'made', 'here', (err, c) => {{ console.log('set', err, JSON.stringify(c));
          jar.get(u + '/p/x', 'made', (err, v) => {{ console.log('get', err, v);
            jar.getAll(u + '/p/x', (err, list) => {{ console.log('all', err, JSON.stringify(list.toObject()), list.count());
              jar.set(u + '/', {{name: 'obj', value: 'o', path: '/', httpOnly: true}}, (err, c) => {{
                console.log('obj', err, c.name, c.path, c.httpOnly, c.hostOnly);
                jar.unset(u + '/p', 'made', (err, r) => {{ console.log('unset', err, r);
                  jar.get(u + '/p', 'made', (err, v) => {{ console.log('after unset', err, v);
                    pm.test('inside callbacks', () => pm.expect(v).to.eql(null));
                    jar.clear(u + '/', (err, r) => console.log('clear', err, r));
                  }}); }}); }}); }}); }}); }});
        try {{ jar.get(u, 'x'); }} catch (e) {{ console.log(e.name, e.message); }}
        console.log('sync last');"
    );
    let collection = json!({
        "info": { "name": "jar", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
        "item": [
            { "name": "one", "request": format!("{base}/cookies/set?a=1"),
              "event": [{ "listen": "test", "script": { "exec": [script] } }] },
            { "name": "two", "request": format!("{base}/anything/later"),
              "event": [{ "listen": "test", "script": { "exec": [
                  "pm.test('the cleared jar sends nothing', () => { pm.expect(pm.cookies.count()).to.eql(0); pm.expect(pm.response.json().headers.cookie).to.eql(undefined); });"
              ] } }] }
        ]
    });
    std::fs::write(dir.path().join("c.json"), collection.to_string()).unwrap();
    let mut cmd = postie(dir.path());
    cmd.args(["run", "c.json", "-r", "json", "--reporter-json-export", "r.json"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    let report: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    let console: Vec<String> = report["run"]["executions"][0]["console"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].as_str().unwrap_or_default().to_string())
        .collect();
    let created = r#"{"name":"made","expires":null,"maxAge":0,"domain":"127.0.0.1","path":"/","secure":false,"httpOnly":false,"hostOnly":true,"value":"here"}"#;
    assert_eq!(
        console,
        [
            "sync first".to_string(),
            "TypeError CookieJar.get() requires a callback function".into(),
            "sync last".into(),
            format!("set null {created}"),
            "get null here".into(),
            r#"all null {"a":"1","made":"here"} 2"#.into(),
            "obj null obj / true true".into(),
            "unset null undefined".into(),
            "after unset null null".into(),
            "clear null undefined".into(),
        ]
    );
    // `clear` on `/` took every cookie of path `/` (`/cookies/set` gives `a` that path).
    assert_eq!(report["run"]["stats"]["assertions"]["failed"], 0);
    assert_eq!(report["run"]["stats"]["assertions"]["total"], 2);
}
