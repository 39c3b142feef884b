//! The model → a v3 tree of YAML files, for `postie convert --to v3`.
//!
//! Built from the model (what postie runs), with the v2.x document walked alongside for
//! what the model does not hold (descriptions, ids). What v3 cannot say is returned as a
//! note per place, so the user learns what the conversion dropped.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::super::auth::AuthSetting;
use super::super::body::{Body, FormPart};
use super::super::model::{Collection, Event, Folder, Item, Listen, Node};

/// One file of a rendered tree, its path relative to the collection root.
#[derive(Debug, Clone)]
pub struct V3File {
    pub path: PathBuf,
    pub text: String,
}

/// The files of the v3 tree for `collection`, and what could not be kept.
pub fn render(collection: &Collection) -> (Vec<V3File>, Vec<String>) {
    let mut out = Out { files: Vec::new(), notes: Vec::new() };
    let raw = collection.raw.value();
    let raw_root = match (raw.get("info"), raw.get("collection")) {
        (None, Some(inner)) => inner,
        _ => &raw,
    };
    let mut def = Map::new();
    def.insert("$kind".into(), json!("collection"));
    def.insert("name".into(), json!(collection.name));
    if let Some(id) = raw_root.pointer("/info/_postman_id").and_then(Value::as_str) {
        def.insert("id".into(), json!(id));
    }
    if let Some(d) = description(raw_root.pointer("/info/description")) {
        def.insert("description".into(), json!(d));
    }
    let variables = variables(&collection.variables);
    if !variables.is_empty() {
        def.insert("variables".into(), Value::Array(variables));
    }
    insert_auth(&mut def, &collection.auth);
    insert_scripts(&mut def, &collection.events, true, &collection.name, &mut out.notes);
    if !collection.protocol_profile.is_empty() {
        out.notes.push(format!(
            "collection `{}`: its protocolProfileBehavior is copied into every request's settings (v3 has settings on requests only)",
            collection.name
        ));
    }
    out.push(PathBuf::from(".resources/definition.yaml"), &Value::Object(def));
    let raw_items = raw_root.get("item").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    out.children(&PathBuf::new(), &collection.items, raw_items, &collection.protocol_profile);
    (out.files, out.notes)
}

struct Out {
    files: Vec<V3File>,
    notes: Vec<String>,
}

impl Out {
    fn push(&mut self, path: PathBuf, value: &Value) {
        let text = serde_yaml_ng::to_string(value).unwrap_or_default();
        self.files.push(V3File { path, text });
    }

    /// `inherited`: the protocolProfileBehavior of the collection and folders above, which
    /// v3 can only say on each request.
    fn children(&mut self, dir: &Path, nodes: &[Node], raw: &[Value], inherited: &Map<String, Value>) {
        let mut used: HashSet<String> = HashSet::new();
        for (i, node) in nodes.iter().enumerate() {
            let raw_node = raw.get(i).unwrap_or(&Value::Null);
            let order = json!((i as u64 + 1) * 1000);
            match node {
                Node::Folder(folder) => {
                    let stem = unique_stem(&folder.name, &mut used, "");
                    let path = dir.join(&stem);
                    self.folder(&path, &stem, folder, raw_node, order, inherited);
                }
                Node::Item(item) => {
                    let stem = unique_stem(&item.name, &mut used, ".request");
                    let path = dir.join(format!("{stem}.request.yaml"));
                    self.item(path, &stem, item, raw_node, order, inherited);
                }
            }
        }
    }

    fn folder(
        &mut self,
        path: &Path,
        stem: &str,
        folder: &Folder,
        raw: &Value,
        order: Value,
        inherited: &Map<String, Value>,
    ) {
        let mut def = Map::new();
        def.insert("$kind".into(), json!("collection"));
        if stem != folder.name {
            def.insert("name".into(), json!(folder.name));
        }
        // A path id is what a v3 load gives a folder without one: not the user's.
        if let Some(id) = raw.get("id").and_then(Value::as_str).filter(|id| !id.starts_with(super::PATH_ID_PREFIX)) {
            def.insert("id".into(), json!(id));
        }
        if let Some(d) = description(raw.get("description")) {
            def.insert("description".into(), json!(d));
        }
        insert_auth(&mut def, &folder.auth);
        insert_scripts(&mut def, &folder.events, true, &folder.name, &mut self.notes);
        def.insert("order".into(), order);
        if !folder.protocol_profile.is_empty() {
            self.notes.push(format!(
                "folder `{}`: its protocolProfileBehavior is copied into the settings of every request in it (v3 has settings on requests only)",
                folder.name
            ));
        }
        let mut merged = inherited.clone();
        merged.extend(folder.protocol_profile.clone());
        self.push(path.join(".resources/definition.yaml"), &Value::Object(def));
        let raw_items = raw.get("item").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
        self.children(path, &folder.items, raw_items, &merged);
    }

