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
    /// Kept for the first report only: every shard has the same copy.
    collection: Option<String>,
    environment: Option<Value>,
    globals: Option<Value>,
    writes: Vec<Value>,
    warnings: Vec<String>,
    /// Stopped early by `--bail`: its later lanes did not run.
    incomplete: bool,
}

/// More shards than this is not a shard count but a damaged report.
const MAX_SHARDS: usize = 100_000;

pub fn merge_reports(args: MergeArgs) -> Result<Outcome, Failure> {
    refuse_overwriting_inputs(&args)?;
    let mut shards = Vec::with_capacity(args.reports.len());
    for (i, path) in args.reports.iter().enumerate() {
        shards.push(check_report(path, i == 0)?);
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
    same_lanes(&shards, missing.is_empty())?;
    let Some(block) = shards.first().map(|s| s.block.clone()) else {
        return Err(Failure::input("no shard report to merge"));
    };
    let collection = shards.iter().find_map(|s| s.collection.as_deref()).unwrap_or("{}");
    let redactor = Redactor::new(true);
    let mut settings = settings(&args);
    settings.collection_name = block["collection"]["name"].as_str().unwrap_or_default().to_string();
    let reporters =
        build_reporters(&settings, &RawDocument::Text(collection.into()), &redactor).map_err(|e| match e {
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
    let mut seen: Vec<&String> = Vec::new();
    // Notes about sharding itself are not the run's.
    for warning in shards.iter().flat_map(|s| &s.warnings).filter(|w| !w.starts_with("--shard")) {
        if !seen.contains(&warning) {
            seen.push(warning);
            dispatcher.handle(Event::Warning(warning.clone()));
        }
    }
    let incomplete: Vec<String> =
        shards.iter().filter(|s| s.incomplete).map(|s| format!("{}/{total}", s.index)).collect();
    if !incomplete.is_empty() {
        dispatcher.handle(Event::Warning(format!(
            "shard {} stopped early (--bail): its lanes after the failure did not run",
            incomplete.join(", ")
        )));
    }
    replay(&shards, &block, &mut dispatcher)?;
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
    let failed = summary.failed() || !missing.is_empty() || !incomplete.is_empty();
    if failed && !args.suppress_exit_code { Ok(Outcome::Failed) } else { Ok(Outcome::Passed) }
}

/// A shard's report read once end to end: complete, a shard report, not interrupted.
fn check_report(path: &Path, keep_collection: bool) -> Result<Shard, Failure> {
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
    let total = block["total"].as_u64().unwrap_or(0) as usize;
    if index == 0 || index > total || total > MAX_SHARDS {
        return Err(Failure::input(format!(
            "{}: the `shard` block says shard {index}/{total}, which is not a shard",
            path.display()
        )));
    }
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
        collection: parts.collection.filter(|_| keep_collection),
        environment: parts.environment,
        globals: parts.globals,
        writes: parts.shard_writes.and_then(|w| w.as_array().cloned()).unwrap_or_default(),
        warnings: parts.warnings,
        incomplete: parts.shard_incomplete,
        block,
    })
}

/// Every report must come from the same plan; returns the number of shards.
fn same_plan(shards: &[Shard]) -> Result<usize, Failure> {
    let Some(first) = shards.first() else { return Err(Failure::input("no shard report to merge")) };
    for other in &shards[1..] {
        for key in ["fingerprint", "total", "unit", "split", "lanesTotal"] {
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

/// Shards split the same lanes: none ran a lane twice (a machine that split differently,
/// say without the others' `--shard-timings`), and together they ran all of them.
fn same_lanes(shards: &[Shard], complete: bool) -> Result<(), Failure> {
    let Some(first) = shards.first() else { return Ok(()) };
    let total = first.block["lanesTotal"].as_u64().unwrap_or(0) as usize;
    let mut owner: Vec<Option<usize>> = vec![None; total];
    for (i, shard) in shards.iter().enumerate() {
        for lane in shard.block["lanes"].as_array().into_iter().flatten().filter_map(Value::as_u64) {
            let Some(slot) = owner.get_mut(lane as usize) else {
                return Err(Failure::input(format!(
                    "{}: lane {lane} is outside the plan's {total} lanes; the report is damaged",
                    shard.path.display()
                )));
            };
            if let Some(j) = slot.replace(i) {
                return Err(Failure::input(format!(
                    "{} and {} both ran lane {lane}: the shards were split differently (give every shard the same --shard-timings, or none)",
                    shards[j].path.display(),
                    shard.path.display()
                )));
            }
        }
    }
    if complete && let Some(lane) = owner.iter().position(Option::is_none) {
        return Err(Failure::input(format!(
            "no shard ran lane {lane} of {total}: the shards were split differently (give every shard the same --shard-timings, or none)"
        )));
    }
    Ok(())
}

/// A lane's place in the whole plan, from an execution's cursor (see the `shard` block).
fn lane_key(block: &Value, e: &Execution) -> usize {
    let (iteration, position) = (e.cursor.iteration, e.cursor.position);
    match block["unit"].as_str() {
        Some("request") => iteration * block["planned"].as_u64().unwrap_or(0) as usize + position,
        Some("folder") => {
            let per = block["lanesPerIteration"].as_u64().unwrap_or(1) as usize;
            let within = block["laneOfPosition"][position].as_u64().unwrap_or(0) as usize;
            iteration * per + within
        }
        _ => iteration,
    }
}

/// Merge-reports and `run` refuse to write over one of the reports being merged.
fn refuse_overwriting_inputs(args: &MergeArgs) -> Result<(), Failure> {
    let inputs: Vec<PathBuf> = args.reports.iter().filter_map(|p| p.canonicalize().ok()).collect();
    for output in [&args.output.reporter_json_export, &args.output.reporter_junit_export].into_iter().flatten() {
        if output.canonicalize().is_ok_and(|o| inputs.contains(&o)) {
            return Err(Failure::input(format!(
                "{} is one of the reports being merged; write the merged report elsewhere",
                output.display()
            )));
        }
    }
    Ok(())
}

/// One reader thread per shard, each handing over its executions in its file's order (lane
/// order within the shard); the next is the one of the earliest lane of the whole plan, so
/// a lane's own order (setNextRequest loops included) is kept.
fn replay(shards: &[Shard], block: &Value, dispatcher: &mut Dispatcher) -> Result<(), Failure> {
    std::thread::scope(|scope| {
        let mut streams: Vec<Receiver<Execution>> = Vec::with_capacity(shards.len());
        let mut readers = Vec::new();
        for shard in shards {
            let (tx, rx) = sync_channel::<Execution>(READ_AHEAD);
            let path = shard.path.clone();
            readers.push(scope.spawn(move || read_report(&path, &mut |v| tx.send(execution_from_json(&v)).is_ok())));
            streams.push(rx);
        }
        // Only one execution per stream is in the heap: the lane, then the stream, decide.
        let mut heads: BinaryHeap<Reverse<(usize, usize)>> = BinaryHeap::new();
        let mut pending: Vec<Option<Execution>> = Vec::with_capacity(streams.len());
        for (i, rx) in streams.iter().enumerate() {
            let next = rx.recv().ok();
            if let Some(e) = &next {
                heads.push(Reverse((lane_key(block, e), i)));
            }
            pending.push(next);
        }
        while let Some(Reverse((_, i))) = heads.pop() {
            if let Some(execution) = pending[i].take() {
                dispatcher.handle(Event::Execution(Box::new(execution)));
            }
            pending[i] = streams[i].recv().ok();
            if let Some(e) = &pending[i] {
                heads.push(Reverse((lane_key(block, e), i)));
            }
        }
        drop(streams);
        // Every reader is joined before an error is returned.
        let mut first_error = None;
        for reader in readers {
            let outcome = match reader.join() {
                Ok(Ok(_)) => None,
                Ok(Err(e)) => Some(Failure::input(e)),
                Err(_) => Some(Failure::aborted("a report reader stopped unexpectedly")),
            };
            first_error = first_error.or(outcome);
        }
        first_error.map_or(Ok(()), Err)
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
        collection_name: String::new(),
        html_export: args.output.reporter_html_export.clone(),
        html_body_limit: args.output.reporter_html_body_limit,
        suppress_exit_code: args.suppress_exit_code,
        github_step_summary: process_env("GITHUB_STEP_SUMMARY").filter(|v| !v.is_empty()).map(PathBuf::from),
    }
}
