//! Unit tests of URL match patterns, as tables: matching, invalid patterns in both parse
//! modes, and the glob. The rows came from the former `proxy` and `tls` pattern tests.

use url::Url;

use super::{MatchPattern, glob};

fn url(u: &str) -> Url {
    Url::parse(u).unwrap_or_else(|e| panic!("test URL {u}: {e}"))
}

/// Which parse modes accept a pattern of the match table.
#[derive(Clone, Copy, Debug)]
enum Accepts {
    Both,
    /// Protocols other than http/https: strict parsing refuses them.
    LenientOnly,
}

#[test]
fn match_table() {
    use Accepts::{Both, LenientOnly};
    // (pattern, URL, matches, accepted by)
    let cases: &[(&str, &str, bool, Accepts)] = &[
        // <all_urls>, any case
        ("<all_urls>", "http://anything:1234/x?y", true, Both),
        ("<all_urls>", "https://any.host:8443/x?y", true, Both),
        ("<all_urls>", "http://localhost/", true, Both),
        ("<ALL_URLS>", "https://[::1]/", true, Both),
        ("  https://host/*  ", "https://host/a", true, Both),
        // protocols
        ("*://*/*", "http://a/", true, Both),
        ("*://*/*", "https://a/", true, Both),
        ("*://host/*", "http://host/a", true, Both),
        ("*://host/*", "https://host/a", true, Both),
        ("http://*/*", "https://a/", false, Both),
        ("http+https://*/*", "https://a/", true, Both),
        ("http+https://host/*", "https://host/a", true, Both),
        ("http+https://host/*", "http://host/a", true, Both),
        ("HTTP+https://*/*", "http://a/", true, Both),
        ("ftp+https://*/*", "http://a/", false, LenientOnly),
        ("ftp+https://*/*", "https://a/", true, LenientOnly),
        ("https://*/*", "https://anything.test/x", true, Both),
        ("https://*/*", "http://anything.test/x", false, Both),
        // hosts: `*.` is the domain and its subdomains; exact names any case; IPs as addresses
        ("http://*.example.com/*", "http://example.com/", true, Both),
        ("http://*.example.com/*", "http://a.b.example.com/", true, Both),
        ("http://*.example.com/*", "http://notexample.com/", false, Both),
        ("https://*.example.com/*", "https://example.com/", true, Both),
        ("https://*.example.com/*", "https://api.example.com/v1/x", true, Both),
        ("https://*.example.com/*", "https://a.b.example.com/", true, Both),
        ("https://*.example.com/*", "https://badexample.com/", false, Both),
        ("https://*.example.com/*", "http://api.example.com/", false, Both),
        ("https://*.host/*", "https://otherhost/x", false, Both),
        ("https://*.0.0.1/*", "https://127.0.0.1/x", false, Both),
        ("http://example.com/*", "http://EXAMPLE.com./", true, Both),
        ("http://example.com./*", "http://example.com/", true, Both),
        ("http://example.com/*", "http://www.example.com/", false, Both),
        ("http://Example.COM/*", "http://example.com/", true, Both),
        ("https://API.Example.com/*", "https://api.example.COM/a", true, Both),
        ("https://host/*", "https://otherhost/x", false, Both),
        ("http://127.0.0.1/*", "http://127.0.0.1/", true, Both),
        ("https://127.0.0.1/*", "https://127.0.0.1/x", true, Both),
        ("https://127.0.0.1:*/*", "https://127.0.0.1:9000/x", true, Both),
        ("http://[::1]/*", "http://[::1]/", true, Both),
        ("http://[0:0::1]/*", "http://[::1]/", true, Both),
        ("http://bücher.example/*", "http://xn--bcher-kva.example/", true, Both),
        // ports: none = the scheme default only, `:*` any, `:N` that port
        ("http+https://*/*", "http://a:8080/", false, Both),
        ("http+https://*/*", "http://a:80/", true, Both),
        ("http+https://*/*", "https://a/", true, Both),
        ("https://*.example.com/*", "https://api.example.com:8443/", false, Both),
        ("https://*.example.com/*", "https://api.example.com:443/", true, Both),
        ("*://host/*", "http://host:443/a", false, Both),
        ("http://*:*/*", "http://a:8080/", true, Both),
        ("*://host:*/*", "http://host:8080/a", true, Both),
        ("*://host:*/*", "https://host/a", true, Both),
        ("http://*:8080/*", "http://a:8080/", true, Both),
        ("http://*:8080/*", "http://a/", false, Both),
        ("https://host:8443/*", "https://host:8443/a", true, Both),
        ("https://host:8443/*", "https://host/a", false, Both),
        ("https://*:443/*", "https://a/", true, Both),
        ("https://host:443/*", "https://host/a", true, Both),
        ("http://[::1]:8080/*", "http://[::1]:8080/", true, Both),
        ("https://[::1]:*/*", "https://[::1]:9000/x", true, Both),
        ("https://[::1]/*", "https://[::1]:9000/x", false, Both),
        // paths: anchored glob, case-sensitive
        ("http://*/api/*", "http://a/apiv1", false, Both),
        ("http://*/api", "http://a/api/x", false, Both),
        ("http://*/API/*", "http://a/api/x", false, Both),
        ("http://*/*/users", "http://a/v1/users", true, Both),
        ("http://*/", "http://a/", true, Both),
        ("https://host/api/*", "https://host/api/v1", true, Both),
        ("https://host/api/*", "https://host/api/", true, Both),
        ("https://host/api/*", "https://host/apix", false, Both),
        ("https://host/api/*/items", "https://host/api/v1/items", true, Both),
        ("https://host/api/*/items", "https://host/api/v1/items/2", false, Both),
        ("https://host/", "https://host/", true, Both),
        ("https://host/", "https://host/a", false, Both),
        // queries: ignored unless the pattern has a `?`, then part of what the glob sees
        ("http://*/api/*", "http://a/api/v1?x=1", true, Both),
        ("http://*/api", "http://a/api?x=1", true, Both),
        ("https://host/*", "https://host/a?b=c", true, Both),
        ("https://host/a?b=*", "https://host/a?b=c", true, Both),
        ("https://host/a?b=*", "https://host/a", false, Both),
        ("https://host/a?b=*", "https://host/a?c=d", false, Both),
    ];
    for &(p, u, want, accepts) in cases {
        let lenient = MatchPattern::parse_lenient(p);
        assert_eq!(lenient.invalid_reason(), None, "{p} should be valid");
        assert_eq!(lenient.as_str(), p.trim());
        assert_eq!(lenient.matches(&url(u)), want, "lenient {p} vs {u}");
        match (MatchPattern::parse(p), accepts) {
            (Ok(strict), Accepts::Both) => {
                assert_eq!(strict.matches(&url(u)), want, "strict {p} vs {u}");
                assert_eq!(strict, lenient, "{p}: both modes parse alike");
            }
            (Err(e), Accepts::LenientOnly) => assert!(e.to_string().contains("unsupported protocol"), "{p}: {e}"),
            (got, _) => panic!("{p}: strict parse gave {got:?}, expected {accepts:?}"),
        }
    }
}

