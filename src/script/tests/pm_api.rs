//! The `pm` API: variables through ScopeMaps, pre-request changes, flow control,
//! sendRequest, info, cookies, async tests, console, require.

use serde_json::json;

use super::support::*;
use crate::script::*;

fn assertion_summary(outcome: &ScriptOutcome) -> Vec<(String, AssertionStatus, Option<String>)> {
    outcome.assertions.iter().map(|a| (a.name.clone(), a.status, a.error.as_ref().map(|e| e.message.clone()))).collect()
}

#[test]
fn variables_round_trip_through_scope_maps() {
    let mut host = host();
    let mut input = input(ScriptEvent::PreRequest, &[], None);
    input.vars.environment.insert("host".into(), json!("example.test"));
    input.vars.environment.insert("shadowed".into(), json!("env"));
    input.vars.globals.insert("shadowed".into(), json!("global"));
    input.vars.globals.insert("g".into(), json!(1));
    input.vars.collection.insert("c".into(), json!("coll"));
    input.vars.data.insert("row".into(), json!(5));
    input.vars.environment_name = Some("Staging".into());
    input.scripts = vec![ScriptSource {
        origin: "request".into(),
        code: r#"
            pm.environment.set('token', 'abc');
            pm.environment.set('count', 3);
            pm.environment.unset('host');
            pm.globals.set('obj', { a: [1, 2] });
            pm.collectionVariables.set('c2', true);
            pm.variables.set('local1', 'L');
            pm.iterationData.unset('row');
            pm.test('reads', function () {
                pm.expect(pm.variables.get('shadowed')).to.equal('env');
                pm.expect(pm.variables.get('c')).to.equal('coll');
                pm.expect(pm.variables.get('local1')).to.equal('L');
                pm.expect(pm.environment.get('count')).to.equal(3);
                pm.expect(pm.environment.has('host')).to.be.false;
                pm.expect(pm.environment.name).to.equal('Staging');
                pm.expect(pm.globals.toObject()).to.deep.equal({ shadowed: 'global', g: 1, obj: { a: [1, 2] } });
                pm.expect(pm.variables.replaceIn('{{token}}-{{c}}-{{missing}}-{{$guid}}'))
                    .to.equal('abc-coll-{{missing}}-00000000-0000-4000-8000-000000000000');
                pm.expect(pm.environment.replaceIn('{{token}}/{{c}}')).to.equal('abc/{{c}}');
            });
        "#
        .into(),
    }];
    let outcome = host.run(input, &FakeServices::default());
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(outcome.assertions[0].status, AssertionStatus::Passed, "{:?}", outcome.assertions);
    let vars = &outcome.vars;
    assert_eq!(vars.environment.get("token"), Some(&json!("abc")));
    assert_eq!(vars.environment.get("count"), Some(&json!(3)));
    assert_eq!(vars.environment.get("host"), None);
    assert_eq!(vars.globals.get("obj"), Some(&json!({ "a": [1, 2] })));
    assert_eq!(vars.globals.get("g"), Some(&json!(1)));
    assert_eq!(vars.collection.get("c2"), Some(&json!(true)));
    assert_eq!(vars.local.get("local1"), Some(&json!("L")));
    assert!(vars.data.is_empty());
    assert_eq!(vars.environment_name.as_deref(), Some("Staging"));
}

#[test]
fn a_later_script_sees_an_earlier_scripts_changes() {
    let mut host = host();
    let scripts = ["pm.environment.set('step', 1);", "pm.environment.set('step', pm.environment.get('step') + 1);"];
    let outcome = host.run(input(ScriptEvent::PreRequest, &scripts, None), &FakeServices::default());
    assert_eq!(outcome.vars.environment.get("step"), Some(&json!(2)));
}

