//! postie: run Postman collections from the command line, the way `newman run` does, built
//! for CI behind corporate proxies. The pipeline is load → plan → run → report
//! (see `../shared/DESIGN.md`); each module below is one room of it.

pub mod cli;
pub mod collection;
pub mod command;
pub mod config;
pub mod cookies;
pub mod http;
pub mod pac;
pub mod plan;
pub mod proxy;
pub mod proxyauth;
pub mod report;
pub mod routecheck;
pub mod run;
pub mod script;
pub mod secret;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod text;
pub mod tls;
pub mod urlmatch;
pub mod vars;
