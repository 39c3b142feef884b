//! postie against the recorded Newman oracle: every collection of `fixtures/corpus` that
//! `examples/newman_oracle.rs` recorded in `fixtures/oracle/` runs in postie against the
//! same stand-in with the same globals, and its verdicts and requests are compared with
//! Newman's, one by one. Every difference is printed, grouped by collection.
//!
//! Differences kept on purpose are in `fixtures/oracle/allow-list.json`, each with its
//! reason. Differences not yet fixed are counted per collection in
//! `fixtures/oracle/known-differences.json`: the test fails when a collection differs in
//! more places than recorded there (a regression), and says when it differs in fewer (lower
//! the count: `UPDATE_ORACLE_BASELINE=1` rewrites the file). `POSTIE_ORACLE_BINARY=PATH`
//! measures another build of postie (an older commit's, for before/after figures).

mod common;

use std::collections::BTreeMap;

use common::{certs, fixture, oracle, postie, run, tempdir};
use postie::testkit::StandIn;
use serde_json::Value;

/// What one list has that the other lacks, counted as multisets: scripts that poll with
/// timers and `pm.sendRequest` finish in an order that depends on timing, in Newman as in
/// postie, so order is not compared.
fn unmatched<'a>(a: &'a [Value], b: &[Value]) -> Vec<&'a Value> {
    let mut left: BTreeMap<String, usize> = BTreeMap::new();
    for y in b {
        *left.entry(y.to_string()).or_default() += 1;
    }
    let mut out = Vec::new();
    for x in a {
        match left.get_mut(&x.to_string()) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.push(x),
        }
    }
    out
}

/// Lines for what only Newman had (`-`) and what only postie had (`+`).
fn diff_lines(newman: &[Value], ours: &[Value]) -> Vec<String> {
    let mut lines: Vec<String> = unmatched(newman, ours).iter().map(|n| format!("  - newman: {n}")).collect();
    lines.extend(unmatched(ours, newman).iter().map(|o| format!("  + postie: {o}")));
    lines
}

/// Drops the allowed differences: entries `{collection, item?, name?, reason}` for verdicts,
/// `{collection, method, url, reason}` for requests.
fn allowed(list: &[Value], collection: &str, verdict: &Value) -> bool {
    list.iter().any(|a| {
        a["collection"] == collection
            && a["url"].is_null()
            && (a["item"].is_null() || a["item"] == verdict["item"])
            && (a["name"].is_null() || a["name"] == verdict["name"])
    })
}

fn allowed_request(list: &[Value], collection: &str, request: &Value) -> bool {
    list.iter().any(|a| a["collection"] == collection && a["method"] == request["method"] && a["url"] == request["url"])
}

