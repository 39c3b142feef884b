//! v3 fields → their v2.1 JSON renderings: key-value lists (list or map form), bodies, auth,
//! scripts and settings. Pure: every problem goes to the file's `Ctx`.

use serde_json::{Map, Value, json};

use super::findings::Ctx;

const KV_KEYS: [&str; 6] = ["key", "value", "description", "disabled", "type", "secret"];

/// The mappings of a list, each with its place (`place[i]`); an entry that is not a
/// mapping is reported as `shape` and left out, and unknown keys are reported.
fn entries<'v>(
    cx: &mut Ctx<'_>,
    items: &'v [Value],
    place: &str,
    shape: &str,
    known: &[&str],
) -> Vec<(String, &'v Map<String, Value>)> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let here = format!("{place}[{i}]");
        match item.as_object() {
            Some(entry) => {
                cx.unknown_keys(entry, known, &here);
                out.push((here, entry));
            }
            None => cx.wrong_type(&here, item, shape),
        }
    }
    out
}

/// `[{key, value, description?, disabled?}]` or `{key: value}` → v2.1 `[{key, value, ...}]`.
pub fn key_values(cx: &mut Ctx<'_>, value: &Value, place: &str) -> Vec<Value> {
    match value {
        Value::Null => Vec::new(),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                let text = cx.text(v, &format!("{place}.{k}"));
                json!({"key": k, "value": text})
            })
            .collect(),
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (here, entry) in entries(cx, items, place, "a mapping {key, value}", &KV_KEYS) {
                let Some(key) = entry.get("key").and_then(|k| cx.text(k, &format!("{here}.key"))) else {
                    cx.error(&here, "has no `key`; give it one or delete the entry");
                    continue;
                };
                let mut o = Map::new();
                o.insert("key".into(), Value::String(key));
                let value = entry.get("value").and_then(|v| cx.text(v, &format!("{here}.value")));
                o.insert("value".into(), value.map(Value::String).unwrap_or(Value::Null));
                if let Some(d) = entry.get("description").and_then(|d| cx.text(d, &format!("{here}.description"))) {
                    o.insert("description".into(), Value::String(d));
                }
                if cx.flag(entry.get("disabled"), &format!("{here}.disabled")) {
                    o.insert("disabled".into(), Value::Bool(true));
                }
                // `type: secret` (or `secret: true`) keeps a variable's value masked in reports.
                let secret = entry.get("type").and_then(Value::as_str) == Some("secret")
                    || entry.get("secret").and_then(Value::as_bool) == Some(true);
                if secret {
                    o.insert("type".into(), Value::from("secret"));
                }
                out.push(Value::Object(o));
            }
            out
        }
        other => {
            cx.wrong_type(place, other, "a list of {key, value} or a mapping of key: value");
            Vec::new()
        }
    }
}

const RAW_TYPES: [&str; 5] = ["json", "text", "xml", "html", "javascript"];

/// `body: {type, content}` → v2.1 `body`; `None` for `type: none`.
pub fn body(cx: &mut Ctx<'_>, value: &Value) -> Option<Value> {
    let Some(map) = value.as_object() else {
        if !value.is_null() {
            cx.wrong_type("body", value, "a mapping {type, content}");
        }
        return None;
    };
    cx.unknown_keys(map, &["type", "content"], "body");
    let kind = match map.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(other) => {
            cx.wrong_type(
                "body.type",
                other,
                "one of none, json, text, xml, html, javascript, urlencoded, formdata, file",
            );
            return None;
        }
        None => {
            cx.error("body", "has no `type`; write e.g. `type: json` above `content`");
            return None;
        }
    };
    let content = map.get("content").unwrap_or(&Value::Null);
    match kind {
        "none" => None,
        t if RAW_TYPES.contains(&t) => {
            let raw = match content {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                // A mapping under `json` is the body the author meant; send it as JSON text.
                other if t == "json" => serde_json::to_string_pretty(other).unwrap_or_default(),
                other => {
                    cx.wrong_type("body.content", other, "the body text");
                    String::new()
                }
            };
            Some(json!({"mode": "raw", "raw": raw, "options": {"raw": {"language": t}}}))
        }
        "urlencoded" => Some(json!({"mode": "urlencoded", "urlencoded": key_values(cx, content, "body.content")})),
        "formdata" => Some(json!({"mode": "formdata", "formdata": form_parts(cx, content)})),
        "file" => {
            let src = match content {
                Value::Object(o) => {
                    cx.unknown_keys(o, &["src"], "body.content");
                    o.get("src").and_then(|s| cx.text(s, "body.content.src"))
                }
                Value::String(s) => {
                    cx.warn(format!(
                        "`body.content` of a file body is an object `{{src: {s}}}`, not a bare path; read as one"
                    ));
                    Some(s.clone())
                }
                Value::Null => None,
                other => {
                    cx.wrong_type("body.content", other, "a mapping {src: path}");
                    None
                }
            };
            Some(json!({"mode": "file", "file": {"src": src}}))
        }
        other => {
            cx.error(
                "body.type",
                format!("`{other}` is not a body type; use none, json, text, xml, html, javascript, urlencoded, formdata or file"),
            );
            None
        }
    }
}

