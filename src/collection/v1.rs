//! Postman Collection v1 (exports from before 2016: `requests` listed flat with `order`,
//! `folders` with their own `order` and `folders_order`) turned into a v2.1 document, as
//! Newman 6 turns it (postman-collection-transformer's v1 converter), for what a run uses:
//! folder tree and order, URL with query and path variables, method, headers, bodies,
//! scripts, auth and variables. Pure: the loader reads the result as any v2.1 document.

use serde_json::{Map, Value, json};

/// Whether a document's top level is a v1 collection.
pub fn is_v1(root: &Map<String, Value>) -> bool {
    root.get("requests").is_some_and(Value::is_array) && !root.contains_key("info") && !root.contains_key("item")
}

/// The v2.1 document for a v1 collection's top level.
pub fn to_v21(root: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    let mut info = Map::new();
    if let Some(id) = root.get("id") {
        info.insert("_postman_id".into(), id.clone());
    }
    info.insert("name".into(), root.get("name").cloned().unwrap_or(Value::String(String::new())));
    if let Some(d) = root.get("description").filter(|d| !is_empty(d)) {
        info.insert("description".into(), d.clone());
    }
    info.insert("schema".into(), "https://schema.getpostman.com/json/collection/v2.1.0/collection.json".into());
    out.insert("info".into(), Value::Object(info));
    out.insert("item".into(), Value::Array(items(root)));
    add_common(root, &mut out);
    Value::Object(out)
}

/// Auth, scripts and variables, which the collection, folders and requests share.
fn add_common(v1: &Map<String, Value>, out: &mut Map<String, Value>) {
    if let Some(auth) = auth(v1) {
        out.insert("auth".into(), auth);
    }
    if let Some(events) = events(v1) {
        out.insert("event".into(), events);
    }
    if let Some(vars) = v1.get("variables").and_then(Value::as_array).filter(|v| !v.is_empty()) {
        out.insert("variable".into(), Value::Array(vars.clone()));
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn ids(v: Option<&Value>) -> Vec<&str> {
    v.and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

/// Folders a file may make, however it nests and repeats them: a folder listed twice
/// under each of 60 nested folders would otherwise be 2^60 copies.
const MAX_FOLDERS: usize = 20_000;

/// Folders first (in `folders_order`, else as listed; subfolders inside their parents),
/// then the collection's own requests in `order`, as the converter lays them out.
fn items(root: &Map<String, Value>) -> Vec<Value> {
    let requests: Vec<&Map<String, Value>> =
        root.get("requests").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_object).collect();
    let request = |id: &str| requests.iter().find(|r| r.get("id").and_then(Value::as_str) == Some(id)).copied();
    let folders: Vec<&Map<String, Value>> =
        root.get("folders").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_object).collect();
    let folder = |id: &str| folders.iter().find(|f| f.get("id").and_then(Value::as_str) == Some(id)).copied();
    let subfolders: std::collections::HashSet<&str> =
        folders.iter().flat_map(|f| ids(f.get("folders_order"))).collect();

    fn group<'a>(
        f: &'a Map<String, Value>,
        folder: &dyn Fn(&str) -> Option<&'a Map<String, Value>>,
        request: &dyn Fn(&str) -> Option<&'a Map<String, Value>>,
        path: &mut Vec<&'a str>,
        budget: &mut usize,
    ) -> Value {
        *budget = budget.saturating_sub(1);
        let mut out = Map::new();
        out.insert("name".into(), f.get("name").cloned().unwrap_or(Value::String(String::new())));
        if let Some(d) = f.get("description").filter(|d| !is_empty(d)) {
            out.insert("description".into(), d.clone());
        }
        let mut children = Vec::new();
        // A folder inside itself (directly or further down) is not followed again.
        path.push(f.get("id").and_then(Value::as_str).unwrap_or_default());
        for sub in ids(f.get("folders_order")) {
            if path.contains(&sub) || *budget == 0 {
                continue;
            }
            if let Some(sub) = folder(sub) {
                children.push(group(sub, folder, request, path, budget));
            }
        }
        path.pop();
        children.extend(ids(f.get("order")).into_iter().filter_map(request).map(item));
        out.insert("item".into(), Value::Array(children));
        add_common(f, &mut out);
        Value::Object(out)
    }

    let top: Vec<&str> = match root.get("folders_order").and_then(Value::as_array) {
        Some(_) => ids(root.get("folders_order")),
        None => folders.iter().filter_map(|f| f.get("id").and_then(Value::as_str)).collect(),
    };
    let mut seen = std::collections::HashSet::new();
    let mut budget = MAX_FOLDERS;
    let mut out: Vec<Value> = top
        .into_iter()
        .filter(|id| seen.insert(*id) && !subfolders.contains(id))
        .filter_map(folder)
        .map(|f| group(f, &folder, &request, &mut Vec::new(), &mut budget))
        .collect();
    out.extend(ids(root.get("order")).into_iter().filter_map(request).map(item));
    out
}

