//! Telling a request lost to a stale pooled connection from a real failure.
//!
//! Proxies and servers close keep-alive connections without saying so (tinyproxy closes
//! after every response with no `Connection: close`; servers time idle connections out).
//! hyper re-sends a request only when the connection died before the request was written;
//! when the close races the write, the request fails with "connection closed before message
//! completed". Browsers and curl re-send such a request once on a new connection, and so
//! does postie: when the failure came before any response head, on a connection the request
//! did not open itself.
//!
//! reqwest does not say whether a request reused a connection, but every new connection
//! goes through its connector, and hyper drives the connect from inside the request's own
//! future. So a connector layer notes the local address of each connection that finished
//! connecting into a task-local list that `send` scopes around one request, and a failed
//! request's error names the connection it failed on (hyper-util's connect info). A
//! connection not on the list was reused. hyper races a connect against the pool and may
//! hand the request a pooled connection after its own connect finished, which is why a
//! count of connects alone is not enough.

use std::cell::RefCell;
use std::error::Error as _;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper_util::client::legacy::connect::{Connected, Connection, HttpInfo};

// Connections the current request opened: their local addresses (`None` when unknown).
tokio::task_local! {
    static OPENED: RefCell<Vec<Option<SocketAddr>>>;
}

fn local_addr(connected: &Connected) -> Option<SocketAddr> {
    let mut extensions = http::Extensions::new();
    connected.get_extras(&mut extensions);
    extensions.get::<HttpInfo>().map(HttpInfo::local_addr)
}

/// The connector layer that counts connections opened on behalf of the current request.
#[derive(Clone, Copy, Debug, Default)]
pub struct CountConnects;

impl<S> tower_layer::Layer<S> for CountConnects {
    type Service = Counted<S>;

    fn layer(&self, inner: S) -> Counted<S> {
        Counted(inner)
    }
}

#[derive(Clone, Debug)]
pub struct Counted<S>(S);

impl<S, R> tower_service::Service<R> for Counted<S>
where
    S: tower_service::Service<R>,
    S::Future: Send + 'static,
    S::Response: Connection + 'static,
    S::Error: 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        let connecting = self.0.call(request);
        Box::pin(async move {
            let connected = connecting.await;
            if let Ok(conn) = &connected {
                // Outside a tracked request's task (a connect hyper finishes in the
                // background) nothing is noted.
                let addr = local_addr(&conn.connected());
                let _ = OPENED.try_with(|opened| opened.borrow_mut().push(addr));
            }
            connected
        })
    }
}

/// What a tracked request found out about its connections.
#[derive(Debug, Default)]
pub struct Opened(Vec<Option<SocketAddr>>);

impl Opened {
    /// Whether the failure `e` happened on a connection this request did not open itself.
    pub fn reused_for(&self, e: &reqwest::Error) -> bool {
        let mut source = e.source();
        while let Some(s) = source {
            if let Some(info) = s.downcast_ref::<hyper_util::client::legacy::Error>().and_then(|h| h.connect_info())
                && let Some(addr) = local_addr(info)
            {
                return !self.0.contains(&Some(addr));
            }
            source = s.source();
        }
        self.0.is_empty()
    }
}

/// Runs `request`, noting the connections it opens.
pub async fn tracked<F: Future>(request: F) -> (F::Output, Opened) {
    OPENED
        .scope(RefCell::new(Vec::new()), async {
            let out = request.await;
            (out, Opened(OPENED.with(|o| std::mem::take(&mut *o.borrow_mut()))))
        })
        .await
}

/// Whether `e` says the connection ended before any response head arrived: the peer closed
/// it (EOF before the status line) or reset it. Timeouts, connect failures and TLS
/// handshake errors are not: they are the route's or the server's answer, not a stale socket.
pub fn closed_before_response(e: &reqwest::Error) -> bool {
    if e.is_timeout() || e.is_connect() || e.is_redirect() || e.is_builder() || e.is_status() {
        return false;
    }
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(h) = s.downcast_ref::<hyper::Error>()
            && (h.is_incomplete_message() || h.is_canceled())
        {
            return true;
        }
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            return matches!(io.kind(), ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof);
        }
        source = s.source();
    }
    false
}
