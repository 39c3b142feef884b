//! HTTP: building the request to send (`prepare`), the per-route client pool (`pool`),
//! sending and capturing the response (`send`), bodies decompressed with their headers kept
//! (`decode`), and readable transport errors (`diagnose`).

mod decode;
mod diagnose;
mod pool;
mod prepare;
mod reconnect;
mod send;
mod trust;

pub use pool::{ClientKey, ClientPool, DEFAULT_POOL_IDLE_TIMEOUT, HttpProtocol, PoolError, PoolOptions};
pub use prepare::{
    MultipartPart, MultipartValue, PrepareError, PreparedBody, PreparedRequest, collection_proxy, parse_url, prepare,
    resolve_url, strip_json_comments,
};
pub use send::{SendOptions, send};
pub use trust::{TlsFileError, TrustStore, load_ca_bundle};
