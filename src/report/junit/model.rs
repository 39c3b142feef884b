//! What the JUnit report keeps between executions: per request item, one `Suite` with a
//! `Case` per assertion (per iteration) and per error — names, outcomes, messages and
//! times only. Response bodies, headers and console output are never kept.

use std::time::Duration;

use crate::report::event::{AssertionStatus, Execution, ScriptPhase};

pub(super) struct Suite {
    pub id: String,
    /// `Folder / Sub / Request`; also every case's `classname`.
    pub name: String,
    pub cases: Vec<Case>,
    /// Sum of the item's response times over all its executions.
    pub time: Duration,
}

pub(super) struct Case {
    pub name: String,
    pub time: Duration,
    pub outcome: Outcome,
}

pub(super) enum Outcome {
    Passed,
    Skipped {
        message: String,
    },
    /// `message` is the attribute (chai's one-liner), `details` the element's text.
    Failure {
        message: String,
        details: String,
    },
    Error {
        kind: String,
        message: String,
        details: String,
    },
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Counts {
    pub tests: usize,
    pub failures: usize,
    pub errors: usize,
    pub skipped: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.tests += other.tests;
        self.failures += other.failures;
        self.errors += other.errors;
        self.skipped += other.skipped;
    }
}

impl Suite {
    pub fn new(id: &str, name: &str) -> Self {
        Suite { id: id.to_string(), name: name.to_string(), cases: Vec::new(), time: Duration::ZERO }
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts { tests: self.cases.len(), ..Counts::default() };
        for case in &self.cases {
            match case.outcome {
                Outcome::Passed => {}
                Outcome::Skipped { .. } => c.skipped += 1,
                Outcome::Failure { .. } => c.failures += 1,
                Outcome::Error { .. } => c.errors += 1,
            }
        }
        c
    }

    /// Appends the cases of one execution of this suite's item, in the order things
    /// happen in a run: pre-request script errors, the request, assertions, test-script
    /// errors. `several` adds ` [iteration N]` to every name so iterations never merge.
    pub fn add(&mut self, e: &Execution, several: bool) {
        let time = e.response.as_ref().map(|r| r.time).unwrap_or_default();
        self.time += time;
        let iteration = e.cursor.iteration + 1;
        let suffix = if several { format!(" [iteration {iteration}]") } else { String::new() };
        let place = format!("request: {}\niteration: {iteration}", e.full_name);
        let mut push = |name: String, outcome| self.cases.push(Case { name: format!("{name}{suffix}"), time, outcome });

        script_errors(e, ScriptPhase::PreRequest, &place, &mut push);
        // A request a script sent that got no response fails the run, as in Newman.
        for side in e.side_requests.iter() {
            if let Err(err) = &side.outcome {
                let details = format!(
                    "{}: {}\n{place}\nsent by the {}-script: {} {}",
                    err.kind,
                    err.message,
                    side.phase.as_str(),
                    side.method,
                    side.url
                );
                push(
                    format!("{}-script request error", side.phase.as_str()),
                    Outcome::Error { kind: err.kind.clone(), message: err.message.clone(), details },
                );
            }
        }
        if let Some(err) = &e.error {
            let details = format!("{}: {}\n{place}\nroute: {}", err.kind, err.message, e.route);
            push(
                "request error".to_string(),
                Outcome::Error { kind: err.kind.clone(), message: err.message.clone(), details },
            );
        } else if e.skipped && e.assertions.is_empty() {
            // Not sent on purpose (`pm.execution.skipRequest()`): say so rather than
            // leaving a suite with no cases that looks like it passed.
            let message = "request skipped by a pre-request script".to_string();
            push("request".to_string(), Outcome::Skipped { message });
        }
        for a in &e.assertions {
            let outcome = match a.status {
                AssertionStatus::Passed => Outcome::Passed,
                AssertionStatus::Skipped => Outcome::Skipped { message: "skipped by pm.test.skip".to_string() },
                AssertionStatus::Failed => {
                    let (kind, message) = a.error.clone().unwrap_or_else(|| ("AssertionError".into(), String::new()));
                    let details = format!("{kind}: {message}\n{place}\ntest: {}", a.name);
                    Outcome::Failure { message, details }
                }
            };
            push(a.name.clone(), outcome);
        }
        script_errors(e, ScriptPhase::Test, &place, &mut push);
    }
}

/// One case per script error of `phase`; a second error in the same phase (a folder's
/// script and the request's both threw) gets ` (2)`, so names stay unique.
fn script_errors(e: &Execution, phase: ScriptPhase, place: &str, push: &mut impl FnMut(String, Outcome)) {
    let errors = e.script_errors.iter().filter(|s| s.phase == phase);
    for (n, s) in errors.enumerate() {
        let base = format!("{}-script error", phase.as_str());
        let name = if n == 0 { base } else { format!("{base} ({})", n + 1) };
        let line = s.line.map(|l| format!(", line {l}")).unwrap_or_default();
        let details =
            format!("{}: {}\n{place}\nscript: {}-script of {}{line}", s.name, s.message, phase.as_str(), s.origin);
        push(name, Outcome::Error { kind: s.name.clone(), message: s.message.clone(), details });
    }
}
