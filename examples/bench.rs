//! The performance figures of the README: postie against a local keep-alive echo API,
//! compared with a bare keep-alive client loop measured in the same run.
//!
//! `cargo run --release --example bench` (add `-- --large` for the 100 000-request RSS row,
//! `-- --runs N` to change how many runs each figure is the median of; 5 by default)
//!
//! Two servers: a minimal keep-alive JSON server in-process (always; so fast that it makes
//! the ratio to a bare client loop as strict as it gets), and nginx as a child when an
//! `nginx` binary is installed (the server the issue's reference figures were taken with).
//!
//! `-- --proxied` adds the proxied rows: the same 1 000 requests through a real tinyproxy
//! (a child, when Debian's `tinyproxy` is installed), which closes its client connections
//! after every response without saying so, against direct; with the failed requests counted
//! (the target is none), and Hurl through the same proxy when a `hurl` binary is installed.
//!
//! `-- --large-collection` adds the collection-size rows: generated collections of 20 000 and
//! 100 000 distinct requests in Postman's export shape (two assertions each), peak RSS
//! against the targets (3 × the file size + 20 MB; 200 MB), and the time per request
//! against the same number of requests made as iterations of a 2-request collection.
//!
//! `-- --serve DIR` only starts the in-process server and writes the benchmark collections
//! into DIR, to run or profile postie by hand (`perf record postie run DIR/bench-1000-true.json`).
//!
//! postie runs as a child process (this same executable re-entered with `--as-postie`, which
//! calls the library exactly as the `postie` binary does), so wall time, CPU time and peak
//! RSS are the child's own, taken from `wait4`. The bare loops run as children too, so
//! both pay the same cross-process wake-ups. The machine is shared and noisy: every
//! figure is the median of several runs.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use clap::Parser;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The core the servers run on, and the sequential clients with them: on this VM a wake-up
/// across cores costs about 50 µs more than one on the same core, and which the scheduler
/// picks changes from run to run; pinned, the bare loop and postie are measured alike.
const SERVER_CPU: usize = 0;
const PIN_ENV: &str = "POSTIE_BENCH_PIN_CPU";

/// Pins the calling thread (and the threads it starts later) to one core.
fn pin_to(cpu: usize) {
    // SAFETY: a zeroed cpu_set_t is a valid empty set; CPU_SET writes inside it, and
    // sched_setaffinity(0, ..) only reads it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}

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
fn run_postie(args: &[String], pinned: bool) -> ChildFigures {
    let exe = std::env::current_exe().expect("current exe");
    let started = Instant::now();
    let mut cmd = Command::new(exe);
    cmd.arg("--as-postie").args(args).env("CI", "true").stdout(std::process::Stdio::null());
    if pinned {
        cmd.env(PIN_ENV, SERVER_CPU.to_string());
    }
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

/// A collection of `n` distinct requests shaped as Postman exports them (URL object,
/// a header, an empty `response` list, two assertions).
fn write_export_shaped(dir: &Path, n: usize, base: &str) -> PathBuf {
    let (host, port) = base.trim_start_matches("http://").split_once(':').unwrap_or(("127.0.0.1", "80"));
    let host_parts: Vec<String> = host.split('.').map(|p| format!("\"{p}\"")).collect();
    let test = r#"{"listen":"test","script":{"exec":["pm.test('status 200', () => pm.response.to.have.status(200));","pm.test('echoes n', () => pm.expect(pm.response.json().args.n).to.eql(pm.info.requestName.slice(2)));"],"type":"text/javascript"}}"#;
    let mut text = String::from(
        r#"{"info":{"name":"large","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},"item":["#,
    );
    for i in 0..n {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            r#"{{"name":"r {i}","event":[{test}],"request":{{"method":"GET","header":[{{"key":"Accept","value":"application/json","type":"text"}}],"url":{{"raw":"{base}/get?n={i}","protocol":"http","host":[{}],"port":"{port}","path":["get"],"query":[{{"key":"n","value":"{i}"}}]}}}},"response":[]}}"#,
            host_parts.join(",")
        ));
    }
    text.push_str("]}");
    let path = dir.join(format!("export-shaped-{n}.json"));
    std::fs::write(&path, text).expect("write collection");
    path
}

