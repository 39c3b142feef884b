//! `postie proxy check`: route expectations as a test suite, against every source and
//! bypass form (flags, config file, environment, collection proxy objects), with real
//! probes, JUnit that validates, `--from-report`, and routes asserted from scripts.

mod common;

use std::path::{Path, PathBuf};

use common::{fixture, postie, run, tempdir, write_items};
use postie::testkit::{EchoServer, RecordingProxy, unused_local_port};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// An expectations file of `(url, expect)` cases.
fn cases(dir: &Path, cases: &[(&str, &str)]) -> PathBuf {
    let text: String =
        cases.iter().map(|(url, expect)| format!("[[case]]\nurl = \"{url}\"\nexpect = \"{expect}\"\n\n")).collect();
    write(dir, "routes.toml", &text)
}

struct Setup {
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    config: Option<&'static str>,
    cases: &'static [(&'static str, &'static str)],
}

/// Every source and every bypass form of PROXY.md; each case must pass.
const TABLE: &[Setup] = &[
    Setup {
        args: &["--proxy", "http://u:pw@proxy.corp:3128", "--noproxy", "example.com,.internal,*.svc,10.0.0.0/8"],
        env: &[],
        config: None,
        cases: &[
            ("http://www.EXAMPLE.com./", "direct"),
            ("http://notexample.com/", "proxy:proxy.corp:3128"),
            ("https://a.b.internal/", "direct"),
            ("https://x.svc/", "direct"),
            ("http://10.2.3.4:9/", "direct"),
            ("http://11.2.3.4/", "proxy:http://proxy.corp:3128"),
        ],
    },
    Setup {
        args: &["--proxy", "proxy.corp:3128", "--noproxy", "example.com:443,[::1],10.*,internal-gateway*,<local>"],
        env: &[],
        config: None,
        cases: &[
            ("https://example.com/", "direct"),
            ("https://example.com:8443/", "proxy:*:3128"),
            ("http://[::1]:8080/", "direct"),
            ("http://10.9.9.9/", "direct"),
            ("https://internal-gateway-test.corp.com/", "direct"),
            ("http://intranet/", "direct"),
            ("http://localhost.example/", "proxy"),
        ],
    },
    Setup {
        args: &["--proxy", "http://proxy.corp:3128", "--proxy-scheme", "http"],
        env: &[("HTTPS_PROXY", "http://sys.corp:8080"), ("NO_PROXY", ".corp.example")],
        config: None,
        cases: &[
            ("http://example.com/", "proxy:proxy.corp:3128"),
            ("https://example.com/", "proxy:sys.corp:8080"),
            ("https://api.corp.example/", "direct"),
        ],
    },
    Setup {
        args: &[],
        env: &[
            ("http_proxy", "http://lower:1111"),
            ("HTTP_PROXY", "http://upper:2222"),
            ("no_proxy", "localhost,127.0.0.1"),
        ],
        config: None,
        cases: &[
            ("http://example.com/", "proxy:lower:1111"),
            ("http://127.0.0.1:8080/", "direct"),
            ("https://example.com/", "direct"),
        ],
    },
    Setup {
        args: &[],
        env: &[("ALL_PROXY", "socks5h://socks.corp:1080")],
        config: None,
        cases: &[("https://example.com/", "proxy:socks5h://socks.corp:1080"), ("ftp://example.com/", "direct")],
    },
    Setup {
        args: &["--no-env-proxy"],
        env: &[("HTTPS_PROXY", "http://sys.corp:8080")],
        config: None,
        cases: &[("https://example.com/", "direct")],
    },
    Setup {
        args: &["--no-proxy"],
        env: &[("HTTPS_PROXY", "http://sys.corp:8080")],
        config: Some("[proxy]\nurl = \"http://conf.corp:3128\"\n"),
        cases: &[("https://example.com/", "direct")],
    },
    Setup {
        args: &[],
        env: &[("HTTPS_PROXY", "http://sys.corp:8080")],
        config: Some("[proxy]\nurl = \"http://conf.corp:3128\"\nbypass = [\"*.corp.example\"]\n"),
        cases: &[("https://example.com/", "proxy:conf.corp:3128"), ("https://corp.example/", "direct")],
    },
    Setup {
        args: &["--noproxy", "*"],
        env: &[],
        config: Some("[proxy]\nurl = \"http://conf.corp:3128\"\n"),
        cases: &[("https://example.com/", "direct"), ("http://10.0.0.1/", "direct")],
    },
];

