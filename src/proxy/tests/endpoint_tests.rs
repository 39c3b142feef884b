//! Proxy URLs: schemes, default ports, credentials, the three printed forms, errors.

use crate::proxy::{Credentials, ProxyEndpoint, ProxyError, ProxyScheme};
use crate::secret::Secret;

#[test]
fn parses_schemes_hosts_and_ports() {
    use ProxyScheme::*;
    // (input, scheme, host, port, warns about a missing port)
    let cases: &[(&str, ProxyScheme, &str, u16, bool)] = &[
        ("http://proxy.corp:3128", Http, "proxy.corp", 3128, false),
        ("proxy.corp:3128", Http, "proxy.corp", 3128, false),
        ("  HTTP://Proxy.CORP:3128/  ", Http, "proxy.corp", 3128, false),
        ("https://proxy.corp:8443", Https, "proxy.corp", 8443, false),
        ("socks5://10.0.0.1:1080", Socks5, "10.0.0.1", 1080, false),
        ("SOCKS5H://proxy:9050", Socks5h, "proxy", 9050, false),
        ("socks4://proxy:1081", Socks4, "proxy", 1081, false),
        ("socks4a://proxy:1082", Socks4a, "proxy", 1082, false),
        ("http://[::1]:3128", Http, "::1", 3128, false),
        ("[::1]:3128", Http, "::1", 3128, false),
        // explicit ports equal to the http default are kept, whatever the scheme
        ("http://proxy:80", Http, "proxy", 80, false),
        ("socks5://proxy:80", Socks5, "proxy", 80, false),
        ("https://proxy:80", Https, "proxy", 80, false),
        ("socks5://proxy:443", Socks5, "proxy", 443, false),
        // missing ports take the scheme default, with a warning
        ("http://proxy", Http, "proxy", 80, true),
        ("proxy", Http, "proxy", 80, true),
        ("https://proxy", Https, "proxy", 443, true),
        ("socks5://proxy", Socks5, "proxy", 1080, true),
        ("socks4a://proxy/", Socks4a, "proxy", 1080, true),
        ("http://proxy:/", Http, "proxy", 80, true),
        ("http://[::1]", Http, "::1", 80, true),
    ];
    for &(input, scheme, host, port, warns) in cases {
        let (ep, warnings) =
            ProxyEndpoint::parse(input, "--proxy").unwrap_or_else(|e| panic!("{input:?} should parse: {e}"));
        assert_eq!((ep.scheme, ep.host.as_str(), ep.port), (scheme, host, port), "{input:?}");
        assert!(ep.credentials.is_none(), "{input:?}");
        let port_warning = warnings.iter().any(|w| w.contains("no port"));
        assert_eq!(port_warning, warns, "{input:?}: {warnings:?}");
        if warns {
            assert!(warnings[0].starts_with("--proxy: "), "{warnings:?}");
            assert!(warnings[0].contains(&port.to_string()), "{warnings:?}");
        }
    }
}

#[test]
fn credentials_are_percent_decoded_and_reencoded() {
    // (input, user, password, url_with_credentials)
    let cases = [
        ("http://user:p%40ss@proxy:3128", "user", "p@ss", "http://user:p%40ss@proxy:3128"),
        ("user:pw@proxy:3128", "user", "pw", "http://user:pw@proxy:3128"),
        ("http://dom%5Cuser:a%3Ab%2Fc+d@proxy:1", "dom\\user", "a:b/c+d", "http://dom%5Cuser:a%3Ab%2Fc%2Bd@proxy:1"),
        ("socks5h://u:p@@proxy:1080", "u", "p@", "socks5h://u:p%40@proxy:1080"),
        ("http://only-user@proxy:3128", "only-user", "", "http://only-user:@proxy:3128"),
        ("http://%C3%A9:%C3%BC@[::1]:3128", "é", "ü", "http://%C3%A9:%C3%BC@[::1]:3128"),
    ];
    for (input, user, password, with) in cases {
        let (ep, _) = ProxyEndpoint::parse(input, "HTTPS_PROXY").expect(input);
        let creds = ep.credentials.as_ref().expect(input);
        assert_eq!(creds.username, user, "{input}");
        assert_eq!(creds.password.expose(), password, "{input}");
        assert_eq!(ep.url_with_credentials(), with, "{input}");
        // Round trip through the encoded form gives the same endpoint.
        let (again, _) = ProxyEndpoint::parse(&ep.url_with_credentials(), "x").expect(with);
        assert_eq!(again, ep, "{input}");
    }
}