/// Peak RSS and time per request for large collections, against the targets of the
/// README, and against the same requests made as iterations of a 2-request collection.
fn large_collection_rows(dir: &Path, base: &str, runs: usize) {
    println!("== collection size (in-process minimal server at {base}; -r cli --silent)");
    println!(
        "{:<40} {:>7} {:>10} {:>10} {:>8} {:>11} {:>9} {:>11}",
        "case", "file MB", "peak RSS", "RSS target", "load ms", "ms/request", "vs 2-item", "after load"
    );
    let two = write_export_shaped(dir, 2, base).display().to_string();
    for n in [20_000usize, 100_000] {
        let file = write_export_shaped(dir, n, base);
        let size_mb = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
        let target = if n <= 20_000 { 3.0 * size_mb + 20.0 } else { 200.0 };
        let iterations = (n / 2).to_string();
        for jobs in ["1", "8"] {
            let mut argv =
                vec!["run".to_string(), file.display().to_string(), "-r".into(), "cli".into(), "--silent".into()];
            let mut flat = vec!["run".to_string(), two.clone(), "-n".into(), iterations.clone(), "-r".into()];
            flat.extend(["cli".into(), "--silent".into()]);
            if jobs == "8" {
                // Request lanes: the distinct requests are independent, as users run them.
                argv.extend(["--jobs".into(), "8".into(), "--parallel".into(), "request".into()]);
                flat.extend(["--jobs".into(), "8".into(), "--parallel".into(), "request".into()]);
            }
            let repeats = if n > 20_000 { 1 } else { runs };
            let (wall, _, rss, ok) = measure(&argv, repeats, false);
            let (flat_wall, _, _, _) = measure(&flat, repeats, false);
            // Loading (and planning) the collection alone: one request of it is run.
            let only_one =
                ["run", &file.display().to_string(), "--folder", "r 1", "-r", "cli", "--silent"].map(String::from);
            let (load, _, _, _) = measure(&only_one, repeats, false);
            let rss_mb = rss as f64 / 1024.0;
            println!(
                "{:<40} {:>7.1} {:>7.1} MB {:>7.1} MB {:>8.0} {:>11.4} {:>8.2}x {:>10.2}x{}{}",
                format!("{n} distinct requests, --jobs {jobs}"),
                size_mb,
                rss_mb,
                target,
                ms(load),
                ms(wall) / n as f64,
                wall.as_secs_f64() / flat_wall.as_secs_f64(),
                wall.saturating_sub(load).as_secs_f64() / flat_wall.as_secs_f64(),
                if rss_mb <= target { "" } else { "  (over the RSS target)" },
                if ok { "" } else { "  (run failed!)" }
            );
        }
    }
    println!();
}

/// A deliberately small keep-alive HTTP/1.1 server on its own thread: it answers every
/// request with `{"args":{"n":"<n>"}}`, so what is measured is the client, not the server.
fn start_fast_server() -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind 127.0.0.1:0");
    listener.set_nonblocking(true).expect("nonblocking");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        pin_to(SERVER_CPU);
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

