//! Running a plan: lanes on worker threads (at most `--jobs` lanes at once) and one reporter
//! thread that receives everything in plan order.
//!
//! There are as many worker threads as cores (fewer when `--jobs` is lower), each with its
//! own script engine (QuickJS is not `Send`), current-thread Tokio runtime and client pool,
//! running its share of the `--jobs` lanes concurrently: a request never hops threads, and
//! eight jobs on two cores cost two engines, not eight. A small control runtime holds the
//! run timeout and the Ctrl-C handler.

mod cancel;
mod context;
mod convert;
mod digest_memory;
mod failover;
pub use failover::DEFAULT_RETRY_AFTER as DEFAULT_PROXY_RETRY_AFTER;
mod lane;
mod limit;
mod mailbox;
mod merge;
mod network;
mod oauth2;
mod options;
mod order;
mod retry;
pub mod shard;

pub use merge::LastWrite;
mod scheduler;
mod scripting;
mod window;

use std::rc::Rc;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

pub use cancel::Cancel;
use context::LaneContext;
use lane::Worker;
use limit::HostLimits;
use merge::LaneMerge;
use network::SideNetwork;
pub use options::RunOptions;
use order::{LaneMsg, Orderer};
pub use retry::{RetryOn, RetryPolicy};
use scheduler::Scheduler;
use window::Window;

use crate::collection::Collection;
use crate::http::{ClientPool, PoolOptions, TrustStore};
use crate::plan::Plan;
use crate::proxy::ProxyPolicy;
use crate::report::{Dispatcher, Event, RunInfo, Summary};
use crate::vars::Scopes;

/// The caller sends `Event::Done` (after handing final scopes to the reporters that want them).
pub struct RunOutput {
    pub summary: Summary,
    /// Each variable the lanes changed, with the (whole-plan) lane that changed it last;
    /// empty when lanes were chained. merge-reports folds shards' scopes with it.
    pub writes: Vec<LastWrite>,
    /// Scopes after the run (lanes merged in plan order), for `--export-environment`.
    pub scopes: Scopes,
    pub dispatcher: Dispatcher,
}

