//! A worker's network: the client pool whose connections live on the worker's runtime
//! (a hyper connection belongs to the runtime that opened it), the per-host connection
//! limit, and the side path `pm.sendRequest` takes.

use std::sync::{Arc, OnceLock};
use std::time::{Instant, SystemTime};

use crate::http::{
    ClientKey, ClientPool, PoolOptions, PreparedRequest, Response, SendError, SendErrorKind, SendOptions, send,
};

use super::cancel::Cancel;
use super::limit::HostLimits;
use super::retry::RetryPolicy;
use crate::report::AttemptRecord;

/// Sends `prepared` with `pool`; an aborted run cancels the request in flight, and
/// `limits` (`--max-connections-per-host`) holds it until its host has a free slot.
pub async fn send_cancellable(
    pool: &ClientPool,
    limits: Option<&HostLimits>,
    key: &ClientKey,
    prepared: &PreparedRequest,
    opts: &SendOptions,
    cancel: &Cancel,
) -> Result<Response, SendError> {
    let cancelled =
        || SendError::new(SendErrorKind::Cancelled, cancel.reason().unwrap_or_else(|| "the run was stopped".into()));
    tokio::select! {
        r = async {
            let _slot = match limits {
                Some(limits) => limits.acquire(&prepared.url).await,
                None => None,
            };
            send(pool, key, prepared, opts).await
        } => r,
        _ = cancel.aborted() => Err(cancelled()),
    }
}

/// Sends with `--retry`: an outcome the policy retries is followed by another attempt after
/// its backoff, until one is not or the attempts run out; a stopping run (`--bail`,
/// `--timeout`, Ctrl-C) cuts the retries. The attempts are returned when there were
/// retries to make (none with `--retry 0`).
pub async fn with_retries<F, Fut>(
    method: &str,
    cancel: &Cancel,
    policy: &RetryPolicy,
    mut send: F,
) -> (Result<Response, SendError>, Vec<AttemptRecord>)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Response, SendError>>,
{
    let mut attempts = Vec::new();
    let mut attempt = 1;
    loop {
        let started = Instant::now();
        let result = send().await;
        if policy.retries == 0 {
            return (result, attempts);
        }
        attempts.push(AttemptRecord { outcome: describe(&result), time: started.elapsed() });
        if cancel.stopping() || !policy.should_retry(method, attempt, &result) {
            return (result, attempts);
        }
        let retry_after = result.as_ref().ok().and_then(|r| {
            r.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("retry-after")).map(|(_, v)| v.as_str())
        });
        let wait = policy.delay(attempt, retry_after, SystemTime::now(), rand::random::<f64>());
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = cancel.aborted() => return (result, attempts),
        }
        attempt += 1;
    }
}

fn describe(result: &Result<Response, SendError>) -> String {
    match result {
        Ok(r) => format!("{} {}", r.code, r.reason),
        Err(e) => format!("{}: {}", e.kind.as_str(), e.message),
    }
}

/// What `pm.sendRequest` goes through. A script runs inside its worker's runtime, which
/// cannot be re-entered to wait for another request, so the request is driven on a
/// short-lived thread by a runtime (and a pool) of the worker's that only this path uses.
///
/// These requests take no host slot: the worker's own lanes may hold every slot of that
/// host while the worker is blocked in this script, and would never give them back.
pub struct SideNetwork {
    options: PoolOptions,
    jar: Arc<crate::cookies::CookieJar>,
    built: OnceLock<Result<(tokio::runtime::Runtime, ClientPool), String>>,
}

impl SideNetwork {
    pub fn new(options: PoolOptions, jar: Arc<crate::cookies::CookieJar>) -> Self {
        SideNetwork { options, jar, built: OnceLock::new() }
    }

    /// Blocks the calling thread until the response (or the failure) is in.
    pub fn send_blocking(
        &self,
        key: &ClientKey,
        prepared: &PreparedRequest,
        opts: &SendOptions,
        cancel: &Cancel,
    ) -> Result<Response, SendError> {
        let built = self.built.get_or_init(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start a runtime for pm.sendRequest: {e}"))?;
            Ok((runtime, ClientPool::with_jar(self.options.clone(), self.jar.clone())))
        });
        let (runtime, pool) =
            built.as_ref().map_err(|message| SendError::new(SendErrorKind::Internal, message.clone()))?;
        std::thread::scope(|s| {
            s.spawn(|| runtime.block_on(send_cancellable(pool, None, key, prepared, opts, cancel))).join()
        })
        .unwrap_or_else(|_| Err(SendError::new(SendErrorKind::Internal, "pm.sendRequest's sender thread panicked")))
    }
}