#[test]
fn printed_forms_mask_credentials() {
    let (ep, _) = ProxyEndpoint::parse("http://alice:s3cr%21t@proxy.corp:3128", "--proxy").expect("valid");
    assert_eq!(ep.url_without_credentials(), "http://proxy.corp:3128");
    assert_eq!(ep.masked(), "http://***:***@proxy.corp:3128");
    assert_eq!(ep.to_string(), "http://***:***@proxy.corp:3128");
    assert_eq!(format!("{ep:?}"), "http://***:***@proxy.corp:3128");
    assert_eq!(ep.host_port(), "proxy.corp:3128");
    let creds_debug = format!("{:?}", ep.credentials);
    assert!(creds_debug.contains("alice") && !creds_debug.contains("s3cr"), "{creds_debug}");

    let (plain, _) = ProxyEndpoint::parse("socks5://[::1]:1080", "--proxy").expect("valid");
    assert_eq!(plain.masked(), "socks5://[::1]:1080");
    assert_eq!(plain.url_with_credentials(), "socks5://[::1]:1080");
    assert_eq!(plain.to_string(), "socks5://[::1]:1080");
}

/// Checks which `ProxyError` variant a case expects.
type IsKind = fn(&ProxyError) -> bool;

#[test]
fn errors_name_the_origin_and_never_the_password() {
    // (input, error kind check, fragment)
    let cases: &[(&str, IsKind, &str)] = &[
        ("", |e| matches!(e, ProxyError::Empty { .. }), "empty"),
        ("   ", |e| matches!(e, ProxyError::Empty { .. }), "empty"),
        ("ftp://user:hunter2@proxy:21", |e| matches!(e, ProxyError::UnknownScheme { .. }), "`ftp`"),
        ("pac+http://user:hunter2@x/proxy.pac", |e| matches!(e, ProxyError::UnknownScheme { .. }), "`pac+http`"),
        ("http://user:hunter2@proxy:99999", |e| matches!(e, ProxyError::InvalidPort { .. }), "port"),
        ("http://user:hunter2@proxy:abc", |e| matches!(e, ProxyError::InvalidPort { .. }), "port"),
        ("http://user:hunter2@proxy:0", |e| matches!(e, ProxyError::InvalidPort { .. }), "port 0"),
        ("http://user:hunter2@:3128", |e| matches!(e, ProxyError::MissingHost { .. }), "no host"),
        ("http://user:hunter2@[::1:3128", |e| matches!(e, ProxyError::Unparsable { .. }), "cannot be parsed"),
        ("http://user:hunter2%FF@proxy:1", |e| matches!(e, ProxyError::CredentialsNotUtf8 { .. }), "UTF-8"),
        ("http://user:hunter2/x@proxy:1", |e| matches!(e, ProxyError::InvalidPort { .. }), "port"),
    ];
    for &(input, kind, fragment) in cases {
        let err = match ProxyEndpoint::parse(input, "HTTPS_PROXY") {
            Ok((ep, _)) => panic!("{input:?} should fail, got {ep}"),
            Err(e) => e,
        };
        let message = err.to_string();
        assert!(kind(&err), "{input:?}: wrong kind {err:?}");
        assert!(message.starts_with("HTTPS_PROXY: "), "{input:?}: {message}");
        assert!(message.contains(fragment), "{input:?}: {message}");
        assert!(!message.contains("hunter2"), "{input:?} leaks: {message}");
        assert!(!format!("{err:?}").contains("hunter2"), "{input:?} leaks in Debug");
    }
}

#[test]
fn path_after_the_host_is_warned_about() {
    let (ep, warnings) = ProxyEndpoint::parse("http://proxy:3128/some/path?x=1", "--proxy").expect("valid");
    assert_eq!(ep.url_without_credentials(), "http://proxy:3128");
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].contains("ignored"), "{warnings:?}");
}

#[test]
fn scheme_names_and_default_ports() {
    let cases = [
        ("http", ProxyScheme::Http, 80),
        ("HTTPS", ProxyScheme::Https, 443),
        ("socks4", ProxyScheme::Socks4, 1080),
        ("socks4a", ProxyScheme::Socks4a, 1080),
        ("Socks5", ProxyScheme::Socks5, 1080),
        ("socks5h", ProxyScheme::Socks5h, 1080),
    ];
    for (name, scheme, port) in cases {
        assert_eq!(ProxyScheme::from_name(name), Some(scheme));
        assert_eq!(scheme.to_string(), name.to_ascii_lowercase());
        assert_eq!(scheme.default_port(), port);
    }
    assert_eq!(ProxyScheme::from_name("socks"), None);
}

#[test]
fn credentials_from_proxy_user_flag() {
    let cases = [
        ("alice:pw", "alice", "pw"),
        ("alice:p:w@x", "alice", "p:w@x"),
        ("alice", "alice", ""),
        ("DOMAIN\\bob:%41", "DOMAIN\\bob", "%41"),
    ];
    for (text, user, pass) in cases {
        let c = Credentials::from_user_pass(text);
        assert_eq!(c, Credentials { username: user.into(), password: Secret::new(pass) }, "{text}");
    }
}