/// Runs the plan to the end (or until `cancel` / `--timeout` / `--bail`), reporting as it goes.
pub fn run(
    collection: &Collection,
    plan: Arc<Plan>,
    scopes: Scopes,
    policy: Arc<ProxyPolicy>,
    options: RunOptions,
    mut dispatcher: Dispatcher,
    cancel: Cancel,
) -> std::io::Result<RunOutput> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
    let iterations = options.iteration_count();
    let started = SystemTime::now();
    dispatcher.handle(Event::Start(RunInfo {
        collection_name: collection.name.clone(),
        collection_id: collection.id.clone(),
        started,
        iterations,
        planned: plan.requests.len(),
    }));
    if let Some(limit) = options.timeout_run {
        let cancel = cancel.clone();
        runtime.spawn(async move {
            tokio::time::sleep(limit).await;
            cancel.abort(format!("the run timed out after {} ms (--timeout)", limit.as_millis()));
        });
    }
    if options.handle_interrupt {
        let cancel = cancel.clone();
        runtime.spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.stop(Some("interrupted (Ctrl-C): the requests in flight were finished".into()));
                if tokio::signal::ctrl_c().await.is_ok() {
                    cancel.abort("interrupted twice (Ctrl-C): the requests in flight were cancelled".into());
                }
            }
        });
    }
    let mut lanes = plan.lanes(iterations, options.parallel);
    // The lane index each lane has in the whole plan (a shard runs some of them).
    let global: Vec<usize> = match &options.shard_lanes {
        Some(chosen) => {
            let all = std::mem::take(&mut lanes);
            lanes = chosen.iter().filter_map(|&k| all.get(k).cloned()).collect();
            chosen.clone()
        }
        None => (0..lanes.len()).collect(),
    };
    let jobs = options.jobs.max(1).min(lanes.len().max(1));
    // One job at a time and the whole plan: each lane continues from the scopes the previous
    // one left (Newman). Otherwise every lane starts from the run-start scopes.
    let chained = jobs == 1 && options.shard_lanes.is_none();
    // Bounded, so lanes wait for a slow reporter instead of piling executions up in memory.
    let (tx, rx) = mailbox::mailbox::<LaneMsg>(CHANNEL_CAPACITY);
    let window = Arc::new(Window::default());
    let reporter_window = window.clone();
    let reporter = std::thread::spawn(move || {
        let mut orderer = Orderer::default();
        let mut batch = Vec::new();
        while rx.recv_batch(&mut batch) {
            for msg in batch.drain(..) {
                for event in orderer.push(msg) {
                    dispatcher.handle(event);
                }
            }
            reporter_window.reported(orderer.next_lane(), orderer.held_bytes());
        }
        for event in orderer.drain() {
            dispatcher.handle(event);
        }
        dispatcher
    });
    let pool_options = PoolOptions {
        max_idle_per_host: options.max_connections_per_host,
        idle_timeout: options.pool_idle_timeout,
        connect_timeout: None,
        tls_info: options.verbose,
        trust: TrustStore::new(options.extra_roots.clone()),
        proxy_auth: options.proxy_auth,
    };
    // One cookie jar and one set of host limits for the whole run, whichever worker sends.
    let jar = options.cookies.clone();
    let limits = Arc::new(HostLimits::new(options.max_connections_per_host));
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let threads = jobs.min(cores).max(1);
    let dead_proxies = Arc::new(failover::DeadProxies::new(options.proxy_retry_after));
    let ctx = Arc::new(LaneContext {
        plan,
        policy,
        options: options.clone(),
        iterations,
        cancel: cancel.clone(),
        dead_proxies,
        tokens: Default::default(),
        digests: Default::default(),
    });
    let start_scopes = scopes.clone();
    let next = Arc::new(AtomicUsize::new(0));
    let lanes = Arc::new(lanes);
    let results = Arc::new(Mutex::new(LaneMerge::new(start_scopes.clone())));
    let shared = Arc::new(Mutex::new(scopes));
    let mut workers = Vec::new();
    // Loading the system trust store takes milliseconds; when the first request is https,
    // do it on the side while the first worker builds its script engine.
    let warm = ctx.plan.requests.first().and_then(|planned| {
        let url = crate::http::resolve_url(planned, &start_scopes).ok()?;
        (url.scheme() == "https").then(|| {
            let trust = pool_options.trust.clone();
            std::thread::spawn(move || trust.preload())
        })
    });
    for t in 0..threads {
        // The jobs are spread over the threads; each runs at most its share of lanes at once.
        let share = jobs / threads + usize::from(t < jobs % threads);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let pool = Arc::new(ClientPool::with_jar(pool_options.clone(), jar.clone()));
        let side = SideNetwork::new(pool_options.clone(), jar.clone());
        let scheduler = Scheduler {
            ctx: ctx.clone(),
            lanes: lanes.clone(),
            next: next.clone(),
            window: window.clone(),
            tx: tx.clone(),
            shared: shared.clone(),
            results: results.clone(),
            snapshot: start_scopes.clone(),
            jobs,
            chained,
        };
        let limits = limits.clone();
        let cancel = cancel.clone();
        workers.push(std::thread::spawn(move || {
            let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let worker = Rc::new(Worker::new(scheduler.ctx.clone(), pool, limits, side));
                worker.warm_up();
                let local = tokio::task::LocalSet::new();
                local.block_on(&runtime, scheduler.run(worker.clone(), share));
                // The last reference is dropped here, outside the runtime: the worker owns the
                // side runtime of pm.sendRequest, which must not be dropped from async code.
                drop(worker);
            }));
            // Lanes catch their own panics; one here left a worker unable to take lanes, so
            // stop the run (no lane waits for it forever) and say why.
            if let Err(panic) = ran {
                let message = scheduler::panic_message(panic.as_ref());
                cancel.abort(format!("postie failed internally (a worker thread stopped: {message})"));
            }
        }));
    }
    drop(tx);
    for w in workers.into_iter().chain(warm) {
        let _ = w.join();
    }
    window.release();
    let dispatcher = reporter.join().map_err(|_| std::io::Error::other("the reporter thread panicked"))?;
    let (final_scopes, writes) = if chained {
        (shared.lock().map(|s| s.clone()).unwrap_or(start_scopes), Vec::new())
    } else {
        results.lock().map(|mut r| (r.finish(), r.last_writes(&global))).unwrap_or((start_scopes, Vec::new()))
    };
    let mut summary = dispatcher.summary().cloned().unwrap_or_else(|| Summary::new(started));
    summary.stats.iterations.total = iterations as u64;
    summary.completed = SystemTime::now();
    summary.error = cancel.reason();
    runtime.shutdown_timeout(Duration::from_millis(100));
    Ok(RunOutput { summary, scopes: final_scopes, writes, dispatcher })
}

/// Messages that may wait between the lanes and the reporter thread.
const CHANNEL_CAPACITY: usize = 1024;
