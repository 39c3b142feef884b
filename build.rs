//! Compiles the scripting prelude (`src/script/prelude/*.js`) to QuickJS bytecode at build
//! time, so each script engine loads it in about half a millisecond instead of compiling
//! ~4 000 lines of JavaScript (~4 ms) at every start. The source is written out too: the
//! engine falls back to it if the bytecode cannot be loaded.
//!
//! inspect.js (value printing, for failure messages and console output) is a chunk of its
//! own that an engine loads on first use: passing scripts never need it, and every engine
//! would otherwise read, run and at teardown free its bytecode.
//!
//! The third-party libraries of `src/script/vendor/` (see LICENSES.md there) are chunks of
//! their own too, loaded on a script's first `require` of them: most collections never use
//! them, and compiling moment or lodash would cost milliseconds per engine.
//!
//! The bytecode carries no source text: QuickJS stores every function's own source, nested
//! ones again inside their parents, which made the bytecode four times the size of the
//! JavaScript and its loading and freeing correspondingly slower. Line numbers stay.

use std::path::PathBuf;

/// Concatenation order matters: later files use what earlier ones define.
const FILES: &[&str] = &[
    "util",
    "engine_errors",
    "buffer",
    "sugar",
    "lazy",
    "chai_core",
    "chai_assertions",
    "chai_throw",
    "chai_postman",
    "sdk",
    "variables",
    "crypto",
    "cookie_jar",
    "legacy",
    "runtime",
];

/// Must equal `script::prelude::PRELUDE_FILE`: stack frames carry it.
const MODULE_NAME: &str = "postie-prelude.js";

/// Must equal `script::prelude::INSPECT_FILE`.
const INSPECT_MODULE_NAME: &str = "postie-inspect.js";

/// Vendored libraries: the chunk's name, its file under `src/script/vendor/`, and whether a
/// script may `require` it by that name (lodash 3 is only the legacy global `_`). The one
/// list: the Rust table (`script::prelude::VENDOR_CHUNKS`) and the prelude's
/// `REQUIRABLE_VENDOR` are generated from it.
const VENDOR: &[(&str, &str, bool)] = &[
    ("moment", "moment.min.js", true),
    ("lodash", "lodash.min.js", true),
    ("lodash3", "lodash3.min.js", false),
    ("xml2js", "xml2js.min.js", true),
    ("tv4", "tv4.js", true),
    ("ajv", "ajv.min.js", true),
    ("crypto-js", "crypto-js.min.js", true),
    ("csv-parse/lib/sync", "csv-parse-sync.min.js", true),
    ("cheerio", "cheerio.min.js", true),
    ("postman-collection", "postman-collection.min.js", true),
    ("backbone", "backbone.min.js", true),
    ("json", "liquid-json.min.js", true),
    ("sugar", "sugar.min.js", false),
    ("assert", "node-assert.min.js", true),
    ("events", "node-events.min.js", true),
    ("os", "node-os.min.js", true),
    ("path", "node-path.min.js", true),
    ("punycode", "node-punycode.min.js", true),
    ("querystring", "node-querystring.min.js", true),
    ("stream", "node-stream.min.js", true),
    ("string_decoder", "node-string_decoder.min.js", true),
    ("timers", "node-timers.min.js", true),
    ("url", "node-url.min.js", true),
    ("util", "node-util.min.js", true),
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/script/prelude");
    let mut source = String::from("(function (native) {\n'use strict';\n");
    source.push_str(&requirable_vendor());
    source.push_str(&sugar_methods());
    let version = std::env::var("CARGO_PKG_VERSION").expect("cargo sets CARGO_PKG_VERSION");
    source.push_str(&format!("var POSTIE_VERSION = {version:?};\n"));
    let mut classes = Vec::new();
    // The names build.rs itself declares count too.
    let mut declared: std::collections::HashMap<String, String> =
        ["REQUIRABLE_VENDOR", "SUGAR_METHODS", "SUGAR_VALUES", "POSTIE_VERSION"]
            .map(|n| (n.to_string(), "build.rs".to_string()))
            .into();
    for name in FILES {
        let path = format!("src/script/prelude/{name}.js");
        println!("cargo:rerun-if-changed={path}");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("build: cannot read {path}: {e}"));
        check_unique_names(&path, &text, &mut declared);
        classes.extend(text.lines().filter_map(class_name));
        source.push_str(&text);
    }
    source.push_str(&prelude_class_function(&classes));
    source.push_str("\n})");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    compile(&out, "prelude", MODULE_NAME, &source);
    // Takes what it uses from the prelude as arguments; returns what lazy.js forwards to.
    let path = "src/script/prelude/inspect.js";
    println!("cargo:rerun-if-changed={path}");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("build: cannot read {path}: {e}"));
    let inspect = format!(
        "(function (preludeClass) {{\n'use strict';\n{text}\n\
         return {{ chaiInspect: chaiInspect, objDisplay: objDisplay, formatArgs: formatArgs }};\n}})"
    );
    compile(&out, "inspect", INSPECT_MODULE_NAME, &inspect);
    write_vendor_table(&out);
    let stems: std::collections::HashSet<String> = VENDOR.iter().map(|(_, file, _)| vendor_stem(file)).collect();
    assert_eq!(stems.len(), VENDOR.len(), "build: two vendored files map to the same chunk stem");
    for (_, file, _) in VENDOR {
        let path = format!("src/script/vendor/{file}");
        println!("cargo:rerun-if-changed={path}");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("build: cannot read {path}: {e}"));
        // The CommonJS names a UMD wrapper looks for; `define` shadows any AMD loader a
        // script might have made global, so the library always takes the CommonJS branch.
        let chunk = format!("(function (module, exports, require, define) {{\n{text}\n}})");
        compile(&out, &vendor_stem(file), &format!("postie-vendor-{file}"), &chunk);
    }
}

