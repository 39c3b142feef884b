//! JUnit reporter tests: golden files, schema validation with xmllint, and an
//! independent read-back with quick-xml that recounts everything.

use std::collections::HashMap;
use std::path::Path;

use quick_xml::events::Event as XmlEvent;

use super::JunitReporter;
use crate::report::testdata::{self, assert_golden, drive};
use crate::report::{Execution, Reporter, RunInfo};

fn render(info: &RunInfo, runs: &[Execution]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reports/junit.xml");
    let mut r = JunitReporter::new(&path).unwrap();
    drive(&mut r, info, runs);
    drop(r);
    std::fs::read_to_string(&path).unwrap()
}

fn all_runs() -> [(&'static str, String); 3] {
    let (info, runs) = testdata::mixed_run();
    let mixed = render(&info, &runs);
    let (info, runs) = testdata::passing_run();
    let passing = render(&info, &runs);
    let empty = render(&testdata::info(1, 0), &[]);
    [("junit_mixed.xml", mixed), ("junit_passing.xml", passing), ("junit_empty.xml", empty)]
}

#[test]
fn reports_match_the_golden_files() {
    for (name, xml) in all_runs() {
        assert_golden(name, &xml);
    }
}

#[test]
fn reports_validate_against_the_junit_schema() {
    if !xmllint_available() {
        return;
    }
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/junit.xsd");
    let dir = tempfile::tempdir().unwrap();
    for (name, xml) in all_runs() {
        let file = dir.path().join(name);
        std::fs::write(&file, &xml).unwrap();
        let out =
            std::process::Command::new("xmllint").arg("--noout").arg("--schema").arg(&xsd).arg(&file).output().unwrap();
        assert!(out.status.success(), "{name} does not validate:\n{}\n{xml}", String::from_utf8_lossy(&out.stderr));
    }
    // and the schema is not a rubber stamp
    let bad = dir.path().join("bad.xml");
    std::fs::write(&bad, "<testsuites name=\"x\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"1.5\"/>")
        .unwrap();
    let out =
        std::process::Command::new("xmllint").arg("--noout").arg("--schema").arg(&xsd).arg(&bad).output().unwrap();
    assert!(!out.status.success(), "a time with one decimal must be rejected");
}

/// xmllint (Debian: libxml2-utils) is required under CI; elsewhere its absence is a loud skip.
fn xmllint_available() -> bool {
    let found = std::process::Command::new("xmllint").arg("--version").output().is_ok();
    if !found {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(!ci, "xmllint is missing under CI: apt-get install -y libxml2-utils");
        // straight to stderr: the test harness captures `eprintln!` of passing tests
        let notice = "\n!!!!!!!! SKIPPED: xmllint not found, JUnit schema validation did not run !!!!!!!!\n\
                      !!!!!!!! install it with: apt-get install -y libxml2-utils                    !!!!!!!!\n";
        let _ = std::io::Write::write_all(&mut std::io::stderr(), notice.as_bytes());
    }
    found
}

#[derive(Debug, Default)]
struct ParsedCase {
    attrs: HashMap<String, String>,
    /// `failure`, `error` or `skipped`, with its attributes and text.
    outcome: Option<(String, HashMap<String, String>, String)>,
}

#[derive(Debug, Default)]
struct ParsedSuite {
    attrs: HashMap<String, String>,
    cases: Vec<ParsedCase>,
}

/// Reads the report back into plain maps, resolving entities, without any of the writer's code.
fn parse(xml: &str) -> (HashMap<String, String>, Vec<ParsedSuite>) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut root = HashMap::new();
    let mut suites: Vec<ParsedSuite> = Vec::new();
    let mut text: Option<String> = None;
    loop {
        let event = reader.read_event().unwrap();
        let (start, empty) = match &event {
            XmlEvent::Start(e) => (Some(e.clone()), false),
            XmlEvent::Empty(e) => (Some(e.clone()), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            let attrs: HashMap<String, String> = e
                .attributes()
                .map(|a| {
                    let a = a.unwrap();
                    let key = a.key.as_ref().to_string();
                    (key, a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned())
                })
                .collect();
            match e.name().as_ref() {
                "testsuites" => root = attrs,
                "testsuite" => suites.push(ParsedSuite { attrs, ..Default::default() }),
                "testcase" => suites.last_mut().unwrap().cases.push(ParsedCase { attrs, ..Default::default() }),
                tag @ ("failure" | "error" | "skipped") => {
                    let tag = tag.to_string();
                    let case = suites.last_mut().unwrap().cases.last_mut().unwrap();
                    assert!(case.outcome.is_none(), "two outcomes in one testcase");
                    case.outcome = Some((tag, attrs, String::new()));
                    text = (!empty).then(String::new);
                }
                other => panic!("unexpected element {other:?}"),
            }
            continue;
        }
        match event {
            XmlEvent::Text(t) if text.is_some() => text.as_mut().unwrap().push_str(&t.xml10_content()),
            XmlEvent::GeneralRef(r) if text.is_some() => {
                let resolved = match r.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r).unwrap().to_string(),
                };
                text.as_mut().unwrap().push_str(&resolved);
            }
            XmlEvent::End(e) if matches!(e.name().as_ref(), "failure" | "error") => {
                let case = suites.last_mut().unwrap().cases.last_mut().unwrap();
                case.outcome.as_mut().unwrap().2 = text.take().unwrap_or_default();
            }
            XmlEvent::Eof => break,
            _ => {}
        }
    }
    (root, suites)
}

