//! End-to-end tests of the recording proxy, with reqwest and with requests written by hand.
//! Every target that is not loopback is refused by the proxy before any connection is made.

use serde_json::Value;

use super::support::{RawConn, proxied, read_response};
use crate::testkit::{EchoServer, ProxyRecord, RecordingProxy, unused_local_port};

fn record(method: &str, target: &str, auth: Option<&str>, connection_id: u64) -> ProxyRecord {
    ProxyRecord {
        method: method.into(),
        target: target.into(),
        proxy_authorization: auth.map(str::to_string),
        connection_id,
    }
}

fn via(proxy: &RecordingProxy) -> reqwest::Client {
    proxied(reqwest::Proxy::all(proxy.url()).unwrap())
}

#[tokio::test]
async fn absolute_form_get_and_post_are_forwarded() {
    let (echo, proxy) = (EchoServer::start().await, RecordingProxy::start().await);
    assert_eq!(proxy.url(), format!("http://{}", proxy.addr()));
    let client = via(&proxy);
    let response = client.get(echo.url("/get?x=1")).header("X-Through", "proxy").send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["args"]["x"], "1");
    assert_eq!(body["headers"]["x-through"], "proxy");

    let response =
        client.post(echo.url("/post")).header("Content-Type", "application/json").body(r#"{"k":"v"}"#).send().await;
    let body: Value = response.unwrap().json().await.unwrap();
    assert_eq!(body["json"]["k"], "v");

    assert_eq!(
        proxy.records(),
        [record("GET", &echo.url("/get?x=1"), None, 1), record("POST", &echo.url("/post"), None, 1)]
    );
    let seen: Vec<(String, String)> = echo.requests().into_iter().map(|r| (r.method, r.path)).collect();
    assert_eq!(seen, [("GET".to_string(), "/get".to_string()), ("POST".to_string(), "/post".to_string())]);

    // `localhost` is a loopback target too (the proxy maps it to 127.0.0.1 without DNS).
    let by_name = format!("http://localhost:{}/headers", echo.addr().port());
    let response = client.get(&by_name).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["headers"]["host"], format!("localhost:{}", echo.addr().port()));
    assert_eq!(proxy.records().last().map(|r| r.target.clone()), Some(by_name));
}

#[tokio::test]
async fn keep_alive_is_reused_through_the_proxy() {
    let (echo, proxy) = (EchoServer::start().await, RecordingProxy::start().await);
    let client = via(&proxy);
    for i in 0..6 {
        let response = client.get(echo.url(&format!("/get?i={i}"))).send().await.unwrap();
        assert_eq!(response.status(), 200);
        response.bytes().await.unwrap();
    }
    assert_eq!(proxy.connections(), 1, "one client connection to the proxy");
    assert_eq!(echo.connections(), 1, "one upstream connection, reused");
    assert!(proxy.records().iter().all(|r| r.connection_id == 1));
    assert_eq!(proxy.records().len(), 6);
}

#[tokio::test]
async fn chunked_bodies_both_ways_on_one_raw_connection() {
    let (echo, proxy) = (EchoServer::start().await, RecordingProxy::start().await);
    let mut conn = RawConn::open(proxy.addr()).await;
    let host = echo.addr();

    let request = format!(
        "POST http://{host}/post HTTP/1.1\r\nHost: {host}\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n\
         5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    );
    let response = conn.exchange("POST", request.as_bytes()).await;
    assert_eq!(response.status, 200);
    let body: Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(body["data"], "hello world");

    let request = format!("GET http://{host}/stream/3 HTTP/1.1\r\nHost: {host}\r\n\r\n");
    let response = conn.exchange("GET", request.as_bytes()).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.head.get("transfer-encoding"), Some("chunked"));
    assert_eq!(response.text().matches("\"id\":").count(), 3, "{}", response.text());

    let request = format!("GET http://{host}/get?last=1 HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    let response = conn.exchange("GET", request.as_bytes()).await;
    assert_eq!(response.head.get("connection"), Some("close"));
    let mut rest = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut conn.reader, &mut rest).await.unwrap();
    assert!(rest.is_empty(), "the proxy closes after Connection: close");
    assert_eq!(proxy.connections(), 1);
    assert_eq!(echo.requests()[0].body, b"hello world");
}

#[tokio::test]
async fn connect_tunnel_carries_a_hand_written_request() {
    let (echo, proxy) = (EchoServer::start().await, RecordingProxy::start().await);
    let target = echo.addr().to_string();
    let mut conn = RawConn::open(proxy.addr()).await;
    // The request right behind the CONNECT head, in the same write, must reach the server.
    let both = format!(
        "CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\nGET /get?via=tunnel HTTP/1.1\r\nHost: {target}\r\n\r\n"
    );
    conn.send(both.as_bytes()).await;
    let established = read_response(&mut conn.reader, "CONNECT").await;
    assert_eq!(established.status, 200);
    let response = read_response(&mut conn.reader, "GET").await;
    assert_eq!(response.status, 200);
    assert!(response.text().contains("\"via\":\"tunnel\""), "{}", response.text());

    let again = conn.exchange("GET", format!("GET /headers HTTP/1.1\r\nHost: {target}\r\n\r\n").as_bytes()).await;
    assert_eq!(again.status, 200);
    assert_eq!(proxy.records(), [record("CONNECT", &target, None, 1)]);
    let paths: Vec<String> = echo.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/get", "/headers"]);
}

