//! Proxy authentication beyond what reqwest does itself: NTLM and Negotiate (Kerberos),
//! which authenticate a connection rather than a request.
//!
//! - `scheme`: which scheme answers a 407 (pure)
//! - `ntlm`: NTLMv2 messages (pure); `negotiate`: Kerberos tokens from the system GSSAPI
//! - `relay`: the loopback relay reqwest sends through, which holds authenticated
//!   connections to the proxy

pub mod negotiate;
pub mod ntlm;
pub mod relay;
pub mod scheme;

pub use relay::{Failure, FailureKind, RELAY_ERROR_HEADER, Relay, relay_for};
pub use scheme::{ProxyAuthMode, Scheme};
