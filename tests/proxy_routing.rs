//! Every proxy source of DESIGN.md §3, end to end: the real binary, a recording forward
//! proxy and an echo API on loopback; each test asserts which requests passed the proxy.

mod common;

use std::path::{Path, PathBuf};

use common::{fixture, postie, run, tempdir};
use postie::testkit::{EchoServer, RecordingProxy, unused_local_port};

struct Setup {
    api: EchoServer,
    proxy: RecordingProxy,
    dir: tempfile::TempDir,
    collection: PathBuf,
}

fn setup_with(proxy: RecordingProxy) -> Setup {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let text = std::fs::read_to_string(fixture("proxy.postman_collection.json.tmpl"))
        .unwrap()
        .replace("{{proxyPort}}", &proxy.addr().port().to_string());
    let collection = dir.path().join("proxy.postman_collection.json");
    std::fs::write(&collection, text).unwrap();
    Setup { api, proxy, dir, collection }
}

fn setup() -> Setup {
    setup_with(RecordingProxy::start_blocking())
}

impl Setup {
    fn cmd(&self) -> std::process::Command {
        let mut cmd = postie(self.dir.path());
        cmd.arg("run").arg(&self.collection).arg("--env-var").arg(format!("port={}", self.api.addr().port()));
        cmd
    }

    /// The `via=` query of each request the proxy forwarded.
    fn proxied(&self) -> Vec<String> {
        self.proxy.records().iter().filter_map(|r| r.target.split("via=").nth(1).map(str::to_string)).collect()
    }

    fn received(&self) -> usize {
        self.api.requests().len()
    }
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn custom_proxy_flags_with_bypass_and_scheme_selection() {
    let s = setup();
    let cases: Vec<(Vec<String>, Vec<&str>)> = vec![
        (vec!["--proxy".into(), s.proxy.url()], vec!["ip", "name", "ip2", "object"]),
        // the custom proxy applies to the request with its own proxy object too, and its bypass is final
        (vec!["--proxy".into(), s.proxy.url(), "--noproxy".into(), "localhost".into()], vec!["ip", "ip2"]),
        (vec!["--proxy".into(), s.proxy.url(), "--noproxy".into(), "127.0.0.0/8".into()], vec!["name", "object"]),
        // an https-only custom proxy does not apply to http URLs: the next sources decide
        (vec!["--proxy".into(), s.proxy.url(), "--proxy-scheme".into(), "https".into()], vec!["object"]),
        (vec!["--proxy".into(), s.proxy.url(), "--no-proxy".into()], vec![]),
        (vec!["--proxy".into(), s.proxy.url(), "--noproxy".into(), "*".into()], vec![]),
        (vec!["--ignore-collection-proxy".into()], vec![]),
        (vec![], vec!["object"]),
    ];
    for (flags, expected) in cases {
        s.proxy.clear();
        s.api.clear();
        let mut cmd = s.cmd();
        cmd.args(&flags);
        let r = run(cmd);
        assert_eq!(r.code, 0, "{flags:?}\n{}", r.all());
        assert_eq!(s.proxied(), expected, "{flags:?}");
        assert_eq!(s.received(), 4, "every request arrived ({flags:?})");
    }
}

#[test]
fn system_proxy_from_the_environment() {
    let s = setup();
    // (environment, flags, which requests went through the proxy)
    type Case<'a> = (Vec<(&'a str, String)>, Vec<&'a str>, Vec<&'a str>);
    let cases: Vec<Case> = vec![
        (vec![("HTTP_PROXY", s.proxy.url())], vec![], vec!["ip", "name", "ip2", "object"]),
        (vec![("http_proxy", s.proxy.url()), ("NO_PROXY", "localhost".into())], vec![], vec!["ip", "ip2", "object"]),
        (vec![("ALL_PROXY", s.proxy.url())], vec![], vec!["ip", "name", "ip2", "object"]),
        // lower case wins; an empty upper-case value does not hide it
        (vec![("http_proxy", s.proxy.url()), ("HTTP_PROXY", "".into())], vec![], vec!["ip", "name", "ip2", "object"]),
        // httpoxy: upper-case HTTP_PROXY is ignored under CGI
        (vec![("HTTP_PROXY", s.proxy.url()), ("REQUEST_METHOD", "GET".into())], vec![], vec!["object"]),
        (vec![("HTTP_PROXY", s.proxy.url())], vec!["--no-env-proxy"], vec!["object"]),
        (vec![("HTTPS_PROXY", s.proxy.url())], vec![], vec!["object"]),
        // --noproxy without --proxy is the system proxy's bypass list
        (vec![("HTTP_PROXY", s.proxy.url())], vec!["--noproxy", "127.0.0.1"], vec!["name", "object"]),
    ];
    for (env, flags, expected) in cases {
        s.proxy.clear();
        let mut cmd = s.cmd();
        cmd.args(&flags);
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let r = run(cmd);
        assert_eq!(r.code, 0, "{env:?}\n{}", r.all());
        assert_eq!(s.proxied(), expected, "{env:?} {flags:?}");
    }
}

