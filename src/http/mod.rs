//! HTTP: building the request to send (`prepare`), the per-route client pool (`pool`),
//! sending and capturing the response (`send`) into `http`'s own `Response` / `SendError`
//! (`response`; `run` turns them into report events), re-sending a request lost to a stale
//! pooled connection (`reconnect`), bodies decompressed with their headers kept (`decode`),
//! readable transport errors (`diagnose`), and the run's trust store (`trust`).

mod auth;
mod body;
mod decode;
mod diagnose;
mod digest_exchange;
pub mod fetch;
mod mime;
pub mod oauth2;
mod pool;
mod prepare;
mod reconnect;
mod redirect;
mod response;
mod send;
pub mod sign;
mod trust;

pub use auth::{FetchedToken, digest_header};
pub use pool::{ClientKey, ClientPool, DEFAULT_POOL_IDLE_TIMEOUT, HttpProtocol, PoolError, PoolOptions};
pub use prepare::{
    BodyFiles, DigestCredentials, DigestFields, MultipartPart, MultipartValue, PrepareError, PreparedBody,
    PreparedRequest, add_system_headers, collection_proxy, parse_url, prepare, resolve_url, strip_json_comments,
};
pub use redirect::RedirectRules;
pub use response::{Challenge, Response, SendError, SendErrorKind};
pub use send::{SendOptions, send};
pub use trust::{TlsFileError, TrustStore, load_ca_bundle};
