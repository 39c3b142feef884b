//! `PatternError`: what is wrong with a URL match pattern, worded so the person who wrote
//! it can fix it. Strict parsing returns it; lenient parsing keeps it as the reason the
//! pattern never matches. Carries only pattern text, never URLs being matched.

#[derive(thiserror::Error, Clone, Debug, PartialEq, Eq)]
pub enum PatternError {
    #[error("missing \"://\"; expected PROTOCOLS://HOST[:PORT]/PATH (e.g. https://api.example.com/*) or <all_urls>")]
    MissingSeparator,

    /// Lenient parsing: protocol names that are not names at all (`ht tp`, `http++https`).
    #[error("invalid protocols \"{0}\"; use * or names joined by + (e.g. http+https)")]
    InvalidProtocols(String),

    /// Strict parsing: anything but http and https, which are all a client certificate can serve.
    #[error("unsupported protocol \"{0}\"; use http, https, http+https or *")]
    UnsupportedProtocol(String),

    /// Holds the whole pattern, to suggest the fixed one.
    #[error("no path; add one, e.g. \"{0}/*\"")]
    MissingPath(String),

    #[error("the host is empty; use * for any host")]
    EmptyHost,

    #[error("an IPv6 host needs a closing \"]\"")]
    UnclosedBracket,

    #[error("unexpected \"{0}\" after the host")]
    AfterHost(String),

    #[error("host \"{0}\": \"*\" may only be the whole host or its first label (\"*.example.com\")")]
    StarInHost(String),

    #[error("host \"{0}\" is not a valid domain name")]
    InvalidHost(String),

    #[error("invalid port \"{0}\"; use * or a number from 1 to 65535")]
    InvalidPort(String),
}
