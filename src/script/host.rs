//! `ScriptHost`: one QuickJS runtime and context per worker thread, reused across the
//! requests of every lane that worker runs. It
//! loads the prelude once, keeps each distinct script compiled, and drives a run: begin,
//! each script (see `drive.rs`), finish. A script that times out may leave work queued
//! in the engine, so after a timeout the host finishes the segment, rebuilds its engine
//! and carries the run on from the results so far.

use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

use rquickjs::convert::List;
use rquickjs::{Context, Function, Object, Persistent, Runtime, Value};

use super::drive::{call_internal, caught_failure};
use super::flat;
use super::io::{self, Accumulated, Finished, Segment};
use super::native::{self, RunVars, ServicesSlot};
use super::prelude;
use super::types::{NextRequest, ScriptError, ScriptFailure, ScriptInput, ScriptLimits, ScriptOutcome, ScriptServices};

/// QuickJS's stack budget; well under the 2 MiB of a spawned thread.
const MAX_STACK_BYTES: usize = 512 * 1024;

/// Deadline of the script in progress, read by the interrupt handler.
#[derive(Default)]
pub(super) struct Watchdog {
    pub(super) deadline: Cell<Option<Instant>>,
    pub(super) fired: Cell<bool>,
}

impl Watchdog {
    pub(super) fn arm(&self, timeout: Option<Duration>) {
        self.fired.set(false);
        self.deadline.set(timeout.map(|t| Instant::now() + t));
    }

    pub(super) fn disarm(&self) {
        self.deadline.set(None);
    }

