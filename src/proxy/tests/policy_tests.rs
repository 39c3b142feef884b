//! Policy details beyond precedence: credentials on routes, `Decision` display, scheme
//! selection, and the shapes of a collection proxy's host.

use super::policy_fixtures::*;
use crate::proxy::{CollectionProxy, Credentials, ProxyPolicy, Route, SchemeSelection};

#[test]
fn routes_carry_the_real_credentials_for_the_client() {
    let policy =
        ProxyPolicy { custom: None, system_credentials: Some(Credentials::from_user_pass("u:p@ss")), ..everything() };
    let Route::Proxy(ep) = policy.route(&url("http://api.example/"), None) else {
        panic!("expected a proxy route");
    };
    assert_eq!(ep.url_with_credentials(), "http://u:p%40ss@sys.proxy:3128");
}

#[test]
fn decision_display_is_readable() {
    let policy = ProxyPolicy { custom: None, ..everything() };
    let text = policy.explain(&url("http://127.0.0.1/"), None).to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "route:  http://sys.proxy:3128");
    assert_eq!(lines[1], "source: system proxy (environment)");
    assert!(lines[2..].iter().any(|l| l.starts_with("  - system proxy")), "{text}");
    assert!(lines.last().is_some_and(|l| l.starts_with("  warning: the target 127.0.0.1")), "{text}");
}

#[test]
fn scheme_selection_from_str() {
    let cases = [
        ("http", Some(SchemeSelection::Http)),
        ("HTTPS", Some(SchemeSelection::Https)),
        (" Both ", Some(SchemeSelection::Both)),
        ("socks", None),
        ("", None),
    ];
    for (text, want) in cases {
        match (text.parse::<SchemeSelection>(), want) {
            (Ok(got), Some(want)) => {
                assert_eq!(got, want);
                assert_eq!(got.to_string(), text.trim().to_ascii_lowercase());
            }
            (Err(e), None) => assert!(e.to_string().contains("http, https, both"), "{e}"),
            (got, want) => panic!("{text:?}: got {got:?}, want {want:?}"),
        }
    }
    assert_eq!(SchemeSelection::default(), SchemeSelection::Both);
    assert!(SchemeSelection::Both.covers("http") && SchemeSelection::Both.covers("https"));
    assert!(!SchemeSelection::Both.covers("ftp"));
}

#[test]
fn collection_proxy_host_forms() {
    // (host, port, route)
    let cases = [
        ("proxy.corp", 8080, Some("http://proxy.corp:8080")),
        ("  Proxy.CORP ", 3128, Some("http://proxy.corp:3128")),
        ("http://proxy.corp/", 3128, Some("http://proxy.corp:3128")),
        ("[::1]", 3128, Some("http://[::1]:3128")),
        ("Bücher.example", 3128, Some("http://xn--bcher-kva.example:3128")),
        ("bad host", 3128, None),
        ("::1", 3128, Some("http://[::1]:3128")),
        ("", 8080, None),
        ("proxy.corp", 0, None),
        ("proxy.corp:3128", 8080, None),
        ("user:pw-x@proxy", 8080, None),
    ];
    for (host, port, want) in cases {
        let request = CollectionProxy { host: host.to_string(), port, ..CollectionProxy::default() };
        let decision = ProxyPolicy::default().explain(&url("https://api.example/"), Some(&request));
        match want {
            Some(route) => assert_eq!(decision.route.to_string(), route, "{host:?}"),
            None => {
                assert_eq!(decision.route, Route::Direct, "{host:?}");
                assert!(
                    decision.warnings.iter().any(|w| w.contains("unusable") || w.contains("not a plain host")),
                    "{host:?}: {decision}"
                );
                assert!(!decision.to_string().contains("pw-x"));
            }
        }
    }
    let defaults = CollectionProxy::default();
    assert_eq!(
        (defaults.match_pattern.as_str(), defaults.port, defaults.tunnel, defaults.disabled),
        ("<all_urls>", 8080, false, false)
    );
}
