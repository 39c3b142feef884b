//! The JavaScript prelude: every file of `prelude/` in one function, evaluated once per
//! host. It receives the `native` object and returns the internals Rust drives; nothing
//! but the documented globals (`pm`, `postman`, `console`, timers, `CryptoJS`, `atob`,
//! `btoa`, `require`, legacy names) leaks into the scripts' global scope.

/// File name the prelude's own frames carry in stack traces.
pub const PRELUDE_FILE: &str = "postie-prelude.js";

/// File name user scripts are compiled under; the prelude looks for it to find lines.
pub const SCRIPT_FILE: &str = "postie-script";

/// Every file of `prelude/` in one function expression, joined by `build.rs`.
pub const SOURCE: &str = include_str!(concat!(env!("OUT_DIR"), "/prelude.js"));

/// The same, compiled by `build.rs` into a QuickJS module whose default export is that
/// function. Produced by this crate's own QuickJS, so it is valid for the engine it feeds.
pub const BYTECODE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/prelude.qjsbc"));

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
