//! URL match patterns: the Chrome-style patterns Postman uses for a collection proxy's
//! `match` and for client certificates' `matches` (`--ssl-client-cert-list` entries and
//! request `certificate` objects). Owns their one grammar, strict and lenient parsing, and
//! matching a `Url`; also the anchored glob and host comparison the proxy bypass list
//! shares. Pure: no I/O, and nothing about proxies or certificates.
//!
//! Grammar (PROXY.md "Collection `proxy` objects"): `<all_urls>` (any case), or
//! `PROTOCOLS://HOST[:PORT]/PATH` where
//! - PROTOCOLS is `*` (any) or names joined by `+` (`http+https`), any case;
//! - HOST is `*`, `*.example.com` (the domain and its subdomains) or an exact name or IP
//!   (`[v6]` in brackets; IPs compare as addresses, names case-insensitively, IDN in
//!   Unicode or punycode, one trailing dot ignored on both sides);
//! - PORT is `:*` (any) or `:N`; no port means the scheme's default port only;
//! - PATH is a case-sensitive glob anchored at both ends, `*` any run of characters. It
//!   is compared with the URL path, plus `?query` when the pattern itself has a `?` and
//!   the URL has a query.
//!
//! `MatchPattern::parse` is strict, for patterns a person gives in a file that must load
//! cleanly (cert lists): it also refuses protocols other than http and https.
//! `MatchPattern::parse_lenient` is what Postman does with a proxy `match`: it never
//! fails, and an invalid pattern keeps its reason and never matches.

mod error;
pub(crate) mod glob;
pub(crate) mod host;

#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::net::IpAddr;

use url::Url;

pub use error::PatternError;

