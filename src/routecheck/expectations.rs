//! The expectations file of `postie proxy check`: TOML `[[case]]` tables, each a URL and the
//! route it must take. Parsing and diagnostics only (file:line:column, a suggestion for a
//! misspelt key); no network.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::proxy::{ProxyScheme, Route};

/// What a case expects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    Direct,
    /// Any proxy.
    AnyProxy,
    /// `proxy:http://host:port`: this proxy, compared by scheme, host and port (credentials
    /// are never part of an expectation).
    ProxyUrl {
        scheme: ProxyScheme,
        host: String,
        port: u16,
    },
    /// `proxy:host:port`, where either part may be `*`.
    ProxyAt {
        host: Option<String>,
        port: Option<u16>,
    },
}

impl Expect {
    /// `direct`, `proxy`, `proxy:URL` or `proxy:HOST:PORT` (`*` for either part).
    pub fn parse(text: &str) -> Result<Expect, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("direct") {
            return Ok(Expect::Direct);
        }
        if text.eq_ignore_ascii_case("proxy") {
            return Ok(Expect::AnyProxy);
        }
        let usage = "expect is \"direct\", \"proxy\", \"proxy:URL\" or \"proxy:HOST:PORT\" (either part may be *)";
        let Some(rest) = text.strip_prefix("proxy:").filter(|r| !r.is_empty()) else {
            return Err(format!("{usage}, not {text:?}"));
        };
        if rest.contains("://") {
            let (endpoint, _) =
                crate::proxy::ProxyEndpoint::parse(rest, "expect").map_err(|e| format!("{usage}: {e}"))?;
            return Ok(Expect::ProxyUrl { scheme: endpoint.scheme, host: bare(&endpoint.host), port: endpoint.port });
        }
        let (host, port) = rest.rsplit_once(':').ok_or_else(|| format!("{usage}: `{rest}` has no port"))?;
        let host = match host {
            "*" => None,
            "" => return Err(format!("{usage}: `{rest}` has no host")),
            h => Some(bare(h)),
        };
        let port = match port {
            "*" => None,
            p => Some(p.parse::<u16>().ok().filter(|&p| p > 0).ok_or_else(|| format!("{usage}: bad port `{p}`"))?),
        };
        Ok(Expect::ProxyAt { host, port })
    }

    /// Whether `route` is what this expects.
    pub fn matches(&self, route: &Route) -> bool {
        match (self, route) {
            (Expect::Direct, Route::Direct) => true,
            (Expect::AnyProxy, Route::Proxy(_)) => true,
            (Expect::ProxyUrl { scheme, host, port }, Route::Proxy(e)) => {
                e.scheme == *scheme && bare(&e.host) == *host && e.port == *port
            }
            (Expect::ProxyAt { host, port }, Route::Proxy(e)) => {
                host.as_ref().is_none_or(|h| bare(&e.host) == *h) && port.is_none_or(|p| e.port == p)
            }
            _ => false,
        }
    }
}

/// A host as compared: lower case, IPv6 without brackets.
fn bare(host: &str) -> String {
    host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase()
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expect::Direct => f.write_str("direct"),
            Expect::AnyProxy => f.write_str("a proxy"),
            Expect::ProxyUrl { scheme, host, port } => write!(f, "proxy {scheme}://{host}:{port}"),
            Expect::ProxyAt { host, port } => {
                let port = port.map_or("*".to_string(), |p| p.to_string());
                write!(f, "proxy {}:{port}", host.as_deref().unwrap_or("*"))
            }
        }
    }
}

/// One `[[case]]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    pub name: Option<String>,
    pub url: String,
    pub expect: Expect,
    pub tags: Vec<String>,
    /// Where the case starts in its file (1-based).
    pub line: usize,
}

