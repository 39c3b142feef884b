//! `postie run --shard`: which shard this is (the flag or the CI's variables), the lanes it
//! runs (by count, or balanced by an earlier report's durations), the plan fingerprint
//! merge-reports compares, and the `shard` block the JSON report starts with.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::failure::{Failure, process_env};
use crate::cli::RunArgs;
use crate::collection::{Collection, RawDocument};
use crate::plan::{Lane, LaneUnit, Plan};
use crate::report::read_report;
use crate::run::RunOptions;
use crate::run::shard::{ShardSpec, split};

pub struct ShardRun {
    /// Indices into the plan's lane list.
    pub lanes: Vec<usize>,
    /// The JSON report's `shard` block.
    pub block: Value,
    pub notes: Vec<String>,
}

pub fn plan_shard(
    args: &RunArgs,
    collection: &Collection,
    plan: &Plan,
    options: &RunOptions,
) -> Result<Option<ShardRun>, Failure> {
    let Some(text) = args.shard.as_deref() else { return Ok(None) };
    // Every note starts with "--shard": merge-reports leaves them out of the merged run.
    let mut notes = Vec::new();
    let spec = if text.trim() == "auto" {
        let (spec, source) = ShardSpec::from_ci(&process_env).map_err(Failure::input)?;
        notes.push(format!("--shard auto: shard {spec} from {source}"));
        spec
    } else {
        ShardSpec::parse(text).map_err(|e| Failure::input(format!("--shard {e}")))?
    };
    let iterations = options.iteration_count();
    let lanes = plan.lanes(iterations, options.parallel);
    let (weights, split_by) = match &args.shard_timings {
        Some(path) => {
            let bytes = std::fs::read(path)
                .map_err(|e| Failure::input(format!("--shard-timings: cannot read {}: {e}", path.display())))?;
            (Some(lane_weights(path, &lanes)?), format!("timings:{}", short_hash(&bytes)))
        }
        None => (None, "count".to_string()),
    };
    let mine = split(lanes.len(), spec.total, weights.as_deref()).swap_remove(spec.index - 1);
    if lanes.len() > 1 && writes_variables(plan) {
        notes.push(
            "--shard: this collection's scripts set variables; every lane starts from the scopes at run start, so a lane never sees what a lane in another shard (or an earlier lane of this one) wrote; cookies, too, are only shared within one machine"
                .into(),
        );
    }
    let unit = match options.parallel {
        LaneUnit::Iteration => "iteration",
        LaneUnit::Folder => "folder",
        LaneUnit::Request => "request",
    };
    // A lane's place in the whole plan, from an execution's (iteration, position): what
    // merge-reports orders by. Folder lanes need the plan's grouping of positions.
    let per_iteration = plan.lanes(1, options.parallel);
    let mut lane_of_position = vec![0usize; plan.requests.len()];
    for (k, lane) in per_iteration.iter().enumerate() {
        for &p in &lane.positions {
            if let Some(slot) = lane_of_position.get_mut(p) {
                *slot = k;
            }
        }
    }
    let block = json!({
        "index": spec.index,
        "total": spec.total,
        "unit": unit,
        "split": split_by,
        "fingerprint": fingerprint(args, collection)?,
        "collection": {"name": collection.name, "id": collection.id},
        "iterations": iterations,
        "planned": plan.requests.len(),
        "lanesTotal": lanes.len(),
        "lanesPerIteration": per_iteration.len(),
        "laneOfPosition": lane_of_position,
        "lanes": mine,
    });
    Ok(Some(ShardRun { lanes: mine, block, notes }))
}

/// A hash of everything that decides the plan: the collection, environment, globals and
/// data files as they are on disk, and the flags that change what runs.
fn fingerprint(args: &RunArgs, collection: &Collection) -> Result<String, Failure> {
    let mut hash = Sha256::new();
    let mut add = |label: &str, bytes: &[u8]| {
        hash.update(label.as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    let read = |path: &Path| {
        std::fs::read(path).map_err(|e| Failure::input(format!("--shard: cannot read {}: {e}", path.display())))
    };
    match &collection.raw {
        RawDocument::File(path) => add("collection", &read(path)?),
        RawDocument::Text(text) => add("collection", text.as_bytes()),
        RawDocument::Empty => add("collection", b""),
    }
    for (label, path) in
        [("environment", &args.environment), ("globals", &args.globals), ("data", &args.iteration_data)]
    {
        if let Some(path) = path {
            add(label, &read(path)?);
        }
    }
    // `--env-var` and `--global-var` by name: CI jobs pass their own short-lived tokens
    // there, which must not make the shards look like different plans (nor be hashed).
    let names =
        |list: &[String]| list.iter().map(|a| a.split('=').next().unwrap_or_default().to_string()).collect::<Vec<_>>();
    let flags = json!({
        "n": args.iteration_count, "folder": args.folder, "parallel": format!("{:?}", args.parallel),
        "env-var": names(&args.env_var), "global-var": names(&args.global_var),
    });
    add("flags", flags.to_string().as_bytes());
    Ok(hex(&hash.finalize()))
}

fn short_hash(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// Each lane's expected duration from an earlier run's report: the response times of its
/// executions, plus a millisecond each for what is not timed (scripts); requests the
/// report does not have count as the average.
fn lane_weights(path: &Path, lanes: &[Lane]) -> Result<Vec<f64>, Failure> {
    // Ordered, so every machine sums the same numbers in the same order.
    let mut times: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    read_report(path, &mut |e| {
        let at = |k: &str| e["cursor"][k].as_u64().unwrap_or(0) as usize;
        let ms = e["response"]["responseTime"].as_f64().unwrap_or(0.0) + 1.0;
        *times.entry((at("iteration"), at("position"))).or_default() += ms;
        true
    })
    .map_err(|e| Failure::input(format!("--shard-timings: {e}")))?;
    let average = if times.is_empty() { 1.0 } else { times.values().sum::<f64>() / times.len() as f64 };
    Ok(lanes
        .iter()
        .map(|lane| lane.positions.iter().map(|&p| times.get(&(lane.iteration, p)).copied().unwrap_or(average)).sum())
        .collect())
}

/// Whether any script sets a variable that another lane could read.
fn writes_variables(plan: &Plan) -> bool {
    // `pm.variables.set` is local to the request: not listed.
    const WRITES: [&str; 5] = [
        "environment.set(",
        "globals.set(",
        "collectionVariables.set(",
        "setEnvironmentVariable(",
        "setGlobalVariable(",
    ];
    plan.requests
        .iter()
        .flat_map(|r| r.prerequest.iter().chain(&r.test))
        .any(|s| WRITES.iter().any(|w| s.code.contains(w)))
}
