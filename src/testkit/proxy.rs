//! [`RecordingProxy`]: a real HTTP forward proxy on 127.0.0.1 that records what it is asked.
//!
//! Owns the handle's API, the record type, proxy authentication modes and the accept loop.
//! The per-connection protocol (absolute-form forwarding with keep-alive, CONNECT tunnels)
//! is in `proxy_conn.rs`. Every request is recorded before authentication is checked, as
//! real proxies log it. Targets other than 127.0.0.1, localhost and ::1 get 403.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use tokio::net::TcpListener;

use super::proxy_conn::serve_connection;
use super::recorder::Journal;
use super::server_thread::{ServerThread, TestkitError};
use crate::secret::{MASK, Secret};

/// The realm of the Basic challenge.
pub(crate) const PROXY_REALM: &str = "postie-test";

/// One request the proxy received (also those it refused).
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyRecord {
    pub method: String,
    /// The absolute URL of a forwarded request, or `host:port` for CONNECT.
    pub target: String,
    /// The `Proxy-Authorization` header as received.
    pub proxy_authorization: Option<String>,
    /// Which client TCP connection carried it: 1 for the first the proxy accepted.
    pub connection_id: u64,
}

impl fmt::Debug for ProxyRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keep the scheme visible (it is what tests usually care about), never the token.
        let auth = self
            .proxy_authorization
            .as_deref()
            .map(|v| v.split_once(' ').map_or(MASK.to_string(), |(scheme, _)| format!("{scheme} {MASK}")));
        f.debug_struct("ProxyRecord")
            .field("method", &self.method)
            .field("target", &self.target)
            .field("proxy_authorization", &auth)
            .field("connection_id", &self.connection_id)
            .finish()
    }
}

/// What the proxy demands before it forwards.
#[derive(Clone, Debug)]
pub enum ProxyAuth {
    /// Forwards everything (to loopback).
    Open,
    /// `Proxy-Authorization: Basic` with these credentials, else 407.
    Basic { user: String, pass: Secret },
    /// Answers every request 407 with `Proxy-Authenticate: <scheme>` (e.g. `NTLM`).
    AlwaysChallenge(String),
}

impl ProxyAuth {
    /// `None` when the request may pass; otherwise the `Proxy-Authenticate` value for a 407.
    pub(crate) fn reject(&self, proxy_authorization: Option<&str>) -> Option<String> {
        match self {
            ProxyAuth::Open => None,
            ProxyAuth::AlwaysChallenge(scheme) => Some(scheme.clone()),
            ProxyAuth::Basic { user, pass } => {
                let expected = format!("{user}:{}", pass.expose());
                let given = proxy_authorization
                    .and_then(|v| v.trim().split_once(' '))
                    .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
                    .and_then(|(_, token)| STANDARD.decode(token.trim()).ok());
                if given.as_deref() == Some(expected.as_bytes()) {
                    None
                } else {
                    Some(format!("Basic realm=\"{PROXY_REALM}\""))
                }
            }
        }
    }
}

pub(crate) struct ProxyShared {
    pub(crate) journal: Journal<ProxyRecord>,
    pub(crate) auth: ProxyAuth,
}

/// A running forward proxy; dropping it stops it and closes every connection and tunnel.
pub struct RecordingProxy {
    thread: ServerThread,
    shared: Arc<ProxyShared>,
}

async fn accept_loop(listener: TcpListener, shared: Arc<ProxyShared>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let id = shared.journal.connection_opened();
                tokio::spawn(serve_connection(stream, id, shared.clone()));
            }
            // Out of file descriptors and the like: wait instead of spinning.
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

fn started(result: Result<RecordingProxy, TestkitError>) -> RecordingProxy {
    match result {
        Ok(proxy) => proxy,
        Err(e) => panic!("{e}"),
    }
}

impl RecordingProxy {
    /// An open proxy (see the module docs for the loopback-only rule).
    ///
    /// # Panics
    /// When 127.0.0.1:0 cannot be bound; [`RecordingProxy::try_start`] returns the error.
    pub async fn start() -> RecordingProxy {
        Self::start_blocking()
    }

