//! [`RecordingProxy`]: a real HTTP forward proxy on 127.0.0.1 that records what it is asked.
//!
//! Owns the handle's API and the accept loop; the records and authentication modes are in
//! `proxy_state.rs`.
//! The per-connection protocol (absolute-form forwarding with keep-alive, CONNECT tunnels)
//! is in `proxy_conn.rs`. Every request is recorded before authentication is checked, as
//! real proxies log it. Targets other than 127.0.0.1, localhost and ::1 get 403.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use super::proxy_conn::serve_connection;
use super::proxy_state::{ProxyAuth, ProxyRecord, ProxyShared};
use super::recorder::Journal;
use super::server_thread::{ServerThread, TestkitError};
use crate::secret::Secret;

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

    /// A proxy that wants NTLMv2 for `DOMAIN\\user` with `password`, bound to the connection.
    pub fn start_with_ntlm_blocking(user: &str, domain: &str, password: &str) -> RecordingProxy {
        let server = super::ntlm_server::NtlmServer::new(user, domain, password);
        started(Self::try_start(ProxyAuth::Ntlm(Arc::new(server))))
    }

    /// NTLM handshakes this proxy completed (one per authenticated connection).
    pub fn ntlm_handshakes(&self) -> usize {
        self.shared.ntlm_handshakes.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Why NTLM answers were rejected.
    pub fn ntlm_rejections(&self) -> Vec<String> {
        self.shared.ntlm_rejections.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Starts a proxy with the given authentication, or says why it could not.
    pub fn try_start(auth: ProxyAuth) -> Result<RecordingProxy, TestkitError> {
        let shared = Arc::new(ProxyShared {
            journal: Journal::new(),
            auth,
            ntlm_handshakes: Default::default(),
            ntlm_rejections: Default::default(),
        });
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