#[test]
fn every_source_and_bypass_form_is_checked_as_run_decides_it() {
    let dir = tempdir();
    for (i, setup) in TABLE.iter().enumerate() {
        let file = cases(dir.path(), setup.cases);
        let mut cmd = postie(dir.path());
        cmd.args(["proxy", "check"]).arg(&file).args(setup.args);
        if let Some(config) = setup.config {
            cmd.arg("--config").arg(write(dir.path(), "postie.toml", config));
        }
        for (k, v) in setup.env {
            cmd.env(k, v);
        }
        let r = run(cmd);
        assert_eq!(r.code, 0, "setup {i}: {}", r.all());
        let n = setup.cases.len();
        assert!(r.stdout.contains(&format!("{n} cases: {n} passed, 0 failed, 0 errors")), "setup {i}: {}", r.stdout);
        assert!(!r.all().contains(":pw@"), "credentials never print: {}", r.all());
    }
}

#[test]
fn a_failing_case_says_what_was_expected_what_came_and_which_rule() {
    let dir = tempdir();
    let file =
        cases(dir.path(), &[("https://api.corp.example/", "proxy"), ("http://example.com/", "proxy:other:3128")]);
    let mut cmd = postie(dir.path());
    cmd.args(["proxy", "check"]).arg(&file).args(["--disable-unicode"]);
    cmd.env("HTTP_PROXY", "http://u:s3cret@sys.corp:8080").env("HTTPS_PROXY", "http://u:s3cret@sys.corp:8080");
    cmd.env("NO_PROXY", ".corp.example");
    let r = run(cmd);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stdout.contains("expected a proxy, got direct (rule: NO_PROXY .corp.example"), "{}", r.stdout);
    assert!(
        r.stdout.contains("expected proxy other:3128, got proxy http://***:***@sys.corp:8080 (rule: HTTP_PROXY"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("2 cases: 0 passed, 2 failed"), "{}", r.stdout);
    assert!(!r.all().contains("s3cret"));
    // -x keeps the exit code at 0
    let mut cmd = postie(dir.path());
    cmd.args(["proxy", "check", "-x"]).arg(&file);
    assert_eq!(run(cmd).code, 0);
}

