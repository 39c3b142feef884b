//! Chrome-style match patterns of collection `proxy` objects.

use crate::proxy::MatchPattern;

fn url(u: &str) -> url::Url {
    url::Url::parse(u).unwrap_or_else(|e| panic!("test URL {u}: {e}"))
}

#[test]
fn pattern_table() {
    // (pattern, URL, matches)
    let cases = [
        ("<all_urls>", "http://anything:1234/x?y", true),
        ("<ALL_URLS>", "https://[::1]/", true),
        // protocols
        ("*://*/*", "http://a/", true),
        ("*://*/*", "https://a/", true),
        ("http://*/*", "https://a/", false),
        ("http+https://*/*", "https://a/", true),
        ("HTTP+https://*/*", "http://a/", true),
        ("ftp+https://*/*", "http://a/", false),
        // hosts
        ("http://*.example.com/*", "http://example.com/", true),
        ("http://*.example.com/*", "http://a.b.example.com/", true),
        ("http://*.example.com/*", "http://notexample.com/", false),
        ("http://example.com/*", "http://EXAMPLE.com./", true),
        ("http://example.com/*", "http://www.example.com/", false),
        ("http://Example.COM/*", "http://example.com/", true),
        ("http://127.0.0.1/*", "http://127.0.0.1/", true),
        ("http://[::1]/*", "http://[::1]/", true),
        ("http://[0:0::1]/*", "http://[::1]/", true),
        ("http://bücher.example/*", "http://xn--bcher-kva.example/", true),
        // ports: none = the scheme default only, `:*` any, `:N` that port
        ("http+https://*/*", "http://a:8080/", false),
        ("http+https://*/*", "http://a:80/", true),
        ("http+https://*/*", "https://a/", true),
        ("http://*:*/*", "http://a:8080/", true),
        ("http://*:8080/*", "http://a:8080/", true),
        ("http://*:8080/*", "http://a/", false),
        ("https://*:443/*", "https://a/", true),
        ("http://[::1]:8080/*", "http://[::1]:8080/", true),
        // paths: anchored glob on the path, case-sensitive, query not included
        ("http://*/api/*", "http://a/api/v1?x=1", true),
        ("http://*/api/*", "http://a/apiv1", false),
        ("http://*/api", "http://a/api?x=1", true),
        ("http://*/api", "http://a/api/x", false),
        ("http://*/API/*", "http://a/api/x", false),
        ("http://*/*/users", "http://a/v1/users", true),
        ("http://*/", "http://a/", true),
    ];
    for (p, u, want) in cases {
        let pattern = MatchPattern::parse(p);
        assert_eq!(pattern.invalid_reason(), None, "{p} should be valid");
        assert_eq!(pattern.matches(&url(u)), want, "{p} vs {u}");
    }
}

#[test]
fn invalid_patterns_never_match_and_say_why() {
    // (pattern, reason fragment)
    let cases = [
        ("", "missing `://`"),
        ("example.com", "missing `://`"),
        ("http://example.com", "missing path"),
        ("http://*/", "__valid__"),
        ("ht tp://*/*", "invalid protocols"),
        ("http++https://*/*", "invalid protocols"),
        ("http:///*", "missing host"),
        ("http://a*b.com/*", "`*` may only be"),
        ("http://*.*.com/*", "`*` may only be"),
        ("http://*./*", "`*` may only be"),
        ("http://*:99999/*", "invalid port"),
        ("http://*:0/*", "invalid port"),
        ("http://*:x/*", "invalid port"),
        ("http://[::1/*", "closing"),
    ];
    for (p, fragment) in cases {
        let pattern = MatchPattern::parse(p);
        assert_eq!(pattern.as_str(), p.trim());
        if fragment == "__valid__" {
            assert_eq!(pattern.invalid_reason(), None);
            continue;
        }
        let reason = pattern.invalid_reason().unwrap_or_else(|| panic!("{p:?} should be invalid"));
        assert!(reason.contains(fragment), "{p:?}: {reason}");
        for u in ["http://a/", "https://example.com/x", "http://[::1]/"] {
            assert!(!pattern.matches(&url(u)), "{p:?} must never match {u}");
        }
    }
}