fn count(suite: &ParsedSuite, tag: &str) -> usize {
    suite.cases.iter().filter(|c| c.outcome.as_ref().is_some_and(|o| o.0 == tag)).count()
}

fn attr(attrs: &HashMap<String, String>, key: &str) -> usize {
    attrs[key].parse().unwrap()
}

#[test]
fn read_back_counts_agree_with_the_attributes_and_the_run() {
    let (info, runs) = testdata::mixed_run();
    let (root, suites) = parse(&render(&info, &runs));

    // (name, id, tests, failures, errors, skipped, time), counted from the synthetic run
    let expected = [
        ("Orders / Create order", "item-a", 6, 1, 0, 2, "0.250"),
        ("Health", "item-b", 2, 0, 1, 0, "0.005"),
        ("Orders / Admin / Delete order", "item-c", 5, 2, 3, 0, "0.080"),
        ("Orders / Legacy export", "item-d", 2, 0, 0, 2, "0.000"),
    ];
    assert_eq!(suites.len(), expected.len());
    for (s, (name, id, tests, failures, errors, skipped, time)) in suites.iter().zip(expected) {
        assert_eq!((s.attrs["name"].as_str(), s.attrs["id"].as_str()), (name, id));
        assert_eq!(s.attrs["timestamp"], "2025-05-01T09:00:00.000Z");
        assert_eq!(s.attrs["time"], time, "{name}");
        let counted = (s.cases.len(), count(s, "failure"), count(s, "error"), count(s, "skipped"));
        assert_eq!(counted, (tests, failures, errors, skipped), "{name}: counted from the cases");
        let declared =
            (attr(&s.attrs, "tests"), attr(&s.attrs, "failures"), attr(&s.attrs, "errors"), attr(&s.attrs, "skipped"));
        assert_eq!(declared, counted, "{name}: attributes");
        assert!(s.cases.iter().all(|c| c.attrs["classname"] == name), "{name}: classname is the request path");
    }
    let root_counts = (attr(&root, "tests"), attr(&root, "failures"), attr(&root, "errors"), attr(&root, "skipped"));
    assert_eq!(root_counts, (15, 3, 4, 4));
    assert_eq!(root["name"], "Shop API");
    assert_eq!(root["time"], "0.335");
}

