//! The legacy API (`tests[...]`, `postman.*`, response globals) and the Postman
//! assertions on `pm.response.to`, including jsonSchema.

use serde_json::json;

use super::support::*;
use crate::script::*;

#[test]
fn legacy_tests_and_globals() {
    let code = r#"
        tests['status is 200'] = responseCode.code === 200;
        tests['body has id'] = JSON.parse(responseBody).id === 8;
        tests['reason'] = responseCode.name === 'OK' && responseCode.detail === 'OK';
        tests['header'] = responseHeaders['Content-Type'] === 'application/json; charset=utf-8'
            && postman.getResponseHeader('content-type') === 'application/json; charset=utf-8';
        tests['time'] = responseTime === 120;
        tests['env snapshot'] = environment.old === 'o' && globals.g === 'G' && data.row === 1 && iteration === 1;
        tests['request'] = request.method === 'POST' && request.url === 'https://api.example.test/orders?page=2';
        postman.setEnvironmentVariable('token', 'abc');
        postman.clearEnvironmentVariable('old');
        postman.setGlobalVariable('g2', postman.getGlobalVariable('g') + '!');
        postman.clearGlobalVariable('g');
        tests['get after set'] = postman.getEnvironmentVariable('token') === 'abc';
    "#;
    let body = r#"{"id":7}"#;
    let resp = response(200, "OK", &[("Content-Type", "application/json; charset=utf-8")], body);
    let mut input = input(ScriptEvent::Test, &[code], Some(resp));
    input.vars.environment.insert("old".into(), json!("o"));
    input.vars.globals.insert("g".into(), json!("G"));
    input.vars.data.insert("row".into(), json!(1));
    let mut host = host();
    let outcome = host.run(input, &FakeServices::default());
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let got: Vec<_> = outcome.assertions.iter().map(|a| (a.name.as_str(), a.status)).collect();
    use AssertionStatus::*;
    assert_eq!(
        got,
        [
            ("status is 200", Passed),
            ("body has id", Failed),
            ("reason", Passed),
            ("header", Passed),
            ("time", Passed),
            ("env snapshot", Passed),
            ("request", Passed),
            ("get after set", Passed),
        ]
    );
    let failure = outcome.assertions[1].error.as_ref().unwrap();
    assert_eq!((failure.name.as_str(), failure.message.as_str()), ("AssertionError", "expected false to be truthy"));
    assert_eq!(outcome.vars.environment.get("token"), Some(&json!("abc")));
    assert_eq!(outcome.vars.environment.get("old"), None);
    assert_eq!(outcome.vars.globals.get("g2"), Some(&json!("G!")));
    assert_eq!(outcome.vars.globals.get("g"), None);
}

#[test]
fn legacy_tests_are_fresh_per_script_and_response_globals_absent_before_the_request() {
    let mut host = host();
    let scripts = ["tests['first'] = true;", "tests['second'] = typeof responseBody === 'undefined';"];
    let outcome = host.run(input(ScriptEvent::PreRequest, &scripts, None), &FakeServices::default());
    let got: Vec<_> = outcome.assertions.iter().map(|a| (a.name.as_str(), a.status)).collect();
    assert_eq!(got, [("first", AssertionStatus::Passed), ("second", AssertionStatus::Passed)]);
}

