//! Robustness against what people really write: every collection of `fixtures/corpus`
//! (98 public collections, see its SOURCES.tsv) loads, runs to the end and writes valid
//! reports, whatever its assertions say. Every request goes to a local stand-in: the
//! recording proxy, which forwards only to loopback and answers anything else with 403,
//! so nothing leaves the machine.

mod common;

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{fixture, postie, run, tempdir};
use postie::testkit::RecordingProxy;

#[test]
fn every_corpus_collection_runs_to_the_end_with_valid_reports() {
    let proxy = RecordingProxy::start_blocking();
    let mut files: Vec<_> = std::fs::read_dir(fixture("corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 98, "the corpus is complete: {}", files.len());
    let next = AtomicUsize::new(0);
    let problems = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(file) = files.get(i) else { break };
                    let dir = tempdir();
                    let mut cmd = postie(dir.path());
                    cmd.arg("run").arg(file).args(["--proxy", &proxy.url(), "--timeout", "20000"]);
                    cmd.args(["--timeout-request", "2000", "--timeout-script", "2000", "-r", "cli,json,junit"]);
                    cmd.args(["--reporter-json-export", "r.json", "--reporter-junit-export", "r.xml"]);
                    let r = run(cmd);
                    let name = file.file_name().unwrap().to_string_lossy().into_owned();
                    let problem = |what: String| problems.lock().unwrap().push(format!("{name}: {what}"));
                    if r.code != 0 && r.code != 1 {
                        problem(format!("exit {}: {}", r.code, r.stderr));
                    }
                    if r.all().contains("panicked") {
                        problem("panicked".into());
                    }
                    match std::fs::read_to_string(dir.path().join("r.json"))
                        .map(|t| serde_json::from_str::<serde_json::Value>(&t))
                    {
                        Ok(Ok(v)) if v["run"]["executions"].is_array() => {}
                        other => problem(format!("bad JSON report: {other:?}")),
                    }
                    match std::fs::read_to_string(dir.path().join("r.xml")) {
                        Ok(xml) => {
                            let mut reader = quick_xml::Reader::from_str(&xml);
                            loop {
                                match reader.read_event() {
                                    Ok(quick_xml::events::Event::Eof) => break,
                                    Ok(_) => {}
                                    Err(e) => {
                                        problem(format!("bad JUnit XML: {e}"));
                                        break;
                                    }
                                }
                            }
                        }
                        Err(e) => problem(format!("no JUnit report: {e}")),
                    }
                }
            });
        }
    });
    let problems = problems.into_inner().unwrap();
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    // the stand-in saw traffic, and refused (403) everything not on loopback
    assert!(!proxy.records().is_empty());
}
