//! The commands: turn parsed flags into options, load the inputs, drive the run or the
//! explanation, and decide the exit code. `main` only maps the `Outcome` to the process.

mod explain;
mod inputs;
mod options;
mod run;

pub use explain::explain;
pub use run::run;

use crate::cli::{Cli, Command, ProxyCommand};

/// The documented exit codes (DESIGN.md §7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every request ran and every assertion passed.
    Passed = 0,
    /// A failed assertion, script error or request error.
    Failed = 1,
    /// Usage or input error.
    BadInput = 2,
    /// The run could not proceed (e.g. a report cannot be written).
    Aborted = 3,
}

/// A failure before or around the run: its message (already free of secrets) and exit code.
#[derive(Debug)]
pub struct Failure {
    pub outcome: Outcome,
    pub message: String,
}

impl Failure {
    pub fn input(message: impl std::fmt::Display) -> Self {
        Failure { outcome: Outcome::BadInput, message: message.to_string() }
    }

    pub fn aborted(message: impl std::fmt::Display) -> Self {
        Failure { outcome: Outcome::Aborted, message: message.to_string() }
    }
}

/// Runs the parsed command line. Messages go to stderr; the return value is the exit code.
pub fn execute(cli: Cli) -> Outcome {
    let result = match cli.command {
        Command::Run(args) => run(*args),
        Command::Proxy { command: ProxyCommand::Explain(args) } => explain(*args),
    };
    match result {
        Ok(outcome) => outcome,
        Err(f) => {
            eprintln!("error: {}", f.message);
            f.outcome
        }
    }
}

/// The process environment, as the proxy and config code read it.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}
