//! `ProxyEndpoint`: one proxy server (scheme, host, port, optional credentials), parsed
//! from the text a user wrote in a flag, an environment variable or the config file.
//!
//! It owns parsing and the three ways of printing a proxy (with credentials for reqwest
//! only, without, masked). It does not decide when a proxy is used; that is `policy`.
//! Display and Debug always print the masked form.

use std::fmt;

use super::error::ProxyError;
use super::percent;
use crate::secret::{MASK, Secret};

/// How postie talks to a proxy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProxyScheme {
    Http,
    Https,
    Socks4,
    Socks4a,
    Socks5,
    Socks5h,
}

impl ProxyScheme {
    /// The scheme for a URL scheme name, case-insensitively; `None` when postie has no
    /// such kind of proxy.
    pub fn from_name(name: &str) -> Option<ProxyScheme> {
        const ALL: [ProxyScheme; 6] = [
            ProxyScheme::Http,
            ProxyScheme::Https,
            ProxyScheme::Socks4,
            ProxyScheme::Socks4a,
            ProxyScheme::Socks5,
            ProxyScheme::Socks5h,
        ];
        ALL.into_iter().find(|s| s.as_str().eq_ignore_ascii_case(name))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProxyScheme::Http => "http",
            ProxyScheme::Https => "https",
            ProxyScheme::Socks4 => "socks4",
            ProxyScheme::Socks4a => "socks4a",
            ProxyScheme::Socks5 => "socks5",
            ProxyScheme::Socks5h => "socks5h",
        }
    }

    /// The port assumed when a proxy URL names none.
    pub fn default_port(self) -> u16 {
        match self {
            ProxyScheme::Http => 80,
            ProxyScheme::Https => 443,
            _ => 1080,
        }
    }
}

impl fmt::Display for ProxyScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A proxy user name and password (decoded). Debug prints the password as `***`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Credentials {
    pub username: String,
    pub password: Secret,
}

impl Credentials {
    /// Reads `USER[:PASSWORD]` as given to `--proxy-user`: split at the first colon, no
    /// percent-decoding (the shell already delivered the literal text).
    pub fn from_user_pass(text: &str) -> Credentials {
        let (username, password) = text.split_once(':').unwrap_or((text, ""));
        Credentials { username: username.to_string(), password: Secret::new(password) }
    }
}

/// One proxy server. `host` is stored without IPv6 brackets.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ProxyEndpoint {
    pub scheme: ProxyScheme,
    pub host: String,
    pub port: u16,
    pub credentials: Option<Credentials>,
}

impl ProxyEndpoint {
    /// Parses a proxy URL. `origin` names where the text came from ("--proxy",
    /// "HTTPS_PROXY", "postie.toml [proxy].url") and appears in every message.
    ///
    /// `host:port` without a scheme means http; a missing port takes the scheme default
    /// (80, 443, 1080) with a warning; credentials are percent-decoded. Errors never
    /// contain the input, so a password cannot leak through them.
    pub fn parse(input: &str, origin: &str) -> Result<(ProxyEndpoint, Vec<String>), ProxyError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(ProxyError::Empty { origin: origin.to_string() });
        }
        let (scheme, rest) = split_scheme(input, origin)?;
        // Every scheme is parsed as http so that hosts are normalised the same way
        // (lower case, IDNA, IPv4 canonical form) whatever the proxy kind.
        let parsed = url::Url::parse(&format!("http://{rest}")).map_err(|e| match e {
            url::ParseError::InvalidPort => ProxyError::InvalidPort {
                origin: origin.to_string(),
                detail: "not a number from 0 to 65535".to_string(),
            },
            url::ParseError::EmptyHost => ProxyError::MissingHost { origin: origin.to_string() },
            other => ProxyError::Unparsable { origin: origin.to_string(), reason: other.to_string() },
        })?;
        let host = match parsed.host() {
            Some(url::Host::Domain(d)) if !d.is_empty() => d.to_string(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            _ => {
                return Err(ProxyError::MissingHost { origin: origin.to_string() });
            }
        };

        let mut warnings = Vec::new();
        // The http parse drops an explicit `:80`, so look at the text to tell "no port"
        // from "port 80".
        let port = match (parsed.port(), has_explicit_port(rest)) {
            (Some(p), _) => p,
            (None, true) => 80,
            (None, false) => {
                let p = scheme.default_port();
                warnings
                    .push(format!("{origin}: the proxy URL has no port; using {p}, the default for {scheme} proxies"));
                p
            }
        };
        if port == 0 {
            return Err(ProxyError::InvalidPort { origin: origin.to_string(), detail: "port 0".to_string() });
        }
        if parsed.path() != "/" || parsed.query().is_some() || parsed.fragment().is_some() {
            warnings.push(format!("{origin}: the path, query or fragment after the proxy's host and port is ignored"));
        }

        let username = decode_utf8(parsed.username(), origin)?;
        let password = decode_utf8(parsed.password().unwrap_or(""), origin)?;
        let credentials = (!username.is_empty() || !password.is_empty())
            .then(|| Credentials { username, password: Secret::new(password) });

        Ok((ProxyEndpoint { scheme, host, port, credentials }, warnings))
    }

    /// `scheme://user:pass@host:port` with user and password percent-encoded. Only for
    /// handing to the HTTP client: never print it.
    pub fn url_with_credentials(&self) -> String {
        match &self.credentials {
            Some(c) => format!(
                "{}://{}:{}@{}",
                self.scheme,
                percent::encode_userinfo(&c.username),
                percent::encode_userinfo(c.password.expose()),
                self.host_port()
            ),
            None => self.url_without_credentials(),
        }
    }

    /// `scheme://host:port`.
    pub fn url_without_credentials(&self) -> String {
        format!("{}://{}", self.scheme, self.host_port())
    }

    /// `scheme://***:***@host:port` when there are credentials, else `scheme://host:port`.
    pub fn masked(&self) -> String {
        match self.credentials {
            Some(_) => format!("{}://{MASK}:{MASK}@{}", self.scheme, self.host_port()),
            None => self.url_without_credentials(),
        }
    }

    /// `host:port`, with brackets around an IPv6 host.
    pub fn host_port(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

impl fmt::Display for ProxyEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for ProxyEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// Splits `scheme://rest`; text without a valid `scheme://` prefix is all `rest` (http).
/// A `://` inside a password is not mistaken for a scheme, because a scheme has no `:`
/// or `@` in it.
fn split_scheme<'a>(input: &'a str, origin: &str) -> Result<(ProxyScheme, &'a str), ProxyError> {
    let Some((name, rest)) = input.split_once("://") else {
        return Ok((ProxyScheme::Http, input));
    };
    let looks_like_scheme = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !looks_like_scheme {
        return Ok((ProxyScheme::Http, input));
    }
    match ProxyScheme::from_name(name) {
        Some(scheme) => Ok((scheme, rest)),
        None => Err(ProxyError::UnknownScheme { origin: origin.to_string(), scheme: name.to_string() }),
    }
}

/// Whether the authority of `rest` (the text after `scheme://`) spells out a port.
fn has_explicit_port(rest: &str) -> bool {
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let after_host = match host_port.strip_prefix('[') {
        Some(bracketed) => bracketed.split_once(']').map_or("", |(_, tail)| tail),
        None => host_port,
    };
    after_host.rsplit_once(':').is_some_and(|(_, port)| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
}

fn decode_utf8(encoded: &str, origin: &str) -> Result<String, ProxyError> {
    String::from_utf8(percent::decode(encoded))
        .map_err(|_| ProxyError::CredentialsNotUtf8 { origin: origin.to_string() })
}
