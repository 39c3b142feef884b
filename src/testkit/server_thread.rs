//! One server = one thread with its own current-thread Tokio runtime, bound to 127.0.0.1:0.
//!
//! Owns binding, the shutdown signal, the join on drop, and the hit check: a server that
//! nobody connected to fails the test that started it (as xh's test server does), since a
//! test that expected traffic and got none passed for the wrong reason. Tests that expect
//! silence say so with `allow_no_hits()`. A dedicated runtime keeps the
//! servers alive while a test blocks its own thread (e.g. waiting for the postie binary),
//! and dropping that runtime drops every connection task, so a dropped server closes all
//! its sockets before `drop` returns.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// Why a test server could not start.
#[derive(Debug, thiserror::Error)]
pub enum TestkitError {
    #[error(
        "testkit: cannot bind the {what} on 127.0.0.1:0 ({source}); check that the loopback \
         interface is up and that the process may open sockets"
    )]
    Bind { what: &'static str, source: io::Error },
    #[error(
        "testkit: cannot start the runtime thread for the {what} ({source}); the machine may \
         be out of threads or memory"
    )]
    Runtime { what: &'static str, source: io::Error },
}

/// A running server thread; dropping it stops the server and waits for the thread.
pub(crate) struct ServerThread {
    what: &'static str,
    addr: SocketAddr,
    /// Connections accepted since start (never reset), when the server counts them.
    hits: Option<Arc<dyn Fn() -> u64 + Send + Sync>>,
    expect_hit: AtomicBool,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ServerThread {
    /// Binds 127.0.0.1:0 here (so errors surface at once) and runs `serve` on a new thread.
    pub(crate) fn spawn<F, Fut>(what: &'static str, serve: F) -> Result<Self, TestkitError>
    where
        F: FnOnce(TcpListener) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + 'static,
    {
        let bind_err = |source| TestkitError::Bind { what, source };
        let runtime_err = |source| TestkitError::Runtime { what, source };
        let std_listener = std::net::TcpListener::bind(("127.0.0.1", 0)).map_err(bind_err)?;
        std_listener.set_nonblocking(true).map_err(bind_err)?;
        let addr = std_listener.local_addr().map_err(bind_err)?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(runtime_err)?;
        let listener = {
            let _entered = runtime.enter();
            TcpListener::from_std(std_listener).map_err(bind_err)?
        };
        let (shutdown, stop) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("testkit-{}", what.replace(' ', "-")))
            .spawn(move || {
                runtime.block_on(async move {
                    tokio::select! {
                        _ = serve(listener) => {}
                        _ = stop => {}
                    }
                });
                // Dropping a current-thread runtime drops its tasks here, closing sockets.
                drop(runtime);
            })
            .map_err(runtime_err)?;
        Ok(ServerThread {
            what,
            addr,
            hits: None,
            expect_hit: AtomicBool::new(true),
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Turns the hit check on, with how to count connections accepted since start.
    pub(crate) fn count_hits(mut self, hits: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        self.hits = Some(Arc::new(hits));
        self
    }

    /// This server may legitimately see no connection (a test of something refused early).
    pub(crate) fn allow_no_hits(&self) {
        self.expect_hit.store(false, Ordering::SeqCst);
    }
}

impl Drop for ServerThread {
    fn drop(&mut self) {
        let unhit = self.expect_hit.load(Ordering::SeqCst) && self.hits.as_ref().is_some_and(|hits| hits() == 0);
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        if unhit && !std::thread::panicking() {
            panic!(
                "testkit: the {} on {} was never connected to; the test expected traffic it did not get (call allow_no_hits() if that is the point)",
                self.what, self.addr
            );
        }
    }
}
