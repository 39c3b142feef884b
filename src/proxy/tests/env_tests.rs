//! The system proxy: every row of PROXY.md's environment table, through an injected
//! lookup (the real environment is never read).

use std::collections::HashMap;

use crate::proxy::{BypassList, EnvProxy, ProxyError, ProxyScheme};

/// Environment variables of one table row.
type Vars<'a> = &'a [(&'a str, &'a str)];

fn read(vars: &[(&str, &str)]) -> Result<(EnvProxy, Vec<String>), ProxyError> {
    let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    EnvProxy::from_lookup(&move |k: &str| map.get(k).cloned())
}

fn ok(vars: &[(&str, &str)]) -> (EnvProxy, Vec<String>) {
    read(vars).unwrap_or_else(|e| panic!("{vars:?}: {e}"))
}

/// `(masked proxy URL, variable)` for a target scheme.
fn for_scheme(env: &EnvProxy, scheme: &str) -> Option<(String, &'static str)> {
    env.proxy_for_scheme(scheme).map(|(ep, var)| (ep.masked(), var))
}

#[test]
fn which_variable_serves_which_scheme() {
    // (variables, http target, https target)
    type Row<'a> = (Vars<'a>, Option<(&'a str, &'a str)>, Option<(&'a str, &'a str)>);
    let rows: &[Row] = &[
        // lower case wins over upper case
        (&[("http_proxy", "low:1"), ("HTTP_PROXY", "up:2")], Some(("http://low:1", "http_proxy")), None),
        (&[("HTTPS_PROXY", "up:2"), ("https_proxy", "low:1")], None, Some(("http://low:1", "https_proxy"))),
        (
            &[("ALL_PROXY", "up:2"), ("all_proxy", "low:1")],
            Some(("http://low:1", "all_proxy")),
            Some(("http://low:1", "all_proxy")),
        ),
        // upper case alone is used
        (&[("HTTPS_PROXY", "up:2")], None, Some(("http://up:2", "HTTPS_PROXY"))),
        // empty is unset, and does not hide the other case
        (&[("HTTPS_PROXY", ""), ("https_proxy", "low:1")], None, Some(("http://low:1", "https_proxy"))),
        (&[("https_proxy", "  "), ("HTTPS_PROXY", "up:2")], None, Some(("http://up:2", "HTTPS_PROXY"))),
        (&[("http_proxy", ""), ("HTTP_PROXY", "")], None, None),
        // only quotes is empty too
        (&[("https_proxy", "''"), ("HTTPS_PROXY", "up:2")], None, Some(("http://up:2", "HTTPS_PROXY"))),
        (&[("http_proxy", "\"\"")], None, None),
        // quotes around a real value are removed
        (&[("http_proxy", "'low:1'")], Some(("http://low:1", "http_proxy")), None),
        // http targets: http_proxy, else all_proxy
        (
            &[("all_proxy", "socks5h://all:1080")],
            Some(("socks5h://all:1080", "all_proxy")),
            Some(("socks5h://all:1080", "all_proxy")),
        ),
        (
            &[("http_proxy", "h:1"), ("all_proxy", "a:2")],
            Some(("http://h:1", "http_proxy")),
            Some(("http://a:2", "all_proxy")),
        ),
        // https targets: https_proxy, else all_proxy, never http_proxy by default
        (
            &[("https_proxy", "s:1"), ("all_proxy", "a:2")],
            Some(("http://a:2", "all_proxy")),
            Some(("http://s:1", "https_proxy")),
        ),
        (&[("http_proxy", "h:1")], Some(("http://h:1", "http_proxy")), None),
        // credentials are decoded but printed masked
        (&[("https_proxy", "http://u:p%40ss@s:1")], None, Some(("http://***:***@s:1", "https_proxy"))),
    ];
    for (vars, http, https) in rows {
        let (env, _) = ok(vars);
        let got = |scheme| for_scheme(&env, scheme).map(|(u, v)| (u, v.to_string()));
        let want = |o: &Option<(&str, &str)>| o.map(|(u, v)| (u.to_string(), v.to_string()));
        assert_eq!(got("http"), want(http), "{vars:?} http");
        assert_eq!(got("https"), want(https), "{vars:?} https");
        assert_eq!(env.is_empty(), http.is_none() && https.is_none(), "{vars:?}");
        assert_eq!(for_scheme(&env, "ftp"), None);
    }
}

