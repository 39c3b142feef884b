//! Reporting: the `Event`s a run emits, the `Reporter` trait, and the sinks (terminal,
//! JUnit, JSON, HTML, GitHub Actions). Every event passes the `Redactor` before any sink sees it.

mod build;
mod cli;
mod dispatch;
mod event;
mod export;
mod github;
mod html;
mod json;
mod junit;
mod progress;
mod redact;
mod reporter;
mod stats;
#[cfg(test)]
mod testdata;

pub use build::{KNOWN_REPORTERS, ReporterSettings, ReporterSetupError, Reporters, build_reporters};
pub use cli::{CliOptions, CliReporter};
pub use dispatch::{Dispatcher, Event};
pub use event::*;
pub use export::export_path;
pub use github::GithubReporter;
pub use html::{HtmlOptions, HtmlReporter, default_html_path};
pub use json::{
    FinalScopes, JsonReporter, ReadReportError, ReportParts, execution_from_json, read_report, redact_json,
};
pub use junit::JunitReporter;
pub use progress::ProgressReporter;
pub use redact::Redactor;
pub use reporter::{ReportError, Reporter};
pub use stats::{Counter, FailureRecord, RouteCount, Stats, Summary, counted_size};