#[test]
fn pre_request_changes_to_the_request_are_returned() {
    let mut host = host();
    let code = r#"
        pm.request.headers.add({ key: 'X-Trace', value: 't-1' });
        pm.request.headers.upsert({ key: 'content-type', value: 'text/plain' });
        pm.request.headers.remove('Nope');
        pm.request.addHeader('X-Second: two');
        pm.request.url.query.add({ key: 'q', value: '1' });
        pm.request.method = 'PUT';
        pm.request.body.raw = JSON.stringify({ changed: true });
        pm.test('reads', function () {
            pm.expect(pm.request.headers.get('x-trace')).to.equal('t-1');
            pm.expect(pm.request.headers.has('X-TRACE')).to.be.true;
            pm.expect(pm.request.url.getHost()).to.equal('api.example.test');
            pm.expect(pm.request.url.getPath()).to.equal('/orders');
        });
    "#;
    let outcome = host.run(input(ScriptEvent::PreRequest, &[code], None), &FakeServices::default());
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(outcome.assertions[0].status, AssertionStatus::Passed, "{:?}", outcome.assertions);
    let request = &outcome.request;
    assert_eq!(request.method, "PUT");
    assert_eq!(request.url, "https://api.example.test/orders?page=2&q=1");
    assert_eq!(
        request.headers,
        vec![
            ("Content-Type".to_string(), "text/plain".to_string()),
            ("X-Trace".to_string(), "t-1".to_string()),
            ("X-Second".to_string(), "two".to_string()),
        ]
    );
    assert_eq!(request.body.as_deref(), Some(r#"{"changed":true}"#));
}

#[test]
fn an_untouched_or_only_read_request_comes_back_as_it_was() {
    let mut host = host();
    let mut input = input(ScriptEvent::PreRequest, &["pm.request.url.toString(); pm.request.headers.all();"], None);
    input.request.url = "{{base}}/a b?x".to_string();
    let outcome = host.run(input, &FakeServices::default());
    assert_eq!(outcome.request.url, "{{base}}/a b?x");
    assert_eq!(outcome.request, {
        let mut r = request();
        r.url = "{{base}}/a b?x".to_string();
        r
    });
}

#[test]
fn set_next_request_and_skip_request() {
    let cases: [(&str, ScriptEvent, NextRequest, bool); 6] = [
        ("1 + 1", ScriptEvent::Test, NextRequest::Unchanged, false),
        ("pm.execution.setNextRequest('Login')", ScriptEvent::Test, NextRequest::Goto("Login".into()), false),
        ("pm.execution.setNextRequest(null)", ScriptEvent::Test, NextRequest::Stop, false),
        ("postman.setNextRequest('Step 2')", ScriptEvent::Test, NextRequest::Goto("Step 2".into()), false),
        ("pm.execution.skipRequest()", ScriptEvent::PreRequest, NextRequest::Unchanged, true),
        ("pm.execution.skipRequest()", ScriptEvent::Test, NextRequest::Unchanged, false),
    ];
    let mut host = host();
    for (code, event, next, skip) in cases {
        let outcome = host.run(input(event, &[code], None), &FakeServices::default());
        assert!(outcome.errors.is_empty(), "{code}: {:?}", outcome.errors);
        assert_eq!(outcome.next_request, next, "{code}");
        assert_eq!(outcome.skip_request, skip, "{code}");
    }
}

#[test]
fn send_request_with_callback_and_promise() {
    let services = FakeServices {
        answer: Some(response(201, "Created", &[("Set-Cookie", "sid=42; Path=/")], r#"{"ok":true}"#)),
        ..FakeServices::default()
    };
    let code = r#"
        pm.sendRequest('http://127.0.0.1:9/health', function (err, res) {
            pm.test('callback', function () {
                pm.expect(err).to.equal(null);
                pm.expect(res.code).to.equal(201);
                pm.expect(res.json().ok).to.be.true;
                pm.expect(res.cookies.get('sid')).to.equal('42');
            });
        });
        pm.sendRequest({ url: 'http://127.0.0.1:9/login', method: 'POST',
                         header: [{ key: 'X-A', value: '1' }],
                         body: { mode: 'raw', raw: '{"u":1}', options: { raw: { language: 'json' } } } })
          .then(function (res) { pm.environment.set('status', res.status); });
        pm.test('async test', async function () {
            const res = await pm.sendRequest('http://127.0.0.1:9/again');
            pm.expect(res.text()).to.equal('{"ok":true}');
        });
    "#;
    let mut host = host();
    let outcome = host.run(input(ScriptEvent::Test, &[code], None), &services);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let names: Vec<_> = assertion_summary(&outcome);
    assert!(names.iter().all(|(_, s, _)| *s == AssertionStatus::Passed), "{names:?}");
    assert_eq!(names.len(), 2);
    assert_eq!(outcome.vars.environment.get("status"), Some(&json!("Created")));
    let sent = services.sent.borrow();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[0].method, "GET");
    assert_eq!(sent[1].method, "POST");
    assert_eq!(sent[1].url, "http://127.0.0.1:9/login");
    assert_eq!(
        sent[1].headers,
        vec![("X-A".to_string(), "1".to_string()), ("Content-Type".to_string(), "application/json".to_string())]
    );
    assert_eq!(sent[1].body.as_deref(), Some(r#"{"u":1}"#));
}

#[test]
fn send_request_errors_reach_the_callback_and_reject_the_promise() {
    let code = r#"
        pm.sendRequest('http://127.0.0.1:9/', function (err, res) {
            pm.test('callback sees the error', function () {
                pm.expect(err.message).to.equal('connect ECONNREFUSED 127.0.0.1:9');
                pm.expect(res).to.be.undefined;
            });
        });
        pm.test('promise rejects', function () {
            return pm.sendRequest('http://127.0.0.1:9/');
        });
    "#;
    let mut host = host();
    let outcome = host.run(input(ScriptEvent::Test, &[code], None), &FakeServices::default());
    let summary = assertion_summary(&outcome);
    assert_eq!(summary[0].1, AssertionStatus::Failed);
    assert_eq!(summary[0].2.as_deref(), Some("connect ECONNREFUSED 127.0.0.1:9"));
    assert_eq!(summary[1].1, AssertionStatus::Passed);
}

#[test]
fn async_tests_with_done_promises_timers_and_skip() {
    let code = r#"
        pm.test('done passes', function (done) { setTimeout(function () { done(); }, 5); });
        pm.test('done fails', function (done) { setTimeout(function () { done(new Error('late')); }, 1); });
        pm.test('promise fails', function () {
            return new Promise(function (resolve, reject) { reject(new TypeError('nope')); });
        });
        pm.test('never finishes', function (done) {});
        pm.test.skip('skipped', function () { throw new Error('must not run'); });
        var ticks = 0;
        var id = setInterval(function () { ticks++; if (ticks === 3) { clearInterval(id); pm.environment.set('ticks', ticks); } }, 1);
    "#;
    let mut host = host();
    let outcome = host.run(input(ScriptEvent::Test, &[code], None), &FakeServices::default());
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let summary = assertion_summary(&outcome);
    let statuses: Vec<_> = summary.iter().map(|(n, s, _)| (n.as_str(), *s)).collect();
    assert_eq!(
        statuses,
        [
            ("done passes", AssertionStatus::Passed),
            ("done fails", AssertionStatus::Failed),
            ("promise fails", AssertionStatus::Failed),
            ("never finishes", AssertionStatus::Failed),
            ("skipped", AssertionStatus::Skipped),
        ]
    );
    assert_eq!(outcome.assertions[2].error.as_ref().map(|e| e.name.as_str()), Some("TypeError"));
    assert_eq!(outcome.vars.environment.get("ticks"), Some(&json!(3)));
    let indexes: Vec<_> = outcome.assertions.iter().map(|a| a.index).collect();
    assert_eq!(indexes, [0, 1, 2, 3, 4]);
}

#[test]
fn info_cookies_and_console() {
    let code = r#"
        console.log('info', pm.info.eventName, pm.info.iteration, pm.info.iterationCount, pm.info.requestName, pm.info.requestId);
        console.warn({ a: 1, b: 'x', c: [1, 2], d: { e: { f: { g: 1 } } } });
        console.error('%s is %d', 'n', 42);
        console.info(null, undefined, true, [], {});
        console.debug(pm.cookies.get('sid'), pm.cookies.has('nope'), JSON.stringify(pm.cookies.toObject()));
        class Mine {}
        console.log(pm.response.constructor, pm.response.headers.constructor, Mine, pm.test, function f() {}, () => 1);
    "#;
    let resp = response(200, "OK", &[("Set-Cookie", "sid=abc; HttpOnly"), ("Set-Cookie", "theme=dark")], "");
    let mut host = host();
    let outcome = host.run(input(ScriptEvent::Test, &[code], Some(resp)), &FakeServices::default());
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let lines: Vec<_> = outcome.console.iter().map(|c| (c.level.as_str(), c.text.as_str())).collect();
    assert_eq!(
        lines,
        [
            ("log", "info test 1 3 Create order req-1"),
            ("warn", "{ a: 1, b: 'x', c: [ 1, 2 ], d: { e: { f: [Object] } } }"),
            ("error", "n is 42"),
            ("info", "null undefined true [] {}"),
            ("debug", "abc false {\"sid\":\"abc\",\"theme\":\"dark\"}"),
            (
                "log",
                "[class PostmanResponse] [class HeaderList] [class Mine] [Function: pmTest] [Function: f] [Function: (anonymous)]"
            ),
        ]
    );
}

#[test]
fn require_modules_and_crypto_js_digests() {
    let code = r#"
        var CryptoJS = require('crypto-js');
        var uuid = require('uuid');
        console.log(CryptoJS.MD5('abc').toString());
        console.log(CryptoJS.SHA1('abc').toString());
        console.log(CryptoJS.SHA256('abc').toString());
        console.log(CryptoJS.SHA512('abc').toString(CryptoJS.enc.Hex).slice(0, 16));
        console.log(CryptoJS.HmacSHA256('what do ya want for nothing?', 'Jefe').toString());
        console.log(CryptoJS.HmacSHA1('msg', 'key').toString(CryptoJS.enc.Base64));
        console.log(CryptoJS.HmacSHA512('msg', 'key').toString().length);
        console.log(CryptoJS.enc.Base64.stringify(CryptoJS.enc.Utf8.parse('héllo')));
        console.log(CryptoJS.enc.Base64.parse('aMOpbGxv').toString(CryptoJS.enc.Utf8));
        console.log(btoa('user:pass'), atob('dXNlcjpwYXNz'), require('btoa')('a'));
        console.log(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuid.v4()), typeof uuid());
        try { require('nope'); } catch (e) { console.log(e.message); }
    "#;
    let mut host = host();
    let outcome = host.run(input(ScriptEvent::Test, &[code], None), &FakeServices::default());
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let lines = printed(&outcome);
    assert_eq!(
        lines,
        [
            "900150983cd24fb0d6963f7d28e17f72",
            "a9993e364706816aba3e25717850c26c9cd0d89d",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "ddaf35a193617aba",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            "ECkAtyt78QMe7Ha0gEtmBSN2iWs=",
            "128",
            "aMOpbGxv",
            "héllo",
            "dXNlcjpwYXNz user:pass YQ==",
            "true string",
            "Cannot find module 'nope'",
        ]
    );
}

#[test]
fn a_script_without_tests_changes_nothing() {
    let mut host = host();
    let mut input = input(ScriptEvent::Test, &[""], None);
    input.vars.environment.insert("k".into(), json!("v"));
    let before = input.vars.clone();
    let outcome = host.run(input, &FakeServices::default());
    assert!(outcome.assertions.is_empty() && outcome.errors.is_empty() && outcome.console.is_empty());
    assert_eq!(outcome.vars.environment, before.environment);
    assert_eq!(outcome.next_request, NextRequest::Unchanged);
}

#[test]
fn changed_scopes_are_flagged_and_unplain_values_still_come_back() {
    // (script, scopes flagged as changed, environment and globals afterwards)
    let cases = [
        ("pm.test('t', () => {});", [false; 5], json!({"k": "v"}), json!({})),
        (
            "pm.environment.set('n', 1); pm.test('t', () => {});",
            [false, false, true, false, false],
            json!({"k": "v", "n": 1}),
            json!({}),
        ),
        (
            // A circular value and a BigInt: the results take the general JSON path.
            "var o = {}; o.self = o; pm.environment.set('o', o); pm.globals.set('b', 10n); pm.test('t', () => {});",
            [false, false, true, false, true],
            json!({"k": "v", "o": {"self": "[Circular]"}}),
            json!({"b": "10"}),
        ),
    ];
    for (script, changed, environment, globals) in cases {
        let mut host = host();
        let mut input = input(ScriptEvent::Test, &[script], None);
        input.vars.environment.insert("k".into(), json!("v"));
        let outcome = host.run(input, &FakeServices::default());
        assert_eq!(outcome.changed_scopes, changed, "{script}");
        assert_eq!(json!(outcome.vars.environment), environment, "{script}");
        assert_eq!(json!(outcome.vars.globals), globals, "{script}");
        assert_eq!(assertion_summary(&outcome), [("t".to_string(), AssertionStatus::Passed, None)], "{script}");
        assert!(outcome.errors.is_empty(), "{script}: {:?}", outcome.errors);
    }
}

#[test]
fn the_postie_global_shows_the_route_read_only() {
    let mut host = host();
    let code = r#"
        pm.test('route', () => {
            pm.expect(typeof postie).to.equal('object');
            pm.expect(postie.route).to.eql({ kind: 'proxy', proxy: 'http://***:***@proxy:3128', rule: 'custom proxy' });
            postie.route = null;
            pm.expect(postie.route.kind).to.equal('proxy');
            pm.expect(postie.version).to.match(/^\d+\.\d+\.\d+/);
        });
    "#;
    let mut test = input(ScriptEvent::Test, &[code], Some(response(200, "OK", &[], "{}")));
    test.info.route = Some(ScriptRoute {
        kind: "proxy",
        proxy: Some("http://***:***@proxy:3128".into()),
        rule: "custom proxy".into(),
    });
    let outcome = host.run(test, &FakeServices::default());
    assert_eq!(assertion_summary(&outcome), [("route".to_string(), AssertionStatus::Passed, None)], "{outcome:?}");
    // Before the route is decided (pre-request), it is null; a direct route has no proxy.
    let pre = input(ScriptEvent::PreRequest, &["pm.test('none', () => pm.expect(postie.route).to.equal(null));"], None);
    let outcome = host.run(pre, &FakeServices::default());
    assert_eq!(outcome.assertions[0].status, AssertionStatus::Passed, "{outcome:?}");
    let mut direct = input(
        ScriptEvent::Test,
        &[
            "pm.test('direct', () => pm.expect(postie.route).to.eql({ kind: 'direct', proxy: null, rule: 'NO_PROXY .corp' }));",
        ],
        Some(response(200, "OK", &[], "{}")),
    );
    direct.info.route = Some(ScriptRoute { kind: "direct", proxy: None, rule: "NO_PROXY .corp".into() });
    let outcome = host.run(direct, &FakeServices::default());
    assert_eq!(outcome.assertions[0].status, AssertionStatus::Passed, "{outcome:?}");
}
