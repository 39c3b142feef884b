//! `ScriptHost`: one script engine per worker thread, reused across the requests of every
//! lane that worker runs. It drives a run on its `Engine` (see `engine.rs`): begin, each
//! script, finish, results accumulated across segments. A script that times out may leave work queued
//! in the engine, so after a timeout the host finishes the segment, rebuilds its engine
//! and carries the run on from the results so far.

use std::rc::Rc;

use super::engine::Engine;
use super::io::{Accumulated, Segment};
use super::native::{RunVars, ServicesSlot};
use super::types::{NextRequest, ScriptError, ScriptFailure, ScriptInput, ScriptLimits, ScriptOutcome, ScriptServices};

pub struct ScriptHost {
    engine: Engine,
    services: Rc<ServicesSlot>,
    vars: Rc<RunVars>,
    limits: ScriptLimits,
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
        let engine = Engine::new(limits, &services, &vars)?;
        Ok(ScriptHost { engine, services, vars, limits })
    }

    pub fn run(&mut self, input: ScriptInput, services: &dyn ScriptServices) -> ScriptOutcome {
        let slot = Rc::clone(&self.services);
        slot.scoped(services, || self.run_with_services(input))
    }

    /// The run, while `pm.sendRequest` and the dynamic variables reach the caller's services.
    fn run_with_services(&mut self, input: ScriptInput) -> ScriptOutcome {
        let ScriptInput { event, scripts, vars, request, response, info } = input;
        let mut acc = Accumulated {
            assertions: Vec::new(),
            console: Vec::new(),
            errors: Vec::new(),
            changed_scopes: [false; 5],
            next_request: NextRequest::Unchanged,
            skip_request: false,
        };
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
            if let Err(message) = self.engine.begin(&segment) {
                let origin = scripts[next_script].origin.clone();
                acc.errors.push((next_script, internal(origin, format!("could not start the scripts: {message}"))));
                break;
            }
            let mut timed_out = false;
            while next_script < scripts.len() && !timed_out {
                let (failure, timeout) = self.engine.run_script(next_script, &scripts[next_script]);
                if let Some(failure) = failure {
                    acc.errors.push((next_script, failure));
                }
                timed_out = timeout;
                next_script += 1;
            }
            match self.engine.finish() {
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
}

fn internal(origin: String, message: String) -> ScriptFailure {
    ScriptFailure { origin, name: "InternalError".to_string(), message, line: None }
}
