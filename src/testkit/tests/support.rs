//! Helpers shared by the testkit's own tests: reqwest clients that never read proxy
//! variables, and a raw HTTP/1.1 exchange over a TCP stream.

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::testkit::http1::{Head, copy_body, read_head, response_framing};

pub(super) fn builder() -> reqwest::ClientBuilder {
    // Installing twice fails harmlessly; every test calls it, whichever runs first.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().no_proxy()
}

/// A direct client (never routed by HTTP_PROXY and friends).
pub(super) fn client() -> reqwest::Client {
    builder().build().expect("reqwest client builds")
}

/// A direct client that does not follow redirects.
pub(super) fn client_no_redirect() -> reqwest::Client {
    builder().redirect(reqwest::redirect::Policy::none()).build().expect("reqwest client builds")
}

/// A client that sends everything through `proxy`.
pub(super) fn proxied(proxy: reqwest::Proxy) -> reqwest::Client {
    builder().proxy(proxy).build().expect("reqwest client builds")
}

/// A parsed raw response: status, head and the body bytes as they came (chunked stays chunked).
pub(super) struct RawResponse {
    pub(super) status: u16,
    pub(super) head: Head,
    pub(super) body: Vec<u8>,
}

impl RawResponse {
    pub(super) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads one response for a request of `method` from `reader`.
pub(super) async fn read_response<R>(reader: &mut R, method: &str) -> RawResponse
where
    R: tokio::io::AsyncBufRead + Unpin,
{
    // A framing mistake would otherwise hang the test run instead of failing one test.
    let read = async {
        let head = read_head(reader).await.expect("response head readable").expect("a response, not EOF");
        let status = head.start.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("status code");
        let framing = response_framing(method, status, &head).expect("valid framing");
        let mut body = Vec::new();
        copy_body(reader, &mut body, framing).await.expect("response body readable");
        RawResponse { status, head, body }
    };
    tokio::time::timeout(std::time::Duration::from_secs(20), read).await.expect("a whole response within 20 s")
}

/// One TCP connection to `addr`, for writing requests by hand.
pub(super) struct RawConn {
    pub(super) reader: BufReader<tokio::net::tcp::OwnedReadHalf>,
    pub(super) writer: tokio::net::tcp::OwnedWriteHalf,
}

impl RawConn {
    pub(super) async fn open(addr: std::net::SocketAddr) -> RawConn {
        let stream = TcpStream::connect(addr).await.expect("connect to the test server");
        let (reader, writer) = stream.into_split();
        RawConn { reader: BufReader::new(reader), writer }
    }

    pub(super) async fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).await.expect("write request");
    }

    pub(super) async fn exchange(&mut self, method: &str, request: &[u8]) -> RawResponse {
        self.send(request).await;
        read_response(&mut self.reader, method).await
    }
}