/// The output stem of a vendored file: require names hold `/` and `-`, file names need not.
fn vendor_stem(file: &str) -> String {
    let stem = file.trim_end_matches(".js").trim_end_matches(".min");
    format!("vendor_{}", stem.replace(|c: char| !c.is_ascii_alphanumeric(), "_"))
}

/// Writes `{stem}.js` and `{stem}.qjsbc`: a module whose default export is the function
/// `source` evaluates to, compiled but not run.
fn compile(out: &std::path::Path, stem: &str, module_name: &str, source: &str) {
    std::fs::write(out.join(format!("{stem}.js")), source).expect("build: write source");
    let module_source = format!("export default {source};");
    let runtime = rquickjs::Runtime::new().expect("build: QuickJS runtime");
    let context = rquickjs::Context::full(&runtime).expect("build: QuickJS context");
    let bytes = context.with(|ctx| {
        let module = rquickjs::Module::declare(ctx.clone(), module_name, module_source)
            .unwrap_or_else(|e| panic!("build: {stem}.js does not compile: {e}"));
        module
            .write(rquickjs::module::WriteOptions { strip_source: true, ..Default::default() })
            .expect("build: write bytecode")
    });
    std::fs::write(out.join(format!("{stem}.qjsbc")), bytes).expect("build: write bytecode");
}

/// The name of a class declared at the start of `line`.
fn class_name(line: &str) -> Option<String> {
    let rest = line.strip_prefix("class ")?;
    let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '$').collect();
    (!name.is_empty()).then_some(name)
}

/// `preludeClass(value)`: without source text a class constructor no longer reads as
/// `class ...`, which `nodeInspect` relies on to print `[class Name]`. A declaration, so it
/// is hoisted even though it follows runtime.js's `return`.
fn prelude_class_function(classes: &[String]) -> String {
    let tests: Vec<String> = classes.iter().map(|c| format!("value === {c}")).collect();
    let body = if tests.is_empty() { "false".to_string() } else { tests.join(" || ") };
    format!("\nfunction preludeClass(value) {{ return {body}; }}\n")
}

/// The prelude's table of the vendored names `require` answers (the files of the
/// prelude are one function body, so this is a local of it like everything else).
fn requirable_vendor() -> String {
    let names: Vec<String> =
        VENDOR.iter().filter(|(_, _, requirable)| *requirable).map(|(name, _, _)| format!("'{name}': true")).collect();
    format!("var REQUIRABLE_VENDOR = Object.freeze({{ {} }});\n", names.join(", "))
}

/// The built-ins whose own properties Sugar may add to, by the name the prelude resolves.
const SUGAR_TARGETS: &[&str] = &[
    "Object",
    "Array",
    "Array.prototype",
    "String",
    "String.prototype",
    "Number",
    "Number.prototype",
    "Date",
    "Date.prototype",
    "Function.prototype",
    "RegExp",
    "RegExp.prototype",
    "Math",
    "JSON",
];

