//! Running a plan: lanes on worker threads (at most `--jobs` lanes at once) and one reporter
//! thread that receives everything in plan order.
//!
//! There are as many worker threads as cores (fewer when `--jobs` is lower), each with its
//! own script engine (QuickJS is not `Send`), current-thread Tokio runtime and client pool,
//! running its share of the `--jobs` lanes concurrently: a request never hops threads, and
//! eight jobs on two cores cost two engines, not eight. A small control runtime holds the
//! run timeout and the Ctrl-C handler.

mod cancel;
mod lane;
mod limit;
mod mailbox;
mod network;
mod order;
mod scripting;

use std::path::PathBuf;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

pub use cancel::Cancel;
use lane::{LaneContext, Worker};
use limit::HostLimits;
use network::SideNetwork;
use order::{LaneMsg, Orderer};

use crate::collection::Collection;
use crate::http::{ClientPool, HttpProtocol, PoolOptions, TrustStore};
use crate::plan::{Lane, LaneUnit, Plan};
use crate::proxy::ProxyPolicy;
use crate::report::{Dispatcher, Event, RunInfo, Summary};
use crate::vars::{Scopes, VariableScope};

#[derive(Clone, Debug)]
pub struct RunOptions {
    pub iterations: Option<usize>,
    pub data: Vec<Map<String, Value>>,
    pub bail: bool,
    pub delay_request: Option<Duration>,
    pub timeout_request: Option<Duration>,
    pub timeout_run: Option<Duration>,
    pub timeout_script: Option<Duration>,
    pub follow_redirects: bool,
    pub insecure: bool,
    pub working_dir: PathBuf,
    pub verbose: bool,
    pub jobs: usize,
    pub parallel: LaneUnit,
    pub max_connections_per_host: Option<usize>,
    /// `--pool-idle-timeout`: how long an idle keep-alive connection may be reused.
    pub pool_idle_timeout: Duration,
    /// `--protocol-version`: requests without a `protocolVersion` of their own use it.
    pub protocol: HttpProtocol,
    pub extra_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
    /// `--ssl-client-cert`/`--ssl-client-key`: the fallback client certificate.
    pub client_identity: Option<crate::tls::ClientIdentity>,
    /// `--ssl-client-cert-list`: chosen per request by the first matching pattern.
    pub client_cert_list: Vec<crate::tls::CertListEntry>,
    /// Requests' own `certificate` objects, by plan position.
    pub request_certificates: std::collections::HashMap<usize, crate::tls::CertListEntry>,
    /// Ctrl-C stops after the current requests (a second one cancels them); reports are completed.
    pub handle_interrupt: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            iterations: None,
            data: Vec::new(),
            bail: false,
            delay_request: None,
            timeout_request: None,
            timeout_run: None,
            timeout_script: None,
            follow_redirects: true,
            insecure: false,
            working_dir: PathBuf::from("."),
            verbose: false,
            jobs: 1,
            parallel: LaneUnit::Iteration,
            max_connections_per_host: None,
            pool_idle_timeout: crate::http::DEFAULT_POOL_IDLE_TIMEOUT,
            protocol: HttpProtocol::Http1,
            extra_roots: Vec::new(),
            client_identity: None,
            client_cert_list: Vec::new(),
            request_certificates: Default::default(),
            handle_interrupt: false,
        }
    }
}

/// The caller sends `Event::Done` (after handing final scopes to the reporters that want them).
pub struct RunOutput {
    pub summary: Summary,
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
    let iterations = options.iterations.unwrap_or(if options.data.is_empty() { 1 } else { options.data.len() });
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
    let lanes = plan.lanes(iterations, options.parallel);
    let jobs = options.jobs.max(1).min(lanes.len().max(1));
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
    };
    // One cookie jar and one set of host limits for the whole run, whichever worker sends.
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let limits = Arc::new(HostLimits::new(options.max_connections_per_host));
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let threads = jobs.min(cores).max(1);
    let ctx = Arc::new(LaneContext { plan, policy, options: options.clone(), iterations, cancel: cancel.clone() });
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
        };
        let limits = limits.clone();
        workers.push(std::thread::spawn(move || {
            let worker = Rc::new(Worker::new(scheduler.ctx.clone(), pool, limits, side));
            worker.warm_up();
            let local = tokio::task::LocalSet::new();
            local.block_on(&runtime, scheduler.run(worker.clone(), share));
            // The last reference is dropped here, outside the runtime: the worker owns the
            // side runtime of pm.sendRequest, which must not be dropped from async code.
            drop(worker);
        }));
    }
    drop(tx);
    for w in workers.into_iter().chain(warm) {
        let _ = w.join();
    }
    window.release();
    let dispatcher = reporter.join().map_err(|_| std::io::Error::other("the reporter thread panicked"))?;
    let final_scopes = if jobs == 1 {
        shared.lock().map(|s| s.clone()).unwrap_or(start_scopes)
    } else {
        results.lock().map(|mut r| r.finish()).unwrap_or(start_scopes)
    };
    let mut summary = dispatcher.summary().cloned().unwrap_or_else(|| Summary::new(started));
    summary.stats.iterations.total = iterations as u64;
    summary.completed = SystemTime::now();
    summary.error = cancel.reason();
    runtime.shutdown_timeout(Duration::from_millis(100));
    Ok(RunOutput { summary, scopes: final_scopes, dispatcher })
}