/// A bare loop in a child process, as postie runs: a client in another process than the
/// server pays for cross-process wake-ups, which a loop inside this process would not.
fn bare_child(url: &str, n: usize, conns: usize, multi_thread: bool, pinned: bool) -> Duration {
    let exe = std::env::current_exe().expect("current exe");
    let mut cmd = Command::new(exe);
    if pinned {
        cmd.env(PIN_ENV, SERVER_CPU.to_string());
    }
    let out = cmd
        .args(["--as-bare", url, &n.to_string(), &conns.to_string(), if multi_thread { "mt" } else { "ct" }])
        .output()
        .expect("run the bare loop");
    let nanos: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().expect("the bare loop's time");
    Duration::from_nanos(nanos)
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

/// nginx as a child on a free loopback port, answering `/get?n=X` with `{"args":{"n":"X"}}`
/// over keep-alive; `None` when no nginx is installed.
struct Nginx {
    child: std::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: the master must stop its worker process too.
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

fn start_nginx() -> Option<Nginx> {
    let binary = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())?;
    let dir = tempfile::tempdir().ok()?;
    let port = std::net::TcpListener::bind(("127.0.0.1", 0)).ok()?.local_addr().ok()?.port();
    let d = dir.path().display();
    let mask = format!("{:b}", 1u64 << SERVER_CPU);
    let conf = format!(
        "daemon off; worker_processes 1; worker_cpu_affinity {mask}; pid {d}/nginx.pid; error_log {d}/error.log;\n\
         events {{ worker_connections 256; }}\n\
         http {{ access_log off; keepalive_requests 1000000; client_body_temp_path {d};\n\
           proxy_temp_path {d}; fastcgi_temp_path {d}; uwsgi_temp_path {d}; scgi_temp_path {d};\n\
           server {{ listen 127.0.0.1:{port}; default_type application/json;\n\
             location / {{ return 200 '{{\"args\":{{\"n\":\"$arg_n\"}}}}'; }} }} }}\n"
    );
    let conf_path = dir.path().join("nginx.conf");
    std::fs::write(&conf_path, conf).ok()?;
    let child = Command::new(binary)
        .arg("-c")
        .arg(&conf_path)
        .arg("-p")
        .arg(dir.path())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let nginx = Nginx { child, port, _dir: dir };
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(nginx);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

fn median<T: Copy + Ord>(mut values: Vec<T>) -> T {
    values.sort();
    values[values.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// One postie case run `runs` times: the median wall and CPU, the highest peak RSS.
fn measure(argv: &[String], runs: usize, pinned: bool) -> (Duration, Duration, i64, bool) {
    let all: Vec<ChildFigures> = (0..runs).map(|_| run_postie(argv, pinned)).collect();
    let ok = all.iter().all(|f| f.ok);
    let rss = all.iter().map(|f| f.peak_rss_kb).max().unwrap_or(0);
    (median(all.iter().map(|f| f.wall).collect()), median(all.iter().map(|f| f.cpu).collect()), rss, ok)
}

fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args: Vec<String> = std::env::args().collect();
    if let Some(cpu) = std::env::var(PIN_ENV).ok().and_then(|v| v.parse().ok()) {
        pin_to(cpu);
    }
    if args.get(1).map(String::as_str) == Some("--as-postie") {
        let cli = postie::cli::Cli::parse_from(std::iter::once("postie".to_string()).chain(args[2..].iter().cloned()));
        std::process::exit(postie::command::execute(cli) as i32);
    }
    if let [_, flag, url, n, conns, multi] = args.as_slice()
        && flag == "--as-bare"
    {
        let parse = |v: &str| v.parse::<usize>().expect("a number");
        let took = bare_loop(url, parse(n), parse(conns), multi == "mt");
        println!("{}", took.as_nanos());
        return;
    }
    let large = args.iter().any(|a| a == "--large");
    let runs = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(5)
        .max(1);
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
    let cores = std::thread::available_parallelism().map(|p| p.get()).unwrap_or(0);
    println!("machine: {cores} cores; every figure is the median of {runs} runs\n");

    // Start-up, with and without a script engine: what "after start-up" figures leave out.
    let mut start_ups = [Duration::ZERO; 2];
    for (scripts, slot) in [(true, 0), (false, 1)] {
        let one = write_collection(dir.path(), 1, &base, scripts);
        let (wall, cpu, rss, ok) =
            measure(&["run".into(), one.display().to_string(), "--silent".into()], runs * 2, true);
        start_ups[slot] = wall;
        println!(
            "1 request{}, process start to exit: {:.1} ms wall, {:.1} ms CPU, peak RSS {:.1} MB{}",
            if scripts { " with 2 assertions" } else { ", no scripts" },
            ms(wall),
            ms(cpu),
            rss as f64 / 1024.0,
            if ok { "" } else { "  (run failed!)" }
        );
    }
    println!();

    if args.iter().any(|a| a == "--proxied") {
        proxied_rows(dir.path(), &base, runs);
    }
    if args.iter().any(|a| a == "--large-collection") {
        large_collection_rows(dir.path(), &base, runs);
        return;
    }

    let nginx = start_nginx();
    let mut servers = vec![("in-process minimal server".to_string(), base.clone())];
    match &nginx {
        Some(ng) => servers.push(("nginx (child)".to_string(), format!("http://127.0.0.1:{}", ng.port))),
        None => println!("(no nginx installed: the nginx rows are skipped)\n"),
    }
    for (server, base) in servers {
        let url = format!("{base}/get?n=1");
        let bare_ct = median((0..runs).map(|_| bare_child(&url, n, 1, false, true)).collect());
        let bare_mt = median((0..runs).map(|_| bare_child(&url, n, 1, true, true)).collect());
        // The stricter of the two is the reference for the per-request target.
        let bare_per = ms(bare_ct.min(bare_mt)) / n as f64;
        let bare8 = median((0..runs).map(|_| bare_child(&url, n, 8, true, false)).collect());
        println!("== {server} at {base}");
        println!(
            "bare keep-alive loop, 1 connection, on the server's core: {:.3} ms per request (current-thread runtime), {:.3} ms (multi-thread); reference: {:.3} ms",
            ms(bare_ct) / n as f64,
            ms(bare_mt) / n as f64,
            bare_per
        );
        println!(
            "bare keep-alive loop, 8 connections: {:.0} requests/s (the server's raw limit here)",
            n as f64 / bare8.as_secs_f64()
        );
        println!(
            "{:<46} {:>8} {:>9} {:>10} {:>8} {:>9}",
            "case", "wall ms", "req/s", "ms/request", "CPU ms", "peak RSS"
        );
        let scripted = write_collection(dir.path(), n, &base, true);
        let file = scripted.display().to_string();
        let bare_file = write_collection(dir.path(), n, &base, false).display().to_string();
        // (name, arguments, requests, --silent)
        let mut cases: Vec<(String, Vec<String>, usize, bool)> = vec![
            (
                format!("{n} requests, no scripts, --jobs 1, server's core"),
                vec!["run".into(), bare_file.clone()],
                n,
                true,
            ),
            (format!("{n} requests, 2 assertions, --jobs 1, server's core"), vec!["run".into(), file.clone()], n, true),
            // The default CLI output (to /dev/null), to compare with --silent on the row above.
            (format!("{n} requests, 2 assertions, CLI output"), vec!["run".into(), file.clone()], n, false),
            (
                format!("{n} requests, 2 assertions each, --jobs 8 request"),
                ["run", &file, "--jobs", "8", "--parallel", "request"].map(String::from).to_vec(),
                n,
                true,
            ),
        ];
        // Lane cost: the same 10 000 requests as 10 000 one-request lanes and as 100 lanes of 100.
        let hundred = write_collection(dir.path(), 100, &base, true).display().to_string();
        for unit in ["request", "iteration"] {
            cases.push((
                format!("10 000 requests (100 x 100), --jobs 8 {unit}"),
                ["run", &hundred, "-n", "100", "--jobs", "8", "--parallel", unit].map(String::from).to_vec(),
                10_000,
                true,
            ));
        }
        if large {
            cases.push((
                "100 000 requests (100 iterations), --jobs 8".into(),
                ["run", &bare_file, "-n", "100", "--jobs", "8"].map(String::from).to_vec(),
                100_000,
                true,
            ));
        }
        for (name, mut argv, count, silent) in cases {
            let start_up = if argv.contains(&file) { start_ups[0] } else { start_ups[1] };
            argv.extend(["-r".into(), "cli".into()]);
            if silent {
                argv.push("--silent".into());
            }
            let sequential = argv.iter().all(|a| a != "--jobs");
            // The round trip drifts with the host's load from one second to the next, so
            // each sequential run is paired with a bare loop measured just before it.
            let mut ratios = Vec::new();
            let (wall, cpu, rss, ok) = if sequential {
                let mut all = Vec::new();
                for _ in 0..runs {
                    let bare = bare_child(&url, n, 1, false, true).min(bare_child(&url, n, 1, true, true));
                    let f = run_postie(&argv, true);
                    let after = f.wall.saturating_sub(start_up).as_secs_f64() / count as f64;
                    ratios.push((after / (bare.as_secs_f64() / n as f64) * 1000.0) as u64);
                    all.push(f);
                }
                let ok = all.iter().all(|f| f.ok);
                let rss = all.iter().map(|f| f.peak_rss_kb).max().unwrap_or(0);
                (median(all.iter().map(|f| f.wall).collect()), median(all.iter().map(|f| f.cpu).collect()), rss, ok)
            } else {
                measure(&argv, if count > 10_000 { 1 } else { runs }, false)
            };
            println!(
                "{:<46} {:>8.1} {:>9.0} {:>10.3} {:>8.1} {:>6.1} MB{}",
                name,
                ms(wall),
                count as f64 / wall.as_secs_f64(),
                ms(wall) / count as f64,
                ms(cpu),
                rss as f64 / 1024.0,
                if ok { "" } else { "  (run failed!)" }
            );
            let after = ms(wall.saturating_sub(start_up)) / count as f64;
            if sequential {
                println!(
                    "{:<46} after start-up: {:.3} ms per request; {:.2}x the bare keep-alive round trip (median of runs each paired with a bare loop)",
                    "",
                    after,
                    median(ratios) as f64 / 1000.0
                );
            } else if count == n {
                println!("{:<46} after start-up: {:.0} requests/s", "", 1.0 / (after / 1e3));
            }
        }
        println!();
    }
}

/// tinyproxy as a child on a free loopback port (`None` when it is not installed).
struct Tinyproxy {
    child: std::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_tinyproxy() -> Option<Tinyproxy> {
    let binary = ["/usr/bin/tinyproxy", "/usr/sbin/tinyproxy"].into_iter().find(|p| Path::new(p).exists())?;
    let dir = tempfile::tempdir().ok()?;
    let port = std::net::TcpListener::bind(("127.0.0.1", 0)).ok()?.local_addr().ok()?.port();
    let conf = dir.path().join("tinyproxy.conf");
    let text = format!("Port {port}\nListen 127.0.0.1\nTimeout 30\nAllow 127.0.0.1\nMaxClients 64\nLogLevel Error\n");
    std::fs::write(&conf, text).ok()?;
    let child = Command::new(binary)
        .arg("-d")
        .arg("-c")
        .arg(&conf)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let proxy = Tinyproxy { child, port, _dir: dir };
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(proxy)
}

/// Failed requests in a JSON report (`run.stats.requests.failed`); all of them when unreadable.
fn failed_in(report: &Path, n: usize) -> u64 {
    std::fs::read_to_string(report)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v["run"]["stats"]["requests"]["failed"].as_u64())
        .unwrap_or(n as u64)
}

/// Hurl through the proxy on the same requests, when `hurl` is installed: its wall time.
fn hurl_through(dir: &Path, base: &str, n: usize, proxy: &str, runs: usize) -> Option<Duration> {
    let file = dir.join("bench.hurl");
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!("GET {base}/get?n={i}\nHTTP 200\n[Asserts]\njsonpath \"$.args.n\" == \"{i}\"\n\n"));
    }
    std::fs::write(&file, text).ok()?;
    let mut walls = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let status = Command::new("hurl")
            .args(["--test", "--proxy", proxy])
            .arg(&file)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        walls.push(started.elapsed());
        if !status.success() {
            println!("  (hurl reported failures)");
        }
    }
    Some(median(walls))
}

