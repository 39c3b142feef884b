//! `ProxyPolicy`: which route a request takes (DESIGN.md §3): the precedence of
//! `--no-proxy`, the custom proxy, the request's collection proxy, the PAC file and the
//! system proxy.
//!
//! One decision procedure serves both `route` (fast, no explanation) and `explain`
//! (reasons and warnings): it reports through a `Trace` whose quiet version ignores the
//! message closures, so the two can never disagree. No I/O, no DNS of its own: a PAC is
//! asked through the `PacLookup` seam.

use super::bypass::BypassList;
use super::endpoint::{Credentials, ProxyEndpoint, ProxyScheme};
use super::env::EnvProxy;
use super::pac_list::{PacAnswer, PacLookup};
use super::sources::{CollectionProxy, CustomProxy, Route, Rule, Source};
use super::target::Target;
use crate::urlmatch::MatchPattern;
use std::sync::Arc;

/// Everything that decides routes, built once per run.
#[derive(Clone, Debug)]
pub struct ProxyPolicy {
    /// `--no-proxy`
    pub force_direct: bool,
    /// `--proxy` / config `[proxy]`
    pub custom: Option<CustomProxy>,
    /// false with `--ignore-collection-proxy`
    pub use_collection: bool,
    /// `None` with `--no-env-proxy`
    pub system: Option<EnvProxy>,
    /// `--proxy-user`, applied to a system or PAC proxy without credentials
    pub system_credentials: Option<Credentials>,
    /// `--proxy-pac` / config `[proxy].pac`: consulted after the collection proxy and
    /// before the system proxy.
    pub pac: Option<Arc<dyn PacLookup>>,
    /// `--noproxy` / config `bypass`, with where it came from: applied on top of a PAC's
    /// choice (the custom proxy carries its own copy).
    pub bypass: Option<(BypassList, String)>,
}

impl Default for ProxyPolicy {
    /// Nothing configured: collection proxies honoured, no system proxy read yet.
    fn default() -> Self {
        ProxyPolicy {
            force_direct: false,
            custom: None,
            use_collection: true,
            system: None,
            system_credentials: None,
            pac: None,
            bypass: None,
        }
    }
}

/// Receives the story of a decision. Messages are closures so that `route` never
/// formats them.
pub(crate) trait Trace {
    fn reason(&mut self, message: impl FnOnce() -> String);
    fn warn(&mut self, message: impl FnOnce() -> String);
    fn list_warnings(&mut self, list: &BypassList);
}

struct Quiet;

impl Trace for Quiet {
    fn reason(&mut self, _: impl FnOnce() -> String) {}
    fn warn(&mut self, _: impl FnOnce() -> String) {}
    fn list_warnings(&mut self, _: &BypassList) {}
}

impl ProxyPolicy {
    /// The route for `url`; always equal to `explain(url, ..).route`.
    pub fn route(&self, url: &url::Url, request_proxy: Option<&CollectionProxy>) -> Route {
        self.decide(url, request_proxy, &mut Quiet).route
    }

    /// The route and the rule that chose it, without the explanation's text.
    pub fn route_with_rule(&self, url: &url::Url, request_proxy: Option<&CollectionProxy>) -> (Route, Rule) {
        let decided = self.decide(url, request_proxy, &mut Quiet);
        (decided.route, decided.rule)
    }

    /// The route, the ones to try when it cannot be connected to (a PAC's later entries,
    /// in order), and the rule that chose them.
    pub fn routes_with_rule(
        &self,
        url: &url::Url,
        request_proxy: Option<&CollectionProxy>,
    ) -> (Route, Vec<Route>, Rule) {
        let decided = self.decide(url, request_proxy, &mut Quiet);
        (decided.route, decided.fallbacks, decided.rule)
    }