    fn item(
        &mut self,
        path: PathBuf,
        stem: &str,
        item: &Item,
        raw: &Value,
        order: Value,
        inherited: &Map<String, Value>,
    ) {
        let request = &item.request;
        let graphql = matches!(request.body, Some(Body::GraphQl { .. }));
        let mut o = Map::new();
        o.insert("$kind".into(), json!(if graphql { "graphql-request" } else { "http-request" }));
        if stem != item.name {
            o.insert("name".into(), json!(item.name));
        }
        if let Some(id) = raw.get("id").and_then(Value::as_str) {
            o.insert("id".into(), json!(id));
        }
        if let Some(d) = description(raw.pointer("/request/description")) {
            o.insert("description".into(), json!(d));
        }
        o.insert("method".into(), json!(request.method));
        o.insert("url".into(), json!(request.url.template()));
        let query: Vec<Value> = request
            .url
            .query
            .iter()
            .filter_map(|q| {
                let mut e = Map::new();
                e.insert("key".into(), json!(q.key.clone()?));
                e.insert("value".into(), q.value.clone().map(Value::String).unwrap_or(Value::Null));
                if q.disabled {
                    e.insert("disabled".into(), json!(true));
                }
                Some(Value::Object(e))
            })
            .collect();
        if !query.is_empty() && !graphql {
            o.insert("queryParams".into(), Value::Array(query));
        }
        let path_vars: Vec<Value> = request.url.variables.iter().map(|(k, v)| json!({"key": k, "value": v})).collect();
        if !path_vars.is_empty() {
            o.insert("pathVariables".into(), Value::Array(path_vars));
        }
        let headers: Vec<Value> = request
            .headers
            .iter()
            .map(|h| {
                let mut e = Map::new();
                e.insert("key".into(), json!(h.key));
                e.insert("value".into(), json!(h.value));
                if h.disabled {
                    e.insert("disabled".into(), json!(true));
                }
                Value::Object(e)
            })
            .collect();
        if !headers.is_empty() {
            o.insert("headers".into(), Value::Array(headers));
        }
        match &request.body {
            Some(Body::GraphQl { query, variables }) => {
                o.insert("query".into(), json!(query));
                if !variables.is_empty() {
                    o.insert("variables".into(), json!(variables));
                }
            }
            Some(body) => {
                o.insert("body".into(), render_body(body));
            }
            None => {}
        }
        insert_auth(&mut o, &request.auth);
        insert_scripts(&mut o, &item.events, false, &item.name, &mut self.notes);
        let mut profile = inherited.clone();
        profile.extend(item.protocol_profile.clone());
        let settings = settings(&profile);
        if !settings.is_empty() {
            o.insert("settings".into(), Value::Object(settings));
        }
        o.insert("order".into(), order);
        if request.proxy.is_some() {
            self.notes.push(format!("request `{}`: its `proxy` object is not kept (v3 has no per-request proxy; use --proxy or a config file)", item.name));
        }
        if request.certificate.is_some() {
            self.notes.push(format!(
                "request `{}`: its `certificate` object is not kept (use --ssl-client-cert-list)",
                item.name
            ));
        }
        if raw.get("response").and_then(Value::as_array).is_some_and(|r| !r.is_empty()) {
            self.notes.push(format!("request `{}`: saved examples are not converted", item.name));
        }
        self.push(path, &Value::Object(o));
    }
}

/// A file-system-safe stem for `name`, unique in its directory without regard to case.
fn unique_stem(name: &str, used: &mut HashSet<String>, suffix: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if "/\\:*?\"<>|".contains(c) || c.is_control() { '-' } else { c }).collect();
    let cleaned = cleaned.trim().trim_end_matches('.').trim().to_string();
    let base = if cleaned.is_empty() || cleaned.starts_with('.') { format!("Untitled{cleaned}") } else { cleaned };
    // `*.resources` directories are metadata to a v3 reader: a folder may not be named so.
    let base = match base.strip_suffix(".resources") {
        Some(stem) => format!("{stem}-resources"),
        None => base,
    };
    let mut stem = base.clone();
    let mut n = 2;
    while !used.insert(format!("{}{suffix}", stem.to_lowercase())) {
        stem = format!("{base} ({n})");
        n += 1;
    }
    stem
}

fn description(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Object(o) => o.get("content").and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string),
        _ => None,
    }
}

