//! `--shard i/n` and `postie merge-reports`: shards of a plan, merged, give the reports of
//! the unsharded run (timings aside); the split follows earlier timings when given; the
//! shard comes from the CI's variables with `--shard auto`; merge-reports refuses what it
//! cannot merge, naming the files. (Its memory is measured in `tests/merge_memory.rs`.)

mod common;

use std::path::{Path, PathBuf};

use common::{fixture, postie, run, tempdir};
use postie::testkit::EchoServer;
use serde_json::{Value, json};

fn base(api: &EchoServer) -> String {
    format!("base={}", api.url("").trim_end_matches('/'))
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A report without what differs between two runs of the same plan: times, timestamps,
/// the random Postman-Token (echoed in bodies too), export times; scopes sorted by key.
fn normalised(mut report: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                for key in ["responseTime", "time", "timings", "_postman_exported_at", "started", "completed"] {
                    map.remove(key);
                }
                map.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            Value::String(s) => {
                // `"postman-token":"<uuid>"` and a multipart boundary inside an echoed body
                for (marker, len) in [("postman-token\":\"", 36), ("boundary=", 67)] {
                    if let Some(at) = s.find(marker).map(|at| at + marker.len())
                        && s.len() >= at + len
                        && s.is_char_boundary(at + len)
                    {
                        s.replace_range(at..at + len, "SCRUBBED");
                    }
                }
            }
            _ => {}
        }
    }
    for scope in ["environment", "globals"] {
        if let Some(values) = report[scope]["values"].as_array_mut() {
            values.sort_by(|a, b| a["key"].as_str().cmp(&b["key"].as_str()));
        }
    }
    if let Some(map) = report.as_object_mut() {
        map.remove("shard");
        map.remove("shardWrites");
    }
    for e in report["run"]["executions"].as_array_mut().into_iter().flatten() {
        for part in ["request", "response"] {
            if let Some(headers) = e[part]["header"].as_array_mut() {
                headers.retain(|h| {
                    !matches!(h["key"].as_str(), Some(k) if k.eq_ignore_ascii_case("postman-token") || k.eq_ignore_ascii_case("date"))
                });
            }
        }
    }
    walk(&mut report);
    report
}

fn junit_normalised(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    // Attribute values that are times or timestamps.
    let mut cleaned = Vec::new();
    for line in text.lines() {
        let mut l = line.to_string();
        for attr in ["time=\"", "timestamp=\""] {
            while let Some(at) = l.find(attr) {
                let start = at + attr.len();
                let end = l[start..].find('"').map(|e| start + e).unwrap_or(l.len());
                l.replace_range(at..end + 1, "");
            }
        }
        cleaned.push(l);
    }
    cleaned.join("\n")
}

/// The totals table of the CLI output, durations taken out.
/// The totals rows, cell by cell: the table's width follows its longest line (the run's
/// duration among them), so padding is not compared.
fn cli_totals(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| {
            l.contains('│') && ["iterations", "requests", "scripts", "assertions"].iter().any(|k| l.contains(k))
        })
        .map(|l| l.split('│').map(str::trim).filter(|c| !c.is_empty()).collect::<Vec<_>>().join(" | "))
        .collect()
}

struct Case {
    name: &'static str,
    collection: PathBuf,
    flags: Vec<String>,
    units: &'static [&'static str],
}

fn cases() -> Vec<Case> {
    let path = |p: &str| fixture(p).display().to_string();
    vec![
        Case {
            name: "scripts, data-driven",
            collection: fixture("scripts.postman_collection.json"),
            flags: vec!["-d".into(), path("data.csv")],
            units: &["iteration", "folder"],
        },
        Case {
            name: "scripts, 3 iterations",
            collection: fixture("scripts.postman_collection.json"),
            flags: vec!["-d".into(), path("data.csv"), "-n".into(), "3".into()],
            units: &["iteration", "folder"],
        },
        // Its folders hand a cookie to each other (the jar is one per run, as in Newman), so
        // folder lanes on different machines differ by that cookie: iteration lanes only.
        Case {
            name: "requests",
            collection: fixture("requests.postman_collection.json"),
            flags: vec!["-e".into(), path("env.postman_environment.json"), "--working-dir".into(), path("")],
            units: &["iteration"],
        },
    ]
}

