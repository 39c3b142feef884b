//! The HTML report at scale, the README's figures: 100 000 executions (iterations of a
//! one-request collection with two assertions, every 100th iteration failing one) against
//! the local echo API, written with `-r html`; then Chromium opens the file.
//!
//! `cargo run --release --example html_bench` (`-- --executions N` for another size)
//!
//! Printed per run: wall time and the postie child's peak RSS (from `wait4`), the file's
//! size and bytes per execution (with bodies, and with `--reporter-html-body-limit 0`); then
//! for the largest file the time Chromium's page took from navigation start until its list
//! was usable (`data-ready-ms`, set by the page's own script), and the browser's wall time.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;

#[path = "../tests/common/chromium_offline.rs"]
mod chromium_offline;

struct Child {
    wall: Duration,
    peak_rss_kb: i64,
    ok: bool,
}

/// postie in a child (this executable re-entered with `--as-postie`), so the RSS is its own.
// The child is reaped by wait4 below, which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn run_postie(args: &[String]) -> Child {
    let exe = std::env::current_exe().expect("current exe");
    let started = Instant::now();
    let mut cmd = Command::new(exe);
    cmd.arg("--as-postie").args(args).env("CI", "true").stdout(Stdio::null());
    for var in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        cmd.env_remove(var);
    }
    let child = cmd.spawn().expect("spawn postie");
    let mut status = 0;
    // SAFETY: wait4 writes into the two out-parameters we own; the pid is our child's.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    Child { wall: started.elapsed(), peak_rss_kb: usage.ru_maxrss, ok: pid > 0 && libc::WIFEXITED(status) }
}

fn write_collection(dir: &Path, base: &str) -> PathBuf {
    let collection = serde_json::json!({
        "info": { "name": "html bench", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },
        "item": [{
            "name": "echo",
            "request": format!("{base}/get?n={{{{$randomInt}}}}"),
            "event": [{ "listen": "test", "script": { "exec": [
                "pm.test('status 200', () => pm.response.to.have.status(200));",
                "pm.test('not the 100th', () => pm.expect(pm.info.iteration % 100).to.not.equal(99));"
            ] } }]
        }]
    });
    let path = dir.join("html-bench.json");
    std::fs::write(&path, collection.to_string()).expect("write collection");
    path
}

/// Chromium's time to a usable page for `file`, and its wall time, or why not.
fn open_in_chromium(file: &Path, profile: &Path) -> Result<(u64, u64, Duration), String> {
    let binary = chromium_offline::BINARIES
        .iter()
        .find(|p| Path::new(p).exists())
        .ok_or("no chromium installed (apt-get install chromium)")?;
    let started = Instant::now();
    let out = Command::new(binary)
        .args(chromium_offline::OFFLINE_FLAGS)
        .arg("--dump-dom")
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", file.display()))
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("cannot start chromium: {e}"))?;
    let wall = started.elapsed();
    let dom = String::from_utf8_lossy(&out.stdout);
    let head = &dom[..dom.find("<head").unwrap_or(dom.len()).min(dom.len())];
    let attr = |name: &str| -> Option<u64> {
        let at = head.find(&format!("{name}=\""))? + name.len() + 2;
        head[at..].split('"').next()?.parse().ok()
    };
    match (attr("data-ready-ms"), attr("data-rows")) {
        (Some(ready), Some(rows)) => Ok((ready, rows, wall)),
        _ => Err("the page's script did not finish (no data-ready-ms on <html>)".to_string()),
    }
}

fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--as-postie") {
        let cli = postie::cli::Cli::parse_from(std::iter::once("postie".to_string()).chain(args[2..].iter().cloned()));
        std::process::exit(postie::command::execute(cli) as i32);
    }
    let largest = args
        .iter()
        .position(|a| a == "--executions")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(100_000);
    if args.get(1).map(String::as_str) == Some("--as-server") {
        let api = postie::testkit::EchoServer::start_blocking();
        api.allow_no_hits();
        println!("{}", api.url("").trim_end_matches('/'));
        // serves until the benchmark closes standard input
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut Vec::new());
        return;
    }
    // The echo API records every request: in its own process, or a later postie child
    // (forked from this one) would start with this process's grown RSS in its peak.
    let mut server = Command::new(std::env::current_exe().expect("current exe"))
        .arg("--as-server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the echo API");
    let mut base = String::new();
    let stdout = server.stdout.take().expect("server stdout");
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut base).expect("server URL");
    let dir = tempfile::tempdir().expect("temp dir");
    let collection = write_collection(dir.path(), base.trim());
    println!("== HTML report: iterations of 1 request with 2 assertions against the local echo API");
    println!(
        "{:>11} {:>9} {:>8} {:>10} {:>12} {:>11} {:>16}",
        "executions", "reporter", "bodies", "wall", "peak RSS", "file", "bytes/execution"
    );
    let mut biggest = None;
    // the JSON row is the baseline: the same run with the reporter whose memory is known flat
    let rows = [
        (largest / 10, "html", "65536"),
        (largest, "html", "0"),
        (largest, "html", "65536"),
        (largest, "json", "65536"),
    ];
    for (n, reporter, limit) in rows {
        let file = dir.path().join(format!("r-{n}-{limit}.{reporter}"));
        let argv: Vec<String> = [
            "run",
            &collection.display().to_string(),
            "-n",
            &n.to_string(),
            "-r",
            reporter,
            &format!("--reporter-{reporter}-export"),
            &file.display().to_string(),
            &format!("--reporter-{reporter}-body-limit"),
            limit,
            "--silent",
            "-x",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let child = run_postie(&argv);
        let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        println!(
            "{n:>11} {reporter:>9} {:>8} {:>8.1} s {:>9.1} MB {:>8.1} MB {:>16.0}{}",
            if limit == "0" { "none" } else { "≤ 64 KB" },
            child.wall.as_secs_f64(),
            child.peak_rss_kb as f64 / 1024.0,
            size as f64 / 1_048_576.0,
            size as f64 / n.max(1) as f64,
            if child.ok { "" } else { "  (run failed!)" }
        );
        if reporter == "html" && limit != "0" && n == largest {
            biggest = Some(file);
        }
    }
    drop(server.stdin.take());
    let _ = server.wait();
    if let Some(file) = biggest {
        let profile = dir.path().join("chromium-profile");
        match open_in_chromium(&file, &profile) {
            Ok((ready, rows, wall)) => println!(
                "\nChromium (headless, offline): {rows} executions in the page, list usable {ready} ms after navigation start; browser start to exit {:.1} s",
                wall.as_secs_f64()
            ),
            Err(why) => println!("\nChromium row skipped: {why}"),
        }
    }
}
