//! [`ClosingServer`]: a raw HTTP/1.1 server on 127.0.0.1 that ends keep-alive connections
//! the way misbehaving proxies and servers do, for the reconnect tests.
//!
//! Owns the connection modes ([`CloseMode`]) and a journal of the requests it answered (with
//! their whole bodies) and of those it read but dropped unanswered. Answers every request
//! with `{"method","target","bodyLength","connection"}` as JSON over HTTP/1.1 and never says
//! `Connection: close`: the point is closing without warning.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use super::http1::{copy_body, read_head, request_framing};
use super::recorder::Journal;
use super::server_thread::{ServerThread, TestkitError};

/// How the server ends a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseMode {
    /// Answers, then closes at once (tinyproxy and HTTP/1.0-style proxies).
    AfterEachResponse,
    /// Answers `n` requests on a connection; the next one is read and the connection closed
    /// without an answer: the moment a proxy's close races the client's next request.
    DropAfter(usize),
    /// Closes a connection that stayed idle this long (a keep-alive timeout).
    IdleTimeout(Duration),
    /// Answers the first request of a connection; to the next one on it, sends the head and
    /// part of the body, then resets the connection (a response that had started).
    ResetMidResponse,
    /// Answers a request for `/start` with `307` to `/moved` (keep-alive, no body), drops a
    /// request for `/moved` unanswered, and answers the rest.
    RedirectThenDrop,
    /// Acts as a forward proxy that answers every request itself with `Proxy-Connection:
    /// close`, yet keeps the connection open: the client must stop reusing it.
    ProxyConnectionClose,
}

/// One request the server read.
#[derive(Clone, Debug)]
pub struct ClosingRecord {
    pub method: String,
    /// The request target as sent (origin-form, or absolute-form through a proxy).
    pub target: String,
    pub body: Vec<u8>,
    /// Which TCP connection (1, 2, ...) it came on.
    pub connection: u64,
    /// Whether it was answered (`false`: dropped by [`CloseMode::DropAfter`]).
    pub answered: bool,
}

/// A running server; dropping it stops the server and closes its connections.
pub struct ClosingServer {
    thread: ServerThread,
    journal: Arc<Journal<ClosingRecord>>,
}

impl ClosingServer {
    /// # Panics
    /// When 127.0.0.1:0 cannot be bound; use [`ClosingServer::try_start`] to handle that.
    pub fn start_blocking(mode: CloseMode) -> ClosingServer {
        match Self::try_start(mode) {
            Ok(server) => server,
            Err(e) => panic!("{e}"),
        }
    }

    pub fn try_start(mode: CloseMode) -> Result<ClosingServer, TestkitError> {
        let journal = Arc::new(Journal::new());
        let served = journal.clone();
        let hits = journal.clone();
        let thread = ServerThread::spawn("closing server", move |listener| serve(listener, served, mode))?
            .count_hits(move || hits.connections_ever());
        Ok(ClosingServer { thread, journal })
    }

    pub fn addr(&self) -> SocketAddr {
        self.thread.addr()
    }

    /// This server may see no connection in this test; without this, dropping a server
    /// nobody connected to fails the test.
    pub fn allow_no_hits(&self) {
        self.thread.allow_no_hits();
    }

    pub fn url(&self, path: &str) -> String {
        let slash = if path.starts_with('/') { "" } else { "/" };
        format!("http://{}{slash}{path}", self.addr())
    }

    /// Every request read since start, in arrival order (answered or not).
    pub fn records(&self) -> Vec<ClosingRecord> {
        self.journal.snapshot()
    }

    /// Requests that got an answer.
    pub fn answered(&self) -> Vec<ClosingRecord> {
        self.records().into_iter().filter(|r| r.answered).collect()
    }

    /// TCP connections accepted.
    pub fn connections(&self) -> u64 {
        self.journal.connections()
    }
}

async fn serve(listener: TcpListener, journal: Arc<Journal<ClosingRecord>>, mode: CloseMode) {
    while let Ok((stream, _)) = listener.accept().await {
        let id = journal.connection_opened();
        tokio::spawn(connection(stream, id, journal.clone(), mode));
    }
}

async fn connection(stream: TcpStream, id: u64, journal: Arc<Journal<ClosingRecord>>, mode: CloseMode) {
    let mut reader = BufReader::new(stream);
    let mut answered = 0usize;
    loop {
        let head = match mode {
            CloseMode::IdleTimeout(idle) => match tokio::time::timeout(idle, read_head(&mut reader)).await {
                Ok(head) => head,
                Err(_) => return,
            },
            _ => read_head(&mut reader).await,
        };
        let Ok(Some(head)) = head else { return };
        let mut body = Vec::new();
        let framing = match request_framing(&head) {
            Ok(f) => f,
            Err(_) => return,
        };
        if copy_body(&mut reader, &mut body, framing).await.is_err() {
            return;
        }
        let mut parts = head.start.split_whitespace();
        let method = parts.next().unwrap_or_default().to_string();
        let target = parts.next().unwrap_or_default().to_string();
        let drop_now = matches!(mode, CloseMode::DropAfter(n) if answered >= n)
            || (mode == CloseMode::RedirectThenDrop && target.starts_with("/moved"));
        let record =
            ClosingRecord { method: method.clone(), target: target.clone(), body, connection: id, answered: !drop_now };
        let length = record.body.len();
        journal.push(record);
        if drop_now {
            return;
        }
        let json = serde_json::json!({ "method": method, "target": target, "bodyLength": length, "connection": id });
        let redirect = mode == CloseMode::RedirectThenDrop && target.starts_with("/start");
        // A redirect without a body: the client's connection is idle (reusable) at once.
        let payload = if redirect { String::new() } else { json.to_string() };
        let (status, extra) = match mode {
            _ if redirect => ("307 Temporary Redirect", "Location: /moved\r\n"),
            CloseMode::ProxyConnectionClose => ("200 OK", "Proxy-Connection: close\r\n"),
            _ => ("200 OK", ""),
        };
        let head = format!(
            "HTTP/1.1 {status}\r\n{extra}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            payload.len()
        );
        let stream = reader.get_mut();
        if mode == CloseMode::ResetMidResponse && answered >= 1 {
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&payload.as_bytes()[..payload.len() / 2]).await;
            let _ = stream.flush().await;
            // A zero linger turns the close into a reset (RST), as a crashing server's would be.
            let _ = stream.set_zero_linger();
            return;
        }
        if stream.write_all(head.as_bytes()).await.is_err() || stream.write_all(payload.as_bytes()).await.is_err() {
            return;
        }
        answered += 1;
        if mode == CloseMode::AfterEachResponse {
            let _ = stream.shutdown().await;
            return;
        }
    }
}
