//! HTTPS targets: trust through --ssl-extra-ca-certs (and NODE_EXTRA_CA_CERTS), readable
//! TLS failures, and CONNECT tunnels through the recording proxy and a real tinyproxy.

mod common;

use std::path::{Path, PathBuf};

use common::certs::TestCa;
use common::{postie, run, tempdir, tinyproxy, write_items};
use postie::testkit::{RecordingProxy, TlsServer};

struct Tls {
    server: TlsServer,
    ca_file: PathBuf,
    dir: tempfile::TempDir,
}

fn tls_server() -> Tls {
    tls_server_with(|cert, key| TlsServer::start_blocking(cert, key, None))
}

/// A TLS server that offers HTTP/2 by ALPN.
fn h2_server() -> Tls {
    tls_server_with(TlsServer::start_offering_h2)
}

fn tls_server_with(start: impl Fn(&str, &str) -> Result<TlsServer, postie::testkit::TlsServerError>) -> Tls {
    let ca = TestCa::new("postie test CA");
    let leaf = ca.leaf(&["localhost"]);
    let server = start(&leaf.cert_pem, &leaf.key_pem).unwrap();
    let dir = tempdir();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    Tls { server, ca_file, dir }
}

fn collection(dir: &Path, urls: &[String]) -> PathBuf {
    let items: Vec<String> =
        urls.iter().enumerate().map(|(i, u)| format!(r#"{{"name":"r{i}","request":"{u}"}}"#)).collect();
    let text = format!(
        r#"{{"info":{{"name":"tls","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}},"item":[{}]}}"#,
        items.join(",")
    );
    let path = dir.join("tls.postman_collection.json");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn extra_ca_trust_and_tls_failures() {
    let t = tls_server();
    let col = collection(t.dir.path(), &[t.server.url("/secure")]);
    // unknown issuer without the CA
    let mut cmd = postie(t.dir.path());
    cmd.arg("run").arg(&col);
    let r = run(cmd);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stdout.contains("TlsError"), "{}", r.stdout);
    // trusted with --ssl-extra-ca-certs, or NODE_EXTRA_CA_CERTS, or skipped with -k
    for how in ["flag", "env", "insecure"] {
        let mut cmd = postie(t.dir.path());
        cmd.arg("run").arg(&col);
        match how {
            "flag" => drop(cmd.arg("--ssl-extra-ca-certs").arg(&t.ca_file).arg("--verbose")),
            "env" => drop(cmd.env("NODE_EXTRA_CA_CERTS", &t.ca_file)),
            _ => drop(cmd.arg("-k")),
        }
        let r = run(cmd);
        assert_eq!(r.code, 0, "{how}: {}", r.all());
        if how == "flag" {
            assert!(
                r.stdout.contains("TLS 1.3, HTTP/1.1; server certificate: CN=localhost; issuer CN=postie test CA"),
                "{}",
                r.stdout
            );
        }
    }
    assert_eq!(t.server.records().len(), 3);
    // a file that is not a certificate: exit 2 before any request
    let bogus = t.dir.path().join("bogus.pem");
    std::fs::write(&bogus, "not a certificate").unwrap();
    let mut cmd = postie(t.dir.path());
    cmd.arg("run").arg(&col).arg("--ssl-extra-ca-certs").arg(&bogus);
    let r = run(cmd);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stderr.contains("bogus.pem") && r.stderr.contains("no PEM certificate"), "{}", r.stderr);
}

#[test]
fn https_through_the_recording_proxy_uses_connect() {
    let t = tls_server();
    let proxy = RecordingProxy::start_blocking();
    let col = collection(t.dir.path(), &[t.server.url("/a"), t.server.url("/b"), t.server.url("/c")]);
    let mut cmd = postie(t.dir.path());
    cmd.arg("run").arg(&col).arg("--ssl-extra-ca-certs").arg(&t.ca_file).arg("--proxy").arg(proxy.url());
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    let records = proxy.records();
    assert!(!records.is_empty() && records.iter().all(|r| r.method == "CONNECT"), "{records:?}");
    assert_eq!(records[0].target, format!("localhost:{}", t.server.port()));
    assert_eq!(records.len(), 1, "the tunnel is reused for all three requests: {records:?}");
    assert_eq!(t.server.records().len(), 3);
}

#[test]
fn real_tinyproxy_with_basic_auth_http_and_connect() {
    let Some(tp) = tinyproxy::start(Some(("tpuser", "tp-s3cret"))) else { return };
    let t = tls_server();
    let api = postie::testkit::EchoServer::start_blocking();
    let col = collection(t.dir.path(), &[api.url("/get?via=tinyproxy"), t.server.url("/tunnelled")]);
    let base = || {
        let mut cmd = postie(t.dir.path());
        cmd.arg("run")
            .arg(&col)
            .arg("--ssl-extra-ca-certs")
            .arg(&t.ca_file)
            .arg("--proxy")
            .arg(format!("http://127.0.0.1:{}", tp.port));
        cmd
    };
    // right credentials: both requests pass, the https one through CONNECT
    let mut cmd = base();
    cmd.args(["--proxy-user", "tpuser:tp-s3cret"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(api.requests().len(), 1);
    assert_eq!(t.server.records().len(), 1);
    let log = std::fs::read_to_string(&tp.log).unwrap();
    assert!(log.contains(&format!("GET {}", api.url("/get?via=tinyproxy"))), "{log}");
    assert!(log.contains(&format!("CONNECT localhost:{}", t.server.port())), "{log}");
    // missing or wrong credentials: one clear error per request, no secret in the output
    for user in [None, Some("tpuser:wrong-pw")] {
        let mut cmd = base();
        if let Some(u) = user {
            cmd.args(["--proxy-user", u]);
        }
        let r = run(cmd);
        assert_eq!(r.code, 1, "{user:?}: {}", r.all());
        assert!(r.stdout.matches("proxy authentication failed at http://").count() >= 2, "{user:?}: {}", r.stdout);
        assert!(!r.all().contains("wrong-pw") && !r.all().contains("tp-s3cret"));
    }
    assert_eq!(api.requests().len(), 1, "nothing passed without valid credentials");
}

fn one_request(dir: &Path, url: &str, args: &[&str]) -> common::RunResult {
    let col = collection(dir, &[url.to_string()]);
    let mut cmd = postie(dir);
    cmd.arg("run").arg(&col).args(args);
    run(cmd)
}

#[test]
fn tls_failures_say_what_to_do() {
    let ca = TestCa::new("postie test CA");
    let dir = tempdir();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    let ca_arg = ca_file.to_str().unwrap();
    let expired = ca.leaf_valid(&["localhost"], false);
    let wrong = ca.leaf(&["wrong.example"]);
    let cases =
        [(expired, "expired on 2021-01-01"), (wrong, "is not valid for localhost; it is valid for wrong.example")];
    for (leaf, expected) in cases {
        let server = TlsServer::start_blocking(&leaf.cert_pem, &leaf.key_pem, None).unwrap();
        let r = one_request(dir.path(), &server.url("/x"), &["--ssl-extra-ca-certs", ca_arg]);
        assert_eq!(r.code, 1, "{}", r.all());
        assert!(r.stdout.contains(expected), "expected `{expected}` in {}", r.stdout);
    }
    let ok = ca.leaf(&["localhost"]);
    let server = TlsServer::start_blocking(&ok.cert_pem, &ok.key_pem, None).unwrap();
    let r = one_request(dir.path(), &server.url("/x"), &[]);
    assert!(
        r.stdout.contains("unknown certificate authority") && r.stdout.contains("--ssl-extra-ca-certs"),
        "{}",
        r.stdout
    );
    // protocolProfileBehavior.strictSSL: false skips verification for that request only
    let col = dir.path().join("lax.json");
    let text = serde_json::json!({
        "info": {"name": "lax", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [
            {"name": "lax", "protocolProfileBehavior": {"strictSSL": false}, "request": server.url("/lax")},
            {"name": "strict", "request": server.url("/strict")}
        ]
    });
    std::fs::write(&col, text.to_string()).unwrap();
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(&col);
    let r = run(cmd);
    assert_eq!(r.code, 1, "{}", r.all());
    let paths: Vec<String> = server.records().iter().map(|rec| rec.path.clone()).collect();
    assert_eq!(paths, ["/lax"], "only the strictSSL: false request went through");
}

#[test]
fn client_certificates_from_flags_and_cert_list() {
    let ca = TestCa::new("server CA");
    let client_ca = TestCa::new("client CA");
    let leaf = ca.leaf(&["localhost"]);
    let server = TlsServer::start_blocking(&leaf.cert_pem, &leaf.key_pem, Some(&client_ca.pem())).unwrap();
    let dir = tempdir();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let ca_file = write("ca.pem", &ca.pem());
    let client = client_ca.leaf(&["ci-client"]);
    let cert = write("client.pem", &client.cert_pem);
    let key = write("client-key.pem", &client.key_pem);
    let url = server.url("/needs-cert");
    // no certificate: one clear message
    let r = one_request(dir.path(), &url, &["--ssl-extra-ca-certs", &ca_file]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stdout.contains("requires a client certificate"), "{}", r.stdout);
    // the single certificate
    let r = one_request(
        dir.path(),
        &url,
        &["--ssl-extra-ca-certs", &ca_file, "--ssl-client-cert", &cert, "--ssl-client-key", &key],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(server.records().iter().any(|rec| rec.client_cert));
    // a cert list chooses by pattern; a list entry that does not match leaves the request without one
    let list = |pattern: &str| {
        write(
            "list.json",
            &serde_json::json!([{"name": "ci", "matches": [pattern], "cert": {"src": "client.pem"}, "key": {"src": "client-key.pem"}}]).to_string(),
        )
    };
    let dir_arg = dir.path().to_str().unwrap();
    for (pattern, code) in
        [(format!("https://localhost:{}/*", server.port()), 0), ("https://other.example/*".to_string(), 1)]
    {
        let file = list(&pattern);
        let args = ["--ssl-extra-ca-certs", &ca_file, "--ssl-client-cert-list", &file, "--working-dir", dir_arg];
        let r = one_request(dir.path(), &url, &args);
        assert_eq!(r.code, code, "{pattern}: {}", r.all());
    }
    // a request's own `certificate` object in the collection
    let col = dir.path().join("own-cert.json");
    let text = serde_json::json!({
        "info": {"name": "own", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{"name": "with cert", "request": {"method": "GET", "url": url,
            "certificate": {"name": "own", "matches": ["https://localhost:*/*"], "cert": {"src": "client.pem"}, "key": {"src": "client-key.pem"}}}}]
    });
    std::fs::write(&col, text.to_string()).unwrap();
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(&col).args(["--ssl-extra-ca-certs", &ca_file, "--working-dir", dir.path().to_str().unwrap()]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    // and through a CONNECT tunnel
    let proxy = RecordingProxy::start_blocking();
    let r = one_request(
        dir.path(),
        &url,
        &[
            "--ssl-extra-ca-certs",
            &ca_file,
            "--ssl-client-cert",
            &cert,
            "--ssl-client-key",
            &key,
            "--proxy",
            &proxy.url(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(proxy.records().iter().any(|p| p.method == "CONNECT"));
    // bad client certificate input: exit 2 before any request, naming the file
    let other_key = write("other-key.pem", &client_ca.leaf(&["x"]).key_pem);
    let garbage = write("garbage.pem", "not a key");
    let bad_list = write("bad-list.json", "[{\"name\": 1,");
    let before = server.records().len();
    for (args, expected) in [
        (
            vec!["--ssl-client-cert", cert.as_str(), "--ssl-client-key", other_key.as_str()],
            "does not belong to the certificate",
        ),
        (vec!["--ssl-client-cert", cert.as_str(), "--ssl-client-key", garbage.as_str()], "garbage.pem"),
        (vec!["--ssl-client-cert", cert.as_str()], "needs --ssl-client-key"),
        (vec!["--ssl-client-cert-list", bad_list.as_str()], "bad-list.json"),
        (vec!["--ssl-client-cert", "missing.pem", "--ssl-client-key", key.as_str()], "missing.pem"),
    ] {
        let r = one_request(dir.path(), &url, &args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.all());
        assert!(r.stderr.contains(expected), "{args:?}: expected `{expected}` in {}", r.stderr);
    }
    assert_eq!(server.records().len(), before, "no request was sent with bad certificate input");
}

#[test]
fn https_proxy_is_verified_with_the_same_trust() {
    let ca = TestCa::new("proxy CA");
    let leaf = ca.leaf(&["localhost"]);
    let proxy = RecordingProxy::start_blocking();
    let front = postie::testkit::TlsFront::start_blocking(&leaf.cert_pem, &leaf.key_pem, proxy.addr()).unwrap();
    let api = postie::testkit::EchoServer::start_blocking();
    let dir = tempdir();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    let https_proxy = format!("https://localhost:{}", front.port());
    let r = one_request(
        dir.path(),
        &api.url("/get?via=https-proxy"),
        &["--proxy", &https_proxy, "--ssl-extra-ca-certs", ca_file.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(proxy.records().iter().any(|p| p.target.ends_with("via=https-proxy")), "{:?}", proxy.records());
    // without the proxy's CA the TLS connection to the proxy is refused
    proxy.clear();
    let r = one_request(dir.path(), &api.url("/get?via=untrusted"), &["--proxy", &https_proxy]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(proxy.records().is_empty());
}

/// HTTP/1.1 unless asked (Newman's behaviour); `protocolVersion` per request or
/// `--protocol-version` for the run; `auto` takes HTTP/2 when the server offers it by ALPN,
/// directly and inside a CONNECT tunnel.
#[test]
fn http2_is_negotiated_when_a_request_or_the_run_asks_for_it() {
    let Tls { server, ca_file, dir } = h2_server();
    let item = |name: &str, version: Option<&str>| {
        let profile = version.map(|v| format!(r#","protocolProfileBehavior":{{"protocolVersion":"{v}"}}"#));
        format!(r#"{{"name":"{name}","request":"{}"{}}}"#, server.url(&format!("/{name}")), profile.unwrap_or_default())
    };
    let items = [
        item("default", None),
        item("auto", Some("auto")),
        item("h2", Some("http2")),
        item("h1", Some("http1")),
        item("bogus", Some("h3")),
    ];
    let col = write_items(dir.path(), "h2", &items);
    let versions = |extra: &[&str], proxy: Option<&RecordingProxy>| {
        let mut cmd = postie(dir.path());
        cmd.arg("run").arg(&col).arg("--ssl-extra-ca-certs").arg(&ca_file).args(extra);
        cmd.args(["-r", "cli,json", "--reporter-json-export", "r.json"]);
        if let Some(p) = proxy {
            cmd.arg("--proxy").arg(p.url());
        }
        let before = server.records().len();
        let r = run(cmd);
        assert_eq!(r.code, 0, "{}", r.all());
        assert!(r.stdout.contains("protocolVersion \"h3\" is not one of"), "{}", r.stdout);
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
        let reported: Vec<String> = report["run"]["executions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["response"]["httpVersion"].as_str().unwrap().to_string())
            .collect();
        let seen: Vec<(String, String)> =
            server.records()[before..].iter().map(|r| (r.path.clone(), r.version.clone())).collect();
        (seen, reported)
    };
    let pairs = |v: &[(&str, &str)]| v.iter().map(|(p, v)| (p.to_string(), v.to_string())).collect::<Vec<_>>();

    let (seen, reported) = versions(&[], None);
    assert_eq!(
        seen,
        pairs(&[
            ("/default", "HTTP/1.1"),
            ("/auto", "HTTP/2"),
            ("/h2", "HTTP/2"),
            ("/h1", "HTTP/1.1"),
            ("/bogus", "HTTP/1.1")
        ])
    );
    assert_eq!(reported, ["HTTP/1.1", "HTTP/2.0", "HTTP/2.0", "HTTP/1.1", "HTTP/1.1"]);

    // The run's default changes what requests without a valid protocolVersion of their own use.
    let proxy = RecordingProxy::start_blocking();
    for proxy in [None, Some(&proxy)] {
        let (seen, _) = versions(&["--protocol-version", "auto"], proxy);
        assert_eq!(
            seen,
            pairs(&[
                ("/default", "HTTP/2"),
                ("/auto", "HTTP/2"),
                ("/h2", "HTTP/2"),
                ("/h1", "HTTP/1.1"),
                ("/bogus", "HTTP/2")
            ]),
            "through a proxy: {}",
            proxy.is_some()
        );
    }
    assert!(proxy.records().iter().all(|r| r.method == "CONNECT") && !proxy.records().is_empty());
}

/// Lanes share HTTP/2 connections: sixteen concurrent requests over at most one
/// connection per worker thread.
#[test]
fn http2_multiplexes_concurrent_lanes() {
    let Tls { server, ca_file, dir } = h2_server();
    let urls: Vec<String> = (0..16).map(|i| server.url(&format!("/m{i}"))).collect();
    let col = collection(dir.path(), &urls);
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(&col).arg("--ssl-extra-ca-certs").arg(&ca_file);
    cmd.args(["--protocol-version", "http2", "--jobs", "8", "--parallel", "request"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    let records = server.records();
    assert_eq!(records.len(), 16);
    assert!(records.iter().all(|r| r.version == "HTTP/2"), "{records:?}");
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(8) as u64;
    assert!(server.connections() <= workers, "{} connections for 16 requests", server.connections());
}
