//! One server = one thread with its own current-thread Tokio runtime, bound to 127.0.0.1:0.
//!
//! Owns binding, the shutdown signal and the join on drop. A dedicated runtime keeps the
//! servers alive while a test blocks its own thread (e.g. waiting for the postie binary),
//! and dropping that runtime drops every connection task, so a dropped server closes all
//! its sockets before `drop` returns.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
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
    addr: SocketAddr,
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
        Ok(ServerThread { addr, shutdown: Some(shutdown), thread: Some(thread) })
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for ServerThread {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
