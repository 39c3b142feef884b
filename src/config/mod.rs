//! Configuration: the TOML config file (`file`) and the merging of flags over it, field by
//! field, into the proxy policy (`proxy`). No network.

mod error;
mod file;
mod proxy;

pub use error::ConfigError;
pub use file::{ConfigFile, ProxyTable, RunTable, discover, load, parse};
pub use proxy::{PolicyBuild, ProxyFlags, build_policy};
