//! The Newman oracle's shared rules, used by the recorder (`examples/newman_oracle.rs`, with
//! Newman) and by the comparison test (`tests/newman_oracle.rs`, with postie), so both
//! sides are read the same way: which globals a collection gets, and how a Newman-layout
//! JSON report becomes a list of verdicts.

use serde_json::{Value, json};

/// Byte-order marks that Newman refuses in a collection file.
pub fn strip_bom(text: &str) -> &str {
    text.trim_start_matches('\u{feff}')
}

/// Every request URL of the collection, as written.
fn urls(items: &Value, out: &mut Vec<String>) {
    for item in items.as_array().into_iter().flatten() {
        if item.get("item").is_some() {
            urls(&item["item"], out);
        }
        let request = &item["request"];
        let url = if request.is_string() { request } else { &request["url"] };
        let raw = if url.is_string() { url.as_str() } else { url["raw"].as_str() };
        if let Some(raw) = raw {
            out.push(raw.to_string());
        }
    }
}

/// `--global-var` values for the variables a collection's URLs start with but never
/// defines (they lived in an environment file that is not published): each points at a
/// host of its own, which the stand-in answers, so the deeper scripts run on both sides.
pub fn base_url_globals(collection: &Value) -> Vec<(String, String)> {
    let defined: Vec<&str> =
        collection["variable"].as_array().into_iter().flatten().filter_map(|v| v["key"].as_str()).collect();
    let mut all = Vec::new();
    urls(&collection["item"], &mut all);
    let mut out: Vec<(String, String)> = Vec::new();
    for url in all {
        let Some(rest) = url.trim_start().strip_prefix("{{") else { continue };
        let Some(name) = rest.split("}}").next() else { continue };
        if name.starts_with('$') || name.is_empty() || defined.contains(&name) || out.iter().any(|(k, _)| k == name) {
            continue;
        }
        let host: String =
            name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
        out.push((name.to_string(), format!("http://{}.example.test", host.trim_matches('-'))));
    }
    out
}

/// Replaces what changes from run to run in a message: UUIDs, timestamps, long numbers,
/// the stand-in's port.
pub fn mask(text: &str, port: u16) -> String {
    let text = text.replace(&format!(":{port}"), ":<port>");
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        // a UUID: 8-4-4-4-12 hex digits
        let is_hex = |c: char| c.is_ascii_hexdigit();
        let uuid = i + 36 <= chars.len()
            && chars[i..i + 36]
                .iter()
                .enumerate()
                .all(|(k, &c)| if [8, 13, 18, 23].contains(&k) { c == '-' } else { is_hex(c) });
        if uuid {
            out.push_str("<uuid>");
            i += 36;
            continue;
        }
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if i - start >= 5 {
                out.push_str("<n>");
            } else {
                out.extend(&chars[start..i]);
            }
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Whether a collection makes up data as it runs (`{{$randomFirstName}}`, `Math.random()`,
/// dates): two runs then send and expect different values, and their messages can only
/// be compared in shape.
pub fn makes_up_data(collection_text: &str) -> bool {
    ["$random", "Math.random", "Date.now", "new Date", "$timestamp", "$guid", "$isoTimestamp", "faker", "uuid"]
        .iter()
        .any(|needle| collection_text.contains(needle))
}

/// A message in shape only: quoted strings and numbers become placeholders.
/// A URL with its query values left out (`?email=<v>&house=<v>`): how requests of a
/// collection that makes up data compare (paths and parameter names still must match).
pub fn url_shape(url: &str) -> String {
    let Some((head, query)) = url.split_once('?') else { return url.to_string() };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) if !value.is_empty() => format!("{key}=<v>"),
            _ => pair.to_string(),
        })
        .collect();
    format!("{head}?{}", pairs.join("&"))
}