/// A parsed URL match pattern: parse once, match many URLs without re-reading the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchPattern {
    /// The pattern as written, trimmed; for messages.
    text: String,
    kind: Kind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    AllUrls,
    Parts(Parts),
    /// Only from lenient parsing.
    Invalid(PatternError),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Parts {
    protocols: Protocols,
    host: Host,
    port: Port,
    path: String,
    /// The path has a `?`, so it is matched against `path?query`.
    with_query: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Protocols {
    Any,
    /// Lower case.
    Named(Vec<String>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Host {
    Any,
    /// `*.example.com`: lower-case ASCII domain, matched with its subdomains.
    Domain(String),
    /// Lower-case ASCII name without brackets; `ip` set when it is an IP literal, so that
    /// `[0:0::1]` and `[::1]` are the same host.
    Exact {
        name: String,
        ip: Option<IpAddr>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Port {
    Any,
    /// No port in the pattern: only the URL scheme's default port.
    Default,
    Exact(u16),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Strict,
    Lenient,
}

impl MatchPattern {
    /// Strict parse: the error says what is wrong, for patterns that must be fixed before
    /// a run starts. Protocols are limited to http and https.
    pub fn parse(pattern: &str) -> Result<MatchPattern, PatternError> {
        let text = pattern.trim();
        let kind = parse_kind(text, Mode::Strict)?;
        Ok(MatchPattern { text: text.to_string(), kind })
    }

    /// Lenient parse, as Postman treats a collection proxy's `match`: never fails; an
    /// invalid pattern keeps its reason (`invalid_reason`) and matches no URL. Any
    /// well-formed protocol name is accepted (`ftp+https`), it just never matches http.
    pub fn parse_lenient(pattern: &str) -> MatchPattern {
        let text = pattern.trim();
        let kind = parse_kind(text, Mode::Lenient).unwrap_or_else(Kind::Invalid);
        MatchPattern { text: text.to_string(), kind }
    }

    pub fn matches(&self, url: &Url) -> bool {
        match &self.kind {
            Kind::AllUrls => true,
            Kind::Parts(parts) => parts.matches(url),
            Kind::Invalid(_) => false,
        }
    }

    /// Why the pattern never matches, when leniently parsed from invalid text.
    pub fn invalid_reason(&self) -> Option<&PatternError> {
        match &self.kind {
            Kind::Invalid(e) => Some(e),
            _ => None,
        }
    }

    /// The pattern as written, without surrounding whitespace.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl Parts {
    fn matches(&self, url: &Url) -> bool {
        let scheme_ok = match &self.protocols {
            Protocols::Any => true,
            Protocols::Named(names) => names.iter().any(|n| n.eq_ignore_ascii_case(url.scheme())),
        };
        let Some((url_host, url_ip)) = host::url_host(url) else {
            return false;
        };
        let host_ok = match &self.host {
            Host::Any => true,
            Host::Domain(d) => host::in_domain(url_host, url_ip.is_some(), d),
            Host::Exact { name, ip } => match (ip, url_ip) {
                (Some(want), Some(got)) => *want == got,
                _ => url_host.eq_ignore_ascii_case(name),
            },
        };
        let port_ok = match self.port {
            Port::Any => true,
            // `Url` drops a port equal to the scheme's default, so `None` means "default".
            Port::Default => url.port().is_none(),
            Port::Exact(n) => url.port_or_known_default() == Some(n),
        };
        if !(scheme_ok && host_ok && port_ok) {
            return false;
        }
        // Borrowed in the common case: only a pattern that asks for the query pays for a copy.
        let subject = match (self.with_query, url.query()) {
            (true, Some(q)) => Cow::Owned(format!("{}?{q}", url.path())),
            _ => Cow::Borrowed(url.path()),
        };
        glob::matches(&self.path, &subject, false)
    }
}

fn parse_kind(text: &str, mode: Mode) -> Result<Kind, PatternError> {
    if text.eq_ignore_ascii_case("<all_urls>") {
        return Ok(Kind::AllUrls);
    }
    let Some((protocols, rest)) = text.split_once("://") else {
        return Err(PatternError::MissingSeparator);
    };
    let protocols = parse_protocols(protocols, mode)?;
    let Some(slash) = rest.find('/') else {
        return Err(PatternError::MissingPath(text.to_string()));
    };
    let (authority, path) = rest.split_at(slash);
    let (host, port) = split_authority(authority)?;
    Ok(Kind::Parts(Parts {
        protocols,
        host: parse_host(host)?,
        port: parse_port(port)?,
        path: path.to_string(),
        with_query: path.contains('?'),
    }))
}

fn parse_protocols(text: &str, mode: Mode) -> Result<Protocols, PatternError> {
    if text == "*" {
        return Ok(Protocols::Any);
    }
    let names = text.split('+');
    match mode {
        Mode::Strict => names
            .map(|name| match name.to_ascii_lowercase().as_str() {
                p @ ("http" | "https") => Ok(p.to_string()),
                _ => Err(PatternError::UnsupportedProtocol(name.to_string())),
            })
            .collect::<Result<_, _>>()
            .map(Protocols::Named),
        Mode::Lenient => {
            let well_formed = |p: &str| {
                p.starts_with(|c: char| c.is_ascii_alphabetic())
                    && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            };
            let names: Vec<String> = names.map(str::to_ascii_lowercase).collect();
            if names.iter().all(|n| well_formed(n)) {
                Ok(Protocols::Named(names))
            } else {
                Err(PatternError::InvalidProtocols(text.to_string()))
            }
        }
    }
}

/// Host and port text (`None`: no port given); a bracketed IPv6 host keeps its brackets.
fn split_authority(authority: &str) -> Result<(&str, Option<&str>), PatternError> {
    if authority.starts_with('[') {
        let Some(end) = authority.find(']') else {
            return Err(PatternError::UnclosedBracket);
        };
        let (host, tail) = authority.split_at(end + 1);
        return match tail {
            "" => Ok((host, None)),
            _ => match tail.strip_prefix(':') {
                Some(port) => Ok((host, Some(port))),
                None => Err(PatternError::AfterHost(tail.to_string())),
            },
        };
    }
    Ok(match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    })
}

fn parse_host(text: &str) -> Result<Host, PatternError> {
    if text.is_empty() {
        return Err(PatternError::EmptyHost);
    }
    if text == "*" {
        return Ok(Host::Any);
    }
    let (name, is_suffix) = match text.strip_prefix("*.") {
        Some(rest) => (rest, true),
        None => (host::strip_brackets(text), false),
    };
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_empty() || name.contains('*') {
        return Err(PatternError::StarInHost(text.to_string()));
    }
    // URLs arrive with IDNA applied, so a Unicode pattern host is compared in punycode.
    let name = if name.is_ascii() {
        name.to_ascii_lowercase()
    } else {
        match url::Host::parse(name) {
            Ok(url::Host::Domain(d)) => d,
            _ => return Err(PatternError::InvalidHost(text.to_string())),
        }
    };
    Ok(if is_suffix {
        Host::Domain(name)
    } else {
        let ip = name.parse::<IpAddr>().ok();
        Host::Exact { name, ip }
    })
}

fn parse_port(text: Option<&str>) -> Result<Port, PatternError> {
    match text {
        None => Ok(Port::Default),
        Some("*") => Ok(Port::Any),
        Some(p) => match p.parse::<u16>() {
            // No URL has port 0, so a pattern naming it is a mistake, not a filter.
            Ok(n) if n != 0 => Ok(Port::Exact(n)),
            _ => Err(PatternError::InvalidPort(p.to_string())),
        },
    }
}
