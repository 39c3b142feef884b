//! The relay that lets reqwest use proxies demanding connection-bound authentication
//! (NTLM, Negotiate): reqwest talks plain HTTP/1.1 to it on loopback, and it talks to the
//! real proxy, answering the proxy's 407s itself.
//!
//! Each connection reqwest opens to the relay is pinned to one connection to the proxy,
//! authenticated once (NTLM and Negotiate authenticate the TCP connection, not the
//! request). reqwest's keep-alive pool therefore reuses authenticated proxy connections:
//! one handshake per connection, not per request. A CONNECT gets its own proxy connection,
//! authenticated, then spliced. The relay runs on its own thread and runtime, so lanes on
//! any worker runtime share it.
//!
//! This file owns the relay's server side (its clients, their token, the registry of
//! relays); `upstream` the connection to the proxy and its handshakes.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::Incoming;
use hyper::{HeaderMap, Method, Request, Response, StatusCode, Version};
use hyper_util::rt::TokioIo;

use super::negotiate::{Gssapi, NegotiateError};
use super::scheme::ProxyAuthMode;
use crate::proxy::ProxyEndpoint;

mod upstream;

use upstream::{Head, Upstream, drain, open};

type Body = BoxBody<Bytes, hyper::Error>;

/// Header on a relay's own error response, so the sender tells it from the proxy's.
pub const RELAY_ERROR_HEADER: &str = "x-postie-relay-error";

/// The user name of the relay's own credentials.
const RELAY_USER: &str = "postie-relay";

/// Base64 may hold `+`, `/` and `=`: percent-encode them for the proxy URL.
fn percent_token(token: &str) -> String {
    token.replace('%', "%25").replace('+', "%2B").replace('/', "%2F").replace('=', "%3D")
}

/// How long the relay waits for the proxy's TCP handshake.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// What went wrong between the relay and the proxy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// The proxy cannot be connected to.
    Connect,
    /// The proxy refused every answer postie could give.
    Authentication,
    /// The proxy closed the connection after the request may have reached it: not a dead
    /// proxy (no failover, which could send the request twice).
    Lost,
}

#[derive(Clone, Debug)]
pub struct Failure {
    pub kind: FailureKind,
    pub message: String,
}

struct Shared {
    proxy: ProxyEndpoint,
    mode: ProxyAuthMode,
    gss: OnceLock<Result<Arc<Gssapi>, NegotiateError>>,
    /// Why the last CONNECT to each target failed, taken by the sender that asked.
    failures: Mutex<HashMap<String, Failure>>,
    handshakes: AtomicUsize,
    /// `Proxy-Authorization` every client of this relay must send: the relay holds the
    /// user's proxy credentials, so nothing else on the machine may use it.
    client_token: String,
}

/// A running relay for one proxy (with its credentials) and mode.
pub struct Relay {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

type Key = (ProxyEndpoint, ProxyAuthMode);

static RELAYS: OnceLock<Mutex<HashMap<Key, Arc<Relay>>>> = OnceLock::new();

/// The relay for `proxy` and `mode`, started on first use and kept for the process.
pub fn relay_for(proxy: &ProxyEndpoint, mode: ProxyAuthMode) -> std::io::Result<Arc<Relay>> {
    let mut relays = RELAYS.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    let key = (proxy.clone(), mode);
    if let Some(relay) = relays.get(&key) {
        return Ok(relay.clone());
    }
    let relay = Arc::new(Relay::start(proxy.clone(), mode)?);
    relays.insert(key, relay.clone());
    Ok(relay)
}

impl Relay {
    fn start(proxy: ProxyEndpoint, mode: ProxyAuthMode) -> std::io::Result<Relay> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let secret: [u8; 24] = rand::random();
        let shared = Arc::new(Shared {
            proxy,
            mode,
            gss: OnceLock::new(),
            failures: Mutex::new(HashMap::new()),
            handshakes: AtomicUsize::new(0),
            client_token: STANDARD.encode(secret),
        });
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let serving = shared.clone();
        std::thread::Builder::new().name("postie-proxy-relay".into()).spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
                while let Ok((stream, _)) = listener.accept().await {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(serve(stream, serving.clone()));
                }
            })
        })?;
        Ok(Relay { addr, shared })
    }

    /// The proxy URL reqwest uses for the relay: its address, with the token only this
    /// run knows as Basic credentials. Never printed.
    pub fn proxy_url(&self) -> String {
        format!("http://{RELAY_USER}:{}@{}", percent_token(&self.shared.client_token), self.addr)
    }

    /// Why the last CONNECT to `target` (`host:port`) failed at the proxy; taken once.
    pub fn take_failure(&self, target: &str) -> Option<Failure> {
        self.shared.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(target)
    }

    /// Connection-bound handshakes completed (NTLM, Negotiate).
    pub fn handshakes(&self) -> usize {
        self.shared.handshakes.load(Ordering::Relaxed)
    }
}

