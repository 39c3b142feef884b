//! End-to-end tests of the echo server through reqwest and raw TCP.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use md5::{Digest as _, Md5};
use serde_json::{Value, json};

use super::support::{RawConn, client, client_no_redirect};
use crate::testkit::digest::parse_digest_header;
use crate::testkit::{EchoServer, unused_local_port};

async fn get_json(response: reqwest::Response) -> Value {
    response.json::<Value>().await.expect("JSON body")
}

#[tokio::test]
async fn get_echoes_args_headers_and_url() {
    let server = EchoServer::start().await;
    let url = server.url("/get?a=1&a=2&b=x%20y&c");
    for method in [reqwest::Method::GET, reqwest::Method::POST] {
        let response = client().request(method.clone(), &url).header("X-Test-Header", "Hello").send().await.unwrap();
        assert_eq!(response.status(), 200, "{method}");
        let echo = get_json(response).await;
        assert_eq!(echo["args"], json!({"a": ["1", "2"], "b": "x y", "c": ""}), "{method}");
        assert_eq!(echo["headers"]["x-test-header"], "Hello");
        assert_eq!(echo["url"], url.as_str());
        let keys: Vec<&String> = echo.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["args", "headers", "url"]);
    }
}

#[tokio::test]
async fn body_endpoints_parse_json_form_multipart_and_raw() {
    let server = EchoServer::start().await;
    let multipart = "--B0undary\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue 1\r\n\
--B0undary\r\nContent-Disposition: form-data; name=\"up\"; filename=\"note.txt\"\r\nContent-Type: text/plain\r\n\r\nfile text\r\n\
--B0undary--\r\n";
    let cases = [
        (
            "POST",
            "/post",
            "application/json",
            r#"{"z":1,"a":{"b":[true,null]}}"#,
            json!({"z":1,"a":{"b":[true,null]}}),
            json!({}),
            json!({}),
            json!({"z":1,"a":{"b":[true,null]}}),
        ),
        (
            "PUT",
            "/put",
            "application/x-www-form-urlencoded",
            "name=J%C3%BCrgen&x=1+2&x=3",
            json!(""),
            json!({"name":"Jürgen","x":["1 2","3"]}),
            json!({}),
            json!({"name":"Jürgen","x":["1 2","3"]}),
        ),
        (
            "PATCH",
            "/patch",
            "multipart/form-data; boundary=B0undary",
            multipart,
            json!(""),
            json!({"field":"value 1"}),
            json!({"note.txt":"file text"}),
            Value::Null,
        ),
        ("DELETE", "/delete", "text/plain", "just text", json!("just text"), json!({}), json!({}), Value::Null),
    ];
    for (method, path, content_type, body, data, form, files, json_field) in cases {
        let method: reqwest::Method = method.parse().unwrap();
        let response = client()
            .request(method.clone(), server.url(&format!("{path}?q=1")))
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{method}");
        let echo = get_json(response).await;
        assert_eq!(echo["args"], json!({"q": "1"}), "{method}");
        assert_eq!(echo["data"], data, "{method}");
        assert_eq!(echo["form"], form, "{method}");
        assert_eq!(echo["files"], files, "{method}");
        assert_eq!(echo["json"], json_field, "{method}");
        assert_eq!(echo["headers"]["content-type"], content_type, "{method}");
        let keys: Vec<&String> = echo.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["args", "data", "files", "form", "headers", "json", "url"]);
    }
}

#[tokio::test]
async fn anything_headers_stream_response_headers_and_404() {
    let server = EchoServer::start().await;
    let echo = get_json(
        client()
            .put(server.url("/anything/a/b?x=1"))
            .header("Content-Type", "application/json")
            .body("[1]")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (echo["method"].clone(), echo["json"].clone(), echo["args"].clone()),
        (json!("PUT"), json!([1]), json!({"x":"1"}))
    );
    assert_eq!(echo["url"], server.url("/anything/a/b?x=1"));

    let echo = get_json(client().get(server.url("/headers")).header("X-MiXeD-Case", "v").send().await.unwrap()).await;
    assert_eq!(echo["headers"]["x-mixed-case"], "v");
    assert!(echo["headers"].as_object().unwrap().keys().all(|k| k == &k.to_lowercase()));

    let text = client().get(server.url("/stream/3")).send().await.unwrap().text().await.unwrap();
    let ids: Vec<i64> =
        text.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [0, 1, 2]);

    let response =
        client().get(server.url("/response-headers?X-Custom=yes&Cache-Control=no-store")).send().await.unwrap();
    assert_eq!(response.headers()["x-custom"], "yes");
    assert_eq!(response.headers()["cache-control"], "no-store");

    let response = client().get(server.url("/nope")).send().await.unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(get_json(response).await["error"], "no echo endpoint at /nope");
}

