//! What `http` hands back: the response as received, or why there is none. `run` turns
//! these into report events; `http` knows nothing of reports.

use std::time::Duration;

/// A whole response, its body decompressed with the original headers kept.
#[derive(Clone, Debug)]
pub struct Response {
    pub code: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub time: Duration,
    /// Bytes of the body, decompressed (Newman's `responseSize`).
    pub size: u64,
    pub http_version: String,
    /// With TLS info on: the server certificate's subject, issuer and expiry.
    pub tls: Option<String>,
    /// Things about the response the run should mention (a body that would not decompress).
    pub warnings: Vec<String>,
    /// The pooled connection was found closed by the peer and the request went again on a new one.
    pub reconnected: bool,
    /// Where the response came from: the request's URL, or the last redirect's.
    pub url: url::Url,
    /// The server's digest challenge (its 401), when one was answered: Newman counts and
    /// shows it as a request of its own. `time` is then this response's own.
    pub challenge: Option<Box<Challenge>>,
}

/// The response that carried a digest challenge.
#[derive(Clone, Debug)]
pub struct Challenge {
    pub code: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    /// Its body (at most 1 MiB of it).
    pub body: Vec<u8>,
    pub time: Duration,
    /// What the answer was signed with (`None` when it went unsigned).
    pub answered: Option<super::prepare::DigestFields>,
}

/// Why a request got no (usable) response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendErrorKind {
    InvalidMethod,
    ClientSetup,
    DigestAuth,
    RequestFailed,
    ResponseTooLarge,
    Timeout,
    ProxyAuthenticationFailed,
    ProxyConnectRefused,
    ProxyConnectFailed,
    ProxySocksFailed,
    /// The PAC file gave no usable answer for the request's URL: nothing was sent.
    ProxyPacFailed,
    /// The runner could not get an OAuth 2.0 token for the request: nothing was sent.
    OAuth2TokenFailed,
    TlsError,
    DnsError,
    ConnectionFailed,
    TooManyRedirects,
    /// The run was stopped while the request was in flight.
    Cancelled,
    /// postie itself could not send (a thread or runtime failed).
    Internal,
}

impl SendErrorKind {
    /// The name reports show (`requestError.name`), stable across versions.
    pub fn as_str(self) -> &'static str {
        match self {
            SendErrorKind::InvalidMethod => "InvalidMethod",
            SendErrorKind::ClientSetup => "ClientSetup",
            SendErrorKind::DigestAuth => "DigestAuth",
            SendErrorKind::RequestFailed => "RequestFailed",
            SendErrorKind::ResponseTooLarge => "ResponseTooLarge",
            SendErrorKind::Timeout => "Timeout",
            SendErrorKind::ProxyAuthenticationFailed => "ProxyAuthenticationFailed",
            SendErrorKind::ProxyConnectRefused => "ProxyConnectRefused",
            SendErrorKind::ProxyConnectFailed => "ProxyConnectFailed",
            SendErrorKind::ProxySocksFailed => "ProxySocksFailed",
            SendErrorKind::ProxyPacFailed => "ProxyPacFailed",
            SendErrorKind::OAuth2TokenFailed => "OAuth2TokenFailed",
            SendErrorKind::TlsError => "TlsError",
            SendErrorKind::DnsError => "DnsError",
            SendErrorKind::ConnectionFailed => "ConnectionFailed",
            SendErrorKind::TooManyRedirects => "TooManyRedirects",
            SendErrorKind::Cancelled => "Cancelled",
            SendErrorKind::Internal => "Internal",
        }
    }
}

#[derive(Clone, Debug, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    pub kind: SendErrorKind,
    pub message: String,
    /// The request was re-sent on a new connection after its pooled one was closed (and
    /// then failed anyway).
    pub reconnected: bool,
}

impl SendError {
    pub fn new(kind: SendErrorKind, message: impl Into<String>) -> Self {
        SendError { kind, message: message.into(), reconnected: false }
    }
}
