//! The HTML report in a real headless Chromium, offline: it shows the same totals and
//! failures as the JSON report of the same run, its controls work, and it loads nothing
//! and logs no error. Screenshots are kept under `target/tmp/html-report/`.

mod common;

use common::{chromium, fixture, postie, run, tempdir};
use postie::testkit::EchoServer;
use serde_json::Value;

/// Runs `collection` against a fresh echo API with the JSON and HTML reporters.
fn run_with_reports(collection: &str, extra: &[&str]) -> (tempfile::TempDir, Value, common::RunResult) {
    let api = EchoServer::start_blocking();
    api.allow_no_hits();
    let dir = tempdir();
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(fixture(collection));
    cmd.arg("--env-var").arg(format!("base={}", api.url("").trim_end_matches('/')));
    cmd.args(["-r", "cli,json,html", "--reporter-json-export", "r.json", "--reporter-html-export", "r.html"]);
    cmd.args(extra);
    let r = run(cmd);
    let report = serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    (dir, report, r)
}

fn screenshot_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report").join(format!("{name}.png"))
}

/// What the page shows, read from the DOM after its script ran.
const READ_PAGE: &str = r#"(() => {
  const v = id => { const e = document.querySelector('#stat-' + id + ' .value'); return e ? e.textContent : null; };
  return {
    iterations: v('iterations'), requests: v('requests'), failedAssertions: v('assertions-failed'),
    passedAssertions: v('assertions-passed'), requestErrors: v('request-errors'), scriptErrors: v('script-errors'),
    failureItems: document.querySelectorAll('#failures li.failure').length,
    failuresText: document.querySelector('#failures').textContent,
    rows: Number(document.documentElement.getAttribute('data-rows')),
    listed: document.querySelectorAll('#list details.ex').length,
    verdict: document.getElementById('verdict').textContent.trim(),
    exitCode: document.getElementById('exit-code').textContent,
    shown: document.getElementById('f-shown').textContent,
  };
})()"#;

fn check_against_json(page: &Value, report: &Value) {
    let stats = &report["run"]["stats"];
    assert_eq!(page["iterations"], stats["iterations"]["total"].to_string());
    assert_eq!(page["requests"], stats["requests"]["total"].to_string());
    assert_eq!(page["requestErrors"], stats["requests"]["failed"].to_string());
    assert_eq!(page["failedAssertions"], stats["assertions"]["failed"].to_string());
    let script_errors =
        stats["testScripts"]["failed"].as_u64().unwrap() + stats["prerequestScripts"]["failed"].as_u64().unwrap();
    assert_eq!(page["scriptErrors"], script_errors.to_string());
    let failures = report["run"]["failures"].as_array().unwrap();
    assert_eq!(page["failureItems"], failures.len());
    let text = page["failuresText"].as_str().unwrap();
    for f in failures {
        let message = f["error"]["message"].as_str().unwrap();
        // the DOM's text content has the message as written (whitespace as is)
        assert!(text.contains(message), "failure message missing from the page: {message}");
    }
    let executions = report["run"]["executions"].as_array().unwrap().len();
    assert_eq!(page["rows"], executions);
    assert_eq!(page["listed"], executions.min(100));
    let verdict = if failures.is_empty() { "Passed".to_string() } else { format!("{} failed", failures.len()) };
    assert_eq!(page["verdict"], verdict);
}

