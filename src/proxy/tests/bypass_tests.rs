//! Bypass lists: PROXY.md's test vectors, every entry kind, ports, and malformed entries.

use crate::proxy::BypassList;

fn url(u: &str) -> url::Url {
    url::Url::parse(u).unwrap_or_else(|e| panic!("test URL {u}: {e}"))
}

/// (entry list, URL, bypassed?)
fn check(cases: &[(&str, &str, bool)]) {
    for &(list, u, want) in cases {
        let parsed = BypassList::parse(list);
        let got = parsed.matches(&url(u));
        assert_eq!(got.is_some(), want, "list {list:?}, URL {u}: got {got:?}");
    }
}

#[test]
fn proxy_md_test_vectors() {
    check(&[
        ("example.com", "http://www.EXAMPLE.com./", true),
        ("example.com", "http://notexample.com/", false),
        (".example.com", "http://example.com/", true),
        ("*.example.com", "https://a.b.example.com/", true),
        ("a,*", "http://10.0.0.1/", true),
        ("example.com:8443", "https://example.com/", false),
        ("example.com:443", "https://example.com/", true),
        ("10.0.0.0/8", "http://10.2.3.4:9/", true),
        ("localhost", "http://127.0.0.1/", false),
        ("[::1]", "http://[::1]:8080/", true),
        ("::1", "http://[::1]/", true),
        ("10.*", "http://10.9.9.9/", true),
        ("internal-gateway*", "https://internal-gateway-test.corp.com/", true),
        (" a , , b ", "http://b/", true),
    ]);
}

#[test]
fn entry_kinds() {
    check(&[
        // `*` anywhere, IP literals included
        ("*", "http://[2001:db8::1]/", true),
        ("foo;*", "https://anything.example/", true),
        ("*.", "http://10.0.0.1/", true),
        ("*:8080", "http://a:8080/", true),
        ("*:8080", "http://a/", false),
        // domains on label boundaries, any spelling of the leading part
        ("example.com", "http://example.com/", true),
        ("EXAMPLE.COM.", "http://a.example.com/", true),
        (".example.com", "http://notexample.com/", false),
        ("*.example.com", "http://example.com/", true),
        ("..example.com", "http://x.example.com/", true),
        ("example.com", "http://example.com.evil.net/", false),
        ("bücher.example", "http://BÜCHER.example/", true),
        ("xn--bcher-kva.example", "http://bücher.example/", true),
        // domain entries never match IP hosts, IP entries never match names
        ("127.0.0.1", "http://localhost/", false),
        ("localhost", "http://localhost:3000/", true),
        // IPs and ranges
        ("192.168.1.5", "http://192.168.1.5/", true),
        ("192.168.1.5", "http://192.168.1.6/", false),
        ("10.0.0.0/8", "http://11.0.0.1/", false),
        ("fe80::/10", "http://[fe80::1]/", true),
        ("[fe80::]/10", "http://[fe80::2]/", true),
        ("[fe80::/10]", "http://[fe80::3]/", true),
        ("fe80::/10", "http://[fec0::1]/", false),
        ("10.0.0.0/8", "http://[::ffff:10.1.1.1]/", true),
        ("10.1.2.3:8080", "http://10.1.2.3:8080/", true),
        ("10.1.2.3:8080", "http://10.1.2.3/", false),
        ("[::1]:8080", "http://[::1]:8080/", true),
        ("[::1]:8080", "http://[::1]:8081/", false),
        // IPv4 wildcards as /8, /16, /24
        ("10.1.*", "http://10.1.200.3/", true),
        ("10.1.*", "http://10.2.0.1/", false),
        ("10.1.2.*", "http://10.1.2.255/", true),
        ("10.1.2.*", "http://10.1.3.1/", false),
        ("10.*", "http://10.example.com/", false),
        // globs, anchored and case-insensitive
        ("*-sandbox.corp.com", "https://pay-SANDBOX.corp.com/", true),
        ("*-sandbox.corp.com", "https://pay-sandbox.corp.com.evil/", false),
        ("internal-gateway*", "https://my-internal-gateway/", false),
        ("*.*.corp", "http://a.b.corp/", true),
        ("*.*.corp", "http://b.corp/", false),
        ("api*:8443", "https://api1:8443/", true),
        ("api*:8443", "https://api1/", false),
        // opt-in tokens
        ("<local>", "http://intranet/", true),
        ("<local>", "http://intranet./", true),
        ("<local>", "http://intranet.corp/", false),
        ("<local>", "http://10.0.0.1/", false),
        ("<LOOPBACK>", "http://127.5.5.5/", true),
        ("<loopback>", "http://[::1]/", true),
        ("<loopback>", "http://api.localhost/", true),
        ("<loopback>", "http://localhost/", true),
        ("<loopback>", "http://10.0.0.1/", false),
        // separators and quotes
        ("a;b\tc\nexample.org", "http://example.org/", true),
        ("\"a,example.org\"", "http://example.org/", true),
        ("'example.org'", "http://x.example.org/", true),
        // loopback is never implicit
        ("", "http://127.0.0.1/", false),
        ("example.com", "http://[::1]/", false),
    ]);
}