#[test]
fn custom_proxy_wins_over_the_system_proxy() {
    let s = setup();
    let other = RecordingProxy::start_blocking();
    other.allow_no_hits(); // the point: the system proxy is passed over
    let mut cmd = s.cmd();
    cmd.env("HTTP_PROXY", other.url()).arg("--proxy").arg(s.proxy.url());
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(s.proxied().len(), 4);
    assert!(other.records().is_empty(), "the system proxy was not used");
}

#[test]
fn config_file_and_flags_over_it() {
    let s = setup();
    let config = format!("[proxy]\nurl = \"{}\"\nbypass = [\"localhost\"]\n", s.proxy.url());
    std::fs::write(s.dir.path().join("postie.toml"), &config).unwrap();
    let r = run(s.cmd());
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(s.proxied(), ["ip", "ip2"]);
    // --noproxy replaces the file's bypass list, field by field
    s.proxy.clear();
    let mut cmd = s.cmd();
    cmd.args(["--noproxy", "127.0.0.1"]);
    run(cmd);
    assert_eq!(s.proxied(), ["name", "object"]);
    // the user config dir is the fallback, and --config names a file explicitly
    std::fs::remove_file(s.dir.path().join("postie.toml")).unwrap();
    let user = s.dir.path().join(".config/postie");
    std::fs::create_dir_all(&user).unwrap();
    std::fs::write(user.join("config.toml"), &config).unwrap();
    s.proxy.clear();
    run(s.cmd());
    assert_eq!(s.proxied(), ["ip", "ip2"]);
    let explicit = s.dir.path().join("other.toml");
    std::fs::write(&explicit, format!("[proxy]\nurl = \"{}\"\n", s.proxy.url())).unwrap();
    s.proxy.clear();
    let mut cmd = s.cmd();
    cmd.arg("--config").arg(&explicit);
    run(cmd);
    assert_eq!(s.proxied(), ["ip", "name", "ip2", "object"]);
}

