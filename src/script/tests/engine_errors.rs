//! Engine errors and `JSON.parse` failures in Newman's words: each case's message is what
//! Newman 6.2.2 (V8 under Node 20, and its sandbox's JSON parser) gave for the same code.

use super::support::*;
use crate::script::AssertionStatus;

/// (code run inside a pm.test, error name, exact message).
const CASES: &[(&str, &str, &str)] = &[
    ("nope.x", "ReferenceError", "nope is not defined"),
    ("var o; o.x", "TypeError", "Cannot read properties of undefined (reading 'x')"),
    ("var o = null; o.replace('a', 'b')", "TypeError", "Cannot read properties of null (reading 'replace')"),
    ("var o = {}; o.filter(1)", "TypeError", "o.filter is not a function"),
    ("var o = { a: {} }; o.a.b.c()", "TypeError", "Cannot read properties of undefined (reading 'c')"),
    ("var o; o.x = 1", "TypeError", "Cannot set properties of undefined (setting 'x')"),
    ("var o = {}; new o.Thing()", "TypeError", "o.Thing is not a constructor"),
    ("const data = 1; data()", "TypeError", "data is not a function"),
    ("var s = 'é✅😀'; var o = {}; o.filter(1)", "TypeError", "o.filter is not a function"),
    ("var jsonData = { a: {} }; jsonData.a.find(x => x)", "TypeError", "jsonData.a.find is not a function"),
    ("var r = { json() { return {}; } }; r.json().filter(x => x)", "TypeError", "r.json(...).filter is not a function"),
    ("var list = [{}]; list[0].map(x => x)", "TypeError", "list[0].map is not a function"),
    (
        "var jsonData = { data: {} }; jsonData.data.forEach(function(order) {\n x(); })",
        "TypeError",
        "jsonData.data.forEach is not a function",
    ),
    ("var u; for (const x of u) {}", "TypeError", "u is not iterable"),
    ("[1].find({})", "TypeError", "#<Object> is not a function"),
    ("[1].forEach('abc')", "TypeError", "abc is not a function"),
    ("[1].forEach(undefined)", "TypeError", "undefined is not a function"),
    ("[1].forEach(5)", "TypeError", "5 is not a function"),
    ("[1, 2].reduce(null)", "TypeError", "null is not a function"),
    ("[2, 1].sort(1)", "TypeError", "The comparison function must be either a function or undefined"),
    ("var arr = [1]; arr[5].name", "TypeError", "Cannot read properties of undefined (reading 'name')"),
    ("var o = {}; 'foo1' in o.missing", "TypeError", "Cannot use 'in' operator to search for 'foo1' in undefined"),
    ("\"foo2\" in 5", "TypeError", "Cannot use 'in' operator to search for 'foo2' in 5"),
    ("JSON.parse('')", "JSONError", "No data, empty input at 1:1\n\n^"),
    ("JSON.parse(' ')", "JSONError", "No data, only a whitespace at 1:2\n \n ^"),
    (
        "JSON.parse('<html><body>hi</body></html>')",
        "JSONError",
        "Unexpected token '<' at 1:1\n<html><body>hi</body></html>\n^",
    ),
    ("JSON.parse('{a:1}')", "JSONError", "Unexpected token 'a' at 1:2\n{a:1}\n ^"),
    ("JSON.parse('[1,2')", "JSONError", "Unexpected end of input at 1:5\n[1,2\n    ^"),
    ("JSON.parse('{\"a\":1,}')", "JSONError", "Trailing comma in object at 1:8\n{\"a\":1,}\n       ^"),
    ("JSON.parse('[1,]')", "JSONError", "Trailing comma in array at 1:4\n[1,]\n   ^"),
    ("JSON.parse('\"abc')", "JSONError", "Unexpected end of input at 1:5\n\"abc\n    ^"),
    ("JSON.parse('{\"a\": tru}')", "JSONError", "Unexpected token 't' at 1:7\n{\"a\": tru}\n      ^"),
    ("JSON.parse('{\"a\":1}x')", "JSONError", "Unexpected token 'x' at 1:8\n{\"a\":1}x\n       ^"),
    ("JSON.parse(\"{'a':1}\")", "JSONError", "Unexpected token '\\'' at 1:2\n{'a':1}\n ^"),
    ("JSON.parse('\"\\\\x\"')", "JSONError", "Unexpected token 'x' at 1:3\n\"\\x\"\n  ^"),
    ("JSON.parse('{\"a\":\"b\\tc\"}')", "JSONError", "Unexpected control character at 1:8\n{\"a\":\"b\tc\"}\n       ^"),
    ("JSON.parse('01')", "JSONError", "Unexpected token '1' at 1:2\n01\n ^"),
    ("JSON.parse('-')", "JSONError", "Bad numeric literal - \"-\" at 1:1\n-\n^"),
    ("JSON.parse('1.')", "JSONError", "Non-json numeric literal - \"1.\" at 1:2\n1.\n ^"),
    ("JSON.parse('{\"a\":\\n  1 x}')", "JSONError", "Unexpected token '}' at 2:6\n  1 x}\n     ^"),
    ("JSON.parse('{\"a\": {{b}}}')", "JSONError", "Unexpected token 'b' at 1:9\n{\"a\": {{b}}}\n        ^"),
    ("JSON.parse('[1,\\r\\n2 x]')", "JSONError", "Unexpected token 'x' at 2:3\n2 x]\n  ^"),
    ("JSON.parse({})", "JSONError", "Unexpected token 'o' at 1:2\n[object Object]\n ^"),
    ("JSON.parse(undefined)", "JSONError", "\"undefined\" is not valid JSON"),
    (
        "JSON.parse('x'.repeat(100) + '!')",
        "JSONError",
        "Unexpected token 'x' at 1:1\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n^",
    ),
    (
        "JSON.parse('[' + '1,'.repeat(60) + 'x]')",
        "JSONError",
        "Unexpected token 'x' at 1:122\n,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,x]\n                                                                     ^",
    ),
];

#[test]
fn engine_errors_read_as_newmans() {
    let script: String = CASES
        .iter()
        .enumerate()
        .map(|(i, (code, _, _))| format!("pm.test('case {i}', function () {{ {code}; }});\n"))
        .collect();
    let mut host = host();
    let outcome = run_test(&mut host, &script);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(outcome.assertions.len(), CASES.len());
    let mut wrong = Vec::new();
    for ((code, name, message), got) in CASES.iter().zip(&outcome.assertions) {
        let error = got.error.as_ref();
        let ok = got.status == AssertionStatus::Failed
            && error.map(|e| e.name.as_str()) == Some(*name)
            && error.map(|e| e.message.as_str()) == Some(*message);
        if !ok {
            wrong.push(format!(
                "{code}\n   want {name}: {message:?}\n   got  {:?}",
                error.map(|e| (&e.name, &e.message))
            ));
        }
    }
    assert!(wrong.is_empty(), "{} wrong:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn valid_json_and_a_byte_order_mark_parse_as_before() {
    let outcome = run_test(
        &mut host(),
        "pm.test('ok', function () { pm.expect(JSON.parse('\\ufeff{\"a\":[1,2]}').a[1]).to.equal(2); pm.expect(JSON.parse('{\"a\":1,\"a\":2}').a).to.equal(2); });",
    );
    assert_eq!(outcome.assertions[0].status, AssertionStatus::Passed, "{:?}", outcome.assertions[0].error);
}