#[test]
fn effective_port_is_the_scheme_default_when_absent() {
    check(&[
        ("example.com:80", "http://example.com/", true),
        ("example.com:80", "http://example.com:80/", true),
        ("example.com:80", "https://example.com/", false),
        ("example.com:443", "http://example.com:443/", true),
        ("example.com", "http://example.com:12345/", true),
    ]);
}

#[test]
fn malformed_entries_are_warned_and_ignored() {
    // (list, how many usable entries, warning fragments in order)
    let cases: &[(&str, usize, &[&str])] = &[
        ("example.com:http", 0, &["`example.com:http` ignored: invalid port `http`"]),
        ("example.com:0", 0, &["invalid port"]),
        ("10.0.0.0/33", 0, &["not a valid IP address or CIDR range"]),
        ("999.1.1.1", 0, &["not a valid IPv4 address"]),
        ("[::1", 0, &["without a closing"]),
        ("[::1]x", 0, &["unexpected text"]),
        ("<intranet>", 0, &["unknown token"]),
        ("exa$mple.com", 0, &["`$` cannot appear"]),
        ("a..b", 0, &["empty label"]),
        (".", 0, &["no domain name left"]),
        ("..:80", 0, &["no domain name left"]),
        ("ok.com,bad/x,fine.org", 2, &["`bad/x`"]),
        ("'x.com'", 1, &["surrounding quotes removed"]),
        ("x:1:2:3:zz", 0, &["not a valid IP address"]),
    ];
    for &(list, usable, fragments) in cases {
        let parsed = BypassList::parse(list);
        assert_eq!(parsed.len(), usable, "{list:?}");
        assert_eq!(parsed.warnings().len(), fragments.len(), "{list:?}: {:?}", parsed.warnings());
        for (warning, fragment) in parsed.warnings().iter().zip(fragments) {
            assert!(warning.contains(fragment), "{list:?}: {warning:?} lacks {fragment:?}");
        }
    }
    // Malformed entries never stop the good ones from working.
    let list = BypassList::parse("bad/x, example.com");
    assert!(list.matches(&url("http://example.com/")).is_some());
}

#[test]
fn matches_describes_the_entry_that_fired() {
    let cases = [
        (
            "a.org, .example.com",
            "http://x.example.com/",
            "entry `.example.com` (domain example.com and its subdomains)",
        ),
        (
            "example.com:443",
            "https://example.com/",
            "entry `example.com:443` (domain example.com and its subdomains, port 443 only)",
        ),
        ("10.0.0.0/8", "http://10.1.1.1/", "entry `10.0.0.0/8` (IP range 10.0.0.0/8)"),
        ("10.*", "http://10.1.1.1/", "entry `10.*` (IP range 10.0.0.0/8)"),
        ("::1", "http://[::1]/", "entry `::1` (IP address ::1)"),
        ("x.org, *", "http://x.org/", "entry `*` (matches every host)"),
        ("api-*", "http://api-1/", "entry `api-*` (glob api-*)"),
    ];
    for (list, u, want) in cases {
        assert_eq!(BypassList::parse(list).matches(&url(u)).as_deref(), Some(want), "{list}");
    }
}

#[test]
fn from_entries_tokenises_each_element_and_reports_emptiness() {
    let list = BypassList::from_entries(["example.com", " a.org, b.org ", "", "bad/x"]);
    assert_eq!(list.len(), 3);
    assert_eq!(list.warnings().len(), 1);
    assert!(list.matches(&url("http://b.org/")).is_some());
    assert!(!list.is_empty());
    assert!(!list.matches_everything());

    let empty = BypassList::from_entries(Vec::<String>::new());
    assert!(empty.is_empty());
    assert!(BypassList::parse(" , ;").is_empty());
    assert!(BypassList::parse("bad/x").is_empty());
    assert!(BypassList::parse("a, *").matches_everything());
    assert!(!BypassList::parse("*:8080").matches_everything());
    // A URL without a host is never bypassed.
    assert!(BypassList::parse("*").matches(&url("mailto:a@b.c")).is_none());
}
