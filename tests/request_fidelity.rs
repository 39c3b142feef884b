//! Requests on the wire as Newman sends them: `fixtures/request-fidelity.postman_collection.json`
//! run against the echo API, compared part by part with what Newman 6.2.2 sent to the same
//! server for the same collection (`request-fidelity.newman-expected.json`, recorded once
//! with the `serve` example; multipart boundaries, which are random, left out).

mod common;

use common::wire::normalise;
use common::{fixture, postie, run, run_collection, tempdir};
use postie::testkit::EchoServer;
use serde_json::{Value, json};

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

/// A server that answers every request with `status_line` and a small JSON body.
fn one_line_server(status_line: &'static str) -> (String, std::thread::JoinHandle<()>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let body = "{}";
            let answer = format!(
                "{status_line}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    (url, handle)
}

#[test]
fn the_servers_own_reason_phrase_is_shown_and_scripted() {
    let (url, server) = one_line_server("HTTP/1.1 404 NOT FOUND");
    let dir = tempdir();
    let collection = json!({
        "info": { "name": "reason", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
        "item": [{ "name": "missing", "request": format!("{url}/x"), "event": [{ "listen": "test", "script": { "exec": [
            "pm.test('status text', () => pm.expect(pm.response.status).to.equal('NOT FOUND'));",
            "pm.test('legacy name', () => pm.expect(responseCode.name).to.equal('NOT FOUND'));"
        ] } }] }]
    });
    std::fs::write(dir.path().join("c.json"), collection.to_string()).unwrap();
    let mut cmd = postie(dir.path());
    cmd.args(["run", "c.json", "-r", "cli,json", "--reporter-json-export", "r.json"]);
    let r = run(cmd);
    server.join().unwrap();
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stdout.contains("[404 NOT FOUND,"), "{}", r.stdout);
    let report: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(report["run"]["executions"][0]["response"]["status"], "NOT FOUND");
}

/// Inputs Newman 6.2.2 accepts: a UTF-16 collection (little-endian, with its mark), a
/// UTF-16 big-endian environment, and CSV rows with fewer or more values than the header
/// (missing columns left out, extra values dropped), each with a note.
#[test]
fn utf16_files_and_uneven_csv_rows_are_read_as_newman_reads_them() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let utf16 = |text: &str, little: bool| -> Vec<u8> {
        let mut out = if little { vec![0xff, 0xfe] } else { vec![0xfe, 0xff] };
        for unit in text.encode_utf16() {
            out.extend(if little { unit.to_le_bytes() } else { unit.to_be_bytes() });
        }
        out
    };
    let collection = json!({
        "info": { "name": "inputs", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
        "item": [{ "name": "r", "request": format!("{}?env={{{{e}}}}&a={{{{a}}}}&b={{{{b}}}}", api.url("/get")) }]
    });
    std::fs::write(dir.path().join("c.json"), utf16(&collection.to_string(), true)).unwrap();
    std::fs::write(dir.path().join("e.json"), utf16(r#"{"values":[{"key":"e","value":"é"}]}"#, false)).unwrap();
    std::fs::write(dir.path().join("d.csv"), "a,b\n1\n2,3,4\n").unwrap();
    let mut cmd = postie(dir.path());
    cmd.args(["run", "c.json", "-e", "e.json", "-d", "d.csv"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    let queries: Vec<String> = api.requests().iter().map(|q| q.query.clone()).collect();
    assert_eq!(queries.len(), 2, "{queries:?}");
    assert!(queries[0].starts_with("env=%C3%A9&a=1&b="), "{}", queries[0]);
    assert_eq!(queries[1], "env=%C3%A9&a=2&b=3");
    assert!(r.all().contains("c.json is UTF-16"), "{}", r.all());
    assert!(r.all().contains("row 1 (line 2) has 1 value but the header row has 2 columns"), "{}", r.all());
}

/// `--no-insecure-file-read` (Newman 6.2.2's words for what it refuses): body files outside
/// the working folder are left out with a warning; inside it they are sent.
#[test]
fn no_insecure_file_read_keeps_body_files_inside_the_working_folder() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(dir.path().join("outside.txt"), "outside").unwrap();
    std::fs::write(work.join("inside.txt"), "inside").unwrap();
    let outside = dir.path().join("outside.txt");
    let collection = json!({
        "info": { "name": "files", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
        "item": [
            { "name": "up", "request": { "method": "POST", "url": api.url("/post?c=1"), "body": { "mode": "file", "file": { "src": "../outside.txt" } } } },
            { "name": "abs", "request": { "method": "POST", "url": api.url("/post?c=2"),
              "body": { "mode": "formdata", "formdata": [{ "key": "f", "type": "file", "src": outside.to_str().unwrap() }] } } },
            { "name": "in", "request": { "method": "POST", "url": api.url("/post?c=3"), "body": { "mode": "file", "file": { "src": "inside.txt" } } } }
        ]
    });
    std::fs::write(dir.path().join("c.json"), collection.to_string()).unwrap();
    let mut cmd = postie(dir.path());
    cmd.args(["run", "c.json", "--working-dir", "work", "--no-insecure-file-read"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    let bodies: Vec<String> = api.requests().iter().map(|q| String::from_utf8_lossy(&q.body).into_owned()).collect();
    assert_eq!(bodies[0], "", "the file above the working folder is not read");
    assert!(!bodies[1].contains("outside"), "{}", bodies[1]);
    assert_eq!(bodies[2], "inside");
    assert!(
        r.all().contains("Binary file load error: PPERM: insecure file access outside working directory"),
        "{}",
        r.all()
    );
    assert!(r.all().contains("Form param `f`, file load error: PPERM: insecure file access outside working directory"));
    // without the flag both are read, as by Newman
    let mut cmd = postie(dir.path());
    cmd.args(["run", "c.json", "--working-dir", "work"]);
    assert_eq!(run(cmd).code, 0);
    assert_eq!(String::from_utf8_lossy(&api.requests()[3].body), "outside");
}

/// Requests scripts send (`pm.sendRequest`) are requests of the run, as Newman 6.2.2 counts
/// them: in `run.stats.requests` and `run.transfers`, a line each in the CLI, and one that
/// gets no response is a failure of the run (Newman: 3 requests for the first collection
/// below; 2 requests, 2 failed and exit 1 for the second).
#[test]
fn requests_sent_by_scripts_count_as_in_newman() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let base = api.url("").trim_end_matches('/').to_string();
    let collection = json!({
        "info": { "name": "sr", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
        "item": [
            { "name": "with send", "request": format!("{base}/get?main=1"), "event": [{ "listen": "test", "script": { "exec": [
                format!("pm.sendRequest('{base}/get?side=1', (e, r) => pm.test('side ok', () => pm.expect(r.code).to.eql(200)));"),
                "pm.test('main ok', () => pm.response.to.have.status(200));",
                // Newman's test-time request lists the Host header it sent.
                format!("pm.test('host', () => {{ pm.request.to.have.header('host'); pm.expect(pm.request.headers.get('Host')).to.eql('{}'); }});", base.trim_start_matches("http://"))
            ] } }] },
            { "name": "plain", "request": format!("{base}/get?p=1") }
        ]
    });
    std::fs::write(dir.path().join("c.json"), collection.to_string()).unwrap();
    let mut cmd = postie(dir.path());
    cmd.args(["run", "c.json", "-r", "cli,json", "--reporter-json-export", "r.json"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    let report: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(report["run"]["stats"]["requests"], json!({ "total": 3, "pending": 0, "failed": 0 }));
    assert_eq!(report["run"]["stats"]["assertions"], json!({ "total": 3, "pending": 0, "failed": 0 }));
    let side = &report["run"]["executions"][0]["sideRequests"][0];
    assert_eq!((side["method"].as_str(), side["code"].as_u64()), (Some("GET"), Some(200)), "{side}");
    assert!(side["url"].as_str().unwrap().ends_with("/get?side=1"));
    let sizes: u64 = report["run"]["executions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["response"]["responseSize"].as_u64().unwrap() + e["sideRequests"][0]["responseSize"].as_u64().unwrap_or(0)
        })
        .sum();
    assert_eq!(report["run"]["transfers"]["responseTotal"], sizes);
    let lines: Vec<&str> = r.stdout.lines().filter(|l| l.trim_start().starts_with("GET ")).collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert!(lines[1].contains("/get?side=1 [200 OK"), "{lines:?}");

    let failing = json!({
        "info": { "name": "sr2", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
        "item": [{ "name": "with bad send", "request": "http://127.0.0.1:9/x", "event": [{ "listen": "prerequest", "script": { "exec": [
            "pm.sendRequest('http://127.0.0.1:9/side', (e, r) => console.log('code', e && e.code));"
        ] } }] }]
    });
    std::fs::write(dir.path().join("c2.json"), failing.to_string()).unwrap();
    let mut cmd = postie(dir.path());
    cmd.args(["run", "c2.json", "-r", "cli,json", "--reporter-json-export", "r2.json"]);
    let r = run(cmd);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stdout.contains("GET http://127.0.0.1:9/side [errored]"), "{}", r.stdout);
    assert!(r.stdout.contains("code ECONNREFUSED"), "the callback's error has Node's code: {}", r.stdout);
    let report: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("r2.json")).unwrap()).unwrap();
    assert_eq!(report["run"]["stats"]["requests"], json!({ "total": 2, "pending": 0, "failed": 2 }));
    assert_eq!(report["run"]["failures"].as_array().unwrap().len(), 2);
}

/// A password written in a URL is a credential: it is masked in the CLI, JSON and JUnit
/// reports, for the item's request and for one a script sends.
#[test]
fn passwords_in_urls_never_reach_reports() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let base = api.url("").trim_end_matches('/').trim_start_matches("http://").to_string();
    let collection = json!({
        "info": { "name": "pw", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
        "item": [{ "name": "with password", "request": format!("http://ada:Item-S3cret@{base}/get"),
            "event": [{ "listen": "test", "script": { "exec": [
                format!("pm.sendRequest('http://bob:Side-S3cret@{base}/get', () => {{}});")
            ] } }] }]
    });
    std::fs::write(dir.path().join("c.json"), collection.to_string()).unwrap();
    let mut cmd = postie(dir.path());
    cmd.args(["run", "c.json", "-r", "cli,json,junit", "--reporter-json-export", "r.json"]);
    cmd.args(["--reporter-junit-export", "r.xml"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    let json = std::fs::read_to_string(dir.path().join("r.json")).unwrap();
    let xml = std::fs::read_to_string(dir.path().join("r.xml")).unwrap();
    for secret in ["Item-S3cret", "Side-S3cret"] {
        for (name, text) in [("output", r.all()), ("json", json.clone()), ("junit", xml.clone())] {
            let at = text.find(secret).map(|i| text[i.saturating_sub(120)..(i + 40).min(text.len())].to_string());
            assert!(at.is_none(), "{secret} in the {name}: {at:?}");
        }
    }
    assert!(json.contains("sideRequests"), "the script's request is in the report");
}

/// A form body's Content-Type and a file part that names no file, as Newman 6.2.2 sent them
/// to a local echo (recorded once): a request's Content-Type that does not fit a urlencoded
/// body becomes `application/x-www-form-urlencoded`, a form-data body always goes as
/// `multipart/form-data` with the client's boundary, and a file part without a file is an
/// empty part with `filename=""`.
#[test]
fn form_content_types_and_empty_file_parts_as_newman_sends_them() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let form = |name: &str, file: Value, content_type: Option<&str>| {
        let mut part = json!({"key": "file", "type": "file"});
        if !file.is_null() {
            part["src"] = file;
        }
        let header: Vec<Value> =
            content_type.map(|ct| json!({"key": "Content-Type", "value": ct})).into_iter().collect();
        json!({"name": name, "request": {"method": "POST", "url": api.url(&format!("/{name}")), "header": header,
            "body": {"mode": "formdata", "formdata": [{"key": "t", "value": "v", "type": "text"}, part]}}})
    };
    let urlencoded = |name: &str, content_type: &str| {
        json!({"name": name, "request": {"method": "POST", "url": api.url(&format!("/{name}")),
            "header": [{"key": "Content-Type", "value": content_type}],
            "body": {"mode": "urlencoded", "urlencoded": [{"key": "a", "value": "1"}]}}})
    };
    let collection = json!({
        "info": {"name": "forms", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [
            form("src-empty-array", json!([]), None),
            form("src-empty-string", json!(""), None),
            form("src-missing", Value::Null, None),
            form("ct-urlencoded", json!([]), Some("application/x-www-form-urlencoded")),
            form("ct-multipart-no-boundary", json!([]), Some("multipart/form-data")),
            urlencoded("u-json", "application/json"),
            urlencoded("u-charset", "application/x-www-form-urlencoded; charset=utf-8"),
            urlencoded("u-upper", "Application/X-WWW-FORM-URLENCODED"),
        ],
    });
    let r = run_collection(dir.path(), &collection, &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    let sent = api.requests();
    let empty_file = json!([
        {"name": "t", "filename": null, "contentType": null, "data": "v"},
        {"name": "file", "filename": "", "contentType": null, "data": ""},
    ]);
    for r in &sent[..5] {
        let content_types: Vec<&str> =
            r.headers.iter().filter(|(k, _)| k == "content-type").map(|(_, v)| v.as_str()).collect();
        assert_eq!(content_types.len(), 1, "{}: {content_types:?}", r.path);
        assert!(content_types[0].starts_with("multipart/form-data; boundary="), "{}: {content_types:?}", r.path);
        assert_eq!(normalise(r)["parts"], empty_file, "{}", r.path);
    }
    let types: Vec<Option<&str>> = sent[5..].iter().map(|r| common::wire::header(r, "content-type")).collect();
    assert_eq!(
        types,
        [
            Some("application/x-www-form-urlencoded"),
            Some("application/x-www-form-urlencoded; charset=utf-8"),
            Some("application/x-www-form-urlencoded"),
        ]
    );
}

/// Bearer and API-key blocks missing what they need, as Newman 6.2.2 sent them (recorded
/// once against a local echo): an empty token signs nothing (an unresolved one is sent as
/// written), an API key without a name adds no header, and in the query a missing name or
/// value leaves `=value` or the name alone.
#[test]
fn auth_blocks_missing_values_add_what_newman_adds() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let item = |name: &str, auth: Value| json!({"name": name, "request": {"method": "GET", "url": api.url(&format!("/{name}?a=1")), "auth": auth}});
    let apikey = |params: Value| json!({"type": "apikey", "apikey": params});
    let collection = json!({
        "info": {"name": "auth", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "variable": [{"key": "empty", "value": ""}],
        "item": [
            item("bearer-empty", json!({"type": "bearer", "bearer": [{"key": "token", "value": "{{empty}}"}]})),
            item("bearer-undefined", json!({"type": "bearer", "bearer": [{"key": "token", "value": "{{nope}}"}]})),
            item("bearer-none", json!({"type": "bearer"})),
            item("apikey-empty", apikey(json!([{"key": "key", "value": ""}, {"key": "value", "value": "{{empty}}"}]))),
            item("apikey-value-only", apikey(json!([{"key": "value", "value": "v"}]))),
            item("apikey-key-only", apikey(json!([{"key": "key", "value": "X-K"}]))),
            item("query-value-only", apikey(json!([{"key": "value", "value": "v"}, {"key": "in", "value": "query"}]))),
            item("query-key-only", apikey(json!([{"key": "key", "value": "k"}, {"key": "in", "value": "query"}]))),
        ],
    });
    let r = run_collection(dir.path(), &collection, &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    let seen: Vec<String> = api
        .requests()
        .iter()
        .map(|r| {
            let auth: Vec<String> = r
                .headers
                .iter()
                .filter(|(k, _)| k == "authorization" || k.starts_with("x-"))
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            format!("{}?{} {auth:?}", r.path, r.query)
        })
        .collect();
    assert_eq!(
        seen,
        [
            "/bearer-empty?a=1 []",
            "/bearer-undefined?a=1 [\"authorization: Bearer {{nope}}\"]",
            "/bearer-none?a=1 []",
            "/apikey-empty?a=1 []",
            "/apikey-value-only?a=1 []",
            "/apikey-key-only?a=1 [\"x-k: \"]",
            "/query-value-only?a=1&=v []",
            "/query-key-only?a=1&k []",
        ]
    );
}

/// Digest blocks that already hold the server's realm and nonce sign the first request, byte
/// for byte as Newman 6.2.2 did for the same blocks (recorded once against a local echo):
/// every algorithm, `qop=auth` and `auth-int` (over the body), `-sess`, opaque; a block
/// without a realm signs nothing up front.
#[test]
fn digest_blocks_with_realm_and_nonce_sign_as_newman_does() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let base = json!({"username": "postman", "password": "password", "realm": "Users", "nonce": "ni1LiL0O37PRRhofWdCLmwFsnEtH1lew"});
    let with = |extra: Value| {
        let mut block = base.clone();
        for (k, v) in extra.as_object().unwrap() {
            block[k] = v.clone();
        }
        block
    };
    let item = |name: &str, digest: Value| {
        json!({"name": name, "request": {"method": "POST", "url": api.url(&format!("/{name}?x=1")),
            "body": {"mode": "raw", "raw": "hello"}, "auth": {"type": "digest", "digest": digest}}})
    };
    let collection = json!({
        "info": {"name": "digest", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [
            item("md5", with(json!({"algorithm": "MD5"}))),
            item("noalg", with(json!({"algorithm": ""}))),
            item("sha256-qop", with(json!({"algorithm": "SHA-256", "qop": "auth", "nonceCount": "00000002", "clientNonce": "abcdefgh", "opaque": "op"}))),
            item("md5sess-authint", with(json!({"algorithm": "MD5-sess", "qop": "auth-int", "nonceCount": "00000001", "clientNonce": "xyz"}))),
            item("sha512-256", with(json!({"algorithm": "SHA-512-256"}))),
            item("norealm", json!({"username": "postman", "password": "password", "nonce": "n"})),
        ],
    });
    let _ = run_collection(dir.path(), &collection, &[]);
    let seen: Vec<Option<String>> =
        api.requests().iter().map(|r| common::wire::header(r, "authorization").map(str::to_string)).collect();
    let newman = [
        Some(
            r#"Digest username="postman", realm="Users", nonce="ni1LiL0O37PRRhofWdCLmwFsnEtH1lew", uri="/md5?x=1", algorithm="MD5", response="4ca825d10fc9eb95cb73a614e02195d3""#,
        ),
        Some(
            r#"Digest username="postman", realm="Users", nonce="ni1LiL0O37PRRhofWdCLmwFsnEtH1lew", uri="/noalg?x=1", algorithm="MD5", response="4c322e589c1a7a2bdba49abfb6fcf0e9""#,
        ),
        Some(
            r#"Digest username="postman", realm="Users", nonce="ni1LiL0O37PRRhofWdCLmwFsnEtH1lew", uri="/sha256-qop?x=1", algorithm="SHA-256", qop=auth, nc=00000002, cnonce="abcdefgh", response="775f5e2f3d18898a03be141dbe29eceff48b15ce62fcc69b3ce514194660f03b", opaque="op""#,
        ),
        Some(
            r#"Digest username="postman", realm="Users", nonce="ni1LiL0O37PRRhofWdCLmwFsnEtH1lew", uri="/md5sess-authint?x=1", algorithm="MD5-sess", qop=auth-int, nc=00000001, cnonce="xyz", response="c1b65046dec356bb639d1cf1a7d8fa32""#,
        ),
        Some(
            r#"Digest username="postman", realm="Users", nonce="ni1LiL0O37PRRhofWdCLmwFsnEtH1lew", uri="/sha512-256?x=1", algorithm="SHA-512-256", response="896d3f678f2133b6e0c7f4841c5f3b42eba4de8bb0c33581f8a54550bfea35b2""#,
        ),
        None,
    ];
    assert_eq!(seen, newman.map(|h| h.map(str::to_string)));
}

/// A digest challenge counts as Newman 6.2.2 counts it (checked once against a local server
/// that challenges): a request of its own in `run.stats.requests`, its response in the
/// timings and `run.transfers`, a line of its own before the answered request's.
#[test]
fn a_digest_challenge_counts_as_a_request_as_in_newman() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let collection = json!({
        "info": {"name": "digest", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{"name": "challenged", "request": {"method": "GET", "url": api.url("/digest-auth/auth/ada/dpw"),
            "auth": {"type": "digest", "digest": [{"key": "username", "value": "ada"}, {"key": "password", "value": "dpw"}]}}}],
    });
    let r = run_collection(dir.path(), &collection, &["-r", "cli,json", "--reporter-json-export", "r.json"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let report: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(report["run"]["stats"]["requests"]["total"], 2);
    let execution = &report["run"]["executions"][0];
    assert_eq!(execution["authChallenge"]["code"], 401);
    assert_eq!(execution["response"]["code"], 200);
    let challenge_bytes = execution["authChallenge"]["countedSize"].as_u64().unwrap();
    let response_bytes = execution["response"]["responseSize"].as_u64().unwrap();
    assert_eq!(report["run"]["transfers"]["responseTotal"].as_u64(), Some(challenge_bytes + response_bytes));
    let lines: Vec<&str> = r.stdout.lines().filter(|l| l.contains("/digest-auth/auth/ada/")).collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert!(lines[0].contains("[401 Unauthorized, "), "{lines:?}");
}

/// Credentials of a URL object go into the URL encoded and reach the server as Basic
/// authorization, and URL credentials give way to an auth block's header, as Newman 6.2.2
/// sent them (recorded once against a local echo).
#[test]
fn url_credentials_are_sent_as_newman_sends_them() {
    let api = EchoServer::start_blocking();
    let port = api.addr().port();
    let dir = tempdir();
    let object = |path: &str, auth: Value| json!({"protocol": "http", "auth": auth, "host": ["127", "0", "0", "1"], "port": port.to_string(), "path": [path]});
    let collection = json!({
        "info": {"name": "cred", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [
            {"name": "obj", "request": {"method": "GET", "url": object("obj", json!({"user": "us@r", "password": "p@ssword"}))}},
            {"name": "pw-only", "request": {"method": "GET", "url": object("pwonly", json!({"password": "p"}))}},
            {"name": "with-bearer", "request": {"method": "GET", "url": format!("http://a:b@127.0.0.1:{port}/bearer"),
                "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "tok"}]}}},
        ],
    });
    let r = run_collection(dir.path(), &collection, &["-r", "json", "--reporter-json-export", "r.json"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let seen: Vec<Vec<String>> = api
        .requests()
        .iter()
        .map(|r| r.headers.iter().filter(|(k, _)| k == "authorization").map(|(_, v)| v.clone()).collect())
        .collect();
    assert_eq!(seen, [vec!["Basic dXNAcjpwQHNzd29yZA=="], vec!["Basic OnA="], vec!["Bearer tok"]]);
    let report = std::fs::read_to_string(dir.path().join("r.json")).unwrap();
    assert!(!report.contains("p@ssword") && !report.contains("p%40ssword"), "the password is masked");
}

/// What a digest challenge teaches an inherited auth block is kept, as Newman 6.2.2 keeps it
/// (checked once against a local server that challenges): the collection's block learns on
/// the first request, and every later request that inherits it, in every iteration, signs
/// ahead with the count going up; a request's own block learns afresh each time.
#[test]
fn an_inherited_digest_block_remembers_the_challenge_as_in_newman() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let digest =
        json!({"type": "digest", "digest": [{"key": "username", "value": "ada"}, {"key": "password", "value": "dpw"}]});
    let url = api.url("/digest-auth/auth/ada/dpw");
    let collection = json!({
        "info": {"name": "digest", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "auth": digest,
        "item": [
            {"name": "a", "request": {"method": "GET", "url": url}},
            {"name": "b", "request": {"method": "GET", "url": url}},
            {"name": "own", "request": {"method": "GET", "url": url, "auth": digest}},
        ],
    });
    let r = run_collection(dir.path(), &collection, &["-n", "2"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let codes: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.contains("/digest-auth/auth/ada/"))
        .map(|l| if l.contains("[401 ") { "401" } else { "200" })
        .collect();
    assert_eq!(codes, ["401", "200", "200", "401", "200", "200", "200", "401", "200"], "{}", r.stdout);
    let counts: Vec<String> = api
        .requests()
        .iter()
        .filter_map(|q| common::wire::header(q, "authorization"))
        .filter_map(|h| h.split(", ").find(|p| p.starts_with("nc=")).map(str::to_string))
        .collect();
    assert_eq!(counts, ["nc=00000001", "nc=00000002", "nc=00000001", "nc=00000003", "nc=00000004", "nc=00000001"]);
}
