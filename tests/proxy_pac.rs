//! PAC files end to end: the real binary, two local proxies and the echo API. The PAC
//! sends some hosts to proxy A, others to a dead proxy then B, others DIRECT; the proxies
//! record what went where. PAC by path, `file://` and http URL; every bad PAC exits 2
//! before any request.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;

use common::{certs, postie, run, tempdir, write_items};
use postie::testkit::{EchoServer, StandIn};

fn standin() -> StandIn {
    let ca = certs::TestCa::new("postie pac test");
    let leaf = ca.leaf(&["secure.b.example"]);
    StandIn::start_blocking(&leaf.cert_pem, &leaf.key_pem).expect("stand-in proxy starts")
}

fn port_of(url: &str) -> u16 {
    url.rsplit(':').next().and_then(|p| p.trim_end_matches('/').parse().ok()).expect("a port")
}

/// A loopback port nothing listens on.
fn dead_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn item(name: &str, url: &str) -> String {
    format!(
        r#"{{"name":"{name}","request":{{"method":"GET","url":"{url}"}},"event":[{{"listen":"test","script":{{"exec":["pm.test('200', () => pm.response.to.have.status(200));"]}}}}]}}"#
    )
}

fn report(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("out.json")).unwrap()).unwrap()
}

#[test]
fn pac_sends_hosts_to_their_proxies_fails_over_and_goes_direct() {
    let echo = EchoServer::start_blocking();
    let (a, b) = (standin(), standin());
    let (pa, pb, dead) = (port_of(&a.url()), port_of(&b.url()), dead_port());
    let dir = tempdir();
    let pac = format!(
        r#"function FindProxyForURL(url, host) {{
  if (host == "127.0.0.1") return "DIRECT";
  if (dnsDomainIs(host, ".a.example")) return "PROXY 127.0.0.1:{pa}";
  if (dnsDomainIs(host, ".b.example")) return "PROXY 127.0.0.1:{dead}; PROXY 127.0.0.1:{pb}; DIRECT";
  return "PROXY 127.0.0.1:{dead}";
}}"#
    );
    std::fs::write(dir.path().join("corp.pac"), pac).unwrap();
    let items = [
        item("via A", "http://api.a.example/one"),
        item("B after the dead proxy", "http://api.b.example/two"),
        item("B, dead proxy remembered", "http://other.b.example/three"),
        item("B over CONNECT", "https://secure.b.example/four"),
        item("direct", &echo.url("/get")),
    ];
    let collection = write_items(dir.path(), "pac", &items);
    let mut cmd = postie(dir.path());
    cmd.args(["run", collection.to_str().unwrap(), "--proxy-pac", "corp.pac", "-k", "-r", "json"])
        .args(["--reporter-json-export", "out.json"]);
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}", out.all());

    let urls = |s: &StandIn| s.records().into_iter().map(|r| r.url).collect::<Vec<_>>();
    assert_eq!(urls(&a), ["http://api.a.example/one"]);
    let mut via_b = urls(&b);
    via_b.sort();
    assert_eq!(
        via_b,
        ["http://api.b.example/two", "http://other.b.example/three", "https://secure.b.example:443/four"]
    );
    assert_eq!(echo.requests().len(), 1, "only the DIRECT request reaches the echo server itself");

    let report = report(dir.path());
    let executions = report["run"]["executions"].as_array().unwrap();
    let routes: Vec<(&str, &str)> =
        executions.iter().map(|e| (e["route"].as_str().unwrap_or(""), e["routeRule"].as_str().unwrap_or(""))).collect();
    let via = |p: u16| format!("proxy http://127.0.0.1:{p}");
    let rule = |p: u16| format!("PAC http://127.0.0.1:{p}");
    assert_eq!(routes[0], (via(pa).as_str(), rule(pa).as_str()));
    assert_eq!(routes[1], (via(pb).as_str(), rule(pb).as_str()), "the entry that carried the request");
    assert_eq!(routes[2], (via(pb).as_str(), rule(pb).as_str()));
    assert_eq!(routes[3], (via(pb).as_str(), rule(pb).as_str()));
    assert_eq!(routes[4], ("direct", "PAC direct"));
    // The failover is said once: later requests skip the dead proxy from the start.
    let warned: Vec<&serde_json::Value> = executions
        .iter()
        .filter(|e| {
            let text = e.to_string();
            text.contains(&format!("127.0.0.1:{dead}"))
                && text.contains(&format!("trying the next PAC entry, http://127.0.0.1:{pb}"))
        })
        .collect();
    assert_eq!(warned.len(), 1, "one failover warning: {executions:#?}");
}

/// Serves `body` to every request on a loopback port, for the PAC-by-URL case.
fn serve_once_per_request(body: String) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/x-ns-proxy-autoconfig\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
    });
    port
}

