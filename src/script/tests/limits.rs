//! Failures that must never take the host down: syntax errors, throws of any value,
//! timeouts, deep recursion, memory exhaustion. Each case also checks the host still works.

use std::time::{Duration, Instant};

use super::support::*;
use crate::script::*;

fn short_host(timeout_ms: u64, memory: usize) -> ScriptHost {
    ScriptHost::new(ScriptLimits { timeout: Some(Duration::from_millis(timeout_ms)), memory_limit_bytes: memory })
        .expect("host")
}

fn still_works(host: &mut ScriptHost) {
    let outcome = run_test(host, "pm.test('ok', function () { pm.response.to.have.status(200); });");
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(outcome.assertions[0].status, AssertionStatus::Passed);
}

fn only_error(outcome: &ScriptOutcome) -> &ScriptFailure {
    assert_eq!(outcome.errors.len(), 1, "{:?}", outcome.errors);
    &outcome.errors[0]
}

#[test]
fn script_errors_carry_name_message_and_line() {
    // (code, name, message, line)
    let cases: [(&str, &str, Option<&str>, Option<u32>); 6] = [
        ("var a = 1;\nvar b = ;\n", "SyntaxError", None, Some(2)),
        ("\n\nundefinedFunction();", "ReferenceError", Some("undefinedFunction is not defined"), Some(3)),
        ("var x = null;\nx.y;", "TypeError", None, Some(2)),
        ("throw 'plain string';", "Error", Some("plain string"), None),
        ("throw 42;", "Error", Some("42"), None),
        ("throw { code: 1 };", "Error", Some("[object Object]"), None),
    ];
    let mut host = host();
    for (code, name, message, line) in cases {
        let outcome = run_test(&mut host, code);
        let error = only_error(&outcome);
        assert_eq!(error.origin, "script 0", "{code}");
        assert_eq!(error.name, name, "{code}: {error:?}");
        if let Some(message) = message {
            assert_eq!(error.message, message, "{code}");
        }
        assert_eq!(error.line, line, "{code}: {error:?}");
    }
    still_works(&mut host);
}

#[test]
fn a_throw_in_one_script_does_not_stop_the_next() {
    let mut host = host();
    let scripts = ["throw new Error('collection broke');", "pm.test('request-level runs', function () {});"];
    let outcome = host.run(input(ScriptEvent::Test, &scripts, None), &FakeServices::default());
    let error = only_error(&outcome);
    assert_eq!((error.origin.as_str(), error.message.as_str()), ("script 0", "collection broke"));
    assert_eq!(outcome.assertions.len(), 1);
    assert_eq!(outcome.assertions[0].status, AssertionStatus::Passed);
}

#[test]
fn errors_in_callbacks_and_top_level_await_are_script_errors() {
    let mut host = host();
    let scripts =
        ["setTimeout(function () { null.x; }, 1);", "await Promise.resolve(1);\nthrow new RangeError('after await');"];
    let outcome = host.run(input(ScriptEvent::Test, &scripts, None), &FakeServices::default());
    let got: Vec<_> = outcome.errors.iter().map(|e| (e.origin.as_str(), e.name.as_str(), e.line)).collect();
    assert_eq!(got, [("script 0", "TypeError", Some(1)), ("script 1", "RangeError", Some(2))]);
}

#[test]
fn endless_loops_and_timers_time_out() {
    let mut host = short_host(100, 64 << 20);
    let cases = [
        "while (true) {}",
        "try { while (true) {} } catch (e) {} ",
        "pm.test('spins', function () { for (;;) {} });",
        "setTimeout(function () {}, 60000);",
        "setInterval(function () {}, 1);",
        "(function loop() { Promise.resolve().then(loop); })();",
    ];
    for code in cases {
        let started = Instant::now();
        let outcome = run_test(&mut host, code);
        let elapsed = started.elapsed();
        let error = outcome
            .errors
            .iter()
            .find(|e| e.message == "Script timed out after 100 ms")
            .unwrap_or_else(|| panic!("{code}: {:?}", outcome.errors));
        assert_eq!(error.origin, "script 0");
        assert!(elapsed < Duration::from_secs(2), "{code} took {elapsed:?}");
        still_works(&mut host);
    }
}

#[test]
fn deep_recursion_and_huge_values_are_ordinary_errors() {
    let mut host = short_host(5000, 32 << 20);
    let cases: [(&str, &str); 4] = [
        ("function f() { return f() + 1; } f();", "RangeError"),
        ("var s = 'x'; while (true) { s = s + s; }", "InternalError"),
        ("var a = []; while (true) { a.push(new Array(100000).fill(1)); }", "InternalError"),
        ("JSON.parse('['.repeat(1000000));", ""),
    ];
    for (code, name) in cases {
        let outcome = run_test(&mut host, code);
        let error = only_error(&outcome);
        if !name.is_empty() {
            assert_eq!(error.name, name, "{code}: {error:?}");
        }
        still_works(&mut host);
    }
}

#[test]
fn a_prelude_that_does_not_fit_the_memory_limit_is_a_clear_error() {
    match ScriptHost::new(ScriptLimits { timeout: None, memory_limit_bytes: 64 * 1024 }) {
        Ok(_) => panic!("a 64 KiB heap cannot hold the prelude"),
        Err(e) => assert!(e.to_string().contains("memory limit of 65536 bytes"), "{e}"),
    }
}

#[test]
fn compiled_scripts_are_reused_and_do_not_leak_declarations() {
    let mut host = host();
    for round in 0..3 {
        let code = "let counter = 1;\n\
                    const fixed = 1;\n\
                    pm.test('round', function () { pm.expect(counter).to.equal(1); });";
        let outcome = run_test(&mut host, code);
        assert!(outcome.errors.is_empty(), "round {round}: {:?}", outcome.errors);
        assert_eq!(outcome.assertions[0].status, AssertionStatus::Passed, "round {round}");
    }
    // Implicit globals persist across scripts, as in Postman's shared sandbox.
    let scripts = ["utils = { twice: function (n) { return n * 2; } };", "pm.environment.set('x', utils.twice(21));"];
    let outcome = host.run(input(ScriptEvent::PreRequest, &scripts, None), &FakeServices::default());
    assert_eq!(outcome.vars.environment.get("x"), Some(&serde_json::json!(42)));
}

#[test]
fn after_a_timeout_the_next_script_runs_with_the_results_so_far() {
    let mut host = short_host(100, 64 << 20);
    let scripts = [
        "pm.test('before', function () {}); pm.environment.set('a', 1); while (true) {}",
        "pm.test('after', function () { pm.expect(pm.environment.get('a')).to.equal(1); }); pm.environment.set('b', 2);",
    ];
    let outcome = host.run(input(ScriptEvent::Test, &scripts, None), &FakeServices::default());
    let error = only_error(&outcome);
    assert_eq!((error.origin.as_str(), error.message.as_str()), ("script 0", "Script timed out after 100 ms"));
    let got: Vec<_> = outcome.assertions.iter().map(|a| (a.name.as_str(), a.status, a.index)).collect();
    assert_eq!(got, [("before", AssertionStatus::Passed, 0), ("after", AssertionStatus::Passed, 1)]);
    assert_eq!(outcome.vars.environment.get("b"), Some(&serde_json::json!(2)));
}
