//! Globals and response helpers of Newman's sandbox that scripts in the corpus use:
//! `Buffer`, `pm.response.contentInfo()`, a repeated header read as its last value. The
//! expected values are what Newman 6.2.2 gave for the same code.

use super::support::*;
use crate::script::{AssertionStatus, ScriptEvent};

/// (expression, the string it gives in Newman).
const BUFFER_CASES: &[(&str, &str)] = &[
    ("Buffer.from('aGVsbG8=', 'base64').toString()", "hello"),
    ("Buffer.from('hi').toString('base64')", "aGk="),
    ("Buffer.from('hi').toString('hex')", "6869"),
    ("typeof Buffer", "function"),
    ("String(Buffer.isBuffer(Buffer.from('x')))", "true"),
    ("String(Buffer.from('héllo').length)", "6"),
    ("String(Buffer.byteLength('héllo'))", "6"),
    ("Buffer.from([104, 105]).toString()", "hi"),
    ("Buffer.from('hi', 'utf8').toString('ascii')", "hi"),
    ("Buffer.alloc(2).toString('hex')", "0000"),
    ("Buffer.concat([Buffer.from('a'), Buffer.from('b')]).toString()", "ab"),
    ("JSON.stringify(Buffer.from('ab'))", "{\"type\":\"Buffer\",\"data\":[97,98]}"),
    ("Buffer.from('eyJhIjoxfQ', 'base64').toString()", "{\"a\":1}"),
    ("String(Buffer.from('ab'))", "ab"),
    ("require('buffer').Buffer.from('😀').toString('hex')", "f09f9880"),
    ("Buffer.from('f09f9880', 'hex').toString()", "😀"),
];

#[test]
fn buffer_works_as_in_newman() {
    let script: String = BUFFER_CASES
        .iter()
        .enumerate()
        .map(|(i, (code, want))| {
            format!("pm.test('case {i}', function () {{ pm.expect({code}).to.equal({want:?}); }});\n")
        })
        .collect();
    let outcome = run_test(&mut host(), &script);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let wrong: Vec<String> = BUFFER_CASES
        .iter()
        .zip(&outcome.assertions)
        .filter(|(_, got)| got.status != AssertionStatus::Passed)
        .map(|((code, _), got)| format!("{code}: {:?}", got.error.as_ref().map(|e| &e.message)))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
    let unknown = run_test(&mut host(), "pm.test('x', function () { Buffer.from('x', 'base64url'); });");
    assert_eq!(unknown.assertions[0].error.as_ref().map(|e| e.message.as_str()), Some("Unknown encoding: base64url"));
}

#[test]
fn content_info_and_repeated_headers_read_as_in_newman() {
    let code = "pm.test('info', function () { pm.expect(JSON.stringify(pm.response.contentInfo())).to.equal(pm.environment.get('want')); });";
    let cases = [
        (
            vec![("Content-Type", "application/json")],
            r#"{"contentType":"application/json","mimeType":"text","mimeFormat":"json","charset":"utf8","fileExtension":"json","fileName":"response.json"}"#,
        ),
        (
            // sent twice: the last one counts
            vec![("Content-Type", "application/json"), ("Content-Type", "text/html")],
            r#"{"contentType":"text/html","mimeType":"text","mimeFormat":"html","charset":"utf8","fileExtension":"html","fileName":"response.html"}"#,
        ),
        (
            vec![],
            r#"{"contentType":"text/plain","mimeType":"text","mimeFormat":"plain","charset":"utf8","fileExtension":"txt","fileName":"response.txt"}"#,
        ),
    ];
    for (headers, want) in cases {
        let mut run = input(ScriptEvent::Test, &[code], Some(response(200, "OK", &headers, "{}")));
        run.vars.environment.insert("want".to_string(), serde_json::Value::String(want.to_string()));
        let outcome = host().run(run, &FakeServices::default());
        assert_eq!(
            outcome.assertions[0].status,
            AssertionStatus::Passed,
            "{headers:?}: {:?}",
            outcome.assertions[0].error
        );
    }
}

/// The prototype checks of Newman's own integration suite (`prototype-check`), which pass in
/// Newman 6.2.2: Sugar's deep matching in `any`/`none`, `Function#once`, the Number and
/// String helpers.
#[test]
fn sugar_prototype_checks_of_newmans_suite_pass() {
    let code = r#"
        var calls = 0, once = (function () { calls++; }).once(); once(); once();
        pm.test('all', function () {
            pm.expect(['a', 'b', 'c'].none('d')).to.equal(true);
            pm.expect([[1, 2], [2, 3]].any([2, 3])).to.equal(true);
            pm.expect([1, 2, 3, 4, 5].average()).to.equal(3);
            pm.expect(calls).to.equal(1);
            pm.expect([(56).hex(), (56).isEven(), (56).ordinalize(), (11).ordinalize(), (22).ordinalize(), (56789.10).format()])
                .to.eql(['38', true, '56th', '11th', '22nd', '56,789.1']);
            pm.expect(['abc'.shift(5), 'a-b_cD'.spacify(), 'a-beta'.camelize()]).to.eql(['fgh', 'a b c d', 'ABeta']);
        });
    "#;
    let outcome = run_test(&mut host(), code);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(outcome.assertions[0].status, AssertionStatus::Passed, "{:?}", outcome.assertions[0].error);
}

