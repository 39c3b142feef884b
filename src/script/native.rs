//! The Rust functions the prelude calls (`native.*` in the JS files): crypto and encodings,
//! schema validation, uuid, and the two services of the runner (`sendRequest`,
//! `dynamicVariable`), reached through `ServicesSlot` while a run is on the stack, and the
//! variable scopes of the run in progress (`RunVars`), serialised only when a script reads them.

use std::cell::{Cell, RefCell};
use std::ptr::NonNull;
use std::rc::Rc;

use rquickjs::{Ctx, Exception, Function, Object};
use serde::{Deserialize, Serialize};

use super::crypto;
use super::prelude;
use super::schema;
use super::types::{ScopeMaps, ScriptRequest, ScriptServices};

/// The scopes and the request of the run in progress. Most scripts never read a variable
/// or `pm.request`, so these cross into JS (as JSON text) only when the prelude asks.
#[derive(Default)]
pub struct RunVars {
    pub maps: RefCell<ScopeMaps>,
    pub request: RefCell<ScriptRequest>,
}

#[derive(Serialize)]
struct RequestOut<'a> {
    method: &'a str,
    url: &'a str,
    headers: &'a [(String, String)],
    body: &'a Option<String>,
    auth: &'a Option<serde_json::Value>,
    form: &'a Option<crate::script::ScriptForm>,
    description: &'a Option<String>,
}

impl RunVars {
    /// Scope `index` (local, data, environment, collection, globals) as JSON text.
    fn types_text(&self, index: usize) -> String {
        let maps = self.maps.borrow();
        serde_json::to_string(&maps.types[index.min(4)]).unwrap_or_else(|_| "{}".to_string())
    }

    fn text(&self, index: usize) -> String {
        let maps = self.maps.borrow();
        let scope = match index {
            0 => &maps.local,
            1 => &maps.data,
            2 => &maps.environment,
            3 => &maps.collection,
            _ => &maps.globals,
        };
        // Serialising a map of JSON values cannot fail.
        serde_json::to_string(scope).unwrap_or_else(|_| "{}".to_string())
    }

    /// The request as JSON text: method, url, headers (pairs), body.
    fn request_text(&self) -> String {
        let r = self.request.borrow();
        let out = RequestOut {
            method: &r.method,
            url: &r.url,
            headers: &r.headers,
            body: &r.body,
            auth: &r.auth,
            form: &r.form,
            description: &r.description,
        };
        // Strings only: serialising cannot fail.
        serde_json::to_string(&out).unwrap_or_else(|_| "null".to_string())
    }
}

/// The services of the run in progress. JS callbacks must be `'static`, but the services
/// are only borrowed for the duration of `ScriptHost::run`; the slot holds a lifetime-erased
/// pointer that `SlotGuard` clears before that borrow ends, on every exit path.
#[derive(Default)]
pub struct ServicesSlot {
    current: Cell<Option<NonNull<dyn ScriptServices + 'static>>>,
}

/// Clears the slot (back to what it held before) when the closure returns or unwinds.
struct Restore<'a> {
    slot: &'a ServicesSlot,
    previous: Option<NonNull<dyn ScriptServices + 'static>>,
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        self.slot.current.set(self.previous);
    }
}

impl ServicesSlot {
    /// Runs `f` with `services` reachable from scripts. The slot holds `services` only while
    /// `f` runs: the restore is a local of this call, so no caller can leak it (a guard
    /// returned to the caller could be `mem::forget`-ed and leave a dangling pointer).
    pub fn scoped<R>(&self, services: &dyn ScriptServices, f: impl FnOnce() -> R) -> R {
        let borrowed: NonNull<dyn ScriptServices + '_> = NonNull::from(services);
        // SAFETY: only the lifetime bound is erased. `services` outlives this call, the
        // pointer is cleared (to the previous value) before the call returns or unwinds, and
        // it is dereferenced only in `with` during `f`; the slot is private to one thread
        // (it is neither Send nor Sync).
        let erased: NonNull<dyn ScriptServices + 'static> = unsafe { std::mem::transmute(borrowed) };
        let _restore = Restore { slot: self, previous: self.current.replace(Some(erased)) };
        f()
    }

    fn with<R>(&self, f: impl FnOnce(&dyn ScriptServices) -> R) -> Option<R> {
        let ptr = self.current.get()?;
        // SAFETY: see `scoped`: a pointer in the slot always refers to live services.
        Some(f(unsafe { ptr.as_ref() }))
    }
}

#[derive(Deserialize)]
struct OutgoingRequest {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
}

fn send_request(slot: &ServicesSlot, request_json: &str) -> String {
    let answer = match serde_json::from_str::<OutgoingRequest>(request_json) {
        Err(e) => serde_json::json!({ "error": format!("pm.sendRequest: malformed request: {e}") }),
        Ok(req) => {
            let request = ScriptRequest {
                method: req.method,
                url: req.url,
                headers: req.headers,
                body: req.body,
                ..ScriptRequest::default()
            };
            match slot.with(|services| services.send_request(request)) {
                None => serde_json::json!({ "error": "pm.sendRequest is not available here" }),
                Some(Err(error)) => serde_json::json!({ "error": error.to_string() }),
                Some(Ok(response)) => serde_json::json!({
                    "code": response.code,
                    "status": response.status,
                    "headers": response.headers,
                    "responseTime": response.response_time_ms,
                    "responseSize": response.response_size,
                    "body": String::from_utf8_lossy(&response.body),
                }),
            }
        }
    };
    answer.to_string()
}

