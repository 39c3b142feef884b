//! `ClientPool`: one reqwest `Client` per (route, TLS and redirect settings), shared by
//! every lane so keep-alive connections and CONNECT tunnels are reused.
//!
//! reqwest's own pool key ignores the proxy, so routing through one client with
//! `Proxy::custom` would reuse a proxied connection for a direct request: hence a client
//! per route, each built with an explicit `.proxy(..)` or `.no_proxy()`.
//!
//! Each route also has a second client that keeps no idle connections: a request lost to a
//! stale pooled connection is re-sent through it (so the re-send is on a new connection for
//! sure), and a proxy that answers `Proxy-Connection: close` gets every later request on it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use super::reconnect::{NoteConnects, note_redirect};
use super::trust::{HandshakeProbe, TrustStore};
use crate::proxy::{ProxyScheme, Route};
use crate::proxyauth::{ProxyAuthMode, Relay, relay_for};

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

/// How long an idle keep-alive connection stays in the pool: below the shortest idle
/// timeout common servers and proxies use (gunicorn 2 s; Node.js, Apache httpd and uvicorn
/// 5 s), so the pool drops a connection before the other side does.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_millis(1500);

#[derive(Clone, Debug)]
pub struct PoolOptions {
    /// Idle keep-alive connections kept per host; `None` = reqwest's default.
    pub max_idle_per_host: Option<usize>,
    /// `--pool-idle-timeout`: idle connections older than this are not reused.
    pub idle_timeout: Duration,
    pub connect_timeout: Option<Duration>,
    /// Keep the server certificate of each response (for `--verbose`).
    pub tls_info: bool,
    /// The run's trust store (system roots plus extra CAs), shared by every client.
    pub trust: Arc<TrustStore>,
    /// `--proxy-auth`: when http-proxy routes go through the authenticating relay.
    pub proxy_auth: ProxyAuthMode,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_idle_per_host: None,
            idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
            connect_timeout: None,
            tls_info: false,
            trust: TrustStore::new(Vec::new()),
            proxy_auth: ProxyAuthMode::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("cannot set up an HTTP client for route {route}: {message}")]
pub struct PoolError {
    pub route: String,
    pub message: String,
}

/// The clients of one key: the pooled one, and the one that never reuses a connection.
pub struct RouteClients {
    key: ClientKey,
    pooled: reqwest::Client,
    fresh: OnceLock<reqwest::Client>,
    /// The proxy asked to close its connections (`Proxy-Connection: close`).
    closing: AtomicBool,
    pub probe: HandshakeProbe,
    /// The relay answering the proxy's NTLM/Negotiate challenges, with the pooled and the
    /// never-reusing client through it; set once the route needs it.
    relayed: OnceLock<Relayed>,
}

/// A route's clients through the authenticating relay.
struct Relayed {
    relay: Arc<Relay>,
    pooled: reqwest::Client,
    fresh: reqwest::Client,
}

impl RouteClients {
    /// The client for the next request: the pooled one unless the proxy asked to close.
    pub fn client(&self, pool: &ClientPool) -> Result<reqwest::Client, PoolError> {
        if self.closing.load(Ordering::Relaxed) {
            return self.fresh(pool);
        }
        Ok(match self.relayed.get() {
            Some(r) => r.pooled.clone(),
            None => self.pooled.clone(),
        })
    }

    /// A client whose every request opens a new connection (built on first use).
    pub fn fresh(&self, pool: &ClientPool) -> Result<reqwest::Client, PoolError> {
        if let Some(r) = self.relayed.get() {
            return Ok(r.fresh.clone());
        }
        if let Some(c) = self.fresh.get() {
            return Ok(c.clone());
        }
        let built = pool.build(&self.key, self.probe.clone(), Idle::Never, None)?;
        Ok(self.fresh.get_or_init(|| built).clone())
    }

    /// Sends this route's requests through the relay that answers NTLM and Negotiate
    /// challenges from now on. False when the route cannot use it (direct, SOCKS, a TLS
    /// proxy) or `--proxy-auth basic` rules it out.
    pub fn use_relay(&self, pool: &ClientPool) -> Result<bool, PoolError> {
        if self.relayed.get().is_some() {
            return Ok(true);
        }
        let Route::Proxy(endpoint) = &self.key.route else { return Ok(false) };
        if endpoint.scheme != ProxyScheme::Http || pool.options.proxy_auth == ProxyAuthMode::Basic {
            return Ok(false);
        }
        let fail = |message: String| PoolError { route: self.key.route.to_string(), message };
        let relay = relay_for(endpoint, pool.options.proxy_auth)
            .map_err(|e| fail(format!("cannot start the proxy authentication relay: {e}")))?;
        let via = Some(relay.proxy_url());
        let pooled = pool.build(&self.key, self.probe.clone(), Idle::Pooled, via.clone())?;
        let fresh = pool.build(&self.key, self.probe.clone(), Idle::Never, via)?;
        let _ = self.relayed.set(Relayed { relay, pooled, fresh });
        Ok(true)
    }

