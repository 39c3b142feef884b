//! The reporter's progress as the workers see it: lanes too far ahead of the oldest
//! unreported one wait, so output held for plan order stays bounded.

use std::time::Duration;

use super::cancel::Cancel;

/// Output of lanes that finished (or ran) ahead of an earlier one is held for plan order
/// (an estimate, about a third of what it takes in memory: some 3 000 small executions).
/// Past this much, lanes behind the oldest unreported one pause (and no new lane starts)
/// until it catches up, so a slow lane cannot make the backlog grow with the run.
const MAX_HELD_BYTES: usize = 4 * 1024 * 1024;

/// What the reporter has reached: the oldest lane not yet fully reported, and roughly how
/// many bytes of later lanes' output it holds; shared with the workers that pace on it.
pub(super) struct Window {
    state: tokio::sync::watch::Sender<(usize, usize)>,
}

impl Default for Window {
    fn default() -> Self {
        Window { state: tokio::sync::watch::channel((0, 0)).0 }
    }
}

impl Window {
    pub(super) fn reported(&self, next: usize, held_bytes: usize) {
        self.state.send_if_modified(|s| std::mem::replace(s, (next, held_bytes)) != (next, held_bytes));
    }

    pub(super) fn release(&self) {
        self.reported(usize::MAX, 0);
    }

    /// Waits before starting `lane` while it is too far ahead of the reporter.
    pub(super) async fn wait_until_within(&self, lane: usize, ahead: usize, cancel: &Cancel) {
        self.wait_for(cancel, |(next, held)| {
            lane < next.saturating_add(ahead) && (lane <= next || held < MAX_HELD_BYTES)
        })
        .await
    }

    /// Waits after an execution of a running `lane` while the backlog is over its bound;
    /// the oldest unreported lane never waits, so the backlog always drains.
    pub(super) async fn keep_pace(&self, lane: usize, cancel: &Cancel) {
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

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::Arc;

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
