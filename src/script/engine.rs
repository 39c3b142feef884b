//! `Engine`: one QuickJS runtime and context with the prelude loaded, and the mechanics of
//! running scripts on it: compile (cached), call through the prelude, work off promise jobs
//! and timers until idle under the script's deadline, and the prelude's begin/finish calls.
//! `ScriptHost` owns one and drives runs with it; nothing outside reaches into its fields.

use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

use rquickjs::context::EvalOptions;
use rquickjs::convert::List;
use rquickjs::{Context, Ctx, Function, Object, Persistent, Runtime, Value};

use super::flat;
use super::io::{self, Finished, Segment};
use super::native::{self, RunVars, ServicesSlot};
use super::prelude;
use super::types::{ScriptError, ScriptFailure, ScriptLimits, ScriptSource};

/// QuickJS's stack budget; well under the 2 MiB of a spawned thread.
const MAX_STACK_BYTES: usize = 512 * 1024;

/// Deadline of the script in progress, read by the interrupt handler.
#[derive(Default)]
struct Watchdog {
    deadline: Cell<Option<Instant>>,
    fired: Cell<bool>,
}

impl Watchdog {
    fn arm(&self, timeout: Option<Duration>) {
        self.fired.set(false);
        self.deadline.set(timeout.map(|t| Instant::now() + t));
    }

    fn disarm(&self) {
        self.deadline.set(None);
    }

    fn expired(&self) -> bool {
        if self.fired.get() {
            return true;
        }
        match self.deadline.get() {
            Some(deadline) if Instant::now() >= deadline => {
                self.fired.set(true);
                true
            }
            _ => false,
        }
    }
}

/// The internals every run calls, looked up once: a lookup by name costs an atom each time.
struct HotFunctions {
    begin: Persistent<Function<'static>>,
    run_script: Persistent<Function<'static>>,
    end_script: Persistent<Function<'static>>,
    finish: Persistent<Function<'static>>,
}

impl HotFunctions {
    fn from<'js>(ctx: &rquickjs::Ctx<'js>, internals: &Object<'js>) -> rquickjs::Result<HotFunctions> {
        let get = |name: &str| internals.get::<_, Function>(name).map(|f| Persistent::save(ctx, f));
        Ok(HotFunctions {
            begin: get("begin")?,
            run_script: get("runScript")?,
            end_script: get("endScript")?,
            finish: get("finish")?,
        })
    }
}

/// Distinct scripts kept compiled; a collection rarely has more, and the cache is simply
/// emptied when it fills.
const MAX_COMPILED: usize = 1024;

fn call_internal<'js, R: rquickjs::FromJs<'js>>(
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
fn caught_failure<'js>(ctx: &Ctx<'js>, internals: &Object<'js>, origin: &str) -> ScriptFailure {
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

pub(super) struct Engine {
    // JS handles come first: fields drop in order, and they must go before the runtime.
    compiled: HashMap<String, Persistent<Function<'static>>>,
    internals: Persistent<Object<'static>>,
    hot: HotFunctions,
    context: Context,
    runtime: Runtime,
    watchdog: Rc<Watchdog>,
    limits: ScriptLimits,
}

impl Engine {
    /// A runtime and context with the prelude loaded, wired to `services` and `vars`.
    pub(super) fn new(
        limits: ScriptLimits,
        services: &Rc<ServicesSlot>,
        vars: &Rc<RunVars>,
    ) -> Result<Engine, ScriptError> {
        let prelude_error =
            |message: String| ScriptError::Prelude { message, memory_limit_bytes: limits.memory_limit_bytes };
        let runtime = Runtime::new().map_err(|e| ScriptError::Runtime(e.to_string()))?;
        runtime.set_max_stack_size(MAX_STACK_BYTES);
        if limits.memory_limit_bytes > 0 {
            runtime.set_memory_limit(limits.memory_limit_bytes);
        }
        let watchdog = Rc::new(Watchdog::default());
        let handler_watchdog = Rc::clone(&watchdog);
        runtime.set_interrupt_handler(Some(Box::new(move || handler_watchdog.expired())));
        let context = Context::full(&runtime).map_err(|e| prelude_error(e.to_string()))?;
        let (internals, hot) = context.with(|ctx| {
            let load = || -> rquickjs::Result<(Persistent<Object<'static>>, HotFunctions)> {
                let factory = prelude::load(&ctx, prelude::BYTECODE, prelude::SOURCE, prelude::PRELUDE_FILE)?;
                let native = native::install(&ctx, services, vars)?;
                let internals: Object = factory.call((native,))?;
                let hot = HotFunctions::from(&ctx, &internals)?;
                Ok((Persistent::save(&ctx, internals), hot))
            };
            load().map_err(|e| match e {
                rquickjs::Error::Exception => {
                    let value = ctx.catch();
                    let text = value
                        .as_exception()
                        .map(|ex| format!("{ex}"))
                        .or_else(|| value.as_string().and_then(|s| s.to_string().ok()))
                        .unwrap_or_else(|| "unknown exception".to_string());
                    prelude_error(text)
                }
                other => prelude_error(other.to_string()),
            })
        })?;
        Ok(Engine { compiled: HashMap::new(), internals, hot, context, runtime, watchdog, limits })
    }

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

    pub(super) fn begin(&mut self, segment: &Segment<'_>) -> Result<(), String> {
        let args = io::begin_args(segment);
        let internals = self.internals.clone();
        let begin = self.hot.begin.clone();
        self.context.with(|ctx| {
            let begin = begin.restore(&ctx).map_err(|e| e.to_string())?;
            begin.call::<_, ()>((List(args.meta), args.response, args.body.as_ref())).map_err(|e| match e {
                rquickjs::Error::Exception => described_exception(&ctx, internals),
                other => other.to_string(),
            })
        })
    }

    pub(super) fn finish(&mut self) -> Result<Finished, String> {
        let internals = self.internals.clone();
        let finish = self.hot.finish.clone();
        let text = self.context.with(|ctx| -> Result<Result<Finished, String>, String> {
            let caught = |e| match e {
                rquickjs::Error::Exception => described_exception(&ctx, internals.clone()),
                other => other.to_string(),
            };
            let finish = finish.restore(&ctx).map_err(|e| e.to_string())?;
            let value = finish.call::<_, Value>(()).map_err(caught)?;
            if let Some(finished) = flat::read(value.clone()) {
                return Ok(Ok(finished));
            }
            let text = match value.as_string() {
                Some(text) => text.to_string().map_err(|e| e.to_string())?,
                None => {
                    let restored = internals.clone().restore(&ctx).map_err(|e| e.to_string())?;
                    call_internal::<String>(&restored, "finishText", ()).map_err(caught)?
                }
            };
            Ok(Err(text))
        })?;
        match text {
            Ok(finished) => Ok(finished),
            Err(text) => Finished::parse(&text),
        }
    }
}

/// The pending exception's message, as the prelude describes it.
fn described_exception(ctx: &rquickjs::Ctx<'_>, internals: Persistent<Object<'static>>) -> String {
    match internals.restore(ctx) {
        Ok(internals) => caught_failure(ctx, &internals, "").message,
        Err(e) => e.to_string(),
    }
}