fn form_parts(cx: &mut Ctx<'_>, content: &Value) -> Vec<Value> {
    let Value::Array(items) = content else {
        if let Value::Object(_) = content {
            return key_values(cx, content, "body.content");
        }
        if !content.is_null() {
            cx.wrong_type("body.content", content, "a list of {key, type, value|src}");
        }
        return Vec::new();
    };
    let mut out = Vec::new();
    let known = ["key", "type", "value", "src", "contentType", "description", "disabled"];
    for (here, entry) in entries(cx, items, "body.content", "a mapping {key, type, value|src}", &known) {
        let Some(key) = entry.get("key").and_then(|k| cx.text(k, &format!("{here}.key"))) else {
            cx.error(&here, "has no `key`; give it one or delete the entry");
            continue;
        };
        let mut o = Map::new();
        o.insert("key".into(), Value::String(key));
        match entry.get("type").and_then(Value::as_str).unwrap_or("text") {
            "file" => {
                let src = match entry.get("src") {
                    Some(Value::Array(list)) => Value::Array(
                        list.iter().filter_map(|s| cx.text(s, &format!("{here}.src"))).map(Value::String).collect(),
                    ),
                    Some(v) => cx.text(v, &format!("{here}.src")).map(Value::String).unwrap_or(Value::Null),
                    None => Value::Null,
                };
                o.insert("type".into(), json!("file"));
                o.insert("src".into(), src);
            }
            "text" => {
                let value = entry.get("value").and_then(|v| cx.text(v, &format!("{here}.value")));
                o.insert("type".into(), json!("text"));
                o.insert("value".into(), value.map(Value::String).unwrap_or(Value::Null));
            }
            other => cx.error(format!("{here}.type"), format!("`{other}` is not a form part type; use text or file")),
        }
        if let Some(ct) = entry.get("contentType").and_then(|c| cx.text(c, &format!("{here}.contentType"))) {
            o.insert("contentType".into(), Value::String(ct));
        }
        if let Some(d) = entry.get("description").and_then(|d| cx.text(d, &format!("{here}.description"))) {
            o.insert("description".into(), Value::String(d));
        }
        if cx.flag(entry.get("disabled"), &format!("{here}.disabled")) {
            o.insert("disabled".into(), Value::Bool(true));
        }
        out.push(Value::Object(o));
    }
    out
}

