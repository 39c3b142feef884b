//! The JavaScript prelude: the files of `prelude/` in one function, evaluated once per
//! host (inspect.js and the vendored libraries apart, loaded on first use; see build.rs). It receives the `native`
//! object and returns the internals Rust drives; nothing but the documented globals (`pm`, `postman`, `console`, timers, `CryptoJS`, `atob`,
//! `btoa`, `require`, `_`, `xml2Json`, legacy names) leaks into the scripts' global scope.

use rquickjs::context::EvalOptions;
use rquickjs::{Ctx, Function, Module};

/// File name the prelude's own frames carry in stack traces.
pub const PRELUDE_FILE: &str = "postie-prelude.js";

/// File name of the inspect chunk's frames (see build.rs).
pub const INSPECT_FILE: &str = "postie-inspect.js";

/// File name user scripts are compiled under; the prelude looks for it to find lines.
pub const SCRIPT_FILE: &str = "postie-script";

/// Every file of `prelude/` in one function expression, joined by `build.rs`.
pub const SOURCE: &str = include_str!(concat!(env!("OUT_DIR"), "/prelude.js"));

/// The same, compiled by `build.rs` into a QuickJS module whose default export is that
/// function. Produced by this crate's own QuickJS, so it is valid for the engine it feeds.
pub const BYTECODE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/prelude.qjsbc"));

/// inspect.js as a function of what it takes from the prelude, and its bytecode; loaded
/// by `native.loadChunk("inspect")` the first time a value is printed.
pub const INSPECT_SOURCE: &str = include_str!(concat!(env!("OUT_DIR"), "/inspect.js"));
pub const INSPECT_BYTECODE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/inspect.qjsbc"));

/// A library of `vendor/` as build.rs wrapped it: a function of `(module, exports, require)`
/// that fills `module.exports`.
pub struct VendorChunk {
    /// The name `native.loadChunk` takes (and `require`, for the requirable ones).
    pub name: &'static str,
    pub source: &'static str,
    pub bytecode: &'static [u8],
    pub file: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/vendor_table.rs"));

/// The vendored chunk of that name, if postie ships it.
pub fn vendor_chunk(name: &str) -> Option<&'static VendorChunk> {
    VENDOR_CHUNKS.iter().find(|chunk| chunk.name == name)
}

/// The function a chunk compiled by build.rs evaluates to: from its bytecode, or from its
/// source should the bytecode not load (never expected; only slower).
pub fn load<'js>(ctx: &Ctx<'js>, bytecode: &[u8], source: &str, filename: &str) -> rquickjs::Result<Function<'js>> {
    if let Ok(f) = from_bytecode(ctx, bytecode) {
        return Ok(f);
    }
    let mut options = EvalOptions::default();
    options.strict = false;
    options.filename = Some(filename.to_string());
    ctx.eval_with_options(source, options)
}

/// The default export of a module `build.rs` compiled.
pub fn from_bytecode<'js>(ctx: &Ctx<'js>, bytecode: &[u8]) -> rquickjs::Result<Function<'js>> {
    // SAFETY: the bytes are the output of `Module::write` by this same QuickJS version at
    // build time (see build.rs), embedded read-only with `include_bytes!`.
    let module = unsafe { Module::load(ctx.clone(), bytecode)? };
    let (module, promise) = module.eval()?;
    promise.finish::<()>()?;
    module.get("default")
}

/// Wraps a user script in a function so its declarations stay local and top-level
/// `return` works. The wrapper opens on the script's first line, so line numbers in
/// errors are the script's own. Scripts that use `await` get an async wrapper.
pub fn wrap_script(code: &str) -> String {
    let opener = if code.contains("await") { "(async function () {" } else { "(function () {" };
    let mut wrapped = String::with_capacity(code.len() + 32);
    wrapped.push_str(opener);
    wrapped.push_str(code);
    wrapped.push_str("\n})");
    wrapped
}

#[cfg(test)]
mod tests {
    use rquickjs::{Context, Function, Object, Runtime, Value};

    use super::*;

    #[test]
    fn the_build_time_bytecode_loads_and_yields_the_chunk_functions() {
        let runtime = Runtime::new().unwrap();
        let context = Context::full(&runtime).unwrap();
        context.with(|ctx| {
            let vendored = ["moment", "lodash", "lodash3", "xml2js", "tv4", "ajv"]
                .map(|name| vendor_chunk(name).expect("vendored").bytecode);
            for bytes in [BYTECODE, INSPECT_BYTECODE].into_iter().chain(vendored) {
                let f = from_bytecode(&ctx, bytes).expect("bytecode from build.rs loads");
                assert!(f.as_object().is_some());
            }
        });
    }

    #[test]
    fn the_inspect_source_gives_the_same_functions_as_its_bytecode() {
        let runtime = Runtime::new().unwrap();
        let context = Context::full(&runtime).unwrap();
        context.with(|ctx| {
            let from_source: Function = ctx.eval(INSPECT_SOURCE).unwrap();
            let from_bytes = from_bytecode(&ctx, INSPECT_BYTECODE).unwrap();
            let no_class = Function::new(ctx.clone(), |_: Value| false).unwrap();
            for factory in [from_source, from_bytes] {
                let chunk: Object = factory.call((no_class.clone(),)).unwrap();
                let display: Function = chunk.get("objDisplay").unwrap();
                let text: String = display.call((vec![1, 2],)).unwrap();
                assert_eq!(text, "[ 1, 2 ]");
            }
        });
    }
}
