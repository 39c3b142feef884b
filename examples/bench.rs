//! The performance figures of the README: postie against a local keep-alive echo API,
//! compared with a bare keep-alive client loop measured in the same run.
//!
//! `cargo run --release --example bench` (add `-- --large` for the 100 000-request RSS row)
//!
//! `-- --serve DIR` only starts the server and writes the benchmark collections into DIR,
//! to run or profile postie by hand (`perf record postie run DIR/bench-1000-true.json`).
//!
//! postie runs as a child process (this same executable re-entered with `--as-postie`, which
//! calls the library exactly as the `postie` binary does), so wall time, CPU time and peak
//! RSS are the child's own, taken from `wait4`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use clap::Parser;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct ChildFigures {
    wall: Duration,
    cpu: Duration,
    peak_rss_kb: i64,
    ok: bool,
}

/// Runs postie in a child and waits for it with `wait4`, which returns that child's own
/// CPU time and peak RSS.
// The child is reaped by wait4 below, which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn run_postie(args: &[String]) -> ChildFigures {
    let exe = std::env::current_exe().expect("current exe");
    let started = Instant::now();
    let mut cmd = Command::new(exe);
    cmd.arg("--as-postie").args(args).env("CI", "true").stdout(std::process::Stdio::null());
    for var in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        cmd.env_remove(var);
    }
    let child = cmd.spawn().expect("spawn postie");
    let mut status = 0;
    // SAFETY: wait4 writes into the two out-parameters we own; the pid is our child's.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    let tv = |t: libc::timeval| Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64);
    let ok = pid > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    ChildFigures { wall, cpu: tv(usage.ru_utime) + tv(usage.ru_stime), peak_rss_kb: usage.ru_maxrss, ok }
}

