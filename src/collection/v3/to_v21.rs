//! A read v3 tree → the v2.1 collection document it stands for (COLLECTION-V3.md §9).
//!
//! Rendering v2.1 JSON, rather than building the model directly, keeps one set of model
//! rules for both formats and gives the JSON report and `postie convert` the v2.1 document
//! Newman-shaped tools expect.

use serde_json::{Map, Value, json};

use super::fields::{auth, body, key_values, scripts, settings};
use super::findings::{Ctx, Findings};
use super::order::{Order, SortKey, run_order};
use super::tree::{DirNode, ParsedFile};

pub const V21_SCHEMA: &str = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json";

const DEFINITION_KEYS: [&str; 8] = ["$kind", "id", "name", "description", "order", "variables", "auth", "scripts"];
/// Keys of every request kind postie runs, and each kind's own.
const REQUEST_KEYS: [&str; 12] = [
    "$kind",
    "id",
    "name",
    "description",
    "order",
    "url",
    "method",
    "headers",
    "auth",
    "scripts",
    "examples",
    "settings",
];
const HTTP_KEYS: [&str; 3] = ["queryParams", "pathVariables", "body"];
const GRAPHQL_KEYS: [&str; 3] = ["query", "variables", "schema"];

/// The whole collection document for the tree rooted at `root`.
pub fn collection(root: &DirNode, findings: &mut Findings) -> Value {
    let empty = Map::new();
    let (def, file) = match &root.definition {
        Some(d) => (&d.map, d.path.clone()),
        None => (&empty, root.dir.join(".resources").join("definition.yaml")),
    };
    let mut cx = Ctx { file: &file, findings };
    if root.definition.is_some() {
        check_definition_kind(&mut cx, def);
    }
    let mut info = Map::new();
    info.insert("name".into(), Value::String(display_name(&mut cx, def, &root.dir_name)));
    if let Some(id) = def.get("id").and_then(|v| cx.text(v, "id")) {
        info.insert("_postman_id".into(), Value::String(id));
    }
    if let Some(d) = def.get("description").and_then(|v| cx.text(v, "description")) {
        info.insert("description".into(), Value::String(d));
    }
    info.insert("schema".into(), json!(V21_SCHEMA));
    let mut doc = Map::new();
    doc.insert("info".into(), Value::Object(info));
    let (auth, events) = common_parts(&mut cx, def);
    let variables = key_values(&mut cx, def.get("variables").unwrap_or(&Value::Null), "variables");
    doc.insert("item".into(), Value::Array(children(root, findings)));
    if !events.is_empty() {
        doc.insert("event".into(), Value::Array(events));
    }
    if !variables.is_empty() {
        doc.insert("variable".into(), Value::Array(variables));
    }
    if let Some(a) = auth {
        doc.insert("auth".into(), a);
    }
    Value::Object(doc)
}

fn check_definition_kind(cx: &mut Ctx<'_>, def: &Map<String, Value>) {
    cx.unknown_keys(def, &DEFINITION_KEYS, "");
    match def.get("$kind") {
        Some(Value::String(k)) if k == "collection" => {}
        Some(other) => {
            cx.error("$kind", format!("is {other}; a definition.yaml says `$kind: collection` (for folders too)"))
        }
        None => cx.error("the top level", "has no `$kind`; a definition.yaml starts with `$kind: collection`"),
    }
}

fn display_name(cx: &mut Ctx<'_>, map: &Map<String, Value>, default: &str) -> String {
    map.get("name").and_then(|v| cx.text(v, "name")).unwrap_or_else(|| default.to_string())
}

/// `auth` and `scripts`, which definitions and requests share.
fn common_parts(cx: &mut Ctx<'_>, map: &Map<String, Value>) -> (Option<Value>, Vec<Value>) {
    let a = auth(cx, map.get("auth").unwrap_or(&Value::Null));
    let graphql = map.get("$kind").and_then(Value::as_str) == Some("graphql-request");
    let e = scripts(cx, map.get("scripts").unwrap_or(&Value::Null), graphql);
    (a, e)
}

fn order_of(cx: &mut Ctx<'_>, map: &Map<String, Value>) -> Option<Order> {
    match map.get("order") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Some(Order::Int(i.into())),
            (None, Some(u)) => Some(Order::Int(u.into())),
            _ => n.as_f64().map(Order::Float),
        },
        Some(other) => {
            cx.error(
                "order",
                format!(
                    "is {}, expected a number; write it without quotes, e.g. `order: 1000`",
                    super::yaml::kind_of(other)
                ),
            );
            None
        }
    }
}