    pub(crate) fn decide<T: Trace>(
        &self,
        url: &url::Url,
        request_proxy: Option<&CollectionProxy>,
        t: &mut T,
    ) -> Decided {
        let target = Target::from_url(url);
        let decided = self.choose(url, target.as_ref(), request_proxy, t);
        if matches!(decided.source, Source::NoProxyFlag | Source::Custom) && request_proxy.is_some_and(|p| !p.disabled)
        {
            // Users expect a collection's proxy to win; say why it did not.
            t.reason(|| format!("the request's collection proxy was not consulted: {} decides first", decided.source));
        }
        if let (Route::Proxy(endpoint), Some(target)) = (&decided.route, &target)
            && target.is_loopback()
        {
            t.warn(|| {
                format!(
                    "the target {} is a loopback address and goes through the proxy {endpoint}; \
                     add it to the bypass list (e.g. --noproxy localhost,127.0.0.1,::1) if that \
                     is not intended",
                    target.host
                )
            });
        }
        decided
    }

    fn choose<T: Trace>(
        &self,
        url: &url::Url,
        target: Option<&Target<'_>>,
        request_proxy: Option<&CollectionProxy>,
        t: &mut T,
    ) -> Decided {
        if self.force_direct {
            t.reason(|| "--no-proxy: every request goes direct".to_string());
            return Decided::direct(Source::NoProxyFlag, Rule::NoProxyFlag);
        }
        if let Some(custom) = &self.custom
            && custom.bypass.matches_everything()
        {
            t.reason(|| "the custom bypass list holds `*` (--noproxy '*'): every request goes direct".to_string());
            return Decided::direct(Source::Custom, Rule::BypassAll);
        }
        let scheme = url.scheme();
        let Some(target) = target.filter(|_| scheme == "http" || scheme == "https") else {
            t.reason(|| format!("only http and https URLs with a host are proxied; this `{scheme}` URL goes direct"));
            return Decided::direct(Source::Default, Rule::NotHttp);
        };
        if let Some(decided) = self.try_custom(scheme, target, t) {
            return decided;
        }
        if let Some(decided) = self.try_collection(url, request_proxy, t) {
            return decided;
        }
        if let Some(decided) = self.try_pac(url, target, t) {
            return decided;
        }
        if let Some(decided) = self.try_system(scheme, target, t) {
            return decided;
        }
        t.reason(|| "no proxy source applies: direct".to_string());
        Decided::direct(Source::Default, Rule::NoneApplies)
    }

    fn try_custom<T: Trace>(&self, scheme: &str, target: &Target<'_>, t: &mut T) -> Option<Decided> {
        let Some(custom) = &self.custom else {
            t.reason(|| "custom proxy: none configured (--proxy, config [proxy])".to_string());
            return None;
        };
        let endpoint = &custom.endpoint;
        if !custom.schemes.covers(scheme) {
            t.reason(|| {
                format!(
                    "custom proxy {endpoint} skipped: it serves {} requests only (--proxy-scheme) \
                     and this is an {scheme} request",
                    custom.schemes
                )
            });
            return None;
        }
        t.list_warnings(&custom.bypass);
        if let Some(entry) = custom.bypass.matching_entry(target) {
            t.reason(|| {
                format!(
                    "custom proxy {endpoint} serves {scheme} requests, but its bypass list matches \
                     with {}: direct (a bypass is final)",
                    entry.describe()
                )
            });
            return Some(Decided::direct(Source::Custom, Rule::CustomBypass(entry.text().to_string())));
        }
        t.reason(|| format!("custom proxy {endpoint} serves {scheme} requests and its bypass list does not match"));
        t.reason(|| transport(endpoint, scheme, target));
        Some(Decided::proxy(endpoint.clone(), Source::Custom, Rule::Custom))
    }

