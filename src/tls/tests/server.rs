//! Local test servers on 127.0.0.1:0: a rustls HTTPS server (optionally requiring a client
//! certificate) and a plain-HTTP server, plus a reqwest client that reports error chains.
//! Servers live in the test's runtime and end with it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, SupportedProtocolVersion};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::pki::Leaf;
use crate::tls::error_chain_text;

const RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok";

pub fn install_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

pub fn server_config(
    leaf: &Leaf,
    client_ca: Option<&[u8]>,
    versions: &[&'static SupportedProtocolVersion],
) -> Arc<ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder =
        ServerConfig::builder_with_provider(provider.clone()).with_protocol_versions(versions).expect("versions");
    let builder = match client_ca {
        Some(ca) => {
            let mut roots = RootCertStore::empty();
            roots.add(CertificateDer::from(ca.to_vec())).expect("client CA");
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .expect("client verifier");
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf.key.serialize_der()));
    Arc::new(builder.with_single_cert(vec![CertificateDer::from(leaf.der.clone())], key).expect("server cert"))
}

pub async fn serve_tls(config: Arc<ServerConfig>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let acceptor = TlsAcceptor::from(config);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    let mut buf = vec![0u8; 16 * 1024];
                    let mut seen = Vec::new();
                    let read_head = async {
                        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                            match tls.read(&mut buf).await {
                                Ok(0) | Err(_) => return false,
                                Ok(n) => seen.extend_from_slice(&buf[..n]),
                            }
                        }
                        true
                    };
                    if let Ok(true) = tokio::time::timeout(Duration::from_secs(5), read_head).await {
                        let _ = tls.write_all(RESPONSE).await;
                        let _ = tls.shutdown().await;
                    }
                }
            });
        }
    });
    addr
}

/// Answers every connection with a plain HTTP response at once, as a non-TLS port would.
pub async fn serve_plain() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = tcp.write_all(RESPONSE).await;
                let _ = tcp.shutdown().await;
            });
        }
    });
    addr
}

/// A reqwest client for `https://localhost:PORT` pinned to `addr`, trusting `ca` (added to the
/// platform verifier, or as the only root when `only`), with an optional identity.
pub fn client(
    addr: SocketAddr,
    ca: Option<&[u8]>,
    only: bool,
    identity: Option<reqwest::Identity>,
    max_tls12: bool,
) -> reqwest::Client {
    let mut b = reqwest::Client::builder().no_proxy().resolve("localhost", addr).timeout(Duration::from_secs(10));
    if let Some(ca) = ca {
        let cert = reqwest::Certificate::from_der(ca).expect("ca");
        b = if only { b.tls_certs_only([cert]) } else { b.tls_certs_merge([cert]) };
    }
    if let Some(id) = identity {
        b = b.identity(id);
    }
    if max_tls12 {
        b = b.tls_version_max(reqwest::tls::Version::TLS_1_2);
    }
    b.build().expect("client")
}

/// GETs `https://localhost:PORT/` and returns the body, or the error chain text.
pub async fn get(client: &reqwest::Client, addr: SocketAddr) -> Result<String, String> {
    let url = format!("https://localhost:{}/", addr.port());
    match client.get(&url).send().await {
        Ok(resp) => resp.text().await.map_err(|e| error_chain_text(&e)),
        Err(e) => Err(error_chain_text(&e)),
    }
}
