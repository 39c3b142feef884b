//! Reading what `finish()` returns without a JSON round trip: one flat array of plain
//! values (layout below, written by `finish()` in runtime.js). Only changed scopes and a
//! changed request come as JSON texts. Anything unexpected (a string that is not valid
//! UTF-8, a wrong type) makes the reader give up; the host then asks the prelude for the
//! whole result as JSON instead, which says the same in the old, slower way.
//!
//! Layout: skipRequest, nextRequestSet, nextRequest, request JSON or null, five scope JSON
//! texts or nulls (local, data, environment, collection, globals), then three counted
//! lists: console (level, text), errors (origin, name, message, line or null),
//! assertions (name, status, index, error name or null, error message, error stack).

use rquickjs::{Array, Value};

use super::io::{
    AsyncError, Finished, FinishedAssertion, FinishedConsole, FinishedFailure, FinishedNext, FinishedRequest,
};
use super::types::Map;

/// Walks the array front to back; `None` means "not what the prelude writes".
struct Reader<'js> {
    array: Array<'js>,
    at: usize,
}

impl<'js> Reader<'js> {
    fn next(&mut self) -> Option<Value<'js>> {
        let value = self.array.get::<Value>(self.at).ok()?;
        self.at += 1;
        Some(value)
    }

    fn string(&mut self) -> Option<String> {
        self.next()?.as_string()?.to_string().ok()
    }

    fn optional_string(&mut self) -> Option<Option<String>> {
        let value = self.next()?;
        if value.is_null() {
            return Some(None);
        }
        value.as_string()?.to_string().ok().map(Some)
    }

    fn bool(&mut self) -> Option<bool> {
        self.next()?.as_bool()
    }

    /// A non-negative integer, as serde would read it from the number's JSON text.
    fn count(&mut self) -> Option<usize> {
        let n = self.next()?.as_number()?;
        (n >= 0.0 && n.fract() == 0.0 && n <= u32::MAX as f64).then_some(n as usize)
    }

    fn optional_line(&mut self) -> Option<Option<u32>> {
        let value = self.next()?;
        if value.is_null() {
            return Some(None);
        }
        let n = value.as_number()?;
        (n >= 0.0 && n.fract() == 0.0 && n <= u32::MAX as f64).then_some(Some(n as u32))
    }

    fn json<T: serde::de::DeserializeOwned>(&mut self) -> Option<Option<T>> {
        match self.optional_string()? {
            None => Some(None),
            Some(text) => serde_json::from_str(&text).ok().map(Some),
        }
    }
}

/// The segment's results from `finish()`'s flat array; `None` when the JSON path is needed.
pub fn read(value: Value<'_>) -> Option<Finished> {
    let array = value.into_array()?;
    let mut r = Reader { array, at: 0 };
    let skip_request = r.bool()?;
    let next_set = r.bool()?;
    let next_target = r.optional_string()?;
    let request: Option<FinishedRequest> = r.json()?;
    let mut scopes = Vec::with_capacity(5);
    for _ in 0..5 {
        scopes.push(r.json::<Map>()?);
    }
    let console_count = r.count()?;
    let mut console = Vec::with_capacity(console_count);
    for _ in 0..console_count {
        console.push(FinishedConsole { level: r.string()?, text: r.string()? });
    }
    let error_count = r.count()?;
    let mut errors = Vec::with_capacity(error_count);
    for _ in 0..error_count {
        errors.push(AsyncError {
            origin: r.count()?,
            name: r.string()?,
            message: r.string()?,
            line: r.optional_line()?,
        });
    }
    let assertion_count = r.count()?;
    let mut assertions = Vec::with_capacity(assertion_count);
    for _ in 0..assertion_count {
        let name = r.string()?;
        let status = r.string()?;
        let index = r.count()?;
        let error = match r.optional_string()? {
            None => {
                r.at += 2;
                None
            }
            Some(name) => Some(FinishedFailure { name, message: r.string()?, stack: r.optional_string()? }),
        };
        assertions.push(FinishedAssertion { name, status, index, error });
    }
    Some(Finished {
        assertions,
        console,
        errors,
        scopes,
        request,
        next_request: next_set.then_some(FinishedNext { target: next_target }),
        skip_request,
    })
}
