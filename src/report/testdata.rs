//! Synthetic runs for the reporters' tests: fixed times and ids, so reports are
//! byte-for-byte reproducible and can be compared with golden files.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::event::*;
use super::reporter::Reporter;
use super::stats::Summary;

/// 2025-05-01T09:00:00.000Z
pub fn started() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_746_090_000)
}

pub fn info(iterations: usize, planned: usize) -> RunInfo {
    RunInfo {
        collection_name: "Shop API".to_string(),
        collection_id: "c0ffee00-0000-4000-8000-000000000001".to_string(),
        started: started(),
        iterations,
        planned,
    }
}

pub fn pass(name: &str) -> AssertionRecord {
    AssertionRecord { name: name.to_string(), status: AssertionStatus::Passed, error: None }
}

pub fn fail(name: &str, message: &str) -> AssertionRecord {
    AssertionRecord {
        name: name.to_string(),
        status: AssertionStatus::Failed,
        error: Some(("AssertionError".to_string(), message.to_string())),
    }
}

pub fn skip(name: &str) -> AssertionRecord {
    AssertionRecord { name: name.to_string(), status: AssertionStatus::Skipped, error: None }
}

pub fn script_error(phase: ScriptPhase, name: &str, message: &str) -> ScriptErrorRecord {
    ScriptErrorRecord {
        phase,
        origin: "request \"x\"".to_string(),
        name: name.to_string(),
        message: message.to_string(),
        line: Some(3),
    }
}

/// A sent request that got `code` back after `ms` milliseconds with `body`.
pub fn exec(iteration: usize, position: usize, id: &str, full_name: &str, ms: u64, body: &[u8]) -> Execution {
    let item_name = full_name.rsplit(" / ").next().unwrap_or(full_name).to_string();
    Execution {
        cursor: Cursor { iteration, position },
        item_id: id.to_string(),
        item_name,
        full_name: full_name.to_string(),
        request: Some(SentRequest {
            method: "POST".to_string(),
            url: format!("http://127.0.0.1:9/{id}"),
            headers: vec![("Content-Type".to_string(), "application/json".to_string())],
            body: Some("{\"qty\":1}".to_string()),
            body_truncated: false,
        }),
        response: Some(ResponseRecord {
            code: 200,
            reason: "OK".to_string(),
            headers: vec![("Content-Type".to_string(), "application/json".to_string())],
            body: body.to_vec(),
            time: Duration::from_millis(ms),
            size: body.len() as u64,
            http_version: "1.1".to_string(),
            tls: None,
            warnings: Vec::new(),
            reconnected: false,
            body_truncated: false,
        }),
        error: None,
        route: "direct".to_string(),
        route_rule: "no proxy configured".to_string(),
        attempts: Vec::new(),
        side_requests: Vec::new(),
        challenge: None,
        assertions: Vec::new(),
        script_errors: Vec::new(),
        console: Vec::new(),
        ran_prerequest: true,
        ran_test: true,
        skipped: false,
        warnings: Vec::new(),
        secrets: Vec::new(),
    }
}

/// Like `exec`, but the request failed on the way: no response.
pub fn exec_error(
    iteration: usize,
    position: usize,
    id: &str,
    full_name: &str,
    kind: &str,
    message: &str,
) -> Execution {
    let mut e = exec(iteration, position, id, full_name, 0, b"");
    e.response = None;
    e.error = Some(RequestError::new(kind, message));
    e.route = "proxy http://***:***@127.0.0.1:3128".to_string();
    e.route_rule = "custom proxy".to_string();
    e.ran_test = false;
    e
}

fn set_status(e: &mut Execution, code: u16, reason: &str) {
    if let Some(r) = &mut e.response {
        r.code = code;
        r.reason = reason.to_string();
    }
}

/// Two iterations over four requests, covering every kind of outcome once or more.
pub fn mixed_run() -> (RunInfo, Vec<Execution>) {
    let order = "Orders / Create order";
    let health = "Health";
    let delete = "Orders / Admin / Delete order";
    let skipped_name = "Orders / Legacy export";
    let mut runs = Vec::new();
    for it in 0..2 {
        let mut a = exec(it, 0, "item-a", order, 120 + it as u64 * 10, b"{\"id\":\"o-1\"}");
        set_status(&mut a, 201, "Created");
        a.assertions.push(pass("status is 201"));
        if it == 0 {
            a.assertions.push(fail("has order id", "expected undefined to be a string"));
        } else {
            a.assertions.push(pass("has order id"));
        }
        a.assertions.push(skip("legacy check"));
        a.console.push(ConsoleRecord {
            level: "log".to_string(),
            text: format!("created in iteration {it}"),
            phase: ScriptPhase::Test,
        });
        runs.push(a);

        if it == 0 {
            runs.push(exec_error(it, 1, "item-b", health, "ConnectionRefused", "connect ECONNREFUSED 127.0.0.1:9"));
        } else {
            let mut b = exec(it, 1, "item-b", health, 5, b"ok");
            b.assertions.push(pass("is up"));
            runs.push(b);
        }

        let mut c = exec(it, 2, "item-c", delete, 40, b"\xff\xfe\x00binary");
        set_status(&mut c, 500, "Internal Server Error");
        c.assertions.push(fail("quotes <&> \"'", "expected 500 to equal 204\nsecond line\u{1}"));
        if it == 0 {
            c.script_errors.push(script_error(ScriptPhase::Test, "TypeError", "Cannot read properties of undefined"));
        } else {
            c.script_errors.push(script_error(ScriptPhase::PreRequest, "ReferenceError", "token is not defined"));
            c.script_errors.push(script_error(ScriptPhase::PreRequest, "ReferenceError", "user is not defined"));
        }
        runs.push(c);

        let mut d = exec(it, 3, "item-d", skipped_name, 0, b"");
        d.request = None;
        d.response = None;
        d.skipped = true;
        d.route_rule = String::new();
        d.ran_test = false;
        runs.push(d);
    }
    (info(2, 4), runs)
}

/// One iteration where everything passes.
pub fn passing_run() -> (RunInfo, Vec<Execution>) {
    let mut a = exec(0, 0, "item-a", "Orders / Create order", 87, b"{\"id\":\"o-1\"}");
    a.assertions = vec![pass("status is 201"), pass("has order id")];
    let mut b = exec(0, 1, "item-b", "Health", 3, b"ok");
    b.assertions = vec![pass("is up")];
    (info(1, 2), vec![a, b])
}

/// Feeds a run to a reporter the way the dispatcher does and returns the summary it got.
pub fn drive(reporter: &mut dyn Reporter, info: &RunInfo, executions: &[Execution]) -> Summary {
    let mut summary = Summary::new(info.started);
    reporter.start(info).unwrap();
    for e in executions {
        summary.record(e);
        reporter.execution(e).unwrap();
    }
    summary.stats.iterations.total = info.iterations as u64;
    summary.completed = info.started + Duration::from_millis(1_500);
    reporter.done(&summary).unwrap();
    summary
}

/// Compares `actual` with the golden file `fixtures/golden/<name>`; `UPDATE_GOLDEN=1`
/// rewrites the file instead.
pub fn assert_golden(name: &str, actual: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1 to create it)", path.display()));
    if expected != actual {
        let line = expected.lines().zip(actual.lines()).position(|(a, b)| a != b).unwrap_or(0);
        panic!(
            "{name} differs from the golden file at line {}:\n  expected: {:?}\n  actual:   {:?}\n(UPDATE_GOLDEN=1 rewrites it)",
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line),
        );
    }
}
