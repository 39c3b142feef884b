//! Signed auth types end to end: the real binary signs, the echo API's verifying endpoints
//! recompute the signature from what arrived and answer 401 on a mismatch. Every scheme
//! passes directly and through the recording proxy; a body changed by a pre-request script
//! is what gets signed; secrets and signatures never reach any output.

mod common;

use std::path::Path;

use common::{postie, run, tempdir, write_items};
use postie::testkit::ntlm_endpoint::NTLM_USER;
use postie::testkit::signed::{OAUTH1_TOKEN_SECRET, TEST_SECRET};
use postie::testkit::{EchoServer, RecordingProxy};

/// An auth block of `kind` with these parameters (values JSON-escaped).
fn auth(kind: &str, params: &[(&str, &str)]) -> String {
    let list: Vec<String> = params
        .iter()
        .map(|(k, v)| format!(r#"{{"key":"{k}","value":{}}}"#, serde_json::Value::String(v.to_string())))
        .collect();
    format!(r#"{{"type":"{kind}","{kind}":[{}]}}"#, list.join(","))
}

fn aws(params: &[(&str, &str)]) -> String {
    auth("awsv4", params)
}

fn hawk(params: &[(&str, &str)]) -> String {
    auth("hawk", params)
}

fn jwt(params: &[(&str, &str)]) -> String {
    auth("jwt", params)
}

fn oauth1(params: &[(&str, &str)]) -> String {
    auth("oauth1", params)
}

fn edgegrid(params: &[(&str, &str)]) -> String {
    auth("edgegrid", params)
}

fn test_key(name: &str) -> String {
    std::fs::read_to_string(common::fixture("jwt").join(name)).unwrap()
}

fn item(name: &str, method: &str, url: &str, auth: &str, extra: &str, expect: u16) -> String {
    format!(
        r#"{{"name":"{name}","request":{{"method":"{method}","url":"{url}","auth":{auth}{extra}}},"event":[{{"listen":"test","script":{{"exec":["pm.test('{expect}', () => pm.response.to.have.status({expect}));"]}}}}]}}"#
    )
}

fn collection(dir: &Path, echo: &EchoServer) -> std::path::PathBuf {
    let key = [("accessKey", "AKIDPOSTIE"), ("secretKey", "{{awsSecret}}")];
    let with = |more: &[(&'static str, &'static str)]| {
        let mut all = key.to_vec();
        all.extend_from_slice(more);
        aws(&all)
    };
    let body_changed = r#","header":[{"key":"Content-Type","value":"application/json"},{"key":"X-Custom","value":"  spaced   out "}],"body":{"mode":"raw","raw":"{\"before\":true}"}"#;
    let items = vec![
        item(
            "api gateway GET",
            "GET",
            &echo.url("/aws-sigv4/api/items?b=2&a=1&a=0"),
            &with(&[("region", "eu-central-1")]),
            "",
            200,
        ),
        format!(
            r#"{{"name":"s3 PUT, body changed by the pre-request script","event":[{{"listen":"prerequest","script":{{"exec":["pm.request.body.update(JSON.stringify({{after: true}}));"]}}}},{{"listen":"test","script":{{"exec":["pm.test('200', () => pm.response.to.have.status(200));"]}}}}],"request":{{"method":"PUT","url":"{}","auth":{}{body_changed}}}}}"#,
            echo.url("/aws-sigv4/bucket/key%20with%20space.json"),
            with(&[("service", "s3"), ("region", "us-west-2"), ("sessionToken", "{{awsSession}}")])
        ),
        item(
            "form body",
            "POST",
            &echo.url("/aws-sigv4/form"),
            &with(&[("service", "execute-api")]),
            r#","body":{"mode":"urlencoded","urlencoded":[{"key":"a","value":"1 2"},{"key":"b","value":"x&y"}]}"#,
            200,
        ),
        item(
            "presigned query",
            "GET",
            &echo.url("/aws-sigv4/q?x=1"),
            &with(&[("addAuthDataToQuery", "true")]),
            "",
            200,
        ),
        item(
            "hawk sha256 with ext",
            "GET",
            &echo.url("/hawk/r?b=1&a=2"),
            &hawk(&[
                ("authId", "id-1"),
                ("authKey", "{{awsSecret}}"),
                ("algorithm", "sha256"),
                ("extraData", "x \\\"y\\\""),
            ]),
            "",
            200,
        ),
        item(
            "hawk sha1 with payload hash, app and dlg",
            "POST",
            &echo.url("/hawk/p"),
            &hawk(&[
                ("authId", "id-2"),
                ("authKey", "{{awsSecret}}"),
                ("algorithm", "sha1"),
                ("includePayloadHash", "true"),
                ("app", "app-1"),
                ("delegation", "dlg-1"),
            ]),
            r#","body":{"mode":"raw","raw":"{\"hawk\":1}","options":{"raw":{"language":"json"}}}"#,
            200,
        ),
        item(
            "a wrong hawk key is refused",
            "GET",
            &echo.url("/hawk/r"),
            &hawk(&[("authId", "id-1"), ("authKey", "not-the-key"), ("algorithm", "sha256")]),
            "",
            401,
        ),
        item(
            "jwt HS256",
            "GET",
            &echo.url("/jwt/a"),
            &jwt(&[("algorithm", "HS256"), ("secret", "{{awsSecret}}"), ("payload", "{\"sub\":\"{{user}}\"}")]),
            "",
            200,
        ),
        item(
            "jwt RS384",
            "GET",
            &echo.url("/jwt/b"),
            &jwt(&[("algorithm", "RS384"), ("privateKey", &test_key("rsa.pem"))]),
            "",
            200,
        ),
        item(
            "jwt PS256",
            "GET",
            &echo.url("/jwt/c"),
            &jwt(&[("algorithm", "PS256"), ("privateKey", &test_key("rsa.pem"))]),
            "",
            200,
        ),
        item(
            "jwt ES256 in the query",
            "GET",
            &echo.url("/jwt/d?x=1"),
            &jwt(&[("algorithm", "ES256"), ("privateKey", &test_key("ec256.pem")), ("addTokenTo", "queryParam")]),
            "",
            200,
        ),
        item(
            "jwt ES512",
            "GET",
            &echo.url("/jwt/e"),
            &jwt(&[("algorithm", "ES512"), ("privateKey", &test_key("ec521.pem"))]),
            "",
            200,
        ),
        item(
            "asap RS256",
            "GET",
            &echo.url("/jwt/asap"),
            &format!(
                r#"{{"type":"asap","asap":[{{"key":"kid","value":"key-1"}},{{"key":"iss","value":"postie"}},{{"key":"aud","value":"svc"}},{{"key":"privateKey","value":{}}}]}}"#,
                serde_json::Value::String(test_key("rsa.pem"))
            ),
            "",
            200,
        ),
        item(
            "ntlm against the server",
            "GET",
            &echo.url("/ntlm/a"),
            &format!(
                r#"{{"type":"ntlm","ntlm":[{{"key":"username","value":"{}\\{}"}},{{"key":"password","value":"{}"}}]}}"#,
                NTLM_USER.0, NTLM_USER.1, NTLM_USER.2
            ),
            "",
            200,
        ),
        item(
            "ntlm with the wrong password is refused",
            "GET",
            &echo.url("/ntlm/b"),
            r#"{"type":"ntlm","ntlm":[{"key":"username","value":"alice"},{"key":"domain","value":"CORP"},{"key":"password","value":"wrong"}]}"#,
            "",
            401,
        ),
        item(
            "jwt with the wrong HMAC secret is refused",
            "GET",
            &echo.url("/jwt/f"),
            &jwt(&[("algorithm", "HS512"), ("secret", "nope")]),
            "",
            401,
        ),
        item(
            "oauth1 header HMAC-SHA1 with realm",
            "GET",
            &echo.url("/oauth1/photos?file=vacation.jpg&size=original"),
            &oauth1(&[
                ("consumerKey", "ck"),
                ("consumerSecret", "{{awsSecret}}"),
                ("token", "tk"),
                ("tokenSecret", OAUTH1_TOKEN_SECRET),
                ("realm", "Photos"),
                ("version", "1.0"),
                ("addParamsToHeader", "true"),
            ]),
            "",
            200,
        ),
        item(
            "oauth1 query HMAC-SHA256 re-encodes the query",
            "GET",
            &echo.url("/oauth1/q?a=x%20y&b=(c)"),
            &oauth1(&[("consumerKey", "ck"), ("consumerSecret", "{{awsSecret}}"), ("signatureMethod", "HMAC-SHA256")]),
            "",
            200,
        ),
        item(
            "oauth1 form body HMAC-SHA512",
            "POST",
            &echo.url("/oauth1/form?q=1"),
            &oauth1(&[("consumerKey", "ck"), ("consumerSecret", "{{awsSecret}}"), ("signatureMethod", "HMAC-SHA512")]),
            r#","body":{"mode":"urlencoded","urlencoded":[{"key":"c2","value":""},{"key":"a3","value":"2 q"}]}"#,
            200,
        ),
        item(
            "oauth1 RSA-SHA256 with a body hash",
            "PUT",
            &echo.url("/oauth1/rsa"),
            &oauth1(&[
                ("consumerKey", "ck"),
                ("privateKey", &test_key("rsa.pem")),
                ("signatureMethod", "RSA-SHA256"),
                ("includeBodyHash", "true"),
                ("addParamsToHeader", "true"),
            ]),
            r#","body":{"mode":"raw","raw":"{\"put\":true}"}"#,
            200,
        ),
        item(
            "oauth1 RSA-SHA1 in the query",
            "GET",
            &echo.url("/oauth1/rsa1?q=1"),
            &oauth1(&[("consumerKey", "ck"), ("privateKey", &test_key("rsa.pem")), ("signatureMethod", "RSA-SHA1")]),
            "",
            200,
        ),
        item(
            "oauth1 with the wrong consumer secret is refused",
            "GET",
            &echo.url("/oauth1/x"),
            &oauth1(&[("consumerKey", "ck"), ("consumerSecret", "nope"), ("addParamsToHeader", "true")]),
            "",
            401,
        ),
        item(
            "edgegrid POST with signed headers",
            "POST",
            &echo.url("/edgegrid/papi/v1?x=1"),
            &edgegrid(&[
                ("accessToken", "akab-access"),
                ("clientToken", "akab-client"),
                ("clientSecret", "{{awsSecret}}"),
                ("headersToSign", "X-Edge-One,X-Edge-Two"),
                ("maxBodySize", "2048"),
            ]),
            r#","header":[{"key":"X-Edge-One","value":"  one   1 "},{"key":"X-Edge-Two","value":"two"}],"body":{"mode":"raw","raw":"edge body"}"#,
            200,
        ),
        item(
            "edgegrid with the wrong secret is refused",
            "GET",
            &echo.url("/edgegrid/papi"),
            &edgegrid(&[("accessToken", "a"), ("clientToken", "c"), ("clientSecret", "nope")]),
            "",
            401,
        ),
        item(
            "a wrong secret is refused by the endpoint",
            "GET",
            &echo.url("/aws-sigv4/api/items"),
            &aws(&[("accessKey", "AKIDPOSTIE"), ("secretKey", "not-the-secret")]),
            "",
            401,
        ),
    ];
    write_items(dir, "signed", &items)
}

fn outputs(out: &common::RunResult, dir: &Path) -> String {
    let mut all = out.all();
    for report in ["out.json", "out.xml"] {
        all.push_str(&std::fs::read_to_string(dir.join(report)).unwrap_or_default());
    }
    all
}

#[test]
fn signed_requests_verify_directly_and_through_a_proxy() {
    let echo = EchoServer::start_blocking();
    let proxy = RecordingProxy::start_blocking();
    let dir = tempdir();
    let collection = collection(dir.path(), &echo);
    for via_proxy in [false, true] {
        let mut cmd = postie(dir.path());
        cmd.args(["run", collection.to_str().unwrap(), "-r", "cli,json,junit"])
            .args(["--reporter-json-export", "out.json", "--reporter-junit-export", "out.xml"])
            .args(["--env-var", &format!("awsSecret={TEST_SECRET}"), "--env-var", "awsSession=SESSION-TOKEN-123"])
            .args(["--env-var", "user=alice"]);
        if via_proxy {
            cmd.args(["--proxy", &proxy.url()]);
        }
        let out = run(cmd);
        assert_eq!(out.code, 0, "via proxy: {via_proxy}\n{}", out.all());
        let everything = outputs(&out, dir.path());
        for secret in [TEST_SECRET, "SESSION-TOKEN-123", "eyJ", "PRIVATE KEY", NTLM_USER.2, "TlRMTVNT"] {
            assert!(!everything.contains(secret), "`{secret}` leaked (via proxy: {via_proxy})");
        }
        // Signatures are masked wherever they appear (`X-Amz-Signature=***`).
        for (at, _) in everything.match_indices("Signature=") {
            let next = everything[at + "Signature=".len()..].chars().next().unwrap_or(' ');
            assert!(
                !next.is_ascii_hexdigit(),
                "a signature leaked: {}",
                &everything[at..(at + 80).min(everything.len())]
            );
        }
    }
    // Each NTLM request is three legs (as is, Type 1, Type 3) on one connection.
    assert_eq!(proxy.records().len(), 23 + 2 * 3, "the second run went through the proxy");
    // NTLM's three legs went on one connection (per run: direct, then through the proxy).
    let legs: Vec<u64> = echo.requests().iter().filter(|r| r.path == "/ntlm/a").map(|r| r.connection_id).collect();
    assert_eq!(legs.len(), 6, "{legs:?}");
    assert!(legs[..3].iter().all(|c| *c == legs[0]), "one connection for the direct handshake: {legs:?}");
    assert!(legs[3..].iter().all(|c| *c == legs[3]), "one connection for the proxied handshake: {legs:?}");
    // What was signed is what the pre-request script left in the body.
    let put = echo.requests().into_iter().find(|r| r.method == "PUT").unwrap();
    assert_eq!(String::from_utf8_lossy(&put.body), r#"{"after":true}"#);
}