#[test]
fn pac_by_file_url_and_by_http_url() {
    let echo = EchoServer::start_blocking();
    let proxy = standin();
    let pp = port_of(&proxy.url());
    let dir = tempdir();
    let pac = format!(
        r#"function FindProxyForURL(url, host) {{ return host == "127.0.0.1" ? "DIRECT" : "PROXY 127.0.0.1:{pp}"; }}"#
    );
    let path = dir.path().join("wpad.dat");
    std::fs::write(&path, &pac).unwrap();
    let served = serve_once_per_request(pac);
    let items = [item("proxied", "http://api.corp.example/x"), item("direct", &echo.url("/get"))];
    let collection = write_items(dir.path(), "pac", &items);
    let file_url = format!("file://{}", path.display());
    let http_url = format!("http://127.0.0.1:{served}/wpad.dat");
    for source in [file_url.as_str(), http_url.as_str()] {
        proxy.clear();
        let mut cmd = postie(dir.path());
        cmd.args(["run", collection.to_str().unwrap(), "--proxy-pac", source]);
        let out = run(cmd);
        assert_eq!(out.code, 0, "{source}: {}", out.all());
        let seen: Vec<String> = proxy.records().into_iter().map(|r| r.url).collect();
        assert_eq!(seen, ["http://api.corp.example/x"], "{source}");
    }
    // Through the config file too.
    proxy.clear();
    std::fs::write(dir.path().join("postie.toml"), format!("[proxy]\npac = \"{file_url}\"\n")).unwrap();
    let mut cmd = postie(dir.path());
    cmd.args(["run", collection.to_str().unwrap()]);
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(proxy.records().len(), 1);
}

#[test]
fn a_bad_pac_stops_the_run_before_any_request_with_exit_2() {
    let echo = EchoServer::start_blocking();
    echo.allow_no_hits();
    let dir = tempdir();
    let collection = write_items(dir.path(), "pac", &[item("one", &echo.url("/get"))]);
    let closed = dead_port();
    let cases: Vec<(&str, String, &str)> = vec![
        ("syntax error", "function FindProxyForURL(url, host) {\n  return 'DIRECT'\n  if (\n}".into(), "bad.pac:4"),
        ("no entry point", "function Find(u, h) { return 'DIRECT'; }".into(), "defines no function FindProxyForURL"),
        ("throws", "function FindProxyForURL(u, h) { throw new Error('no route'); }".into(), "threw Error: no route"),
        ("not a string", "function FindProxyForURL(u, h) { return 3; }".into(), "returned a number, not a string"),
        (
            "unparseable",
            "function FindProxyForURL(u, h) { return 'PROXY nowhere:port'; }".into(),
            "names no usable host:port",
        ),
        ("endless loop", "function FindProxyForURL(u, h) { for (;;) {} }".into(), "did not finish within"),
    ];
    for (name, body, expected) in cases {
        std::fs::write(dir.path().join("bad.pac"), body).unwrap();
        let mut cmd = postie(dir.path());
        cmd.args(["run", collection.to_str().unwrap(), "--proxy-pac", "bad.pac"]);
        let out = run(cmd);
        assert_eq!(out.code, 2, "{name}: {}", out.all());
        assert!(out.stderr.contains(expected) && out.stderr.contains("bad.pac"), "{name}: {}", out.stderr);
    }
    let missing: [(&str, String, &str); 2] = [
        ("unreadable", "missing.pac".into(), "cannot be read"),
        ("unfetchable", format!("http://127.0.0.1:{closed}/proxy.pac"), "cannot be fetched"),
    ];
    for (name, source, expected) in missing {
        let mut cmd = postie(dir.path());
        cmd.args(["run", collection.to_str().unwrap(), "--proxy-pac", &source]);
        let out = run(cmd);
        assert_eq!(out.code, 2, "{name}: {}", out.all());
        assert!(out.stderr.contains(expected), "{name}: {}", out.stderr);
    }
    assert!(echo.requests().is_empty(), "no request was sent");
}

#[test]
fn explain_prints_the_pac_chain_and_json() {
    let dir = tempdir();
    std::fs::write(
        dir.path().join("p.pac"),
        "function FindProxyForURL(u, h) { return 'PROXY a.corp:3128; SOCKS5 s.corp:1080; DIRECT'; }",
    )
    .unwrap();
    let mut cmd = postie(dir.path());
    cmd.args(["proxy", "explain", "--proxy-pac", "p.pac", "--noproxy", "skip.example"])
        .args(["https://api.example/secret?q=1", "http://skip.example/"]);
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}", out.all());
    for expected in [
        "FindProxyForURL(\"https://api.example/\", \"api.example\") returned `PROXY a.corp:3128; SOCKS5 s.corp:1080; DIRECT`",
        "parsed into 3 entries: 1. http://a.corp:3128, 2. socks5h://s.corp:1080, 3. direct",
        "then:   socks5h://s.corp:1080, direct",
        "--noproxy matches with entry `skip.example`",
    ] {
        assert!(out.stdout.contains(expected), "`{expected}` in {}", out.stdout);
    }
    let mut cmd = postie(dir.path());
    cmd.args(["proxy", "explain", "--json", "--proxy-pac", "p.pac", "http://api.example/"]);
    let out = run(cmd);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    assert_eq!(json[0]["route"]["proxy"], "http://a.corp:3128");
    assert_eq!(json[0]["pac"]["returned"], "PROXY a.corp:3128; SOCKS5 s.corp:1080; DIRECT");
    assert_eq!(json[0]["fallbacks"].as_array().unwrap().len(), 2);
    assert_eq!(json[0]["rule"], "PAC http://a.corp:3128");
}
