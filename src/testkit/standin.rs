//! [`StandIn`]: every server of a collection at once, for comparing runners. A forward
//! proxy on 127.0.0.1 that answers each request itself, whatever its host, with a JSON echo
//! of what it received (the echo API's `/anything` shape, without the headers that differ
//! by runner: `User-Agent`, `Postman-Token`); https arrives by CONNECT and is answered over
//! TLS with one certificate (both runners are run with certificate checks off).
//!
//! A host that could not resolve (a `{{baseUrl}}` left in it, characters no DNS name has)
//! gets its connection closed, as a failed lookup ends a request; a CONNECT is never
//! answered 502, since Newman crashes on that. Records the method and URL of everything
//! answered, in arrival order.
//! Must not: connect anywhere; it is the only server.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::echo_handlers::full_echo;
use super::server_thread::ServerThread;
use super::tls::TlsServerError;

/// One request the stand-in answered.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StandInRecord {
    pub method: String,
    pub url: String,
    /// The headers as they arrived (names in lower case, `User-Agent` and `Postman-Token`
    /// left out, as in the echo).
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The body, as text (invalid UTF-8 replaced).
    #[serde(default)]
    pub body: String,
}

type Records = Arc<Mutex<Vec<StandInRecord>>>;

/// A running stand-in; dropping it stops it.
pub struct StandIn {
    thread: ServerThread,
    records: Records,
}

/// Why a request was not answered (the connection is closed instead).
#[derive(Debug, thiserror::Error)]
#[error("stand-in: host `{0}` would not resolve")]
struct Unresolvable(String);

/// Whether `host` could be looked up: an IP literal or a DNS name of letters, digits and
/// hyphens (what a left-over `{{var}}`, a space or an underscore never is).
pub fn resolvable(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    !host.is_empty()
        && host.len() <= 253
        && host.trim_end_matches('.').split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

fn host_of(authority: &str) -> &str {
    match authority.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) && !host.ends_with(':') => host,
        _ => authority,
    }
}

async fn answer(
    req: Request<Incoming>,
    base: Option<Arc<str>>,
    records: Records,
) -> Result<Response<Full<Bytes>>, Unresolvable> {
    let (parts, body) = req.into_parts();
    let url = match &base {
        // inside a CONNECT tunnel: origin-form, the host is the tunnel's
        Some(base) => format!("{base}{}", parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")),
        None => parts.uri.to_string(),
    };
    let authority = match &base {
        Some(base) => base.trim_start_matches("https://").to_string(),
        None => parts.uri.authority().map(|a| a.to_string()).unwrap_or_default(),
    };
    if !resolvable(host_of(&authority)) {
        return Err(Unresolvable(authority));
    }
    let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let mut headers = parts.headers.clone();
    headers.remove(hyper::header::USER_AGENT);
    headers.remove("postman-token");
    let mut echo = full_echo(Some(&parts.method), &parts.uri, &headers, &body);
    echo["url"] = serde_json::Value::String(url.clone());
    let record = StandInRecord {
        method: parts.method.to_string(),
        url,
        headers: headers
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    records.lock().unwrap_or_else(|p| p.into_inner()).push(record);
    let bytes = serde_json::to_vec(&echo).unwrap_or_default();
    let mut response = Response::new(Full::new(Bytes::from(bytes)));
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json; charset=utf-8"),
    );
    Ok(response)
}

async fn handle(
    req: Request<Incoming>,
    acceptor: tokio_rustls::TlsAcceptor,
    records: Records,
) -> Result<Response<Full<Bytes>>, Unresolvable> {
    if req.method() != Method::CONNECT {
        return answer(req, None, records).await;
    }
    let authority = req.uri().authority().map(|a| a.to_string()).unwrap_or_default();
    if !resolvable(host_of(&authority)) {
        return Err(Unresolvable(authority));
    }
    let base: Arc<str> = Arc::from(format!("https://{authority}"));
    tokio::spawn(async move {
        let Ok(upgraded) = hyper::upgrade::on(req).await else { return };
        let Ok(tls) = acceptor.accept(TokioIo::new(upgraded)).await else { return };
        let service = hyper::service::service_fn(move |req| answer(req, Some(base.clone()), records.clone()));
        let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(tls), service).await;
    });
    let mut ok = Response::new(Full::new(Bytes::new()));
    *ok.status_mut() = StatusCode::OK;
    Ok(ok)
}