#[test]
fn invalid_patterns_table() {
    // (pattern, strict error fragment, lenient error fragment); `None`: that mode accepts it.
    let cases: &[(&str, Option<&str>, Option<&str>)] = &[
        ("", Some("missing \"://\""), Some("missing \"://\"")),
        ("example.com", Some("missing \"://\""), Some("missing \"://\"")),
        ("<all_urls", Some("missing \"://\""), Some("missing \"://\"")),
        ("http://example.com", Some("no path"), Some("no path")),
        ("https://host", Some("no path; add one, e.g. \"https://host/*\""), Some("no path; add one")),
        ("http://*/", None, None),
        ("ht tp://*/*", Some("unsupported protocol \"ht tp\""), Some("invalid protocols \"ht tp\"")),
        ("http++https://*/*", Some("unsupported protocol \"\""), Some("invalid protocols")),
        ("://host/*", Some("unsupported protocol \"\""), Some("invalid protocols")),
        ("ftp://host/*", Some("unsupported protocol \"ftp\""), None),
        ("http:///*", Some("the host is empty"), Some("the host is empty")),
        ("https:///*", Some("the host is empty"), Some("the host is empty")),
        ("http://a*b.com/*", Some("\"*\" may only be"), Some("\"*\" may only be")),
        ("http://*.*.com/*", Some("\"*\" may only be"), Some("\"*\" may only be")),
        ("http://*./*", Some("\"*\" may only be"), Some("\"*\" may only be")),
        ("https://a*.example.com/*", Some("\"*\" may only be the whole host"), Some("\"*\" may only be")),
        ("https://*./*", Some("\"*\" may only be the whole host"), Some("\"*\" may only be")),
        ("http://*:99999/*", Some("invalid port"), Some("invalid port")),
        ("http://*:0/*", Some("invalid port \"0\""), Some("invalid port")),
        ("http://*:x/*", Some("invalid port"), Some("invalid port")),
        ("http://*:/*", Some("invalid port \"\""), Some("invalid port")),
        ("https://host:http/*", Some("invalid port \"http\""), Some("invalid port \"http\"")),
        ("https://host:70000/*", Some("invalid port \"70000\""), Some("invalid port")),
        ("http://[::1/*", Some("closing \"]\""), Some("closing")),
        ("https://[::1]x/*", Some("unexpected \"x\" after the host"), Some("unexpected \"x\"")),
    ];
    for &(p, strict_error, lenient_error) in cases {
        match (MatchPattern::parse(p), strict_error) {
            (Ok(_), None) => {}
            (Err(e), Some(fragment)) => assert!(e.to_string().contains(fragment), "strict {p:?}: {e}"),
            (got, want) => panic!("strict {p:?}: got {got:?}, want an error with {want:?}"),
        }
        let pattern = MatchPattern::parse_lenient(p);
        assert_eq!(pattern.as_str(), p.trim());
        let Some(fragment) = lenient_error else {
            assert_eq!(pattern.invalid_reason(), None, "lenient {p:?}");
            continue;
        };
        let reason = pattern.invalid_reason().unwrap_or_else(|| panic!("lenient {p:?} should be invalid"));
        assert!(reason.to_string().contains(fragment), "lenient {p:?}: {reason}");
        for u in ["http://a/", "https://example.com/x", "http://[::1]/", "https://host/"] {
            assert!(!pattern.matches(&url(u)), "{p:?} must never match {u}");
        }
    }
}

