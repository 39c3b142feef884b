//! Starts the local echo API (and a recording proxy) for manual experiments, for example to
//! compare what postie and Newman send for the same collection. Prints the addresses, then,
//! when standard input closes, every request each server received as JSON lines.
//!
//! `cargo run --example serve`

use std::io::Read;

use postie::testkit::{EchoServer, RecordingProxy};

fn main() {
    let api = EchoServer::start_blocking();
    let proxy = RecordingProxy::start_blocking();
    // Not a test: an unused server is no failure here.
    api.allow_no_hits();
    proxy.allow_no_hits();
    println!("echo API:        {}", api.url(""));
    println!("recording proxy: {}", proxy.url());
    println!("(close standard input, e.g. Ctrl-D, to print what they received)");
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    for r in api.requests() {
        let line = serde_json::json!({
            "method": r.method, "path": r.path, "query": r.query,
            "headers": r.headers, "body": String::from_utf8_lossy(&r.body),
        });
        println!("{line}");
    }
    for r in proxy.records() {
        println!("{}", serde_json::json!({"proxy": r.method, "target": r.target}));
    }
}
