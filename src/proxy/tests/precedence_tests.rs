//! Precedence of proxy sources (DESIGN.md §3): one row per rule, checking route, source,
//! reasons and warnings of `explain`, and that `route` agrees.

use super::policy_fixtures::*;
use crate::proxy::{BypassList, CollectionProxy, Credentials, ProxyPolicy, SchemeSelection, Source};

struct Row {
    name: &'static str,
    policy: ProxyPolicy,
    url: &'static str,
    request: Option<CollectionProxy>,
    route: &'static str,
    source: Source,
    /// Fragments expected in the reasons, in this order.
    reasons: &'static [&'static str],
    /// Fragments expected in the warnings (exactly this many warnings).
    warnings: &'static [&'static str],
}

fn rows() -> Vec<Row> {
    let all = collection("http+https://*/*", false, false);
    vec![
        Row {
            name: "--no-proxy beats every source",
            policy: ProxyPolicy { force_direct: true, ..everything() },
            url: "https://api.example/",
            request: Some(all.clone()),
            route: "direct",
            source: Source::NoProxyFlag,
            reasons: &["--no-proxy", "collection proxy was not consulted: --no-proxy decides first"],
            warnings: &[],
        },
        Row {
            name: "custom proxy beats collection and system",
            policy: everything(),
            url: "https://api.example/",
            request: Some(all.clone()),
            route: "http://***:***@custom.proxy:3128",
            source: Source::Custom,
            reasons: &[
                "custom proxy http://***:***@custom.proxy:3128 serves https",
                "CONNECT api.example:443",
                "collection proxy was not consulted: custom proxy",
            ],
            warnings: &[],
        },
        Row {
            name: "custom proxy, http target, absolute form",
            policy: everything(),
            url: "http://api.example/",
            request: None,
            route: "http://***:***@custom.proxy:3128",
            source: Source::Custom,
            reasons: &["serves http requests", "absolute-form"],
            warnings: &[],
        },
        Row {
            name: "custom bypass is final even with a system proxy",
            policy: everything(),
            url: "https://x.bypass.me/",
            request: Some(all.clone()),
            route: "direct",
            source: Source::Custom,
            reasons: &["bypass list matches with entry `bypass.me`"],
            warnings: &[],
        },
        Row {
            name: "custom bypass `*` makes everything direct, any scheme selection",
            policy: ProxyPolicy { custom: custom(CUSTOM, SchemeSelection::Http, "*"), ..everything() },
            url: "https://api.example/",
            request: Some(all.clone()),
            route: "direct",
            source: Source::Custom,
            reasons: &["holds `*`"],
            warnings: &[],
        },
        Row {
            name: "http-only custom proxy skips https, collection decides",
            policy: ProxyPolicy { custom: custom(CUSTOM, SchemeSelection::Http, ""), ..everything() },
            url: "https://api.example/",
            request: Some(all.clone()),
            route: "http://coll.proxy:8888",
            source: Source::Collection,
            reasons: &["skipped: it serves http requests only", "match pattern `http+https://*/*` matches"],
            warnings: &[],
        },
        Row {
            name: "https-only custom proxy skips http, system decides",
            policy: ProxyPolicy { custom: custom(CUSTOM, SchemeSelection::Https, ""), ..everything() },
            url: "http://api.example/",
            request: None,
            route: "http://sys.proxy:3128",
            source: Source::System,
            reasons: &[
                "serves https requests only",
                "the request has none",
                "system proxy http://sys.proxy:3128 from http_proxy",
            ],
            warnings: &[],
        },
        Row {
            name: "collection beats system",
            policy: ProxyPolicy { custom: None, ..everything() },
            url: "https://api.example/",
            request: Some(all.clone()),
            route: "http://coll.proxy:8888",
            source: Source::Collection,
            reasons: &["custom proxy: none configured", "collection proxy http://coll.proxy:8888 applies"],
            warnings: &[],
        },
        Row {
            name: "disabled collection proxy falls to system",
            policy: ProxyPolicy { custom: None, ..everything() },
            url: "https://api.example/",
            request: Some(collection("<all_urls>", false, true)),
            route: "http://sys.proxy:3129",
            source: Source::System,
            reasons: &["none configured", "it is disabled", "from https_proxy"],
            warnings: &[],
        },
        Row {
            name: "--ignore-collection-proxy falls to system",
            policy: ProxyPolicy { custom: None, use_collection: false, ..everything() },
            url: "https://api.example/",
            request: Some(all.clone()),
            route: "http://sys.proxy:3129",
            source: Source::System,
            reasons: &["none configured", "--ignore-collection-proxy", "from https_proxy"],
            warnings: &[],
        },
        Row {
            name: "non-matching pattern falls to system",
            policy: ProxyPolicy { custom: None, ..everything() },
            url: "https://api.example:8443/",
            request: Some(all.clone()),
            route: "http://sys.proxy:3129",
            source: Source::System,
            reasons: &["none configured", "does not match this URL", "from https_proxy"],
            warnings: &[],
        },
        Row {
            name: "invalid pattern never matches and is warned about",
            policy: ProxyPolicy { custom: None, ..everything() },
            url: "https://api.example/",
            request: Some(collection("http://*", false, false)),
            route: "http://sys.proxy:3129",
            source: Source::System,
            reasons: &["none configured", "is invalid", "from https_proxy"],
            warnings: &["no path"],
        },
        Row {
            name: "empty pattern means <all_urls>",
            policy: ProxyPolicy { custom: None, system: None, ..everything() },
            url: "http://api.example:9/",
            request: Some(collection("  ", false, false)),
            route: "http://coll.proxy:8888",
            source: Source::Collection,
            reasons: &["none configured", "`<all_urls>` matches"],
            warnings: &[],
        },
        Row {
            name: "tunnel on an http target cannot be honoured",
            policy: ProxyPolicy::default(),
            url: "http://api.example/",
            request: Some(collection("<all_urls>", true, false)),
            route: "http://coll.proxy:8888",
            source: Source::Collection,
            reasons: &["applies"],
            warnings: &["`tunnel: true`, which cannot be honoured"],
        },
        Row {
            name: "tunnel on an https target is fine",
            policy: ProxyPolicy::default(),
            url: "https://api.example/",
            request: Some(collection("<all_urls>", true, false)),
            route: "http://coll.proxy:8888",
            source: Source::Collection,
            reasons: &["applies"],
            warnings: &[],
        },
        Row {
            name: "NO_PROXY match is final",
            policy: ProxyPolicy { custom: None, ..everything() },
            url: "http://10.1.2.3/",
            request: None,
            route: "direct",
            source: Source::System,
            reasons: &["none configured", "the request has none", "no_proxy matches with entry `10.0.0.0/8`"],
            warnings: &[],
        },
        Row {
            name: "system proxy without one for the scheme",
            policy: ProxyPolicy { custom: None, system: env(&[("http_proxy", "h:1")]), ..everything() },
            url: "https://api.example/",
            request: None,
            route: "direct",
            source: Source::Default,
            reasons: &[
                "none configured",
                "the request has none",
                "no environment variable names a proxy for https",
                "no proxy source applies",
            ],
            warnings: &[],
        },
        Row {
            name: "--no-env-proxy",
            policy: ProxyPolicy::default(),
            url: "http://api.example/",
            request: None,
            route: "direct",
            source: Source::Default,
            reasons: &["none configured", "the request has none", "off (--no-env-proxy)", "no proxy source applies"],
            warnings: &[],
        },
        Row {
            name: "--proxy-user serves a system proxy without credentials",
            policy: ProxyPolicy {
                custom: None,
                system_credentials: Some(Credentials::from_user_pass("u:pw-flag")),
                ..everything()
            },
            url: "http://api.example/",
            request: None,
            route: "http://***:***@sys.proxy:3128",
            source: Source::System,
            reasons: &["credentials from --proxy-user"],
            warnings: &[],
        },
        Row {
            name: "--proxy-user does not replace credentials in the URL",
            policy: ProxyPolicy {
                custom: None,
                system: env(&[("http_proxy", "http://url:pw-url@sys.proxy:1")]),
                system_credentials: Some(Credentials::from_user_pass("u:pw-flag")),
                ..everything()
            },
            url: "http://api.example/",
            request: None,
            route: "http://***:***@sys.proxy:1",
            source: Source::System,
            reasons: &["from http_proxy"],
            warnings: &[],
        },
        Row {
            name: "a proxied loopback target is warned about",
            policy: ProxyPolicy { custom: None, ..everything() },
            url: "http://127.0.0.1:8080/",
            request: None,
            route: "http://sys.proxy:3128",
            source: Source::System,
            reasons: &["from http_proxy"],
            warnings: &["127.0.0.1 is a loopback address"],
        },
        Row {
            name: "a proxied localhost name is warned about",
            policy: everything(),
            url: "https://localhost/",
            request: None,
            route: "http://***:***@custom.proxy:3128",
            source: Source::Custom,
            reasons: &["serves https"],
            warnings: &["localhost is a loopback address"],
        },
        Row {
            name: "a bypassed loopback target is not warned about",
            policy: ProxyPolicy { custom: custom(CUSTOM, SchemeSelection::Both, "<loopback>"), ..everything() },
            url: "http://[::1]/",
            request: None,
            route: "direct",
            source: Source::Custom,
            reasons: &["<loopback>"],
            warnings: &[],
        },
        Row {
            name: "non-http schemes go direct",
            policy: everything(),
            url: "ftp://files.example/",
            request: None,
            route: "direct",
            source: Source::Default,
            reasons: &["only http and https"],
            warnings: &[],
        },
        Row {
            name: "malformed custom bypass entries are reported",
            policy: ProxyPolicy { custom: custom(CUSTOM, SchemeSelection::Both, "bad/x"), ..everything() },
            url: "http://api.example/",
            request: None,
            route: "http://***:***@custom.proxy:3128",
            source: Source::Custom,
            reasons: &["does not match"],
            warnings: &["`bad/x` ignored"],
        },
        Row {
            name: "malformed NO_PROXY entries are reported",
            policy: ProxyPolicy {
                custom: None,
                system: env(&[("http_proxy", "h:1"), ("NO_PROXY", "a.b:zz")]),
                ..everything()
            },
            url: "http://api.example/",
            request: None,
            route: "http://h:1",
            source: Source::System,
            reasons: &["from http_proxy"],
            warnings: &["NO_PROXY: bypass entry `a.b:zz` ignored"],
        },
        Row {
            name: "--noproxy replacing NO_PROXY",
            policy: ProxyPolicy {
                custom: None,
                system: env(SYSTEM).map(|e| e.with_no_proxy(BypassList::parse("api.example"), "--noproxy")),
                ..everything()
            },
            url: "http://api.example/",
            request: None,
            route: "direct",
            source: Source::System,
            reasons: &["--noproxy matches with entry `api.example`"],
            warnings: &[],
        },
    ]
}