fn write_collection(dir: &Path, n: usize, base: &str, scripts: bool) -> PathBuf {
    let test = r#""event":[{"listen":"test","script":{"exec":["pm.test('status 200', () => pm.response.to.have.status(200));","pm.test('echoes n', () => pm.expect(pm.response.json().args.n).to.eql(pm.info.requestName.slice(2)));"]}}],"#;
    let mut items = Vec::with_capacity(n);
    for i in 0..n {
        items.push(format!(r#"{{"name":"r {i}",{}"request":"{base}/get?n={i}"}}"#, if scripts { test } else { "" }));
    }
    let text = format!(
        r#"{{"info":{{"name":"bench","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}},"item":[{}]}}"#,
        items.join(",")
    );
    let path = dir.join(format!("bench-{n}-{scripts}.json"));
    std::fs::write(&path, text).expect("write collection");
    path
}

/// A deliberately small keep-alive HTTP/1.1 server on its own thread: it answers every
/// request with `{"args":{"n":"<n>"}}`, so what is measured is the client, not the server.
fn start_fast_server() -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind 127.0.0.1:0");
    listener.set_nonblocking(true).expect("nonblocking");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            while let Ok((mut stream, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let _ = stream.set_nodelay(true);
                    let mut buf = Vec::with_capacity(4096);
                    let mut chunk = [0u8; 4096];
                    loop {
                        let end = loop {
                            if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                                break p + 4;
                            }
                            match stream.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                            }
                        };
                        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                        buf.drain(..end);
                        let target = head.split_whitespace().nth(1).unwrap_or("/");
                        let n = target.split("n=").nth(1).and_then(|v| v.split('&').next()).unwrap_or("");
                        let body = format!("{{\"args\":{{\"n\":\"{n}\"}}}}");
                        let response = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if stream.write_all(response.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
    });
    addr
}

/// The bare limit: `conns` keep-alive connections, requests in a loop, bodies read fully, on
/// a current-thread runtime (as postie's workers) or a one-worker multi-thread runtime (whose
/// spinning worker often answers faster on an idle machine).
fn bare_loop(url: &str, n: usize, conns: usize, multi_thread: bool) -> Duration {
    let rt = if multi_thread {
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime")
    } else {
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
    };
    rt.block_on(async {
        let client = reqwest::Client::builder().no_proxy().build().expect("client");
        for _ in 0..50 {
            let _ = client.get(url).send().await.expect("warm-up").bytes().await;
        }
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..conns {
            let (client, url) = (client.clone(), url.to_string());
            tasks.push(tokio::spawn(async move {
                for _ in 0..n / conns {
                    let r = client.get(&url).send().await.expect("request");
                    let _ = r.bytes().await.expect("body");
                }
            }));
        }
        for t in tasks {
            let _ = t.await;
        }
        started.elapsed()
    })
}

fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--as-postie") {
        let cli = postie::cli::Cli::parse_from(std::iter::once("postie".to_string()).chain(args[2..].iter().cloned()));
        std::process::exit(postie::command::execute(cli) as i32);
    }
    let large = args.iter().any(|a| a == "--large");
    let addr = start_fast_server();
    let base = format!("http://{addr}");
    if let Some(at) = args.iter().position(|a| a == "--serve") {
        let dir = PathBuf::from(args.get(at + 1).map(String::as_str).unwrap_or("."));
        for (n, scripts) in [(1, true), (1000, true), (1000, false)] {
            println!("{}", write_collection(&dir, n, &base, scripts).display());
        }
        println!("serving on {base}; Ctrl-C to stop");
        loop {
            std::thread::park();
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let n = 1000;

    let same_arch = bare_loop(&format!("{base}/get?n=1"), n, 1, false);
    let spinning = bare_loop(&format!("{base}/get?n=1"), n, 1, true);
    // The stricter of the two is the reference for the per-request target.
    let bare = same_arch.min(spinning);
    let bare_per = bare / n as u32;
    let bare8 = bare_loop(&format!("{base}/get?n=1"), n, 8, true);
    let cores = std::thread::available_parallelism().map(|p| p.get()).unwrap_or(0);
    println!("machine: {cores} cores; a minimal keep-alive JSON server in-process on {addr}");
    println!(
        "bare keep-alive loop, 1 connection:  {:.3} ms per request (current-thread runtime), {:.3} ms (multi-thread); reference: {:.3} ms",
        same_arch.as_secs_f64() * 1e3 / n as f64,
        spinning.as_secs_f64() * 1e3 / n as f64,
        bare_per.as_secs_f64() * 1e3
    );
    println!(
        "bare keep-alive loop, 8 connections: {n} requests in {:.1} ms = {:.0} requests/s (the server's raw limit here)\n",
        bare8.as_secs_f64() * 1e3,
        n as f64 / bare8.as_secs_f64()
    );
    println!("{:<44} {:>9} {:>10} {:>11} {:>9} {:>9}", "case", "wall ms", "req/s", "ms/request", "CPU ms", "peak RSS");

    let one = write_collection(dir.path(), 1, &base, true);
    let scripted = write_collection(dir.path(), n, &base, true);
    let mut cases: Vec<(String, Vec<String>, usize)> = vec![
        ("1 request (process start to exit)".into(), vec!["run".into(), one.display().to_string()], 1),
        (format!("{n} requests, 2 assertions each, --jobs 1"), vec!["run".into(), scripted.display().to_string()], n),
        (
            format!("{n} requests, 2 assertions each, --jobs 8 request"),
            vec![
                "run".into(),
                scripted.display().to_string(),
                "--jobs".into(),
                "8".into(),
                "--parallel".into(),
                "request".into(),
            ],
            n,
        ),
    ];
    if large {
        let big = write_collection(dir.path(), 1000, &base, false);
        cases.push((
            "100 000 requests (100 iterations), --jobs 8".into(),
            vec!["run".into(), big.display().to_string(), "-n".into(), "100".into(), "--jobs".into(), "8".into()],
            100_000,
        ));
    }
    let mut start_up = Duration::ZERO;
    for (name, mut argv, count) in cases {
        argv.extend(["-r".into(), "cli".into(), "--silent".into()]);
        let f = run_postie(&argv);
        let per = f.wall.as_secs_f64() * 1e3 / count as f64;
        println!(
            "{:<44} {:>9.1} {:>10.0} {:>11.3} {:>9.1} {:>6.1} MB{}",
            name,
            f.wall.as_secs_f64() * 1e3,
            count as f64 / f.wall.as_secs_f64(),
            per,
            f.cpu.as_secs_f64() * 1e3,
            f.peak_rss_kb as f64 / 1024.0,
            if f.ok { "" } else { "  (run failed!)" }
        );
        if count == 1 {
            start_up = f.wall;
        }
        if count == n && argv.iter().all(|a| a != "--jobs") {
            let after = f.wall.saturating_sub(start_up).as_secs_f64() * 1e3 / count as f64;
            println!(
                "{:<44} per request after start-up: {:.3} ms = {:.2}x the bare keep-alive round trip",
                "",
                after,
                after / (bare_per.as_secs_f64() * 1e3)
            );
        }
    }
}