async fn serve(stream: tokio::net::TcpStream, shared: Arc<Shared>) {
    let pinned = Arc::new(tokio::sync::Mutex::new(None::<Upstream>));
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        let (shared, pinned) = (shared.clone(), pinned.clone());
        async move {
            if !shared.authorized(req.headers()) {
                let refused =
                    Failure { kind: FailureKind::Authentication, message: "not a client of this relay".into() };
                return Ok::<_, Infallible>(failure_response(&refused));
            }
            let response = if req.method() == Method::CONNECT {
                tunnel(req, &shared).await
            } else {
                forward(req, &shared, &pinned).await
            };
            Ok::<_, Infallible>(response)
        }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades()
        .await;
}

fn full(status: StatusCode, headers: Option<HeaderMap>, body: Bytes) -> Response<Body> {
    let mut response = Response::new(Full::new(body).map_err(|never| match never {}).boxed());
    *response.status_mut() = status;
    if let Some(headers) = headers {
        *response.headers_mut() = headers;
    }
    response
}

/// The relay's own answer when the proxy could not be used: 407 for authentication, 502
/// for a proxy that cannot be reached; marked so the sender reports the relay's message.
fn failure_response(failure: &Failure) -> Response<Body> {
    let status = match failure.kind {
        FailureKind::Authentication => StatusCode::PROXY_AUTHENTICATION_REQUIRED,
        FailureKind::Connect | FailureKind::Lost => StatusCode::BAD_GATEWAY,
    };
    let mut response = full(status, None, Bytes::from(format!("{}\n", failure.message)));
    let kind = match failure.kind {
        FailureKind::Authentication => "authentication",
        FailureKind::Connect => "connect",
        FailureKind::Lost => "lost",
    };
    response.headers_mut().insert(RELAY_ERROR_HEADER, hyper::header::HeaderValue::from_static(kind));
    response
}

/// Headers that belong to the hop between reqwest and the relay.
fn strip_hop_headers(headers: &mut HeaderMap) {
    for name in ["proxy-authorization", "proxy-connection"] {
        headers.remove(name);
    }
}

async fn forward(
    req: Request<Incoming>,
    shared: &Shared,
    pinned: &tokio::sync::Mutex<Option<Upstream>>,
) -> Response<Body> {
    let (parts, incoming) = req.into_parts();
    let body = incoming.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let mut headers = parts.headers;
    strip_hop_headers(&mut headers);
    let head = Head { method: parts.method, uri: parts.uri, version: parts.version, headers };
    let mut guard = pinned.lock().await;
    // Twice at most: a pinned connection the proxy closed while idle fails on its first
    // leg, and the request then goes on a new connection (which authenticates again).
    for attempt in 0..2 {
        let reused = guard.as_ref().is_some_and(|up| !up.send.is_closed());
        if !reused {
            match open(shared).await {
                Ok(up) => *guard = Some(up),
                Err(failure) => return failure_response(&shared.fail(failure.kind, failure.message)),
            }
        }
        let Some(up) = guard.as_mut() else { break };
        match shared.exchange(up, &head, &body).await {
            Ok(mut response) => {
                // Only the relay's own errors carry the marker; a server cannot forge one.
                response.headers_mut().remove(RELAY_ERROR_HEADER);
                return response.map(|b| b.boxed());
            }
            // Resent only when resending is harmless: the request may have reached the target.
            Err(failure) if reused && attempt == 0 && failure.kind == FailureKind::Lost && idempotent(&head.method) => {
                *guard = None
            }
            Err(failure) => return failure_response(&failure),
        }
    }
    failure_response(
        &shared.fail(FailureKind::Connect, format!("proxy {} keeps closing the connection", shared.proxy.masked())),
    )
}

