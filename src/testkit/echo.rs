//! [`EchoServer`]: the handle of a postman-echo-like API on 127.0.0.1, and its routes.
//!
//! Owns the route table and the handle's API (address, URLs, the request journal). Every
//! request is recorded before it is handled, with the id of the TCP connection it came on.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::any;

use super::digest::digest_auth;
use super::echo_handlers as h;
use super::recorder::{ConnTag, CountingListener, Journal, Recorded, record_request};
use super::server_thread::{ServerThread, TestkitError};

/// A running echo API; dropping it stops the server and closes its connections.
///
/// Routes: `/get`, `/post`, `/put`, `/patch`, `/delete` (any method each), `/headers`,
/// `/status/{code}`, `/flaky/{n}` (fails n times per `key`, then answers), `/basic-auth/{user}/{pass}`, `/digest-auth/{qop}/{user}/{pass}` (qop
/// `auth`, `auth-int` or `none`), `/delay/{ms}`, `/cookies`, `/cookies/set?k=v`,
/// `/cookies/delete?k`, `/redirect/{n}`, `/bytes/{n}`, `/stream/{n}` (chunked),
/// `/response-headers?k=v`, `/gzip`, `/deflate`, `/brotli` (compressed echoes),
/// `/anything` and `/anything/*`.
pub struct EchoServer {
    thread: ServerThread,
    journal: Arc<Journal<Recorded>>,
}

fn router(journal: Arc<Journal<Recorded>>) -> Router {
    Router::new()
        .route("/get", any(h::echo_get))
        .route("/post", any(h::echo_full))
        .route("/put", any(h::echo_full))
        .route("/patch", any(h::echo_full))
        .route("/delete", any(h::echo_full))
        .route("/headers", any(h::headers_only))
        .route("/status/{code}", any(h::status))
        .route("/flaky/{n}", any(h::flaky))
        .route("/basic-auth/{user}/{pass}", any(h::basic_auth))
        .route("/digest-auth/{qop}/{user}/{pass}", any(digest_auth::<h::EchoState>))
        .route("/delay/{ms}", any(h::delay))
        .route("/cookies", any(h::cookies))
        .route("/cookies/set", any(h::cookies_set))
        .route("/cookies/delete", any(h::cookies_delete))
        .route("/redirect/{n}", any(h::redirect))
        .route("/redirect-to", any(h::redirect_to_url))
        .route("/bytes/{n}", any(h::bytes))
        .route("/stream/{n}", any(h::stream))
        .route("/{coding}", any(h::compressed))
        .route("/response-headers", any(h::response_headers))
        .route("/aws-sigv4/{*rest}", any(super::signed::aws_sigv4))
        .route("/hawk/{*rest}", any(super::signed::hawk))
        .route("/jwt/{*rest}", any(super::signed::jwt))
        .route("/oauth1/{*rest}", any(super::signed::oauth1))
        .route("/edgegrid/{*rest}", any(super::signed::edgegrid))
        .route("/ntlm/{*rest}", any(super::ntlm_endpoint::ntlm))
        .route("/oauth2/token", any(super::oauth2_server::token))
        .route("/oauth2/resource", any(super::oauth2_server::resource))
        .route("/anything", any(h::anything))
        .route("/anything/{*rest}", any(h::anything))
        .fallback(h::not_found)
        // The recorder already bounds the body.
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(journal, record_request))
        .with_state(h::EchoState::new())
}

impl EchoServer {
    /// Starts the server (on its own thread and runtime, see the module docs).
    ///
    /// # Panics
    /// When 127.0.0.1:0 cannot be bound; use [`EchoServer::try_start`] to handle that.
    pub async fn start() -> EchoServer {
        Self::start_blocking()
    }

    /// Same as [`EchoServer::start`], for synchronous tests.
    ///
    /// # Panics
    /// When 127.0.0.1:0 cannot be bound.
    pub fn start_blocking() -> EchoServer {
        match Self::try_start() {
            Ok(server) => server,
            Err(e) => panic!("{e}"),
        }
    }

    /// Starts the server, or says why it could not.
    pub fn try_start() -> Result<EchoServer, TestkitError> {
        let journal = Arc::new(Journal::new());
        let served = journal.clone();
        let thread = ServerThread::spawn("echo server", move |listener| async move {
            let app = router(served.clone()).into_make_service_with_connect_info::<ConnTag>();
            let _ = axum::serve(CountingListener::new(listener, served), app).await;
        })?;
        let hits = journal.clone();
        let thread = thread.count_hits(move || hits.connections_ever());
        Ok(EchoServer { thread, journal })
    }

    pub fn addr(&self) -> SocketAddr {
        self.thread.addr()
    }

    /// This server may see no connection in this test; without this, dropping a server
    /// nobody connected to fails the test.
    pub fn allow_no_hits(&self) {
        self.thread.allow_no_hits();
    }

    /// `url("/get")` (or `url("get")`) → `http://127.0.0.1:PORT/get`.
    pub fn url(&self, path: &str) -> String {
        let slash = if path.starts_with('/') { "" } else { "/" };
        format!("http://{}{slash}{path}", self.addr())
    }

    /// Every request received since start or the last `clear`, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.journal.snapshot()
    }

    /// TCP connections accepted since start or the last `clear`.
    pub fn connections(&self) -> u64 {
        self.journal.connections()
    }

    /// The most requests this server was handling at the same moment (since start or `clear`).
    pub fn most_in_flight(&self) -> u64 {
        self.journal.most_in_flight()
    }

    /// Forgets recorded requests and the connection count (connection ids keep growing).
    pub fn clear(&self) {
        self.journal.clear();
    }
}