#[test]
fn collection_proxy_objects_count_with_c() {
    let dir = tempdir();
    let collection = fixture("proxy.postman_collection.json.tmpl");
    let text = std::fs::read_to_string(collection).unwrap().replace("{{proxyPort}}", "3999");
    let collection = write(dir.path(), "c.postman_collection.json", &text);
    // The fixture's request "own proxy object" goes to localhost with a proxy object of its own.
    let explain = {
        let mut cmd = postie(dir.path());
        cmd.args(["proxy", "explain", "-c"]).arg(&collection).args(["--env-var", "port=8080"]);
        run(cmd)
    };
    assert_eq!(explain.code, 0, "{}", explain.all());
    let file = cases(dir.path(), &[("http://localhost:8080/get?via=any-query", "proxy:127.0.0.1:3999")]);
    let mut cmd = postie(dir.path());
    cmd.args(["proxy", "check"]).arg(&file).arg("-c").arg(&collection).args(["--env-var", "port=8080"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}\n--- explain:\n{}", r.all(), explain.stdout);
    assert!(r.stdout.contains("rule: collection proxy"), "{}", r.stdout);
    // without -c the same URL goes direct
    let mut cmd = postie(dir.path());
    cmd.args(["proxy", "check"]).arg(&file);
    assert_eq!(run(cmd).code, 1);
}

#[test]
fn probes_try_each_route_for_real() {
    let api = EchoServer::start_blocking();
    let proxy = RecordingProxy::start_blocking();
    let guarded = RecordingProxy::start_with_auth_blocking("u", "pw");
    let dir = tempdir();
    let target = api.url("/get?probe=1");
    let file = cases(dir.path(), &[(target.as_str(), "proxy")]);
    let probe = |proxy_url: &str| {
        let mut cmd = postie(dir.path());
        cmd.args(["proxy", "check", "--probe", "--timeout-request", "3000", "--disable-unicode"]).arg(&file);
        cmd.args(["--proxy", proxy_url]);
        run(cmd)
    };
    // a working proxy: the HEAD went through it
    let r = probe(&proxy.url());
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stdout.contains("probe: HEAD answered 200"), "{}", r.stdout);
    assert_eq!(proxy.records().iter().filter(|r| r.method == "HEAD").count(), 1, "{:?}", proxy.records());
    // a port that refuses
    let r = probe(&format!("http://127.0.0.1:{}", unused_local_port()));
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stdout.contains("the route does not work: ProxyConnectFailed: cannot connect to proxy"), "{}", r.stdout);
    // a proxy that wants credentials: the clear message a run gives
    let r = probe(&guarded.url());
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stdout.contains("proxy authentication failed at"), "{}", r.stdout);
    let r = probe(&guarded.url().replace("http://", "http://u:pw@"));
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(!r.all().contains(":pw@"));
    // direct: straight to the echo server
    let direct = cases(dir.path(), &[(target.as_str(), "direct")]);
    let mut cmd = postie(dir.path());
    cmd.args(["proxy", "check", "--probe"]).arg(&direct);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(api.requests().iter().filter(|q| q.method == "HEAD").count(), 3, "two via proxies, one direct");
    // without --probe nothing is sent
    let before = api.requests().len();
    let mut cmd = postie(dir.path());
    cmd.args(["proxy", "check"]).arg(&direct);
    assert_eq!(run(cmd).code, 0);
    assert_eq!(api.requests().len(), before);
}

