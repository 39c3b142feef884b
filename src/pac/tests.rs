//! PAC files × URLs, through the policy's `explain` as `postie proxy explain` shows them:
//! every helper, the https stripping, failover lists, DIRECT, bypass on top, and each way
//! a PAC can be bad.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::*;
use crate::proxy::{BypassList, ProxyPolicy, Route, Source};

/// Sunday 2026-12-06 13:30:15 UTC, so the date helpers give fixed answers.
const NOW_MS: f64 = 1_796_563_815_000.0;

fn limits() -> PacLimits {
    PacLimits { timeout: Duration::from_millis(300), memory_bytes: 8 * 1024 * 1024, now_ms: Some(NOW_MS) }
}

fn pac(body: &str) -> Result<Pac, PacError> {
    Pac::from_source(body.to_string(), "test.pac".into(), limits(), no_alerts())
}

fn answer(p: &Pac, url: &str) -> Result<String, String> {
    p.find(&url::Url::parse(url).unwrap()).map(|a| a.returned)
}

#[test]
fn every_helper_answers_as_in_browsers() {
    let rows: &[(&str, &str, &str)] = &[
        ("isPlainHostName(host)", "http://intranet/x", "true"),
        ("isPlainHostName(host)", "http://a.b/x", "false"),
        ("dnsDomainIs(host, '.corp.example')", "http://www.corp.example/", "true"),
        ("dnsDomainIs(host, '.corp.example')", "http://www.example/", "false"),
        ("localHostOrDomainIs(host, 'www.corp.example')", "http://www/", "true"),
        ("localHostOrDomainIs(host, 'www.corp.example')", "http://www.corp.example/", "true"),
        ("localHostOrDomainIs(host, 'www.corp.example')", "http://www.other.example/", "false"),
        ("dnsDomainLevels(host)", "http://a.b.c/", "2"),
        ("dnsDomainLevels(host)", "http://a/", "0"),
        ("shExpMatch(url, '*.corp.example/*')", "http://www.corp.example/p", "true"),
        ("shExpMatch(host, 'a?c')", "http://abc/", "true"),
        ("shExpMatch(host, 'a?c')", "http://abbc/", "false"),
        ("shExpMatch(host, 'a.c')", "http://abc/", "false"),
        ("isResolvable(host)", "http://localhost/", "true"),
        ("isResolvable(host)", "http://no-such-host.invalid/", "false"),
        ("dnsResolve(host)", "http://localhost/", "127.0.0.1"),
        ("dnsResolve(host)", "http://no-such-host.invalid/", "null"),
        ("dnsResolveEx('10.0.0.1')", "http://a/", "10.0.0.1"),
        ("isResolvableEx('::1')", "http://a/", "true"),
        ("isInNet(host, '10.0.0.0', '255.0.0.0')", "http://10.20.30.40/", "true"),
        ("isInNet(host, '10.0.0.0', '255.0.0.0')", "http://11.20.30.40/", "false"),
        ("isInNet(host, '127.0.0.0', '255.0.0.0')", "http://localhost/", "true"),
        ("isInNet(host, '192.168.0.0', '255.255.0.0')", "http://no-such-host.invalid/", "false"),
        ("isInNet('200.1.1.1', '200.0.0.0', '255.0.0.0')", "http://a/", "true"),
        ("convert_addr('104.16.41.2')", "http://a/", "1745889538"),
        ("isInNetEx('10.1.2.3', '10.0.0.0/8')", "http://a/", "true"),
        ("isInNetEx('10.1.2.3', '10.0.0.0/16')", "http://a/", "false"),
        ("isInNetEx('2001:db8::1', '2001:db8::/32')", "http://a/", "true"),
        ("isInNetEx('2001:db9::1', '2001:db8::/32')", "http://a/", "false"),
        ("isInNetEx('::ffff:10.0.0.1', '::ffff:10.0.0.0/104')", "http://a/", "true"),
        (
            "sortIpAddressList('10.2.3.9;2001:4898:28:3:201:2ff:feea:fc14;::1;127.0.0.1;::9')",
            "http://a/",
            "::1;::9;2001:4898:28:3:201:2ff:feea:fc14;10.2.3.9;127.0.0.1",
        ),
        ("sortIpAddressList('x;1.2.3.4')", "http://a/", ""),
        ("getClientVersion()", "http://a/", "1.0"),
        ("myIpAddress().split('.').length", "http://a/", "4"),
        ("myIpAddressEx().length > 0", "http://a/", "true"),
        // Sunday 13:30:15 UTC
        ("weekdayRange('SUN', 'GMT')", "http://a/", "true"),
        ("weekdayRange('MON', 'FRI', 'GMT')", "http://a/", "false"),
        ("weekdayRange('SAT', 'MON', 'GMT')", "http://a/", "true"),
        ("timeRange(13, 'GMT')", "http://a/", "true"),
        ("timeRange(9, 17, 'GMT')", "http://a/", "true"),
        ("timeRange(14, 17, 'GMT')", "http://a/", "false"),
        ("timeRange(13, 0, 13, 31, 'GMT')", "http://a/", "true"),
        ("timeRange(13, 30, 0, 13, 30, 10, 'GMT')", "http://a/", "false"),
        ("dateRange('DEC', 'GMT')", "http://a/", "true"),
        ("dateRange(1, 5, 'GMT')", "http://a/", "false"),
        ("dateRange('NOV', 'JAN', 'GMT')", "http://a/", "true"),
        ("dateRange(2026, 'GMT')", "http://a/", "true"),
        ("dateRange(1, 'DEC', 2026, 31, 'DEC', 2026, 'GMT')", "http://a/", "true"),
        ("dateRange(1, 'JAN', 2027, 31, 'JAN', 2027, 'GMT')", "http://a/", "false"),
        // what the script is shown
        ("url", "https://api.corp.example/secret/path?token=1", "https://api.corp.example/"),
        ("url", "https://api.corp.example:8443/p?q", "https://api.corp.example:8443/"),
        ("url", "http://u:p@api.corp.example/p?q=1#frag", "http://api.corp.example/p?q=1"),
        ("host", "http://[::1]:8080/", "::1"),
        ("host", "http://API.Corp.Example/", "api.corp.example"),
    ];
    for (expr, url, expected) in rows {
        // Each helper's value leaves through `alert`, so the return value stays a valid
        // PAC result.
        let seen = Arc::new(Mutex::new(Vec::<String>::new()));
        let sink = seen.clone();
        let alerts: AlertSink = Arc::new(move |m: &str| sink.lock().unwrap().push(m.to_string()));
        let body = format!("function FindProxyForURL(url, host) {{ alert(String({expr})); return 'DIRECT'; }}");
        let p = Pac::from_source(body, "helpers.pac".into(), limits(), alerts).unwrap();
        answer(&p, url).unwrap_or_else(|e| panic!("{expr} on {url}: {e}"));
        assert_eq!(seen.lock().unwrap().as_slice(), [expected.to_string()], "{expr} on {url}");
    }
}