fn text(value: &Value) -> Value {
    match value {
        Value::String(_) | Value::Null => value.clone(),
        Value::Number(n) => json!(n.to_string()),
        Value::Bool(b) => json!(b.to_string()),
        other => other.clone(),
    }
}

fn variables(items: &[Value]) -> Vec<Value> {
    items
        .iter()
        .filter_map(Value::as_object)
        .filter_map(|v| {
            let key = v.get("key").or_else(|| v.get("id")).and_then(Value::as_str)?;
            let mut e = Map::new();
            e.insert("key".into(), json!(key));
            e.insert("value".into(), text(v.get("value").unwrap_or(&Value::Null)));
            if let Some(d) = description(v.get("description")) {
                e.insert("description".into(), json!(d));
            }
            if v.get("disabled").and_then(Value::as_bool) == Some(true) {
                e.insert("disabled".into(), json!(true));
            }
            // Other types are display hints; a secret must stay one (it is masked in reports).
            if v.get("type").and_then(Value::as_str) == Some("secret") {
                e.insert("type".into(), json!("secret"));
            }
            Some(Value::Object(e))
        })
        .collect()
}

fn insert_auth(o: &mut Map<String, Value>, auth: &AuthSetting) {
    let value = match auth {
        AuthSetting::Inherit => return,
        AuthSetting::NoAuth => json!({"type": "noauth"}),
        AuthSetting::Auth(a) => {
            let credentials: Map<String, Value> = a.params.iter().map(|(k, v)| (k.clone(), text(v))).collect();
            json!({"type": a.kind.as_str(), "credentials": credentials})
        }
    };
    o.insert("auth".into(), value);
}

fn insert_scripts(
    o: &mut Map<String, Value>,
    events: &[Event],
    definition: bool,
    owner: &str,
    notes: &mut Vec<String>,
) {
    let scripts: Vec<Value> = events
        .iter()
        .filter(|e| {
            if e.disabled {
                notes.push(format!("`{owner}`: a disabled script is not kept (v3 has no disabled scripts)"));
            }
            !e.disabled
        })
        .map(|e| {
            let kind = match (e.listen, definition) {
                (Listen::PreRequest, false) => "beforeRequest",
                (Listen::Test, false) => "afterResponse",
                (Listen::PreRequest, true) => "http:beforeRequest",
                (Listen::Test, true) => "http:afterResponse",
            };
            json!({"type": kind, "code": &*e.code})
        })
        .collect();
    if !scripts.is_empty() {
        o.insert("scripts".into(), Value::Array(scripts));
    }
}

fn render_body(body: &Body) -> Value {
    match body {
        Body::Raw { text, language } => {
            let kind =
                language.as_deref().filter(|l| matches!(*l, "json" | "xml" | "html" | "javascript")).unwrap_or("text");
            json!({"type": kind, "content": text})
        }
        Body::UrlEncoded(pairs) => {
            let list: Vec<Value> = pairs
                .iter()
                .map(|p| {
                    let mut e = Map::new();
                    e.insert("key".into(), json!(p.key));
                    e.insert("value".into(), json!(p.value));
                    if p.disabled {
                        e.insert("disabled".into(), json!(true));
                    }
                    Value::Object(e)
                })
                .collect();
            json!({"type": "urlencoded", "content": list})
        }
        Body::FormData(parts) => {
            let list: Vec<Value> = parts
                .iter()
                .map(|p| {
                    let (mut e, content_type) = match p {
                        FormPart::Text { key, value, content_type } => {
                            (json!({"key": key, "type": "text", "value": value}), content_type)
                        }
                        FormPart::File { key, src, content_type } => {
                            let src = if src.len() == 1 { json!(src[0]) } else { json!(src) };
                            (json!({"key": key, "type": "file", "src": src}), content_type)
                        }
                    };
                    if let (Some(ct), Some(o)) = (content_type, e.as_object_mut()) {
                        o.insert("contentType".into(), json!(ct));
                    }
                    e
                })
                .collect();
            json!({"type": "formdata", "content": list})
        }
        Body::File { src } => json!({"type": "file", "content": {"src": src}}),
        Body::GraphQl { .. } => Value::Null,
    }
}

/// v2.1 `protocolProfileBehavior` → v3 `settings` (the v2.1-only keys kept as they are,
/// since postie honours them).
fn settings(profile: &Map<String, Value>) -> Map<String, Value> {
    profile
        .iter()
        .map(|(k, v)| {
            let v = match (k.as_str(), v) {
                ("disabledSystemHeaders", Value::Object(m)) => Value::Array(
                    m.iter().filter(|(_, on)| on.as_bool() == Some(true)).map(|(name, _)| json!(name)).collect(),
                ),
                _ => v.clone(),
            };
            (k.clone(), v)
        })
        .collect()
}
