//! `pm.expect`: for each assertion a passing case, a failing case and chai's exact message.

use super::support::*;
use crate::script::AssertionStatus;

/// (script expression, None = passes, Some(message) = fails with exactly that message).
const CASES: &[(&str, Option<&str>)] = &[
    // equal / equals / eq / deep.equal / eql
    ("pm.expect(200).to.equal(200)", None),
    ("pm.expect(404).to.equal(200)", Some("expected 404 to equal 200")),
    ("pm.expect('a').to.not.equal('a')", Some("expected 'a' to not equal 'a'")),
    ("pm.expect(1).to.equals(2)", Some("expected 1 to equal 2")),
    ("pm.expect(1).to.eq(2)", Some("expected 1 to equal 2")),
    ("pm.expect({ a: 1 }).to.deep.equal({ a: 1 })", None),
    ("pm.expect({ a: 1 }).to.deep.equal({ a: 2 })", Some("expected { a: 1 } to deeply equal { a: 2 }")),
    ("pm.expect([1, 2]).to.eql([1, 2])", None),
    ("pm.expect([1, 2]).to.eql([1, 3])", Some("expected [ 1, 2 ] to deeply equal [ 1, 3 ]")),
    ("pm.expect({ a: [1] }).to.eqls({ a: [2] })", Some("expected { a: [ 1 ] } to deeply equal { a: [ 2 ] }")),
    // a / an
    ("pm.expect('abc').to.be.a('string')", None),
    ("pm.expect('abc').to.be.a('number')", Some("expected 'abc' to be a number")),
    ("pm.expect([]).to.be.an('array')", None),
    ("pm.expect([]).to.be.an('object')", Some("expected [] to be an object")),
    ("pm.expect(null).to.be.an('array')", Some("expected null to be an array")),
    ("pm.expect('x').to.not.be.a('string')", Some("expected 'x' not to be a string")),
    ("pm.expect({}).to.be.an('object').that.is.empty", None),
    // include / contain / includes / contains
    ("pm.expect([1, 2]).to.include(2)", None),
    ("pm.expect([1, 2]).to.include(3)", Some("expected [ 1, 2 ] to include 3")),
    ("pm.expect('hello').to.contain('ell')", None),
    ("pm.expect('hello').to.contain('xyz')", Some("expected 'hello' to include 'xyz'")),
    ("pm.expect([1, 2]).to.not.includes(2)", Some("expected [ 1, 2 ] to not include 2")),
    ("pm.expect({ a: 1, b: 2 }).to.contains({ a: 1 })", None),
    ("pm.expect({ a: 1 }).to.include({ b: 2 })", Some("expected { a: 1 } to have property 'b'")),
    ("pm.expect({ a: 1 }).to.include({ a: 2 })", Some("expected { a: 1 } to have property 'a' of 2, but got 1")),
    ("pm.expect([{ a: 1 }]).to.deep.include({ a: 1 })", None),
    ("pm.expect([{ a: 1 }]).to.deep.include({ a: 2 })", Some("expected [ { a: 1 } ] to deep include { a: 2 }")),
    // ok / true / false / null / undefined / NaN / exist / empty
    ("pm.expect('x').to.be.ok", None),
    ("pm.expect('').to.be.ok", Some("expected '' to be truthy")),
    ("pm.expect(0).to.be.ok", Some("expected +0 to be truthy")),
    ("pm.expect(1).to.not.be.ok", Some("expected 1 to be falsy")),
    ("pm.expect(true).to.be.true", None),
    ("pm.expect(false).to.be.true", Some("expected false to be true")),
    ("pm.expect(false).to.be.false", None),
    ("pm.expect(1).to.be.false", Some("expected 1 to be false")),
    ("pm.expect(null).to.be.null", None),
    ("pm.expect(undefined).to.be.null", Some("expected undefined to be null")),
    ("pm.expect(undefined).to.be.undefined", None),
    ("pm.expect(1).to.be.undefined", Some("expected 1 to be undefined")),
    ("pm.expect(NaN).to.be.NaN", None),
    ("pm.expect(1).to.be.NaN", Some("expected 1 to be NaN")),
    ("pm.expect(0).to.exist", None),
    ("pm.expect(null).to.exist", Some("expected null to exist")),
    ("pm.expect(1).to.not.exist", Some("expected 1 to not exist")),
    ("pm.expect([]).to.be.empty", None),
    ("pm.expect([1]).to.be.empty", Some("expected [ 1 ] to be empty")),
    ("pm.expect('').to.not.be.empty", Some("expected '' not to be empty")),
    ("pm.expect(5).to.be.empty", Some(".empty was passed non-string primitive 5")),
    // above / gt / greaterThan, least / gte, below / lt / lessThan, most / lte, within
    ("pm.expect(3).to.be.above(2)", None),
    ("pm.expect(1).to.be.above(2)", Some("expected 1 to be above 2")),
    ("pm.expect(1).to.be.gt(2)", Some("expected 1 to be above 2")),
    ("pm.expect(2).to.not.be.greaterThan(1)", Some("expected 2 to be at most 1")),
    ("pm.expect('5').to.be.above(2)", Some("expected '5' to be a number or a date")),
    ("pm.expect(undefined).to.be.above(2)", Some("expected undefined to be a number or a date")),
    ("pm.expect([1, 2, 3]).to.have.length.above(2)", None),
    ("pm.expect([1]).to.have.length.above(2)", Some("expected [ 1 ] to have a length above 2 but got 1")),
    ("pm.expect(2).to.be.at.least(2)", None),
    ("pm.expect(1).to.be.at.least(2)", Some("expected 1 to be at least 2")),
    ("pm.expect(1).to.be.gte(2)", Some("expected 1 to be at least 2")),
    ("pm.expect(1).to.be.below(2)", None),
    ("pm.expect(3).to.be.below(2)", Some("expected 3 to be below 2")),
    ("pm.expect(3).to.be.lt(2)", Some("expected 3 to be below 2")),
    ("pm.expect(3).to.be.lessThan(2)", Some("expected 3 to be below 2")),
    ("pm.expect(2).to.be.at.most(2)", None),
    ("pm.expect(3).to.be.at.most(2)", Some("expected 3 to be at most 2")),
    ("pm.expect(3).to.be.lte(2)", Some("expected 3 to be at most 2")),
    ("pm.expect(2).to.be.within(1, 3)", None),
    ("pm.expect(5).to.be.within(1, 3)", Some("expected 5 to be within 1..3")),
    // instanceof / property / ownProperty / lengthOf / length
    ("pm.expect([]).to.be.instanceof(Array)", None),
    ("pm.expect([]).to.be.instanceof(RegExp)", Some("expected [] to be an instance of RegExp")),
    ("pm.expect({ a: 1 }).to.have.property('a')", None),
    ("pm.expect({ a: 1 }).to.have.property('b')", Some("expected { a: 1 } to have property 'b'")),
    ("pm.expect({ a: 1 }).to.have.property('a', 2)", Some("expected { a: 1 } to have property 'a' of 2, but got 1")),
    ("pm.expect({ a: 1 }).to.not.have.property('a')", Some("expected { a: 1 } to not have property 'a'")),
    ("pm.expect({ a: 'x' }).to.have.property('a').that.is.a('number')", Some("expected 'x' to be a number")),
    ("pm.expect({ a: { b: [1, 2] } }).to.have.nested.property('a.b[1]', 2)", None),
    (
        "pm.expect({ a: { b: 1 } }).to.have.nested.property('a.c')",
        Some("expected { a: { b: 1 } } to have nested property 'a.c'"),
    ),
    ("pm.expect({ a: { b: 1 } }).to.have.deep.property('a', { b: 1 })", None),
    ("pm.expect({ a: 1 }).to.have.ownProperty('a')", None),
    ("pm.expect({ a: 1 }).to.have.ownProperty('toString')", Some("expected { a: 1 } to have own property 'toString'")),
    ("pm.expect({ a: 1 }).to.have.own.property('b')", Some("expected { a: 1 } to have own property 'b'")),
    ("pm.expect([1, 2]).to.have.lengthOf(2)", None),
    ("pm.expect([1, 2]).to.have.lengthOf(3)", Some("expected [ 1, 2 ] to have a length of 3 but got 2")),
    ("pm.expect('abc').to.have.length(2)", Some("expected 'abc' to have a length of 2 but got 3")),
    // match / matches / string
    ("pm.expect('abc').to.match(/^a/)", None),
    ("pm.expect('abc').to.match(/^b/)", Some("expected 'abc' to match /^b/")),
    ("pm.expect('abc').to.not.matches(/b/)", Some("expected 'abc' not to match /b/")),
    ("pm.expect('abc').to.have.string('b')", None),
    ("pm.expect('abc').to.have.string('z')", Some("expected 'abc' to contain 'z'")),
    // keys / key
    ("pm.expect({ a: 1, b: 2 }).to.have.all.keys('a', 'b')", None),
    ("pm.expect({ a: 1, b: 2 }).to.have.keys('a')", Some("expected { a: 1, b: 2 } to have key 'a'")),
    ("pm.expect({ a: 1, b: 2 }).to.have.all.keys('a', 'c')", Some("expected { a: 1, b: 2 } to have keys 'a', and 'c'")),
    ("pm.expect({ a: 1, b: 2 }).to.have.any.keys('x', 'y')", Some("expected { a: 1, b: 2 } to have keys 'x', or 'y'")),
    ("pm.expect({ a: 1, b: 2 }).to.include.keys('a')", None),
    ("pm.expect({ a: 1, b: 2 }).to.contain.key('c')", Some("expected { a: 1, b: 2 } to contain key 'c'")),
    ("pm.expect({ a: 1 }).to.have.keys(['a'])", None),
    // members / oneOf / closeTo / satisfy
    ("pm.expect([1, 2]).to.have.members([2, 1])", None),
    ("pm.expect([1, 2]).to.have.members([2, 3])", Some("expected [ 1, 2 ] to have the same members as [ 2, 3 ]")),
    ("pm.expect([1, 2, 3]).to.include.members([3])", None),
    ("pm.expect([1, 2, 3]).to.include.members([4])", Some("expected [ 1, 2, 3 ] to be a superset of [ 4 ]")),
    ("pm.expect([{ a: 1 }]).to.have.deep.members([{ a: 1 }])", None),
    ("pm.expect(2).to.be.oneOf([1, 2])", None),
    ("pm.expect(3).to.be.oneOf([1, 2])", Some("expected 3 to be one of [ 1, 2 ]")),
    ("pm.expect(1.05).to.be.closeTo(1, 0.1)", None),
    ("pm.expect(1.5).to.be.closeTo(1, 0.1)", Some("expected 1.5 to be close to 1 +/- 0.1")),
    ("pm.expect(2).to.satisfy(function isTwo(n) { return n === 2; })", None),
    ("pm.expect(1).to.satisfy(function isTwo(n) { return n === 2; })", Some("expected 1 to satisfy [Function isTwo]")),
    // throw / respondTo
    ("pm.expect(function () { throw new TypeError('bad'); }).to.throw(TypeError)", None),
    ("pm.expect(function () {}).to.throw()", Some("expected [Function] to throw an error")),
    (
        "pm.expect(function () { throw new TypeError('bad'); }).to.throw(RangeError)",
        Some("expected [Function] to throw 'RangeError' but 'TypeError: bad' was thrown"),
    ),
    (
        "pm.expect(function () { throw new Error('bad'); }).to.throw('good')",
        Some("expected [Function] to throw error including 'good' but got 'bad'"),
    ),
    (
        "pm.expect(function f() { throw new Error('x'); }).to.not.throw()",
        Some("expected [Function f] to not throw an error but 'Error: x' was thrown"),
    ),
    ("pm.expect({ foo: function () {} }).to.respondTo('foo')", None),
    ("pm.expect({}).to.respondTo('foo')", Some("expected {} to respond to 'foo'")),
    // language chains, custom messages and chai's display truncation
    ("pm.expect(1).to.be.been.is.that.which.and.has.have.with.at.of.same.but.does.still.also.equal(1)", None),
    ("pm.expect(1, 'status code').to.equal(2)", Some("status code: expected 1 to equal 2")),
    (
        "pm.expect({ a: 1, b: 2, c: 3, d: 'a longer string value' }).to.be.empty",
        Some("expected { a: 1, b: 2, c: 3, \u{2026}(1) } to be empty"),
    ),
    (
        "pm.expect([1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]).to.include(99)",
        Some("expected [ Array(20) ] to include 99"),
    ),
    (
        "pm.expect('x'.repeat(50)).to.equal('y')",
        Some("expected 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\u{2026}' to equal 'y'"),
    ),
    ("pm.expect(\"it's\").to.equal('x')", Some("expected 'it\\'s' to equal 'x'")),
    ("pm.expect({ 'a-b': null }).to.equal(1)", Some("expected { 'a-b': null } to equal 1")),
];

