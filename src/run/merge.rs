//! Folding the scopes lanes leave into one, in plan order, for `--export-environment` when
//! lanes ran from snapshots (`--jobs` above 1).

use crate::vars::{Scopes, VariableScope};

/// Applies each lane's changes to the start scopes, in plan order: a later lane's write wins.
/// Merges lanes' final scopes in plan order as they finish, holding only the lanes that
/// finished ahead of an earlier one (bounded by the lane window), not one per lane.
pub(super) struct LaneMerge {
    start: Scopes,
    merged: Scopes,
    next: usize,
    waiting: std::collections::BTreeMap<usize, Scopes>,
}

impl LaneMerge {
    pub(super) fn new(start: Scopes) -> Self {
        LaneMerge { merged: start.clone(), start, next: 0, waiting: Default::default() }
    }

    pub(super) fn finished(&mut self, lane: usize, scopes: Scopes) {
        self.waiting.insert(lane, scopes);
        while let Some(lane) = self.waiting.remove(&self.next) {
            self.apply(&lane);
            self.next += 1;
        }
    }

    /// The merged scopes; lanes cut short by a stop are applied in order too.
    pub(super) fn finish(&mut self) -> Scopes {
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
