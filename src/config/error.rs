//! What can be wrong with the config file or the proxy flags.

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