/// SugarJS helpers Newman 6.2.2's sandbox puts on built-in prototypes: values from Newman.
#[test]
fn sugar_helpers_answer_as_in_newman() {
    let code = r#"
        tests['has'] = responseBody.has('book');
        tests['has regex'] = responseBody.has(/BOOK/i);
        tests['nohas'] = responseBody.has('zzz');
        pm.test('values', function () {
            pm.expect(JSON.stringify(['hello world'.capitalize(), [3, 1, 2].first(), [1, 2, 2].unique(), 'a b'.words(),
                [1, 2, 3].sum(), 'ab'.has('b'), '12'.toNumber(), [3, 1].min(), 'hello_world'.camelize(), [1, 2].last(),
                'abc'.first(), 'abc'.last(2), [1, 2, 3].include(2), typeof Date.create, typeof Object.has]))
                .to.equal('["Hello world",3,[1,2],["a","b"],6,true,12,1,"HelloWorld",2,"a","bc",[1,2,3,2],"function","function"]');
            var keys = []; for (var k in [1]) keys.push(k);
            pm.expect(keys).to.eql(['0']);
        });
    "#;
    let outcome = run_test(&mut host(), code);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let statuses: Vec<(String, AssertionStatus)> =
        outcome.assertions.iter().map(|a| (a.name.clone(), a.status)).collect();
    assert!(statuses.contains(&("has".to_string(), AssertionStatus::Passed)), "{statuses:?}");
    assert!(statuses.contains(&("has regex".to_string(), AssertionStatus::Passed)), "{statuses:?}");
    assert!(statuses.contains(&("nohas".to_string(), AssertionStatus::Failed)), "{statuses:?}");
    let values = outcome.assertions.iter().find(|a| a.name == "values").unwrap();
    assert_eq!(values.status, AssertionStatus::Passed, "{:?}", values.error);
}

/// Newman 6.2.2 (postman-sandbox 4.7.1): the legacy setters store a truthy value as its
/// text and keep a falsy one as it is.
#[test]
fn legacy_setters_store_what_newman_stores() {
    let code = r#"
        postman.setEnvironmentVariable('n', 0);
        postman.setEnvironmentVariable('one', 1);
        postman.setGlobalVariable('g', { a: 1 });
        postman.setEnvironmentVariable('b', true);
        postman.setEnvironmentVariable('f', false);
        pm.test('types', function () {
            pm.expect(JSON.stringify([typeof pm.environment.get('n'), pm.environment.get('n'), typeof pm.globals.get('g'),
                pm.globals.get('g'), typeof pm.environment.get('b'), pm.environment.get('one'), pm.environment.get('f')]))
                .to.equal('["number",0,"string","[object Object]","string","1",false]');
        });
    "#;
    let outcome = run_test(&mut host(), code);
    assert_eq!(outcome.assertions[0].status, AssertionStatus::Passed, "{:?}", outcome.assertions[0].error);
}

/// A local variable set to undefined by an earlier script reaches the next one still
/// undefined (and present); `pm.variables.replaceIn` gives nothing for it, as the request's
/// own substitution does, and as Newman sends it (`?l=`), while a null reads "null".
#[test]
fn a_local_set_to_undefined_replaces_as_nothing() {
    let code = "pm.test('r', function () {
        pm.expect(pm.variables.replaceIn('{{l}}|{{e}}|{{z}}')).to.equal('|null|null');
        pm.expect(pm.variables.get('l')).to.equal(undefined);
        pm.expect(pm.variables.has('l')).to.equal(true);
        pm.expect(pm.variables.get('z')).to.equal(null);
    });";
    let mut run = input(ScriptEvent::Test, &[code], Some(response(200, "OK", &[], "{}")));
    run.vars.local.insert("l".to_string(), serde_json::json!(crate::vars::LOCAL_UNDEFINED));
    run.vars.local.insert("z".to_string(), serde_json::Value::Null);
    run.vars.environment.insert("e".to_string(), serde_json::Value::Null);
    let outcome = host().run(run, &FakeServices::default());
    assert_eq!(outcome.assertions[0].status, AssertionStatus::Passed, "{:?}", outcome.assertions[0].error);
}

/// Typed variables as Newman 6.2.2 treats them: a declared `string`, `number` or `boolean`
/// casts the value on `get` and on `set` (Boolean("false") is true there too), a third
/// argument to `set` declares the type, other types leave values alone.
#[test]
fn typed_variables_cast_as_in_newman() {
    let code = r#"
        var cv = pm.collectionVariables;
        var before = [cv.get('s'), cv.get('n'), cv.get('b'), cv.get('a')];
        cv.set('s', 1); cv.set('n', '5'); cv.set('b', 0); cv.set('a', 2); cv.set('typed', 5, 'string');
        pm.test('t', function () {
            pm.expect(JSON.stringify([before, cv.get('s'), cv.get('n'), cv.get('b'), cv.get('a'), cv.get('typed'), pm.variables.get('n')]))
                .to.equal('[["x",1,true,"x"],"1",5,false,2,"5",5]');
        });
    "#;
    let mut run = input(ScriptEvent::Test, &[code], Some(response(200, "OK", &[], "{}")));
    for (key, value, kind) in [("s", "x", "string"), ("n", "1", "number"), ("b", "true", "boolean"), ("a", "x", "any")]
    {
        run.vars.collection.insert(key.to_string(), serde_json::Value::String(value.to_string()));
        if kind != "any" {
            run.vars.types[3].insert(key.to_string(), kind.to_string());
        }
    }
    let outcome = host().run(run, &FakeServices::default());
    assert_eq!(outcome.assertions[0].status, AssertionStatus::Passed, "{:?}", outcome.assertions[0].error);
    assert_eq!(outcome.vars.collection.get("s"), Some(&serde_json::json!("1")));
    assert_eq!(outcome.vars.collection.get("n"), Some(&serde_json::json!(5)));
}
