//! The queue between the lanes and the reporter thread: bounded, so a slow reporter makes
//! lanes wait instead of piling executions up in memory, and batched, so the reporter is
//! woken when a batch has built up or a short tick has passed rather than once per event
//! (with a channel, the wake-ups cost more CPU than the reporting itself).

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// The longest an event waits before the reporter looks: what a person watching the CLI
/// output could notice is well above this.
const TICK: Duration = Duration::from_millis(5);

struct State<T> {
    items: Vec<T>,
    senders: usize,
    receiver_gone: bool,
}

struct Shared<T> {
    state: Mutex<State<T>>,
    /// The reporter waits here for a batch (or the last sender leaving).
    filled: Condvar,
    /// Senders wait here for room.
    drained: Condvar,
    capacity: usize,
    wake_at: usize,
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // A panic while holding the lock leaves a plain Vec behind: still usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

pub struct Sender<T>(Arc<Shared<T>>);
pub struct Receiver<T>(Arc<Shared<T>>);

/// A mailbox holding at most `capacity` items; the reporter is woken early once a quarter
/// of that is waiting.
pub fn mailbox<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    let capacity = capacity.max(1);
    let shared = Arc::new(Shared {
        state: Mutex::new(State { items: Vec::new(), senders: 1, receiver_gone: false }),
        filled: Condvar::new(),
        drained: Condvar::new(),
        capacity,
        wake_at: (capacity / 4).max(1),
    });
    (Sender(shared.clone()), Receiver(shared))
}

impl<T> Sender<T> {
    /// Queues `item`, waiting while the mailbox is full. Returns it when the receiver is gone.
    pub fn send(&self, item: T) -> Result<(), T> {
        let shared = &self.0;
        let mut state = shared.lock();
        while state.items.len() >= shared.capacity && !state.receiver_gone {
            shared.filled.notify_one();
            state = shared.drained.wait(state).unwrap_or_else(|p| p.into_inner());
        }
        if state.receiver_gone {
            return Err(item);
        }
        state.items.push(item);
        if state.items.len() == shared.wake_at {
            shared.filled.notify_one();
        }
        Ok(())
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.0.lock().senders += 1;
        Sender(self.0.clone())
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.senders -= 1;
        if state.senders == 0 {
            self.0.filled.notify_one();
        }
    }
}

impl<T> Receiver<T> {
    /// Moves the waiting items into `out` (in the order they were sent), waiting up to a tick
    /// for some to arrive. Returns false once every sender is gone and nothing is left.
    pub fn recv_batch(&self, out: &mut Vec<T>) -> bool {
        let shared = &self.0;
        let mut state = shared.lock();
        if state.items.len() < shared.wake_at && state.senders > 0 {
            state = shared.filled.wait_timeout(state, TICK).map(|(s, _)| s).unwrap_or_else(|p| p.into_inner().0);
        }
        if state.items.is_empty() {
            return state.senders > 0;
        }
        let was_full = state.items.len() >= shared.capacity;
        out.append(&mut state.items);
        if was_full {
            shared.drained.notify_all();
        }
        true
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.0.lock().receiver_gone = true;
        self.0.drained.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(rx: &Receiver<usize>) -> Vec<usize> {
        let mut all = Vec::new();
        let mut batch = Vec::new();
        while rx.recv_batch(&mut batch) {
            all.append(&mut batch);
        }
        all
    }

    #[test]
    fn every_item_arrives_once_in_each_senders_order() {
        let (tx, rx) = mailbox::<usize>(8);
        let workers: Vec<_> = (0..4)
            .map(|w| {
                let tx = tx.clone();
                std::thread::spawn(move || {
                    for i in 0..500 {
                        assert!(tx.send(w * 1000 + i).is_ok());
                    }
                })
            })
            .collect();
        drop(tx);
        let all = drain(&rx);
        for w in workers {
            w.join().expect("sender thread");
        }
        assert_eq!(all.len(), 2000);
        for w in 0..4 {
            let mine: Vec<usize> = all.iter().copied().filter(|v| v / 1000 == w).collect();
            assert_eq!(mine, (0..500).map(|i| w * 1000 + i).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_full_mailbox_holds_senders_back() {
        let (tx, rx) = mailbox::<usize>(4);
        let sender = std::thread::spawn(move || {
            for i in 0..100 {
                assert!(tx.send(i).is_ok());
            }
        });
        let mut batch = Vec::new();
        let mut most = 0;
        let mut seen = Vec::new();
        while rx.recv_batch(&mut batch) {
            most = most.max(batch.len());
            seen.append(&mut batch);
        }
        sender.join().expect("sender thread");
        assert_eq!(seen, (0..100).collect::<Vec<_>>());
        assert!(most <= 4, "a batch of {most} passed a capacity of 4");
    }

    #[test]
    fn a_sender_is_released_when_the_receiver_goes() {
        let (tx, rx) = mailbox::<usize>(1);
        assert!(tx.send(1).is_ok());
        let blocked = std::thread::spawn(move || tx.send(2));
        std::thread::sleep(Duration::from_millis(20));
        drop(rx);
        assert_eq!(blocked.join().expect("sender thread"), Err(2));
    }

    #[test]
    fn a_lone_item_is_delivered_within_a_tick() {
        let (tx, rx) = mailbox::<usize>(1024);
        assert!(tx.send(7).is_ok());
        let mut batch = Vec::new();
        let started = std::time::Instant::now();
        while batch.is_empty() && started.elapsed() < Duration::from_secs(5) {
            assert!(rx.recv_batch(&mut batch));
        }
        assert_eq!(batch, vec![7]);
    }
}