#[test]
fn warnings_for_quotes_differences_and_missing_ports() {
    // (variables, warning fragments)
    let rows: &[(Vars, &[&str])] = &[
        (&[("HTTP_PROXY", "''")], &["HTTP_PROXY is only a pair of quotes"]),
        (&[("https_proxy", "\"\"")], &["https_proxy is only a pair of quotes"]),
        (&[("http_proxy", "\"h:1\"")], &["surrounding quotes removed from http_proxy"]),
        (&[("http_proxy", "h:1"), ("HTTP_PROXY", "other:2")], &["http_proxy and HTTP_PROXY differ; using http_proxy"]),
        (&[("http_proxy", "h:1"), ("HTTP_PROXY", "h:1")], &[]),
        (&[("https_proxy", "https://s")], &["https_proxy: the proxy URL has no port; using 443"]),
        (&[("all_proxy", "socks5://s")], &["all_proxy: the proxy URL has no port; using 1080"]),
        (&[("http_proxy", "h")], &["http_proxy: the proxy URL has no port; using 80"]),
        (&[("no_proxy", "ok.com, bad/x")], &["no_proxy: bypass entry `bad/x` ignored"]),
        (&[("NO_PROXY", "'a.com'")], &["surrounding quotes removed from NO_PROXY"]),
        (&[], &[]),
    ];
    for (vars, fragments) in rows {
        let (_, warnings) = ok(vars);
        assert_eq!(warnings.len(), fragments.len(), "{vars:?}: {warnings:?}");
        for (w, f) in warnings.iter().zip(fragments.iter()) {
            assert!(w.contains(f), "{vars:?}: {w:?} lacks {f:?}");
        }
    }
    // The differing values themselves are never printed (they may hold passwords).
    let (_, warnings) = ok(&[("http_proxy", "u:secret1@h:1"), ("HTTP_PROXY", "u:secret2@h:1")]);
    assert!(warnings.iter().all(|w| !w.contains("secret")), "{warnings:?}");
}

#[test]
fn httpoxy_guard_ignores_upper_case_http_proxy_under_cgi() {
    // (variables, http target proxy)
    let rows: &[(Vars, Option<&str>)] = &[
        (&[("REQUEST_METHOD", "GET"), ("HTTP_PROXY", "evil:1")], None),
        (&[("REQUEST_METHOD", ""), ("HTTP_PROXY", "evil:1")], None),
        (&[("REQUEST_METHOD", "GET"), ("HTTP_PROXY", "evil:1"), ("all_proxy", "a:2")], Some("http://a:2")),
        (&[("REQUEST_METHOD", "GET"), ("http_proxy", "good:1"), ("HTTP_PROXY", "evil:1")], Some("http://good:1")),
        (&[("HTTP_PROXY", "fine:1")], Some("http://fine:1")),
    ];
    for (vars, want) in rows {
        let (env, warnings) = ok(vars);
        assert_eq!(env.proxy_for_scheme("http").map(|(e, _)| e.masked()).as_deref(), *want, "{vars:?}");
        let cgi = vars.iter().any(|(k, _)| *k == "REQUEST_METHOD");
        let warned = warnings.iter().any(|w| w.contains("httpoxy"));
        assert_eq!(warned, cgi, "{vars:?}: {warnings:?}");
    }
    // HTTPS_PROXY cannot be injected through a request header, so CGI leaves it alone.
    let (env, _) = ok(&[("REQUEST_METHOD", "GET"), ("HTTPS_PROXY", "s:1")]);
    assert!(env.proxy_for_scheme("https").is_some());
}

