//! `ProxyError`: what can go wrong while reading proxy settings.
//!
//! Every variant names where the text came from (`--proxy`, `HTTPS_PROXY`, a config key)
//! and what to do about it. None of them ever carries the proxy URL itself, because that
//! URL may hold a password.

/// The accepted proxy URL shape, repeated in every message so the fix is at hand.
pub(crate) const URL_HINT: &str = "expected [SCHEME://][USER:PASSWORD@]HOST[:PORT] with SCHEME one of \
     http, https, socks4, socks4a, socks5, socks5h";

#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum ProxyError {
    #[error("{origin}: the proxy URL is empty; {URL_HINT}")]
    Empty { origin: String },

    #[error("{origin}: unsupported proxy scheme `{scheme}`; {URL_HINT}")]
    UnknownScheme { origin: String, scheme: String },

    #[error("{origin}: invalid proxy port ({detail}); use a number from 1 to 65535")]
    InvalidPort { origin: String, detail: String },

    #[error("{origin}: the proxy URL names no host; {URL_HINT}")]
    MissingHost { origin: String },

    #[error("{origin}: the proxy URL cannot be parsed ({reason}); {URL_HINT}")]
    Unparsable { origin: String, reason: String },

    #[error(
        "{origin}: the proxy user name or password is not valid UTF-8 after percent-decoding; \
         percent-encode it as UTF-8"
    )]
    CredentialsNotUtf8 { origin: String },

    #[error("invalid proxy scheme selection `{value}`: choose one of http, https, both")]
    InvalidSchemeSelection { value: String },
}
