//! merge-reports streams: merging 10 shard reports of 20 000 executions each stays under
//! 64 MB. In a file of its own: a child's peak RSS counts its parent's at fork time, so the
//! measuring test process must be small (no other test running beside it).

mod common;

use std::path::Path;

use common::{postie, tempdir};
use serde_json::{Value, json};

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Writes a synthetic shard report of `n` executions: what merge-reports reads.
fn synthetic_shard(path: &Path, index: usize, total: usize, n: usize) {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    // Iteration lanes: lane k is iteration k, and shard i has every total-th one.
    let lanes: Vec<usize> = (0..n).map(|k| k * total + (index - 1)).collect();
    let block = json!({"index": index, "total": total, "unit": "iteration", "split": "count", "fingerprint": "f",
        "collection": {"name": "big", "id": "b"}, "iterations": n * total, "planned": 1, "lanesTotal": n * total,
        "lanesPerIteration": 1, "laneOfPosition": [0], "lanes": lanes});
    write!(out, "{{\"shard\": {block}, \"collection\": {{\"info\": {{\"name\": \"big\"}}, \"item\": []}}, \"run\": {{\"executions\": [").unwrap();
    for k in 0..n {
        let iteration = k * total + (index - 1);
        if k > 0 {
            out.write_all(b",").unwrap();
        }
        let e = json!({"cursor": {"iteration": iteration, "position": 0}, "item": {"id": "r", "name": "r", "path": "r"},
            "request": {"method": "GET", "url": format!("http://127.0.0.1:9/?i={iteration}"), "header": [], "body": null},
            "response": {"code": 200, "status": "OK", "header": [], "responseTime": 1.0, "responseSize": 2, "httpVersion": "HTTP/1.1", "body": "ok", "truncated": false},
            "assertions": [{"assertion": "ok", "skipped": false}], "console": [], "warnings": [], "skipped": false, "ranPrerequest": false, "ranTest": true, "route": "direct"});
        write!(out, "{e}").unwrap();
    }
    write!(out, "], \"error\": null}}, \"environment\": {{\"values\": []}}, \"globals\": {{\"values\": []}}}}")
        .unwrap();
}

#[test]
#[allow(clippy::zombie_processes)] // reaped by wait4, which clippy cannot see
fn merging_ten_shards_of_twenty_thousand_executions_stays_flat() {
    let dir = tempdir();
    let files: Vec<String> = (1..=10)
        .map(|i| {
            let name = format!("s{i}.json");
            synthetic_shard(&dir.path().join(&name), i, 10, 20_000);
            name
        })
        .collect();
    let mut args = vec!["merge-reports".to_string()];
    args.extend(files);
    // JSON and the terminal: streamed. (JUnit keeps one record per assertion until the end,
    // in a merge as in a run: its XML needs each suite whole.)
    args.extend(["-r", "cli,json", "--reporter-json-export", "m.json"].map(String::from));
    let mut cmd = postie(dir.path());
    cmd.args(&args).stdout(std::process::Stdio::null());
    let child = cmd.spawn().unwrap();
    let mut status = 0;
    // SAFETY: wait4 writes only into the two out-parameters; the pid is our child's.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert!(pid > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "merge failed");
    let report = read_json(&dir.path().join("m.json"));
    let executions = report["run"]["executions"].as_array().unwrap();
    assert_eq!(executions.len(), 200_000);
    assert!(executions.windows(2).all(|w| w[0]["cursor"]["iteration"].as_u64() < w[1]["cursor"]["iteration"].as_u64()));
    let peak_mb = usage.ru_maxrss / 1024;
    assert!(peak_mb < 64, "peak RSS {peak_mb} MB merging 200 000 executions");
}