#[test]
fn glob_table() {
    // (pattern, text, ignore case, expected)
    let cases = [
        ("internal-gateway*", "internal-gateway-test.corp.com", true, true),
        ("internal-gateway*", "my-internal-gateway", true, false),
        ("*-sandbox.corp.com", "pay-sandbox.CORP.com", true, true),
        ("*-sandbox.corp.com", "pay-sandbox.corp.com.evil", true, false),
        ("a*b*c", "aXXbYYc", true, true),
        ("a*b*c", "aXXbYY", true, false),
        ("*", "", true, true),
        ("", "", true, true),
        ("", "x", true, false),
        ("/api/*", "/api/v1", false, true),
        ("/API/*", "/api/v1", false, false),
        ("/api/*", "/apix", false, false),
        ("**a", "bba", false, true),
        ("/*", "/", false, true),
        ("/*", "/a/b", false, true),
        ("/a*b", "/ab", false, true),
        ("/a*b", "/axxb", false, true),
        ("/a*b", "/axxbc", false, false),
        ("/a*b*c", "/abc", false, true),
        ("/a*a", "/a", false, false),
        ("/x", "/x", false, true),
        ("/x", "/xy", false, false),
    ];
    for (pattern, text, ignore_case, want) in cases {
        assert_eq!(glob::matches(pattern, text, ignore_case), want, "{pattern:?} vs {text:?}");
    }
}