#[test]
fn proxy_url_schemes() {
    let rows = [
        ("http://p:1", ProxyScheme::Http),
        ("p:1", ProxyScheme::Http),
        ("https://p:1", ProxyScheme::Https),
        ("socks5://p:1", ProxyScheme::Socks5),
        ("socks5h://p:1", ProxyScheme::Socks5h),
        ("socks4://p:1", ProxyScheme::Socks4),
        ("socks4a://p:1", ProxyScheme::Socks4a),
    ];
    for (value, scheme) in rows {
        let (env, _) = ok(&[("ALL_PROXY", value)]);
        let (ep, _) = env.proxy_for_scheme("https").expect(value);
        assert_eq!(ep.scheme, scheme, "{value}");
    }
}

#[test]
fn unusable_proxy_urls_are_errors_naming_the_variable() {
    let rows: &[(&[(&str, &str)], &str)] = &[
        (&[("HTTPS_PROXY", "ftp://u:topsecret@p:21")], "HTTPS_PROXY: unsupported proxy scheme `ftp`"),
        (&[("http_proxy", "http://u:topsecret@p:70000")], "http_proxy: invalid proxy port"),
        (&[("all_proxy", "socks://u:topsecret@p:1")], "all_proxy: unsupported proxy scheme `socks`"),
    ];
    for (vars, prefix) in rows {
        let err = read(vars).err().unwrap_or_else(|| panic!("{vars:?} should fail"));
        let message = err.to_string();
        assert!(message.starts_with(prefix), "{vars:?}: {message}");
        assert!(!message.contains("topsecret"), "{message}");
    }
    // A bad value that is not used (hidden by lower case, or by the CGI guard) is no error.
    assert!(read(&[("http_proxy", "h:1"), ("HTTP_PROXY", "ftp://x")]).is_ok());
    assert!(read(&[("REQUEST_METHOD", "GET"), ("HTTP_PROXY", "ftp://x")]).is_ok());
}

#[test]
fn no_proxy_lower_case_wins_and_empty_is_unset() {
    let u = url::Url::parse("http://a.example/").expect("url");
    // (variables, bypassed?, variable reported)
    let rows: &[(Vars, bool, Option<&str>)] = &[
        (&[("no_proxy", "a.example"), ("NO_PROXY", "b.example")], true, Some("no_proxy")),
        (&[("no_proxy", "b.example"), ("NO_PROXY", "a.example")], false, Some("no_proxy")),
        (&[("no_proxy", ""), ("NO_PROXY", "a.example")], true, Some("NO_PROXY")),
        (&[("no_proxy", "''"), ("NO_PROXY", "a.example")], true, Some("NO_PROXY")),
        (&[("NO_PROXY", "*")], true, Some("NO_PROXY")),
        (&[], false, None),
    ];
    for (vars, bypassed, var) in rows {
        let (env, _) = ok(vars);
        let (list, name) = env.no_proxy();
        assert_eq!(list.matches(&u).is_some(), *bypassed, "{vars:?}");
        assert_eq!(name, *var, "{vars:?}");
        assert!(env.is_empty(), "NO_PROXY alone names no proxy");
    }
}

#[test]
fn https_fallback_and_no_proxy_override_are_opt_in() {
    let (env, _) = ok(&[("http_proxy", "h:1"), ("no_proxy", "a.example")]);
    assert!(env.proxy_for_scheme("https").is_none());
    let env = env.with_https_fallback_to_http(true);
    assert_eq!(
        env.proxy_for_scheme("https").map(|(e, v)| (e.masked(), v)),
        Some(("http://h:1".to_string(), "http_proxy"))
    );

    let env = env.with_no_proxy(BypassList::parse("b.example"), "--noproxy");
    let (list, name) = env.no_proxy();
    assert_eq!(name, Some("--noproxy"));
    assert!(list.matches(&url::Url::parse("http://b.example/").expect("url")).is_some());
    assert!(list.matches(&url::Url::parse("http://a.example/").expect("url")).is_none());
}