    /// A client of its own with room for one idle connection, so that requests sent on it
    /// one after another share a connection (NTLM against a server authenticates the
    /// connection); through the relay when the route uses it.
    pub fn dedicated(&self, pool: &ClientPool) -> Result<reqwest::Client, PoolError> {
        let via = self.relayed.get().map(|r| r.relay.proxy_url());
        pool.build(&self.key, self.probe.clone(), Idle::One, via)
    }

    /// The relay, once the route uses it.
    pub fn relay(&self) -> Option<&Arc<Relay>> {
        self.relayed.get().map(|r| &r.relay)
    }

    /// The proxy closes its connections after each response: stop pooling them.
    pub fn stop_reusing(&self) {
        self.closing.store(true, Ordering::Relaxed);
    }
}

/// How many idle connections a client keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Idle {
    Pooled,
    Never,
    One,
}

/// What `Policy::limited` says, for the same classification (`TooManyRedirects`).
#[derive(Debug, thiserror::Error)]
#[error("too many redirects (more than {0})")]
struct TooManyRedirects(usize);

pub struct ClientPool {
    clients: Mutex<HashMap<ClientKey, Arc<RouteClients>>>,
    jar: Arc<crate::cookies::CookieJar>,
    options: PoolOptions,
}

impl ClientPool {
    pub fn new(options: PoolOptions) -> Self {
        Self::with_jar(options, Arc::new(crate::cookies::CookieJar::new()))
    }

    /// A pool whose clients share `jar` with other pools (one jar per run).
    pub fn with_jar(options: PoolOptions, jar: Arc<crate::cookies::CookieJar>) -> Self {
        ClientPool { clients: Mutex::new(HashMap::new()), jar, options }
    }

    /// The run's cookie jar: `send` keeps and sends cookies itself, as Newman's request
    /// library does across redirects (`send.rs`), so clients have no cookie store.
    pub fn jar(&self) -> &Arc<crate::cookies::CookieJar> {
        &self.jar
    }

    /// The clients for `key`, built on first use.
    pub fn clients(&self, key: &ClientKey) -> Result<Arc<RouteClients>, PoolError> {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = clients.get(key) {
            return Ok(c.clone());
        }
        let probe = HandshakeProbe::default();
        let entry = Arc::new(RouteClients {
            key: key.clone(),
            pooled: self.build(key, probe.clone(), Idle::Pooled, None)?,
            fresh: OnceLock::new(),
            closing: AtomicBool::new(false),
            probe,
            relayed: OnceLock::new(),
        });
        // `--proxy-auth ntlm|negotiate`, or a Windows-style `DOMAIN\user`: the relay from
        // the first request, so no Basic header goes out before the proxy says what it wants.
        let windows_user = match &key.route {
            Route::Proxy(endpoint) => endpoint.credentials.as_ref().is_some_and(|c| c.username.contains('\\')),
            Route::Direct => false,
        };
        if self.options.proxy_auth.relays_from_start()
            || (self.options.proxy_auth == ProxyAuthMode::Any && windows_user)
        {
            entry.use_relay(self)?;
        }
        clients.insert(key.clone(), entry.clone());
        Ok(entry)
    }

    /// How many distinct clients (routes × settings) the run needed.
    pub fn len(&self) -> usize {
        self.clients.lock().map(|c| c.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A client for `key`; `via` is the relay's address when the route goes through it (the
    /// relay holds the proxy's credentials, so the client sends none).
    fn build(
        &self,
        key: &ClientKey,
        probe: HandshakeProbe,
        idle: Idle,
        via: Option<String>,
    ) -> Result<reqwest::Client, PoolError> {
        let fail = |message: String| PoolError { route: key.route.to_string(), message };
        let mut b = reqwest::Client::builder()
            .http1_title_case_headers()
            .tls_info(self.options.tls_info)
            .redirect(match key.max_redirects {
                None => reqwest::redirect::Policy::none(),
                // `limited(n)`, and the redirect noted for the stale-connection re-send.
                Some(n) => reqwest::redirect::Policy::custom(move |attempt| {
                    if attempt.previous().len() > n {
                        attempt.error(TooManyRedirects(n))
                    } else {
                        note_redirect();
                        attempt.follow()
                    }
                }),
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
        b = b.connector_layer(NoteConnects).pool_idle_timeout(self.options.idle_timeout);
        b = match (idle, self.options.max_idle_per_host) {
            (Idle::Never, _) => b.pool_max_idle_per_host(0),
            (Idle::One, _) => b.pool_max_idle_per_host(1),
            (Idle::Pooled, Some(n)) => b.pool_max_idle_per_host(n),
            (Idle::Pooled, None) => b,
        };
        if let Some(t) = self.options.connect_timeout {
            b = b.connect_timeout(t);
        }
        b = match (&key.route, via) {
            (_, Some(relay)) => {
                // The relay's URL carries its client token: never in an error message.
                let proxy = reqwest::Proxy::all(relay.as_str()).map_err(|_| fail("invalid relay address".into()))?;
                b.proxy(proxy)
            }
            (Route::Direct, None) => b.no_proxy(),
            (Route::Proxy(endpoint), None) => {
                let proxy = reqwest::Proxy::all(endpoint.url_with_credentials()).map_err(|e| fail(e.to_string()))?;
                b.proxy(proxy)
            }
        };
        b.build().map_err(|e| fail(e.to_string()))
    }
}