#[test]
fn precedence_table() {
    for row in rows() {
        let u = url(row.url);
        let decision = row.policy.explain(&u, row.request.as_ref());
        let name = row.name;
        assert_eq!(decision.route.to_string(), row.route, "{name}: {decision}");
        assert_eq!(decision.source, row.source, "{name}: {decision}");
        assert_eq!(row.policy.route(&u, row.request.as_ref()), decision.route, "{name}: route() != explain()");
        let (route, rule) = row.policy.route_with_rule(&u, row.request.as_ref());
        assert_eq!((route, &rule), (decision.route.clone(), &decision.rule), "{name}: route_with_rule() != explain()");
        let expected = RULES.iter().find(|(n, _)| *n == name).map(|(_, r)| *r);
        assert_eq!(Some(rule.to_string().as_str()), expected, "{name}: rule");

        let mut rest = decision.reasons.iter();
        for fragment in row.reasons {
            assert!(
                rest.any(|r| r.contains(fragment)),
                "{name}: no reason with {fragment:?} (in order) in {:#?}",
                decision.reasons
            );
        }
        assert_eq!(decision.warnings.len(), row.warnings.len(), "{name}: {:#?}", decision.warnings);
        for (w, fragment) in decision.warnings.iter().zip(row.warnings) {
            assert!(w.contains(fragment), "{name}: {w:?} lacks {fragment:?}");
        }

        let shown = format!("{decision}\n{decision:?}\n{:?}", row.policy);
        assert!(!shown.contains("pw-"), "{name}: a password leaked: {shown}");
    }
}