#[test]
fn the_scripts_fixture_report_renders_offline_with_the_json_reports_figures() {
    let (dir, report, r) =
        run_with_reports("scripts.postman_collection.json", &["-d", &fixture("data.csv").to_string_lossy()]);
    assert_eq!(r.code, 1, "the fixture has failing assertions: {}", r.all());
    assert!(r.stdout.contains("HTML report: r.html"), "{}", r.stdout);
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    for attr in
        ["src=\"http", "href=\"http", "url(http", "src='http", "href='http", "url(\"http", "url('http", "//fonts"]
    {
        assert!(!html.contains(attr), "the page refers to a remote asset: {attr}");
    }
    let Some(mut browser) = chromium::start() else { return };
    let url = format!("file://{}", dir.path().join("r.html").display());
    browser.open(&url, "document.documentElement.getAttribute('data-ready') === '1'");
    let page = browser.eval(READ_PAGE);
    check_against_json(&page, &report);
    assert_eq!(page["exitCode"], "1");
    browser.screenshot(&screenshot_path("scripts"), true);
    if std::env::var_os("UPDATE_SCREENSHOT").is_some() {
        browser.screenshot(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/html-report.png"), false);
    }

    // "Failed only" lists exactly the executions with a failure
    let failed_executions: std::collections::BTreeSet<(u64, u64)> = report["run"]["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["cursor"]["iteration"].as_u64().unwrap(), f["cursor"]["position"].as_u64().unwrap()))
        .collect();
    let listed = browser
        .eval("document.getElementById('f-failed').click(); document.querySelectorAll('#list details.ex').length");
    assert_eq!(listed, failed_executions.len());
    assert_eq!(browser.eval("document.querySelectorAll('#list details.ex:not(.failed)').length"), 0);
    // free-text search over names and URLs, then nothing
    browser.eval("document.getElementById('f-failed').click(); const s = document.getElementById('f-search'); s.value = 'no-such-request-anywhere'; s.dispatchEvent(new Event('input')); true");
    browser.wait_for("document.getElementById('list').textContent.includes('No execution matches')");
    assert_eq!(browser.eval("document.querySelectorAll('#list details.ex').length"), 0);

    // a failure's link opens the execution it came from (from the filtered-empty list: the
    // link clears the filters to show it), and that execution shows the failure's message
    let failures = report["run"]["failures"].as_array().unwrap();
    for k in [0, failures.len() - 1] {
        let href =
            browser.eval(&format!("document.querySelectorAll('#failures li.failure a')[{k}].getAttribute('href')"));
        let id = href.as_str().unwrap().trim_start_matches('#').to_string();
        browser.eval(&format!("document.querySelectorAll('#failures li.failure a')[{k}].click(); true"));
        browser.wait_for(&format!(
            "(d => !!d && d.open && !!d.querySelector('.body').firstChild)(document.getElementById('{id}'))"
        ));
        let opened = browser.eval(&format!(
            "(d => ({{ failed: d.classList.contains('failed'), text: d.textContent }}))(document.getElementById('{id}'))"
        ));
        assert_eq!(opened["failed"], true, "{id} is a failed execution");
        let message = failures[k]["error"]["message"].as_str().unwrap();
        assert!(opened["text"].as_str().unwrap().contains(message), "{id} shows `{message}`");
    }
    let problems = browser.problems();
    assert!(problems.is_empty(), "the page logged errors or tried to load something: {problems:?}");
}

#[test]
fn a_run_with_request_errors_renders_its_failures_and_list() {
    let (dir, report, r) = run_with_reports("request-errors.postman_collection.json", &["-x"]);
    assert_eq!(r.code, 0, "-x: {}", r.all());
    assert!(!report["run"]["failures"].as_array().unwrap().is_empty());
    let Some(mut browser) = chromium::start() else { return };
    let url = format!("file://{}", dir.path().join("r.html").display());
    browser.open(&url, "document.documentElement.getAttribute('data-ready') === '1'");
    let page = browser.eval(READ_PAGE);
    check_against_json(&page, &report);
    assert_eq!(page["exitCode"], "0", "the header shows the exit code -x gives");
    browser.screenshot(&screenshot_path("request-errors"), true);
    // every execution's details render (headers, bodies, errors) without a script error
    browser.eval("document.querySelectorAll('#list details.ex').forEach(d => d.open = true); true");
    browser.wait_for("[...document.querySelectorAll('#list details.ex .body')].every(b => b.firstChild)");
    let text = browser.eval("document.getElementById('list').textContent");
    for f in report["run"]["failures"].as_array().unwrap() {
        let message = f["error"]["message"].as_str().unwrap();
        assert!(text.as_str().unwrap().contains(message), "the execution details show {message}");
    }
    let problems = browser.problems();
    assert!(problems.is_empty(), "the page logged errors or tried to load something: {problems:?}");

    // with JavaScript off, the header, totals and failure list are all there
    browser.call("Emulation.setScriptExecutionDisabled", serde_json::json!({ "value": true }));
    browser.open(&url, "document.readyState === 'complete'");
    let page = browser.eval(READ_PAGE_STATIC);
    let failures = report["run"]["failures"].as_array().unwrap();
    assert_eq!(page["failureItems"], failures.len());
    assert_eq!(page["requests"], report["run"]["stats"]["requests"]["total"].to_string());
    assert_eq!(page["ready"], Value::Null, "the page's script did not run");
    assert_eq!(page["controlsHidden"], true, "the list's controls stay hidden without JavaScript");
}

/// What a page without JavaScript shows.
const READ_PAGE_STATIC: &str = r#"({
  failureItems: document.querySelectorAll('#failures li.failure').length,
  requests: document.querySelector('#stat-requests .value').textContent,
  ready: document.documentElement.getAttribute('data-ready'),
  controlsHidden: document.getElementById('controls').hidden,
})"#;

