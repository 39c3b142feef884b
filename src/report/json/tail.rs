//! The parts of `run` that are known only at the end — `stats`, `timings`, `transfers`,
//! `failures`, `error` — in Newman's shape, from the dispatcher's `Summary`.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::report::{FailureRecord, Summary};

fn epoch_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

fn ms3(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

pub(super) fn stats(s: &Summary) -> Value {
    serde_json::to_value(&s.stats).unwrap_or(Value::Null)
}

pub(super) fn timings(s: &Summary) -> Value {
    json!({
        "started": epoch_ms(s.started),
        "completed": epoch_ms(s.completed),
        "responseAverage": ms3(s.response_average_ms()),
        "responseMin": ms3(s.response_min_ms),
        "responseMax": ms3(s.response_max_ms),
        "responseSd": ms3(s.response_sd_ms()),
    })
}

pub(super) fn transfers(s: &Summary) -> Value {
    json!({ "responseTotal": s.transfer_total })
}

/// Item id and name by plan position, learned from the executions: a `FailureRecord`
/// names its request only by path, while Newman's `source` carries the item's id.
pub(super) type Sources = HashMap<usize, Source>;

pub(super) struct Source {
    pub id: String,
    pub name: String,
    /// `Folder / Request`: checked against the failure's, in case positions were reused.
    pub path: String,
}

pub(super) fn failure(f: &FailureRecord, sources: &Sources) -> Value {
    // Newman's words for where an assertion failed: `assertion:N in test-script`
    let (error, at) = if f.at == "assertion" {
        let error = json!({ "name": "AssertionError", "index": f.index, "message": f.message, "test": f.name });
        (error, format!("assertion:{} in test-script", f.index))
    } else {
        (json!({ "name": f.name, "message": f.message }), f.at.clone())
    };
    let last_segment = || f.full_name.rsplit(" / ").next().unwrap_or(&f.full_name).to_string();
    let (id, name) = match sources.get(&f.position).filter(|s| s.path == f.full_name) {
        Some(s) => (Value::from(s.id.as_str()), Value::from(s.name.as_str())),
        None => (Value::Null, Value::from(last_segment())),
    };
    json!({
        "error": error,
        "at": at,
        "source": { "id": id, "name": name, "path": f.full_name },
        "cursor": { "iteration": f.iteration, "position": f.position },
    })
}