    pub fn start_blocking() -> RecordingProxy {
        started(Self::try_start(ProxyAuth::Open))
    }

    /// A proxy that wants `Proxy-Authorization: Basic` for `user`/`pass`, else 407.
    pub async fn start_with_auth(user: &str, pass: &str) -> RecordingProxy {
        Self::start_with_auth_blocking(user, pass)
    }

    pub fn start_with_auth_blocking(user: &str, pass: &str) -> RecordingProxy {
        started(Self::try_start(ProxyAuth::Basic { user: user.to_string(), pass: Secret::new(pass) }))
    }

    /// A proxy that answers everything 407 with `Proxy-Authenticate: <scheme>`.
    pub async fn start_with_auth_scheme(scheme: &str) -> RecordingProxy {
        Self::start_with_auth_scheme_blocking(scheme)
    }

    pub fn start_with_auth_scheme_blocking(scheme: &str) -> RecordingProxy {
        started(Self::try_start(ProxyAuth::AlwaysChallenge(scheme.to_string())))
    }

    /// Starts a proxy with the given authentication, or says why it could not.
    pub fn try_start(auth: ProxyAuth) -> Result<RecordingProxy, TestkitError> {
        let shared = Arc::new(ProxyShared { journal: Journal::new(), auth });
        let served = shared.clone();
        let hits = shared.clone();
        let thread = ServerThread::spawn("recording proxy", move |listener| accept_loop(listener, served))?
            .count_hits(move || hits.journal.connections_ever());
        Ok(RecordingProxy { thread, shared })
    }

    pub fn addr(&self) -> SocketAddr {
        self.thread.addr()
    }

    /// This server may see no connection in this test; without this, dropping a server
    /// nobody connected to fails the test.
    pub fn allow_no_hits(&self) {
        self.thread.allow_no_hits();
    }

    /// `http://127.0.0.1:PORT`, ready for `reqwest::Proxy::all` or `HTTP_PROXY`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr())
    }

    /// Every request received since start or the last `clear`, in arrival order.
    pub fn records(&self) -> Vec<ProxyRecord> {
        self.shared.journal.snapshot()
    }

    /// Client TCP connections accepted since start or the last `clear`.
    pub fn connections(&self) -> u64 {
        self.shared.journal.connections()
    }

    /// Forgets records and the connection count (connection ids keep growing).
    pub fn clear(&self) {
        self.shared.journal.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_table() {
        let auth = ProxyAuth::Basic { user: "u".into(), pass: Secret::new("p@ss") };
        let good = format!("Basic {}", STANDARD.encode("u:p@ss"));
        let lower = format!("basic {}", STANDARD.encode("u:p@ss"));
        let wrong = format!("Basic {}", STANDARD.encode("u:nope"));
        let challenge = Some("Basic realm=\"postie-test\"".to_string());
        let cases: [(Option<&str>, Option<String>); 6] = [
            (Some(&good), None),
            (Some(&lower), None),
            (Some(&wrong), challenge.clone()),
            (Some("Bearer abc"), challenge.clone()),
            (Some("Basic !!!"), challenge.clone()),
            (None, challenge),
        ];
        for (header, expected) in cases {
            assert_eq!(auth.reject(header), expected, "{header:?}");
        }
        assert_eq!(ProxyAuth::Open.reject(None), None);
        assert_eq!(ProxyAuth::AlwaysChallenge("NTLM".into()).reject(Some(&good)), Some("NTLM".into()));
    }

    #[test]
    fn debug_hides_credentials() {
        let record = ProxyRecord {
            method: "GET".into(),
            target: "http://127.0.0.1:1/".into(),
            proxy_authorization: Some("Basic dTpw".into()),
            connection_id: 1,
        };
        let debug = format!("{record:?}");
        assert!(debug.contains("Basic ***") && !debug.contains("dTpw"), "{debug}");
        let auth = ProxyAuth::Basic { user: "u".into(), pass: Secret::new("hunter2") };
        assert!(!format!("{auth:?}").contains("hunter2"));
    }
}
