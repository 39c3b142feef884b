//! `Decision`: a route with the story of how it was chosen, for `postie proxy explain`,
//! `--verbose` and the JSON report.
//!
//! It records what `policy` reports through its `Trace`; it decides nothing itself.
//! Every proxy in it is printed masked.

use std::fmt;

use super::bypass::BypassList;
use super::pac_list::PacAnswer;
use super::policy::{ProxyPolicy, Trace};
use super::sources::{CollectionProxy, Route, Rule, Source};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub route: Route,
    pub source: Source,
    /// The rule that decided, in short (`NO_PROXY .corp`).
    pub rule: Rule,
    /// Where to go when `route` cannot be connected to (the rest of a PAC's list).
    pub fallbacks: Vec<Route>,
    /// What the PAC returned and the routes it names, when the PAC decided.
    pub pac: Option<PacAnswer>,
    /// Each source consulted, in order, with why it was skipped or how it decided.
    pub reasons: Vec<String>,
    /// Loopback targets proxied, `tunnel` that cannot be honoured, malformed bypass
    /// entries and invalid match patterns met on the way.
    pub warnings: Vec<String>,
}

impl ProxyPolicy {
    /// The same route as `route`, with its reasons and warnings.
    pub fn explain(&self, url: &url::Url, request_proxy: Option<&CollectionProxy>) -> Decision {
        let mut recorder = Recorder::default();
        let decided = self.decide(url, request_proxy, &mut recorder);
        Decision {
            route: decided.route,
            source: decided.source,
            rule: decided.rule,
            fallbacks: decided.fallbacks,
            pac: decided.pac,
            reasons: recorder.reasons,
            warnings: recorder.warnings,
        }
    }
}

impl fmt::Display for Decision {
    /// ```text
    /// route:  http://***:***@proxy.corp:3128
    /// source: custom proxy (--proxy / config [proxy])
    ///   - custom proxy ... serves https requests and its bypass list does not match
    ///   warning: ...
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "route:  {}", self.route)?;
        writeln!(f, "source: {}", self.source)?;
        write!(f, "rule:   {}", self.rule)?;
        if !self.fallbacks.is_empty() {
            let rest: Vec<String> = self.fallbacks.iter().map(|r| r.to_string()).collect();
            write!(f, "\nthen:   {}", rest.join(", "))?;
        }
        for reason in &self.reasons {
            write!(f, "\n  - {reason}")?;
        }
        for warning in &self.warnings {
            write!(f, "\n  warning: {warning}")?;
        }
        Ok(())
    }
}

#[derive(Default)]
struct Recorder {
    reasons: Vec<String>,
    warnings: Vec<String>,
}

impl Trace for Recorder {
    fn reason(&mut self, message: impl FnOnce() -> String) {
        self.reasons.push(message());
    }

    fn warn(&mut self, message: impl FnOnce() -> String) {
        self.warnings.push(message());
    }

    fn list_warnings(&mut self, list: &BypassList) {
        self.warnings.extend(list.warnings().iter().cloned());
    }
}
