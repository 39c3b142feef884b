//! Records Newman's verdicts for the real corpus, the oracle `tests/newman_oracle.rs`
//! compares postie with. Newman is never a dependency of postie: install it in a scratch
//! folder outside the repository and point this at it.
//!
//! ```sh
//! (mkdir -p /tmp/newman && cd /tmp/newman && npm install newman@6.2.2)
//! cargo run --example newman_oracle -- --newman /tmp/newman/node_modules/.bin/newman
//! ```
//! (`-- --only NAME` records the collections whose file name contains NAME.)
//!
//! Each collection of `fixtures/corpus` (the shared corpus, or `--corpus DIR`) runs in Newman
//! against the stand-in (`postie::testkit::StandIn`: every host answered by one local
//! echo, https through CONNECT with certificate checks off), with `--global-var` values for
//! the base-URL variables the collection never defines. Written per collection to
//! `fixtures/oracle/<file stem>.json`: the globals given, every verdict (iteration, item,
//! assertion or script error, pass / fail / skip / error, chai's message with dynamic
//! values masked) and the method, URL, headers and body of every request the stand-in
//! answered.

#[path = "../tests/common/certs.rs"]
#[allow(dead_code)]
mod certs;
#[path = "../tests/common/oracle.rs"]
#[allow(dead_code)]
mod oracle;

use std::path::{Path, PathBuf};
use std::process::Command;

use postie::testkit::StandIn;
use serde_json::{Value, json};

const PROXY_VARS: &[&str] =
    &["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"];

fn arg(args: &[String], flag: &str) -> Option<String> {
    args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned()
}

fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args: Vec<String> = std::env::args().collect();
    let Some(newman) = arg(&args, "--newman") else {
        eprintln!("usage: newman_oracle --newman PATH/TO/node_modules/.bin/newman [--corpus DIR] [--only NAME]");
        std::process::exit(2);
    };
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = arg(&args, "--corpus").map(PathBuf::from).unwrap_or_else(|| here.join("fixtures/corpus"));
    let only = arg(&args, "--only");
    let out_dir = here.join("fixtures/oracle");
    std::fs::create_dir_all(&out_dir).expect("fixtures/oracle");
    let ca = certs::TestCa::new("postie oracle stand-in");
    let leaf = ca.leaf(&["standin.example.test"]);
    let standin = StandIn::start_blocking(&leaf.cert_pem, &leaf.key_pem).expect("stand-in starts");
    standin.allow_no_hits();
    let port = standin.url().rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let scratch = tempfile::tempdir().expect("scratch dir");

    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("the corpus folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| only.as_ref().is_none_or(|o| p.to_string_lossy().contains(o.as_str())))
        .collect();
    files.sort();
    for path in files {
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let text = std::fs::read_to_string(&path).expect("collection text");
        let Ok(collection) = serde_json::from_str::<Value>(oracle::strip_bom(&text)) else {
            println!("{stem}: not JSON, skipped");
            continue;
        };
        let copy = scratch.path().join(format!("{stem}.json"));
        std::fs::write(&copy, oracle::strip_bom(&text)).expect("copy");
        let globals = oracle::base_url_globals(&collection);
        let report_path = scratch.path().join(format!("{stem}.newman.json"));
        let _ = std::fs::remove_file(&report_path);
        standin.clear();
        let mut cmd = Command::new(&newman);
        cmd.arg("run").arg(&copy).args(["--insecure", "--timeout", "120000", "--timeout-request", "15000"]);
        cmd.args(["-r", "json", "--reporter-json-export"]).arg(&report_path);
        for (k, v) in &globals {
            cmd.arg("--global-var").arg(format!("{k}={v}"));
        }
        for var in PROXY_VARS {
            cmd.env_remove(var);
        }
        cmd.env("HTTP_PROXY", standin.url()).env("HTTPS_PROXY", standin.url()).current_dir(scratch.path());
        let started = std::time::Instant::now();
        let output = cmd.output().expect("newman runs");
        let Ok(report) = std::fs::read_to_string(&report_path).map(|t| serde_json::from_str::<Value>(&t)) else {
            println!("{stem}: Newman wrote no report (exit {:?}), skipped", output.status.code());
            continue;
        };
        let Ok(report) = report else {
            println!("{stem}: Newman's report is not JSON, skipped");
            continue;
        };
        let verdicts = oracle::verdicts(&report, port);
        let requests: Vec<Value> = standin.records().iter().map(|r| oracle::request_record(r, port)).collect();
        let record = json!({
            "collection": path.file_name().map(|n| n.to_string_lossy().into_owned()),
            "newman": "6.2.2",
            "globals": globals.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
            "verdicts": verdicts,
            "requests": requests,
        });
        let file = out_dir.join(format!("{stem}.json"));
        let mut text = serde_json::to_string_pretty(&record).expect("json");
        text.push('\n');
        std::fs::write(&file, text).expect("write the recording");
        println!(
            "{stem}: {} verdicts, {} requests, {:.1} s",
            verdicts.len(),
            requests.len(),
            started.elapsed().as_secs_f64()
        );
    }
}