#[test]
fn junit_and_json_reports_of_a_check() {
    let dir = tempdir();
    let file = cases(dir.path(), &[("https://a.example/", "direct"), ("https://b.example/", "proxy")]);
    let mut cmd = postie(dir.path());
    cmd.args(["proxy", "check", "-r", "cli,junit,json", "--reporter-junit-export", "out/r.xml"]).arg(&file);
    cmd.args(["--reporter-json-export", "out/r.json"]);
    let r = run(cmd);
    assert_eq!(r.code, 1, "{}", r.all());
    let xml = std::fs::read_to_string(dir.path().join("out/r.xml")).unwrap();
    assert!(xml.contains(r#"<testsuite name="proxy routes""#) && xml.contains(r#"tests="2" failures="1""#), "{xml}");
    assert!(xml.contains("expected a proxy, got direct"), "{xml}");
    let lint = std::process::Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(fixture("junit.xsd"))
        .arg(dir.path().join("out/r.xml"))
        .output();
    match lint {
        Ok(out) => assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => assert!(std::env::var("CI").is_err(), "xmllint must exist under CI: {e}"),
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/r.json")).unwrap()).unwrap();
    assert_eq!(json["run"]["stats"]["assertions"]["failed"], 1);
    assert_eq!(
        json["run"]["failures"][0]["error"]["message"].as_str().map(|m| m.contains("expected a proxy")),
        Some(true)
    );
}

#[test]
fn bad_expectation_files_exit_2_with_the_place() {
    let dir = tempdir();
    let bad = [
        (
            "[[case]]\nurl = \"http://a/\"\nexepct = \"direct\"\n",
            "routes.toml:3:1: unknown key `exepct`; did you mean `expect`?",
        ),
        ("[[case]]\nurl = \"http://a/\"\nexpect = \"tunnel\"\n", "routes.toml:3:10: expect is \"direct\""),
        ("[[case]]\nurl = \"a b\"\nexpect = \"direct\"\n", "routes.toml:2:7: url \"a b\" is not a valid URL"),
        ("[[case\nurl = 1\n", "routes.toml:1:"),
    ];
    for (text, expected) in bad {
        let file = write(dir.path(), "routes.toml", text);
        let mut cmd = postie(dir.path());
        cmd.args(["proxy", "check"]).arg(&file);
        let r = run(cmd);
        assert_eq!(r.code, 2, "{text:?}: {}", r.all());
        assert!(r.stderr.contains(expected), "{text:?}: {}", r.stderr);
    }
    let mut cmd = postie(dir.path());
    cmd.args(["proxy", "check", "missing.toml"]);
    let r = run(cmd);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("missing.toml"), "{}", r.stderr);
}

/// Scripts assert the route their request took; the run's JSON report is then audited.
#[test]
fn scripts_assert_routes_and_a_run_is_audited_from_its_report() {
    let api = EchoServer::start_blocking();
    let proxy = RecordingProxy::start_blocking();
    let dir = tempdir();
    let test = |expect: &str| {
        format!(
            r#""event":[{{"listen":"test","script":{{"exec":["pm.test('route', () => pm.expect(postie.route.kind).to.equal('{expect}'));","pm.test('postie is there', () => pm.expect(typeof postie).to.equal('object'));"]}}}}]"#
        )
    };
    let by_ip = api.url("/get?via=ip");
    let by_name = format!("http://localhost:{}/get?via=name", api.addr().port());
    let items = [
        format!(r#"{{"name":"by ip",{},"request":"{by_ip}"}}"#, test("proxy")),
        format!(r#"{{"name":"by name",{},"request":"{by_name}"}}"#, test("direct")),
    ];
    let col = write_items(dir.path(), "routes", &items);
    let run_with = |noproxy: &str| {
        let mut cmd = postie(dir.path());
        cmd.arg("run").arg(&col).args(["--proxy", &proxy.url(), "--noproxy", noproxy, "--disable-unicode"]);
        cmd.args(["-r", "cli,json", "--reporter-json-export", "run.json"]);
        run(cmd)
    };
    let r = run_with("localhost");
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stdout.contains(&format!("proxy {}", proxy.url())), "routes table: {}", r.stdout);
    assert!(r.stdout.contains("direct (bypass localhost)"), "routes table: {}", r.stdout);
    let audit = cases(dir.path(), &[(by_ip.as_str(), "proxy:127.0.0.1:*"), (by_name.as_str(), "direct")]);
    let mut cmd = postie(dir.path());
    cmd.args(["proxy", "check", "--from-report", "run.json"]).arg(&audit);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stdout.contains("1 request(s), all direct"), "{}", r.stdout);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("run.json")).unwrap()).unwrap();
    let routes = &report["run"]["stats"]["routes"];
    assert_eq!(routes[0]["requests"], 1, "{routes}");
    assert_eq!(routes[1]["rule"], "bypass localhost", "{routes}");
    // Now both go through the proxy: the script's assertion and the audit fail.
    let r = run_with("example.com");
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stdout.contains("expected 'proxy' to equal 'direct'"), "{}", r.stdout);
    let mut cmd = postie(dir.path());
    cmd.args(["proxy", "check", "--from-report", "run.json"]).arg(&audit);
    let r = run(cmd);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stdout.contains("expected direct, got proxy"), "{}", r.stdout);
    // A report that is not one: exit 2.
    write(dir.path(), "not.json", "{\"run\": 1}");
    let mut cmd = postie(dir.path());
    cmd.args(["proxy", "check", "--from-report", "not.json"]).arg(&audit);
    assert_eq!(run(cmd).code, 2);
}

#[test]
fn the_example_expectations_pass_with_the_readme_flags() {
    let dir = tempdir();
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/routes.toml");
    let mut cmd = postie(dir.path());
    cmd.args(["proxy", "check"]).arg(&example);
    cmd.args(["--proxy", "http://proxy.corp.example:3128", "--noproxy", ".corp.example,.cluster.local"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stdout.contains("4 cases: 4 passed"), "{}", r.stdout);
}