fn policy_with(p: Pac) -> ProxyPolicy {
    ProxyPolicy { pac: Some(Arc::new(p)), ..ProxyPolicy::default() }
}

const CORP: &str = r#"
function FindProxyForURL(url, host) {
  if (isPlainHostName(host) || dnsDomainIs(host, ".intranet.example")) return "DIRECT";
  if (shExpMatch(host, "*.partner.example")) return "PROXY a.proxy:3128; PROXY b.proxy:3128; DIRECT";
  if (url.substring(0, 6) == "https:") return "HTTPS secure.proxy:443";
  if (shExpMatch(url, "*/socks/*")) return "SOCKS5 socks.proxy:1080";
  return "PROXY a.proxy:3128";
}
"#;

#[test]
fn explain_shows_the_pac_answer_its_list_and_the_entry_used() {
    let policy = policy_with(pac(CORP).unwrap());
    let rows: &[(&str, &str, &[&str], &[&str])] = &[
        ("http://wiki/", "direct", &[], &["returned `DIRECT`", "uses entry 1: direct"]),
        ("http://x.intranet.example/", "direct", &[], &["returned `DIRECT`"]),
        (
            "http://api.partner.example/v1",
            "http://a.proxy:3128",
            &["http://b.proxy:3128", "direct"],
            &[
                "parsed into 3 entries: 1. http://a.proxy:3128, 2. http://b.proxy:3128, 3. direct",
                "then http://b.proxy:3128, then direct",
            ],
        ),
        (
            "https://api.example/",
            "https://secure.proxy:443",
            &[],
            &["returned `HTTPS secure.proxy:443`", "CONNECT api.example:443"],
        ),
        ("http://api.example/socks/1", "socks5h://socks.proxy:1080", &[], &["SOCKS proxy resolves api.example"]),
        ("http://other.example/", "http://a.proxy:3128", &[], &["absolute-form"]),
    ];
    for (url, route, fallbacks, reasons) in rows {
        let d = policy.explain(&url::Url::parse(url).unwrap(), None);
        assert_eq!(d.route.to_string(), *route, "{url}: {d}");
        assert_eq!(d.source, Source::Pac, "{url}");
        let shown: Vec<String> = d.fallbacks.iter().map(|r| r.to_string()).collect();
        assert_eq!(shown, *fallbacks, "{url}");
        for r in *reasons {
            assert!(d.reasons.iter().any(|x| x.contains(r)), "{url}: `{r}` not in {:#?}", d.reasons);
        }
        assert_eq!(policy.route(&url::Url::parse(url).unwrap(), None), d.route, "{url}");
    }
}

