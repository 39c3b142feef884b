//! One bypass-list entry: how a token is classified (PROXY.md "Entry kinds", in that
//! order), how it matches a `Target`, and how it is described in `explain`.
//!
//! Classification never fails loudly: a malformed token yields a reason, which the list
//! keeps as a warning. No DNS lookups: IP entries match IP-literal hosts only.

use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Net};

use super::target::Target;
use crate::urlmatch::{glob, host};

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    /// `*`
    Any,
    /// Address (as a /32 or /128), CIDR range, or IPv4 wildcard `10.*`.
    Ip(IpNet),
    /// Lower-case ASCII domain without leading `*.`/dots and trailing dot.
    Domain(String),
    /// Lower-case anchored glob.
    Glob(String),
    /// `<local>`: names without a dot.
    Local,
    /// `<loopback>`
    Loopback,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The token as written, for messages.
    text: String,
    kind: Kind,
    port: Option<u16>,
}

impl Entry {
    /// The token as written.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Classifies one token (already trimmed, non-empty). `Err` holds why it is malformed.
    pub fn parse(token: &str) -> Result<Entry, String> {
        let (kind, port) = classify(&token.to_lowercase())?;
        Ok(Entry { text: token.to_string(), kind, port })
    }

    /// `*` without a port: every host, every port.
    pub fn is_any(&self) -> bool {
        self.kind == Kind::Any && self.port.is_none()
    }

    pub fn matches(&self, target: &Target<'_>) -> bool {
        if self.port.is_some() && self.port != target.port {
            return false;
        }
        match &self.kind {
            Kind::Any => true,
            Kind::Ip(net) => target.ip.is_some_and(|ip| net_contains(net, ip)),
            Kind::Domain(d) => host::in_domain(target.host, target.ip.is_some(), d),
            Kind::Glob(g) => glob::matches(g, target.host, true),
            Kind::Local => target.ip.is_none() && !target.host.contains('.'),
            Kind::Loopback => target.is_loopback(),
        }
    }

    /// "entry `*.example.com` (domain example.com and its subdomains)".
    pub fn describe(&self) -> String {
        let what = match &self.kind {
            Kind::Any => "matches every host".to_string(),
            Kind::Ip(IpNet::V4(n)) if n.prefix_len() == 32 => format!("IP address {}", n.addr()),
            Kind::Ip(IpNet::V6(n)) if n.prefix_len() == 128 => format!("IP address {}", n.addr()),
            Kind::Ip(net) => format!("IP range {}", net.trunc()),
            Kind::Domain(d) => format!("domain {d} and its subdomains"),
            Kind::Glob(g) => format!("glob {g}"),
            Kind::Local => "host names without a dot".to_string(),
            Kind::Loopback => "localhost, *.localhost, 127.0.0.0/8, ::1".to_string(),
        };
        match self.port {
            Some(p) => format!("entry `{}` ({what}, port {p} only)", self.text),
            None => format!("entry `{}` ({what})", self.text),
        }
    }
}

/// An IPv4 range also covers IPv4-mapped IPv6 hosts (`[::ffff:10.0.0.1]`), as some
/// tools do: the superset rule.
fn net_contains(net: &IpNet, ip: IpAddr) -> bool {
    if net.contains(&ip) {
        return true;
    }
    match (net, ip) {
        (IpNet::V4(n), IpAddr::V6(v6)) => v6.to_ipv4_mapped().is_some_and(|v4| n.contains(&v4)),
        _ => false,
    }
}