/// `auth: {type, credentials}` (or a one-entry multi-auth list) → v2.1 `auth`; `None` to
/// inherit.
pub fn auth(cx: &mut Ctx<'_>, value: &Value) -> Option<Value> {
    let entry = match value {
        Value::Null => return None,
        Value::Object(map) => map,
        Value::Array(list) => {
            let first = list.first()?;
            if list.len() > 1 {
                cx.warn(format!(
                    "`auth` lists {} auth entries; postie uses the first (`{}`), since how Postman chooses among several is not documented",
                    list.len(),
                    first.get("type").and_then(Value::as_str).unwrap_or("?")
                ));
            }
            match first.as_object() {
                Some(map) => map,
                None => {
                    cx.wrong_type("auth[0]", first, "a mapping {type, credentials}");
                    return None;
                }
            }
        }
        other => {
            cx.wrong_type("auth", other, "a mapping {type, credentials}");
            return None;
        }
    };
    cx.unknown_keys(entry, &["type", "credentials", "id", "name", "rules"], "auth");
    let kind = match entry.get("type") {
        Some(Value::String(t)) => t.clone(),
        None | Some(Value::Null) => return None,
        Some(other) => {
            cx.wrong_type("auth.type", other, "an auth type such as bearer or basic");
            return None;
        }
    };
    match kind.as_str() {
        "inherit" => None,
        "noauth" => Some(json!({"type": "noauth"})),
        _ => {
            let params = credentials(cx, entry.get("credentials").unwrap_or(&Value::Null));
            let mut o = Map::new();
            o.insert("type".into(), Value::String(kind.clone()));
            o.insert(kind, Value::Array(params));
            Some(Value::Object(o))
        }
    }
}

/// `credentials` (map or `{key, value}` list) → v2.1 `[{key, value, type}]`. Values stay as
/// written: oauth2 keeps lists and booleans (`tokenRequestParams`, `addTokenTo`) there.
fn credentials(cx: &mut Ctx<'_>, value: &Value) -> Vec<Value> {
    let typed = |key: &str, value: &Value| {
        let kind = match value {
            Value::String(_) | Value::Null => "string",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            _ => "any",
        };
        json!({"key": key, "value": value, "type": kind})
    };
    match value {
        Value::Null => Vec::new(),
        Value::Object(map) => map.iter().map(|(k, v)| typed(k, v)).collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| match item.get("key").and_then(Value::as_str) {
                Some(key) => Some(typed(key, item.get("value").unwrap_or(&Value::Null))),
                None => {
                    cx.error(format!("auth.credentials[{i}]"), "has no `key`; write credentials as `name: value`");
                    None
                }
            })
            .collect(),
        other => {
            cx.wrong_type("auth.credentials", other, "a mapping of name: value");
            Vec::new()
        }
    }
}

/// Which v2.1 event a v3 script `type` becomes. Protocol-prefixed types are what
/// definitions carry; non-HTTP ones (`grpc:…`, `graphql:…` on a definition) do not run here.
fn listen_of(kind: &str, graphql: bool) -> Option<Option<&'static str>> {
    match kind {
        "beforeRequest" | "http:beforeRequest" => Some(Some("prerequest")),
        "afterResponse" | "http:afterResponse" => Some(Some("test")),
        "beforeQuery" if graphql => Some(Some("prerequest")),
        k if k.starts_with("graphql:") || k.starts_with("grpc:") || k == "beforeQuery" || k == "beforeInvoke" => {
            Some(None)
        }
        _ => None,
    }
}

/// `scripts: [{type, code, language?, packages?}]` → v2.1 `event[]`.
pub fn scripts(cx: &mut Ctx<'_>, value: &Value, graphql: bool) -> Vec<Value> {
    let items = match value {
        Value::Null => return Vec::new(),
        Value::Array(items) => items,
        other => {
            cx.wrong_type("scripts", other, "a list of {type, code}");
            return Vec::new();
        }
    };
    let mut events = Vec::new();
    let known = ["type", "code", "language", "packages", "requests"];
    for (here, entry) in entries(cx, items, "scripts", "a mapping {type, code}", &known) {
        let kind = entry.get("type").and_then(Value::as_str).unwrap_or("");
        let listen = match listen_of(kind, graphql) {
            Some(Some(listen)) => listen,
            Some(None) => continue,
            None => {
                cx.error(
                    format!("{here}.type"),
                    format!("`{kind}` is not a script type; use beforeRequest or afterResponse (http:beforeRequest / http:afterResponse in a definition)"),
                );
                continue;
            }
        };
        let code = match entry.get("code") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(lines)) => {
                lines.iter().map(|l| l.as_str().unwrap_or_default()).collect::<Vec<_>>().join("\n")
            }
            None | Some(Value::Null) => String::new(),
            Some(other) => {
                cx.wrong_type(&format!("{here}.code"), other, "the script text");
                continue;
            }
        };
        if let Some(language) = entry.get("language").filter(|l| l.as_str() != Some("text/javascript")) {
            cx.warn(format!("`{here}.language` is {language}; the only language Postman runs is text/javascript"));
        }
        let exec: Vec<Value> = code.split('\n').map(|l| Value::String(l.to_string())).collect();
        let mut script = Map::new();
        script.insert("type".into(), json!("text/javascript"));
        script.insert("exec".into(), Value::Array(exec));
        if let Some(packages) = entry.get("packages").filter(|p| !p.is_null()) {
            script.insert("packages".into(), packages.clone());
        }
        events.push(json!({"listen": listen, "script": script}));
    }
    events
}

