//! The vendored libraries (`require('moment')`, ...): real behaviour through scripts, and
//! that an engine loads each only when a script asks for it, once.

use super::support::*;
use crate::script::native::CHUNKS_LOADED;
use crate::script::*;

/// Runs `code` as a test script and returns its console lines, failing on any error or
/// failed assertion.
fn console_of(host: &mut ScriptHost, code: &str) -> Vec<String> {
    let outcome = run_test(host, code);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let failed: Vec<_> = outcome.assertions.iter().filter(|a| a.status != AssertionStatus::Passed).collect();
    assert!(failed.is_empty(), "{failed:?}");
    printed(&outcome).into_iter().map(str::to_string).collect()
}

/// The chunks loaded on demand: Sugar is loaded by every engine as it starts.
fn vendor_chunks_loaded() -> Vec<String> {
    CHUNKS_LOADED.with(|loaded| loaded.borrow().iter().filter(|n| *n != "inspect" && *n != "sugar").cloned().collect())
}

#[test]
fn moment_parses_formats_and_computes_dates() {
    let cases: &[(&str, &str)] = &[
        ("moment('2024-01-15T10:20:30Z').utc().format('YYYY-MM-DD HH:mm')", "2024-01-15 10:20"),
        ("moment.utc(0).add(1, 'day').toISOString()", "1970-01-02T00:00:00.000Z"),
        ("moment().isValid()", "true"),
        ("moment('not a date', 'YYYY-MM-DD', true).isValid()", "false"),
        ("moment.utc('2024-03-01').diff(moment.utc('2024-02-01'), 'days')", "29"),
        ("moment.utc('2024-01-31').add(1, 'month').format('YYYY-MM-DD')", "2024-02-29"),
        ("moment.unix(1700000000).utc().format()", "2023-11-14T22:13:20Z"),
        ("moment.utc('15/01/2024', 'DD/MM/YYYY').valueOf()", "1705276800000"),
        ("moment.isMoment(moment())", "true"),
        ("moment.duration(90, 'minutes').asHours()", "1.5"),
        ("moment.locale()", "en"),
    ];
    let mut host = host();
    for (expression, expected) in cases {
        let code = format!("var moment = require('moment'); console.log(String({expression}));");
        assert_eq!(console_of(&mut host, &code), [expected.to_string()], "{expression}");
    }
}

#[test]
fn moment_works_inside_assertions_like_in_postman() {
    let code = r#"
        const moment = require('moment');
        pm.test('fresh', () => {
            const created = moment.utc('2024-01-15T10:20:30Z');
            pm.expect(created.isBefore(moment())).to.be.true;
            pm.expect(moment.utc('2024-01-15T10:20:30Z').isSame(created)).to.be.true;
        });
        pm.environment.set('today', moment.utc('2024-05-06T07:08:09Z').format('MMM Do YYYY'));
    "#;
    let mut host = host();
    let outcome = run_test(&mut host, code);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(outcome.assertions.len(), 1);
    assert_eq!(outcome.assertions[0].status, AssertionStatus::Passed, "{:?}", outcome.assertions);
    assert_eq!(outcome.vars.environment.get("today"), Some(&serde_json::json!("May 6th 2024")));
}