/// `pm.cookies.jar()`'s operations on the run's jar: `get`, `getAll`, `set` (a
/// `Set-Cookie` line), `unset`, `clear`. The answer is JSON: `{"value": ...}` or
/// `{"error": "..."}` (the callback's error).
fn cookie_jar(slot: &ServicesSlot, op: &str, url: &str, arg: &str) -> String {
    let answer = match slot.with(|services| services.cookie_jar()).flatten() {
        None => serde_json::json!({ "error": "pm.cookies.jar() is not available here" }),
        Some(jar) => match url::Url::parse(url) {
            Err(e) => serde_json::json!({ "error": format!("CookieJar.{op}(): invalid url `{url}`: {e}") }),
            Ok(url) => match op {
                "get" => {
                    let value = jar.for_url(&url).into_iter().find(|c| c.name == arg).map(|c| c.value);
                    serde_json::json!({ "value": value })
                }
                "getAll" => serde_json::json!({ "value": super::io::cookie_values(&jar.for_url(&url)) }),
                "set" => match jar.set(arg, &url, None) {
                    Some(c) => serde_json::json!({ "value": super::io::cookie_values(std::slice::from_ref(&c))[0] }),
                    None => serde_json::json!({ "error": format!("Cookie not in this host's domain. Cookie:{url}") }),
                },
                "unset" => {
                    jar.remove_for(&url, Some(arg));
                    serde_json::json!({ "value": null })
                }
                "clear" => {
                    jar.remove_for(&url, None);
                    serde_json::json!({ "value": null })
                }
                _ => serde_json::json!({ "error": format!("CookieJar has no {op}()") }),
            },
        },
    };
    answer.to_string()
}

fn thrown<'js>(ctx: &Ctx<'js>, message: &str) -> rquickjs::Error {
    Exception::throw_message(ctx, message)
}

/// Builds the `native` object handed to the prelude.
pub fn install<'js>(ctx: &Ctx<'js>, slot: &Rc<ServicesSlot>, vars: &Rc<RunVars>) -> rquickjs::Result<Object<'js>> {
    let native = Object::new(ctx.clone())?;
    let c = ctx.clone();
    let run_vars = Rc::clone(vars);
    native.set("scopeText", Function::new(c.clone(), move |index: usize| run_vars.text(index))?)?;
    let run_types = Rc::clone(vars);
    native.set("scopeTypes", Function::new(c.clone(), move |index: usize| run_types.types_text(index))?)?;
    let run_request = Rc::clone(vars);
    native.set("requestText", Function::new(c.clone(), move || run_request.request_text())?)?;
    native.set("utf8Length", Function::new(c.clone(), |text: String| text.len() as f64)?)?;
    native.set("utf8ToBase64", Function::new(c.clone(), |text: String| crypto::to_base64(text.as_bytes()))?)?;
    native.set(
        "atob",
        Function::new(c.clone(), |ctx: Ctx<'js>, text: String| crypto::atob(&text).map_err(|e| thrown(&ctx, &e)))?,
    )?;
    native.set(
        "btoa",
        Function::new(c.clone(), |ctx: Ctx<'js>, text: String| crypto::btoa(&text).map_err(|e| thrown(&ctx, &e)))?,
    )?;
    native.set("uuid", Function::new(c.clone(), crypto::new_uuid)?)?;
    native.set("loadChunk", Function::new(c.clone(), |ctx: Ctx<'js>, name: String| load_chunk(&ctx, &name))?)?;
    native.set(
        "validateSchema",
        Function::new(c.clone(), |ctx: Ctx<'js>, schema: String, data: String| {
            schema::validate(&schema, &data).map_err(|e| thrown(&ctx, &format!("jsonSchema: {e}")))
        })?,
    )?;
    let send_slot = Rc::clone(slot);
    native.set("sendRequest", Function::new(c.clone(), move |request: String| send_request(&send_slot, &request))?)?;
    let jar_slot = Rc::clone(slot);
    native.set(
        "cookieJar",
        Function::new(c.clone(), move |op: String, url: String, arg: String| cookie_jar(&jar_slot, &op, &url, &arg))?,
    )?;
    let dynamic_slot = Rc::clone(slot);
    native.set(
        "dynamicVariable",
        Function::new(c, move |name: String| dynamic_slot.with(|services| services.dynamic_variable(&name)).flatten())?,
    )?;
    Ok(native)
}

/// A chunk build.rs compiled apart from the prelude: `inspect` or a vendored library.
fn load_chunk<'js>(ctx: &Ctx<'js>, name: &str) -> rquickjs::Result<Function<'js>> {
    #[cfg(test)]
    CHUNKS_LOADED.with(|loaded| loaded.borrow_mut().push(name.to_string()));
    if name == "inspect" {
        return prelude::load(ctx, prelude::INSPECT_BYTECODE, prelude::INSPECT_SOURCE, prelude::INSPECT_FILE);
    }
    let chunk = prelude::vendor_chunk(name).ok_or_else(|| thrown(ctx, &format!("no chunk named '{name}'")))?;
    prelude::load(ctx, chunk.bytecode, chunk.source, chunk.file)
}

#[cfg(test)]
thread_local! {
    /// Every chunk this thread's engines loaded, so tests can check that what a script
    /// does not use is never loaded (each test has a thread and its engines of its own).
    pub static CHUNKS_LOADED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}
