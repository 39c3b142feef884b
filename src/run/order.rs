//! Puts lane output back in plan order: lanes finish in any order, reporters must see
//! lane 0's events, then lane 1's, and so on, whatever the timing.

use std::collections::BTreeMap;

use crate::report::Event;

pub enum LaneMsg {
    Event(usize, Event),
    Done(usize),
}

#[derive(Default)]
pub struct Orderer {
    next: usize,
    pending: BTreeMap<usize, (Vec<Event>, bool)>,
    /// Approximate bytes of the events held in `pending`.
    held: usize,
}

/// Roughly what an event occupies in memory: bodies and headers dominate; the rest of an
/// execution is a few hundred bytes.
fn weight(event: &Event) -> usize {
    const BASE: usize = 512;
    match event {
        Event::Execution(e) => {
            let headers = |h: &[(String, String)]| h.iter().map(|(k, v)| k.len() + v.len() + 48).sum::<usize>();
            let request = e
                .request
                .as_ref()
                .map_or(0, |r| r.url.len() + headers(&r.headers) + r.body.as_ref().map_or(0, String::len));
            let response = e.response.as_ref().map_or(0, |r| r.body.len() + headers(&r.headers));
            let lists = e.assertions.len() * 96 + e.console.iter().map(|c| c.text.len() + 32).sum::<usize>();
            BASE + request + response + lists
        }
        Event::Warning(w) => BASE + w.len(),
        _ => BASE,
    }
}

impl Orderer {
    /// Feeds one message; returns the events that may be reported now, in order.
    pub fn push(&mut self, msg: LaneMsg) -> Vec<Event> {
        match msg {
            LaneMsg::Event(lane, event) if lane == self.next => return vec![event],
            LaneMsg::Event(lane, event) => {
                self.held += weight(&event);
                self.pending.entry(lane).or_default().0.push(event)
            }
            LaneMsg::Done(lane) => self.pending.entry(lane).or_default().1 = true,
        }
        let mut out = Vec::new();
        // The current lane streams directly; once it is done, flush the lanes behind it.
        while let Some((events, done)) = self.pending.get_mut(&self.next) {
            self.held -= events.iter().map(weight).sum::<usize>();
            out.append(events);
            if *done {
                self.pending.remove(&self.next);
                self.next += 1;
            } else {
                break;
            }
        }
        out
    }

    /// Approximate bytes of the events waiting for an earlier lane to finish.
    pub fn held_bytes(&self) -> usize {
        self.held
    }

    /// The oldest lane whose events are not all delivered yet.
    pub fn next_lane(&self) -> usize {
        self.next
    }

    /// Everything still buffered (lanes cut short by a timeout or interrupt), in lane order.
    pub fn drain(&mut self) -> Vec<Event> {
        self.held = 0;
        std::mem::take(&mut self.pending).into_values().flat_map(|(events, _)| events).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warn(s: &str) -> Event {
        Event::Warning(s.to_string())
    }

    fn names(events: Vec<Event>) -> Vec<String> {
        events
            .into_iter()
            .map(|e| match e {
                Event::Warning(w) => w,
                _ => String::new(),
            })
            .collect()
    }

    #[test]
    fn lanes_come_out_in_plan_order() {
        let mut o = Orderer::default();
        let mut seen = Vec::new();
        let msgs = vec![
            LaneMsg::Event(1, warn("b1")),
            LaneMsg::Event(0, warn("a1")),
            LaneMsg::Event(2, warn("c1")),
            LaneMsg::Done(2),
            LaneMsg::Event(1, warn("b2")),
            LaneMsg::Event(0, warn("a2")),
            LaneMsg::Done(1),
            LaneMsg::Done(0),
        ];
        let mut most_held = 0;
        for m in msgs {
            seen.extend(names(o.push(m)));
            most_held = most_held.max(o.held_bytes());
        }
        assert_eq!(seen, ["a1", "a2", "b1", "b2", "c1"]);
        // b1, c1 and b2 waited for lane 0; nothing is held once everything is out.
        assert!(most_held >= 3 * 512, "{most_held}");
        assert_eq!(o.held_bytes(), 0);
        assert!(o.drain().is_empty());
    }

    #[test]
    fn drain_returns_unfinished_lanes() {
        let mut o = Orderer::default();
        assert!(o.push(LaneMsg::Event(1, warn("b1"))).is_empty());
        assert_eq!(names(o.drain()), ["b1"]);
    }
}