#[test]
fn keep_alive_connections_through_the_proxy_are_reused() {
    let s = setup();
    let mut cmd = s.cmd();
    cmd.arg("--proxy").arg(s.proxy.url()).args(["-n", "5"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(s.proxy.records().len(), 20);
    assert!(s.proxy.connections() <= 2, "pooled: {} connections for 20 requests", s.proxy.connections());
}

#[test]
fn proxy_authentication() {
    let s = setup_with(RecordingProxy::start_with_auth_blocking("proxyuser", "s3cret-pw"));
    let url = s.proxy.url();
    let authed = url.replace("http://", "http://proxyuser:s3cret-pw@");
    // (flags, environment, exit code)
    type Case<'a> = (Vec<String>, Vec<(&'a str, &'a str)>, i32);
    let cases: Vec<Case> = vec![
        (vec!["--proxy".into(), url.clone()], vec![], 1),
        (vec!["--proxy".into(), authed.clone()], vec![], 0),
        (vec!["--proxy".into(), url.clone(), "--proxy-user".into(), "proxyuser:s3cret-pw".into()], vec![], 0),
        (
            vec!["--proxy".into(), url.clone(), "--proxy-user".into(), "proxyuser".into()],
            vec![("POSTIE_PROXY_PASSWORD", "s3cret-pw")],
            0,
        ),
        (vec!["--proxy".into(), url.clone(), "--proxy-user".into(), "proxyuser:wrong".into()], vec![], 1),
        // the system proxy borrows --proxy-user when its URL has no credentials
        (vec!["--proxy-user".into(), "proxyuser:s3cret-pw".into()], vec![("HTTP_PROXY", url.as_str())], 0),
    ];
    for (flags, env, code) in cases {
        let mut cmd = s.cmd();
        cmd.args(&flags).args(["--ignore-collection-proxy", "--verbose", "-r", "cli,json,junit"]);
        cmd.args(["--reporter-json-export", "r.json", "--reporter-junit-export", "r.xml"]);
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let r = run(cmd);
        assert_eq!(r.code, code, "{flags:?}\n{}", r.all());
        if code == 1 {
            assert!(r.stdout.contains("proxy authentication failed at http://"), "{}", r.stdout);
        }
        let reports = std::fs::read_to_string(s.dir.path().join("r.json")).unwrap()
            + &std::fs::read_to_string(s.dir.path().join("r.xml")).unwrap();
        for output in [r.all(), reports] {
            assert!(!output.contains("s3cret-pw"), "password leaked ({flags:?}):\n{output}");
            assert!(!output.contains("czNjcmV0LXB3"), "base64 password leaked");
        }
    }
}

#[test]
fn ntlm_proxies_without_credentials_say_what_to_give() {
    let s = setup_with(RecordingProxy::start_with_auth_scheme_blocking("NTLM"));
    s.api.allow_no_hits(); // the proxy refuses everything
    let mut cmd = s.cmd();
    cmd.arg("--proxy").arg(s.proxy.url()).arg("--ignore-collection-proxy");
    let r = run(cmd);
    assert_eq!(r.code, 1);
    assert!(r.stdout.to_lowercase().contains("ntlm") && r.stdout.contains("--proxy-user"), "{}", r.stdout);
    assert!(!r.stdout.contains("cntlm"), "no helper daemon is suggested any more: {}", r.stdout);
}

#[test]
fn unreachable_proxy_is_named() {
    let s = setup();
    let dead = format!("http://user:hunter2@127.0.0.1:{}", unused_local_port());
    // Every request dies at the unreachable proxy.
    s.api.allow_no_hits();
    s.proxy.allow_no_hits();
    let mut cmd = s.cmd();
    cmd.arg("--proxy").arg(&dead).arg("--ignore-collection-proxy");
    let r = run(cmd);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("cannot connect to proxy http://***:***@127.0.0.1:"), "{}", r.stdout);
    assert!(!r.all().contains("hunter2"));
}

#[test]
fn json_report_records_each_route_masked() {
    let s = setup();
    let mut cmd = s.cmd();
    let authed = s.proxy.url().replace("http://", "http://u:topsecret@");
    cmd.args(["--proxy", &authed, "--noproxy", "localhost", "-r", "json", "--reporter-json-export", "out/"]);
    std::fs::create_dir_all(s.dir.path().join("out")).unwrap();
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    let file = std::fs::read_dir(s.dir.path().join("out")).unwrap().next().unwrap().unwrap().path();
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let routes: Vec<&str> =
        report["run"]["executions"].as_array().unwrap().iter().map(|e| e["route"].as_str().unwrap()).collect();
    let masked = format!("proxy {}", s.proxy.url().replace("http://", "http://***:***@"));
    assert_eq!(routes, [masked.as_str(), "direct", masked.as_str(), "direct"]);
}

#[test]
fn explain_shows_route_and_reasons() {
    let s = setup();
    // explain decides routes; it sends nothing.
    s.api.allow_no_hits();
    s.proxy.allow_no_hits();
    let mut cmd = postie(s.dir.path());
    cmd.args([
        "proxy",
        "explain",
        "http://127.0.0.1/x",
        "https://api.corp.example/",
        "--proxy",
        "http://u:pw123@127.0.0.1:3128",
    ]);
    cmd.args(["--noproxy", ".corp.example"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stdout.contains("route:  http://***:***@127.0.0.1:3128"), "{}", r.stdout);
    assert!(r.stdout.contains("loopback"), "warns that a loopback target is proxied: {}", r.stdout);
    assert!(r.stdout.contains("route:  direct") && r.stdout.contains(".corp.example"), "{}", r.stdout);
    assert!(!r.stdout.contains("pw123"));
    // -c explains every request of a collection after variables are resolved
    let mut cmd = postie(s.dir.path());
    cmd.args(["proxy", "explain", "-c", path_str(&s.collection), "--env-var", "port=8080", "--noproxy", "localhost"]);
    cmd.args(["--proxy", "http://127.0.0.1:3128"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stdout.contains("by name — GET http://localhost:8080/get?via=name"), "{}", r.stdout);
    assert_eq!(r.stdout.matches("route:  direct").count(), 2, "{}", r.stdout);
}

#[test]
fn socks5_and_socks5h_proxies() {
    let s = setup();
    let socks = postie::testkit::SocksProxy::start_blocking().unwrap();
    s.proxy.allow_no_hits(); // everything goes through the SOCKS proxy
    let port = s.api.addr().port();
    for (scheme, expected_by_name) in [("socks5", "127.0.0.1"), ("socks5h", "localhost")] {
        let mut cmd = s.cmd();
        cmd.args(["--ignore-collection-proxy", "--proxy", &format!("{scheme}://127.0.0.1:{}", socks.port())]);
        let r = run(cmd);
        assert_eq!(r.code, 0, "{scheme}: {}", r.all());
        // socks5 resolves names locally; socks5h hands the name to the proxy
        assert!(socks.targets().contains(&format!("{expected_by_name}:{port}")), "{scheme}: {:?}", socks.targets());
    }
    assert!(s.proxied().is_empty(), "the http proxy was not involved");
}

/// A request's own proxy object may carry basic credentials (`authenticate`, `username`,
/// `password`, as Postman writes them); they are sent to that proxy and never shown.
#[test]
fn collection_proxy_objects_with_credentials() {
    let s = setup_with(RecordingProxy::start_with_auth_blocking("coll-user", "c0ll-s3cret"));
    let text = std::fs::read_to_string(&s.collection).unwrap();
    for (password, code) in [("c0ll-s3cret", 0), ("wr0ng-pw", 1)] {
        let with_auth = text.replace(
            r#""disabled": false }"#,
            &format!(
                r#""disabled": false, "authenticate": true, "username": "coll-user", "password": "{password}" }}"#
            ),
        );
        std::fs::write(&s.collection, with_auth).unwrap();
        s.proxy.clear();
        let mut cmd = s.cmd();
        cmd.args(["-r", "cli,json", "--reporter-json-export", "r.json", "--verbose"]);
        let r = run(cmd);
        assert_eq!(r.code, code, "{}", r.all());
        let report = std::fs::read_to_string(s.dir.path().join("r.json")).unwrap();
        if code == 0 {
            assert_eq!(s.proxied(), vec!["object"]);
        } else {
            assert!(r.stdout.contains("proxy authentication failed at http://***:***@127.0.0.1"), "{}", r.stdout);
        }
        for output in [r.all(), report] {
            assert!(!output.contains(password), "password leaked:\n{output}");
        }
    }
}
