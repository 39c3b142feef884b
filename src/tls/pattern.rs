//! `MatchPattern`: the Chrome-style URL match patterns that Postman's certificate `matches` use.
//!
//! Grammar: `<all_urls>` or `SCHEME://HOST[:PORT]/PATH` where SCHEME is `http`, `https`, `*`
//! (either) or a `+`-joined list (`http+https`); HOST is `*`, `*.domain` (the domain and its
//! subdomains) or an exact name/IP (`[v6]` in brackets); PORT is `*` or a number, and no port
//! means the scheme's default port; PATH is a glob anchored at both ends where `*` matches any
//! run of characters. The path is compared with the URL path (plus `?query` when the pattern
//! itself has a `?`). Pure: no I/O.

use url::Url;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchPattern(Kind);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    AllUrls,
    Parts { schemes: Vec<&'static str>, host: Host, port: Port, path: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Host {
    Any,
    DomainAndSubdomains(String),
    Exact(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Port {
    Any,
    Default,
    Exact(u16),
}

impl MatchPattern {
    /// Parses a pattern; the error says what is wrong in words a person can act on.
    pub fn parse(pattern: &str) -> Result<Self, String> {
        let p = pattern.trim();
        if p == "<all_urls>" {
            return Ok(MatchPattern(Kind::AllUrls));
        }
        let Some((scheme, rest)) = p.split_once("://") else {
            return Err("missing \"://\"; expected e.g. https://api.example.com/*".into());
        };
        let schemes = parse_schemes(scheme)?;
        let Some(slash) = rest.find('/') else {
            return Err(format!("no path; add one, e.g. \"{p}/*\""));
        };
        let (authority, path) = rest.split_at(slash);
        let (host, port) = split_authority(authority)?;
        Ok(MatchPattern(Kind::Parts {
            schemes,
            host: parse_host(host)?,
            port: parse_port(port)?,
            path: path.to_string(),
        }))
    }

    pub fn matches(&self, url: &Url) -> bool {
        let Kind::Parts { schemes, host, port, path } = &self.0 else {
            return true;
        };
        if !schemes.contains(&url.scheme()) {
            return false;
        }
        let Some(url_host) = url.host_str() else {
            return false;
        };
        let url_host = url_host.to_ascii_lowercase();
        let host_ok = match host {
            Host::Any => true,
            Host::Exact(h) => url_host == *h,
            Host::DomainAndSubdomains(d) => {
                url_host == *d || url_host.strip_suffix(d.as_str()).is_some_and(|head| head.ends_with('.'))
            }
        };
        let port_ok = match port {
            Port::Any => true,
            // `Url` drops a port equal to the scheme's default, so `None` means "default".
            Port::Default => url.port().is_none(),
            Port::Exact(n) => url.port_or_known_default() == Some(*n),
        };
        let target = match (path.contains('?'), url.query()) {
            (true, Some(q)) => format!("{}?{q}", url.path()),
            _ => url.path().to_string(),
        };
        host_ok && port_ok && glob(path, &target)
    }
}

fn parse_schemes(scheme: &str) -> Result<Vec<&'static str>, String> {
    if scheme == "*" {
        return Ok(vec!["http", "https"]);
    }
    scheme
        .split('+')
        .map(|s| match s.to_ascii_lowercase().as_str() {
            "http" => Ok("http"),
            "https" => Ok("https"),
            _ => Err(format!("unsupported protocol \"{s}\"; use http, https, http+https or *")),
        })
        .collect()
}

fn split_authority(authority: &str) -> Result<(&str, Option<&str>), String> {
    if authority.starts_with('[') {
        let Some(end) = authority.find(']') else {
            return Err("an IPv6 host needs a closing \"]\"".into());
        };
        let (host, tail) = authority.split_at(end + 1);
        return match tail {
            "" => Ok((host, None)),
            _ => match tail.strip_prefix(':') {
                Some(port) => Ok((host, Some(port))),
                None => Err(format!("unexpected \"{tail}\" after the host")),
            },
        };
    }
    Ok(match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    })
}

fn parse_host(host: &str) -> Result<Host, String> {
    let host = host.to_ascii_lowercase();
    if host.is_empty() {
        return Err("the host is empty; use * for any host".into());
    }
    if host == "*" {
        return Ok(Host::Any);
    }
    if let Some(domain) = host.strip_prefix("*.")
        && !domain.is_empty()
        && !domain.contains('*')
    {
        return Ok(Host::DomainAndSubdomains(domain.to_string()));
    }
    if host.contains('*') {
        return Err("\"*\" may only be the whole host or its first label (\"*.example.com\")".into());
    }
    Ok(Host::Exact(host))
}