/// v3 `settings` keys, and the v2.1 `protocolProfileBehavior` keys a migrated file may
/// still carry (kept: they change how postie sends the request).
const SETTINGS: [&str; 5] =
    ["protocolVersion", "strictSSL", "followRedirects", "maxRedirects", "disabledSystemHeaders"];
const V21_BEHAVIOURS: [&str; 10] = [
    "followOriginalHttpMethod",
    "followAuthorizationHeader",
    "removeRefererHeaderOnRedirect",
    "disableCookies",
    "disableUrlEncoding",
    "insecureHTTPParser",
    "tlsPreferServerCiphers",
    "tlsDisabledProtocols",
    "tlsCipherSelection",
    "disableBodyPruning",
];
const SYSTEM_HEADERS: [&str; 9] = [
    "cache-control",
    "postman-token",
    "content-type",
    "content-length",
    "accept-encoding",
    "user-agent",
    "connection",
    "accept",
    "host",
];

/// `settings` → v2.1 `protocolProfileBehavior`.
pub fn settings(cx: &mut Ctx<'_>, value: &Value) -> Map<String, Value> {
    let map = match value {
        Value::Null => return Map::new(),
        Value::Object(map) => map,
        other => {
            cx.wrong_type("settings", other, "a mapping");
            return Map::new();
        }
    };
    let known: Vec<&str> = SETTINGS.iter().chain(V21_BEHAVIOURS.iter()).copied().collect();
    cx.unknown_keys(map, &known, "settings");
    let mut out = Map::new();
    for (key, value) in map.iter().filter(|(k, _)| known.contains(&k.as_str())) {
        let place = format!("settings.{key}");
        let converted = match key.as_str() {
            "disabledSystemHeaders" => disabled_headers(cx, value, &place),
            "strictSSL" | "followRedirects" => match value {
                Value::Bool(_) => Some(value.clone()),
                other => {
                    cx.wrong_type(&place, other, "true or false");
                    None
                }
            },
            "maxRedirects" => match value {
                Value::Number(_) => Some(value.clone()),
                other => {
                    cx.wrong_type(&place, other, "a number");
                    None
                }
            },
            "protocolVersion" => match value.as_str() {
                Some("auto" | "http1" | "http2") => Some(value.clone()),
                _ => {
                    cx.error(&place, "expected one of auto, http1, http2");
                    None
                }
            },
            _ => Some(value.clone()),
        };
        if let Some(v) = converted {
            out.insert(key.clone(), v);
        }
    }
    out
}

fn disabled_headers(cx: &mut Ctx<'_>, value: &Value, place: &str) -> Option<Value> {
    let names: Vec<&str> = match value {
        Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
        // A migrated v2.1 map {name: true}.
        Value::Object(map) => map.iter().filter(|(_, v)| v.as_bool() == Some(true)).map(|(k, _)| k.as_str()).collect(),
        other => {
            cx.wrong_type(place, other, "a list of header names");
            return None;
        }
    };
    let mut out = Map::new();
    for name in names {
        if !SYSTEM_HEADERS.contains(&name) {
            cx.warn(format!(
                "`{place}` names `{name}`, which is not one of Postman's system headers ({}); it is ignored",
                SYSTEM_HEADERS.join(", ")
            ));
            continue;
        }
        out.insert(name.to_string(), Value::Bool(true));
    }
    Some(Value::Object(out))
}
