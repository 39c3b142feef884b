//! `postie merge-reports`: the JSON reports of `--shard` runs joined into the reports of one
//! run. The shards are checked first (same plan, each shard once, none missing, none cut
//! short); then their executions are merged in plan order (iteration, position) from all
//! files at once, each file read by its own thread, and replayed through the same
//! reporters `run` uses. Memory stays flat whatever the number of executions.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, sync_channel};
use std::time::SystemTime;

use serde_json::{Value, json};

use super::failure::{Failure, Outcome, process_env};
use crate::cli::MergeArgs;
use crate::collection::RawDocument;
use crate::report::{
    CliOptions, Dispatcher, Event, Execution, ReadReportError, Redactor, ReporterSettings, ReporterSetupError, RunInfo,
    build_reporters, execution_from_json, read_report,
};

/// Executions read ahead per shard file.
const READ_AHEAD: usize = 64;

struct Shard {
    path: PathBuf,
    index: usize,
    block: Value,
    collection: String,
    environment: Option<Value>,
    globals: Option<Value>,
    writes: Vec<Value>,
}

pub fn merge_reports(args: MergeArgs) -> Result<Outcome, Failure> {
    let mut shards = Vec::with_capacity(args.reports.len());
    for path in &args.reports {
        shards.push(check_report(path)?);
    }
    let total = same_plan(&shards)?;
    shards.sort_by_key(|s| s.index);
    for pair in shards.windows(2) {
        if pair[0].index == pair[1].index {
            return Err(Failure::input(format!(
                "shard {}/{total} is given twice: {} and {}; give each shard's report once",
                pair[0].index,
                pair[0].path.display(),
                pair[1].path.display()
            )));
        }
    }
    let missing: Vec<String> =
        (1..=total).filter(|i| !shards.iter().any(|s| s.index == *i)).map(|i| format!("{i}/{total}")).collect();
    if !missing.is_empty() && !args.allow_partial {
        return Err(Failure::input(format!(
            "shard {} missing: give every shard's report, or merge what is there with --allow-partial",
            missing.join(", ")
        )));
    }
    let Some(first) = shards.first() else { return Err(Failure::input("no shard report to merge")) };
    let block = first.block.clone();
    let redactor = Redactor::new(true);
    let reporters = build_reporters(&settings(&args), &RawDocument::Text(first.collection.as_str().into()), &redactor)
        .map_err(|e| match e {
            ReporterSetupError::Unknown { .. } => Failure::input(e),
            _ => Failure::aborted(e),
        })?;
    let final_scopes = reporters.final_scopes;
    let mut dispatcher = Dispatcher::new(reporters.list, redactor);
    let number = |key: &str| block[key].as_u64().unwrap_or(0) as usize;
    let started = SystemTime::now();
    dispatcher.handle(Event::Start(RunInfo {
        collection_name: block["collection"]["name"].as_str().unwrap_or_default().to_string(),
        collection_id: block["collection"]["id"].as_str().unwrap_or_default().to_string(),
        started,
        iterations: number("iterations"),
        planned: number("planned"),
    }));
    if !missing.is_empty() {
        let ran: u64 = shards.iter().map(|s| s.block["lanes"].as_array().map_or(0, |l| l.len() as u64)).sum();
        let not_run = block["lanesTotal"].as_u64().unwrap_or(0).saturating_sub(ran);
        dispatcher.handle(Event::Warning(format!(
            "--allow-partial: shard {} missing; {not_run} lanes it held did not run and are not in these reports",
            missing.join(", ")
        )));
    }
    replay(&shards, &mut dispatcher)?;
    if let Some(scopes) = final_scopes {
        let (environment, globals) = merged_scopes(&shards);
        scopes.set(environment, globals);
    }
    let mut summary = dispatcher.summary().cloned().unwrap_or_else(|| crate::report::Summary::new(started));
    summary.stats.iterations.total = number("iterations") as u64;
    summary.completed = SystemTime::now();
    summary.error = (!missing.is_empty()).then(|| format!("partial merge: shard {} missing", missing.join(", ")));
    dispatcher.handle(Event::Done(Box::new(summary.clone())));
    if let Some(first) = dispatcher.take_errors().first() {
        return Err(Failure::aborted(first));
    }
    let failed = summary.failed() || !missing.is_empty();
    if failed && !args.suppress_exit_code { Ok(Outcome::Failed) } else { Ok(Outcome::Passed) }
}

/// A shard's report read once end to end: complete, a shard report, not interrupted.
fn check_report(path: &Path) -> Result<Shard, Failure> {
    let parts = read_report(path, &mut |_| true).map_err(|e| match e {
        ReadReportError::Io { .. } => Failure::input(e),
        ReadReportError::Truncated { .. } => {
            Failure::input(format!("{e}; run that shard again (its report was interrupted)"))
        }
        ReadReportError::NotJson { .. } => {
            Failure::input(format!("{e}; give the JSON reports of `postie run --shard`"))
        }
    })?;
    let Some(block) = parts.shard.filter(|b| b["index"].as_u64().is_some() && b["fingerprint"].is_string()) else {
        return Err(Failure::input(format!(
            "{} is not the JSON report of a sharded run (no `shard` block); run each shard with --shard i/n -r json",
            path.display()
        )));
    };
    if !parts.has_run {
        return Err(Failure::input(format!(
            "{}: the report has no `run`: it is not a postie JSON report",
            path.display()
        )));
    }
    let index = block["index"].as_u64().unwrap_or(0) as usize;
    if let Some(error) = parts.error {
        return Err(Failure::input(format!(
            "{}: shard {index}/{} was interrupted ({}); run that shard again",
            path.display(),
            block["total"],
            error.as_str().unwrap_or("see run.error")
        )));
    }
    Ok(Shard {
        path: path.to_path_buf(),
        index,
        collection: parts.collection.unwrap_or_else(|| "{}".into()),
        environment: parts.environment,
        globals: parts.globals,
        writes: parts.shard_writes.and_then(|w| w.as_array().cloned()).unwrap_or_default(),
        block,
    })
}

