//! A small HTTPS server for TLS and CONNECT-tunnel tests: it answers every request with a
//! JSON echo of its method and path, keeps connections alive, and records what it saw.
//! It can offer HTTP/2 by ALPN, for protocol negotiation tests.
//!
//! Owns: TLS termination with a certificate the test generated (PEM in, no files), and
//! optionally requiring a client certificate signed by a given CA.
//! Must not: listen anywhere but 127.0.0.1.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::server_thread::{ServerThread, TestkitError};

/// One request the TLS server answered: method, path, and whether the client showed a certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsRecord {
    pub method: String,
    pub path: String,
    pub client_cert: bool,
    pub connection_id: u64,
    /// `HTTP/1.1` or `HTTP/2`.
    pub version: String,
}

pub struct TlsServer {
    thread: ServerThread,
    records: Arc<Mutex<Vec<TlsRecord>>>,
    connections: Arc<AtomicU64>,
}

#[derive(Debug, thiserror::Error)]
pub enum TlsServerError {
    #[error("testkit: bad TLS material: {0}")]
    Material(String),
    #[error(transparent)]
    Start(#[from] TestkitError),
}

impl TlsServer {
    /// Serves with `cert_chain_pem` / `key_pem`; with `client_ca_pem`, a client certificate
    /// signed by that CA is required.
    pub fn start_blocking(
        cert_chain_pem: &str,
        key_pem: &str,
        client_ca_pem: Option<&str>,
    ) -> Result<TlsServer, TlsServerError> {
        Self::start(cert_chain_pem, key_pem, client_ca_pem, false)
    }

    /// Like `start_blocking` without a client CA, offering `h2` before `http/1.1` by ALPN, as
    /// most HTTPS servers do: the client chooses.
    pub fn start_offering_h2(cert_chain_pem: &str, key_pem: &str) -> Result<TlsServer, TlsServerError> {
        Self::start(cert_chain_pem, key_pem, None, true)
    }

    fn start(
        cert_chain_pem: &str,
        key_pem: &str,
        client_ca_pem: Option<&str>,
        offer_h2: bool,
    ) -> Result<TlsServer, TlsServerError> {
        let bad = |e: &dyn std::fmt::Display| TlsServerError::Material(e.to_string());
        let certs: Vec<CertificateDer<'static>> =
            CertificateDer::pem_slice_iter(cert_chain_pem.as_bytes()).collect::<Result<_, _>>().map_err(|e| bad(&e))?;
        let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|e| bad(&e))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| bad(&e))?;
        let builder = match client_ca_pem {
            Some(ca) => {
                let mut roots = rustls::RootCertStore::empty();
                for c in CertificateDer::pem_slice_iter(ca.as_bytes()) {
                    roots.add(c.map_err(|e| bad(&e))?).map_err(|e| bad(&e))?;
                }
                let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                    .build()
                    .map_err(|e| bad(&e))?;
                builder.with_client_cert_verifier(verifier)
            }
            None => builder.with_no_client_auth(),
        };
        let mut config = builder.with_single_cert(certs, key).map_err(|e| bad(&e))?;
        config.alpn_protocols =
            if offer_h2 { vec![b"h2".to_vec(), b"http/1.1".to_vec()] } else { vec![b"http/1.1".to_vec()] };
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let records = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicU64::new(0));
        let (rec, conns) = (records.clone(), connections.clone());
        let thread = ServerThread::spawn("tls server", move |listener| async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else { continue };
                let id = conns.fetch_add(1, Ordering::SeqCst) + 1;
                let (acceptor, rec) = (acceptor.clone(), rec.clone());
                tokio::spawn(async move {
                    // A failed handshake is what the TLS error tests provoke: just close.
                    if let Ok(stream) = acceptor.accept(tcp).await {
                        let client_cert = stream.get_ref().1.peer_certificates().is_some_and(|c| !c.is_empty());
                        if stream.get_ref().1.alpn_protocol() == Some(b"h2") {
                            serve_h2(stream, id, rec).await;
                        } else {
                            serve_connection(stream, id, client_cert, rec).await;
                        }
                    }
                });
            }
        })?;
        let hits = connections.clone();
        let thread = thread.count_hits(move || hits.load(Ordering::SeqCst));
        Ok(TlsServer { thread, records, connections })
    }

    /// `https://localhost:PORT{path}` (the name the test certificates carry).
    pub fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.thread.addr().port())
    }

    pub fn port(&self) -> u16 {
        self.thread.addr().port()
    }

    /// This server may see no connection in this test; without this, dropping a server
    /// nobody connected to fails the test.
    pub fn allow_no_hits(&self) {
        self.thread.allow_no_hits();
    }

    pub fn records(&self) -> Vec<TlsRecord> {
        self.records.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// TCP connections accepted (including failed handshakes).
    pub fn connections(&self) -> u64 {
        self.connections.load(Ordering::SeqCst)
    }
}

