//! The libraries Postman's sandbox offers beyond moment, lodash, xml2js, tv4 and ajv:
//! crypto-js in full, csv-parse, cheerio, postman-collection, Backbone, liquid-json and the
//! Node built-ins, each checked through a script against what Newman 6.2.2 gave for the same
//! expression (recorded once from Newman's JSON report, a test per expression).

use super::support::*;

/// (label, expression, what Newman 6.2.2 printed: a string as is, anything else as JSON, a
/// throw as `THROW name: message`). `key` and `iv` are 16-byte WordArrays.
const NEWMAN_RESULTS: &[(&str, &str, &str)] = &[
    (r#"aes"#, r#"CryptoJS.AES.encrypt('hello world', key, { iv: iv }).toString()"#, r#"zaEi5nHw+RCV9CYzTkIrKw=="#),
    (
        r#"aes-dec"#,
        r#"CryptoJS.AES.decrypt(CryptoJS.AES.encrypt('hello world', key, { iv: iv }).toString(), key, { iv: iv }).toString(CryptoJS.enc.Utf8)"#,
        r#"hello world"#,
    ),
    (
        r#"aes-pass-roundtrip"#,
        r#"CryptoJS.AES.decrypt(CryptoJS.AES.encrypt('msg', 'secret').toString(), 'secret').toString(CryptoJS.enc.Utf8)"#,
        r#"msg"#,
    ),
    (
        r#"aes-ecb"#,
        r#"CryptoJS.AES.encrypt('hello', key, { mode: CryptoJS.mode.ECB, padding: CryptoJS.pad.Pkcs7 }).ciphertext.toString()"#,
        r#"5d8749e2af7531b2bf6661e9e5daf012"#,
    ),
    (
        r#"des"#,
        r#"CryptoJS.DES.encrypt('hello', CryptoJS.enc.Hex.parse('0001020304050607'), { iv: CryptoJS.enc.Hex.parse('0001020304050607') }).toString()"#,
        r#"DchgtPi8ha4="#,
    ),
    (
        r#"3des"#,
        r#"CryptoJS.TripleDES.encrypt('hello', key, { iv: CryptoJS.enc.Hex.parse('0001020304050607') }).toString()"#,
        r#"CcdcMRKuA/k="#,
    ),
    (r#"rc4"#, r#"CryptoJS.RC4.encrypt('hello', key).ciphertext.toString()"#, r#"81f92c9528"#),
    (
        r#"rabbit"#,
        r#"CryptoJS.Rabbit.encrypt('hello', key, { iv: CryptoJS.enc.Hex.parse('0001020304050607') }).ciphertext.toString()"#,
        r#"9aec75b1ce"#,
    ),
    (
        r#"pbkdf2"#,
        r#"CryptoJS.PBKDF2('password', 'salt', { keySize: 4, iterations: 10 }).toString()"#,
        r#"ae3fe5f5707e07f3e7c117fb885cd052"#,
    ),
    (
        r#"sha3"#,
        r#"CryptoJS.SHA3('abc').toString()"#,
        r#"18587dc2ea106b9a1563e32b3312421ca164c7f1f07bc922a9c83d77cea3a1e5d0c69910739025372dc14ac9642629379540c17e2a65b19d77aa511a9d00bb96"#,
    ),
    (r#"ripemd"#, r#"CryptoJS.RIPEMD160('abc').toString()"#, r#"8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"#),
    (
        r#"hmac512-b64"#,
        r#"CryptoJS.HmacSHA512('msg', 'key').toString(CryptoJS.enc.Base64)"#,
        r#"HktVuSXMwo7ZDZ0Y/COT/L4WTA2E5n4XPMWqSGt6/BBmM8Zr3DCQdvX42f27tiRW+JTywjN3+8wS9KspQOttcA=="#,
    ),
    (r#"md5"#, r#"CryptoJS.MD5('abc').toString()"#, r#"900150983cd24fb0d6963f7d28e17f72"#),
    (r#"utf16"#, r#"CryptoJS.enc.Utf16.parse('hi').toString()"#, r#"00680069"#),
    (r#"wa"#, r#"CryptoJS.lib.WordArray.create([1, 2], 6).toString()"#, r#"000000010000"#),
    (
        r#"csv"#,
        r#"require('csv-parse/lib/sync')('a,b\n1,2\n3,4', { columns: true })"#,
        r#"[{"a":"1","b":"2"},{"a":"3","b":"4"}]"#,
    ),
    (r#"cheerio"#, r#"cheerio.load('<p class="x">hi <b>there</b></p>')('.x').text()"#, r#"hi there"#),
    (r#"cheerio-req"#, r#"require('cheerio').load('<ul><li>a</li><li>b</li></ul>')('li').length"#, r#"2"#),
    (r#"pmc-url"#, r#"new (require('postman-collection').Url)('http://a.com/b?c=d&e').getQueryString()"#, r#"c=d&e"#),
    (
        r#"pmc-header"#,
        r#"require('postman-collection').Header.parse('A: 1\nB: 2')"#,
        r#"[{"key":"A","value":"1"},{"key":"B","value":"2"}]"#,
    ),
    (
        r#"pmc-variables"#,
        r#"new (require('postman-collection').VariableScope)({ values: [{ key: 'x', value: 'y' }] }).replaceIn('{{x}}!')"#,
        r#"y!"#,
    ),
    (
        r#"url"#,
        r#"require('url').parse('http://u:p@a.com:8080/p?q=1#h')"#,
        r##"{"protocol":"http:","slashes":true,"auth":"u:p","host":"a.com:8080","port":"8080","hostname":"a.com","hash":"#h","search":"?q=1","query":"q=1","pathname":"/p","path":"/p?q=1","href":"http://u:p@a.com:8080/p?q=1#h"}"##,
    ),
    (
        r#"url-format"#,
        r#"require('url').format({ protocol: 'https', host: 'x.com', pathname: '/a', query: { b: 1 } })"#,
        r#"https://x.com/a?b=1"#,
    ),
    (r#"qs"#, r#"require('querystring').stringify({ a: [1, 2], b: 'x y' })"#, r#"a=1&a=2&b=x%20y"#),
    (r#"qs-parse"#, r#"require('querystring').parse('a=1&a=2&b=%20')"#, r#"{"a":["1","2"],"b":" "}"#),
    (r#"util-format"#, r#"require('util').format('%s=%d %j', 'a', 1, { x: 1 })"#, r#"a=1 {"x":1}"#),
    (
        r#"util-inspect"#,
        r#"require('util').inspect({ a: [1, { b: 2 }], s: 'x' })"#,
        r#"{ a: [ 1, { b: 2 } ], s: 'x' }"#,
    ),
    (r#"util-isArray"#, r#"require('util').isArray([])"#, r#"true"#),
    (r#"path"#, r#"require('path').join('/a/b', '../c', 'd.txt')"#, r#"/a/c/d.txt"#),
    (r#"path-ext"#, r#"require('path').extname('x.tar.gz')"#, r#".gz"#),
    (
        r#"events"#,
        r#"{ var E = require('events'); var e = new E(); var got = []; e.on('x', v => got.push(v)); e.emit('x', 1); e.emit('x', 2); return got; }"#,
        r#"[1,2]"#,
    ),
    (r#"assert-ok"#, r#"{ require('assert').deepStrictEqual({ a: 1 }, { a: 1 }); return 'ok'; }"#, r#"ok"#),
    (
        r#"assert-fail"#,
        r#"require('assert').strictEqual(1, 2)"#,
        r#"THROW AssertionError: Expected values to be strictly equal:

1 !== 2
"#,
    ),
    (r#"assert-equal"#, r#"require('assert').equal(1, 2, 'custom')"#, r#"THROW AssertionError: custom"#),
    (
        r#"sd"#,
        r#"new (require('string_decoder').StringDecoder)('utf8').write(Buffer.from([0xe2, 0x82, 0xac]))"#,
        r#"€"#,
    ),
    (r#"punycode"#, r#"require('punycode').toASCII('mañana.com')"#, r#"xn--maana-pta.com"#),
    (r#"timers"#, r#"typeof require('timers').setTimeout"#, r#"function"#),
    (r#"stream"#, r#"typeof require('stream').Readable"#, r#"function"#),
    (r#"backbone"#, r#"new Backbone.Model({ a: 1 }).get('a')"#, r#"1"#),
    (r#"nope"#, r#"require('nope')"#, r#"THROW Error: Cannot find module 'nope'"#),
    (r#"buffer-req"#, r#"require('buffer').Buffer.from('hi').toString('hex')"#, r#"6869"#),
    (r#"uuid"#, r#"/^[0-9a-f-]{36}$/.test(require('uuid').v4())"#, r#"true"#),
    (r#"os"#, r#"typeof require('os').platform"#, r#"function"#),
    (r#"fs"#, r#"Object.keys(require('fs'))"#, r#"[]"#),
    (r#"json"#, r#"typeof require('json').parse"#, r#"function"#),
    (r#"liquid-json-bom"#, r#"require('json').parse('\ufeff{"a":1}').a"#, r#"1"#),
];

const SETUP: &str = r#"
var key = CryptoJS.enc.Hex.parse('000102030405060708090a0b0c0d0e0f');
var iv = CryptoJS.enc.Hex.parse('101112131415161718191a1b1c1d1e1f');
"#;

#[test]
fn every_library_gives_newmans_results() {
    let mismatches = newman_table_mismatches(&mut host(), SETUP, NEWMAN_RESULTS);
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn legacy_library_globals_load_on_first_use_and_can_be_replaced() {
    let mut host = host();
    let outcome = run_test(
        &mut host,
        "console.log(typeof CryptoJS.AES, typeof cheerio.load, typeof Backbone.Model); \
         CryptoJS = 1; console.log(CryptoJS);",
    );
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let got = printed(&outcome);
    assert_eq!(got, ["object function function", "1"]);
}

#[test]
fn an_unknown_module_fails_as_in_newman() {
    let mut host = host();
    for name in ["nope", "./local", "postman-sandbox", "liquid-json"] {
        let outcome = run_test(&mut host, &format!("require('{name}');"));
        assert_eq!(outcome.errors.len(), 1, "{name}");
        assert_eq!(outcome.errors[0].message, format!("Cannot find module '{name}'"));
    }
}
