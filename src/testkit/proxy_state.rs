//! What the recording proxy keeps and decides with: its journal of requests, the records
//! (printed without credentials) and the authentication it demands.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::recorder::Journal;
use crate::secret::{MASK, Secret};

/// The realm of the Basic challenge.
pub(crate) const PROXY_REALM: &str = "postie-test";

/// One request the proxy received (also those it refused).
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyRecord {
    pub method: String,
    /// The absolute URL of a forwarded request, or `host:port` for CONNECT.
    pub target: String,
    /// The `Proxy-Authorization` header as received.
    pub proxy_authorization: Option<String>,
    /// Which client TCP connection carried it: 1 for the first the proxy accepted.
    pub connection_id: u64,
}

impl fmt::Debug for ProxyRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keep the scheme visible (it is what tests usually care about), never the token.
        let auth = self
            .proxy_authorization
            .as_deref()
            .map(|v| v.split_once(' ').map_or(MASK.to_string(), |(scheme, _)| format!("{scheme} {MASK}")));
        f.debug_struct("ProxyRecord")
            .field("method", &self.method)
            .field("target", &self.target)
            .field("proxy_authorization", &auth)
            .field("connection_id", &self.connection_id)
            .finish()
    }
}

/// What the proxy demands before it forwards.
#[derive(Clone, Debug)]
pub enum ProxyAuth {
    /// Forwards everything (to loopback).
    Open,
    /// `Proxy-Authorization: Basic` with these credentials, else 407.
    Basic { user: String, pass: Secret },
    /// Answers every request 407 with `Proxy-Authenticate: <scheme>` (e.g. `NTLM`).
    AlwaysChallenge(String),
    /// NTLMv2, bound to the connection: the Type 3 answer is verified against the
    /// known password, after which the connection passes without further headers.
    Ntlm(std::sync::Arc<super::ntlm_server::NtlmServer>),
}

impl ProxyAuth {
    /// `None` when the request may pass; otherwise the `Proxy-Authenticate` value for a 407.
    pub(crate) fn reject(&self, proxy_authorization: Option<&str>) -> Option<String> {
        match self {
            ProxyAuth::Open => None,
            ProxyAuth::AlwaysChallenge(scheme) => Some(scheme.clone()),
            // Connection-bound: decided per connection in `proxy_conn`.
            ProxyAuth::Ntlm(_) => None,
            ProxyAuth::Basic { user, pass } => {
                let expected = format!("{user}:{}", pass.expose());
                let given = proxy_authorization
                    .and_then(|v| v.trim().split_once(' '))
                    .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
                    .and_then(|(_, token)| STANDARD.decode(token.trim()).ok());
                if given.as_deref() == Some(expected.as_bytes()) {
                    None
                } else {
                    Some(format!("Basic realm=\"{PROXY_REALM}\""))
                }
            }
        }
    }
}

pub(crate) struct ProxyShared {
    pub(crate) journal: Journal<ProxyRecord>,
    pub(crate) auth: ProxyAuth,
    /// NTLM handshakes completed, and why rejected ones failed.
    pub(crate) ntlm_handshakes: std::sync::atomic::AtomicUsize,
    pub(crate) ntlm_rejections: std::sync::Mutex<Vec<String>>,
}

/// The next step of an NTLM handshake on one connection.
pub(crate) enum NtlmStep {
    /// 407 with this `Proxy-Authenticate` value.
    Challenge(String),
    Accepted,
    /// 407 `NTLM` again, with why.
    Rejected(String),
}

/// What an NTLM proxy answers `Proxy-Authorization` with on a connection not yet
/// authenticated.
pub(crate) fn ntlm_step(server: &super::ntlm_server::NtlmServer, proxy_authorization: Option<&str>) -> NtlmStep {
    let token = proxy_authorization
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("ntlm"))
        .and_then(|(_, token)| STANDARD.decode(token.trim()).ok());
    let Some(message) = token else { return NtlmStep::Challenge("NTLM".into()) };
    if super::ntlm_server::is_negotiate(&message) {
        return NtlmStep::Challenge(format!("NTLM {}", STANDARD.encode(server.challenge_message())));
    }
    match server.verify(&message) {
        Ok(_) => NtlmStep::Accepted,
        Err(why) => NtlmStep::Rejected(why),
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

    use super::*;

    #[test]
    fn basic_auth_table() {
        let auth = ProxyAuth::Basic { user: "u".into(), pass: Secret::new("p@ss") };
        let good = format!("Basic {}", STANDARD.encode("u:p@ss"));
        let lower = format!("basic {}", STANDARD.encode("u:p@ss"));
        let wrong = format!("Basic {}", STANDARD.encode("u:nope"));
        let challenge = Some("Basic realm=\"postie-test\"".to_string());
        let cases: [(Option<&str>, Option<String>); 6] = [
            (Some(&good), None),
            (Some(&lower), None),
            (Some(&wrong), challenge.clone()),
            (Some("Bearer abc"), challenge.clone()),
            (Some("Basic !!!"), challenge.clone()),
            (None, challenge),
        ];
        for (header, expected) in cases {
            assert_eq!(auth.reject(header), expected, "{header:?}");
        }
        assert_eq!(ProxyAuth::Open.reject(None), None);
        assert_eq!(ProxyAuth::AlwaysChallenge("NTLM".into()).reject(Some(&good)), Some("NTLM".into()));
    }

    #[test]
    fn debug_hides_credentials() {
        let record = ProxyRecord {
            method: "GET".into(),
            target: "http://127.0.0.1:1/".into(),
            proxy_authorization: Some("Basic dTpw".into()),
            connection_id: 1,
        };
        let debug = format!("{record:?}");
        assert!(debug.contains("Basic ***") && !debug.contains("dTpw"), "{debug}");
        let auth = ProxyAuth::Basic { user: "u".into(), pass: Secret::new("hunter2") };
        assert!(!format!("{auth:?}").contains("hunter2"));
    }
}