impl Case {
    /// The name reports show: the case's own, or its URL.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("{name} ({})", self.url),
            None => self.url.clone(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExpectationsError {
    #[error("cannot read the expectations file {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid { path: PathBuf, line: usize, column: usize, message: String },
}

const KEYS: &[&str] = &["url", "expect", "name", "tags"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDe {
    #[serde(default)]
    case: Vec<Spanned<CaseDe>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseDe {
    url: Spanned<String>,
    expect: Spanned<String>,
    name: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

pub fn load_file(path: &Path) -> Result<Vec<Case>, ExpectationsError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| ExpectationsError::Io { path: path.to_path_buf(), source })?;
    parse_str(&text, path)
}

/// Parses an expectations file; `path` names it in messages.
pub fn parse_str(text: &str, path: &Path) -> Result<Vec<Case>, ExpectationsError> {
    let invalid = |span: Option<Range<usize>>, message: String| {
        let (line, column) = line_column(text, span.map_or(0, |s| s.start));
        ExpectationsError::Invalid { path: path.to_path_buf(), line, column, message }
    };
    let file: FileDe = toml::from_str(text).map_err(|e| invalid(e.span(), explain_toml_error(e.message())))?;
    if file.case.is_empty() {
        return Err(invalid(
            None,
            "no [[case]] tables; each needs url = \"...\" and expect = \"direct\" | \"proxy\" | \"proxy:HOST:PORT\""
                .into(),
        ));
    }
    let mut cases = Vec::new();
    for spanned in file.case {
        let line = line_column(text, spanned.span().start).0;
        let case = spanned.into_inner();
        let url_span = case.url.span();
        let url = case.url.into_inner();
        if let Err(e) = url::Url::parse(&url) {
            return Err(invalid(
                Some(url_span),
                format!("url {url:?} is not a valid URL ({e}); write it in full, e.g. https://api.example.com/"),
            ));
        }
        let expect_span = case.expect.span();
        let expect = Expect::parse(case.expect.get_ref()).map_err(|m| invalid(Some(expect_span), m))?;
        cases.push(Case { name: case.name, url, expect, tags: case.tags, line });
    }
    Ok(cases)
}

/// toml's message, with a suggestion for a misspelt key and a word on keys postie lacks.
fn explain_toml_error(message: &str) -> String {
    let message = message.trim().to_string();
    let Some(key) = message.strip_prefix("unknown field `").and_then(|r| r.split('`').next()) else {
        return message;
    };
    if key == "pac" {
        return "`pac` (the expected PAC result) needs PAC file support, which postie does not have yet; remove the key".to_string();
    }
    let closest = KEYS.iter().map(|k| (strsim::jaro_winkler(k, key), *k)).max_by(|a, b| a.0.total_cmp(&b.0));
    match closest {
        Some((score, k)) if score > 0.8 => {
            format!("unknown key `{key}`; did you mean `{k}`? (keys: {})", KEYS.join(", "))
        }
        _ => format!("unknown key `{key}` (keys of a case: {})", KEYS.join(", ")),
    }
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Case>, String> {
        parse_str(text, Path::new("routes.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn expectations_parse_and_match() {
        let proxy = |text: &str| Route::Proxy(crate::proxy::ProxyEndpoint::parse(text, "test").unwrap().0);
        let cases: &[(&str, Route, bool)] = &[
            ("direct", Route::Direct, true),
            ("DIRECT", proxy("http://p:3128"), false),
            ("proxy", proxy("http://u:pw@p:3128"), true),
            ("proxy", Route::Direct, false),
            ("proxy:p:3128", proxy("http://u:pw@P:3128"), true),
            ("proxy:p:*", proxy("http://p:8080"), true),
            ("proxy:*:3128", proxy("http://other:3128"), true),
            ("proxy:*:3128", proxy("http://other:3129"), false),
            ("proxy:http://p:3128", proxy("http://u:pw@p:3128"), true),
            ("proxy:socks5://p:1080", proxy("http://p:1080"), false),
            ("proxy:[::1]:3128", proxy("http://[::1]:3128"), true),
        ];
        for (text, route, expected) in cases {
            let expect = Expect::parse(text).unwrap();
            assert_eq!(expect.matches(route), *expected, "{text} vs {route}");
        }
        for bad in ["", "proxied", "proxy:", "proxy:p", "proxy::3128", "proxy:p:0", "proxy:p:http"] {
            assert!(Expect::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn files_parse_with_places_in_their_errors() {
        let ok = "[[case]]\nname = \"internal\"\nurl = \"https://api.corp.example/\"\nexpect = \"direct\"\ntags = [\"corp\"]\n\n[[case]]\nurl = \"http://example.com/\"\nexpect = \"proxy:*:3128\"\n";
        let cases = parse(ok).unwrap();
        assert_eq!(cases.len(), 2);
        assert_eq!((cases[0].line, cases[1].line), (1, 7));
        assert_eq!(cases[0].label(), "internal (https://api.corp.example/)");
        assert_eq!(cases[1].expect, Expect::ProxyAt { host: None, port: Some(3128) });
        let errors = [
            (
                "[[case]]\nurl = \"http://a/\"\nexepct = \"direct\"\n",
                "routes.toml:3:1: unknown key `exepct`; did you mean `expect`?",
            ),
            ("[[case]]\nurl = \"http://a/\"\nexpect = \"direct\"\npac = \"DIRECT\"\n", "routes.toml:4:1: `pac`"),
            ("[[case]]\nurl = \"http://a/\"\nexpect = \"sideways\"\n", "routes.toml:3:10: expect is"),
            (
                "[[case]]\nurl = \"not a url\"\nexpect = \"direct\"\n",
                "routes.toml:2:7: url \"not a url\" is not a valid URL",
            ),
            ("[[case]]\nurl = \"http://a/\"\n", "routes.toml:1:1: missing field `expect`"),
            ("[[case]\n", "routes.toml:1:"),
            ("", "routes.toml:1:1: no [[case]] tables"),
        ];
        for (text, expected) in errors {
            let got = parse(text).unwrap_err();
            assert!(got.starts_with(expected), "{text:?}: {got}");
        }
    }
}