/// The short rule each row decides by (what `postie.route.rule`, the routes table and
/// `proxy check` show).
const RULES: &[(&str, &str)] = &[
    ("--no-proxy beats every source", "--no-proxy"),
    ("custom proxy beats collection and system", "custom proxy"),
    ("custom proxy, http target, absolute form", "custom proxy"),
    ("custom bypass is final even with a system proxy", "bypass bypass.me"),
    ("custom bypass `*` makes everything direct, any scheme selection", "bypass *"),
    ("http-only custom proxy skips https, collection decides", "collection proxy"),
    ("https-only custom proxy skips http, system decides", "http_proxy"),
    ("collection beats system", "collection proxy"),
    ("disabled collection proxy falls to system", "https_proxy"),
    ("--ignore-collection-proxy falls to system", "https_proxy"),
    ("non-matching pattern falls to system", "https_proxy"),
    ("invalid pattern never matches and is warned about", "https_proxy"),
    ("empty pattern means <all_urls>", "collection proxy"),
    ("tunnel on an http target cannot be honoured", "collection proxy"),
    ("tunnel on an https target is fine", "collection proxy"),
    ("NO_PROXY match is final", "no_proxy 10.0.0.0/8"),
    ("system proxy without one for the scheme", "no proxy configured"),
    ("--no-env-proxy", "no proxy configured"),
    ("--proxy-user serves a system proxy without credentials", "http_proxy"),
    ("--proxy-user does not replace credentials in the URL", "http_proxy"),
    ("a proxied loopback target is warned about", "http_proxy"),
    ("a proxied localhost name is warned about", "custom proxy"),
    ("a bypassed loopback target is not warned about", "bypass <loopback>"),
    ("non-http schemes go direct", "not an http(s) URL"),
    ("malformed custom bypass entries are reported", "custom proxy"),
    ("malformed NO_PROXY entries are reported", "http_proxy"),
    ("--noproxy replacing NO_PROXY", "--noproxy api.example"),
];