fn classify(token: &str) -> Result<(Kind, Option<u16>), String> {
    if token == "*" {
        return Ok((Kind::Any, None));
    }
    if token.starts_with('<') {
        return match token {
            "<local>" => Ok((Kind::Local, None)),
            "<loopback>" => Ok((Kind::Loopback, None)),
            _ => Err("unknown token; the known ones are <local> and <loopback>".to_string()),
        };
    }
    if let Some(inner) = token.strip_prefix('[') {
        return bracketed_ip(inner).map(|(net, port)| (Kind::Ip(net), port));
    }
    let (host, port) = split_port(token)?;
    let host = host.strip_suffix('.').unwrap_or(host);
    if host == "*" {
        return Ok((Kind::Any, port));
    }
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok((Kind::Ip(IpNet::from(ip)), port));
    }
    if let Ok(net) = host.parse::<IpNet>() {
        return Ok((Kind::Ip(net), port));
    }
    if let Some(net) = ipv4_wildcard(host) {
        return Ok((Kind::Ip(IpNet::V4(net)), port));
    }
    if host.contains(':') || host.contains('/') {
        return Err("not a valid IP address or CIDR range".to_string());
    }
    if host.starts_with(|c: char| c.is_ascii_digit()) && host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err("not a valid IPv4 address".to_string());
    }
    domain_or_glob(host).map(|kind| (kind, port))
}

/// `[addr]`, `[addr]:port`, `[addr]/len`, `[addr/len]` (the `[` already removed).
fn bracketed_ip(inner: &str) -> Result<(IpNet, Option<u16>), String> {
    let Some((addr, tail)) = inner.split_once(']') else {
        return Err("`[` without a closing `]`".to_string());
    };
    let (net_text, port) = if let Some(port) = tail.strip_prefix(':') {
        (addr.to_string(), Some(parse_port(port)?))
    } else if tail.starts_with('/') && !addr.contains('/') {
        (format!("{addr}{tail}"), None)
    } else if tail.is_empty() {
        (addr.to_string(), None)
    } else {
        return Err("unexpected text after `]`".to_string());
    };
    if let Ok(ip) = net_text.parse::<IpAddr>() {
        return Ok((IpNet::from(ip), port));
    }
    net_text
        .parse::<IpNet>()
        .map(|net| (net, port))
        .map_err(|_| "not a valid IP address or CIDR range inside `[...]`".to_string())
}

/// Splits `host:port` when there is exactly one colon; more colons mean an IPv6 text.
fn split_port(token: &str) -> Result<(&str, Option<u16>), String> {
    match token.split_once(':') {
        Some((host, port)) if !port.contains(':') => Ok((host, Some(parse_port(port)?))),
        _ => Ok((token, None)),
    }
}

fn parse_port(text: &str) -> Result<u16, String> {
    match text.parse::<u16>() {
        Ok(p) if p != 0 && text.bytes().all(|b| b.is_ascii_digit()) => Ok(p),
        _ => Err(format!("invalid port `{text}`; use a number from 1 to 65535")),
    }
}

/// `a.*`, `a.b.*`, `a.b.c.*` read as /8, /16, /24.
fn ipv4_wildcard(host: &str) -> Option<Ipv4Net> {
    let prefix = host.strip_suffix(".*")?;
    let mut octets = [0u8; 4];
    let mut count = 0;
    for part in prefix.split('.') {
        if count == 3 || part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        octets[count] = part.parse().ok()?;
        count += 1;
    }
    let prefix_len = u8::try_from(count * 8).ok()?;
    Ipv4Net::new(octets.into(), prefix_len).ok()
}

fn domain_or_glob(host: &str) -> Result<Kind, String> {
    let domain = match host.strip_prefix("*.") {
        Some(rest) => rest,
        None => host.trim_start_matches('.'),
    };
    if domain.contains('*') {
        return glob_entry(host);
    }
    if domain.is_empty() {
        return Err("no domain name left after removing dots and `*.`".to_string());
    }
    let ascii = if domain.is_ascii() {
        domain.to_string()
    } else {
        match url::Host::parse(domain) {
            Ok(url::Host::Domain(d)) => d,
            _ => return Err("not a valid international domain name".to_string()),
        }
    };
    if let Some(c) = ascii.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))) {
        return Err(format!("`{c}` cannot appear in a host name"));
    }
    if ascii.split('.').any(str::is_empty) {
        return Err("empty label (two dots in a row)".to_string());
    }
    Ok(Kind::Domain(ascii))
}

fn glob_entry(glob: &str) -> Result<Kind, String> {
    if let Some(c) = glob.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '*'))) {
        return Err(format!("`{c}` cannot appear in a host name pattern"));
    }
    Ok(Kind::Glob(glob.to_string()))
}
