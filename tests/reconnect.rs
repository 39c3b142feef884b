//! Keep-alive connections the other side closed without warning never cost a request: a
//! request that failed on a reused connection before any response arrived is re-sent once
//! on a new connection (and recorded as such); one whose response had started is not.
//! Against a real tinyproxy (which closes after every response) and the testkit's
//! `ClosingServer`; every server counts what it received, so a duplicate would show.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use common::certs::TestCa;
use common::{RunResult, postie, run, tempdir, tinyproxy, write_items};
use postie::testkit::{CloseMode, ClosingServer, EchoServer, TlsFront, TlsServer};
use serde_json::Value;

/// `n` GETs of `base` + `?id=i` (or `&id=i`), each with one status assertion.
fn gets(dir: &Path, base: &str, n: usize) -> PathBuf {
    let sep = if base.contains('?') { '&' } else { '?' };
    let items: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"name":"r{i}","request":"{base}{sep}id={i}","event":[{{"listen":"test","script":{{"exec":["pm.test('ok', () => pm.response.to.have.status(200));"]}}}}]}}"#
            )
        })
        .collect();
    write_items(dir, "gets", &items)
}

fn run_with(dir: &Path, collection: &Path, args: &[&str]) -> (RunResult, Value) {
    let report = dir.join("report.json");
    let mut cmd = postie(dir);
    cmd.arg("run").arg(collection).args(["-r", "cli,json", "--reporter-json-export"]).arg(&report).args(args);
    let r = run(cmd);
    let json = std::fs::read_to_string(&report).map(|t| serde_json::from_str(&t).unwrap()).unwrap_or(Value::Null);
    (r, json)
}

fn failed_requests(report: &Value) -> u64 {
    report["run"]["stats"]["requests"]["failed"].as_u64().unwrap()
}

fn reconnected(report: &Value) -> usize {
    report["run"]["executions"].as_array().unwrap().iter().filter(|e| e["reconnected"] == true).count()
}

/// How often each `id=` query value reached the server.
fn ids_seen<'a>(targets: impl Iterator<Item = &'a str>) -> HashMap<usize, usize> {
    let mut seen = HashMap::new();
    for t in targets {
        if let Some(id) = t.split(['?', '&']).find_map(|p| p.strip_prefix("id=")) {
            *seen.entry(id.parse::<usize>().unwrap()).or_insert(0) += 1;
        }
    }
    seen
}

fn assert_each_once(seen: &HashMap<usize, usize>, n: usize, what: &str) {
    assert_eq!(seen.len(), n, "{what}: distinct requests that reached the server");
    let dup: Vec<_> = seen.iter().filter(|(_, c)| **c != 1).collect();
    assert!(dup.is_empty(), "{what}: requests seen more than once: {dup:?}");
}

const N: usize = 5000;

#[test]
fn plain_http_through_tinyproxy_loses_nothing() {
    let Some(tp) = tinyproxy::start(None) else { return };
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let col = gets(dir.path(), &api.url("/get"), N);
    for jobs in [&[][..], &["--jobs", "8", "--parallel", "request"][..]] {
        api.clear();
        let mut args = vec!["--proxy", tp.url().leak()];
        args.extend_from_slice(jobs);
        let (r, report) = run_with(dir.path(), &col, &args);
        assert_eq!(r.code, 0, "{jobs:?}: {}", r.stderr);
        assert_eq!(failed_requests(&report), 0, "{jobs:?}");
        let requests = api.requests();
        let targets: Vec<String> = requests.iter().map(|q| format!("/get?{}", q.query)).collect();
        assert_each_once(&ids_seen(targets.iter().map(String::as_str)), N, &format!("http {jobs:?}"));
    }
}

#[test]
fn https_through_tinyproxy_connect_loses_nothing() {
    let Some(tp) = tinyproxy::start(None) else { return };
    let ca = TestCa::new("postie test CA");
    let leaf = ca.leaf(&["localhost"]);
    let server = TlsServer::start_blocking(&leaf.cert_pem, &leaf.key_pem, None).unwrap();
    let dir = tempdir();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    let col = gets(dir.path(), &server.url("/get"), N);
    let mut before = 0;
    for jobs in [&[][..], &["--jobs", "8", "--parallel", "request"][..]] {
        let mut args = vec!["--proxy", tp.url().leak(), "--ssl-extra-ca-certs", ca_file.to_str().unwrap()];
        args.extend_from_slice(jobs);
        let (r, report) = run_with(dir.path(), &col, &args);
        assert_eq!(r.code, 0, "{jobs:?}: {}", r.stderr);
        assert_eq!(failed_requests(&report), 0, "{jobs:?}");
        let records = server.records();
        let seen = ids_seen(records[before..].iter().map(|r| r.path.as_str()));
        assert_each_once(&seen, N, &format!("https {jobs:?}"));
        before = records.len();
    }
}