fn item(r: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), r.get("name").cloned().unwrap_or(Value::String(String::new())));
    let mut request = Map::new();
    if let Some(auth) = auth(r) {
        request.insert("auth".into(), auth);
    }
    request.insert("method".into(), r.get("method").cloned().unwrap_or_else(|| "GET".into()));
    request.insert("header".into(), Value::Array(headers(r)));
    if let Some(body) = body(r) {
        request.insert("body".into(), body);
    }
    request.insert("url".into(), url(r));
    if let Some(d) = r.get("description").filter(|d| !is_empty(d)) {
        request.insert("description".into(), d.clone());
    }
    out.insert("request".into(), Value::Object(request));
    if let Some(events) = events(r) {
        out.insert("event".into(), events);
    }
    Value::Object(out)
}

/// The URL text, with `pathVariables` / `pathVariableData` and explicit `queryParams`.
fn url(r: &Map<String, Value>) -> Value {
    let raw = r.get("url").and_then(Value::as_str).unwrap_or_default().to_string();
    let mut variables: Vec<Value> = Vec::new();
    for v in r.get("pathVariableData").and_then(Value::as_array).into_iter().flatten() {
        if let Some(key) = v.get("key") {
            variables.push(json!({ "key": key, "value": v.get("value").cloned().unwrap_or(Value::Null) }));
        }
    }
    if let Some(vars) = r.get("pathVariables").and_then(Value::as_object) {
        for (key, value) in vars {
            if !variables.iter().any(|v| v["key"] == key.as_str()) {
                variables.push(json!({ "key": key, "value": value }));
            }
        }
    }
    if variables.is_empty() { Value::String(raw) } else { json!({ "raw": raw, "variable": variables }) }
}

/// `headerData` when given, then the `headers` text's lines not already there; a line or
/// key starting with `//` is a disabled header.
fn headers(r: &Map<String, Value>) -> Vec<Value> {
    if let Some(list) = r.get("headers").and_then(Value::as_array) {
        return list.clone();
    }
    let mut out: Vec<Value> = Vec::new();
    for h in r.get("headerData").and_then(Value::as_array).into_iter().flatten() {
        let key = h.get("key").and_then(Value::as_str).unwrap_or_default();
        let disabled = key.starts_with("//") || h.get("enabled") == Some(&Value::Bool(false));
        let mut entry =
            json!({ "key": key.trim_start_matches("//").trim(), "value": h.get("value").cloned().unwrap_or_default() });
        if disabled {
            entry["disabled"] = true.into();
        }
        out.push(entry);
    }
    let text = r.get("headers").and_then(Value::as_str).unwrap_or_default();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (disabled, line) = match line.strip_prefix("//") {
            Some(rest) => (true, rest.trim()),
            None => (false, line),
        };
        let Some((key, value)) = line.split_once(':') else { continue };
        let key = key.trim();
        if out.iter().any(|h| h["key"] == key) {
            continue;
        }
        let mut entry = json!({ "key": key, "value": value.trim() });
        if disabled {
            entry["disabled"] = true.into();
        }
        out.push(entry);
    }
    out
}