#[tokio::test]
async fn basic_proxy_auth_407_then_200() {
    let (echo, proxy) = (EchoServer::start().await, RecordingProxy::start_with_auth("proxyuser", "p@ss:word").await);
    let url = echo.url("/get");

    let response = via(&proxy).get(&url).send().await.unwrap();
    assert_eq!(response.status(), 407);
    assert_eq!(response.headers()["proxy-authenticate"], "Basic realm=\"postie-test\"");

    let wrong = proxied(reqwest::Proxy::all(proxy.url()).unwrap().basic_auth("proxyuser", "nope"));
    assert_eq!(wrong.get(&url).send().await.unwrap().status(), 407);

    let right = proxied(reqwest::Proxy::all(proxy.url()).unwrap().basic_auth("proxyuser", "p@ss:word"));
    let response = right.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.bytes().await.unwrap();

    let records = proxy.records();
    let auth: Vec<Option<&str>> = records.iter().map(|r| r.proxy_authorization.as_deref()).collect();
    assert_eq!(auth, [None, Some("Basic cHJveHl1c2VyOm5vcGU="), Some("Basic cHJveHl1c2VyOnBAc3M6d29yZA==")]);
    assert_eq!(echo.requests().len(), 1, "refused requests never reach the server");
    assert_eq!(echo.requests()[0].header("proxy-authorization"), None, "credentials are not forwarded");

    // CONNECT is checked too, and the connection stays usable after a 407.
    let target = echo.addr().to_string();
    let mut conn = RawConn::open(proxy.addr()).await;
    let refused =
        conn.exchange("CONNECT", format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n").as_bytes()).await;
    assert_eq!(refused.status, 407);
    let request = format!(
        "CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nProxy-Authorization: Basic cHJveHl1c2VyOnBAc3M6d29yZA==\r\n\r\n"
    );
    assert_eq!(conn.exchange("CONNECT", request.as_bytes()).await.status, 200);
}

#[tokio::test]
async fn ntlm_scheme_always_challenges() {
    let (echo, proxy) = (EchoServer::start().await, RecordingProxy::start_with_auth_scheme("NTLM").await);
    // The proxy answers itself: nothing may reach the server.
    echo.allow_no_hits();
    let with_basic = proxied(reqwest::Proxy::all(proxy.url()).unwrap().basic_auth("u", "p"));
    for client in [via(&proxy), with_basic] {
        let response = client.get(echo.url("/get")).send().await.unwrap();
        assert_eq!(response.status(), 407);
        assert_eq!(response.headers()["proxy-authenticate"], "NTLM");
    }
    assert!(echo.requests().is_empty());
    assert_eq!(proxy.records().len(), 2);
}

#[tokio::test]
async fn non_loopback_targets_are_refused_without_connecting() {
    let proxy = RecordingProxy::start().await;
    let client = via(&proxy);
    // reqwest pools by destination, so repeating one URL shows the connection survives a 403.
    let urls = [
        "http://example.com/",
        "http://example.com/",
        "http://10.0.0.1:8080/x",
        "http://127.0.0.2/",
        "http://0.0.0.0/",
    ];
    for (i, url) in urls.into_iter().enumerate() {
        let response = client.post(url).body("ignored body").send().await.unwrap();
        assert_eq!(response.status(), 403, "{url}");
        assert!(response.text().await.unwrap().contains("only 127.0.0.1, localhost and ::1"));
        if i == 1 {
            assert_eq!(proxy.connections(), 1, "the client connection survived the first 403");
        }
    }

    let mut conn = RawConn::open(proxy.addr()).await;
    let refused = conn.exchange("CONNECT", b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n").await;
    assert_eq!(refused.status, 403);
    let targets: Vec<String> = proxy.records().into_iter().map(|r| r.target).collect();
    assert_eq!(targets.last().map(String::as_str), Some("example.com:443"));
}

#[tokio::test]
async fn unreachable_loopback_target_is_502_and_bad_requests_400() {
    let proxy = RecordingProxy::start().await;
    let port = unused_local_port();
    let response = via(&proxy).get(format!("http://127.0.0.1:{port}/")).send().await.unwrap();
    assert_eq!(response.status(), 502);

    let mut conn = RawConn::open(proxy.addr()).await;
    let origin_form = conn.exchange("GET", b"GET /relative HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert_eq!(origin_form.status, 400);
    let garbage = conn.exchange("GET", b"NONSENSE\r\n\r\n").await;
    assert_eq!(garbage.status, 400);
}

#[test]
fn blocking_proxy_from_sync_code() {
    let echo = EchoServer::start_blocking();
    let proxy = RecordingProxy::start_with_auth_blocking("u", "p");
    // Only start-up and shutdown are under test here.
    echo.allow_no_hits();
    proxy.allow_no_hits();
    let addr = proxy.addr();
    assert!(addr.ip().is_loopback());
    drop(proxy);
    assert!(std::net::TcpStream::connect(addr).is_err(), "the port closes on drop");
    let ntlm = RecordingProxy::start_with_auth_scheme_blocking("Negotiate");
    ntlm.allow_no_hits();
    assert_ne!(ntlm.addr(), echo.addr());
}
