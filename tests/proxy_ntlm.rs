//! NTLM proxy authentication end to end: the real binary through the test kit's proxy,
//! which verifies each NTLMv2 answer against a known password and trusts the connection
//! afterwards, as Windows proxies and Squid do. Plain http (absolute-form) and https
//! (CONNECT) both pass; keep-alive reuse means one handshake per connection, not per
//! request; a wrong password is one clear error; no secret reaches any output.

mod common;

use std::path::Path;

use common::{certs, postie, run, tempdir};
use postie::testkit::{EchoServer, RecordingProxy, TlsServer};

const PASSWORD: &str = "Winter2026!ntlm";

fn collection(dir: &Path, urls: &[String]) -> std::path::PathBuf {
    let items: Vec<String> = urls
        .iter()
        .enumerate()
        .map(|(i, u)| {
            format!(
                r#"{{"name":"r{i}","request":{{"method":"GET","url":"{u}"}},"event":[{{"listen":"test","script":{{"exec":["pm.test('ok', () => pm.response.to.have.status(200));"]}}}}]}}"#
            )
        })
        .collect();
    common::write_items(dir, "ntlm", &items)
}

fn read_all(dir: &Path) -> String {
    let mut all = String::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.path().is_file() {
            all.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
    }
    all
}

#[test]
fn ntlm_over_plain_http_and_connect_with_one_handshake_per_connection() {
    let echo = EchoServer::start_blocking();
    let ca = certs::TestCa::new("postie ntlm test");
    let leaf = ca.leaf(&["localhost"]);
    let tls = TlsServer::start_blocking(&leaf.cert_pem, &leaf.key_pem, None).unwrap();
    let proxy = RecordingProxy::start_with_ntlm_blocking("alice", "CORP", PASSWORD);
    let dir = tempdir();
    let mut urls: Vec<String> = (0..5).map(|i| echo.url(&format!("/get?n={i}"))).collect();
    urls.extend((0..3).map(|i| tls.url(&format!("/tls/{i}"))));
    let collection = collection(dir.path(), &urls);
    let mut cmd = postie(dir.path());
    cmd.args(["run", collection.to_str().unwrap(), "-k", "--proxy", &proxy.url(), "--proxy-user", "CORP\\alice"])
        .args(["-r", "cli,json", "--reporter-json-export", "out.json"])
        .env("POSTIE_PROXY_PASSWORD", PASSWORD);
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(echo.requests().len(), 5, "every plain request reached the API");
    assert_eq!(tls.records().len(), 3, "every https request went through a tunnel");
    assert!(proxy.ntlm_rejections().is_empty(), "{:?}", proxy.ntlm_rejections());
    // Five plain requests in a row share one pinned, authenticated connection; the three
    // https requests share one tunnel. So two handshakes, not eight.
    assert_eq!(proxy.ntlm_handshakes(), 2, "one handshake per connection: {:#?}", proxy.records());
    let with_token = proxy.records().iter().filter(|r| r.proxy_authorization.is_some()).count();
    assert_eq!(with_token, 4, "two NTLM legs per handshake, none after: {:#?}", proxy.records());
    let everything = out.all() + &read_all(dir.path());
    assert!(!everything.contains(PASSWORD), "the password leaked");
    assert!(!everything.contains("TlRMTVNT"), "an NTLM token leaked");
}

#[test]
fn a_wrong_ntlm_password_is_one_clear_error_naming_the_proxy_and_scheme() {
    let echo = EchoServer::start_blocking();
    echo.allow_no_hits();
    let proxy = RecordingProxy::start_with_ntlm_blocking("alice", "CORP", PASSWORD);
    let dir = tempdir();
    let collection = collection(dir.path(), &[echo.url("/get"), echo.url("/get?again")]);
    let mut cmd = postie(dir.path());
    cmd.args(["run", collection.to_str().unwrap(), "--proxy", &proxy.url(), "--proxy-user", "CORP\\alice"])
        .args(["-r", "cli,json,junit", "--reporter-json-export", "out.json", "--reporter-junit-export", "out.xml"])
        .env("POSTIE_PROXY_PASSWORD", "not-the-password");
    let out = run(cmd);
    assert_eq!(out.code, 1, "{}", out.all());
    let port = proxy.url().rsplit(':').next().unwrap().to_string();
    let expected = format!(
        "proxy authentication failed at http://***:***@127.0.0.1:{port}: NTLM: the proxy rejected the credentials"
    );
    assert!(out.stdout.contains(&expected), "{}", out.stdout);
    assert!(out.stdout.contains("wrong user name, domain or password, or the account is locked"), "{}", out.stdout);
    assert!(!proxy.ntlm_rejections().is_empty(), "the proxy really verified and refused");
    let everything = out.all() + &read_all(dir.path());
    assert!(!everything.contains("not-the-password"), "the password leaked");
    assert!(!everything.contains("TlRMTVNT"), "an NTLM token leaked");
}

#[test]
fn proxy_auth_flag_decides_which_schemes_answer() {
    let echo = EchoServer::start_blocking();
    let proxy = RecordingProxy::start_with_ntlm_blocking("alice", "CORP", PASSWORD);
    let dir = tempdir();
    let collection = collection(dir.path(), &[echo.url("/get")]);
    let base = |auth: &str| {
        let mut cmd = postie(dir.path());
        cmd.args(["run", collection.to_str().unwrap(), "--proxy", &proxy.url(), "--proxy-user", "alice@CORP"])
            .args(["--proxy-auth", auth])
            .env("POSTIE_PROXY_PASSWORD", PASSWORD);
        run(cmd)
    };
    // Explicit NTLM authenticates from the first request; user@REALM names the domain.
    let ntlm = base("ntlm");
    assert_eq!(ntlm.code, 0, "{}", ntlm.all());
    let first = &proxy.records()[0];
    assert!(first.proxy_authorization.is_none(), "the relay learns the challenge first: {first:?}");
    // Basic only: NTLM is not answered, and the message says how to allow it.
    echo.allow_no_hits();
    let basic = base("basic");
    assert_eq!(basic.code, 1, "{}", basic.all());
    assert!(
        basic.stdout.contains("asks for NTLM authentication") && basic.stdout.contains("--proxy-auth"),
        "{}",
        basic.stdout
    );
    let bad = base("digest");
    assert_eq!(bad.code, 2, "{}", bad.all());
    assert!(
        bad.stderr.contains("--proxy-auth") && bad.stderr.contains("any, basic, ntlm, negotiate"),
        "{}",
        bad.stderr
    );
}
