//! The JSON and HTML reporters' memory stays flat: 20 000 executions stream through each
//! while a counting allocator watches the live heap. Its own test binary, because the
//! allocator counts the whole process; the two tests take turns for the same reason.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use postie::report::{
    AssertionRecord, AssertionStatus, Cursor, Execution, HtmlOptions, HtmlReporter, JsonReporter, Reporter,
    ResponseRecord, SentRequest, Summary,
};

/// One test measures at a time: the counter sees every thread's allocations.
static SERIAL: Mutex<()> = Mutex::new(());

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn execution() -> Execution {
    Execution {
        cursor: Cursor { iteration: 0, position: 0 },
        item_id: "item-a".into(),
        item_name: "Create order".into(),
        full_name: "Orders / Create order".into(),
        request: Some(SentRequest {
            method: "POST".into(),
            url: "http://127.0.0.1:9/orders".into(),
            headers: vec![("Accept".into(), "*/*".into())],
            body: Some("{\"qty\":1}".into()),
            body_truncated: false,
        }),
        response: Some(ResponseRecord {
            code: 200,
            reason: "OK".into(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: vec![b'x'; 4096],
            time: Duration::from_millis(3),
            size: 4096,
            http_version: "1.1".into(),
            tls: None,
            warnings: Vec::new(),
            reconnected: false,
            body_truncated: false,
        }),
        error: None,
        route: "direct".into(),
        route_rule: "no proxy configured".into(),
        attempts: Vec::new(),
        side_requests: Vec::new(),
        challenge: None,
        assertions: vec![AssertionRecord { name: "ok".into(), status: AssertionStatus::Passed, error: None }],
        script_errors: Vec::new(),
        console: Vec::new(),
        ran_prerequest: false,
        ran_test: true,
        skipped: false,
        warnings: Vec::new(),
        secrets: Vec::new(),
    }
}

#[test]
fn json_live_heap_does_not_grow_with_executions() {
    let _turn = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    let collection =
        postie::collection::RawDocument::from_value(&serde_json::json!({ "info": { "name": "memory" }, "item": [] }));
    let mut reporter = JsonReporter::new(&path, &collection, &postie::report::Redactor::new(true), 1024, None).unwrap();
    let mut e = execution();
    let mut stream = |reporter: &mut JsonReporter, from: usize, to: usize| {
        for i in from..to {
            e.cursor = Cursor { iteration: i / 20, position: i % 20 };
            reporter.execution(&e).unwrap();
        }
    };
    // warm up: buffers and the per-position source table reach their size
    stream(&mut reporter, 0, 1_000);
    let after_warm_up = LIVE.load(Ordering::Relaxed);
    stream(&mut reporter, 1_000, 20_000);
    let after_all = LIVE.load(Ordering::Relaxed);
    let grown = after_all - after_warm_up;
    assert!(grown < 16 * 1024, "19 000 more executions grew the heap by {grown} bytes");
    assert_eq!(reporter.written_executions(), 20_000);
    reporter.done(&Summary::new(UNIX_EPOCH)).unwrap();
    drop(reporter);
    let written = std::fs::metadata(&path).unwrap().len();
    assert!(written > 20_000 * 1024, "each execution carries its capped 1 KiB body: {written} bytes");
}

#[test]
fn html_live_heap_does_not_grow_with_executions() {
    let _turn = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    let options = HtmlOptions { body_limit: 1024, suppress_exit_code: false, announce: false };
    let mut reporter = HtmlReporter::new(&path, "memory", options).unwrap();
    let mut e = execution();
    let mut stream = |reporter: &mut HtmlReporter, from: usize, to: usize| {
        for i in from..to {
            e.cursor = Cursor { iteration: i / 20, position: i % 20 };
            // every 50th fails, so the timeline's failure marks are part of the run
            e.assertions[0].status = if i % 50 == 0 { AssertionStatus::Failed } else { AssertionStatus::Passed };
            reporter.execution(&e).unwrap();
        }
    };
    // warm up: the timeline's bins and the latency histogram reach their size
    stream(&mut reporter, 0, 1_000);
    let after_warm_up = LIVE.load(Ordering::Relaxed);
    stream(&mut reporter, 1_000, 20_000);
    let grown = LIVE.load(Ordering::Relaxed) - after_warm_up;
    assert!(grown < 16 * 1024, "19 000 more executions grew the heap by {grown} bytes");
    reporter.done(&Summary::new(UNIX_EPOCH)).unwrap();
    drop(reporter);
    let html = std::fs::read_to_string(&path).unwrap();
    assert_eq!(html.matches("\"k\":").count(), 20_000, "every execution is in the page");
    assert!(html.trim_end().ends_with("</html>"));
}