    fn try_collection<T: Trace>(
        &self,
        url: &url::Url,
        request_proxy: Option<&CollectionProxy>,
        t: &mut T,
    ) -> Option<Decided> {
        let Some(proxy) = request_proxy else {
            t.reason(|| "collection proxy: the request has none".to_string());
            return None;
        };
        if !self.use_collection {
            t.reason(|| "collection proxy ignored (--ignore-collection-proxy)".to_string());
            return None;
        }
        if proxy.disabled {
            t.reason(|| "collection proxy skipped: it is disabled".to_string());
            return None;
        }
        let pattern = match proxy.match_pattern.trim() {
            "" => CollectionProxy::DEFAULT_MATCH,
            p => p,
        };
        // Parsed per request because `CollectionProxy` carries the text as the collection has it.
        let parsed = MatchPattern::parse_lenient(pattern);
        if let Some(why) = parsed.invalid_reason() {
            t.warn(|| format!("collection proxy match pattern `{pattern}` is invalid and never matches: {why}"));
            t.reason(|| format!("collection proxy skipped: its match pattern `{pattern}` is invalid"));
            return None;
        }
        if !parsed.matches(url) {
            t.reason(|| format!("collection proxy skipped: its match pattern `{pattern}` does not match this URL"));
            return None;
        }
        let Some(endpoint) = proxy.endpoint() else {
            t.warn(|| {
                "collection proxy skipped: its host is empty or not a plain host name or IP \
                 address, or its port is 0"
                    .to_string()
            });
            t.reason(|| "collection proxy skipped: unusable host or port".to_string());
            return None;
        };
        t.reason(|| format!("collection proxy {endpoint} applies: match pattern `{pattern}` matches"));
        if proxy.tunnel && url.scheme() == "http" {
            t.warn(|| {
                "the collection proxy asks for `tunnel: true`, which cannot be honoured for an \
                 http target: the request goes to the proxy as an absolute-form request, not \
                 through a CONNECT tunnel"
                    .to_string()
            });
        }
        Some(Decided::proxy(endpoint, Source::Collection, Rule::Collection))
    }

    fn try_pac<T: Trace>(&self, url: &url::Url, target: &Target<'_>, t: &mut T) -> Option<Decided> {
        let Some(pac) = &self.pac else {
            t.reason(|| "PAC: none configured (--proxy-pac, config [proxy].pac)".to_string());
            return None;
        };
        let origin = pac.origin();
        let answer = match pac.find(url) {
            Ok(answer) => answer,
            Err(why) => {
                t.warn(|| format!("PAC {origin}: {why}"));
                t.reason(|| format!("PAC {origin} gave no answer for this URL: the request is not sent"));
                return Some(Decided::direct(Source::Pac, Rule::PacFailed(format!("PAC file {origin}: {why}"))));
            }
        };
        t.reason(|| format!("PAC {origin}: {} returned `{}`", answer.call, answer.returned));
        t.reason(|| {
            let list: Vec<String> = answer.routes.iter().enumerate().map(|(i, r)| format!("{}. {r}", i + 1)).collect();
            format!("parsed into {} entr{}: {}", list.len(), if list.len() == 1 { "y" } else { "ies" }, list.join(", "))
        });
        let proxied = answer.routes.iter().any(|r| matches!(r, Route::Proxy(_)));
        if proxied {
            if let Some((list, origin)) = &self.bypass {
                t.list_warnings(list);
                if let Some(entry) = list.matching_entry(target) {
                    t.reason(|| format!("{origin} matches with {}: direct (a bypass is final)", entry.describe()));
                    let rule = Rule::CustomBypass(entry.text().to_string());
                    return Some(Decided { pac: Some(answer), ..Decided::direct(Source::Pac, rule) });
                }
            }
            if let Some(env) = &self.system {
                let (no_proxy, var) = env.no_proxy();
                t.list_warnings(no_proxy);
                if let Some(entry) = no_proxy.matching_entry(target) {
                    let var = var.unwrap_or("NO_PROXY");
                    t.reason(|| format!("{var} matches with {}: direct (a bypass is final)", entry.describe()));
                    let rule = Rule::SystemBypass { var, entry: entry.text().to_string() };
                    return Some(Decided { pac: Some(answer), ..Decided::direct(Source::Pac, rule) });
                }
            }
        }
        let mut routes = answer.routes.clone().into_iter().map(|route| match route {
            Route::Proxy(mut endpoint) if endpoint.credentials.is_none() => {
                endpoint.credentials = self.system_credentials.clone();
                Route::Proxy(endpoint)
            }
            other => other,
        });
        let first = routes.next().unwrap_or(Route::Direct);
        let fallbacks: Vec<Route> = routes.collect();
        t.reason(|| match fallbacks.is_empty() {
            true => format!("uses entry 1: {first}"),
            false => {
                let rest: Vec<String> = fallbacks.iter().map(|r| r.to_string()).collect();
                format!(
                    "uses entry 1: {first}; when it cannot be connected to, then {} (a dead proxy is skipped \
                     for --proxy-retry-after seconds)",
                    rest.join(", then ")
                )
            }
        });
        if let (Route::Proxy(endpoint), Some(scheme)) = (&first, Some(url.scheme())) {
            t.reason(|| transport(endpoint, scheme, target));
        }
        let rule = Rule::Pac(first.to_string());
        Some(Decided { route: first, source: Source::Pac, rule, fallbacks, pac: Some(answer) })
    }