/// `dataMode` raw / urlencoded / params (form-data) / binary (file) / graphql.
fn body(r: &Map<String, Value>) -> Option<Value> {
    let raw_text = match r.get("rawModeData") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Array(a)) if a.len() == 1 => a[0].as_str().map(str::to_string),
        _ => None,
    };
    let data = r.get("data").filter(|d| !is_empty(d));
    let mode = match r.get("dataMode").and_then(Value::as_str) {
        Some("raw") => "raw",
        Some("urlencoded") => "urlencoded",
        Some("params") => "formdata",
        Some("binary") => "file",
        Some("graphql") => "graphql",
        _ if raw_text.is_none() && data.is_none() && r.get("graphqlModeData").is_none_or(is_empty) => return None,
        _ if raw_text.is_none() && data.is_some_and(Value::is_array) => "formdata",
        _ => "raw",
    };
    let mut out = Map::new();
    out.insert("mode".into(), mode.into());
    match mode {
        "raw" => {
            let text = raw_text.or_else(|| data.and_then(Value::as_str).map(str::to_string)).unwrap_or_default();
            out.insert("raw".into(), text.into());
        }
        "file" => {
            out.insert("file".into(), json!({ "src": raw_text }));
        }
        "graphql" => {
            out.insert("graphql".into(), r.get("graphqlModeData").cloned().unwrap_or(Value::Null));
        }
        _ => {
            let params: Vec<Value> = data
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|p| {
                    let mut p = p.clone();
                    if let Some(o) = p.as_object_mut()
                        && o.remove("enabled") == Some(Value::Bool(false))
                    {
                        o.insert("disabled".into(), true.into());
                    }
                    p
                })
                .collect();
            out.insert(mode.into(), Value::Array(params));
        }
    }
    if r.get("dataDisabled") == Some(&Value::Bool(true)) {
        out.insert("disabled".into(), true.into());
    }
    Some(Value::Object(out))
}

/// `events` when given, else `tests` and `preRequestScript` texts.
fn events(e: &Map<String, Value>) -> Option<Value> {
    if let Some(list) = e.get("events").and_then(Value::as_array).filter(|l| !l.is_empty()) {
        return Some(Value::Array(list.clone()));
    }
    let script = |listen: &str, text: &Value| {
        let exec = match text {
            Value::String(s) => Value::Array(s.split('\n').map(|l| Value::String(l.to_string())).collect()),
            other => other.clone(),
        };
        json!({ "listen": listen, "script": { "type": "text/javascript", "exec": exec } })
    };
    let mut out = Vec::new();
    if let Some(t) = e.get("tests").filter(|t| !is_empty(t)) {
        out.push(script("test", t));
    }
    if let Some(p) = e.get("preRequestScript").filter(|p| !is_empty(p)) {
        out.push(script("prerequest", p));
    }
    (!out.is_empty()).then_some(Value::Array(out))
}

