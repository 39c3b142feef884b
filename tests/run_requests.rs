//! `postie run` sends exactly the requests a collection describes: checked on what a real
//! local echo API received (method, path, query, headers, body), in order.

mod common;

use common::{fixture, postie, run, tempdir, write_items};
use postie::testkit::{EchoServer, Recorded};

fn run_fixture(extra: &[&str]) -> (common::RunResult, Vec<Recorded>) {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    std::fs::copy(fixture("upload.txt"), dir.path().join("upload.txt")).unwrap();
    let mut cmd = postie(dir.path());
    cmd.arg("run")
        .arg(fixture("requests.postman_collection.json"))
        .arg("-e")
        .arg(fixture("env.postman_environment.json"))
        .arg("--env-var")
        .arg(format!("base={}", api.url("").trim_end_matches('/')))
        .args(extra);
    let result = run(cmd);
    (result, api.requests())
}

fn by_query<'a>(reqs: &'a [Recorded], path: &str) -> Vec<&'a Recorded> {
    reqs.iter().filter(|r| r.path == path).collect()
}

#[test]
fn sends_every_request_as_written_in_order() {
    let (result, reqs) = run_fixture(&["--folder", "Bodies", "--folder", "URLs", "--folder", "Auth"]);
    let paths: Vec<String> = reqs.iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    assert_eq!(
        paths,
        [
            "POST /post",
            "POST /post",
            "POST /post",
            "POST /post",
            "GET /get",
            "GET /anything/kept",
            "GET /anything/users/42",
            "GET /anything/plain",
            "GET /basic-auth/ada/pw",
            "GET /get",
            "GET /get",
            "GET /digest-auth/auth/ada/dpw",
            "GET /digest-auth/auth/ada/dpw",
            "GET /headers",
            "GET /headers",
        ],
        "{}",
        result.all()
    );
    // raw JSON: variables from every scope, comments stripped, implicit content type, folder bearer auth
    let raw = &reqs[0];
    assert_eq!(raw.query, "iter={{iter}}", "unresolved variables stay literal");
    let body = String::from_utf8_lossy(&raw.body);
    assert!(!body.contains("comment"), "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["user"], "ada");
    assert_eq!(json["shadowed"], "environment", "environment beats collection");
    assert_eq!(raw.header("content-type"), Some("application/json"));
    assert_eq!(raw.header("authorization"), Some("Bearer tok-secret-123"));
    assert_eq!(raw.header("x-enabled"), Some("from-collection"));
    assert_eq!(raw.header("x-disabled"), None);
    assert!(raw.header("postman-token").is_some() && raw.header("user-agent").unwrap().starts_with("postie/"));
    // urlencoded
    assert_eq!(String::from_utf8_lossy(&reqs[1].body), "a=1%202&b=ada");
    assert_eq!(reqs[1].header("content-type"), Some("application/x-www-form-urlencoded"));
    // multipart with a file from the working dir
    let multipart = String::from_utf8_lossy(&reqs[2].body);
    assert!(reqs[2].header("content-type").unwrap().starts_with("multipart/form-data; boundary="));
    assert!(multipart.contains("name=\"field\"") && multipart.contains("ada"), "{multipart}");
    assert!(multipart.contains("filename=\"upload.txt\"") && multipart.contains("file part content"));
    // graphql
    let gql: serde_json::Value = serde_json::from_slice(&reqs[3].body).unwrap();
    assert_eq!(gql["query"], "query { user(id: \"ada\") { id } }");
    assert_eq!(gql["variables"]["n"], 1);
    // body pruning
    assert!(reqs[4].body.is_empty(), "GET body pruned");
    assert_eq!(reqs[5].body, b"kept body");
    // URL object: path variable, disabled query dropped
    assert_eq!(reqs[6].query, "q=ada");
    // auth
    assert_eq!(reqs[8].header("authorization"), Some("Basic YWRhOnB3"));
    assert_eq!(reqs[9].query, "api_key=k-123");
    assert_eq!(reqs[10].header("x-key"), Some("k-456"));
    assert!(reqs[11].header("authorization").is_none(), "digest: first try without credentials");
    assert!(reqs[12].header("authorization").unwrap().starts_with("Digest "), "digest answers the challenge");
    // As Newman 6.2.2 prints a challenged digest request: the 401 first, a line of its own.
    let lines: Vec<&str> = result.stdout.lines().filter(|l| l.contains("/digest-auth/auth/ada/")).collect();
    assert_eq!(lines.len(), 2, "{}", result.stdout);
    assert!(lines[0].contains("[401 Unauthorized, ") && lines[1].contains("[200 OK, "), "{lines:?}");
    assert_eq!(reqs[13].header("authorization"), None, "noauth stops inheritance");
    assert!(result.stdout.contains("auth type `kerberos-someday` is not supported"), "{}", result.stdout);
    assert_eq!(result.code, 0, "{}", result.all());
}

#[test]
fn cookies_persist_and_redirects_follow_the_profile() {
    let (result, reqs) = run_fixture(&["--folder", "Cookies and redirects"]);
    assert_eq!(result.code, 0, "{}", result.all());
    let cookies = by_query(&reqs, "/cookies");
    // /cookies/set redirects to /cookies (followed), then the second request sends the cookie again
    assert_eq!(cookies.len(), 2, "{reqs:?}");
    assert!(cookies.iter().all(|r| r.header("cookie") == Some("flavour=oat")), "{cookies:?}");
    assert_eq!(by_query(&reqs, "/redirect/2").len(), 1);
    assert!(by_query(&reqs, "/redirect/1").is_empty(), "followRedirects: false stops at the first 302");
    assert!(result.stdout.contains("302"), "{}", result.stdout);
}

#[test]
fn iterations_follow_the_data_file() {
    for data in ["data.csv", "data.json"] {
        let (result, reqs) = run_fixture(&["--folder", "raw json", "-d", fixture(data).to_str().unwrap()]);
        assert_eq!(result.code, 0, "{}", result.all());
        let queries: Vec<&str> = reqs.iter().map(|r| r.query.as_str()).collect();
        assert_eq!(queries, ["iter=1", "iter=2"], "{data}");
        let users: Vec<String> = reqs
            .iter()
            .map(|r| {
                serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["user"].as_str().unwrap().to_string()
            })
            .collect();
        assert_eq!(users, ["ada", "grace"], "data beats environment ({data})");
    }
    let (_, reqs) = run_fixture(&["--folder", "raw json", "-n", "3"]);
    assert_eq!(reqs.len(), 3);
}

#[test]
fn v20_collections_and_raw_headers() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let mut cmd = postie(dir.path());
    cmd.arg("run")
        .arg(fixture("v20.postman_collection.json"))
        .arg("--env-var")
        .arg(format!("base={}", api.url("").trim_end_matches('/')));
    let result = run(cmd);
    assert_eq!(result.code, 0, "{}", result.all());
    let reqs = api.requests();
    assert_eq!(reqs[0].header("authorization"), Some("Basic bGVnYWN5Om9sZC1wdw=="));
    assert_eq!(reqs[0].header("x-raw-header"), Some("raw value"));
    assert_eq!(reqs[0].header("x-off"), None);
    assert_eq!(reqs[1].header("authorization"), Some("Bearer v20-token"));
}

