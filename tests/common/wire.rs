//! Requests as the echo API recorded them, in the form the `*.newman-expected.json`
//! fixtures keep what Newman sent.

use postie::testkit::Recorded;
use serde_json::{Value, json};

pub fn header<'a>(r: &'a Recorded, name: &str) -> Option<&'a str> {
    r.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// `name="…"` from a Content-Disposition value.
pub fn param(disposition: &str, name: &str) -> Option<String> {
    let at = disposition.find(&format!("; {name}=\""))? + name.len() + 4;
    Some(disposition[at..].split('"').next()?.to_string())
}

/// A request as the expected files write it: method, path, query, content type and body,
/// or a multipart body's parts (boundaries are random, so left out).
pub fn normalise(r: &Recorded) -> Value {
    let body = String::from_utf8_lossy(&r.body).into_owned();
    let content_type = header(r, "content-type");
    let mut out = json!({ "method": r.method, "path": r.path, "query": r.query });
    match content_type.and_then(|ct| ct.split_once("boundary=")) {
        Some((_, boundary)) => {
            out["contentType"] = json!("multipart/form-data");
            let delimiter = format!("--{boundary}");
            let mut parts = Vec::new();
            for chunk in body.split(delimiter.as_str()).skip(1) {
                if chunk.starts_with("--") {
                    break;
                }
                let (head, data) = chunk.trim_start_matches("\r\n").split_once("\r\n\r\n").unwrap_or((chunk, ""));
                let headers: Vec<(String, String)> = head
                    .split("\r\n")
                    .filter_map(|l| l.split_once(": ").map(|(k, v)| (k.to_ascii_lowercase(), v.to_string())))
                    .collect();
                let get = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
                let disposition = get("content-disposition").unwrap_or_default();
                parts.push(json!({
                    "name": param(&disposition, "name"),
                    "filename": param(&disposition, "filename"),
                    "contentType": get("content-type"),
                    "data": data.strip_suffix("\r\n").unwrap_or(data),
                }));
            }
            out["parts"] = Value::Array(parts);
        }
        None => {
            out["contentType"] = json!(content_type);
            out["contentLength"] = json!(header(r, "content-length"));
            out["body"] = json!(body);
        }
    }
    out
}