/// `SUGAR_METHODS`: what SugarJS adds to the built-ins of this very QuickJS, found by running
/// it here and comparing each target's own properties before and after. The prelude puts a
/// stand-in under each of these names that loads Sugar on its first call, so an engine pays
/// for Sugar (about 14 ms) only when a script uses it. Methods Sugar replaces (an enhanced
/// `map`, ...) are not listed: they exist already, and work as before until Sugar loads. Nor
/// is `SugarMethods`, Sugar's own bookkeeping object on each built-in. The names of the other
/// values it adds (settings such as `Array.AlphanumericSortOrder`, `Date.utc`) go to
/// `SUGAR_VALUES`: reading one loads Sugar too.
fn sugar_methods() -> String {
    let path = "src/script/vendor/sugar.min.js";
    let sugar = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("build: cannot read {path}: {e}"));
    let targets: Vec<String> = SUGAR_TARGETS.iter().map(|t| format!("[{t:?}, {t}]")).collect();
    let probe = format!(
        "(function () {{\n\
         var targets = [{}];\n\
         var before = targets.map(function (t) {{ return Object.getOwnPropertyNames(t[1]); }});\n\
         (0, eval)({sugar:?});\n\
         var added = {{}}, values = {{}};\n\
         targets.forEach(function (t, i) {{\n\
           var names = Object.getOwnPropertyNames(t[1]).filter(function (n) {{\n\
             if (before[i].indexOf(n) >= 0 || n === 'SugarMethods') return false;\n\
             var value = Object.getOwnPropertyDescriptor(t[1], n).value;\n\
             if (typeof value === 'function') return true;\n\
             (values[t[0]] = values[t[0]] || []).push(n);\n\
             return false;\n\
           }});\n\
           if (names.length) added[t[0]] = names.sort();\n\
         }});\n\
         return 'var SUGAR_METHODS = ' + JSON.stringify(added) + ';\\nvar SUGAR_VALUES = ' + JSON.stringify(values) + ';\\n';\n\
         }})()",
        targets.join(", ")
    );
    let runtime = rquickjs::Runtime::new().expect("build: QuickJS runtime");
    let context = rquickjs::Context::full(&runtime).expect("build: QuickJS context");
    let added: String = context.with(|ctx| {
        ctx.eval::<String, _>(probe).unwrap_or_else(|e| {
            let detail = ctx.catch().as_exception().and_then(|x| x.message()).unwrap_or_default();
            panic!("build: running {path} to list its methods failed: {e} {detail}")
        })
    });
    added
}

/// `vendor_table.rs`: the Rust side's table of chunks, included by `script::prelude`.
fn write_vendor_table(out: &std::path::Path) {
    let mut table = String::from(
        "/// Generated by build.rs from its `VENDOR` list.\npub const VENDOR_CHUNKS: &[VendorChunk] = &[\n",
    );
    for (name, file, _) in VENDOR {
        let js = out.join(format!("{}.js", vendor_stem(file)));
        let bc = out.join(format!("{}.qjsbc", vendor_stem(file)));
        table.push_str(&format!(
            "    VendorChunk {{ name: {name:?}, source: include_str!({js:?}), bytecode: include_bytes!({bc:?}), file: {:?} }},\n",
            format!("postie-vendor-{file}")
        ));
    }
    table.push_str("];\n");
    std::fs::write(out.join("vendor_table.rs"), table).expect("build: write vendor_table.rs");
}

/// The prelude files are one function body: a top-level name declared in two files would
/// silently replace the first (function declarations) or fail only at run time (`let`).
fn check_unique_names(path: &str, text: &str, declared: &mut std::collections::HashMap<String, String>) {
    for (index, line) in text.lines().enumerate() {
        let Some(name) = top_level_name(line) else { continue };
        let here = format!("{path}:{}", index + 1);
        if let Some(first) = declared.insert(name.clone(), here.clone()) {
            panic!("build: the prelude declares `{name}` twice at top level: {first} and {here}; rename one");
        }
    }
}

/// The name a line declares at top level (column 0): `function f`, `async function f`,
/// `var v`, `let v`, `const v`, `class C`.
fn top_level_name(line: &str) -> Option<String> {
    let rest = ["async function ", "function ", "var ", "let ", "const ", "class "]
        .iter()
        .find_map(|keyword| line.strip_prefix(keyword))?;
    let rest = rest.trim_start_matches('*').trim_start();
    let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '$').collect();
    (!name.is_empty()).then_some(name)
}
