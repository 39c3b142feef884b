//! The commands: turn parsed flags into options, load the inputs, drive the run or the
//! explanation, and decide the exit code. `main` only maps the `Outcome` to the process.

mod check;
mod convert;
mod explain;
mod failure;
mod inputs;
mod merge;
mod options;
mod remote;
mod run;
mod shard;

pub use check::check;
pub use convert::convert;
pub use explain::explain;
pub use failure::{Failure, Outcome, process_env};
pub use merge::merge_reports;
pub use run::run;

use crate::cli::{Cli, Command, ProxyCommand};

/// Runs the parsed command line. Messages go to stderr; the return value is the exit code.
pub fn execute(cli: Cli) -> Outcome {
    let result = match cli.command {
        Command::Run(args) => run(*args),
        Command::Convert(args) => convert(*args),
        Command::MergeReports(args) => merge_reports(*args),
        Command::Proxy { command: ProxyCommand::Explain(args) } => explain(*args),
        Command::Proxy { command: ProxyCommand::Check(args) } => check(*args),
    };
    match result {
        Ok(outcome) => outcome,
        Err(f) => {
            eprintln!("error: {}", f.message);
            f.outcome
        }
    }
}