#[test]
fn exports_environment_with_types_kept() {
    let dir = tempdir();
    let out = dir.path().join("out/env.json");
    let (result, _) =
        run_fixture(&["--folder", "noauth stops inheritance", "--export-environment", out.to_str().unwrap()]);
    assert_eq!(result.code, 0, "{}", result.all());
    let env: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let token = env["values"].as_array().unwrap().iter().find(|v| v["key"] == "token").unwrap();
    assert_eq!(token["type"], "secret");
    assert!(env["values"].as_array().unwrap().iter().any(|v| v["key"] == "base"));
}

/// A v1 collection runs as Newman 6.2.2 runs it, converted: the same three requests in the
/// same order (folders, then subfolders before a folder's requests, then the collection's
/// own), with path variables, headers (a `//` line disabled), legacy basic auth and bodies.
#[test]
fn v1_collections_run_converted_as_in_newman() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(fixture("v1.postman_collection.json"));
    cmd.arg("--env-var").arg(format!("base={}", api.url("").trim_end_matches('/')));
    let result = run(cmd);
    assert_eq!(result.code, 0, "{}", result.all());
    assert!(result.all().contains("a v1 collection, converted to v2.1 as Newman converts it"), "{}", result.all());
    let reqs = api.requests();
    let seen: Vec<String> = reqs.iter().map(|r| format!("{} {}?{}", r.method, r.path, r.query)).collect();
    assert_eq!(seen, ["POST /anything/admin?", "GET /anything/users/7?x=1", "POST /anything/form?"]);
    assert_eq!(reqs[0].header("authorization"), Some("Basic dTpw"));
    assert_eq!(String::from_utf8_lossy(&reqs[0].body), "{\"a\":1}");
    assert_eq!(reqs[1].header("accept"), Some("application/json"));
    assert_eq!(reqs[1].header("x-off"), None, "a `//` header line is disabled");
    assert_eq!(String::from_utf8_lossy(&reqs[2].body), "a=1", "a disabled parameter stays out");
}

