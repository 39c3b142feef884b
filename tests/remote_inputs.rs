//! Inputs named by URL, as Newman takes them: the collection, environment, globals and data
//! file fetched before the run (through the configured proxy), and a URL that cannot be
//! fetched is exit 2 naming it without its query (where API keys sit).

mod common;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use common::{postie, run, tempdir};
use postie::testkit::{EchoServer, RecordingProxy};

/// Serves `files` by path (query ignored) to any number of requests, on a thread; directly
/// or as the proxy of any host (absolute-form). The request heads it read, in order.
fn serve(files: HashMap<&'static str, String>) -> u16 {
    serve_recording(files).0
}

fn serve_recording(files: HashMap<&'static str, String>) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = heads.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(32) {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 8192];
            let n = stream.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).to_string();
            seen.lock().unwrap().push(head.clone());
            let target = head.split_whitespace().nth(1).unwrap_or("/");
            // Absolute-form through a proxy, origin-form directly.
            let path = target.split("://").nth(1).map_or(target, |rest| &rest[rest.find('/').unwrap_or(rest.len())..]);
            let path = path.split('?').next().unwrap_or("/");
            // A file whose text is `redirect:TARGET` answers 302 to TARGET.
            let (status, body, extra) = match files.get(path) {
                Some(body) => match body.strip_prefix("redirect:") {
                    Some(target) => ("302 Found", String::new(), format!("Location: {target}\r\n")),
                    None => ("200 OK", body.clone(), String::new()),
                },
                None => ("404 Not Found", String::new(), String::new()),
            };
            let reply = format!(
                "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    (port, heads)
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

/// The Postman API, as Newman reads it: a URL on api.postman.com sends its `apikey` query
/// parameter (taken out of the URL) as `X-Api-Key`, the `{"collection": …}` wrapper is
/// read, and the key appears nowhere. Reached here through a proxy (plain http), which is
/// also how a run behind a corporate proxy reaches it.
#[test]
fn postman_api_urls_send_their_key_as_a_header() {
    let echo = EchoServer::start_blocking();
    let collection = format!(
        r#"{{"collection":{{"info":{{"name":"api","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}},"item":[{{"name":"r","request":"{}"}}]}}}}"#,
        echo.url("/get")
    );
    let environment = r#"{"environment":{"name":"e","values":[{"key":"v","value":"1"}]}}"#.to_string();
    let (port, heads) =
        serve_recording(HashMap::from([("/collections/c1", collection), ("/environments/e1", environment)]));
    let dir = tempdir();
    let mut cmd = postie(dir.path());
    cmd.args(["run", "http://api.postman.com/collections/c1?apikey=PMAK-in-query&x=1"])
        .args(["-e", "http://api.getpostman.com/environments/e1"])
        .args(["--postman-api-key", "PMAK-from-flag"])
        .args(["--proxy", &format!("http://127.0.0.1:{port}"), "--noproxy", "127.0.0.1"]);
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}", out.all());
    let heads = heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 2, "{heads:?}");
    assert!(heads[0].starts_with("GET http://api.postman.com/collections/c1?x=1 "), "{}", heads[0]);
    assert!(heads[0].to_ascii_lowercase().contains("x-api-key: pmak-in-query\r\n"), "{}", heads[0]);
    assert!(heads[1].starts_with("GET http://api.getpostman.com/environments/e1 "), "{}", heads[1]);
    assert!(heads[1].to_ascii_lowercase().contains("x-api-key: pmak-from-flag\r\n"), "{}", heads[1]);
    assert!(!out.all().contains("PMAK"), "{}", out.all());
}

/// A Postman UID with a key (`--postman-api-key` or POSTMAN_API_KEY) names the resource on
/// the Postman API; its failure names the API URL, never the key.
#[test]
fn a_postman_uid_is_fetched_from_the_postman_api() {
    let proxy = RecordingProxy::start_blocking();
    let dir = tempdir();
    let uid = "12345678-0b4e3d1c-6b8a-4f0e-9a5e-3f2d1c0b9a8e";
    let mut cmd = postie(dir.path());
    cmd.args(["run", uid]).args(["--proxy", &proxy.url()]).env("POSTMAN_API_KEY", "PMAK-from-env");
    let out = run(cmd);
    assert_eq!(out.code, 2, "no network here: {}", out.all());
    assert!(
        out.stderr.contains(&format!("the collection at https://api.postman.com/collections/{uid} cannot be fetched")),
        "{}",
        out.stderr
    );
    let targets: Vec<String> = proxy.records().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["api.postman.com:443"], "through the run's proxy, by CONNECT");
    assert!(!out.all().contains("PMAK"), "{}", out.all());
}

/// With an API key, a redirect is followed on the same host and scheme (the key goes along)
/// and refused to another host (the key never goes there).
#[test]
fn an_api_key_follows_redirects_only_on_its_own_host() {
    let echo = EchoServer::start_blocking();
    let collection = format!(
        r#"{{"info":{{"name":"moved","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}},"item":[{{"name":"r","request":"{}"}}]}}"#,
        echo.url("/get")
    );
    let (port, heads) = serve_recording(HashMap::from([
        ("/collections/old", "redirect:/collections/new".to_string()),
        ("/collections/new", collection),
        ("/collections/away", "redirect:http://elsewhere.example.test/collections/new".to_string()),
    ]));
    let dir = tempdir();
    let proxy = format!("http://127.0.0.1:{port}");
    // The collection at `path` on the Postman API, with a key, through the recording proxy.
    let run_api = |path: &str| {
        let mut cmd = postie(dir.path());
        cmd.args(["run", &format!("http://api.postman.com{path}"), "--postman-api-key", "PMAK-k"]);
        cmd.args(["--proxy", &proxy, "--noproxy", "127.0.0.1"]);
        run(cmd)
    };
    let out = run_api("/collections/old");
    assert_eq!(out.code, 0, "{}", out.all());
    let seen = heads.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen[1].starts_with("GET http://api.postman.com/collections/new "), "{}", seen[1]);
    assert!(seen[1].to_ascii_lowercase().contains("x-api-key: pmak-k\r\n"), "{}", seen[1]);

    let out = run_api("/collections/away");
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stderr.contains("redirected to another host or scheme (http://elsewhere.example.test)"),
        "{}",
        out.stderr
    );
    assert!(heads.lock().unwrap().iter().all(|h| !h.contains("elsewhere")), "nothing was sent to the other host");
    assert!(!out.all().contains("PMAK"));
}