#[test]
fn merged_shards_give_the_reports_of_the_unsharded_run() {
    let api = EchoServer::start_blocking();
    for case in cases() {
        for &unit in case.units {
            let what = format!("{} --parallel {unit}", case.name);
            let dir = tempdir();
            let runs = |extra: &[&str]| {
                let mut cmd = postie(dir.path());
                cmd.arg("run").arg(&case.collection).args(&case.flags).arg("--env-var").arg(base(&api));
                cmd.args(["--parallel", unit]).args(extra);
                run(cmd)
            };
            // Unsharded with lanes isolated (--jobs 2), as lanes of different shards are.
            let full = runs(&[
                "--jobs",
                "2",
                "-r",
                "cli,json,junit",
                "--reporter-json-export",
                "full.json",
                "--reporter-junit-export",
                "full.xml",
            ]);
            assert!(full.code <= 1, "{what}: {}", full.all());
            for i in 1..=3 {
                let r = runs(&[
                    "--shard",
                    &format!("{i}/3"),
                    "-r",
                    "json",
                    "--reporter-json-export",
                    &format!("s{i}.json"),
                ]);
                assert!(r.code <= 1, "{what} shard {i}: {}", r.all());
            }
            let mut cmd = postie(dir.path());
            cmd.args(["merge-reports", "s3.json", "s1.json", "s2.json", "-r", "cli,json,junit"]);
            cmd.args(["--reporter-json-export", "merged.json", "--reporter-junit-export", "merged.xml"]);
            let merged = run(cmd);
            assert_eq!(merged.code, full.code, "{what}: exit codes: {}", merged.all());
            let (a, b) = (
                normalised(read_json(&dir.path().join("full.json"))),
                normalised(read_json(&dir.path().join("merged.json"))),
            );
            let (ea, eb) = (a["run"]["executions"].as_array().unwrap(), b["run"]["executions"].as_array().unwrap());
            assert!(!ea.is_empty(), "{what}");
            assert_eq!(ea.len(), eb.len(), "{what}: executions");
            for (i, (x, y)) in ea.iter().zip(eb).enumerate() {
                assert_eq!(x, y, "{what}: execution {i}");
            }
            for key in ["stats", "failures", "transfers", "warnings", "error"] {
                assert_eq!(a["run"][key], b["run"][key], "{what}: run.{key}");
            }
            for key in ["collection", "environment", "globals"] {
                assert_eq!(a[key], b[key], "{what}: {key}");
            }
            assert_eq!(
                junit_normalised(&dir.path().join("full.xml")),
                junit_normalised(&dir.path().join("merged.xml")),
                "{what}: JUnit"
            );
            assert_eq!(cli_totals(&full.stdout), cli_totals(&merged.stdout), "{what}: CLI totals");
            assert!(!cli_totals(&merged.stdout).is_empty(), "{what}: {}", merged.stdout);
        }
    }
}

/// A one-request collection run `n` times: `n` iteration lanes.
fn one_request(dir: &Path, api: &EchoServer) -> PathBuf {
    let path = dir.join("one.json");
    let col = json!({"info": {"name": "one", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{"name": "get", "request": format!("{}?i={{{{$randomInt}}}}", api.url("/get"))}]});
    std::fs::write(&path, col.to_string()).unwrap();
    path
}

fn shard_block(dir: &Path, file: &str) -> Value {
    read_json(&dir.join(file))["shard"].clone()
}

#[test]
fn earlier_timings_give_a_slow_lane_a_shard_with_fewer_lanes() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let col = one_request(dir.path(), &api);
    // An earlier run where iteration 1's request took ten times as long as the others.
    let executions: Vec<Value> = (0..10)
        .map(|i| json!({"cursor": {"iteration": i, "position": 0}, "response": {"responseTime": if i == 0 { 100.0 } else { 10.0 }}}))
        .collect();
    std::fs::write(
        dir.path().join("before.json"),
        json!({"collection": {}, "run": {"executions": executions}}).to_string(),
    )
    .unwrap();
    let mut counts = Vec::new();
    for (i, timed) in [(1, true), (2, true), (1, false), (2, false)] {
        let mut cmd = postie(dir.path());
        cmd.arg("run").arg(&col).args([
            "-n",
            "10",
            "--shard",
            &format!("{i}/2"),
            "-r",
            "json",
            "--reporter-json-export",
            "r.json",
        ]);
        if timed {
            cmd.args(["--shard-timings", "before.json"]);
        }
        assert_eq!(run(cmd).code, 0);
        counts.push(shard_block(dir.path(), "r.json")["lanes"].as_array().unwrap().len());
    }
    assert_eq!(counts, [1, 9, 5, 5], "the slow lane alone on shard 1; by count 5 and 5");
}

