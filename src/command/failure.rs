//! How a command ends: the documented exit codes and the failure that carries one, and
//! the process environment as the commands read it.

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

/// The process environment, as the proxy and config code read it.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}
