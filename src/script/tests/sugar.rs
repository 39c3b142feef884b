//! SugarJS, which Postman's sandbox runs before every script: its methods through scripts,
//! against what Newman 6.2.2 gave for the same expressions (recorded once from its JSON
//! report), and that an engine runs Sugar only when a script first uses it.

use super::support::*;
use crate::script::native::CHUNKS_LOADED;

/// (label, expression, what Newman 6.2.2 printed: a string as is, anything else as JSON, a
/// throw as `THROW name: message`). In order: the first one uses a native method Sugar
/// enhances before anything else has made Sugar run.
const NEWMAN_RESULTS: &[(&str, &str, &str)] = &[
    (r#"map-enh-first"#, r#"[{ a: 1 }, { a: 2 }].map('a')"#, r#"[1,2]"#),
    (r#"has"#, r#"'abc'.has('b')"#, r#"true"#),
    (r#"words"#, r#"' hello  world '.words()"#, r#"["hello","world"]"#),
    (r#"sum"#, r#"[1, 2, 3].sum()"#, r#"6"#),
    (r#"sortBy"#, r#"[{ n: 3 }, { n: 1 }].sortBy('n')"#, r#"[{"n":1},{"n":3}]"#),
    (r#"camelize"#, r#"'foo_bar-baz'.camelize()"#, r#"FooBarBaz"#),
    (r#"camelize-false"#, r#"'foo_bar'.camelize(false)"#, r#"fooBar"#),
    (r#"Object.has"#, r#"Object.has({ a: 1 }, 'a')"#, r#"true"#),
    (r#"date-format"#, r#"Date.create('2020-01-02', 'en').format('{yyyy}-{MM}-{dd}')"#, r#"2020-01-02"#),
    (r#"ordinalize"#, r#"(5).ordinalize()"#, r#"5th"#),
    (r#"unique"#, r#"[1, 2, 2, '2'].unique()"#, r#"[1,2,"2"]"#),
    (r#"map-enh"#, r#"[{ a: 1 }, { a: 2 }].map('a')"#, r#"[1,2]"#),
    (r#"truncate"#, r#"'just a long string'.truncate(8)"#, r#"just a l..."#),
    (r#"titleize"#, r#"'the lord of the rings'.titleize()"#, r#"The Lord of the Rings"#),
    (r#"pluralize"#, r#"'person'.pluralize()"#, r#"people"#),
    (r#"escapeHTML"#, r#"'<a>&'.escapeHTML()"#, r#"&lt;a&gt;&amp;"#),
    (r#"format-number"#, r#"(1234567.891).format(2)"#, r#"1,234,567.89"#),
    (r#"bytes"#, r#"(1024).bytes()"#, r#"1kB"#),
    (r#"first-arr"#, r#"[1, 2, 3].first(2)"#, r#"[1,2]"#),
    (r#"last-str"#, r#"'hello'.last(3)"#, r#"llo"#),
    (r#"Object.keys-cb"#, r#"Object.keys({ a: 1 })"#, r#"["a"]"#),
    (r#"isEmpty"#, r#"[].isEmpty()"#, r#"true"#),
    (r#"clone"#, r#"Object.clone({ a: [1] })"#, r#"{"a":[1]}"#),
    (r#"toQueryString"#, r#"Object.toQueryString({ a: 1, b: [1, 2] })"#, r#"a=1&b%5B0%5D=1&b%5B1%5D=2"#),
    (r#"Date.utc.create"#, r#"Date.utc.create('2001-02-03').toISOString()"#, r#"2001-02-03T00:00:00.000Z"#),
    (r#"startsWith"#, r#"'Hello'.startsWith('hel', 0, false)"#, r#"true"#),
    (r#"reverse"#, r#"'abc'.reverse()"#, r#"cba"#),
    (r#"each"#, r#"{ var out = []; [1, 2].each(function (x) { out.push(x * 2); }); return out; }"#, r#"[2,4]"#),
    (r#"Array.create"#, r#"Array.create('ab')"#, r#"["ab"]"#),
    (r#"Number.random-type"#, r#"typeof Number.random(1, 5)"#, r#"number"#),
    (r#"AlphanumericSortOrder"#, r#"typeof Array.AlphanumericSortOrder"#, r#"string"#),
    (r#"getOwn"#, r#"Object.getOwnPropertyNames(String.prototype).indexOf('has') >= 0"#, r#"true"#),
];

fn sugar_loaded() -> bool {
    CHUNKS_LOADED.with(|loaded| loaded.borrow().iter().any(|n| n == "sugar"))
}

#[test]
fn sugar_methods_give_newmans_results() {
    let mismatches = newman_table_mismatches(&mut host(), "", NEWMAN_RESULTS);
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn an_engine_runs_sugar_only_when_a_script_uses_it() {
    let mut host = host();
    let outcome = run_test(
        &mut host,
        "console.log([1, 2].map(function (x) { return x * 2; }).join(), Object.keys({ a: 1 }).join(), \
         'Hello'.startsWith('He'), typeof 'x'.has, typeof Date.create, [1].at(-1));",
    );
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(outcome.console[0].text, "2,4 a true function function 1");
    assert!(!sugar_loaded(), "native calls and typeof do not run Sugar");
    let outcome = run_test(&mut host, "console.log(responseBody.has('x'), [3, 1, 2].sortBy().join());");
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert!(sugar_loaded());
    // The natives Newman's Sugar leaves alone are native again.
    let outcome = run_test(&mut host, "console.log([1, 2].at(-1), Object.values({ a: 1 }).join());");
    assert_eq!(outcome.console[0].text, "2 1");
}

#[test]
fn static_methods_work_when_handed_over_as_callbacks() {
    // As in Newman: `Object.isString` and an enhanced `Object.keys` called without their
    // constructor as `this`, before and after Sugar has run.
    let mut host = host();
    for _ in 0..2 {
        let outcome = run_test(
            &mut host,
            "console.log(JSON.stringify([['a', 1].filter(Object.isString), \
             ['2020-01-02'].map(function (t) { return Date.create(t).getUTCFullYear(); }), \
             [{ a: 1 }, { b: 2 }].map(Object.keys)]));",
        );
        assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
        assert_eq!(printed(&outcome), [r#"[["a"],[2020],[["a"],["b"]]]"#]);
    }
}

#[test]
fn a_scripts_own_definition_stays_when_sugar_runs() {
    let mut host = host();
    let outcome = run_test(
        &mut host,
        "String.prototype.has = function () { return 'mine'; }; console.log('x'.words().join(), 'x'.has('y'));",
    );
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(outcome.console[0].text, "x mine");
}