#[test]
fn shard_auto_reads_the_ci_variables_and_says_which() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let col = one_request(dir.path(), &api);
    // (the CI's variables, the shard and the source named)
    type Case = (&'static [(&'static str, &'static str)], Option<(u64, u64, &'static str)>);
    let cases: [Case; 4] = [
        (&[("CI_NODE_INDEX", "2"), ("CI_NODE_TOTAL", "3")], Some((2, 3, "GitLab"))),
        (&[("BUILDKITE_PARALLEL_JOB", "0"), ("BUILDKITE_PARALLEL_JOB_COUNT", "2")], Some((1, 2, "Buildkite"))),
        (&[("POSTIE_SHARD", "3/4")], Some((3, 4, "POSTIE_SHARD"))),
        (&[], None),
    ];
    for (vars, expected) in cases {
        let mut cmd = postie(dir.path());
        cmd.arg("run").arg(&col).args([
            "-n",
            "4",
            "--shard",
            "auto",
            "-r",
            "cli,json",
            "--reporter-json-export",
            "r.json",
        ]);
        for var in
            ["CI_NODE_INDEX", "CI_NODE_TOTAL", "BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT", "POSTIE_SHARD"]
        {
            cmd.env_remove(var);
        }
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let r = run(cmd);
        match expected {
            Some((i, n, source)) => {
                assert_eq!(r.code, 0, "{}", r.all());
                let block = shard_block(dir.path(), "r.json");
                assert_eq!((block["index"].as_u64(), block["total"].as_u64()), (Some(i), Some(n)));
                assert!(r.all().contains(source), "{}", r.all());
            }
            None => {
                assert_eq!(r.code, 2, "{}", r.all());
                assert!(r.stderr.contains("no shard in the environment"), "{}", r.stderr);
            }
        }
    }
}

#[test]
fn a_shard_without_lanes_is_an_empty_valid_run() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let col = one_request(dir.path(), &api);
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(&col).args([
        "--shard",
        "3/3",
        "-r",
        "json,junit",
        "--reporter-json-export",
        "r.json",
        "--reporter-junit-export",
        "r.xml",
    ]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    let report = read_json(&dir.path().join("r.json"));
    assert_eq!(report["run"]["executions"].as_array().map(Vec::len), Some(0));
    assert!(std::fs::read_to_string(dir.path().join("r.xml")).unwrap().contains("<testsuites"));
    assert!(api.requests().is_empty());
    api.allow_no_hits();
}

#[test]
fn merge_refuses_what_it_cannot_merge_and_names_the_files() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let col = one_request(dir.path(), &api);
    let shard = |spec: &str, out: &str, extra: &[&str]| {
        let mut cmd = postie(dir.path());
        cmd.arg("run")
            .arg(&col)
            .args(["-n", "4", "--shard", spec, "-r", "json", "--reporter-json-export", out])
            .args(extra);
        let r = run(cmd);
        assert!(r.code <= 1, "{}", r.all());
    };
    shard("1/2", "a1.json", &[]);
    shard("2/2", "a2.json", &[]);
    shard("2/2", "other.json", &["--env-var", "x=changes-the-plan"]);
    std::fs::write(dir.path().join("plain.json"), "{\"collection\": {}, \"run\": {\"executions\": []}}").unwrap();
    let text = std::fs::read_to_string(dir.path().join("a2.json")).unwrap();
    std::fs::write(dir.path().join("cut.json"), &text[..text.len() / 2]).unwrap();
    let merge = |files: &[&str], extra: &[&str]| {
        let mut cmd = postie(dir.path());
        cmd.arg("merge-reports").args(files).args(["-r", "json", "--reporter-json-export", "m.json"]).args(extra);
        run(cmd)
    };
    let cases: [(&[&str], &[&str]); 5] = [
        (&["a1.json", "other.json"], &["a1.json", "other.json", "different plans"]),
        (&["a1.json", "a2.json", "a2.json"], &["shard 2/2 is given twice"]),
        (&["a1.json"], &["shard 2/2 missing", "--allow-partial"]),
        (&["a1.json", "plain.json"], &["plain.json", "not the JSON report of a sharded run"]),
        (&["a1.json", "cut.json"], &["cut.json (shard 2/2) ends early", "interrupted"]),
    ];
    for (files, expected) in cases {
        let r = merge(files, &[]);
        assert_eq!(r.code, 2, "{files:?}: {}", r.all());
        for e in expected {
            assert!(r.stderr.contains(e), "{files:?}: expected {e:?} in {}", r.stderr);
        }
    }
    let partial = merge(&["a1.json"], &["--allow-partial"]);
    assert_eq!(partial.code, 1, "a partial merge is not a pass: {}", partial.all());
    let report = read_json(&dir.path().join("m.json"));
    assert_eq!(report["run"]["executions"].as_array().map(Vec::len), Some(2));
    assert!(report["run"]["error"].as_str().unwrap_or_default().contains("shard 2/2 missing"));
}

