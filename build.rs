//! Compiles the scripting prelude (`src/script/prelude/*.js`) to QuickJS bytecode at build
//! time, so each script engine loads it in about half a millisecond instead of compiling
//! ~4 000 lines of JavaScript (~4 ms) at every start. The source is written out too: the
//! engine falls back to it if the bytecode cannot be loaded.

use std::path::PathBuf;

/// Concatenation order matters: later files use what earlier ones define.
const FILES: &[&str] = &[
    "util",
    "inspect",
    "chai_core",
    "chai_assertions",
    "chai_throw",
    "chai_postman",
    "sdk",
    "variables",
    "crypto",
    "runtime",
];

/// Must equal `script::prelude::PRELUDE_FILE`: stack frames carry it.
const MODULE_NAME: &str = "postie-prelude.js";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/script/prelude");
    let mut source = String::from("(function (native) {\n'use strict';\n");
    for name in FILES {
        let path = format!("src/script/prelude/{name}.js");
        println!("cargo:rerun-if-changed={path}");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("build: cannot read {path}: {e}"));
        source.push_str(&text);
    }
    source.push_str("\n})");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("prelude.js"), &source).expect("build: write prelude.js");
    // A module whose default export is the prelude function, compiled but not run.
    let module_source = format!("export default {source};");
    let runtime = rquickjs::Runtime::new().expect("build: QuickJS runtime");
    let context = rquickjs::Context::full(&runtime).expect("build: QuickJS context");
    let bytes = context.with(|ctx| {
        let module = rquickjs::Module::declare(ctx.clone(), MODULE_NAME, module_source)
            .unwrap_or_else(|e| panic!("build: the prelude does not compile: {e}"));
        module.write(rquickjs::module::WriteOptions::default()).expect("build: write bytecode")
    });
    std::fs::write(out.join("prelude.qjsbc"), bytes).expect("build: write prelude.qjsbc");
}
