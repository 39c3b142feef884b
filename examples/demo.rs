//! The README's first command: runs the bundled example collection against a local echo
//! API through a local recording proxy, with one request bypassing the proxy, using the
//! same code path as the `postie` binary. Needs no internet.
//!
//! `cargo run --example demo`

use clap::Parser;
use postie::testkit::{EchoServer, RecordingProxy};

fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    // The demo decides its own routes; nothing the shell exports may reroute it.
    for var in
        ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"]
    {
        // SAFETY: single-threaded at this point; no other thread reads the environment yet.
        unsafe { std::env::remove_var(var) };
    }
    let api = EchoServer::start_blocking();
    let proxy = RecordingProxy::start_blocking();
    // Not a test: an unused server is no failure here.
    api.allow_no_hits();
    proxy.allow_no_hits();
    let port = api.addr().port();
    let here = env!("CARGO_MANIFEST_DIR");
    let base = format!("baseUrl=http://127.0.0.1:{port}");
    let direct = format!("directUrl=http://localhost:{port}");
    let args = [
        "postie",
        "run",
        &format!("{here}/examples/demo.postman_collection.json"),
        "-e",
        &format!("{here}/examples/demo.postman_environment.json"),
        "-d",
        &format!("{here}/examples/demo-data.csv"),
        "--env-var",
        &base,
        "--env-var",
        &direct,
        "--proxy",
        &proxy.url(),
        "--noproxy",
        "localhost",
        "--verbose",
    ];
    println!("$ {}\n", args.join(" ").replace(here, "."));
    let cli = postie::cli::Cli::parse_from(args);
    let outcome = postie::command::execute(cli);
    let through: Vec<String> = proxy.records().iter().map(|r| format!("{} {}", r.method, r.target)).collect();
    println!("\nThe local proxy at {} saw {} requests:", proxy.url(), through.len());
    for line in &through {
        println!("  {line}");
    }
    println!("The echo API saw {} requests in all; the rest went direct (bypassed).", api.requests().len());
    std::process::exit(outcome as i32);
}
