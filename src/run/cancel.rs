//! Stopping a run: `stop` (after the current request: `--bail`, Ctrl-C) and `abort`
//! (in-flight requests are cancelled too: `--timeout`). Either way reports are completed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

#[derive(Clone)]
pub struct Cancel {
    inner: Arc<Inner>,
}

struct Inner {
    stopping: AtomicBool,
    aborted: watch::Sender<bool>,
    reason: Mutex<Option<String>>,
}

impl Default for Cancel {
    fn default() -> Self {
        Cancel {
            inner: Arc::new(Inner {
                stopping: AtomicBool::new(false),
                aborted: watch::channel(false).0,
                reason: Mutex::new(None),
            }),
        }
    }
}

impl Cancel {
    /// No new request starts; the ones in flight finish. `reason` is `None` for `--bail`,
    /// which is not a run error of its own.
    pub fn stop(&self, reason: Option<String>) {
        if let (Some(r), Ok(mut slot)) = (reason, self.inner.reason.lock())
            && slot.is_none()
        {
            *slot = Some(r);
        }
        self.inner.stopping.store(true, Ordering::SeqCst);
    }

    /// Like `stop`, and requests in flight are cancelled.
    pub fn abort(&self, reason: String) {
        self.stop(Some(reason));
        self.inner.aborted.send_replace(true);
    }

    pub fn stopping(&self) -> bool {
        self.inner.stopping.load(Ordering::SeqCst)
    }

    pub fn reason(&self) -> Option<String> {
        self.inner.reason.lock().ok().and_then(|r| r.clone())
    }

    /// Resolves when `abort` is called.
    pub async fn aborted(&self) {
        let mut rx = self.inner.aborted.subscribe();
        let _ = rx.wait_for(|a| *a).await;
    }
}