#[test]
fn a_shard_stopped_by_sigint_is_named_as_interrupted() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let col = dir.path().join("slow.json");
    let item = json!({"name": "slow", "request": api.url("/delay/3000")});
    std::fs::write(&col, json!({"info": {"name": "slow", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": [item]}).to_string()).unwrap();
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(&col).args(["-n", "2", "--shard", "1/2", "-r", "json", "--reporter-json-export", "s1.json"]);
    cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    let mut child = cmd.spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    // SAFETY: kill only signals our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let _ = child.wait();
    let mut cmd = postie(dir.path());
    cmd.args(["merge-reports", "s1.json", "--allow-partial", "-r", "json", "--reporter-json-export", "m.json"]);
    let r = run(cmd);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stderr.contains("s1.json") && r.stderr.contains("interrupted"), "{}", r.stderr);
}

#[test]
fn folder_lanes_with_root_requests_merge_in_the_run_s_order() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    // Root requests share one lane, which comes before the folder's: Login, Cleanup, Users.
    let req = |name: &str| json!({"name": name, "request": api.url(&format!("/get?r={name}"))});
    let col = json!({"info": {"name": "order", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [req("Login"), {"name": "Users", "item": [req("List"), req("Show")]}, req("Cleanup")]});
    std::fs::write(dir.path().join("c.json"), col.to_string()).unwrap();
    let names = |file: &str| -> Vec<String> {
        read_json(&dir.path().join(file))["run"]["executions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["item"]["name"].as_str().unwrap().to_string())
            .collect()
    };
    let mut cmd = postie(dir.path());
    cmd.args([
        "run",
        "c.json",
        "-n",
        "2",
        "--parallel",
        "folder",
        "--jobs",
        "2",
        "-r",
        "json",
        "--reporter-json-export",
        "full.json",
    ]);
    assert_eq!(run(cmd).code, 0);
    for i in 1..=2 {
        let mut cmd = postie(dir.path());
        cmd.args(["run", "c.json", "-n", "2", "--parallel", "folder", "--shard", &format!("{i}/2"), "-r", "json"]);
        cmd.args(["--reporter-json-export", &format!("s{i}.json")]);
        assert_eq!(run(cmd).code, 0);
    }
    let mut cmd = postie(dir.path());
    cmd.args(["merge-reports", "s2.json", "s1.json", "-r", "json", "--reporter-json-export", "merged.json"]);
    assert_eq!(run(cmd).code, 0);
    assert_eq!(names("full.json"), names("merged.json"));
    assert_eq!(&names("merged.json")[..4], ["Login", "Cleanup", "List", "Show"]);

    // A shard split by other timings than the rest, and an output over an input, are refused.
    std::fs::write(dir.path().join("t.json"), json!({"run": {"executions": []}}).to_string()).unwrap();
    let mut cmd = postie(dir.path());
    cmd.args(["run", "c.json", "-n", "2", "--parallel", "folder", "--shard", "2/2", "--shard-timings", "t.json"]);
    cmd.args(["-r", "json", "--reporter-json-export", "timed.json"]);
    assert_eq!(run(cmd).code, 0);
    for (files, expected) in [
        (["s1.json", "timed.json"], "different plans (split"),
        (["s1.json", "s2.json"], "is one of the reports being merged"),
    ] {
        let mut cmd = postie(dir.path());
        let out = if expected.contains("being merged") { "s2.json" } else { "m.json" };
        cmd.arg("merge-reports").args(files).args(["-r", "json", "--reporter-json-export", out]);
        let r = run(cmd);
        assert_eq!(r.code, 2, "{}", r.all());
        assert!(r.stderr.contains(expected), "{}", r.stderr);
    }
}