#[test]
fn every_iteration_keeps_its_own_outcome() {
    let (info, runs) = testdata::mixed_run();
    let (_, suites) = parse(&render(&info, &runs));
    let outcome = |suite: usize, name: &str| {
        let case = suites[suite].cases.iter().find(|c| c.attrs["name"] == name).unwrap_or_else(|| panic!("{name}"));
        case.outcome.as_ref().map(|o| o.0.clone())
    };
    let cases = [
        // failed in iteration 1, passed in 2: Newman showed only the pass
        (0, "has order id [iteration 1]", Some("failure")),
        (0, "has order id [iteration 2]", None),
        (0, "legacy check [iteration 2]", Some("skipped")),
        (1, "request error [iteration 1]", Some("error")),
        (1, "is up [iteration 2]", None),
        (2, "test-script error [iteration 1]", Some("error")),
        (2, "prerequest-script error [iteration 2]", Some("error")),
        (2, "prerequest-script error (2) [iteration 2]", Some("error")),
        (3, "request [iteration 1]", Some("skipped")),
    ];
    for (suite, name, expected) in cases {
        assert_eq!(outcome(suite, name).as_deref(), expected, "{name}");
    }
    let names: Vec<&str> = suites[2].cases.iter().map(|c| c.attrs["name"].as_str()).collect();
    assert_eq!(
        names,
        [
            "quotes <&> \"' [iteration 1]",
            "test-script error [iteration 1]",
            "prerequest-script error [iteration 2]",
            "prerequest-script error (2) [iteration 2]",
            "quotes <&> \"' [iteration 2]",
        ],
        "run order within an execution, executions in arrival order"
    );
}

#[test]
fn messages_survive_escaping_and_errors_carry_their_kind() {
    let (info, runs) = testdata::mixed_run();
    let (_, suites) = parse(&render(&info, &runs));
    let (tag, attrs, text) = suites[2].cases[0].outcome.clone().unwrap();
    assert_eq!(tag, "failure");
    assert_eq!(attrs["type"], "AssertionFailure");
    // newline kept, the control character replaced: XML 1.0 cannot carry it
    assert_eq!(attrs["message"], "expected 500 to equal 204\nsecond line\u{fffd}");
    assert!(text.starts_with("AssertionError: expected 500 to equal 204\nsecond line\u{fffd}\n"), "{text}");
    assert!(text.contains("request: Orders / Admin / Delete order\niteration: 1"), "{text}");

    let (tag, attrs, text) = suites[1].cases[0].outcome.clone().unwrap();
    assert_eq!((tag.as_str(), attrs["type"].as_str()), ("error", "ConnectionRefused"));
    assert_eq!(attrs["message"], "connect ECONNREFUSED 127.0.0.1:9");
    assert!(text.contains("route: proxy http://***:***@127.0.0.1:3128"), "{text}");

    let (_, attrs, _) = suites[2].cases[1].outcome.clone().unwrap();
    assert_eq!(
        (attrs["type"].as_str(), attrs["message"].as_str()),
        ("TypeError", "Cannot read properties of undefined")
    );
}

#[test]
fn one_iteration_has_no_suffix_and_case_time_is_the_response_time() {
    let (info, runs) = testdata::passing_run();
    let (root, suites) = parse(&render(&info, &runs));
    let names: Vec<(&str, &str)> =
        suites.iter().flat_map(|s| &s.cases).map(|c| (c.attrs["name"].as_str(), c.attrs["time"].as_str())).collect();
    assert_eq!(names, [("status is 201", "0.087"), ("has order id", "0.087"), ("is up", "0.003")]);
    assert_eq!((attr(&root, "tests"), attr(&root, "failures")), (3, 0));
}

#[test]
fn an_empty_run_is_a_valid_empty_report() {
    let (root, suites) = parse(&render(&testdata::info(1, 0), &[]));
    assert!(suites.is_empty());
    assert_eq!((attr(&root, "tests"), root["time"].as_str()), (0, "0.000"));
}

#[test]
fn dropped_without_done_still_writes_what_was_seen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junit.xml");
    let (info, runs) = testdata::mixed_run();
    let mut r = JunitReporter::new(&path).unwrap();
    r.start(&info).unwrap();
    r.execution(&runs[0]).unwrap();
    drop(r);
    let (root, suites) = parse(&std::fs::read_to_string(&path).unwrap());
    assert_eq!((suites.len(), attr(&root, "tests"), attr(&root, "failures")), (1, 3, 1));
}