/// Messages that may wait between the lanes and the reporter thread.
const CHANNEL_CAPACITY: usize = 1024;
/// How many lanes past the oldest unreported one may start, per job: a stalled lane lets
/// this many later lanes run meanwhile; beyond that postie waits rather than buffer
/// finished executions without limit.
const LANES_AHEAD_PER_JOB: usize = 64;

/// What a worker thread needs to take lanes and hand their results on.
struct Scheduler {
    ctx: Arc<LaneContext>,
    lanes: Arc<Vec<Lane>>,
    next: Arc<AtomicUsize>,
    window: Arc<Window>,
    tx: mailbox::Sender<LaneMsg>,
    shared: Arc<Mutex<Scopes>>,
    results: Arc<Mutex<LaneMerge>>,
    snapshot: Scopes,
    jobs: usize,
}

impl Scheduler {
    /// Takes lanes in plan order while any are left, running up to `share` at once on this
    /// thread, and returns when this thread's lanes are all done.
    async fn run(self, worker: Rc<Worker>, share: usize) {
        let this = Rc::new(self);
        let slots = Arc::new(tokio::sync::Semaphore::new(share));
        loop {
            let Ok(slot) = slots.clone().acquire_owned().await else { break };
            if this.ctx.cancel.stopping() {
                break;
            }
            let index = this.next.fetch_add(1, Ordering::SeqCst);
            if index >= this.lanes.len() {
                break;
            }
            // Lanes that finish ahead of an earlier, slower one are held for plan order;
            // keep that backlog bounded by not running too far ahead.
            this.window.wait_until_within(index, this.jobs * LANES_AHEAD_PER_JOB, &this.ctx.cancel).await;
            let (this, worker) = (this.clone(), worker.clone());
            tokio::task::spawn_local(async move {
                this.run_lane(&worker, index).await;
                drop(slot);
            });
        }
        // Every slot back: the lanes this thread started have all finished.
        let _ = slots.acquire_many(share as u32).await;
    }

    async fn run_lane(&self, worker: &Worker, index: usize) {
        // One job: each lane continues from the scopes the previous one left (Newman).
        // Several: each lane starts from the snapshot taken at run start.
        let scopes = if self.jobs == 1 {
            self.shared.lock().map(|s| s.clone()).unwrap_or_default()
        } else {
            self.snapshot.clone()
        };
        let emit = |event| {
            let _ = self.tx.send(LaneMsg::Event(index, event));
        };
        let end = worker
            .run_lane(&self.lanes[index], scopes, &emit, &|| self.window.keep_pace(index, &self.ctx.cancel))
            .await;
        let _ = self.tx.send(LaneMsg::Done(index));
        if self.jobs == 1 {
            if let Ok(mut s) = self.shared.lock() {
                *s = end;
            }
        } else if let Ok(mut r) = self.results.lock() {
            r.finished(index, end);
        }
    }
}

/// Output of lanes that finished (or ran) ahead of an earlier one is held for plan order
/// (an estimate, about a third of what it takes in memory: some 3 000 small executions).
/// Past this much, lanes behind the oldest unreported one pause (and no new lane starts)
/// until it catches up, so a slow lane cannot make the backlog grow with the run.
const MAX_HELD_BYTES: usize = 4 * 1024 * 1024;

/// What the reporter has reached: the oldest lane not yet fully reported, and roughly how
/// many bytes of later lanes' output it holds; shared with the workers that pace on it.
struct Window {
    state: tokio::sync::watch::Sender<(usize, usize)>,
}

impl Default for Window {
    fn default() -> Self {
        Window { state: tokio::sync::watch::channel((0, 0)).0 }
    }
}

impl Window {
    fn reported(&self, next: usize, held_bytes: usize) {
        self.state.send_if_modified(|s| std::mem::replace(s, (next, held_bytes)) != (next, held_bytes));
    }

    fn release(&self) {
        self.reported(usize::MAX, 0);
    }

    /// Waits before starting `lane` while it is too far ahead of the reporter.
    async fn wait_until_within(&self, lane: usize, ahead: usize, cancel: &Cancel) {
        self.wait_for(cancel, |(next, held)| {
            lane < next.saturating_add(ahead) && (lane <= next || held < MAX_HELD_BYTES)
        })
        .await
    }