#[test]
fn merge_reports_writes_the_html_report_of_the_whole_run() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    for shard in ["1/2", "2/2"] {
        let mut cmd = postie(dir.path());
        cmd.arg("run").arg(fixture("requests.postman_collection.json"));
        cmd.arg("--env-var").arg(format!("base={}", api.url("").trim_end_matches('/')));
        let name = format!("shard-{}.json", &shard[..1]);
        cmd.args(["--shard", shard, "-x", "-r", "json", "--reporter-json-export", &name]);
        let r = run(cmd);
        assert_eq!(r.code, 0, "{}", r.all());
    }
    let mut cmd = postie(dir.path());
    cmd.args(["merge-reports", "shard-1.json", "shard-2.json", "-x", "-r", "json,html"]);
    cmd.args(["--reporter-json-export", "all.json", "--reporter-html-export", "reports/"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    let html: Vec<_> = std::fs::read_dir(dir.path().join("reports")).unwrap().flatten().map(|e| e.path()).collect();
    assert_eq!(html.len(), 1, "a folder gets one timestamped file");
    let text = std::fs::read_to_string(&html[0]).unwrap();
    let merged: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("all.json")).unwrap()).unwrap();
    let rows = text.matches("\"k\":").count();
    assert_eq!(rows, merged["run"]["executions"].as_array().unwrap().len());
    let name = merged["collection"]["info"]["name"].as_str().unwrap();
    assert!(text.contains(&format!("<h1>{name}</h1>")), "the merged page is headed by the collection's name");
}

#[test]
fn without_a_path_the_report_goes_to_postie_reports_and_its_path_is_printed() {
    let api = EchoServer::start_blocking();
    let dir = tempdir();
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(fixture("requests.postman_collection.json"));
    cmd.arg("--env-var").arg(format!("base={}", api.url("").trim_end_matches('/')));
    cmd.args(["-x", "-r", "cli,html"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    let files: Vec<_> =
        std::fs::read_dir(dir.path().join("postie-reports")).unwrap().flatten().map(|e| e.path()).collect();
    assert_eq!(files.len(), 1);
    let name = files[0].file_name().unwrap().to_string_lossy().to_string();
    assert!(name.ends_with("Z.html"), "{name}");
    assert!(r.stdout.contains(&format!("HTML report: postie-reports/{name}")), "{}", r.stdout);
    // --silent: the file is still written, nothing is printed
    let mut cmd = postie(dir.path());
    cmd.arg("run").arg(fixture("requests.postman_collection.json"));
    cmd.arg("--env-var").arg(format!("base={}", api.url("").trim_end_matches('/')));
    cmd.args(["-x", "-r", "html", "--silent", "--reporter-html-export", "quiet.html"]);
    let r = run(cmd);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(dir.path().join("quiet.html").is_file());
}

/// The harness itself: a page that fetches an asset or logs an error is caught, so a
/// clean `problems()` above means something.
#[test]
fn the_offline_browser_catches_a_page_that_reaches_out() {
    let Some(mut browser) = chromium::start() else { return };
    let dir = tempdir();
    let page = dir.path().join("bad.html");
    std::fs::write(
        &page,
        "<html><body><img src=\"http://assets.example/logo.png\"><script>console.error('boom'); document.documentElement.setAttribute('data-ready','1');</script></body></html>",
    )
    .unwrap();
    browser.open(&format!("file://{}", page.display()), "document.documentElement.getAttribute('data-ready') === '1'");
    browser.wait_for("performance.getEntriesByType('resource').length > 0 || document.images[0].complete");
    let problems = browser.problems();
    assert!(problems.iter().any(|p| p.contains("console.error")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("request to http://assets.example/logo.png")), "{problems:?}");
}
