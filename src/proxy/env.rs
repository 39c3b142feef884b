//! `EnvProxy`: the system proxy as the environment describes it (PROXY.md, environment
//! table): which variable wins, empty and quoted values, the httpoxy guard, and which
//! proxy serves which target scheme.
//!
//! It reads through an injected `lookup`, never `std::env` directly, so tests stay
//! hermetic. It does not decide routes; `policy` asks it `proxy_for_scheme`.

use super::bypass::{BypassList, strip_quotes};
use super::endpoint::ProxyEndpoint;
use super::error::ProxyError;

/// A proxy read from the environment, with the variable that supplied it.
type Named = (ProxyEndpoint, &'static str);

#[derive(Clone, Debug, Default)]
pub struct EnvProxy {
    http: Option<Named>,
    https: Option<Named>,
    all: Option<Named>,
    no_proxy: BypassList,
    no_proxy_var: Option<&'static str>,
    https_falls_back_to_http: bool,
}

impl EnvProxy {
    /// Reads `http_proxy`/`HTTP_PROXY`, `https_proxy`/`HTTPS_PROXY`, `all_proxy`/`ALL_PROXY`,
    /// `no_proxy`/`NO_PROXY` and `REQUEST_METHOD` through `lookup` (production passes
    /// `|k| std::env::var(k).ok()`). Lower case wins; empty or only-quotes means unset;
    /// `HTTP_PROXY` is ignored under CGI (httpoxy). A proxy URL that cannot be used is an
    /// error naming its variable. The warnings are meant to be shown once at start-up.
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<(EnvProxy, Vec<String>), ProxyError> {
        let mut warnings = Vec::new();
        let cgi = lookup("REQUEST_METHOD").is_some();
        let mut proxy = |lower, upper| -> Result<Option<Named>, ProxyError> {
            match read_pair(lookup, lower, upper, cgi, &mut warnings) {
                Some((value, name)) => {
                    let (endpoint, more) = ProxyEndpoint::parse(&value, name)?;
                    warnings.extend(more);
                    Ok(Some((endpoint, name)))
                }
                None => Ok(None),
            }
        };
        let http = proxy("http_proxy", "HTTP_PROXY")?;
        let https = proxy("https_proxy", "HTTPS_PROXY")?;
        let all = proxy("all_proxy", "ALL_PROXY")?;

        let (no_proxy, no_proxy_var) = match read_pair(lookup, "no_proxy", "NO_PROXY", cgi, &mut warnings) {
            Some((value, name)) => {
                let mut list = BypassList::parse(&value);
                list.prefix_warnings(name);
                warnings.extend(list.warnings().iter().cloned());
                (list, Some(name))
            }
            None => (BypassList::default(), None),
        };

        Ok((EnvProxy { http, https, all, no_proxy, no_proxy_var, https_falls_back_to_http: false }, warnings))
    }

    /// True when no variable names a proxy (a `NO_PROXY` alone changes nothing).
    pub fn is_empty(&self) -> bool {
        self.http.is_none() && self.https.is_none() && self.all.is_none()
    }

    /// The proxy for a target URL scheme and the variable it came from: http targets use
    /// `http_proxy` else `all_proxy`; https targets `https_proxy` else `all_proxy` (else
    /// `http_proxy` when `with_https_fallback_to_http` is on). Other schemes: none.
    pub fn proxy_for_scheme(&self, scheme: &str) -> Option<(&ProxyEndpoint, &'static str)> {
        let found = match scheme {
            "http" => self.http.as_ref().or(self.all.as_ref()),
            "https" => self
                .https
                .as_ref()
                .or(self.all.as_ref())
                .or(self.http.as_ref().filter(|_| self.https_falls_back_to_http)),
            _ => None,
        };
        found.map(|(endpoint, name)| (endpoint, *name))
    }

    /// The bypass list and the variable it came from (`None` when unset).
    pub fn no_proxy(&self) -> (&BypassList, Option<&'static str>) {
        (&self.no_proxy, self.no_proxy_var)
    }

    /// Replaces `NO_PROXY`, e.g. with `--noproxy` when there is no custom proxy (as curl's
    /// `--noproxy` overrides `NO_PROXY`). `origin` names it in `explain`.
    pub fn with_no_proxy(mut self, list: BypassList, origin: &'static str) -> EnvProxy {
        self.no_proxy = list;
        self.no_proxy_var = Some(origin);
        self
    }

    /// Newman's behaviour: https targets fall back to `http_proxy`. Off by default.
    pub fn with_https_fallback_to_http(mut self, on: bool) -> EnvProxy {
        self.https_falls_back_to_http = on;
        self
    }
}

/// The value of `lower`, else of `upper`, with the variable it came from.
fn read_pair(
    lookup: &dyn Fn(&str) -> Option<String>,
    lower: &'static str,
    upper: &'static str,
    cgi: bool,
    warnings: &mut Vec<String>,
) -> Option<(String, &'static str)> {
    let lower_value = clean(lookup(lower), lower, warnings);
    let upper_value = if upper == "HTTP_PROXY" && cgi {
        if clean(lookup(upper), upper, &mut Vec::new()).is_some() {
            warnings.push(
                "HTTP_PROXY ignored because REQUEST_METHOD is set (CGI: a client's `Proxy:` \
                 header would become HTTP_PROXY, see httpoxy CVE-2016-5385); use http_proxy"
                    .to_string(),
            );
        }
        None
    } else {
        clean(lookup(upper), upper, warnings)
    };
    match (lower_value, upper_value) {
        (Some(l), Some(u)) => {
            if l != u {
                // Values are not printed: they may hold a password.
                warnings.push(format!("{lower} and {upper} differ; using {lower} (lower case wins)"));
            }
            Some((l, lower))
        }
        (Some(l), None) => Some((l, lower)),
        (None, Some(u)) => Some((u, upper)),
        (None, None) => None,
    }
}

/// Trims, strips one pair of surrounding quotes (with a warning), maps empty to unset.
fn clean(value: Option<String>, name: &str, warnings: &mut Vec<String>) -> Option<String> {
    let value = value?;
    let trimmed = value.trim();
    let unquoted = strip_quotes(trimmed).trim();
    if unquoted.len() + 2 <= trimmed.len() {
        if unquoted.is_empty() {
            warnings.push(format!(
                "{name} is only a pair of quotes (what Windows `set {name}=''` leaves); treated as unset"
            ));
            return None;
        }
        warnings.push(format!("surrounding quotes removed from {name} (a common mistake with Windows `set`)"));
    }
    (!unquoted.is_empty()).then(|| unquoted.to_string())
}