fn idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE | Method::TRACE)
}

async fn tunnel(mut req: Request<Incoming>, shared: &Shared) -> Response<Body> {
    let inbound = hyper::upgrade::on(&mut req);
    let mut headers = req.headers().clone();
    strip_hop_headers(&mut headers);
    let head = Head { method: Method::CONNECT, uri: req.uri().clone(), version: Version::HTTP_11, headers };
    let target = req.uri().authority().map(|a| a.to_string()).unwrap_or_default();
    let mut up = match open(shared).await {
        Ok(up) => up,
        Err(failure) => {
            shared.note_failure(&target, &failure);
            return failure_response(&failure);
        }
    };
    let response = match shared.exchange(&mut up, &head, &Bytes::new()).await {
        Ok(response) => response,
        Err(failure) => {
            shared.note_failure(&target, &failure);
            return failure_response(&failure);
        }
    };
    if !response.status().is_success() {
        let (parts, body) = drain(response).await;
        return full(parts.status, Some(parts.headers), body);
    }
    let outbound = hyper::upgrade::on(response);
    tokio::spawn(async move {
        let (Ok(inbound), Ok(outbound)) = (inbound.await, outbound.await) else { return };
        let _ = tokio::io::copy_bidirectional(&mut TokioIo::new(inbound), &mut TokioIo::new(outbound)).await;
    });
    let mut ok = Response::new(Empty::new().map_err(|never| match never {}).boxed());
    *ok.status_mut() = StatusCode::OK;
    ok
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use super::*;

    fn ask(relay: &Relay, authorization: Option<String>) -> String {
        let mut stream = std::net::TcpStream::connect(relay.addr).unwrap();
        stream.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
        let auth = authorization.map(|a| format!("Proxy-Authorization: {a}\r\n")).unwrap_or_default();
        let request =
            format!("GET http://127.0.0.1:9/x HTTP/1.1\r\nHost: 127.0.0.1:9\r\n{auth}Connection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    }

    #[test]
    fn only_clients_with_the_relays_token_get_through() {
        // A proxy on a port nothing listens on: a client that gets through meets a 502.
        let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let (proxy, _) = ProxyEndpoint::parse(&format!("http://alice:pw@127.0.0.1:{dead}"), "test").unwrap();
        let relay = Relay::start(proxy, ProxyAuthMode::Any).unwrap();
        let stranger = ask(&relay, None);
        assert!(stranger.starts_with("HTTP/1.1 407"), "{stranger}");
        assert!(stranger.contains("not a client of this relay"), "{stranger}");
        let guess = ask(&relay, Some(format!("Basic {}", STANDARD.encode("postie-relay:guess"))));
        assert!(guess.starts_with("HTTP/1.1 407"), "{guess}");
        let own = ask(
            &relay,
            Some(format!("Basic {}", STANDARD.encode(format!("{RELAY_USER}:{}", relay.shared.client_token)))),
        );
        assert!(own.starts_with("HTTP/1.1 502"), "{own}");
        assert!(
            own.contains(RELAY_ERROR_HEADER) && own.contains("cannot connect to proxy http://***:***@127.0.0.1"),
            "{own}"
        );
        assert!(!own.contains("pw"), "{own}");
        // The URL reqwest gets holds the token percent-encoded, and parses back to it.
        let url = url::Url::parse(&relay.proxy_url()).unwrap();
        let token = percent_decode(url.password().unwrap());
        assert_eq!(token, relay.shared.client_token);
    }

    fn percent_decode(text: &str) -> String {
        text.replace("%2B", "+").replace("%2F", "/").replace("%3D", "=").replace("%25", "%")
    }
}
