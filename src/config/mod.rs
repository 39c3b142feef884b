//! Configuration: the TOML config file (`file`) and the merging of flags over it, field by
//! field, into the proxy policy (`proxy`). No network.

mod file;
mod proxy;

pub use file::{ConfigFile, ProxyTable, discover, load};
pub use proxy::{PolicyBuild, ProxyFlags, build_policy};

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {}: {source}", file.display())]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: not valid TOML: {message}", file.display())]
    Syntax { file: PathBuf, line: usize, column: usize, message: String },
    #[error("{}: unknown key `{key}`{suggestion}", file.display())]
    UnknownKey { file: PathBuf, key: String, suggestion: String },
    #[error("{}: {message}", file.display())]
    Invalid { file: PathBuf, message: String },
    #[error("{0}")]
    Proxy(#[from] crate::proxy::ProxyError),
    #[error("{0}")]
    Usage(String),
}