#[test]
fn expect_cases_pass_or_fail_with_chai_messages() {
    let script: String = CASES
        .iter()
        .enumerate()
        .map(|(i, (code, _))| format!("pm.test('case {i}', function () {{ {code}; }});\n"))
        .collect();
    let mut host = host();
    let outcome = run_test(&mut host, &script);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(outcome.assertions.len(), CASES.len());
    let mut wrong = Vec::new();
    for ((code, want), got) in CASES.iter().zip(&outcome.assertions) {
        let got_message = got.error.as_ref().map(|e| e.message.as_str());
        let ok = match want {
            None => got.status == AssertionStatus::Passed,
            Some(message) => {
                got.status == AssertionStatus::Failed
                    && got_message == Some(*message)
                    && got.error.as_ref().map(|e| e.name.as_str()) == Some("AssertionError")
            }
        };
        if !ok {
            wrong.push(format!("{code}\n   want {want:?}\n   got  {:?} {got_message:?}", got.status));
        }
    }
    assert!(wrong.is_empty(), "{} wrong:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn a_misspelt_chain_word_is_an_error_with_a_suggestion() {
    let mut host = host();
    let outcome = run_test(
        &mut host,
        "pm.test('typo', function () { pm.expect(true).to.be.ture; });\n\
         pm.test('nonsense', function () { pm.expect(1).to.be.zzzzzzzz; });\n\
         pm.test('after a chainable', function () { pm.expect([1, 2]).to.have.length.abovee(1); });\n\
         pm.test('after a method', function () { pm.expect(1).to.equal(1).and.bee.ok; });\n\
         pm.test('excluded and inherited names', function () {\n\
           var a = pm.expect(1).to.be.ok;\n\
           if (a.then !== undefined || a.toJSON !== undefined || typeof a.toString !== 'function') throw new Error('names');\n\
           if (!('to' in a) || 'zzz' in a || Object.keys(a).join() !== '__flags') throw new Error(Object.keys(a).join());\n\
           pm.expect([1, 2]).to.have.length.above(1).and.below(3);\n\
           pm.expect([1, 2]).to.have.length.that.is.not.above(2);\n\
         });",
    );
    let errors: Vec<_> = outcome.assertions.iter().map(|a| a.error.clone()).collect();
    let messages: Vec<_> = errors.iter().map(|e| e.as_ref().map(|e| e.message.as_str())).collect();
    assert_eq!(
        messages,
        [
            Some("Invalid Chai property: ture. Did you mean \"true\"?"),
            Some("Invalid Chai property: zzzzzzzz"),
            Some("Invalid Chai property: abovee. Did you mean \"above\"?"),
            Some("Invalid Chai property: bee. Did you mean \"be\"?"),
            None,
        ]
    );
    assert_eq!(errors[0].as_ref().map(|e| e.name.as_str()), Some("Error"));
}

#[test]
fn expect_results_can_be_returned_from_arrow_tests() {
    let mut host = host();
    let outcome = run_test(
        &mut host,
        "pm.test('arrow', () => pm.expect(1).to.equal(1));\n\
         pm.test('arrow fails', () => pm.expect(1).to.equal(2));",
    );
    let statuses: Vec<_> = outcome.assertions.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [AssertionStatus::Passed, AssertionStatus::Failed]);
}
