//! Writes the collected suites as JUnit XML (Jenkins / GitLab / GitHub flavour) with
//! quick-xml: `testsuites` > `testsuite` > `testcase` > `failure` | `error` | `skipped`.
//! Everything that reaches the file goes through `clean`, because XML 1.0 cannot carry
//! most control characters and a test message may contain any of them.

use std::borrow::Cow;
use std::io::{self, Write};
use std::time::Duration;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::model::{Counts, Outcome, Suite};

/// Seconds with three decimals, as every JUnit consumer reads them.
pub(super) fn seconds(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// Replaces characters XML 1.0 forbids (C0 controls other than tab/CR/LF, U+FFFE/U+FFFF)
/// with U+FFFD; escaping is quick-xml's job.
pub(super) fn clean(text: &str) -> Cow<'_, str> {
    let bad =
        |c: char| matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}');
    if text.contains(bad) { Cow::Owned(text.replace(bad, "\u{fffd}")) } else { Cow::Borrowed(text) }
}

fn push_counts(start: &mut BytesStart<'_>, c: Counts, time: Duration) {
    start.push_attribute(("tests", c.tests.to_string().as_str()));
    start.push_attribute(("failures", c.failures.to_string().as_str()));
    start.push_attribute(("errors", c.errors.to_string().as_str()));
    start.push_attribute(("skipped", c.skipped.to_string().as_str()));
    start.push_attribute(("time", seconds(time).as_str()));
}

/// The whole document. `timestamp` is the run start in ISO 8601 (UTC).
pub(super) fn write_report(out: impl Write, collection: &str, timestamp: &str, suites: &[Suite]) -> io::Result<()> {
    let mut w = Writer::new_with_indent(out, b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;

    let mut total = Counts::default();
    let mut time = Duration::ZERO;
    for s in suites {
        total += s.counts();
        time += s.time;
    }
    let mut root = BytesStart::new("testsuites");
    root.push_attribute(("name", clean(collection).as_ref()));
    push_counts(&mut root, total, time);
    if suites.is_empty() {
        w.write_event(Event::Empty(root))?;
    } else {
        w.write_event(Event::Start(root))?;
        for s in suites {
            write_suite(&mut w, s, timestamp)?;
        }
        w.write_event(Event::End(BytesEnd::new("testsuites")))?;
    }
    w.get_mut().write_all(b"\n")
}

fn write_suite<W: Write>(w: &mut Writer<W>, s: &Suite, timestamp: &str) -> io::Result<()> {
    let mut start = BytesStart::new("testsuite");
    start.push_attribute(("name", clean(&s.name).as_ref()));
    start.push_attribute(("id", clean(&s.id).as_ref()));
    start.push_attribute(("timestamp", timestamp));
    push_counts(&mut start, s.counts(), s.time);
    if s.cases.is_empty() {
        return w.write_event(Event::Empty(start));
    }
    w.write_event(Event::Start(start))?;
    let classname = clean(&s.name);
    for case in &s.cases {
        let time = seconds(case.time);
        let el = w
            .create_element("testcase")
            .with_attribute(("name", clean(&case.name).as_ref()))
            .with_attribute(("classname", classname.as_ref()))
            .with_attribute(("time", time.as_str()));
        match &case.outcome {
            Outcome::Passed => {
                el.write_empty()?;
            }
            Outcome::Skipped { message } => {
                el.write_inner_content(|w| {
                    w.create_element("skipped").with_attribute(("message", message.as_str())).write_empty()?;
                    Ok(())
                })?;
            }
            Outcome::Failure { message, details } => {
                el.write_inner_content(|w| problem(w, "failure", "AssertionFailure", message, details))?;
            }
            Outcome::Error { kind, message, details } => {
                el.write_inner_content(|w| problem(w, "error", kind, message, details))?;
            }
        }
    }
    w.write_event(Event::End(BytesEnd::new("testsuite")))
}

fn problem<W: Write>(w: &mut Writer<W>, tag: &str, kind: &str, message: &str, details: &str) -> io::Result<()> {
    w.create_element(tag)
        .with_attribute(("type", clean(kind).as_ref()))
        .with_attribute(("message", clean(message).as_ref()))
        .write_text_content(BytesText::new(&clean(details)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_replaces_only_what_xml_forbids() {
        let cases = [
            ("plain", "plain"),
            ("tab\tcr\rlf\n", "tab\tcr\rlf\n"),
            ("nul\u{0}bell\u{7}esc\u{1b}", "nul\u{fffd}bell\u{fffd}esc\u{fffd}"),
            ("nonchar\u{ffff}", "nonchar\u{fffd}"),
            ("<&>\"' ünïcödé 🚀", "<&>\"' ünïcödé 🚀"),
        ];
        for (input, expected) in cases {
            assert_eq!(clean(input), expected, "{input:?}");
        }
    }

    #[test]
    fn seconds_have_three_decimals() {
        let cases = [(0, "0.000"), (1, "0.001"), (1_234, "1.234"), (60_000, "60.000")];
        for (ms, expected) in cases {
            assert_eq!(seconds(Duration::from_millis(ms)), expected);
        }
    }
}
