//! Inputs named by URL, as Newman takes them: the collection, environment, globals and data
//! file fetched before the run (through the configured proxy), and a URL that cannot be
//! fetched is exit 2 naming it without its query (where API keys sit).

mod common;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;

use common::{postie, run, tempdir};
use postie::testkit::{EchoServer, RecordingProxy};

/// Serves `files` by path (query ignored) to any number of requests, on a thread.
fn serve(files: HashMap<&'static str, String>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(32) {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 8192];
            let n = stream.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).to_string();
            let target = head.split_whitespace().nth(1).unwrap_or("/");
            // Absolute-form through a proxy, origin-form directly.
            let path = target.split("://").nth(1).map_or(target, |rest| &rest[rest.find('/').unwrap_or(rest.len())..]);
            let path = path.split('?').next().unwrap_or("/");
            let (status, body) = match files.get(path) {
                Some(body) => ("200 OK", body.clone()),
                None => ("404 Not Found", String::new()),
            };
            let reply =
                format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    port
}

#[test]
fn collection_environment_and_data_by_url() {
    let echo = EchoServer::start_blocking();
    let collection = format!(
        r#"{{"info":{{"name":"remote","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}},"item":[{{"name":"r","request":{{"method":"GET","url":"{}?from={{{{envVar}}}}&row={{{{row}}}}"}},"event":[{{"listen":"test","script":{{"exec":["pm.test('vars', () => {{ pm.expect(pm.response.json().args.from).to.equal('env'); pm.expect(pm.response.json().args.row).to.equal(pm.iterationData.get('row')); }});"]}}}}]}}]}}"#,
        echo.url("/get")
    );
    let environment = r#"{"name":"e","values":[{"key":"envVar","value":"env","enabled":true}]}"#.to_string();
    let data = "row\nfirst\nsecond\n".to_string();
    let port = serve(HashMap::from([("/c.json", collection), ("/e.json", environment), ("/d.csv", data)]));
    let base = format!("http://127.0.0.1:{port}");
    let dir = tempdir();
    let mut cmd = postie(dir.path());
    cmd.args(["run", &format!("{base}/c.json?apikey=PMAK-secret-key"), "-e", &format!("{base}/e.json")])
        .args(["-d", &format!("{base}/d.csv")]);
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(echo.requests().len(), 2, "two iterations from the fetched data file");
    assert!(!out.all().contains("PMAK-secret-key"));

    // Through the proxy the run is configured with.
    let proxy = RecordingProxy::start_blocking();
    let mut cmd = postie(dir.path());
    cmd.args(["run", &format!("{base}/c.json"), "-e", &format!("{base}/e.json"), "-d", &format!("{base}/d.csv")])
        .args(["--proxy", &proxy.url(), "--noproxy", &format!("127.0.0.1:{}", echo.addr().port())]);
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}", out.all());
    let fetched: Vec<String> = proxy.records().into_iter().map(|r| r.target).collect();
    assert_eq!(fetched, [format!("{base}/c.json"), format!("{base}/e.json"), format!("{base}/d.csv")]);
}

#[test]
fn an_input_that_cannot_be_fetched_is_exit_2_without_its_query() {
    let port = serve(HashMap::new());
    let dir = tempdir();
    let mut cmd = postie(dir.path());
    cmd.args(["run", &format!("http://127.0.0.1:{port}/missing.json?apikey=PMAK-secret-key")]);
    let out = run(cmd);
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stderr.contains(&format!(
            "the collection at http://127.0.0.1:{port}/missing.json cannot be fetched: the server answered 404"
        )),
        "{}",
        out.stderr
    );
    assert!(!out.all().contains("PMAK-secret-key"));
}
