//! Telling a request lost to a stale pooled connection from a real failure.
//!
//! Proxies and servers close keep-alive connections without saying so (tinyproxy closes
//! after every response with no `Connection: close`; servers time idle connections out).
//! hyper re-sends a request only when the connection died before the request was written;
//! when the close races the write, the request fails with "connection closed before message
//! completed". Browsers and curl re-send such a request once on a new connection, and so
//! does postie: when the failure came before a complete response head, on a connection the
//! request did not open itself, and no redirect had been followed (a redirect means a
//! response did arrive, and re-sending the original request would repeat it). Runs follow
//! redirects hop by hop in `send`, so there the rule applies to each hop: a hop lost so is
//! sent again, never the request before it; only clients that let reqwest follow redirects
//! (fetching a PAC or an input) meet the redirect case.
//!
//! reqwest does not say whether a request reused a connection, but every new connection
//! goes through its connector, and hyper drives the connect from inside the request's own
//! future. So a connector layer notes the local address of each connection that finished
//! connecting, in a task-local record that `send` scopes around one request, and a failed
//! request's error names the connection it failed on (hyper-util's connect info). A
//! connection not on the list was reused. hyper races a connect against the pool and may
//! hand the request a pooled connection after its own connect finished, which is why a
//! count of connects alone is not enough. The redirect policy notes followed redirects in
//! the same record.
//!
//! Known limit: hyper reports an EOF in the middle of a response head (or after a `1xx`)
//! like one before any byte, so such a request counts as lost and is re-sent too.

use std::cell::RefCell;
use std::error::Error as _;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper_util::client::legacy::connect::{Connected, Connection, HttpInfo};

/// What one request did on the way: connections it opened, redirects it followed.
#[derive(Debug, Default)]
pub struct Tracked {
    /// Local addresses of the connections it opened (`None` when unknown).
    opened: Vec<Option<SocketAddr>>,
    redirected: bool,
}

tokio::task_local! {
    static TRACKED: RefCell<Tracked>;
}

/// Called by the redirect policy: the request being tracked got a redirect and follows it.
pub fn note_redirect() {
    let _ = TRACKED.try_with(|t| t.borrow_mut().redirected = true);
}

fn local_addr(connected: &Connected) -> Option<SocketAddr> {
    let mut extensions = http::Extensions::new();
    connected.get_extras(&mut extensions);
    extensions.get::<HttpInfo>().map(HttpInfo::local_addr)
}

/// The connector layer that notes the connections opened on behalf of the current request.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoteConnects;

impl<S> tower_layer::Layer<S> for NoteConnects {
    type Service = Noted<S>;

    fn layer(&self, inner: S) -> Noted<S> {
        Noted(inner)
    }
}

#[derive(Clone, Debug)]
pub struct Noted<S>(S);

impl<S, R> tower_service::Service<R> for Noted<S>
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
                let _ = TRACKED.try_with(|t| t.borrow_mut().opened.push(addr));
            }
            connected
        })
    }
}

impl Tracked {
    /// Whether the failure `e` may be re-sent as lost to a stale connection: it happened on
    /// a connection this request did not open itself, and no redirect had been followed.
    pub fn lost_to_stale_connection(&self, e: &reqwest::Error) -> bool {
        !self.redirected && closed_before_response(e) && self.reused_for(e)
    }

    fn reused_for(&self, e: &reqwest::Error) -> bool {
        let mut source = e.source();
        while let Some(s) = source {
            if let Some(info) = s.downcast_ref::<hyper_util::client::legacy::Error>().and_then(|h| h.connect_info())
                && let Some(addr) = local_addr(info)
            {
                return !self.opened.contains(&Some(addr));
            }
            source = s.source();
        }
        self.opened.is_empty()
    }
}

/// Runs `request`, noting the connections it opens and the redirects it follows.
pub async fn tracked<F: Future>(request: F) -> (F::Output, Tracked) {
    TRACKED
        .scope(RefCell::new(Tracked::default()), async {
            let out = request.await;
            (out, TRACKED.with(|t| std::mem::take(&mut *t.borrow_mut())))
        })
        .await
}

/// Whether `e` says the connection ended before a complete response head arrived: the peer
/// closed it or reset it. Timeouts, connect failures and TLS
/// handshake errors are not: they are the route's or the server's answer, not a stale socket.
fn closed_before_response(e: &reqwest::Error) -> bool {
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