    fn try_system<T: Trace>(&self, scheme: &str, target: &Target<'_>, t: &mut T) -> Option<Decided> {
        let Some(env) = &self.system else {
            t.reason(|| "system proxy: off (--no-env-proxy)".to_string());
            return None;
        };
        let Some((endpoint, var)) = env.proxy_for_scheme(scheme) else {
            t.reason(|| {
                format!(
                    "system proxy: no environment variable names a proxy for {scheme} requests \
                     ({scheme}_proxy, {}_PROXY, all_proxy, ALL_PROXY)",
                    scheme.to_ascii_uppercase()
                )
            });
            return None;
        };
        let (no_proxy, no_proxy_var) = env.no_proxy();
        t.list_warnings(no_proxy);
        if let Some(entry) = no_proxy.matching_entry(target) {
            t.reason(|| {
                format!(
                    "system proxy {endpoint} from {var} applies, but {} matches with {}: direct \
                     (a bypass is final)",
                    no_proxy_var.unwrap_or("NO_PROXY"),
                    entry.describe()
                )
            });
            let var = no_proxy_var.unwrap_or("NO_PROXY");
            return Some(Decided::direct(Source::System, Rule::SystemBypass { var, entry: entry.text().to_string() }));
        }
        let endpoint = match (&endpoint.credentials, &self.system_credentials) {
            (None, Some(credentials)) => {
                let mut with = endpoint.clone();
                with.credentials = Some(credentials.clone());
                t.reason(|| format!("system proxy {with} from {var}, credentials from --proxy-user"));
                with
            }
            _ => {
                t.reason(|| format!("system proxy {endpoint} from {var}"));
                endpoint.clone()
            }
        };
        t.reason(|| transport(&endpoint, scheme, target));
        Some(Decided::proxy(endpoint, Source::System, Rule::System(var)))
    }
}

/// What `decide` settles on: the route, the source that gave it and the rule within it.
pub(crate) struct Decided {
    pub(crate) route: Route,
    pub(crate) source: Source,
    pub(crate) rule: Rule,
    /// Routes to try, in order, when `route` cannot be connected to (a PAC's list).
    pub(crate) fallbacks: Vec<Route>,
    /// What the PAC returned, when a PAC was asked and answered.
    pub(crate) pac: Option<PacAnswer>,
}

impl Decided {
    fn direct(source: Source, rule: Rule) -> Decided {
        Decided { route: Route::Direct, source, rule, fallbacks: Vec::new(), pac: None }
    }

    fn proxy(endpoint: ProxyEndpoint, source: Source, rule: Rule) -> Decided {
        Decided { route: Route::Proxy(endpoint), source, rule, fallbacks: Vec::new(), pac: None }
    }
}

/// How the request travels through the chosen proxy.
fn transport(endpoint: &ProxyEndpoint, scheme: &str, target: &Target<'_>) -> String {
    let port = target.port.unwrap_or(0);
    match (endpoint.scheme, scheme) {
        (ProxyScheme::Http | ProxyScheme::Https, "https") => {
            format!("the proxy is asked to CONNECT {}:{port} and TLS runs through that tunnel", target.host)
        }
        (ProxyScheme::Http | ProxyScheme::Https, _) => {
            "the request goes to the proxy as an absolute-form request".to_string()
        }
        (ProxyScheme::Socks4a | ProxyScheme::Socks5h, _) => {
            format!("the SOCKS proxy resolves {} and connects to port {port}", target.host)
        }
        (ProxyScheme::Socks4 | ProxyScheme::Socks5, _) => {
            format!("postie resolves {} itself and the SOCKS proxy connects to port {port}", target.host)
        }
    }
}