#[tokio::test]
async fn status_codes() {
    let server = EchoServer::start().await;
    let cases =
        [("200", 200), ("201", 201), ("204", 204), ("404", 404), ("418", 418), ("503", 503), ("99", 400), ("abc", 400)];
    for (code, expected) in cases {
        let response = client().get(server.url(&format!("/status/{code}"))).send().await.unwrap();
        assert_eq!(response.status().as_u16(), expected, "/status/{code}");
        let body = response.text().await.unwrap();
        if expected == 204 {
            assert!(body.is_empty());
        } else if code.parse::<u16>().is_ok_and(|c| c == expected) {
            assert_eq!(serde_json::from_str::<Value>(&body).unwrap(), json!({"status": expected}));
        }
    }
}

#[tokio::test]
async fn basic_auth_right_wrong_and_missing() {
    let server = EchoServer::start().await;
    let url = server.url("/basic-auth/alice/s3cr%3At");
    let cases = [(Some(("alice", "s3cr:t")), 200, true), (Some(("alice", "wrong")), 401, false), (None, 401, false)];
    for (credentials, status, authenticated) in cases {
        let mut request = client().get(&url);
        if let Some((user, pass)) = credentials {
            request = request.basic_auth(user, Some(pass));
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), status, "{credentials:?}");
        if status == 401 {
            assert_eq!(response.headers()["www-authenticate"], "Basic realm=\"postie-test\"");
        }
        assert_eq!(get_json(response).await, json!({"authenticated": authenticated}));
    }
}

fn md5_hex(text: &str) -> String {
    Md5::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// What a client answers to `challenge` (RFC 7616, MD5), computed independently.
fn digest_authorization(challenge: &str, method: &str, uri: &str, user: &str, pass: &str, body: &str) -> String {
    let params = parse_digest_header(challenge).expect("a Digest challenge");
    let (realm, nonce, opaque) = (&params["realm"], &params["nonce"], &params["opaque"]);
    let ha1 = md5_hex(&format!("{user}:{realm}:{pass}"));
    let (cnonce, nc) = ("f2a3b4c5", "00000001");
    let (qop_part, response) = match params.get("qop").map(String::as_str) {
        Some(qop) => {
            let ha2 = if qop == "auth-int" {
                md5_hex(&format!("{method}:{uri}:{}", md5_hex(body)))
            } else {
                md5_hex(&format!("{method}:{uri}"))
            };
            (
                format!(", qop={qop}, nc={nc}, cnonce=\"{cnonce}\""),
                md5_hex(&format!("{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")),
            )
        }
        None => (String::new(), md5_hex(&format!("{ha1}:{nonce}:{}", md5_hex(&format!("{method}:{uri}"))))),
    };
    format!(
        "Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", algorithm=MD5{qop_part}, \
         response=\"{response}\", opaque=\"{opaque}\""
    )
}

#[tokio::test]
async fn digest_auth_challenge_response() {
    let server = EchoServer::start().await;
    let cases = [("auth", "GET", ""), ("auth-int", "POST", "payload"), ("none", "GET", "")];
    for (qop, method, body) in cases {
        let uri = format!("/digest-auth/{qop}/bob/pa55?x=1");
        let method: reqwest::Method = method.parse().unwrap();
        let first = client().request(method.clone(), server.url(&uri)).body(body).send().await.unwrap();
        assert_eq!(first.status(), 401, "{qop}");
        let challenge = first.headers()["www-authenticate"].to_str().unwrap().to_string();
        assert!(challenge.starts_with("Digest realm=\"postie-test\""), "{challenge}");
        assert_eq!(
            parse_digest_header(&challenge).unwrap().get("qop").map(String::as_str),
            (qop != "none").then_some(qop)
        );

        for (pass, status, authenticated) in [("pa55", 200, true), ("wrong", 401, false)] {
            let authorization = digest_authorization(&challenge, method.as_str(), &uri, "bob", pass, body);
            let response = client()
                .request(method.clone(), server.url(&uri))
                .header("Authorization", authorization)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), status, "{qop} with {pass}");
            assert_eq!(get_json(response).await, json!({"authenticated": authenticated}));
        }
    }
    let response = client().get(server.url("/digest-auth/bogus/u/p")).send().await.unwrap();
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn cookies_set_redirect_and_echo() {
    let server = EchoServer::start().await;
    let response = client_no_redirect().get(server.url("/cookies/set?a=1&b=two")).send().await.unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], "/cookies");
    let set: Vec<&str> = response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    assert_eq!(set, ["a=1; Path=/", "b=two; Path=/"]);

    let response = client_no_redirect().get(server.url("/cookies/delete?a")).send().await.unwrap();
    assert_eq!(response.headers()["set-cookie"], "a=; Max-Age=0; Path=/");

    let echo =
        get_json(client().get(server.url("/cookies")).header("Cookie", "a=1; b=two").send().await.unwrap()).await;
    assert_eq!(echo, json!({"cookies": {"a": "1", "b": "two"}}));
    let echo = get_json(client().get(server.url("/cookies")).send().await.unwrap()).await;
    assert_eq!(echo, json!({"cookies": {}}));
}