async fn serve_connection<S>(mut stream: S, id: u64, client_cert: bool, records: Arc<Mutex<Vec<TlsRecord>>>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        // Read one request head (bodies are drained by Content-Length).
        let head_end = loop {
            if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break pos + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
            if buf.len() > 1 << 20 {
                return;
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let mut lines = head.lines();
        let mut first = lines.next().unwrap_or_default().split_whitespace();
        let method = first.next().unwrap_or_default().to_string();
        let path = first.next().unwrap_or_default().to_string();
        let length: usize = lines
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + length {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..head_end + length);
        if let Ok(mut r) = records.lock() {
            r.push(TlsRecord {
                method: method.clone(),
                path: path.clone(),
                client_cert,
                connection_id: id,
                version: "HTTP/1.1".into(),
            });
        }
        let body =
            serde_json::json!({"method": method, "path": path, "tls": true, "clientCert": client_cert}).to_string();
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: keep-alive\r\n\r\n{body}",
            body.len()
        );
        if stream.write_all(response.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// Serves one HTTP/2 connection (hyper's server) with the same JSON answer as HTTP/1.1.
async fn serve_h2<S>(stream: S, id: u64, records: Arc<Mutex<Vec<TlsRecord>>>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
        let records = records.clone();
        async move {
            let (method, path) = (request.method().to_string(), request.uri().path().to_string());
            if let Ok(mut r) = records.lock() {
                r.push(TlsRecord {
                    method: method.clone(),
                    path: path.clone(),
                    client_cert: false,
                    connection_id: id,
                    version: "HTTP/2".into(),
                });
            }
            let body = serde_json::json!({"method": method, "path": path, "tls": true, "http2": true}).to_string();
            let mut response = hyper::Response::new(http_body_util::Full::new(bytes::Bytes::from(body)));
            response.headers_mut().insert("content-type", hyper::header::HeaderValue::from_static("application/json"));
            Ok::<_, std::convert::Infallible>(response)
        }
    });
    let _ = hyper::server::conn::http2::Builder::new(hyper_util::rt::TokioExecutor::new())
        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
        .await;
}

/// A TLS front for another local server: terminates TLS with the given certificate and
/// copies bytes to `upstream` (e.g. a `RecordingProxy`, making it an https proxy).
pub struct TlsFront {
    thread: ServerThread,
}

impl TlsFront {
    pub fn start_blocking(
        cert_chain_pem: &str,
        key_pem: &str,
        upstream: std::net::SocketAddr,
    ) -> Result<TlsFront, TlsServerError> {
        let bad = |e: &dyn std::fmt::Display| TlsServerError::Material(e.to_string());
        let certs: Vec<CertificateDer<'static>> =
            CertificateDer::pem_slice_iter(cert_chain_pem.as_bytes()).collect::<Result<_, _>>().map_err(|e| bad(&e))?;
        let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|e| bad(&e))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| bad(&e))?
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .map_err(|e| bad(&e))?;
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let accepted = Arc::new(AtomicU64::new(0));
        let counter = accepted.clone();
        let thread = ServerThread::spawn("tls front", move |listener| async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else { continue };
                counter.fetch_add(1, Ordering::SeqCst);
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                    let Ok(mut up) = tokio::net::TcpStream::connect(upstream).await else { return };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut up).await;
                });
            }
        })?;
        let thread = thread.count_hits(move || accepted.load(Ordering::SeqCst));
        Ok(TlsFront { thread })
    }

    pub fn port(&self) -> u16 {
        self.thread.addr().port()
    }
}
