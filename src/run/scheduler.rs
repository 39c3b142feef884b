//! Handing lanes to a worker thread in plan order, at most its share at once, and passing
//! each lane's scopes on (to the next lane with one job, to the merge with several).

use std::cell::Cell;
use std::panic::AssertUnwindSafe;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use futures::FutureExt as _;

use crate::plan::Lane;
use crate::report::{Cursor, Event, Execution, RequestError};
use crate::vars::Scopes;

use super::context::LaneContext;
use super::lane::Worker;
use super::mailbox;
use super::merge::LaneMerge;
use super::order::LaneMsg;
use super::window::Window;

/// How many lanes past the oldest unreported one may start, per job: a stalled lane lets
/// this many later lanes run meanwhile; beyond that postie waits rather than buffer
/// finished executions without limit.
const LANES_AHEAD_PER_JOB: usize = 64;

/// What a worker thread needs to take lanes and hand their results on.
pub(super) struct Scheduler {
    pub(super) ctx: Arc<LaneContext>,
    pub(super) lanes: Arc<Vec<Lane>>,
    pub(super) next: Arc<AtomicUsize>,
    pub(super) window: Arc<Window>,
    pub(super) tx: mailbox::Sender<LaneMsg>,
    pub(super) shared: Arc<Mutex<Scopes>>,
    pub(super) results: Arc<Mutex<LaneMerge>>,
    pub(super) snapshot: Scopes,
    pub(super) jobs: usize,
    /// Lanes continue from the scopes the previous lane left (one job, whole plan).
    pub(super) chained: bool,
}

impl Scheduler {
    /// Takes lanes in plan order while any are left, running up to `share` at once on this
    /// thread, and returns when this thread's lanes are all done.
    pub(super) async fn run(self, worker: Rc<Worker>, share: usize) {
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
        // Chained: each lane continues from the scopes the previous one left (Newman).
        // Otherwise each lane starts from the snapshot taken at run start.
        let scopes = if self.chained {
            self.shared.lock().map(|s| s.clone()).unwrap_or_default()
        } else {
            self.snapshot.clone()
        };
        let lane = &self.lanes[index];
        // The last position this lane reported, to know what a panic left unreported.
        let reported = Cell::new(None::<usize>);
        let emit = |event: Event| {
            if let Event::Execution(e) = &event {
                reported.set(Some(e.cursor.position));
            }
            let _ = self.tx.send(LaneMsg::Event(index, event));
        };
        let pace = || self.window.keep_pace(index, &self.ctx.cancel);
        let ran = AssertUnwindSafe(worker.run_lane(lane, scopes, &emit, &pace)).catch_unwind().await;
        let end = match ran {
            Ok(end) => end,
            Err(panic) => {
                // A bug in postie must not lose the lane: what it had not reported yet is
                // reported as failed, and the lane's writes to the scopes are dropped.
                let message = panic_message(panic.as_ref());
                for execution in unfinished(&self.ctx, lane, reported.get(), &message) {
                    emit(Event::Execution(Box::new(execution)));
                }
                if self.chained {
                    self.shared.lock().map(|s| s.clone()).unwrap_or_default()
                } else {
                    self.snapshot.clone()
                }
            }
        };
        let _ = self.tx.send(LaneMsg::Done(index));
        if self.chained {
            if let Ok(mut s) = self.shared.lock() {
                *s = end;
            }
        } else if let Ok(mut r) = self.results.lock() {
            r.finished(index, end);
        }
    }
}

/// What a panic carried, as text.
pub(super) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string())
}

/// The requests of `lane` after the last one it reported, as failed executions.
fn unfinished(ctx: &LaneContext, lane: &Lane, reported: Option<usize>, message: &str) -> Vec<Execution> {
    let from = match reported {
        Some(position) => lane.positions.iter().position(|&p| p == position).map_or(0, |i| i + 1),
        None => 0,
    };
    lane.positions[from.min(lane.positions.len())..]
        .iter()
        .enumerate()
        .map(|(i, &position)| {
            let planned = &ctx.plan.requests[position];
            let text = if i == 0 {
                format!("postie failed internally while running this request ({message}); please report this bug")
            } else {
                format!("not run: postie failed internally earlier in this lane ({message})")
            };
            let cursor = Cursor { iteration: lane.iteration, position };
            let mut execution = Execution::new(cursor, &planned.id, &planned.name, planned.full_name());
            execution.error = Some(RequestError::new("Internal", text));
            execution
        })
        .collect()
}