#[test]
fn a_server_that_closes_after_every_response_loses_nothing() {
    let server = ClosingServer::start_blocking(CloseMode::AfterEachResponse);
    let dir = tempdir();
    let col = gets(dir.path(), &server.url("/get"), 500);
    let (r, report) = run_with(dir.path(), &col, &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(failed_requests(&report), 0);
    let answered = server.answered();
    assert_each_once(&ids_seen(answered.iter().map(|r| r.target.as_str())), 500, "closing server");
    // A request written into a closed connection was never read there: nothing is read twice.
    assert_eq!(server.records().len(), 500, "re-sends: {}", reconnected(&report));
}

#[test]
fn a_request_raced_by_the_close_is_resent_once_and_recorded() {
    // Every third request on a connection is read and dropped: the close raced the request.
    let server = ClosingServer::start_blocking(CloseMode::DropAfter(2));
    let dir = tempdir();
    let col = gets(dir.path(), &server.url("/get"), 12);
    let (r, report) = run_with(dir.path(), &col, &["--verbose"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(failed_requests(&report), 0);
    let dropped = server.records().iter().filter(|r| !r.answered).count();
    assert!(dropped >= 3, "the mode dropped requests: {dropped}");
    assert_eq!(reconnected(&report), dropped, "each dropped request was re-sent once and marked");
    assert_each_once(&ids_seen(server.answered().iter().map(|r| r.target.as_str())), 12, "drop-after");
    assert_eq!(r.stdout.matches("re-sent on a new connection").count(), dropped, "{}", r.stdout);
    assert_eq!(report["run"]["stats"]["requests"]["total"], 12, "a re-send is not a request of its own");
}

#[test]
fn a_post_with_a_file_body_is_resent_intact() {
    let server = ClosingServer::start_blocking(CloseMode::DropAfter(1));
    let dir = tempdir();
    let data: Vec<u8> = (0..200_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    std::fs::write(dir.path().join("payload.bin"), &data).unwrap();
    let post = |i: usize| {
        format!(
            r#"{{"name":"p{i}","request":{{"method":"POST","url":"{}","body":{{"mode":"file","file":{{"src":"payload.bin"}}}}}}}}"#,
            server.url(&format!("/post?id={i}"))
        )
    };
    let items: Vec<String> = (0..6).map(post).collect();
    let col = write_items(dir.path(), "posts", &items);
    let (r, report) = run_with(dir.path(), &col, &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(reconnected(&report) >= 2, "the mode forced re-sends");
    let answered = server.answered();
    assert_each_once(&ids_seen(answered.iter().map(|r| r.target.as_str())), 6, "posts");
    assert!(answered.iter().all(|r| r.method == "POST" && r.body == data), "every body arrived whole");
}

#[test]
fn posts_with_file_bodies_through_tinyproxy_arrive_once_and_whole() {
    let Some(tp) = tinyproxy::start(None) else { return };
    let server = ClosingServer::start_blocking(CloseMode::DropAfter(usize::MAX));
    let dir = tempdir();
    let data: Vec<u8> = (0..32_768u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(dir.path().join("payload.bin"), &data).unwrap();
    let items: Vec<String> = (0..300)
        .map(|i| {
            format!(
                r#"{{"name":"p{i}","request":{{"method":"POST","url":"{}","body":{{"mode":"file","file":{{"src":"payload.bin"}}}}}}}}"#,
                server.url(&format!("/post?id={i}"))
            )
        })
        .collect();
    let col = write_items(dir.path(), "posts", &items);
    let (r, report) = run_with(dir.path(), &col, &["--proxy", &tp.url()]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(failed_requests(&report), 0);
    let answered = server.answered();
    assert_each_once(&ids_seen(answered.iter().map(|r| r.target.as_str())), 300, "posts via tinyproxy");
    assert!(answered.iter().all(|r| r.body == data), "every body arrived whole");
}

#[test]
fn a_tunnel_whose_far_side_closes_is_reopened() {
    // https through the recording proxy's CONNECT to a TLS front of a server that drops
    // every second request on a connection: the tunnel dies under a written request.
    let server = ClosingServer::start_blocking(CloseMode::DropAfter(1));
    let ca = TestCa::new("postie test CA");
    let leaf = ca.leaf(&["localhost"]);
    let front = TlsFront::start_blocking(&leaf.cert_pem, &leaf.key_pem, server.addr()).unwrap();
    let proxy = postie::testkit::RecordingProxy::start_blocking();
    let dir = tempdir();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    let col = gets(dir.path(), &format!("https://localhost:{}/get", front.port()), 8);
    let args = ["--proxy", &proxy.url(), "--ssl-extra-ca-certs", ca_file.to_str().unwrap()];
    let (r, report) = run_with(dir.path(), &col, &args);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(failed_requests(&report), 0);
    assert!(reconnected(&report) >= 3, "{}", reconnected(&report));
    assert_each_once(&ids_seen(server.answered().iter().map(|r| r.target.as_str())), 8, "tunnel");
    assert!(proxy.records().iter().all(|r| r.method == "CONNECT") && proxy.records().len() >= 4);
}

#[test]
fn an_idle_timeout_shorter_than_the_pool_costs_nothing() {
    // The server closes connections idle for 200 ms; postie waits 500 ms between requests.
    let server = ClosingServer::start_blocking(CloseMode::IdleTimeout(std::time::Duration::from_millis(200)));
    let dir = tempdir();
    let col = gets(dir.path(), &server.url("/get"), 4);
    let (r, report) = run_with(dir.path(), &col, &["--delay-request", "500", "--pool-idle-timeout", "60000"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(failed_requests(&report), 0);
    assert_eq!(server.connections(), 4, "each request after the idle close went on a new connection");
    assert_each_once(&ids_seen(server.answered().iter().map(|r| r.target.as_str())), 4, "idle");
}

#[test]
fn pool_idle_timeout_decides_when_an_idle_connection_is_reused() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let col = gets(dir.path(), &api.url("/get"), 3);
    let (r, _) = run_with(dir.path(), &col, &["--delay-request", "300"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(api.connections(), 1, "below the default idle timeout the connection is kept");
    api.clear();
    let (r, _) = run_with(dir.path(), &col, &["--delay-request", "300", "--pool-idle-timeout", "100"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(api.connections(), 3, "past --pool-idle-timeout every request opens a new connection");
}

#[test]
fn a_response_cut_off_by_a_reset_fails_once_and_is_never_resent() {
    // The second request on each connection gets a head and half a body, then a reset: a
    // response that had started, on a reused connection.
    let server = ClosingServer::start_blocking(CloseMode::ResetMidResponse);
    let dir = tempdir();
    let col = gets(dir.path(), &server.url("/get"), 3);
    let (r, report) = run_with(dir.path(), &col, &[]);
    assert_eq!(r.code, 1, "{}", r.all());
    let errors: Vec<(u64, &str)> = report["run"]["executions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| Some((e["cursor"]["position"].as_u64()?, e["requestError"]["message"].as_str()?)))
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, 1, "the second request, on the reused connection: {errors:?}");
    assert!(errors[0].1.contains("body") || errors[0].1.contains("reset"), "{errors:?}");
    assert_eq!(reconnected(&report), 0);
    assert_each_once(&ids_seen(server.records().iter().map(|r| r.target.as_str())), 3, "reset");
}

#[test]
fn a_redirect_hop_lost_on_a_pooled_connection_is_resent_never_the_request_before_it() {
    // GET /warm opens a keep-alive connection; POST /start reuses it and is answered 307 ->
    // /moved, whose request is dropped unanswered on that same pooled connection. postie
    // follows redirects hop by hop, so only the lost hop goes again (once, on a new
    // connection); the POST that was answered is never repeated.
    let server = ClosingServer::start_blocking(CloseMode::RedirectThenDrop);
    let dir = tempdir();
    let warm = format!(r#"{{"name":"warm","request":"{}"}}"#, server.url("/warm"));
    let post = format!(
        r#"{{"name":"post","request":{{"method":"POST","url":"{}","body":{{"mode":"raw","raw":"once"}}}}}}"#,
        server.url("/start")
    );
    let col = write_items(dir.path(), "redirect", &[warm, post]);
    let (r, report) = run_with(dir.path(), &col, &[]);
    assert_eq!(r.code, 1, "the server drops /moved every time: {}", r.all());
    assert_eq!(reconnected(&report), 1);
    let seen: Vec<(String, u64)> = server.records().iter().map(|r| (r.target.clone(), r.connection)).collect();
    assert_eq!(seen.iter().filter(|(t, _)| t == "/start").count(), 1, "the POST was sent once: {seen:?}");
    let moved: Vec<u64> = seen.iter().filter(|(t, _)| t == "/moved").map(|(_, c)| *c).collect();
    assert_eq!(moved.len(), 2, "{seen:?}");
    assert_eq!(moved[0], seen[0].1, "first on the pooled connection: {seen:?}");
    assert_ne!(moved[1], moved[0], "then once on a new one: {seen:?}");
}

#[test]
fn a_proxy_asking_to_close_is_not_reused() {
    // A forward proxy that answers `Proxy-Connection: close` but leaves the connection open.
    let proxy = ClosingServer::start_blocking(CloseMode::ProxyConnectionClose);
    let dir = tempdir();
    let col = gets(dir.path(), "http://127.0.0.1:9/get", 4);
    let (r, report) = run_with(dir.path(), &col, &["--proxy", proxy.url("").trim_end_matches('/')]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(failed_requests(&report), 0);
    assert_eq!(proxy.connections(), 4, "a new connection for every request after the first answer");
    assert!(proxy.records().iter().all(|r| r.target.starts_with("http://127.0.0.1:9/get")), "absolute-form");
}
