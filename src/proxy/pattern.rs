//! `MatchPattern`: the Chrome-style `match` of a collection's `proxy` object
//! (`PROTOCOLS://HOST[:PORT]/PATH` or `<all_urls>`), per PROXY.md.
//!
//! Parsing never fails: an invalid pattern keeps its reason and never matches. The
//! pattern is kept as text and re-read on each match (slicing only), so matching a
//! request allocates nothing for ASCII patterns.

use std::borrow::Cow;
use std::net::IpAddr;

use super::glob;
use super::target::{Target, ends_with_label, strip_brackets};

const SHAPE: &str = "expected PROTOCOLS://HOST[:PORT]/PATH (e.g. `http+https://*.example.com/*`) or <all_urls>";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchPattern {
    text: String,
    invalid: Option<String>,
}

impl MatchPattern {
    pub fn parse(p: &str) -> MatchPattern {
        let text = p.trim().to_string();
        let invalid = Parts::parse(&text).err();
        MatchPattern { text, invalid }
    }

    pub fn matches(&self, url: &url::Url) -> bool {
        self.invalid.is_none() && Parts::parse(&self.text).is_ok_and(|p| p.matches(url))
    }

    /// Why the pattern never matches, when it is invalid.
    pub fn invalid_reason(&self) -> Option<&str> {
        self.invalid.as_deref()
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// Whether `pattern` matches `url`; `Err` says why the pattern is invalid. For callers
/// that hold the pattern as a plain string.
pub(crate) fn matches_text(pattern: &str, url: &url::Url) -> Result<bool, String> {
    Parts::parse(pattern.trim()).map(|p| p.matches(url))
}

enum Host<'a> {
    Any,
    /// `*.example.com`: the domain and its subdomains.
    Domain(Cow<'a, str>),
    Exact(Cow<'a, str>),
}

enum Port {
    Any,
    /// No port in the pattern: only the URL scheme's default port.
    Default,
    Exact(u16),
}

enum Parts<'a> {
    AllUrls,
    Pattern {
        /// `*` or `http+https`.
        protocols: &'a str,
        host: Host<'a>,
        port: Port,
        path: &'a str,
    },
}

impl<'a> Parts<'a> {
    fn parse(text: &'a str) -> Result<Parts<'a>, String> {
        if text.eq_ignore_ascii_case("<all_urls>") {
            return Ok(Parts::AllUrls);
        }
        let Some((protocols, rest)) = text.split_once("://") else {
            return Err(format!("missing `://`; {SHAPE}"));
        };
        let protocol_ok = |p: &str| {
            p.starts_with(|c: char| c.is_ascii_alphabetic())
                && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        };
        if protocols != "*" && !protocols.split('+').all(protocol_ok) {
            return Err(format!("invalid protocols `{protocols}`: use `*` or names joined by `+`"));
        }
        let Some(slash) = rest.find('/') else {
            return Err("missing path: add `/*` to match every path".to_string());
        };
        let (host_port, path) = rest.split_at(slash);
        let (host, port) = split_host_port(host_port)?;
        Ok(Parts::Pattern { protocols, host: parse_host(host)?, port, path })
    }

    fn matches(&self, url: &url::Url) -> bool {
        let Parts::Pattern { protocols, host, port, path } = self else {
            return true;
        };
        let scheme_ok = *protocols == "*" || protocols.split('+').any(|p| p.eq_ignore_ascii_case(url.scheme()));
        let Some(target) = Target::from_url(url) else {
            return false;
        };
        let host_ok = match host {
            Host::Any => true,
            Host::Domain(d) => {
                target.ip.is_none() && (target.host.eq_ignore_ascii_case(d) || ends_with_label(target.host, d))
            }
            Host::Exact(h) => match (h.parse::<IpAddr>(), target.ip) {
                (Ok(want), Some(got)) => want == got,
                _ => target.host.eq_ignore_ascii_case(h),
            },
        };
        let port_ok = match port {
            Port::Any => true,
            Port::Default => url.port().is_none(),
            Port::Exact(n) => url.port_or_known_default() == Some(*n),
        };
        scheme_ok && host_ok && port_ok && glob::matches(path, url.path(), false)
    }
}

fn split_host_port(host_port: &str) -> Result<(&str, Port), String> {
    let (host, port) = if host_port.starts_with('[') {
        match host_port.find(']') {
            Some(end) => (&host_port[..=end], &host_port[end + 1..]),
            None => return Err("`[` without a closing `]` in the host".to_string()),
        }
    } else {
        match host_port.find(':') {
            Some(colon) => host_port.split_at(colon),
            None => (host_port, ""),
        }
    };
    let port = match port {
        "" => Port::Default,
        ":*" => Port::Any,
        other => match other.strip_prefix(':').map(str::parse::<u16>) {
            Some(Ok(n)) if n != 0 => Port::Exact(n),
            _ => {
                return Err(format!("invalid port `{other}`: use `:*` or a number from 1 to 65535"));
            }
        },
    };
    Ok((host, port))
}

fn parse_host(host: &str) -> Result<Host<'_>, String> {
    if host.is_empty() {
        return Err(format!("missing host; {SHAPE}"));
    }
    if host == "*" {
        return Ok(Host::Any);
    }
    let (domain, is_suffix) = match host.strip_prefix("*.") {
        Some(rest) => (rest, true),
        None => (strip_brackets(host), false),
    };
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    if domain.is_empty() || domain.contains('*') {
        return Err(format!("host `{host}`: `*` may only be the whole host or a leading `*.`"));
    }
    let domain = if domain.is_ascii() {
        Cow::Borrowed(domain)
    } else {
        match url::Host::parse(domain) {
            Ok(url::Host::Domain(d)) => Cow::Owned(d),
            _ => return Err(format!("host `{host}` is not a valid domain name")),
        }
    };
    Ok(if is_suffix { Host::Domain(domain) } else { Host::Exact(domain) })
}