#[test]
fn precedence_custom_first_then_pac_then_system_and_bypass_on_top() {
    let env = crate::proxy::EnvProxy::from_lookup(&|k: &str| match k {
        "HTTP_PROXY" => Some("http://sys.proxy:8080".to_string()),
        "NO_PROXY" => Some(".internal.example".to_string()),
        _ => None,
    })
    .unwrap()
    .0;
    let mut policy = policy_with(pac("function FindProxyForURL(u, h) { return 'PROXY pac.proxy:1'; }").unwrap());
    policy.system = Some(env);
    let route = |p: &ProxyPolicy, url: &str| p.route(&url::Url::parse(url).unwrap(), None).to_string();
    assert_eq!(route(&policy, "http://api.example/"), "http://pac.proxy:1");
    assert_eq!(route(&policy, "http://db.internal.example/"), "direct", "NO_PROXY applies on top of the PAC");
    policy.bypass = Some((BypassList::parse("api.example"), "--noproxy".into()));
    let d = policy.explain(&url::Url::parse("http://api.example/").unwrap(), None);
    assert_eq!(d.route, Route::Direct);
    assert!(d.reasons.iter().any(|r| r.contains("--noproxy matches")), "{d}");
    let (custom, _) = crate::proxy::ProxyEndpoint::parse("http://custom:9", "--proxy").unwrap();
    policy.custom = Some(crate::proxy::CustomProxy {
        endpoint: custom,
        schemes: Default::default(),
        bypass: BypassList::default(),
    });
    assert_eq!(route(&policy, "http://other.example/"), "http://custom:9", "an explicit proxy wins");
    policy.custom = None;
    policy.force_direct = true;
    assert_eq!(route(&policy, "http://other.example/"), "direct", "--no-proxy still wins");
}

#[test]
fn answers_are_cached_per_what_the_script_sees() {
    let p = pac("var n = 0; function FindProxyForURL(u, h) { n++; return 'PROXY p' + n + ':1'; }").unwrap();
    assert_eq!(answer(&p, "https://a/1").unwrap(), "PROXY p1:1");
    assert_eq!(answer(&p, "https://a/2?x").unwrap(), "PROXY p1:1", "https: per scheme, host and port");
    assert_eq!(answer(&p, "https://a:8443/").unwrap(), "PROXY p2:1");
    assert_eq!(answer(&p, "http://a/1").unwrap(), "PROXY p3:1");
    assert_eq!(answer(&p, "http://a/1").unwrap(), "PROXY p3:1");
    assert_eq!(answer(&p, "http://a/2").unwrap(), "PROXY p4:1", "http: the script sees the path");
}