enum Child<'a> {
    Folder(&'a DirNode),
    Request(&'a ParsedFile),
}

/// The items of one directory, in run order.
fn children(node: &DirNode, findings: &mut Findings) -> Vec<Value> {
    let mut keyed: Vec<(Option<Order>, String, String, Child<'_>)> = Vec::new();
    for folder in &node.folders {
        let empty = Map::new();
        let (map, file) = match &folder.definition {
            Some(d) => (&d.map, d.path.clone()),
            None => (&empty, folder.dir.clone()),
        };
        let mut cx = Ctx { file: &file, findings };
        let order = order_of(&mut cx, map);
        let name = display_name(&mut cx, map, &folder.dir_name);
        keyed.push((order, name, folder.dir_name.clone(), Child::Folder(folder)));
    }
    for request in &node.requests {
        let mut cx = Ctx { file: &request.path, findings };
        let order = order_of(&mut cx, &request.map);
        let name = display_name(&mut cx, &request.map, &request.stem);
        let file_name = request.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        keyed.push((order, name, file_name, Child::Request(request)));
    }
    let keys: Vec<SortKey<'_>> =
        keyed.iter().map(|(order, name, file_name, _)| SortKey { order: *order, name, file_name }).collect();
    let mut out = Vec::with_capacity(keyed.len());
    for i in run_order(&keys) {
        let (_, name, _, child) = &keyed[i];
        let item = match child {
            Child::Folder(folder) => Some(folder_item(folder, name, findings)),
            Child::Request(file) => request_item(file, name, findings),
        };
        out.extend(item);
    }
    out
}

fn folder_item(folder: &DirNode, name: &str, findings: &mut Findings) -> Value {
    let mut o = Map::new();
    let mut auth = None;
    let mut events = Vec::new();
    o.insert("id".into(), Value::String(format!("{}{}", super::PATH_ID_PREFIX, folder.rel_path)));
    if let Some(def) = &folder.definition {
        let mut cx = Ctx { file: &def.path, findings };
        check_definition_kind(&mut cx, &def.map);
        if let Some(id) = def.map.get("id").and_then(|v| cx.text(v, "id")) {
            o.insert("id".into(), Value::String(id));
        }
        if let Some(d) = def.map.get("description").and_then(|v| cx.text(v, "description")) {
            o.insert("description".into(), Value::String(d));
        }
        if def.map.get("variables").is_some_and(|v| !v.is_null()) {
            cx.warn("folder `variables` are ignored: a Postman collection has variables at the collection level only; move them to the collection's definition.yaml or an environment");
        }
        (auth, events) = common_parts(&mut cx, &def.map);
    }
    o.insert("name".into(), Value::String(name.to_string()));
    o.insert("item".into(), Value::Array(children(folder, findings)));
    if !events.is_empty() {
        o.insert("event".into(), Value::Array(events));
    }
    if let Some(a) = auth {
        o.insert("auth".into(), a);
    }
    Value::Object(o)
}

fn request_item(file: &ParsedFile, name: &str, findings: &mut Findings) -> Option<Value> {
    let mut cx = Ctx { file: &file.path, findings };
    let map = &file.map;
    let kind = match map.get("$kind") {
        Some(Value::String(k)) => k.as_str(),
        Some(other) => {
            cx.wrong_type("$kind", other, "a kind such as http-request");
            return None;
        }
        None => {
            cx.error("the top level", "has no `$kind`; a request file starts with `$kind: http-request`");
            return None;
        }
    };
    let request = match kind {
        "http-request" => {
            cx.unknown_keys(map, &[REQUEST_KEYS.as_slice(), &HTTP_KEYS].concat(), "");
            http_request(&mut cx, map)
        }
        "graphql-request" => {
            cx.unknown_keys(map, &[REQUEST_KEYS.as_slice(), &GRAPHQL_KEYS].concat(), "");
            graphql_request(&mut cx, map)
        }
        k if k.ends_with("-example") => {
            cx.error(
                "$kind",
                format!("`{k}` is an example kind; a *.request.yaml file holds a request (`$kind: http-request`)"),
            );
            return None;
        }
        k if k.ends_with("-request") => {
            cx.warn(format!(
                "skipped: `$kind: {k}` requests are not run by postie (it runs http-request and graphql-request)"
            ));
            return None;
        }
        k => {
            cx.error("$kind", format!("`{k}` is not a request kind; use http-request"));
            return None;
        }
    };
    let (auth, events) = common_parts(&mut cx, map);
    let mut request = request;
    if let Some(a) = auth {
        request.insert("auth".into(), a);
    }
    let mut item = Map::new();
    if let Some(id) = map.get("id").and_then(|v| cx.text(v, "id")) {
        item.insert("id".into(), Value::String(id));
    }
    item.insert("name".into(), Value::String(name.to_string()));
    let profile = settings(&mut cx, map.get("settings").unwrap_or(&Value::Null));
    item.insert("request".into(), Value::Object(request));
    if !events.is_empty() {
        item.insert("event".into(), Value::Array(events));
    }
    if !profile.is_empty() {
        item.insert("protocolProfileBehavior".into(), Value::Object(profile));
    }
    Some(Value::Object(item))
}

fn method(cx: &mut Ctx<'_>, map: &Map<String, Value>, default: &str) -> String {
    match map.get("method") {
        None | Some(Value::Null) => default.to_string(),
        Some(Value::String(m)) if !m.trim().is_empty() => m.trim().to_uppercase(),
        Some(other) => {
            cx.wrong_type("method", other, "an HTTP method such as GET");
            default.to_string()
        }
    }
}

fn url(cx: &mut Ctx<'_>, map: &Map<String, Value>, with_query: bool) -> Value {
    let raw = map.get("url").and_then(|v| cx.text(v, "url")).unwrap_or_default();
    let mut url = Map::new();
    if with_query {
        let query = key_values(cx, map.get("queryParams").unwrap_or(&Value::Null), "queryParams");
        check_query_against_url(cx, &raw, &query);
        if !query.is_empty() {
            url.insert("query".into(), Value::Array(query));
        }
    }
    url.insert("raw".into(), Value::String(raw));
    let variables = key_values(cx, map.get("pathVariables").unwrap_or(&Value::Null), "pathVariables");
    if !variables.is_empty() {
        url.insert("variable".into(), Value::Array(variables));
    }
    Value::Object(url)
}

/// The query is sent as `url` has it (Postman writes enabled parameters in both places);
/// say so when `queryParams` disagrees, since the user may have meant the other one.
fn check_query_against_url(cx: &mut Ctx<'_>, raw: &str, query: &[Value]) {
    let in_url: Vec<&str> = raw
        .split_once('?')
        .map(|(_, q)| q.split('#').next().unwrap_or(q).split('&').map(|p| p.split('=').next().unwrap_or(p)).collect())
        .unwrap_or_default();
    for entry in query {
        let key = entry.get("key").and_then(Value::as_str).unwrap_or_default();
        let enabled = entry.get("disabled").and_then(Value::as_bool) != Some(true);
        match (enabled, in_url.contains(&key)) {
            (true, false) => cx.warn(format!(
                "queryParams `{key}` is enabled but not in `url`, so it is not sent (the query is taken from `url`, as Postman writes both); add it to `url`"
            )),
            (false, true) => cx.warn(format!(
                "queryParams `{key}` is disabled but `url` has it, so it is sent; remove it from `url` to leave it out"
            )),
            _ => {}
        }
    }
}

fn description_into(cx: &mut Ctx<'_>, map: &Map<String, Value>, request: &mut Map<String, Value>) {
    if let Some(d) = map.get("description").and_then(|v| cx.text(v, "description")) {
        request.insert("description".into(), Value::String(d));
    }
}

fn http_request(cx: &mut Ctx<'_>, map: &Map<String, Value>) -> Map<String, Value> {
    let mut request = Map::new();
    request.insert("method".into(), Value::String(method(cx, map, "GET")));
    request
        .insert("header".into(), Value::Array(key_values(cx, map.get("headers").unwrap_or(&Value::Null), "headers")));
    if let Some(b) = body(cx, map.get("body").unwrap_or(&Value::Null)) {
        request.insert("body".into(), b);
    }
    request.insert("url".into(), url(cx, map, true));
    description_into(cx, map, &mut request);
    request
}

/// A GraphQL request runs as a v2.1 request with a graphql body (POST unless it says).
fn graphql_request(cx: &mut Ctx<'_>, map: &Map<String, Value>) -> Map<String, Value> {
    let mut request = Map::new();
    request.insert("method".into(), Value::String(method(cx, map, "POST")));
    request
        .insert("header".into(), Value::Array(key_values(cx, map.get("headers").unwrap_or(&Value::Null), "headers")));
    let query = map.get("query").and_then(|v| cx.text(v, "query")).unwrap_or_default();
    let variables = match map.get("variables") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        // Postman writes a string of JSON; a mapping means the same thing.
        Some(other @ (Value::Object(_) | Value::Array(_))) => serde_json::to_string_pretty(other).unwrap_or_default(),
        Some(other) => {
            cx.wrong_type("variables", other, "a string of JSON");
            String::new()
        }
    };
    request.insert("body".into(), json!({"mode": "graphql", "graphql": {"query": query, "variables": variables}}));
    request.insert("url".into(), url(cx, map, false));
    description_into(cx, map, &mut request);
    request
}
