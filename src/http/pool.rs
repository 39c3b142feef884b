//! `ClientPool`: one reqwest `Client` per (route, TLS and redirect settings), shared by
//! every lane so keep-alive connections and CONNECT tunnels are reused.
//!
//! reqwest's own pool key ignores the proxy, so routing through one client with
//! `Proxy::custom` would reuse a proxied connection for a direct request: hence a client
//! per route, each built with an explicit `.proxy(..)` or `.no_proxy()`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::trust::{HandshakeProbe, TrustStore};
use crate::proxy::Route;

/// Settings that change how a client connects; requests differing in these need their own client.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClientKey {
    pub route: Route,
    pub insecure: bool,
    /// `None`: do not follow redirects; `Some(n)`: follow up to n.
    pub max_redirects: Option<usize>,
    /// The client certificate presented to https servers, if one applies to the request.
    pub identity: Option<crate::tls::ClientIdentity>,
    pub protocol: HttpProtocol,
}

/// Which HTTP versions a client may speak (Postman's `protocolVersion`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum HttpProtocol {
    /// HTTP/1.1 only: what Newman does, so the default.
    #[default]
    Http1,
    /// HTTP/2 when an https server offers it by ALPN, else HTTP/1.1.
    Auto,
    /// HTTP/2 only: by ALPN over TLS, with prior knowledge over plain http.
    Http2,
}

impl HttpProtocol {
    /// Postman's spelling: `http1`, `http2`, `auto`.
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "http1" => Some(HttpProtocol::Http1),
            "http2" => Some(HttpProtocol::Http2),
            "auto" => Some(HttpProtocol::Auto),
            _ => None,
        }
    }

    /// The ALPN protocols offered in the TLS handshake, most preferred first.
    pub fn alpn(self) -> Vec<Vec<u8>> {
        match self {
            HttpProtocol::Http1 => vec![b"http/1.1".to_vec()],
            HttpProtocol::Auto => vec![b"h2".to_vec(), b"http/1.1".to_vec()],
            HttpProtocol::Http2 => vec![b"h2".to_vec()],
        }
    }
}

#[derive(Clone, Debug)]
pub struct PoolOptions {
    /// Idle keep-alive connections kept per host; `None` = reqwest's default.
    pub max_idle_per_host: Option<usize>,
    pub connect_timeout: Option<Duration>,
    /// Keep the server certificate of each response (for `--verbose`).
    pub tls_info: bool,
    /// The run's trust store (system roots plus extra CAs), shared by every client.
    pub trust: Arc<TrustStore>,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_idle_per_host: None,
            connect_timeout: None,
            tls_info: false,
            trust: TrustStore::new(Vec::new()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("cannot set up an HTTP client for route {route}: {message}")]
pub struct PoolError {
    pub route: String,
    pub message: String,
}

pub struct ClientPool {
    clients: Mutex<HashMap<ClientKey, (reqwest::Client, HandshakeProbe)>>,
    jar: Arc<reqwest::cookie::Jar>,
    options: PoolOptions,
}

impl ClientPool {
    pub fn new(options: PoolOptions) -> Self {
        Self::with_jar(options, Arc::new(reqwest::cookie::Jar::default()))
    }

    /// A pool whose clients share `jar` with other pools (one jar per run).
    pub fn with_jar(options: PoolOptions, jar: Arc<reqwest::cookie::Jar>) -> Self {
        ClientPool { clients: Mutex::new(HashMap::new()), jar, options }
    }

    /// The client for `key`, built on first use.
    pub fn client(&self, key: &ClientKey) -> Result<(reqwest::Client, HandshakeProbe), PoolError> {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = clients.get(key) {
            return Ok(c.clone());
        }
        let probe = HandshakeProbe::default();
        let client = (self.build(key, probe.clone())?, probe);
        clients.insert(key.clone(), client.clone());
        Ok(client)
    }

    /// How many distinct clients (routes × settings) the run needed.
    pub fn len(&self) -> usize {
        self.clients.lock().map(|c| c.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn build(&self, key: &ClientKey, probe: HandshakeProbe) -> Result<reqwest::Client, PoolError> {
        let fail = |message: String| PoolError { route: key.route.to_string(), message };
        let mut b = reqwest::Client::builder()
            .cookie_provider(self.jar.clone())
            .http1_title_case_headers()
            .tls_info(self.options.tls_info)
            .redirect(match key.max_redirects {
                None => reqwest::redirect::Policy::none(),
                Some(n) => reqwest::redirect::Policy::limited(n),
            })
            .tls_backend_preconfigured(
                self.options
                    .trust
                    .client_config(key.insecure, key.identity.as_ref(), key.protocol.alpn(), probe)
                    .map_err(|e| fail(e.to_string()))?,
            );
        b = match key.protocol {
            HttpProtocol::Http1 => b.http1_only(),
            // The TLS configuration's ALPN list decides; plain http stays HTTP/1.1.
            HttpProtocol::Auto => b,
            HttpProtocol::Http2 => b.http2_prior_knowledge(),
        };
        if let Some(n) = self.options.max_idle_per_host {
            b = b.pool_max_idle_per_host(n);
        }
        if let Some(t) = self.options.connect_timeout {
            b = b.connect_timeout(t);
        }
        b = match &key.route {
            Route::Direct => b.no_proxy(),
            Route::Proxy(endpoint) => {
                let proxy = reqwest::Proxy::all(endpoint.url_with_credentials()).map_err(|e| fail(e.to_string()))?;
                b.proxy(proxy)
            }
        };
        b.build().map_err(|e| fail(e.to_string()))
    }
}