#[tokio::test]
async fn redirect_chain_ends_at_get() {
    let server = EchoServer::start().await;
    let response = client_no_redirect().get(server.url("/redirect/3")).send().await.unwrap();
    assert_eq!((response.status().as_u16(), response.headers()["location"].to_str().unwrap()), (302, "/redirect/2"));
    server.clear();

    let response = client().get(server.url("/redirect/3")).send().await.unwrap();
    assert_eq!(response.url().as_str(), server.url("/get"));
    assert_eq!(response.status(), 200);
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/redirect/3", "/redirect/2", "/redirect/1", "/get"]);
}

#[tokio::test]
async fn bytes_length_is_exact_and_bounded() {
    let server = EchoServer::start().await;
    for (asked, expected) in [(0usize, 0usize), (1024, 1024), (50_000_000, 10 * 1024 * 1024)] {
        let response = client().get(server.url(&format!("/bytes/{asked}"))).send().await.unwrap();
        assert_eq!(response.headers()["content-type"], "application/octet-stream");
        assert_eq!(response.bytes().await.unwrap().len(), expected, "/bytes/{asked}");
    }
    let a = client().get(server.url("/bytes/64")).send().await.unwrap().bytes().await.unwrap();
    let b = client().get(server.url("/bytes/64")).send().await.unwrap().bytes().await.unwrap();
    assert_ne!(a, b, "bytes are random");
}

#[tokio::test]
async fn delay_waits() {
    let server = EchoServer::start().await;
    let started = Instant::now();
    let echo = get_json(client().get(server.url("/delay/300")).send().await.unwrap()).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(echo, json!({"delay": 300}));
    let timed_out = client().get(server.url("/delay/2000")).timeout(Duration::from_millis(100)).send().await;
    assert!(timed_out.is_err_and(|e| e.is_timeout()));
}

#[tokio::test]
async fn requests_are_recorded_in_order_and_cleared() {
    let server = EchoServer::start().await;
    let http = client();
    for i in 0..5 {
        let request =
            if i % 2 == 0 { http.post(server.url(&format!("/post?i={i}"))) } else { http.get(server.url("/get")) };
        request.header("X-Seq", i.to_string()).body(format!("body {i}")).send().await.unwrap();
    }
    let recorded = server.requests();
    /// (method, path, query, x-seq header, body)
    type Seen = (String, String, String, Option<String>, Vec<u8>);
    let summary: Vec<Seen> = recorded
        .iter()
        .map(|r| {
            (r.method.clone(), r.path.clone(), r.query.clone(), r.header("x-seq").map(str::to_string), r.body.clone())
        })
        .collect();
    let expected: Vec<Seen> = (0..5)
        .map(|i| {
            let (method, path, query) =
                if i % 2 == 0 { ("POST", "/post", format!("i={i}")) } else { ("GET", "/get", String::new()) };
            (method.into(), path.into(), query, Some(i.to_string()), format!("body {i}").into_bytes())
        })
        .collect();
    assert_eq!(summary, expected);
    assert!(recorded.iter().all(|r| r.headers.iter().all(|(n, _)| n == &n.to_lowercase())));
    server.clear();
    assert!(server.requests().is_empty());
    assert_eq!(server.connections(), 0);
}

#[tokio::test]
async fn keep_alive_connections_are_counted() {
    let server = EchoServer::start().await;
    let first = client();
    for _ in 0..10 {
        first.get(server.url("/get")).send().await.unwrap().bytes().await.unwrap();
    }
    assert_eq!(server.connections(), 1);
    let ids: Vec<u64> = server.requests().iter().map(|r| r.connection_id).collect();
    assert_eq!(ids, vec![1; 10]);

    let second = client();
    second.get(server.url("/get")).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(server.connections(), 2);
    assert_eq!(server.requests().last().map(|r| r.connection_id), Some(2));

    let mut raw = RawConn::open(server.addr()).await;
    let response = raw.exchange("GET", b"GET /get?raw=1 HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert_eq!(response.status, 200);
    assert!(response.text().contains("\"raw\":\"1\""));
    assert_eq!(server.connections(), 3);
}

/// `start_blocking` from plain synchronous code, and the port closes on drop.
#[test]
fn blocking_start_serves_sync_code_and_drop_closes_the_port() {
    let server = EchoServer::start_blocking();
    let addr = server.addr();
    assert!(addr.ip().is_loopback());
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.write_all(b"GET /get?sync=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("\"sync\":\"1\""), "{text}");
    drop(server);
    let refused = std::net::TcpStream::connect(addr);
    assert_eq!(refused.map_err(|e| e.kind()).err(), Some(std::io::ErrorKind::ConnectionRefused));
}

#[test]
fn unused_port_refuses_connections() {
    let port = unused_local_port();
    assert_ne!(port, 0);
    let refused = std::net::TcpStream::connect(("127.0.0.1", port));
    assert_eq!(refused.map_err(|e| e.kind()).err(), Some(std::io::ErrorKind::ConnectionRefused));
}

#[test]
#[should_panic(expected = "was never connected to")]
fn a_server_nobody_connected_to_fails_its_test() {
    let _unused = EchoServer::start_blocking();
}

#[test]
fn a_server_may_be_told_to_expect_silence() {
    let server = EchoServer::start_blocking();
    server.allow_no_hits();
}
