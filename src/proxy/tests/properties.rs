//! Property tests: bypass matching ignores case and one trailing dot (in hosts and in
//! entries), and `route` always equals `explain(..).route`.

use std::collections::HashMap;

use proptest::prelude::*;

use crate::proxy::{
    BypassList, CollectionProxy, Credentials, CustomProxy, EnvProxy, ProxyEndpoint, ProxyPolicy, SchemeSelection,
};

fn label() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["a", "b", "example", "corp", "api", "x-1", "internal", "com"]).prop_map(str::to_string)
}

fn host() -> impl Strategy<Value = String> {
    prop::collection::vec(label(), 1..4).prop_map(|labels| labels.join("."))
}

/// Entries built from the same small alphabet, so that matches actually happen.
fn entry() -> impl Strategy<Value = String> {
    let prefix = prop::sample::select(vec!["", ".", "*.", ".."]);
    let port = prop::sample::select(vec!["", ":80", ":443", ":8080"]);
    prop_oneof![
        (prefix, host(), port).prop_map(|(p, h, port)| format!("{p}{h}{port}")),
        (label(), label()).prop_map(|(a, b)| format!("{a}*{b}")),
        label().prop_map(|a| format!("*{a}")),
        Just("<local>".to_string()),
        Just("<loopback>".to_string()),
        Just("10.0.0.0/8".to_string()),
        Just("10.*".to_string()),
        Just("::1".to_string()),
    ]
}

fn target() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec!["http", "https"]);
    let port = prop::sample::select(vec!["", ":80", ":443", ":8080"]);
    let host = prop_oneof![
        4 => host(),
        1 => Just("localhost".to_string()),
        1 => Just("10.1.2.3".to_string()),
        1 => Just("127.0.0.1".to_string()),
        1 => Just("[::1]".to_string()),
    ];
    (scheme, host, port).prop_map(|(s, h, p)| format!("{s}://{h}{p}/path"))
}

fn url(u: &str) -> url::Url {
    url::Url::parse(u).unwrap_or_else(|e| panic!("generated URL {u}: {e}"))
}

/// Upper-cases letters at the positions `mask` selects.
fn mixed_case(text: &str, mask: u64) -> String {
    text.chars().enumerate().map(|(i, c)| if mask >> (i % 64) & 1 == 1 { c.to_ascii_uppercase() } else { c }).collect()
}

/// The entry with one trailing dot after its host part; tokens and CIDR ranges, which
/// have no host part, stay as they are.
fn with_trailing_dot(entry: &str) -> String {
    if entry.starts_with('<') || entry.contains('/') {
        return entry.to_string();
    }
    match entry.split_once(':') {
        Some((h, p)) if !p.contains(':') => format!("{h}.:{p}"),
        _ => format!("{entry}."),
    }
}

fn env_policy(vars: Vec<(&'static str, &'static str)>) -> Option<EnvProxy> {
    let map: HashMap<&str, &str> = vars.into_iter().collect();
    EnvProxy::from_lookup(&move |k: &str| map.get(k).map(|v| v.to_string())).ok().map(|(e, _)| e)
}

fn policy() -> impl Strategy<Value = ProxyPolicy> {
    let custom = prop::option::of((
        prop::sample::select(vec!["http://u:p@c:1", "socks5h://c:2", "https://c:3"]),
        prop::sample::select(vec![SchemeSelection::Http, SchemeSelection::Https, SchemeSelection::Both]),
        prop::collection::vec(entry(), 0..3),
    ));
    let system = prop::sample::select(vec![
        vec![],
        vec![("http_proxy", "s:1")],
        vec![("https_proxy", "s:2"), ("no_proxy", "example, 10.*")],
        vec![("ALL_PROXY", "socks5://s:3"), ("NO_PROXY", "*")],
        vec![("HTTP_PROXY", "s:4"), ("REQUEST_METHOD", "GET"), ("https_proxy", "s:5")],
    ]);
    (any::<bool>(), custom, any::<bool>(), prop::option::of(system), any::<bool>()).prop_map(
        |(force_direct, custom, use_collection, system, creds)| ProxyPolicy {
            force_direct,
            custom: custom.map(|(text, schemes, entries)| CustomProxy {
                endpoint: ProxyEndpoint::parse(text, "test").map(|(e, _)| e).unwrap_or_else(|e| panic!("{e}")),
                schemes,
                bypass: BypassList::from_entries(entries),
            }),
            use_collection,
            system: system.and_then(env_policy),
            system_credentials: creds.then(|| Credentials::from_user_pass("u:p")),
            pac: None,
            bypass: None,
        },
    )
}

fn request_proxy() -> impl Strategy<Value = Option<CollectionProxy>> {
    let pattern = prop::sample::select(vec![
        "",
        "<all_urls>",
        "http+https://*/*",
        "https://*.example/*",
        "*://*:*/path",
        "bad",
        "http://*:8080/*",
    ]);
    prop::option::of((pattern, any::<bool>(), any::<bool>(), prop::sample::select(vec!["p", "", "a:b"]))).prop_map(
        |o| {
            o.map(|(pattern, tunnel, disabled, host)| CollectionProxy {
                match_pattern: pattern.to_string(),
                host: host.to_string(),
                port: 8080,
                tunnel,
                disabled,
                credentials: None,
            })
        },
    )
}

proptest! {
    #[test]
    fn bypass_matching_ignores_case(entries in prop::collection::vec(entry(), 1..4), u in target(), m1 in any::<u64>(), m2 in any::<u64>()) {
        let list = entries.join(",");
        let plain = BypassList::parse(&list).matches(&url(&u)).is_some();
        let shouted = BypassList::parse(&mixed_case(&list, m1)).matches(&url(&mixed_case(&u, m2))).is_some();
        prop_assert_eq!(plain, shouted, "list {} URL {}", list, u);
    }

    #[test]
    fn bypass_matching_ignores_one_trailing_dot(entry in entry(), h in host(), dot_entry in any::<bool>(), dot_host in any::<bool>()) {
        let u = format!("http://{h}/");
        let dotted_u = format!("http://{h}{}/", if dot_host { "." } else { "" });
        let dotted_entry = if dot_entry { with_trailing_dot(&entry) } else { entry.clone() };
        let plain = BypassList::parse(&entry).matches(&url(&u)).is_some();
        let dotted = BypassList::parse(&dotted_entry).matches(&url(&dotted_u)).is_some();
        prop_assert_eq!(plain, dotted, "entry {} / {} host {} / {}", entry, dotted_entry, u, dotted_u);
    }

    #[test]
    fn route_equals_explain_route(p in policy(), u in target(), request in request_proxy()) {
        let u = url(&u);
        let decision = p.explain(&u, request.as_ref());
        prop_assert_eq!(p.route(&u, request.as_ref()), decision.route.clone());
        prop_assert!(!decision.reasons.is_empty());
        let shown = format!("{decision}");
        prop_assert!(!shown.contains("u:p@"), "{}", shown);
    }
}
