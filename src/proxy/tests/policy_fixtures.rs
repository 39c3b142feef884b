//! Shared builders for the policy tests: a custom proxy, a system proxy read from a
//! fake environment, and a collection proxy.

use std::collections::HashMap;

use crate::proxy::{BypassList, CollectionProxy, CustomProxy, EnvProxy, ProxyEndpoint, ProxyPolicy, SchemeSelection};

pub(super) fn url(u: &str) -> url::Url {
    url::Url::parse(u).unwrap_or_else(|e| panic!("test URL {u}: {e}"))
}

pub(super) fn endpoint(text: &str) -> ProxyEndpoint {
    ProxyEndpoint::parse(text, "test").unwrap_or_else(|e| panic!("{text}: {e}")).0
}

pub(super) fn custom(text: &str, schemes: SchemeSelection, bypass: &str) -> Option<CustomProxy> {
    Some(CustomProxy { endpoint: endpoint(text), schemes, bypass: BypassList::parse(bypass) })
}

pub(super) fn env(vars: &[(&str, &str)]) -> Option<EnvProxy> {
    let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Some(EnvProxy::from_lookup(&move |k: &str| map.get(k).cloned()).expect("valid env").0)
}

pub(super) fn collection(pattern: &str, tunnel: bool, disabled: bool) -> CollectionProxy {
    CollectionProxy {
        match_pattern: pattern.to_string(),
        host: "coll.proxy".to_string(),
        port: 8888,
        tunnel,
        disabled,
        credentials: None,
    }
}

pub(super) const CUSTOM: &str = "http://c:pw-custom@custom.proxy:3128";
pub(super) const SYSTEM: &[(&str, &str)] = &[
    ("http_proxy", "http://sys.proxy:3128"),
    ("https_proxy", "http://sys.proxy:3129"),
    ("no_proxy", "internal.corp, 10.0.0.0/8"),
];

pub(super) fn everything() -> ProxyPolicy {
    ProxyPolicy {
        force_direct: false,
        custom: custom(CUSTOM, SchemeSelection::Both, "bypass.me"),
        use_collection: true,
        system: env(SYSTEM),
        system_credentials: None,
        pac: None,
        bypass: None,
    }
}