pub fn shape(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                out.push(c);
                out.push_str("<s>");
                for d in chars.by_ref() {
                    if d == c {
                        break;
                    }
                }
                out.push(c);
            }
            c if c.is_ascii_digit() => {
                out.push_str("<n>");
                while chars.peek().is_some_and(|d| d.is_ascii_digit() || *d == '.') {
                    chars.next();
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The verdicts of a run from its Newman-layout JSON report (Newman's own, or postie's):
/// per execution in order, each assertion (pass / fail / skip, chai's message), each script
/// error and a request error (its message is the runner's own and left out).
pub fn verdicts(report: &Value, port: u16) -> Vec<Value> {
    let mut out = Vec::new();
    // Newman's JSON reporter keeps one execution object per item run (by cursor ref) and
    // pushes it again for every request the item sends (pm.sendRequest, an auth replay):
    // repeats of a ref are the same object, whose verdicts count once.
    let mut seen_refs = std::collections::HashSet::new();
    for e in report["run"]["executions"].as_array().into_iter().flatten() {
        if let Some(reference) = e["cursor"]["ref"].as_str().filter(|r| !r.is_empty())
            && !seen_refs.insert(reference.to_string())
        {
            continue;
        }
        let iteration = e["cursor"]["iteration"].as_u64().unwrap_or(0);
        let item = e["item"]["name"].as_str().unwrap_or_default();
        let base = |kind: &str, name: &str, status: &str, message: Option<String>| {
            let mut v = json!({ "iteration": iteration, "item": item, "kind": kind, "name": name, "status": status });
            if let Some(m) = message {
                v["message"] = Value::String(m);
            }
            v
        };
        if e.get("requestError").is_some_and(|r| !r.is_null()) {
            out.push(base("request", "", "error", None));
        }
        for phase in ["prerequestScript", "testScript"] {
            for s in e[phase].as_array().into_iter().flatten() {
                if let Some(err) = s.get("error").filter(|x| !x.is_null()) {
                    let name = err["name"].as_str().unwrap_or("Error");
                    out.push(base(phase, name, "error", Some(mask(err["message"].as_str().unwrap_or_default(), port))));
                }
            }
        }
        for a in e["assertions"].as_array().into_iter().flatten() {
            let name = a["assertion"].as_str().unwrap_or_default();
            let (status, message) = if a["skipped"] == true {
                ("skip", None)
            } else if let Some(err) = a.get("error").filter(|x| !x.is_null()) {
                ("fail", Some(mask(err["message"].as_str().unwrap_or_default(), port)))
            } else {
                ("pass", None)
            };
            out.push(base("assertion", name, status, message));
        }
    }
    out
}

/// A request the stand-in answered, as the oracle records it: method, URL, headers and body,
/// each masked with [`mask`] (the stand-in's port, UUIDs, long numbers).
pub fn request_record(record: &postie::testkit::StandInRecord, port: u16) -> Value {
    let headers: Vec<Value> = record.headers.iter().map(|(k, v)| json!([k, mask(v, port)])).collect();
    json!({
        "method": record.method,
        "url": mask(&record.url, port),
        "headers": headers,
        "body": mask(&record.body, port),
    })
}

/// How two recorded requests compare: headers as a sorted list of `name: value` lines (the
/// order of headers is not compared), a multipart boundary (each runner makes its own) and
/// the Content-Length it changes masked, and time-bound signatures masked. For a collection that makes up data, URLs keep their
/// query names only ([`url_shape`]), header values their shape, and a body its JSON shape
/// (keys and types) or its length.
pub fn comparable_request(request: &Value, made_up: bool) -> Value {
    let url = request["url"].as_str().unwrap_or_default();
    let mut body = request["body"].as_str().unwrap_or_default().to_string();
    let mut boundary = None;
    let mut headers: Vec<String> = Vec::new();
    for pair in request["headers"].as_array().into_iter().flatten() {
        let name = pair[0].as_str().unwrap_or_default().to_ascii_lowercase();
        let mut value = pair[1].as_str().unwrap_or_default().to_string();
        if name == "content-type"
            && let Some(at) = value.find("boundary=")
        {
            boundary = Some(value[at + 9..].trim_matches('"').to_string());
            value = format!("{}boundary=<boundary>", &value[..at]);
        }
        if name == "authorization" {
            value = mask_signatures(&value);
        }
        headers.push(format!("{name}: {}", if made_up { shape(&value) } else { value }));
    }
    if let Some(b) = boundary.filter(|b| !b.is_empty()) {
        body = body.replace(&b, "<boundary>");
        for h in headers.iter_mut().filter(|h| h.starts_with("content-length: ")) {
            *h = "content-length: <multipart>".to_string();
        }
    }
    headers.sort();
    if made_up {
        body = match serde_json::from_str::<Value>(&body) {
            Ok(v) => json_shape(&v).to_string(),
            Err(_) if body.is_empty() => body,
            Err(_) => "<text>".to_string(),
        };
    }
    json!({
        "method": request["method"],
        "url": if made_up { url_shape(url) } else { url.to_string() },
        "headers": headers,
        "body": body,
    })
}

/// Hawk's `mac` and OAuth 1.0's `oauth_signature` sign the request's time, so they differ
/// from run to run even when everything they cover is equal (the timestamp itself is masked
/// by [`mask`]); an `oauth_nonce` the block leaves empty is made up for each request.
fn mask_signatures(value: &str) -> String {
    let mut out = value.to_string();
    for field in ["mac=\"", "oauth_signature=\"", "oauth_nonce=\""] {
        if let Some(start) = out.find(field).map(|at| at + field.len())
            && let Some(len) = out[start..].find('"')
        {
            out.replace_range(start..start + len, "<signature>");
        }
    }
    out
}

/// A JSON value's keys and types, its values left out (`{{$randomBoolean}}` makes booleans up too).
fn json_shape(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), json_shape(v))).collect()),
        Value::Array(items) => Value::Array(items.iter().map(json_shape).collect()),
        Value::String(_) => json!("<string>"),
        Value::Number(_) => json!("<number>"),
        Value::Bool(_) => json!("<bool>"),
        Value::Null => Value::Null,
    }
}