/// (assertion on a 200 "OK" JSON response, None = passes, Some(message) = fails).
const RESPONSE_CASES: &[(&str, Option<&str>)] = &[
    ("pm.response.to.have.status(200)", None),
    ("pm.response.to.have.status(404)", Some("expected response to have status code 404 but got 200")),
    ("pm.response.to.have.status('OK')", None),
    ("pm.response.to.have.status('Created')", Some("expected response to have status reason 'Created' but got 'OK'")),
    ("pm.response.to.not.have.status(200)", Some("expected response to not have status code 200")),
    ("pm.response.to.have.statusCode(201)", Some("expected response to have status code 201 but got 200")),
    (
        "pm.response.to.have.statusReason('Not Found')",
        Some("expected response to have status reason 'Not Found' but got 'OK'"),
    ),
    ("pm.response.to.have.statusCodeClass(2)", None),
    ("pm.response.to.be.ok", None),
    ("pm.response.to.not.be.ok", Some("expected response to not have status reason 'OK'")),
    ("pm.response.to.be.success", None),
    ("pm.response.to.be.info", Some("expected response code to be 1XX but found 200")),
    ("pm.response.to.be.redirection", Some("expected response code to be 3XX but found 200")),
    ("pm.response.to.be.clientError", Some("expected response code to be 4XX but found 200")),
    ("pm.response.to.be.serverError", Some("expected response code to be 5XX but found 200")),
    ("pm.response.to.not.be.error", None),
    ("pm.response.to.be.error", Some("expected response code to be 4XX or 5XX but found 200")),
    ("pm.response.to.be.accepted", Some("expected response to have status reason 'ACCEPTED' but got 'OK'")),
    ("pm.response.to.be.withoutContent", Some("expected response to have status reason 'NO CONTENT' but got 'OK'")),
    ("pm.response.to.be.badRequest", Some("expected response to have status reason 'BAD REQUEST' but got 'OK'")),
    ("pm.response.to.be.unauthorized", Some("expected response to have status reason 'UNAUTHORIZED' but got 'OK'")),
    ("pm.response.to.be.forbidden", Some("expected response to have status reason 'FORBIDDEN' but got 'OK'")),
    ("pm.response.to.be.notFound", Some("expected response to have status reason 'NOT FOUND' but got 'OK'")),
    ("pm.response.to.be.rateLimited", Some("expected response to have status reason 'TOO MANY REQUESTS' but got 'OK'")),
    ("pm.response.to.be.json", None),
    ("pm.response.to.be.withBody", None),
    ("pm.response.to.have.header('content-type')", None),
    ("pm.response.to.have.header('X-Missing')", Some("expected response to have header with key 'X-Missing'")),
    (
        "pm.response.to.have.header('Content-Type', 'text/html')",
        Some("expected 'Content-Type' response header to be 'text/html' but got 'application/json'"),
    ),
    ("pm.response.to.have.body()", None),
    ("pm.response.to.have.body({ id: 7, name: 'book' })", None),
    ("pm.response.to.have.body(/book/)", None),
    (
        "pm.response.to.have.body('nope')",
        Some("expected response body to equal 'nope' but got '{\"id\":7,\"name\":\"book\"}'"),
    ),
    ("pm.response.to.have.jsonBody('name', 'book')", None),
    (
        "pm.response.to.have.jsonBody('missing')",
        Some("expected { id: 7, name: 'book' } in response to contain property 'missing'"),
    ),
    ("pm.response.to.have.jsonBody('id', 8)", Some("expected response body json at \"id\" to contain 8 but got 7")),
    ("pm.response.to.have.responseTime.below(500)", None),
    ("pm.response.to.have.responseTime.below(100)", Some("expected 120 to be below 100")),
    ("pm.response.to.have.responseSize.above(10)", None),
    ("pm.expect(pm.response.responseTime).to.be.below(200)", None),
    (
        "pm.response.to.have.jsonSchema({ type: 'object', required: ['id'], properties: { id: { type: 'integer' } } })",
        None,
    ),
    (
        "pm.response.to.have.jsonSchema({ type: 'object', properties: { id: { type: 'string' } } })",
        Some("expected data to satisfy schema but found following errors: \ndata.id should be string"),
    ),
    (
        "pm.expect({ a: 1 }).to.have.jsonSchema({ required: ['b'] })",
        Some("expected data to satisfy schema but found following errors: \ndata should have required property 'b'"),
    ),
    ("pm.expect(1).to.have.status(200)", Some("expecting a postman response object but got 1")),
    ("pm.expect(pm.response.code).to.be.oneOf([200, 201])", None),
    ("pm.expect(pm.response.json()).to.have.property('name', 'book')", None),
    ("pm.expect(pm.response.headers.get('Content-Type')).to.include('json')", None),
    ("pm.expect(pm.response.reason()).to.equal('OK')", None),
    ("pm.expect(pm.response.text()).to.be.a('string')", None),
    // "HTTP/X.X 200 OK\r\n\r\n" (19) + "Content-Type: application/json\r\n" (32) + the body (22)
    ("pm.expect(pm.response.size().total).to.equal(73)", None),
    ("pm.expect(pm.response.size().header).to.equal(51)", None),
];