/// Every report must come from the same plan; returns the number of shards.
fn same_plan(shards: &[Shard]) -> Result<usize, Failure> {
    let Some(first) = shards.first() else { return Err(Failure::input("no shard report to merge")) };
    for other in &shards[1..] {
        for key in ["fingerprint", "total", "unit"] {
            if other.block[key] != first.block[key] {
                return Err(Failure::input(format!(
                    "{} and {} come from different plans ({key} {} and {}): every shard must run the same collection, environment, globals, data and flags",
                    first.path.display(),
                    other.path.display(),
                    first.block[key],
                    other.block[key]
                )));
            }
        }
    }
    Ok(first.block["total"].as_u64().unwrap_or(1) as usize)
}

/// One reader thread per shard, each handing over its executions in its file's order (plan
/// order within the shard); the smallest (iteration, position) goes next.
fn replay(shards: &[Shard], dispatcher: &mut Dispatcher) -> Result<(), Failure> {
    std::thread::scope(|scope| {
        let mut streams: Vec<Receiver<Execution>> = Vec::with_capacity(shards.len());
        let mut readers = Vec::new();
        for shard in shards {
            let (tx, rx) = sync_channel::<Execution>(READ_AHEAD);
            let path = shard.path.clone();
            readers.push(scope.spawn(move || read_report(&path, &mut |v| tx.send(execution_from_json(&v)).is_ok())));
            streams.push(rx);
        }
        let mut heads: BinaryHeap<Reverse<(usize, usize, usize)>> = BinaryHeap::new();
        let mut pending: Vec<Option<Execution>> = Vec::with_capacity(streams.len());
        for (i, rx) in streams.iter().enumerate() {
            let next = rx.recv().ok();
            if let Some(e) = &next {
                heads.push(Reverse((e.cursor.iteration, e.cursor.position, i)));
            }
            pending.push(next);
        }
        while let Some(Reverse((_, _, i))) = heads.pop() {
            if let Some(execution) = pending[i].take() {
                dispatcher.handle(Event::Execution(Box::new(execution)));
            }
            pending[i] = streams[i].recv().ok();
            if let Some(e) = &pending[i] {
                heads.push(Reverse((e.cursor.iteration, e.cursor.position, i)));
            }
        }
        drop(streams);
        for reader in readers {
            match reader.join() {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => return Err(Failure::input(e)),
                Err(_) => return Err(Failure::aborted("a report reader stopped unexpectedly")),
            }
        }
        Ok(())
    })
}

/// The final environment and globals of the whole plan: the first shard's, with every
/// variable a lane changed taken from the shard whose lane changed it last.
fn merged_scopes(shards: &[Shard]) -> (Value, Value) {
    let empty = || json!({"values": []});
    let mut environment = shards.first().and_then(|s| s.environment.clone()).unwrap_or_else(empty);
    let mut globals = shards.first().and_then(|s| s.globals.clone()).unwrap_or_else(empty);
    // (scope, key) → (lane, shard)
    let mut last: BTreeMap<(String, String), (u64, usize)> = BTreeMap::new();
    for (i, shard) in shards.iter().enumerate() {
        for w in &shard.writes {
            let (Some(scope), Some(key), Some(lane)) = (w["scope"].as_str(), w["key"].as_str(), w["lane"].as_u64())
            else {
                continue;
            };
            let entry = last.entry((scope.to_string(), key.to_string())).or_insert((lane, i));
            if lane >= entry.0 {
                *entry = (lane, i);
            }
        }
    }
    for ((scope, key), (_, i)) in last {
        let (target, source) = match scope.as_str() {
            "environment" => (&mut environment, shards[i].environment.as_ref()),
            "globals" => (&mut globals, shards[i].globals.as_ref()),
            _ => continue,
        };
        let entry = source.and_then(|s| find_value(s, &key)).cloned();
        let Some(values) = target.get_mut("values").and_then(Value::as_array_mut) else { continue };
        let at = values.iter().position(|v| v["key"] == key.as_str());
        match (at, entry) {
            (Some(at), Some(entry)) => values[at] = entry,
            (None, Some(entry)) => values.push(entry),
            (Some(at), None) => {
                values.remove(at);
            }
            (None, None) => {}
        }
    }
    (environment, globals)
}

fn find_value<'a>(scope: &'a Value, key: &str) -> Option<&'a Value> {
    scope.get("values")?.as_array()?.iter().find(|v| v["key"] == key)
}

fn settings(args: &MergeArgs) -> ReporterSettings {
    let color = std::io::stdout().is_terminal() && process_env("NO_COLOR").is_none_or(|v| v.is_empty());
    ReporterSettings {
        names: args.output.reporters.clone(),
        silent: args.silent,
        progress: false,
        cli: CliOptions { color, unicode: !args.disable_unicode, ..CliOptions::default() },
        junit_export: args.output.reporter_junit_export.clone(),
        json_export: args.output.reporter_json_export.clone(),
        json_body_limit: args.reporter_json_body_limit,
        started: SystemTime::now(),
        shard: None,
    }
}
