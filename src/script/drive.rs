//! Running one script on a `ScriptHost`: compile (cached), call it through the prelude,
//! then work off its promise jobs and timers until idle, all under the script's deadline.

use std::time::{Duration, Instant};

use rquickjs::context::EvalOptions;
use rquickjs::{Ctx, Function, Object, Persistent, Value};

use super::host::ScriptHost;
use super::io;
use super::prelude;
use super::types::{ScriptFailure, ScriptSource};

/// Distinct scripts kept compiled; a collection rarely has more, and the cache is simply
/// emptied when it fills.
const MAX_COMPILED: usize = 1024;

pub(super) fn call_internal<'js, R: rquickjs::FromJs<'js>>(
    internals: &Object<'js>,
    name: &str,
    args: impl rquickjs::function::IntoArgs<'js>,
) -> rquickjs::Result<R> {
    let function: Function = internals.get(name)?;
    function.call(args)
}

fn failure(origin: &str, name: &str, message: String) -> ScriptFailure {
    ScriptFailure { origin: origin.to_string(), name: name.to_string(), message, line: None }
}

/// The pending exception as a failure, described by the prelude when it can be.
pub(super) fn caught_failure<'js>(ctx: &Ctx<'js>, internals: &Object<'js>, origin: &str) -> ScriptFailure {
    let value: Value = ctx.catch();
    let fallback = value.as_exception().and_then(|e| e.message()).unwrap_or_else(|| "the script failed".to_string());
    let described = call_internal::<String>(internals, "describe", (value,)).ok().and_then(|text| io::described(&text));
    match described {
        Some(d) => ScriptFailure { origin: origin.to_string(), name: d.name, message: d.message, line: d.line },
        None => {
            // Describing failed too (typically out of memory): drop that second exception.
            drop(ctx.catch());
            failure(origin, "InternalError", fallback)
        }
    }
}

impl ScriptHost {
    fn timeout_failure(&self, origin: &str) -> ScriptFailure {
        let millis = self.limits.timeout.map(|t| t.as_millis()).unwrap_or(0);
        failure(origin, "Error", format!("Script timed out after {millis} ms"))
    }

    /// Runs one script to completion: its synchronous part, then promise jobs and timers
    /// until nothing is pending or the deadline passes. The flag says it timed out.
    pub(super) fn run_script(&mut self, index: usize, script: &ScriptSource) -> (Option<ScriptFailure>, bool) {
        self.watchdog.arm(self.limits.timeout);
        let (mut outcome, timers) = self.start_script(index, script);
        if self.watchdog.fired.get() {
            outcome = Some(self.timeout_failure(&script.origin));
        } else if outcome.is_none() && (timers || self.runtime.is_job_pending()) {
            outcome = self.drain(&script.origin);
        }
        let timed_out = self.watchdog.fired.get();
        self.watchdog.disarm();
        let end_script = self.hot.end_script.clone();
        let ended = self.context.with(|ctx| -> rquickjs::Result<()> { end_script.restore(&ctx)?.call((index,)) });
        if ended.is_err() {
            self.context.with(|ctx| drop(ctx.catch()));
        }
        (outcome, timed_out)
    }

    /// Compiles (or reuses) and calls the script; the flag says it left timers pending.
    fn start_script(&mut self, index: usize, script: &ScriptSource) -> (Option<ScriptFailure>, bool) {
        let internals = self.internals.clone();
        let run_script = self.hot.run_script.clone();
        let cached = self.compiled.get(&script.code).cloned();
        let was_cached = cached.is_some();
        let origin = script.origin.as_str();
        let (outcome, compiled) = self.context.with(|ctx| {
            // Needed only to describe a failure.
            let caught = |ctx: &Ctx<'_>| match internals.clone().restore(ctx) {
                Ok(internals) => caught_failure(ctx, &internals, origin),
                Err(e) => failure(origin, "InternalError", e.to_string()),
            };
            let run_script = match run_script.restore(&ctx) {
                Ok(f) => f,
                Err(e) => return (Err(failure(origin, "InternalError", e.to_string())), None),
            };
            let function = match cached {
                Some(f) => match f.restore(&ctx) {
                    Ok(f) => f,
                    Err(e) => return (Err(failure(origin, "InternalError", e.to_string())), None),
                },
                None => {
                    let mut options = EvalOptions::default();
                    options.strict = false;
                    options.filename = Some(prelude::SCRIPT_FILE.to_string());
                    let source = prelude::wrap_script(&script.code);
                    match ctx.eval_with_options::<Function, _>(source, options) {
                        Ok(f) => f,
                        Err(_) => return (Err(caught(&ctx)), None),
                    }
                }
            };
            let saved = (!was_cached).then(|| Persistent::save(&ctx, function.clone()));
            let called = run_script.call::<_, Option<String>>((function, index));
            let outcome = match called {
                // `null`: done; `''`: timers pending; anything else describes a throw.
                Ok(None) => Ok(false),
                Ok(Some(text)) if text.is_empty() => Ok(true),
                Ok(Some(text)) => Err(match io::described(&text) {
                    Some(d) => {
                        ScriptFailure { origin: origin.to_string(), name: d.name, message: d.message, line: d.line }
                    }
                    None => failure(origin, "Error", text),
                }),
                Err(_) => Err(caught(&ctx)),
            };
            (outcome, saved)
        });
        if let Some(function) = compiled {
            if self.compiled.len() >= MAX_COMPILED {
                self.compiled.clear();
            }
            self.compiled.insert(script.code.clone(), function);
        }
        match outcome {
            Ok(timers) => (None, timers),
            Err(failure) => (Some(failure), false),
        }
    }

    /// Promise jobs, then the next due timer, until idle; `Some` when the deadline passed.
    fn drain(&mut self, origin: &str) -> Option<ScriptFailure> {
        loop {
            while self.runtime.is_job_pending() {
                // A job that throws has already rejected its promise; only an interrupt
                // matters here, and the watchdog reports that.
                let _ = self.runtime.execute_pending_job();
                if self.watchdog.expired() {
                    return Some(self.timeout_failure(origin));
                }
            }
            let internals = self.internals.clone();
            let delay = self.context.with(|ctx| -> rquickjs::Result<f64> {
                let internals = internals.restore(&ctx)?;
                call_internal::<f64>(&internals, "nextTimerDelay", ())
            });
            let delay = match delay {
                Ok(d) if d >= 0.0 => Duration::from_millis(d.ceil() as u64),
                Ok(_) => return None,
                Err(_) => {
                    self.context.with(|ctx| drop(ctx.catch()));
                    return None;
                }
            };
            if !delay.is_zero() {
                if let Some(deadline) = self.watchdog.deadline.get() {
                    let now = Instant::now();
                    if now + delay >= deadline {
                        std::thread::sleep(deadline.saturating_duration_since(now));
                        self.watchdog.fired.set(true);
                        return Some(self.timeout_failure(origin));
                    }
                }
                std::thread::sleep(delay);
            }
            let internals = self.internals.clone();
            let ran = self.context.with(|ctx| -> rquickjs::Result<()> {
                let internals = internals.restore(&ctx)?;
                call_internal::<()>(&internals, "runNextTimer", ())
            });
            if ran.is_err() {
                self.context.with(|ctx| drop(ctx.catch()));
                if self.watchdog.expired() {
                    return Some(self.timeout_failure(origin));
                }
                return Some(failure(origin, "InternalError", "a timer callback could not run".to_string()));
            }
        }
    }
}
