//! What the servers saw: the request journal, TCP connection counting and ids.
//!
//! Owns [`Recorded`], the generic [`Journal`] shared by the echo server and the proxy, the
//! counting listener that gives every accepted TCP connection an id, and the axum middleware
//! that records each echo request (body included) in arrival order before it is handled.
//! Must not: print header values that carry credentials in `Debug` output.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Body;
use axum::extract::connect_info::Connected;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::serve::{IncomingStream, Listener};
use tokio::net::{TcpListener, TcpStream};

/// Largest request body the echo server reads (and records); larger bodies get 413.
pub(crate) const MAX_BODY: usize = 64 * 1024 * 1024;

/// Header names whose values are masked by `Debug` (tests read the real values directly).
const SENSITIVE_HEADERS: [&str; 4] = ["authorization", "proxy-authorization", "cookie", "set-cookie"];

/// One request as the echo server received it.
#[derive(Clone, PartialEq, Eq)]
pub struct Recorded {
    pub method: String,
    /// The path without the query, e.g. `/post`.
    pub path: String,
    /// The raw query without `?`; empty when there is none.
    pub query: String,
    /// Lower-case names; values of a repeated name stay together, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Which TCP connection carried it: 1 for the first connection the server accepted.
    pub connection_id: u64,
}

impl Recorded {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for Recorded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self.headers.iter().map(|(n, v)| (n.as_str(), masked(n, v))).collect();
        f.debug_struct("Recorded")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .field("connection_id", &self.connection_id)
            .finish()
    }
}

pub(crate) fn masked<'a>(name: &str, value: &'a str) -> &'a str {
    if SENSITIVE_HEADERS.iter().any(|s| s.eq_ignore_ascii_case(name)) { crate::secret::MASK } else { value }
}

/// Entries in arrival order plus connection counting; shared by a server and its handle.
pub(crate) struct Journal<T> {
    entries: Mutex<Vec<T>>,
    /// Connections accepted since the last `clear`.
    connections: AtomicU64,
    /// Never reset, so ids stay unique across `clear`.
    last_id: AtomicU64,
    /// Requests being handled right now, and the most there were at once since `clear`.
    in_flight: AtomicU64,
    most_in_flight: AtomicU64,
}

impl<T: Clone> Journal<T> {
    pub(crate) fn new() -> Self {
        Journal {
            entries: Mutex::new(Vec::new()),
            connections: AtomicU64::new(0),
            last_id: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            most_in_flight: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<T>> {
        // A panicking test thread must not hide what the server saw.
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn push(&self, entry: T) {
        self.lock().push(entry);
    }

    pub(crate) fn snapshot(&self) -> Vec<T> {
        self.lock().clone()
    }

    /// Forgets entries and the connection count; ids keep increasing.
    pub(crate) fn clear(&self) {
        let mut entries = self.lock();
        entries.clear();
        self.connections.store(0, Ordering::SeqCst);
        self.most_in_flight.store(0, Ordering::SeqCst);
    }

    fn request_started(&self) {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_in_flight.fetch_max(now, Ordering::SeqCst);
    }

    fn request_finished(&self) {
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
    }

    pub(crate) fn most_in_flight(&self) -> u64 {
        self.most_in_flight.load(Ordering::SeqCst)
    }

    /// Counts a new TCP connection and returns its id.
    pub(crate) fn connection_opened(&self) -> u64 {
        self.connections.fetch_add(1, Ordering::SeqCst);
        self.last_id.fetch_add(1, Ordering::SeqCst) + 1
    }

    pub(crate) fn connections(&self) -> u64 {
        self.connections.load(Ordering::SeqCst)
    }

    /// Connections since start, `clear` or not.
    pub(crate) fn connections_ever(&self) -> u64 {
        self.last_id.load(Ordering::SeqCst)
    }
}

/// The connect info handed to axum: which connection a request came on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ConnTag {
    pub(crate) id: u64,
    #[allow(dead_code)] // kept for debugging a failing test
    pub(crate) remote: SocketAddr,
}

/// A TCP listener that numbers the connections it accepts.
pub(crate) struct CountingListener {
    inner: TcpListener,
    journal: Arc<Journal<Recorded>>,
}

impl CountingListener {
    pub(crate) fn new(inner: TcpListener, journal: Arc<Journal<Recorded>>) -> Self {
        CountingListener { inner, journal }
    }
}

impl Listener for CountingListener {
    type Io = TcpStream;
    type Addr = ConnTag;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, remote)) => {
                    let _ = stream.set_nodelay(true);
                    let id = self.journal.connection_opened();
                    return (stream, ConnTag { id, remote });
                }
                // Out of file descriptors and the like: wait instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        let remote = self.inner.local_addr()?;
        Ok(ConnTag { id: 0, remote })
    }
}

impl Connected<IncomingStream<'_, CountingListener>> for ConnTag {
    fn connect_info(stream: IncomingStream<'_, CountingListener>) -> Self {
        *stream.remote_addr()
    }
}

/// Middleware: buffer the body, record the request, then hand it on unchanged.
pub(crate) async fn record_request(
    State(journal): State<Arc<Journal<Recorded>>>,
    ConnectInfo(tag): ConnectInfo<ConnTag>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return (StatusCode::PAYLOAD_TOO_LARGE, "testkit echo: request body unreadable or over 64 MiB\n")
                .into_response();
        }
    };
    let headers = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (name.as_str().to_ascii_lowercase(), String::from_utf8_lossy(value.as_bytes()).into_owned())
        })
        .collect();
    journal.push(Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        headers,
        body: bytes.to_vec(),
        connection_id: tag.id,
    });
    journal.request_started();
    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    journal.request_finished();
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_counts_and_clears_but_ids_keep_increasing() {
        let journal: Journal<u32> = Journal::new();
        assert_eq!(journal.connection_opened(), 1);
        assert_eq!(journal.connection_opened(), 2);
        journal.push(7);
        journal.push(8);
        assert_eq!(journal.snapshot(), vec![7, 8]);
        assert_eq!(journal.connections(), 2);
        journal.clear();
        assert!(journal.snapshot().is_empty());
        assert_eq!(journal.connections(), 0);
        assert_eq!(journal.connection_opened(), 3);
        assert_eq!(journal.connections(), 1);
    }

    #[test]
    fn debug_masks_credentials() {
        let recorded = Recorded {
            method: "GET".into(),
            path: "/get".into(),
            query: String::new(),
            headers: vec![
                ("authorization".into(), "Basic dXNlcjpzM2NyZXQ=".into()),
                ("cookie".into(), "session=abc".into()),
                ("accept".into(), "*/*".into()),
            ],
            body: Vec::new(),
            connection_id: 1,
        };
        let debug = format!("{recorded:?}");
        assert!(!debug.contains("dXNlcjpzM2NyZXQ="), "{debug}");
        assert!(!debug.contains("session=abc"), "{debug}");
        assert!(debug.contains("*/*"), "{debug}");
        assert_eq!(recorded.header("Authorization"), Some("Basic dXNlcjpzM2NyZXQ="));
    }
}