#[test]
fn require_lodash_is_lodash_4() {
    let cases: &[(&str, &str)] = &[
        ("lodash.VERSION", "4.17.21"),
        ("lodash.get({ a: { b: [1, { c: 2 }] } }, 'a.b[1].c')", "2"),
        ("lodash.get({}, 'a.b', 'fallback')", "fallback"),
        ("lodash.isEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })", "true"),
        ("lodash.isEqual({ a: 1 }, { a: '1' })", "false"),
        ("lodash.map([1, 2, 3], n => n * 2).join()", "2,4,6"),
        ("lodash.find([{ id: 1, n: 'a' }, { id: 2, n: 'b' }], { id: 2 }).n", "b"),
        ("JSON.stringify(lodash.groupBy(['one', 'two', 'three'], 'length'))", r#"{"3":["one","two"],"5":["three"]}"#),
        ("lodash.chain([3, 1, 2]).sortBy().map(String).value().join('')", "123"),
    ];
    let mut host = host();
    for (expression, expected) in cases {
        let code = format!("const lodash = require('lodash'); console.log(String({expression}));");
        assert_eq!(console_of(&mut host, &code), [expected.to_string()], "{expression}");
    }
}

#[test]
fn the_global_underscore_is_lodash_3_as_in_postman() {
    let mut host = host();
    let code = r#"
        console.log(_.VERSION, require('lodash') === _);
        console.log(_.find([{ id: 1 }, { id: 7, name: 'x' }], { id: 7 }).name);
        const n = _.random(100, 999);
        console.log(n >= 100 && n <= 999 && Number.isInteger(n));
        console.log(_.pluck([{ a: 1 }, { a: 2 }], 'a').join());
        console.log(_.isEqual(_.get({ a: { b: [5] } }, 'a.b'), [5]));
    "#;
    assert_eq!(console_of(&mut host, code), ["3.10.2 false", "x", "true", "1,2", "true"]);
}

#[test]
fn scripts_may_declare_or_replace_underscore() {
    let mut host = host();
    assert_eq!(console_of(&mut host, "var _ = 1; console.log(_ + 1);"), ["2"]);
    assert_eq!(console_of(&mut host, "const _ = require('lodash'); console.log(_.VERSION);"), ["4.17.21"]);
    assert_eq!(console_of(&mut host, "_ = 'mine'; console.log(globalThis._);"), ["mine"]);
    assert_eq!(console_of(&mut host, "console.log(_);"), ["mine"]);
    assert!(!vendor_chunks_loaded().contains(&"lodash3".to_string()), "{:?}", vendor_chunks_loaded());
}

#[test]
fn libraries_load_only_on_first_use_and_once_per_engine() {
    let mut host = host();
    console_of(&mut host, "pm.test('ok', () => pm.response.to.have.status(200)); console.log('_' in globalThis);");
    assert!(vendor_chunks_loaded().is_empty(), "{:?}", vendor_chunks_loaded());
    console_of(&mut host, "require('moment'); require('moment'); _.noop(); _.noop();");
    console_of(&mut host, "if (require('moment') !== require('moment')) throw new Error('not cached'); _.noop();");
    assert_eq!(vendor_chunks_loaded(), ["moment", "lodash3"]);
}

#[test]
fn xml2json_and_xml2js_parse_like_newman() {
    // Expected lines as Newman 6.2.2 printed them for the same calls.
    let code = r#"
        console.log(JSON.stringify(xml2Json('<a x="1"><b> hi </b><b>2</b><c/></a>')));
        console.log(String(xml2Json('<a><b>')));
        var parsed;
        require('xml2js').parseString('<a><b>1</b></a>', function (error, value) { parsed = value; });
        console.log(JSON.stringify(parsed));
        var failure;
        require('xml2js').parseString('<a></b>', function (error) { failure = error; });
        console.log(failure instanceof Error);
        console.log(new (require('xml2js').Builder)({ headless: true }).buildObject({ r: { a: 1 } }));
    "#;
    let mut host = host();
    assert_eq!(
        console_of(&mut host, code),
        [
            r#"{"a":{"$":{"x":"1"},"b":["hi","2"],"c":""}}"#,
            "undefined",
            r#"{"a":{"b":["1"]}}"#,
            "true",
            "<r>\n  <a>1</a>\n</r>",
        ]
    );
    // sax, inside xml2js, takes `stream` (with its `events` and `util`) when it is there, as
    // in Postman's sandbox.
    assert_eq!(vendor_chunks_loaded(), ["xml2js", "stream", "events", "util"]);
}

#[test]
fn tv4_validates_and_reports_like_newman() {
    // Expected lines as Newman 6.2.2 printed them for the same calls.
    let code = r#"
        const schema = { type: 'object', required: ['a'], properties: { a: { type: 'integer' } } };
        const tv4 = require('tv4');
        console.log(tv4.validate({ a: 1 }, schema), tv4.validate({ a: 'x' }, schema));
        const e = tv4.error;
        console.log(e.message, e.code, e.dataPath, e.schemaPath);
        tv4.validate({}, schema);
        console.log(tv4.error.message);
        const all = tv4.validateMultiple({ a: 'x', b: 1 }, Object.assign({ additionalProperties: false }, schema));
        console.log(all.valid, all.errors.map(e => e.message).join('|'));
    "#;
    let mut host = host();
    assert_eq!(
        console_of(&mut host, code),
        [
            "true false",
            "Invalid type: string (expected integer) 0 /a /properties/a/type",
            "Missing required property: a",
            "false Invalid type: string (expected integer)|Additional properties not allowed",
        ]
    );
    assert_eq!(vendor_chunks_loaded(), ["tv4"]);
}

#[test]
fn the_global_tv4_checks_a_response_in_a_typical_postman_test() {
    let code = r#"
        const schema = { type: 'object', required: ['id', 'tags'], properties: { tags: { type: 'array' } } };
        pm.test('schema', () => pm.expect(tv4.validate(pm.response.json(), schema)).to.be.true);
        pm.test('wrong schema', () => pm.expect(tv4.validate(pm.response.json(), { required: ['nope'] })).to.be.true);
    "#;
    let mut host = host();
    let outcome = run_test(&mut host, code);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let statuses: Vec<_> = outcome.assertions.iter().map(|a| (a.name.as_str(), a.status)).collect();
    assert_eq!(statuses, [("schema", AssertionStatus::Passed), ("wrong schema", AssertionStatus::Failed)]);
    assert_eq!(outcome.assertions[1].error.as_ref().map(|e| e.message.as_str()), Some("expected false to be true"));
    assert_eq!(console_of(&mut host, "tv4 = 1; console.log(tv4 + 1);"), ["2"]);
    assert_eq!(vendor_chunks_loaded(), ["tv4"]);
}

#[test]
fn ajv_validates_compiles_and_words_errors_like_newman() {
    // Expected lines as Newman 6.2.2 printed them for the same calls.
    let code = r#"
        const Ajv = require('ajv');
        const ajv = new Ajv({ allErrors: true });
        const schema = { type: 'object', required: ['a'], properties: { a: { type: 'integer' } } };
        console.log(ajv.validate(schema, { a: 1 }), ajv.validate(schema, { a: 'x' }));
        console.log(JSON.stringify(ajv.errors));
        console.log(ajv.validate(schema, {}), JSON.stringify(ajv.errors));
        const check = ajv.compile({ type: 'array', items: { type: 'string', minLength: 2 }, maxItems: 2 });
        console.log(check(['ab']), check(['a', 'bc', 'de']), JSON.stringify(check.errors));
        console.log(ajv.errorsText(check.errors));
        console.log(check(['xy', 'zz']), check.errors);
        const email = { type: 'string', format: 'email' };
        console.log(ajv.validate(email, 'x@y.io'), ajv.validate({ type: 'string', format: 'date-time' }, 'nope'), ajv.errorsText());
        const refs = { definitions: { n: { type: 'number' } }, properties: { n: { $ref: '#/definitions/n' } } };
        console.log(ajv.validate(refs, { n: '1' }), ajv.errorsText());
    "#;
    let mut host = host();
    assert_eq!(
        console_of(&mut host, code),
        [
            "true false",
            r##"[{"keyword":"type","dataPath":".a","schemaPath":"#/properties/a/type","params":{"type":"integer"},"message":"should be integer"}]"##,
            r##"false [{"keyword":"required","dataPath":"","schemaPath":"#/required","params":{"missingProperty":"a"},"message":"should have required property 'a'"}]"##,
            r##"true false [{"keyword":"maxItems","dataPath":"","schemaPath":"#/maxItems","params":{"limit":2},"message":"should NOT have more than 2 items"},{"keyword":"minLength","dataPath":"[0]","schemaPath":"#/items/minLength","params":{"limit":2},"message":"should NOT be shorter than 2 characters"}]"##,
            "data should NOT have more than 2 items, data[0] should NOT be shorter than 2 characters",
            "true null",
            r#"true false data should match format "date-time""#,
            "false data.n should be number",
        ]
    );
    assert_eq!(vendor_chunks_loaded(), ["ajv"]);
}

#[test]
fn ajv_checks_a_response_in_a_typical_postman_test_and_is_loaded_once() {
    let code = r#"
        const Ajv = require('ajv');
        const validate = new Ajv().compile({ type: 'object', required: ['id'], properties: { id: { type: 'number' } } });
        pm.test('schema', () => pm.expect(validate(pm.response.json())).to.be.true);
        pm.test('again', () => pm.expect(validate({ id: 'seven' }), JSON.stringify(validate.errors)).to.be.true);
    "#;
    let mut host = host();
    let outcome = run_test(&mut host, code);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let statuses: Vec<_> = outcome.assertions.iter().map(|a| (a.name.as_str(), a.status)).collect();
    assert_eq!(statuses, [("schema", AssertionStatus::Passed), ("again", AssertionStatus::Failed)]);
    // As Newman 6.2.2 words it.
    let expected = r##"[{"keyword":"type","dataPath":".id","schemaPath":"#/properties/id/type","params":{"type":"number"},"message":"should be number"}]: expected false to be true"##;
    assert_eq!(outcome.assertions[1].error.as_ref().map(|e| e.message.as_str()), Some(expected));
    console_of(&mut host, "if (require('ajv') !== require('ajv')) throw new Error('not cached');");
    assert_eq!(vendor_chunks_loaded(), ["ajv"]);
}
