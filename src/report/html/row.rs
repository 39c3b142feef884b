//! One execution as the compact JSON row the HTML page's list is rendered from. Short keys
//! keep a 100 000-execution page small; bodies are capped, and a body that is not text is
//! kept as its size only.

use serde_json::{Map, Value, json};

use super::digest::top_folder;
use crate::report::event::{AssertionStatus, Execution};

fn pairs(list: &[(String, String)]) -> Value {
    list.iter().map(|(k, v)| json!([k, v])).collect()
}

/// `{"b": text, "t": cut?}` for text, `{"bin": bytes}` for anything else.
fn body(bytes: &[u8], limit: usize, already_cut: bool) -> Value {
    let (_, text, cut) = crate::report::json::capped_text(bytes, limit, already_cut);
    match text {
        Some(t) if cut => json!({ "b": t, "t": 1, "n": bytes.len() }),
        Some(t) => json!({ "b": t }),
        None => json!({ "bin": bytes.len() }),
    }
}

fn status(s: AssertionStatus) -> &'static str {
    match s {
        AssertionStatus::Passed => "p",
        AssertionStatus::Failed => "f",
        AssertionStatus::Skipped => "s",
    }
}

/// The row for `e`, the `index`-th execution of the report.
pub fn row(index: u64, e: &Execution, body_limit: usize) -> Value {
    let mut out = Map::new();
    out.insert("k".into(), index.into());
    out.insert("i".into(), e.cursor.iteration.into());
    out.insert("p".into(), e.cursor.position.into());
    out.insert("n".into(), e.full_name.as_str().into());
    out.insert("g".into(), top_folder(&e.full_name, &e.item_name).unwrap_or_default().into());
    if e.failed() {
        out.insert("F".into(), 1.into());
    }
    if e.skipped {
        out.insert("sk".into(), 1.into());
    }
    if let Some(r) = &e.request {
        out.insert("m".into(), r.method.as_str().into());
        out.insert("u".into(), r.url.as_str().into());
        let mut req = Map::new();
        req.insert("h".into(), pairs(&r.headers));
        if let Some(b) = &r.body {
            req.insert("body".into(), body(b.as_bytes(), body_limit, r.body_truncated));
        }
        out.insert("rq".into(), Value::Object(req));
    }
    if !e.route.is_empty() {
        let route = if e.route_rule.is_empty() { e.route.clone() } else { format!("{} ({})", e.route, e.route_rule) };
        out.insert("ro".into(), route.into());
    }
    if let Some(r) = &e.response {
        out.insert("c".into(), r.code.into());
        out.insert("r".into(), r.reason.as_str().into());
        out.insert("t".into(), ((r.time.as_secs_f64() * 1_000_000.0).round() / 1000.0).into());
        out.insert("z".into(), r.size.into());
        let mut resp = Map::new();
        resp.insert("h".into(), pairs(&r.headers));
        resp.insert("body".into(), body(&r.body, body_limit, r.body_truncated));
        out.insert("rs".into(), Value::Object(resp));
    }
    if let Some(err) = &e.error {
        out.insert("x".into(), json!([err.kind, err.message]));
    }
    if !e.assertions.is_empty() {
        let list: Vec<Value> = e
            .assertions
            .iter()
            .map(|a| match &a.error {
                Some((_, message)) => json!([a.name, status(a.status), message]),
                None => json!([a.name, status(a.status)]),
            })
            .collect();
        out.insert("a".into(), list.into());
    }
    if !e.script_errors.is_empty() {
        let list: Vec<Value> =
            e.script_errors.iter().map(|s| json!([s.phase.as_str(), s.name, s.message, s.line])).collect();
        out.insert("se".into(), list.into());
    }
    if !e.attempts.is_empty() {
        let list: Vec<Value> =
            e.attempts.iter().map(|a| json!([a.outcome, (a.time.as_secs_f64() * 1000.0).round()])).collect();
        out.insert("at".into(), list.into());
    }
    if !e.console.is_empty() {
        let list: Vec<Value> = e.console.iter().map(|c| json!([c.level, c.text])).collect();
        out.insert("co".into(), list.into());
    }
    let warnings: Vec<&str> =
        e.warnings.iter().chain(e.response.iter().flat_map(|r| &r.warnings)).map(String::as_str).collect();
    if !warnings.is_empty() {
        out.insert("w".into(), warnings.into());
    }
    Value::Object(out)
}

/// `value` as JSON that can sit inside `<script type="application/json">`: `<` only occurs
/// inside JSON strings, where `\u003c` means the same, so `</script>` and `<!--` in a body
/// cannot end or bend the element.
pub fn script_safe(value: &Value, out: &mut Vec<u8>) -> serde_json::Result<()> {
    let start = out.len();
    serde_json::to_writer(&mut *out, value)?;
    if out[start..].contains(&b'<') {
        let written = out.split_off(start);
        for (i, piece) in written.split(|&b| b == b'<').enumerate() {
            if i > 0 {
                out.extend_from_slice(b"\\u003c");
            }
            out.extend_from_slice(piece);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata::{exec, fail, pass};

    #[test]
    fn rows_are_compact_and_bodies_capped_or_sized() {
        let mut e = exec(0, 2, "id", "Users / Get", 12, b"{\"ok\":true}");
        e.assertions = vec![pass("status"), fail("body", "expected 1 to equal 2")];
        let r = row(7, &e, 4);
        assert_eq!(r["k"], 7);
        assert_eq!(r["g"], "Users");
        assert_eq!(r["F"], 1);
        assert_eq!(r["rs"]["body"], json!({ "b": "{\"ok", "t": 1, "n": 11 }));
        assert_eq!(r["a"][1], json!(["body", "f", "expected 1 to equal 2"]));
        assert_eq!(body(&[0xff, 0, 1], 100, false), json!({ "bin": 3 }));
        // a cut through a multi-byte character keeps the whole characters before it
        assert_eq!(body("aé".as_bytes(), 2, false), json!({ "b": "a", "t": 1, "n": 3 }));
    }

    #[test]
    fn script_text_cannot_close_the_element() {
        let mut out = b"[".to_vec();
        script_safe(&json!({ "b": "</script><!-- <b>" }), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('<'), "{text}");
        let back: Value = serde_json::from_str(&text[1..]).unwrap();
        assert_eq!(back["b"], "</script><!-- <b>");
    }
}