/// `--export-collection`: the collection as loaded, its variables as the run left them
/// (changed, added and unset by scripts); a v3 directory exports as v2.1 JSON.
#[test]
fn exports_the_collection_with_its_variables_as_the_run_left_them() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let collection = serde_json::json!({
        "info": { "name": "exp", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
        "variable": [
            { "key": "keep", "value": "1" },
            { "key": "changed", "value": "old", "type": "string" },
            { "key": "gone", "value": "x" }
        ],
        "item": [{ "name": "one", "request": api.url("/get"), "event": [{ "listen": "prerequest", "script": { "exec": [
            "pm.collectionVariables.set('changed', 'new'); pm.collectionVariables.set('added', 42); pm.collectionVariables.unset('gone');"
        ] } }] }]
    });
    std::fs::write(dir.path().join("c.json"), collection.to_string()).unwrap();
    let mut cmd = postie(dir.path());
    cmd.args(["run", "c.json", "--export-collection", "out/c.json"]);
    let result = run(cmd);
    assert_eq!(result.code, 0, "{}", result.all());
    let out: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/c.json")).unwrap()).unwrap();
    assert_eq!(
        out["variable"],
        serde_json::json!([
            { "key": "keep", "value": "1" },
            { "key": "changed", "value": "new", "type": "string" },
            { "key": "added", "value": 42 }
        ])
    );
    assert_eq!(out["item"], collection["item"], "the rest as loaded");
    assert_eq!(out["info"]["name"], "exp");
}

/// Compressed responses: scripts and the JSON report see the decompressed body and the
/// headers as sent (`Content-Encoding` kept, as in Newman); a body that will not decompress
/// is kept as received, with a warning.
#[test]
fn compressed_bodies_are_decoded_and_their_headers_kept() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let test = |coding: &str| {
        format!(
            r#"[{{"listen":"test","script":{{"exec":["pm.test('header kept', () => pm.response.to.have.header('Content-Encoding', '{coding}'));","pm.test('json readable', () => pm.expect(pm.response.json().url).to.include('/'));"]}}}}]"#
        )
    };
    let items: Vec<String> = [("gzip", "gzip"), ("deflate", "deflate"), ("brotli", "br")]
        .iter()
        .map(|(path, coding)| format!(r#"{{"name":"{path}","request":"{}","event":{}}}"#, api.url(path), test(coding)))
        .collect();
    let col = write_items(dir.path(), "gz", &items);
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(&col).args(["-r", "cli,json", "--reporter-json-export", "r.json"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    for (i, coding) in ["gzip", "deflate", "br"].iter().enumerate() {
        let response = &report["run"]["executions"][i]["response"];
        let headers = response["header"].as_array().unwrap();
        assert!(headers.iter().any(|h| h["key"] == "Content-Encoding" && h["value"] == *coding), "{headers:?}");
        let body = response["body"].as_str().unwrap_or_default();
        assert!(body.contains("\"url\""), "{coding}: {response}");
    }
    // responseTotal as Newman 6.2.2 counts it: a gzip or deflate body by its declared
    // Content-Length, a brotli one decoded (1000 for the same three plus /get there).
    let counted: u64 = report["run"]["executions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let r = &e["response"];
            let header = |name: &str| {
                r["header"].as_array().unwrap().iter().find(|h| h["key"] == name).and_then(|h| h["value"].as_str())
            };
            match header("Content-Encoding") {
                Some("gzip" | "deflate") => header("Content-Length").unwrap().parse::<u64>().unwrap(),
                _ => r["responseSize"].as_u64().unwrap(),
            }
        })
        .sum();
    assert_eq!(report["run"]["transfers"]["responseTotal"], counted);
    let decoded: u64 = report["run"]["executions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["response"]["responseSize"].as_u64().unwrap())
        .sum();
    assert!(counted < decoded, "the compressed sizes were counted: {counted} vs {decoded}");
}