/// curl fetching the same URLs through the proxy in one process (`-K` config file).
fn curl_through(dir: &Path, base: &str, n: usize, proxy: &str, runs: usize) -> Option<Duration> {
    let config = dir.join("curl.cfg");
    let text: String = (0..n).map(|i| format!("url = \"{base}/get?n={i}\"\noutput = /dev/null\n")).collect();
    std::fs::write(&config, text).ok()?;
    let mut walls = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let status = Command::new("curl").args(["-s", "-x", proxy, "-K"]).arg(&config).status().ok()?;
        walls.push(started.elapsed());
        if !status.success() {
            return None;
        }
    }
    Some(median(walls))
}

/// 1 000 requests with 2 assertions each through tinyproxy and direct, `--jobs 1` and `--jobs 8`.
fn proxied_rows(dir: &Path, base: &str, runs: usize) {
    let n = 1000;
    let Some(proxy) = start_tinyproxy() else {
        println!("(no tinyproxy installed: the proxied rows are skipped; apt-get install tinyproxy-bin)\n");
        return;
    };
    let proxy_url = format!("http://127.0.0.1:{}", proxy.port);
    let file = write_collection(dir, n, base, true).display().to_string();
    let report = dir.join("proxied.json");
    println!("== through tinyproxy at {proxy_url} (it closes client connections after every response)");
    println!("{:<46} {:>8} {:>9} {:>16}", "case", "wall ms", "req/s", "failed requests");
    let mut walls = std::collections::HashMap::new();
    for (route, via) in [("direct", None), ("tinyproxy", Some(proxy_url.as_str()))] {
        for jobs in ["1", "8"] {
            let mut argv: Vec<String> =
                ["run", &file, "--jobs", jobs, "--parallel", "request", "-r", "json"].map(String::from).to_vec();
            argv.extend(["--reporter-json-export".to_string(), report.display().to_string()]);
            if let Some(p) = via {
                argv.extend(["--proxy".to_string(), p.to_string()]);
            }
            let mut all = Vec::new();
            let mut failed = 0;
            for _ in 0..runs {
                all.push(run_postie(&argv, false).wall);
                failed += failed_in(&report, n);
            }
            let wall = median(all);
            walls.insert((route, jobs), wall);
            println!(
                "{:<46} {:>8.1} {:>9.0} {:>16}",
                format!("{n} requests, 2 assertions, {route}, --jobs {jobs}"),
                ms(wall),
                n as f64 / wall.as_secs_f64(),
                format!("{failed} of {}", n * runs)
            );
        }
    }
    for jobs in ["1", "8"] {
        if let (Some(p), Some(d)) = (walls.get(&("tinyproxy", jobs)), walls.get(&("direct", jobs))) {
            println!("--jobs {jobs}: proxied / direct = {:.2}", p.as_secs_f64() / d.as_secs_f64());
        }
    }
    match hurl_through(dir, base, n, &proxy_url, runs) {
        Some(hurl) => {
            let ours = walls.get(&("tinyproxy", "1")).copied().unwrap_or_default();
            println!(
                "hurl --test through the same proxy (sequential): {:.1} ms; postie --jobs 1 / hurl = {:.2}",
                ms(hurl),
                ours.as_secs_f64() / hurl.as_secs_f64()
            );
        }
        None => println!("(no hurl installed: no Hurl row)"),
    }
    // libcurl is Hurl's engine; curl itself is on nearly every machine.
    if let Some(curl) = curl_through(dir, base, n, &proxy_url, runs) {
        let ours = walls.get(&("tinyproxy", "1")).copied().unwrap_or_default();
        println!(
            "curl (libcurl, Hurl's engine) through the same proxy, one process, no assertions: {:.1} ms; postie --jobs 1 / curl = {:.2}",
            ms(curl),
            ours.as_secs_f64() / curl.as_secs_f64()
        );
    }
    println!();
}
