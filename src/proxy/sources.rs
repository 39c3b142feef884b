//! The vocabulary of routing: `Route`, `Source`, and the configured sources that are not
//! the environment (`CustomProxy` with its `SchemeSelection`, a request's
//! `CollectionProxy`). Plain data with parsing and printing; `policy` decides.

use std::fmt;
use std::net::Ipv6Addr;
use std::str::FromStr;

use super::bypass::BypassList;
use super::endpoint::{Credentials, ProxyEndpoint, ProxyScheme};
use super::error::ProxyError;
use crate::urlmatch::host::strip_brackets;

/// Where a request goes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Route {
    Direct,
    Proxy(ProxyEndpoint),
}

impl fmt::Display for Route {
    /// `direct`, or the masked proxy URL.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Route::Direct => f.write_str("direct"),
            Route::Proxy(endpoint) => f.write_str(&endpoint.masked()),
        }
    }
}

/// Which request schemes a custom proxy serves (Postman's "proxy type").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SchemeSelection {
    Http,
    Https,
    #[default]
    Both,
}

impl SchemeSelection {
    pub fn covers(self, scheme: &str) -> bool {
        match self {
            SchemeSelection::Http => scheme == "http",
            SchemeSelection::Https => scheme == "https",
            SchemeSelection::Both => scheme == "http" || scheme == "https",
        }
    }
}

impl FromStr for SchemeSelection {
    type Err = ProxyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "http" => Ok(SchemeSelection::Http),
            "https" => Ok(SchemeSelection::Https),
            "both" => Ok(SchemeSelection::Both),
            _ => Err(ProxyError::InvalidSchemeSelection { value: s.to_string() }),
        }
    }
}

impl fmt::Display for SchemeSelection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SchemeSelection::Http => "http",
            SchemeSelection::Https => "https",
            SchemeSelection::Both => "both",
        })
    }
}

/// `--proxy` / config `[proxy]`, already merged field by field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomProxy {
    pub endpoint: ProxyEndpoint,
    pub schemes: SchemeSelection,
    pub bypass: BypassList,
}

/// A request's own `proxy` object from the collection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollectionProxy {
    /// Empty means `<all_urls>`, as in Postman.
    pub match_pattern: String,
    pub host: String,
    pub port: u16,
    pub tunnel: bool,
    pub disabled: bool,
    /// From the object's `authenticate`/`username`/`password`.
    pub credentials: Option<Credentials>,
}

impl CollectionProxy {
    /// Postman's defaults for fields a collection leaves out.
    pub const DEFAULT_MATCH: &'static str = "<all_urls>";
    pub const DEFAULT_PORT: u16 = 8080;

    /// The proxy as an http endpoint (`http://host:port`, no credentials); `None` when
    /// the host is empty or not a plain name or IP address, or the port is 0.
    pub fn endpoint(&self) -> Option<ProxyEndpoint> {
        let host = self.host.trim();
        let host = host.get(..7).filter(|p| p.eq_ignore_ascii_case("http://")).map_or(host, |_| &host[7..]);
        let host = strip_brackets(host.strip_suffix('/').unwrap_or(host));
        let host = if host.parse::<Ipv6Addr>().is_ok() {
            host.to_ascii_lowercase()
        } else if host.is_ascii() {
            let plain =
                !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
            plain.then(|| host.to_ascii_lowercase())?
        } else {
            match url::Host::parse(host) {
                Ok(url::Host::Domain(d)) => d,
                _ => return None,
            }
        };
        (self.port != 0).then_some(ProxyEndpoint {
            scheme: ProxyScheme::Http,
            host,
            port: self.port,
            credentials: self.credentials.clone(),
        })
    }
}

impl Default for CollectionProxy {
    fn default() -> Self {
        CollectionProxy {
            match_pattern: CollectionProxy::DEFAULT_MATCH.to_string(),
            host: String::new(),
            port: CollectionProxy::DEFAULT_PORT,
            tunnel: false,
            disabled: false,
            credentials: None,
        }
    }
}

/// Which source decided a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    NoProxyFlag,
    Custom,
    Collection,
    Pac,
    System,
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::NoProxyFlag => "--no-proxy",
            Source::Custom => "custom proxy (--proxy / config [proxy])",
            Source::Collection => "the request's collection proxy",
            Source::Pac => "PAC file (--proxy-pac / config [proxy].pac)",
            Source::System => "system proxy (environment)",
            Source::Default => "default (no proxy applies)",
        })
    }
}

/// The one rule that decided a route, short enough for a table row or a script
/// (`NO_PROXY .corp`, `HTTPS_PROXY`, `custom proxy`); `Decision` carries the whole story.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// `--no-proxy`.
    NoProxyFlag,
    /// `--noproxy '*'` (or config `bypass = ["*"]`).
    BypassAll,
    /// Not an http(s) URL with a host: never proxied.
    NotHttp,
    /// An entry of the custom proxy's bypass list (`--noproxy`, config `bypass`).
    CustomBypass(String),
    /// The custom proxy (`--proxy`, config `[proxy]`).
    Custom,
    /// The request's own proxy object in the collection.
    Collection,
    /// An entry of `NO_PROXY` (or what replaced it), with the variable's name.
    SystemBypass { var: &'static str, entry: String },
    /// The system proxy, with the variable that named it.
    System(&'static str),
    /// The PAC file's choice, printed (`http://a.corp:3128`, `direct`).
    Pac(String),
    /// The PAC file threw, timed out or returned no usable list for this URL.
    PacFailed(String),
    /// No source has a proxy for this URL.
    NoneApplies,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::NoProxyFlag => f.write_str("--no-proxy"),
            Rule::BypassAll => f.write_str("bypass *"),
            Rule::NotHttp => f.write_str("not an http(s) URL"),
            // The custom proxy and its bypass list come from flags or the config file alike.
            Rule::CustomBypass(entry) => write!(f, "bypass {entry}"),
            Rule::Custom => f.write_str("custom proxy"),
            Rule::Collection => f.write_str("collection proxy"),
            Rule::SystemBypass { var, entry } => write!(f, "{var} {entry}"),
            Rule::System(var) => f.write_str(var),
            Rule::Pac(route) => write!(f, "PAC {route}"),
            Rule::PacFailed(_) => f.write_str("PAC failed"),
            Rule::NoneApplies => f.write_str("no proxy configured"),
        }
    }
}