    /// Waits after an execution of a running `lane` while the backlog is over its bound;
    /// the oldest unreported lane never waits, so the backlog always drains.
    async fn keep_pace(&self, lane: usize, cancel: &Cancel) {
        self.wait_for(cancel, |(next, held)| lane <= next || held < MAX_HELD_BYTES).await
    }

    async fn wait_for(&self, cancel: &Cancel, ready: impl Fn((usize, usize)) -> bool) {
        if ready(*self.state.borrow()) {
            return;
        }
        let mut rx = self.state.subscribe();
        // A stop is a flag, not an event: look at it now and then while waiting.
        while !cancel.stopping() {
            let waited = tokio::time::timeout(Duration::from_millis(50), rx.wait_for(|s| ready(*s)));
            if let Ok(Ok(_)) | Ok(Err(_)) = waited.await {
                return;
            }
        }
    }
}

/// Applies each lane's changes to the start scopes, in plan order: a later lane's write wins.
/// Merges lanes' final scopes in plan order as they finish, holding only the lanes that
/// finished ahead of an earlier one (bounded by the lane window), not one per lane.
struct LaneMerge {
    start: Scopes,
    merged: Scopes,
    next: usize,
    waiting: std::collections::BTreeMap<usize, Scopes>,
}

impl LaneMerge {
    fn new(start: Scopes) -> Self {
        LaneMerge { merged: start.clone(), start, next: 0, waiting: Default::default() }
    }

    fn finished(&mut self, lane: usize, scopes: Scopes) {
        self.waiting.insert(lane, scopes);
        while let Some(lane) = self.waiting.remove(&self.next) {
            self.apply(&lane);
            self.next += 1;
        }
    }

    /// The merged scopes; lanes cut short by a stop are applied in order too.
    fn finish(&mut self) -> Scopes {
        for lane in std::mem::take(&mut self.waiting).into_values() {
            self.apply(&lane);
        }
        self.merged.clone()
    }

    fn apply(&mut self, lane: &Scopes) {
        apply_diff(&mut self.merged.environment, &self.start.environment, &lane.environment);
        apply_diff(&mut self.merged.globals, &self.start.globals, &lane.globals);
        apply_diff(&mut self.merged.collection, &self.start.collection, &lane.collection);
    }
}

fn apply_diff(target: &mut VariableScope, before: &VariableScope, after: &VariableScope) {
    // Most lanes write nothing: no need to build and compare both maps.
    if before == after {
        return;
    }
    let (b, a) = (before.to_object(), after.to_object());
    for (k, v) in &a {
        if b.get(k) != Some(v) {
            target.set(k, v.clone());
        }
    }
    for k in b.keys() {
        if !a.contains_key(k) {
            target.unset(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `f` finishes within a short while.
    async fn finishes(f: impl Future<Output = ()>) -> bool {
        tokio::time::timeout(Duration::from_millis(100), f).await.is_ok()
    }

    #[tokio::test]
    async fn lanes_behind_the_head_pause_while_the_backlog_is_over_its_bound() {
        let window = Window::default();
        let cancel = Cancel::default();
        window.reported(3, MAX_HELD_BYTES);
        // The head lane never waits; a lane behind it does, and so does starting a new one.
        assert!(finishes(window.keep_pace(3, &cancel)).await);
        assert!(!finishes(window.keep_pace(5, &cancel)).await);
        assert!(!finishes(window.wait_until_within(9, 100, &cancel)).await);
        assert!(finishes(window.wait_until_within(3, 100, &cancel)).await);
        // The head caught up: the backlog was reported and dropped.
        window.reported(4, MAX_HELD_BYTES / 2);
        assert!(finishes(window.keep_pace(5, &cancel)).await);
        assert!(finishes(window.wait_until_within(9, 100, &cancel)).await);
        // Too far ahead, whatever the backlog; a stop releases every waiter.
        assert!(!finishes(window.wait_until_within(200, 100, &cancel)).await);
        cancel.stop(None);
        assert!(finishes(window.wait_until_within(200, 100, &cancel)).await);
    }

    #[tokio::test]
    async fn a_waiting_lane_resumes_when_the_reporter_moves() {
        let window = Arc::new(Window::default());
        let cancel = Cancel::default();
        window.reported(0, MAX_HELD_BYTES);
        let waiter = {
            let (window, cancel) = (window.clone(), cancel.clone());
            tokio::spawn(async move { window.keep_pace(1, &cancel).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.is_finished());
        window.reported(1, MAX_HELD_BYTES);
        assert!(tokio::time::timeout(Duration::from_secs(2), waiter).await.is_ok());
    }
}