#[test]
fn bad_pac_files_are_named_with_the_place_and_the_fix() {
    let load_errors: &[(&str, &str)] = &[
        ("function FindProxyForURL(url, host) {\n  return 'DIRECT'\n  if (\n}", "test.pac:4"),
        ("var x = ;", "SyntaxError"),
        ("function Find(url, host) { return 'DIRECT'; }", "defines no function FindProxyForURL"),
        ("throw new Error('boom');", "Error: boom"),
        ("while (true) {}", "did not finish loading within 300 ms"),
    ];
    for (body, expected) in load_errors {
        let err = pac(body).err().unwrap_or_else(|| panic!("{body} loaded")).to_string();
        assert!(err.contains(expected) && err.contains("test.pac"), "{body}: {err}");
    }
    let call_errors: &[(&str, &str)] = &[
        ("function FindProxyForURL(u, h) { return null; }", "returned null, not a string"),
        ("function FindProxyForURL(u, h) { return 42; }", "returned a number, not a string"),
        ("function FindProxyForURL(u, h) { return undefined; }", "returned undefined"),
        ("function FindProxyForURL(u, h) { return 'PROXY'; }", "returned `PROXY`: entry 1 `PROXY` names no usable"),
        ("function FindProxyForURL(u, h) { return 'PROXY a:99999'; }", "names no usable"),
        ("function FindProxyForURL(u, h) { return 'GOPHER g:70'; }", "is not understood"),
        ("function FindProxyForURL(u, h) { return ''; }", "empty string"),
        ("function FindProxyForURL(u, h) {\n  null.x;\n}", "TypeError"),
        ("function FindProxyForURL(u, h) { while (true) {} }", "did not finish within 300 ms"),
        (
            "function FindProxyForURL(u, h) { var a = []; while (true) a.push(new Array(1e5).fill(1)); }",
            "out of memory",
        ),
        ("function FindProxyForURL(u, h) { throw 'nope'; }", "threw nope"),
    ];
    for (body, expected) in call_errors {
        let p = pac(body).unwrap_or_else(|e| panic!("{body}: {e}"));
        let err = p.check(&url::Url::parse("http://api.example/x").unwrap()).err().unwrap().to_string();
        assert!(err.contains(expected) && err.contains("test.pac"), "{body}: {err}");
        // The engine stays usable after a timeout or out-of-memory.
        let err2 = p.check(&url::Url::parse("http://other.example/").unwrap()).err().unwrap().to_string();
        assert!(err2.contains(expected), "second call: {err2}");
    }
    let policy = policy_with(pac("function FindProxyForURL(u, h) { return 42; }").unwrap());
    let d = policy.explain(&url::Url::parse("http://api.example/").unwrap(), None);
    assert!(matches!(d.rule, crate::proxy::Rule::PacFailed(_)), "{d}");
    assert!(d.warnings.iter().any(|w| w.contains("not a string")), "{d}");
}

#[test]
fn the_ex_entry_point_wins_and_the_script_sees_no_sandbox() {
    let p = pac("function FindProxyForURL(u, h) { return 'DIRECT'; }\nfunction FindProxyForURLEx(u, h) { return 'PROXY ex:1'; }")
        .unwrap();
    assert_eq!(answer(&p, "http://a/").unwrap(), "PROXY ex:1");
    let p =
        pac("function FindProxyForURL(u, h) { return typeof pm + typeof require + typeof __pac + typeof setTimeout; }")
            .unwrap();
    let err = p.check(&url::Url::parse("http://a/").unwrap()).err().unwrap().to_string();
    assert!(err.contains("`undefinedundefinedundefinedundefined`"), "{err}");
}

#[test]
fn sources_parse_paths_and_urls() {
    assert_eq!(PacSource::parse("proxy.pac").unwrap(), PacSource::Path("proxy.pac".into()));
    assert_eq!(PacSource::parse("file:///etc/proxy.pac").unwrap(), PacSource::Path("/etc/proxy.pac".into()));
    assert!(matches!(PacSource::parse("http://wpad/wpad.dat").unwrap(), PacSource::Url(_)));
    let missing = Pac::load(&PacSource::Path("/no/such.pac".into()), &FetchTls::default(), limits(), no_alerts());
    let err = missing.err().unwrap().to_string();
    assert!(err.contains("/no/such.pac") && err.contains("--proxy-pac"), "{err}");
}