/// Whether the first request on a connection names a host that could resolve (peeked, so
/// the bytes stay for the HTTP server). Absolute-form targets and CONNECT authorities are
/// checked; anything else passes.
async fn first_host_resolvable(tcp: &tokio::net::TcpStream) -> bool {
    let mut buf = [0u8; 2048];
    let Ok(Ok(n)) = tokio::time::timeout(std::time::Duration::from_secs(5), tcp.peek(&mut buf)).await else {
        return true;
    };
    let head = String::from_utf8_lossy(&buf[..n]);
    let Some(target) = head.split(' ').nth(1) else { return true };
    let authority = match target.split_once("://") {
        Some((_, rest)) => rest.split(['/', '?', '#']).next().unwrap_or_default(),
        None if head.starts_with("CONNECT ") => target,
        None => return true,
    };
    let authority = authority.rsplit_once('@').map(|(_, host)| host).unwrap_or(authority);
    resolvable(host_of(authority))
}

impl StandIn {
    /// Starts with the certificate https requests are answered with (any name: the
    /// clients do not check it).
    pub fn start_blocking(cert_chain_pem: &str, key_pem: &str) -> Result<StandIn, TlsServerError> {
        let bad = |e: &dyn std::fmt::Display| TlsServerError::Material(e.to_string());
        let certs: Vec<CertificateDer<'static>> =
            CertificateDer::pem_slice_iter(cert_chain_pem.as_bytes()).collect::<Result<_, _>>().map_err(|e| bad(&e))?;
        let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|e| bad(&e))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| bad(&e))?
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .map_err(|e| bad(&e))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let records: Records = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicU64::new(0));
        let (rec, conns) = (records.clone(), connections.clone());
        let thread = ServerThread::spawn("stand-in", move |listener| async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else { continue };
                conns.fetch_add(1, Ordering::SeqCst);
                let (acceptor, rec) = (acceptor.clone(), rec.clone());
                tokio::spawn(async move {
                    // A request line whose host could not resolve is closed on before any
                    // HTTP parser answers it (hyper would send 400 for a `{{var}}` host).
                    if !first_host_resolvable(&tcp).await {
                        return;
                    }
                    let service = hyper::service::service_fn(move |req| handle(req, acceptor.clone(), rec.clone()));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tcp), service)
                        .with_upgrades()
                        .await;
                });
            }
        })?;
        let hits = connections.clone();
        let thread = thread.count_hits(move || hits.load(Ordering::SeqCst));
        Ok(StandIn { thread, records })
    }

    /// The proxy URL to give both runners.
    pub fn url(&self) -> String {
        format!("http://{}", self.thread.addr())
    }

    pub fn allow_no_hits(&self) {
        self.thread.allow_no_hits();
    }

    /// What was answered so far, in arrival order.
    pub fn records(&self) -> Vec<StandInRecord> {
        self.records.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Forgets the records (between collections).
    pub fn clear(&self) {
        self.records.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_that_could_not_resolve() {
        for ok in ["api.example.com", "localhost", "127.0.0.1", "[::1]", "a-b.c", "x.y."] {
            assert!(resolvable(ok), "{ok}");
        }
        for bad in ["{{baseUrl}}", "", "my_host", "a b", "-a.b", "a..b", "%7B%7Burl%7D%7D"] {
            assert!(!resolvable(bad), "{bad}");
        }
        assert_eq!(host_of("api.example.com:8443"), "api.example.com");
        assert_eq!(host_of("[::1]:80"), "[::1]");
        assert_eq!(host_of("example.com"), "example.com");
    }
}