fn parse_port(port: Option<&str>) -> Result<Port, String> {
    match port {
        None => Ok(Port::Default),
        Some("*") => Ok(Port::Any),
        Some(p) => p.parse::<u16>().map(Port::Exact).map_err(|_| format!("invalid port \"{p}\"; use a number or *")),
    }
}

/// Anchored glob where `*` matches any run of characters (including `/`).
fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let middle: Vec<&str> = parts.collect();
    let Some((last, middle)) = middle.split_last() else {
        return rest.is_empty();
    };
    for piece in middle {
        match rest.find(piece) {
            Some(i) => rest = &rest[i + piece.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_match_table() {
        let rows: &[(&str, &str, bool)] = &[
            ("<all_urls>", "https://any.host:8443/x?y", true),
            ("<all_urls>", "http://localhost/", true),
            ("https://*.example.com/*", "https://example.com/", true),
            ("https://*.example.com/*", "https://api.example.com/v1/x", true),
            ("https://*.example.com/*", "https://a.b.example.com/", true),
            ("https://*.example.com/*", "https://badexample.com/", false),
            ("https://*.example.com/*", "http://api.example.com/", false),
            ("https://*.example.com/*", "https://api.example.com:8443/", false),
            ("https://*.example.com/*", "https://api.example.com:443/", true),
            ("https://API.Example.com/*", "https://api.example.COM/a", true),
            ("*://host/*", "http://host/a", true),
            ("*://host/*", "https://host/a", true),
            ("*://host/*", "http://host:443/a", false),
            ("*://host:*/*", "http://host:8080/a", true),
            ("*://host:*/*", "https://host/a", true),
            ("https://host:8443/*", "https://host:8443/a", true),
            ("https://host:8443/*", "https://host/a", false),
            ("https://host:443/*", "https://host/a", true),
            ("http+https://host/*", "https://host/a", true),
            ("http+https://host/*", "http://host/a", true),
            ("https://*/*", "https://anything.test/x", true),
            ("https://*/*", "http://anything.test/x", false),
            ("https://host/api/*", "https://host/api/v1", true),
            ("https://host/api/*", "https://host/api/", true),
            ("https://host/api/*", "https://host/apix", false),
            ("https://host/api/*/items", "https://host/api/v1/items", true),
            ("https://host/api/*/items", "https://host/api/v1/items/2", false),
            ("https://host/", "https://host/", true),
            ("https://host/", "https://host/a", false),
            ("https://host/*", "https://host/a?b=c", true),
            ("https://host/a?b=*", "https://host/a?b=c", true),
            ("https://host/a?b=*", "https://host/a", false),
            ("https://127.0.0.1/*", "https://127.0.0.1/x", true),
            ("https://127.0.0.1:*/*", "https://127.0.0.1:9000/x", true),
            ("https://[::1]:*/*", "https://[::1]:9000/x", true),
            ("https://[::1]/*", "https://[::1]:9000/x", false),
            ("https://host/*", "https://otherhost/x", false),
            ("https://*.host/*", "https://otherhost/x", false),
        ];
        for (pattern, url, want) in rows {
            let p = MatchPattern::parse(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
            let u = Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!(p.matches(&u), *want, "{pattern} vs {url}");
        }
    }

    #[test]
    fn invalid_patterns_table() {
        let rows: &[(&str, &str)] = &[
            ("example.com", "missing \"://\""),
            ("ftp://host/*", "unsupported protocol \"ftp\""),
            ("https://host", "no path; add one, e.g. \"https://host/*\""),
            ("https:///*", "the host is empty"),
            ("https://a*.example.com/*", "\"*\" may only be the whole host"),
            ("https://*./*", "\"*\" may only be the whole host"),
            ("https://host:http/*", "invalid port \"http\""),
            ("https://host:70000/*", "invalid port \"70000\""),
            ("https://[::1/*", "closing \"]\""),
        ];
        for (pattern, want) in rows {
            match MatchPattern::parse(pattern) {
                Ok(p) => panic!("{pattern} parsed as {p:?}"),
                Err(e) => assert!(e.contains(want), "{pattern}: {e}"),
            }
        }
    }

    #[test]
    fn glob_table() {
        for (p, t, want) in [
            ("/*", "/", true),
            ("/*", "/a/b", true),
            ("/a*b", "/ab", true),
            ("/a*b", "/axxb", true),
            ("/a*b", "/axxbc", false),
            ("/a*b*c", "/abc", true),
            ("/a*a", "/a", false),
            ("/x", "/x", true),
            ("/x", "/xy", false),
        ] {
            assert_eq!(glob(p, t), want, "{p} vs {t}");
        }
    }
}
