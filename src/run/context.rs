//! What every lane of a run shares, and the one place that turns a request and the run's
//! options into the client settings it is sent with (`client_key`), for ordinary requests
//! and `pm.sendRequest` alike.

use std::sync::Arc;

use crate::http::{ClientKey, HttpProtocol, RedirectRules};
use crate::plan::{Plan, PlannedRequest};
use crate::proxy::{ProxyPolicy, Route};

use super::cancel::Cancel;
use super::options::RunOptions;

/// What every lane shares.
pub struct LaneContext {
    pub plan: Arc<Plan>,
    pub policy: Arc<ProxyPolicy>,
    pub options: RunOptions,
    pub iterations: usize,
    pub cancel: Cancel,
    /// Proxies that could not be connected to, skipped for a while (PAC failover).
    pub dead_proxies: Arc<super::failover::DeadProxies>,
    /// OAuth 2.0 tokens the run fetched.
    pub tokens: super::oauth2::TokenCache,
    /// What digest challenges taught inherited auth blocks.
    pub digests: super::digest_memory::DigestMemory,
}

/// The client settings for a request to `url` on `route`: the planned request's own
/// settings (`strictSSL`, redirects, `protocolVersion`, certificate) over the run's, or the
/// run's alone for `pm.sendRequest` (`planned` is `None`).
pub fn client_key(
    opts: &RunOptions,
    planned: Option<&PlannedRequest>,
    url: &url::Url,
    route: Route,
    warnings: &mut Vec<String>,
) -> ClientKey {
    ClientKey {
        route,
        insecure: opts.insecure || planned.is_some_and(|p| p.profile_bool("strictSSL") == Some(false)),
        // `send` follows redirects itself, by `redirect_rules`.
        max_redirects: None,
        identity: client_identity(opts, url, planned.map(|p| p.position)),
        protocol: planned.map_or(opts.protocol, |p| protocol(p, opts, warnings)),
    }
}

/// The client certificate for this URL: the request's own `certificate` object when its
/// patterns match, else the first matching cert-list entry, else the single
/// `--ssl-client-cert`; none for plain http.
pub fn client_identity(
    opts: &RunOptions,
    url: &url::Url,
    position: Option<usize>,
) -> Option<crate::tls::ClientIdentity> {
    if url.scheme() != "https" {
        return None;
    }
    if let Some(own) = position.and_then(|p| opts.request_certificates.get(&p))
        && let Some(id) = crate::tls::select(url, std::slice::from_ref(own), None)
    {
        return Some(id.clone());
    }
    crate::tls::select(url, &opts.client_cert_list, opts.client_identity.as_ref()).cloned()
}

/// The request's `protocolVersion` if it has one Postman knows, else `--protocol-version`.
fn protocol(planned: &PlannedRequest, opts: &RunOptions, warnings: &mut Vec<String>) -> HttpProtocol {
    match planned.profile.get("protocolVersion") {
        None | Some(serde_json::Value::Null) => opts.protocol,
        Some(value) => match value.as_str().and_then(HttpProtocol::parse) {
            Some(p) => p,
            None => {
                warnings.push(format!(
                    "protocolProfileBehavior.protocolVersion {value} is not one of \"http1\", \"http2\", \"auto\"; using the run's default"
                ));
                opts.protocol
            }
        },
    }
}

/// How the request follows redirects, `None` when it does not: the request's own
/// `protocolProfileBehavior` over the run's (`--ignore-redirects`), as Newman resolves them.
pub fn redirect_rules(planned: Option<&PlannedRequest>, opts: &RunOptions) -> Option<RedirectRules> {
    let own = |key: &str| planned.and_then(|p| p.profile_bool(key));
    if !own("followRedirects").unwrap_or(opts.follow_redirects) {
        return None;
    }
    let defaults = RedirectRules::default();
    Some(RedirectRules {
        max: planned
            .and_then(|p| p.profile.get("maxRedirects"))
            .and_then(serde_json::Value::as_u64)
            .map_or(defaults.max, |n| usize::try_from(n).unwrap_or(usize::MAX)),
        keep_method: own("followOriginalHttpMethod").unwrap_or(defaults.keep_method),
        keep_authorization: own("followAuthorizationHeader").unwrap_or(defaults.keep_authorization),
        referer: !own("removeRefererHeaderOnRedirect").unwrap_or(!defaults.referer),
    })
}