    pub(super) fn expired(&self) -> bool {
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
pub(super) struct HotFunctions {
    pub(super) begin: Persistent<Function<'static>>,
    pub(super) run_script: Persistent<Function<'static>>,
    pub(super) end_script: Persistent<Function<'static>>,
    pub(super) finish: Persistent<Function<'static>>,
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

pub struct ScriptHost {
    // JS handles come first: fields drop in order, and they must go before the runtime.
    pub(super) compiled: HashMap<String, Persistent<Function<'static>>>,
    pub(super) internals: Persistent<Object<'static>>,
    pub(super) hot: HotFunctions,
    pub(super) context: Context,
    pub(super) runtime: Runtime,
    pub(super) watchdog: Rc<Watchdog>,
    services: Rc<ServicesSlot>,
    vars: Rc<RunVars>,
    pub(super) limits: ScriptLimits,
}

impl ScriptHost {
    pub fn new(limits: ScriptLimits) -> Result<ScriptHost, ScriptError> {
        Self::with_slots(limits, Rc::new(ServicesSlot::default()), Rc::new(RunVars::default()))
    }

    fn with_slots(
        limits: ScriptLimits,
        services: Rc<ServicesSlot>,
        vars: Rc<RunVars>,
    ) -> Result<ScriptHost, ScriptError> {
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
                let native = native::install(&ctx, &services, &vars)?;
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
        Ok(ScriptHost { compiled: HashMap::new(), internals, hot, context, runtime, watchdog, services, vars, limits })
    }

    pub fn run(&mut self, input: ScriptInput, services: &dyn ScriptServices) -> ScriptOutcome {
        let ScriptInput { event, scripts, vars, request, response, info } = input;
        let mut acc = Accumulated {
            assertions: Vec::new(),
            console: Vec::new(),
            errors: Vec::new(),
            changed_scopes: [false; 5],
            next_request: NextRequest::Unchanged,
            skip_request: false,
        };
        let services_slot = Rc::clone(&self.services);
        let _services = services_slot.enter(services);
        let environment_name = vars.environment_name.clone();
        *self.vars.maps.borrow_mut() = vars;
        *self.vars.request.borrow_mut() = request;
        let mut next_script = 0;
        while next_script < scripts.len() {
            let segment = Segment {
                event,
                environment_name: environment_name.as_deref(),
                response: response.as_ref(),
                info: &info,
                assertion_base: acc.assertions.len(),
            };
            if let Err(message) = self.begin(&segment) {
                let origin = scripts[next_script].origin.clone();
                acc.errors.push((next_script, internal(origin, format!("could not start the scripts: {message}"))));
                break;
            }
            let mut timed_out = false;
            while next_script < scripts.len() && !timed_out {
                let (failure, timeout) = self.run_script(next_script, &scripts[next_script]);
                if let Some(failure) = failure {
                    acc.errors.push((next_script, failure));
                }
                timed_out = timeout;
                next_script += 1;
            }
            match self.finish() {
                Ok(finished) => finished.merge_into(
                    &mut acc,
                    &mut self.vars.maps.borrow_mut(),
                    &mut self.vars.request.borrow_mut(),
                    &scripts,
                ),
                Err(message) => {
                    let origin = scripts[next_script - 1].origin.clone();
                    acc.errors.push((
                        next_script - 1,
                        internal(origin, format!("could not collect the script results: {message}")),
                    ));
                }
            }
            if timed_out {
                self.rebuild();
            }
        }
        // Stable: within one script, synchronous failures stay before asynchronous ones.
        acc.errors.sort_by_key(|(index, _)| *index);
        ScriptOutcome {
            assertions: acc.assertions,
            console: acc.console,
            errors: acc.errors.into_iter().map(|(_, f)| f).collect(),
            vars: self.vars.maps.take(),
            changed_scopes: acc.changed_scopes,
            request: self.vars.request.take(),
            next_request: acc.next_request,
            skip_request: acc.skip_request,
        }
    }

    /// A fresh engine with the same limits and services; the old one is dropped. If the
    /// rebuild fails (it only can when memory is short) the old engine is kept.
    fn rebuild(&mut self) {
        if let Ok(fresh) = Self::with_slots(self.limits, Rc::clone(&self.services), Rc::clone(&self.vars)) {
            *self = fresh;
        }
    }

    fn begin(&mut self, segment: &Segment<'_>) -> Result<(), String> {
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

    fn finish(&mut self) -> Result<Finished, String> {
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

fn internal(origin: String, message: String) -> ScriptFailure {
    ScriptFailure { origin, name: "InternalError".to_string(), message, line: None }
}

#[cfg(test)]
mod bytecode_tests {
    use super::*;

    #[test]
    fn the_build_time_bytecode_loads_and_yields_the_chunk_functions() {
        let runtime = Runtime::new().unwrap();
        let context = Context::full(&runtime).unwrap();
        context.with(|ctx| {
            let vendored = ["moment", "lodash", "lodash3", "xml2js", "tv4", "ajv"]
                .map(|name| prelude::vendor_chunk(name).expect("vendored").bytecode);
            for bytes in [prelude::BYTECODE, prelude::INSPECT_BYTECODE].into_iter().chain(vendored) {
                let f = prelude::from_bytecode(&ctx, bytes).expect("bytecode from build.rs loads");
                assert!(f.as_object().is_some());
            }
        });
    }

    #[test]
    fn the_inspect_source_gives_the_same_functions_as_its_bytecode() {
        let runtime = Runtime::new().unwrap();
        let context = Context::full(&runtime).unwrap();
        context.with(|ctx| {
            let from_source: Function = ctx.eval(prelude::INSPECT_SOURCE).unwrap();
            let from_bytes = prelude::from_bytecode(&ctx, prelude::INSPECT_BYTECODE).unwrap();
            let no_class = Function::new(ctx.clone(), |_: Value| false).unwrap();
            for factory in [from_source, from_bytes] {
                let chunk: Object = factory.call((no_class.clone(),)).unwrap();
                let display: Function = chunk.get("objDisplay").unwrap();
                let text: String = display.call((vec![1, 2],)).unwrap();
                assert_eq!(text, "[ 1, 2 ]");
            }
        });
    }
}