#[test]
fn postie_gives_newmans_verdicts_and_requests_on_the_corpus() {
    let dir = fixture("oracle");
    let allow: Vec<Value> = std::fs::read_to_string(dir.join("allow-list.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .and_then(|v| v["allowed"].as_array().cloned())
        .unwrap_or_default();
    let known: BTreeMap<String, u64> = std::fs::read_to_string(dir.join("known-differences.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let mut recordings: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| {
            !matches!(p.file_name().and_then(|n| n.to_str()), Some("allow-list.json" | "known-differences.json"))
        })
        .collect();
    recordings.sort();
    assert!(!recordings.is_empty(), "no recordings in fixtures/oracle");

    let ca = certs::TestCa::new("postie oracle stand-in");
    let leaf = ca.leaf(&["standin.example.test"]);
    let standin = StandIn::start_blocking(&leaf.cert_pem, &leaf.key_pem).unwrap();
    let port: u16 = standin.url().rsplit(':').next().unwrap().parse().unwrap();
    let work = tempdir();

    let (mut identical, mut verdicts_total, mut verdicts_matched, mut requests_total, mut requests_matched) =
        (0, 0, 0, 0, 0);
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut report_lines = Vec::new();
    let mut regressions = Vec::new();
    for path in &recordings {
        let recording: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let collection = recording["collection"].as_str().unwrap().to_string();
        standin.clear();
        let mut cmd = postie(work.path());
        if let Some(binary) = std::env::var_os("POSTIE_ORACLE_BINARY") {
            let mut other = std::process::Command::new(binary);
            other.envs(cmd.get_envs().filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))));
            for (k, v) in cmd.get_envs() {
                if v.is_none() {
                    other.env_remove(k);
                }
            }
            other.current_dir(work.path());
            cmd = other;
        }
        cmd.arg("run").arg(fixture("corpus").join(&collection));
        cmd.args(["-k", "--proxy", &standin.url(), "--timeout", "120000", "--timeout-request", "15000"]);
        cmd.args(["-r", "json", "--reporter-json-export", "r.json", "--reporter-no-redact"]);
        for pair in recording["globals"].as_array().unwrap() {
            cmd.arg("--global-var").arg(format!("{}={}", pair[0].as_str().unwrap(), pair[1].as_str().unwrap()));
        }
        let _ = std::fs::remove_file(work.path().join("r.json"));
        let r = run(cmd);
        let report: Value = std::fs::read_to_string(work.path().join("r.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_else(|| panic!("{collection}: postie wrote no report (exit {}):\n{}", r.code, r.all()));
        let mut ours: Vec<Value> =
            oracle::verdicts(&report, port).into_iter().filter(|v| !allowed(&allow, &collection, v)).collect();
        let mut newman: Vec<Value> = recording["verdicts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| !allowed(&allow, &collection, v))
            .cloned()
            .collect();
        let collection_text = std::fs::read_to_string(fixture("corpus").join(&collection)).unwrap_or_default();
        if oracle::makes_up_data(&collection_text) {
            let loosen = |v: &mut Value| {
                if let Some(m) = v["message"].as_str().map(oracle::shape) {
                    v["message"] = Value::String(m);
                }
            };
            ours.iter_mut().for_each(loosen);
            newman.iter_mut().for_each(loosen);
        }
        let made_up = oracle::makes_up_data(&collection_text);
        let our_requests: Vec<Value> = standin
            .records()
            .iter()
            .map(|q| oracle::comparable_request(&oracle::request_record(q, port), made_up))
            .filter(|q| !allowed_request(&allow, &collection, q))
            .collect();
        let their_requests: Vec<Value> =
            recording["requests"].as_array().unwrap().iter().map(|q| oracle::comparable_request(q, made_up)).collect();
        let their_requests = &their_requests;
        let verdict_lines = diff_lines(&newman, &ours);
        let request_lines = diff_lines(their_requests, &our_requests);
        verdicts_total += newman.len();
        verdicts_matched += newman.len() - unmatched(&newman, &ours).len();
        requests_total += their_requests.len();
        requests_matched += their_requests.len() - unmatched(their_requests, &our_requests).len();
        let differences = (verdict_lines.len() + request_lines.len()) as u64;
        if differences == 0 {
            identical += 1;
            continue;
        }
        counts.insert(collection.clone(), differences);
        report_lines.push(format!("{collection}: {differences} differences"));
        report_lines.extend(verdict_lines);
        report_lines.extend(request_lines);
        let baseline = known.get(&collection).copied().unwrap_or(0);
        if differences > baseline {
            regressions.push(format!("{collection}: {differences} differences, {baseline} known"));
        }
    }
    let summary = format!(
        "oracle: {identical} of {} collections identical to Newman; verdicts {verdicts_matched}/{verdicts_total} matched; requests {requests_matched}/{requests_total} matched",
        recordings.len()
    );
    println!("{summary}\n{}", report_lines.join("\n"));
    let improved: Vec<String> = known
        .iter()
        .filter(|(c, n)| counts.get(*c).copied().unwrap_or(0) < **n)
        .map(|(c, n)| format!("{c}: {} differences now, {n} recorded", counts.get(c).copied().unwrap_or(0)))
        .collect();
    if std::env::var_os("UPDATE_ORACLE_BASELINE").is_some() {
        // counts only go down: a regression is fixed, not written into the baseline (a new
        // recording starts from an empty file)
        if !known.is_empty() {
            counts = counts
                .into_iter()
                .filter(|(c, _)| known.contains_key(c))
                .map(|(c, n)| {
                    let old = known[&c];
                    (c, n.min(old))
                })
                .collect();
        }
        let mut text = serde_json::to_string_pretty(&counts).unwrap();
        text.push('\n');
        std::fs::write(dir.join("known-differences.json"), text).unwrap();
        return;
    }
    if !improved.is_empty() {
        println!(
            "fewer differences than recorded (lower the counts: UPDATE_ORACLE_BASELINE=1):\n{}",
            improved.join("\n")
        );
    }
    assert!(regressions.is_empty(), "{summary}\nmore differences from Newman than known:\n{}", regressions.join("\n"));
}

#[test]
fn messages_are_masked_and_shaped() {
    assert_eq!(
        oracle::mask("id 0b925e67-4398-4a8a-96fc-a408ac9cbe06 at 1765000000123 on :4321, got 200", 4321),
        "id <uuid> at <n> on :<port>, got 200"
    );
    assert_eq!(
        oracle::shape("expected undefined to deeply equal 'Jacey' at 394.5"),
        "expected undefined to deeply equal '<s>' at <n>"
    );
}
