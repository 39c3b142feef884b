//! What a PAC file's `FindProxyForURL` returns (`PROXY a:3128; SOCKS5 b:1080; DIRECT`),
//! parsed into the ordered list of routes postie tries, and the seam (`PacLookup`) through
//! which the policy asks a PAC without running one itself.
//!
//! Pure: the script runs in `crate::pac`; this only reads its answer. Keywords follow
//! browsers: `PROXY` is an http proxy, `HTTPS` a TLS proxy, `SOCKS` is SOCKS v4 (as in
//! Chrome and Firefox), `SOCKS4`/`SOCKS5` name their version, and the SOCKS kinds resolve
//! names on the proxy (socks4a/socks5h) as browsers do.

use std::fmt;

use super::endpoint::{ProxyEndpoint, ProxyScheme};
use super::sources::Route;

/// A PAC's answer for one URL: the text it returned and the routes it names, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacAnswer {
    /// The call as made: `FindProxyForURL("https://api.example/", "api.example")`.
    pub call: String,
    pub returned: String,
    pub routes: Vec<Route>,
}

/// Asks a loaded PAC for the routes of a URL. Implemented by `crate::pac::Pac` (a
/// QuickJS evaluation, cached per scheme, host and port) and by test doubles.
pub trait PacLookup: Send + Sync {
    /// The answer for `url`, or why there is none (the script threw, timed out, or
    /// returned something that is not a list of routes). The error names the PAC file.
    fn find(&self, url: &url::Url) -> Result<PacAnswer, String>;
    /// Where the PAC came from (a path or URL), for messages.
    fn origin(&self) -> &str;
}

impl fmt::Debug for dyn PacLookup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PAC {}", self.origin())
    }
}

/// Why a PAC's return value is not a list of routes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PacListError {
    #[error("it returned an empty string; return \"DIRECT\" or \"PROXY host:port\"")]
    Empty,
    #[error(
        "entry {index} `{entry}` is not understood; use DIRECT, PROXY host:port, HTTPS host:port, \
         SOCKS host:port, SOCKS4 host:port or SOCKS5 host:port"
    )]
    UnknownKeyword { index: usize, entry: String },
    #[error("entry {index} `{entry}` names no usable host:port")]
    BadAddress { index: usize, entry: String },
}

/// Parses a PAC result: entries separated by `;`, any case, any spacing; empty entries
/// (a trailing `;`) are skipped. Duplicates are kept out so a dead proxy is tried once.
pub fn parse_pac_result(text: &str) -> Result<Vec<Route>, PacListError> {
    let mut routes: Vec<Route> = Vec::new();
    for (i, raw) in text.split(';').enumerate() {
        let entry = raw.trim();
        if entry.is_empty() {
            continue;
        }
        let index = i + 1;
        let mut words = entry.split_whitespace();
        let keyword = words.next().unwrap_or("").to_ascii_uppercase();
        let address = words.next();
        let extra = words.next();
        let scheme = match keyword.as_str() {
            "DIRECT" if address.is_none() => {
                push_unique(&mut routes, Route::Direct);
                continue;
            }
            "PROXY" => ProxyScheme::Http,
            "HTTPS" => ProxyScheme::Https,
            "SOCKS" | "SOCKS4" => ProxyScheme::Socks4a,
            "SOCKS5" => ProxyScheme::Socks5h,
            _ => return Err(PacListError::UnknownKeyword { index, entry: entry.to_string() }),
        };
        let bad = || PacListError::BadAddress { index, entry: entry.to_string() };
        let (Some(address), None) = (address, extra) else { return Err(bad()) };
        let endpoint = endpoint(scheme, address).ok_or_else(bad)?;
        push_unique(&mut routes, Route::Proxy(endpoint));
    }
    if routes.is_empty() {
        return Err(PacListError::Empty);
    }
    Ok(routes)
}

fn push_unique(routes: &mut Vec<Route>, route: Route) {
    if !routes.contains(&route) {
        routes.push(route);
    }
}

/// `host[:port]` (or `[v6][:port]`) as a proxy of `scheme`; without a port, the scheme's
/// default (80, 443, 1080), as Chrome and Firefox take it.
fn endpoint(scheme: ProxyScheme, address: &str) -> Option<ProxyEndpoint> {
    if address.contains(['@', '/', '?', '#']) {
        return None;
    }
    let bracketed_v6 = address.starts_with('[') && address.ends_with(']');
    let (host, port) = match address.rsplit_once(':') {
        Some((host, port)) if !bracketed_v6 && !host.is_empty() => {
            (host, port.parse::<u16>().ok().filter(|p| *p != 0)?)
        }
        _ => (address, scheme.default_port()),
    };
    let host = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => v6.parse::<std::net::Ipv6Addr>().ok()?.to_string(),
        None => match url::Host::parse(host).ok()? {
            url::Host::Domain(d) if !d.is_empty() => d,
            url::Host::Ipv4(ip) => ip.to_string(),
            _ => return None,
        },
    };
    Some(ProxyEndpoint { scheme, host, port, credentials: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(routes: &[Route]) -> Vec<String> {
        routes.iter().map(|r| r.to_string()).collect()
    }

    #[test]
    fn entries_in_order_any_case_and_spacing() {
        let cases: &[(&str, &[&str])] = &[
            ("DIRECT", &["direct"]),
            ("PROXY a.corp:3128", &["http://a.corp:3128"]),
            ("  proxy A.Corp:3128 ;DIRECT;  ", &["http://a.corp:3128", "direct"]),
            ("HTTPS secure:443; PROXY b:8080", &["https://secure:443", "http://b:8080"]),
            ("SOCKS s:1080", &["socks4a://s:1080"]),
            ("SOCKS4 s:1080; SOCKS5 t:1080", &["socks4a://s:1080", "socks5h://t:1080"]),
            ("PROXY [::1]:3128", &["http://[::1]:3128"]),
            ("PROXY 10.0.0.1:8080;PROXY 10.0.0.1:8080;DIRECT", &["http://10.0.0.1:8080", "direct"]),
            ("PROXY\ta:1\t;\tDIRECT", &["http://a:1", "direct"]),
            (
                "PROXY proxy.corp; HTTPS s.corp; SOCKS k",
                &["http://proxy.corp:80", "https://s.corp:443", "socks4a://k:1080"],
            ),
            ("PROXY [::1]", &["http://[::1]:80"]),
        ];
        for (text, expected) in cases {
            let routes = parse_pac_result(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(show(&routes), *expected, "{text}");
        }
    }

    #[test]
    fn unusable_results_say_which_entry() {
        let cases: &[(&str, &str)] = &[
            ("", "empty string"),
            (" ; ; ", "empty string"),
            ("PROXY", "entry 1 `PROXY` names no usable host:port"),
            ("PROXY a:0", "names no usable"),
            ("PROXY a:99999", "names no usable"),
            ("PROXY a:1 b:2", "names no usable"),
            ("PROXY u:p@a:1", "names no usable"),
            ("DIRECT; FTP a:1", "entry 2 `FTP a:1` is not understood"),
            ("DIRECT now", "entry 1 `DIRECT now` is not understood"),
            ("http://a:1", "not understood"),
        ];
        for (text, expected) in cases {
            let err = parse_pac_result(text).expect_err(text).to_string();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }
}
