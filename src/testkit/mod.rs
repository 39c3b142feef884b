//! In-process local servers for postie's integration tests, demo and benchmarks.
//!
//! Owns: an echo API in the manner of postman-echo ([`EchoServer`]), a recording HTTP
//! forward proxy ([`RecordingProxy`]), a server that closes keep-alive connections without
//! warning ([`ClosingServer`]) and [`unused_local_port`] for connection-refused tests.
//! Every server binds `127.0.0.1:0`, never another address, runs on its own thread with its
//! own Tokio runtime (so a test may block on the postie binary without starving the server)
//! and stops when its handle is dropped. The proxy forwards only to loopback targets.
//! Must not: reach any non-loopback address, or print credentials in `Debug` output.

mod body_parse;
mod closing;
mod digest;
mod echo;
mod echo_handlers;
mod http1;
pub mod ntlm_endpoint;
pub mod ntlm_server;
pub mod oauth2_server;
mod proxy;
mod proxy_conn;
mod proxy_state;
mod recorder;
mod server_thread;
pub mod signed;
mod socks;
mod standin;
mod tls;

#[cfg(test)]
mod tests;

pub use closing::{CloseMode, ClosingRecord, ClosingServer};
pub use echo::EchoServer;
pub use proxy::RecordingProxy;
pub use proxy_state::{ProxyAuth, ProxyRecord};
pub use recorder::Recorded;
pub use server_thread::TestkitError;
pub use socks::SocksProxy;
pub use standin::{StandIn, StandInRecord, resolvable};
pub use tls::{TlsFront, TlsRecord, TlsServer, TlsServerError};

/// A loopback port that nothing listens on (bound, then released), for connection-refused
/// tests. Another process could take it in between; the window is tiny on a test machine.
pub fn unused_local_port() -> u16 {
    match std::net::TcpListener::bind(("127.0.0.1", 0)).and_then(|l| l.local_addr()) {
        Ok(addr) => addr.port(),
        // Port 9 (discard) is closed on every machine these tests run on.
        Err(_) => 9,
    }
}
