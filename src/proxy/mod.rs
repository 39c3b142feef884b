//! Proxy decisions: which route (direct or which proxy) each request takes, and why.
//!
//! Pure: no sockets, no DNS, no async, no `std::env` (the environment comes in through a
//! lookup function). The HTTP layer asks `ProxyPolicy::route` per request and builds one
//! client per route; `explain` gives the same answer with reasons. The rules are
//! the team's PROXY.md (bypass rules with test vectors, mirrored in the README's "Proxies"
//! section and in `proxy/tests/policy_fixtures.rs`) and DESIGN.md §3.
//!
//! - `endpoint`: proxy URLs (parse, print masked)
//! - `bypass`, `entry`, `target`: `NO_PROXY`-style lists and host matching (the glob and
//!   host comparison are `crate::urlmatch`'s, shared with match patterns)
//! - `env`: the system proxy from environment variables
//! - match patterns of collection `proxy` objects are `crate::urlmatch::MatchPattern`,
//!   parsed leniently
//! - `pac_list`: what a PAC file returns, parsed; the `PacLookup` seam the policy asks
//!   (the script itself runs in `crate::pac`)
//! - `sources`: routes and the configured sources; `policy`: their precedence;
//!   `explain`: the decision's story

mod bypass;
mod endpoint;
mod entry;
mod env;
mod error;
mod explain;
mod pac_list;
mod percent;
mod policy;
mod sources;
mod target;

#[cfg(test)]
mod tests;

pub use crate::urlmatch::MatchPattern;
pub use bypass::BypassList;
pub use endpoint::{Credentials, ProxyEndpoint, ProxyScheme};
pub use env::EnvProxy;
pub use error::ProxyError;
pub use explain::Decision;
pub use pac_list::{PacAnswer, PacListError, PacLookup, parse_pac_result};
pub use policy::ProxyPolicy;
pub use sources::{CollectionProxy, CustomProxy, Route, Rule, SchemeSelection, Source};
