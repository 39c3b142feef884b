//! Folding the scopes lanes leave into one, in plan order, for `--export-environment` when
//! lanes ran from snapshots (`--jobs` above 1).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::vars::{Scopes, VariableScope};

/// A variable a lane changed: `None` when it unset it. `lane` counts in the whole plan.
#[derive(Clone, Debug, PartialEq)]
pub struct LastWrite {
    pub scope: &'static str,
    pub key: String,
    pub lane: usize,
    pub value: Option<Value>,
}

/// Applies each lane's changes to the start scopes, in plan order: a later lane's write wins.
/// Merges lanes' final scopes in plan order as they finish, holding only the lanes that
/// finished ahead of an earlier one (bounded by the lane window), not one per lane.
pub(super) struct LaneMerge {
    start: Scopes,
    merged: Scopes,
    next: usize,
    waiting: std::collections::BTreeMap<usize, Scopes>,
    /// (scope, key) → (lane, value) of the last change, in lane order.
    last: BTreeMap<(&'static str, String), (usize, Option<Value>)>,
}

impl LaneMerge {
    pub(super) fn new(start: Scopes) -> Self {
        LaneMerge { merged: start.clone(), start, next: 0, waiting: Default::default(), last: BTreeMap::new() }
    }

    pub(super) fn finished(&mut self, lane: usize, scopes: Scopes) {
        self.waiting.insert(lane, scopes);
        while let Some(scopes) = self.waiting.remove(&self.next) {
            self.apply(self.next, &scopes);
            self.next += 1;
        }
    }

    /// The merged scopes; lanes cut short by a stop are applied in order too.
    pub(super) fn finish(&mut self) -> Scopes {
        for (lane, scopes) in std::mem::take(&mut self.waiting) {
            self.apply(lane, &scopes);
        }
        self.merged.clone()
    }

    /// The last change of each variable, with lane numbers mapped to the whole plan
    /// through `global` (a shard runs some of the plan's lanes).
    pub(super) fn last_writes(&self, global: &[usize]) -> Vec<LastWrite> {
        self.last
            .iter()
            .map(|((scope, key), (lane, value))| LastWrite {
                scope,
                key: key.clone(),
                lane: global.get(*lane).copied().unwrap_or(*lane),
                value: value.clone(),
            })
            .collect()
    }

    fn apply(&mut self, lane: usize, scopes: &Scopes) {
        let last = &mut self.last;
        let mut note = |scope: &'static str, key: &str, value: Option<&Value>| {
            last.insert((scope, key.to_string()), (lane, value.cloned()));
        };
        apply_diff(&mut self.merged.environment, &self.start.environment, &scopes.environment, &mut |k, v| {
            note("environment", k, v)
        });
        apply_diff(&mut self.merged.globals, &self.start.globals, &scopes.globals, &mut |k, v| note("globals", k, v));
        apply_diff(&mut self.merged.collection, &self.start.collection, &scopes.collection, &mut |k, v| {
            note("collection", k, v)
        });
    }
}

fn apply_diff(
    target: &mut VariableScope,
    before: &VariableScope,
    after: &VariableScope,
    changed: &mut dyn FnMut(&str, Option<&Value>),
) {
    // Most lanes write nothing: no need to build and compare both maps.
    if before == after {
        return;
    }
    let (b, a) = (before.to_object(), after.to_object());
    for (k, v) in &a {
        if b.get(k) != Some(v) {
            // Keep the type the lane gave it (`secret` must stay masked in the export).
            let var_type = after.get_variable(k).and_then(|var| var.var_type.clone());
            target.set_typed(k, v.clone(), var_type);
            changed(k, Some(v));
        }
    }
    for k in b.keys() {
        if !a.contains_key(k) {
            target.unset(k);
            changed(k, None);
        }
    }
}