/// `auth` as later v1 exports carry it, else the legacy `currentHelper` with its
/// `helperAttributes` (basic and digest; other helpers keep their type and say so when run).
fn auth(e: &Map<String, Value>) -> Option<Value> {
    if let Some(auth) = e.get("auth").filter(|a| a.is_object()) {
        return Some(auth.clone());
    }
    let helper = e.get("currentHelper").and_then(Value::as_str).filter(|h| !h.is_empty() && *h != "normal")?;
    let attrs = match e.get("helperAttributes") {
        Some(Value::String(s)) => serde_json::from_str::<Value>(s).ok()?,
        Some(v) => v.clone(),
        None => Value::Null,
    };
    let field = |k: &str| attrs.get(k).cloned().unwrap_or(Value::String(String::new()));
    let (kind, params) = match helper {
        "basicAuth" => (
            "basic",
            json!([{ "key": "username", "value": field("username") }, { "key": "password", "value": field("password") }]),
        ),
        "digestAuth" => (
            "digest",
            json!([{ "key": "username", "value": field("username") }, { "key": "password", "value": field("password") }]),
        ),
        "bearerAuth" => ("bearer", json!([{ "key": "token", "value": field("token") }])),
        other => (other, json!([])),
    };
    Some(json!({ "type": kind, kind: params }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v1() -> Map<String, Value> {
        let doc = json!({
            "id": "c1", "name": "Legacy", "order": ["r3"], "folders_order": ["f1"],
            "folders": [
                { "id": "f1", "name": "Users", "order": ["r1"], "folders_order": ["f2"] },
                { "id": "f2", "name": "Admin", "order": ["r2"] }
            ],
            "requests": [
                { "id": "r1", "name": "List", "method": "GET", "url": "{{base}}/users/:id?x=1",
                  "pathVariables": { "id": "7" }, "headers": "Accept: application/json\n// X-Off: 1\n",
                  "tests": "tests['ok'] = responseCode.code === 200;\nvar a = 1;", "dataMode": "params", "data": [] },
                { "id": "r2", "name": "Create", "method": "POST", "url": "{{base}}/admin",
                  "dataMode": "raw", "rawModeData": "{\"a\":1}", "preRequestScript": "postman.setEnvironmentVariable('t', 1);",
                  "currentHelper": "basicAuth", "helperAttributes": { "username": "u", "password": "p" } },
                { "id": "r3", "name": "Form", "method": "POST", "url": "{{base}}/form", "dataMode": "urlencoded",
                  "data": [{ "key": "a", "value": "1", "type": "text", "enabled": true }, { "key": "b", "value": "2", "type": "text", "enabled": false }] }
            ]
        });
        doc.as_object().cloned().expect("object")
    }

    #[test]
    fn v1_collections_become_the_tree_newman_runs() {
        let root = v1();
        assert!(is_v1(&root));
        let out = to_v21(&root);
        assert_eq!(out["info"]["name"], "Legacy");
        assert_eq!(out["info"]["_postman_id"], "c1");
        let users = &out["item"][0];
        assert_eq!(users["name"], "Users");
        assert_eq!(users["item"][0]["name"], "Admin", "subfolders before the folder's requests");
        assert_eq!(users["item"][0]["item"][0]["name"], "Create");
        assert_eq!(users["item"][1]["name"], "List");
        assert_eq!(out["item"][1]["name"], "Form", "the collection's own requests after its folders");
        assert_eq!(out["item"].as_array().map(Vec::len), Some(2), "a subfolder is not also at the top");

        let list = &users["item"][1]["request"];
        assert_eq!(list["url"]["raw"], "{{base}}/users/:id?x=1");
        assert_eq!(list["url"]["variable"][0], json!({ "key": "id", "value": "7" }));
        assert_eq!(list["header"][0], json!({ "key": "Accept", "value": "application/json" }));
        assert_eq!(list["header"][1], json!({ "key": "X-Off", "value": "1", "disabled": true }));
        assert_eq!(users["item"][1]["event"][0]["script"]["exec"][1], "var a = 1;");

        let create = &users["item"][0]["item"][0];
        assert_eq!(create["request"]["body"], json!({ "mode": "raw", "raw": "{\"a\":1}" }));
        assert_eq!(create["request"]["auth"]["type"], "basic");
        assert_eq!(create["request"]["auth"]["basic"][0]["value"], "u");
        assert_eq!(create["event"][0]["listen"], "prerequest");

        let form = &out["item"][1]["request"]["body"];
        assert_eq!(form["mode"], "urlencoded");
        assert_eq!(form["urlencoded"][1]["disabled"], true);
    }

    #[test]
    fn folders_that_list_themselves_or_repeat_end() {
        // r lists x, x lists itself twice: followed once, not forever.
        let doc = json!({ "name": "loop", "requests": [], "folders_order": ["r"], "folders": [
            { "id": "r", "name": "R", "folders_order": ["x"] },
            { "id": "x", "name": "X", "folders_order": ["x", "x"] }
        ] });
        let out = to_v21(doc.as_object().expect("object"));
        assert_eq!(out["item"][0]["name"], "R");
        assert_eq!(out["item"][0]["item"][0]["name"], "X");
        assert_eq!(out["item"][0]["item"][0]["item"].as_array().map(Vec::len), Some(0));
        // 40 folders each listing the next twice: 2^40 copies without the budget.
        let folders: Vec<Value> = (0..40)
            .map(|i| json!({ "id": format!("f{i}"), "name": "F", "folders_order": [format!("f{}", i + 1), format!("f{}", i + 1)] }))
            .collect();
        let doc = json!({ "name": "wide", "requests": [], "folders_order": ["f0"], "folders": folders });
        let out = to_v21(doc.as_object().expect("object"));
        assert!(out.to_string().matches("\"name\":\"F\"").count() <= MAX_FOLDERS + 1);
    }
}