#[test]
fn response_assertions_word_failures_like_chai_postman() {
    let script: String = RESPONSE_CASES
        .iter()
        .enumerate()
        .map(|(i, (code, _))| format!("pm.test('case {i}', function () {{ {code}; }});\n"))
        .collect();
    let body = r#"{"id":7,"name":"book"}"#;
    let resp = response(200, "OK", &[("Content-Type", "application/json")], body);
    let mut host = host();
    let outcome = host.run(input(ScriptEvent::Test, &[&script], Some(resp)), &FakeServices::default());
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let mut wrong = Vec::new();
    for ((code, want), got) in RESPONSE_CASES.iter().zip(&outcome.assertions) {
        let message = got.error.as_ref().map(|e| e.message.as_str());
        let ok = match want {
            None => got.status == AssertionStatus::Passed,
            Some(m) => got.status == AssertionStatus::Failed && message == Some(*m),
        };
        if !ok {
            wrong.push(format!("{code}\n   want {want:?}\n   got  {:?} {message:?}", got.status));
        }
    }
    assert!(wrong.is_empty(), "{} wrong:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn response_json_throws_like_json_parse_and_json_assertion_reports_it() {
    let code = r#"
        pm.test('json()', function () { pm.response.json(); });
        pm.test('to.be.json', function () { pm.response.to.be.json; });
    "#;
    let resp = response(502, "Bad Gateway", &[], "<html>oops</html>");
    let mut host = host();
    let outcome = host.run(input(ScriptEvent::Test, &[code], Some(resp)), &FakeServices::default());
    let first = outcome.assertions[0].error.as_ref().unwrap();
    // Newman 6.2.2's words for the same body: its JSON parser's, a JSONError with the
    // source line and a caret; the assertion quotes the first line
    assert_eq!(first.name, "JSONError");
    assert_eq!(first.message, "Unexpected token '<' at 1:1\n<html>oops</html>\n^");
    let second = outcome.assertions[1].error.as_ref().unwrap();
    assert_eq!(second.message, "expected response body to be a valid json but got error Unexpected token '<' at 1:1");
}

#[test]
fn legacy_globals_warn_once_per_script_as_newman_does() {
    // The script and the warnings Newman 6.2.2 printed for it (recorded once): a global
    // holding an object or a function warns when read, written or called, once per script;
    // `typeof` does not read it, and `postman` warns as `postman.setNextRequest`.
    let code = "tests['a'] = responseCode.code === 200; tests['b'] = true; \
                var x = _.isString('a'); var h = CryptoJS.MD5('a').toString(); \
                postman.setEnvironmentVariable('k', 1); console.log('done', typeof cheerio, typeof responseBody);";
    let mut host = host();
    let resp = response(200, "OK", &[], "{}");
    let outcome = host.run(input(ScriptEvent::Test, &[code, code], Some(resp)), &FakeServices::default());
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let once = [
        ("warn", "Using \"responseCode\" is deprecated. Use \"pm.response.code\" instead."),
        ("warn", "Using \"tests\" is deprecated. Use \"pm.test()\" instead."),
        ("warn", "Using \"_\" is deprecated. Use \"require('lodash')\" instead."),
        ("warn", "Using \"CryptoJS\" is deprecated. Use \"require('crypto-js')\" instead."),
        ("warn", "Using \"postman.setNextRequest\" is deprecated. Use \"pm.execution.setNextRequest()\" instead."),
        ("log", "done function string"),
    ];
    let lines: Vec<(&str, &str)> = outcome.console.iter().map(|c| (c.level.as_str(), c.text.as_str())).collect();
    assert_eq!(lines, [once, once].concat(), "each script warns again");
    assert_eq!(outcome.assertions.len(), 4);
}
