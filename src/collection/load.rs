//! Reading a collection file into the model, with diagnostics naming file and JSON path.
//! The document is streamed node by node (`stream`); each node becomes model as it is read.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::auth::AuthSetting;
use super::auth::parse_auth;
use super::body::parse_body;
use super::credentials;
use super::error::LoadError;
use super::header::parse_headers;
use super::model::{Collection, Event, Folder, Item, Listen, Node, Request, SchemaVersion};
use super::raw::RawDocument;
use super::request_parts::{description_text, request_proxy};
use super::stream::{self, Expected, NodeBuilder, ReadError, RootParts};
use super::url_spec::{UrlSpec, parse_url};

/// Reads and parses a collection file (a UTF-8 byte-order mark is allowed), streamed from
/// the file: neither its text nor a JSON tree of it is held, only the model.
pub fn load_file(path: &Path) -> Result<Collection, LoadError> {
    let io = |source| LoadError::Io { file: path.to_path_buf(), source };
    // A pipe can be read once: keep its text for the JSON report's copy.
    if !std::fs::metadata(path).map_err(io)?.is_file() {
        return parse_str(&std::fs::read_to_string(path).map_err(io)?, path);
    }
    let mut reader = super::raw::open(path).map_err(io)?;
    if matches!(std::io::BufRead::fill_buf(&mut reader).map_err(io)?, [0xff, 0xfe, ..] | [0xfe, 0xff, ..]) {
        // UTF-16 (Newman reads it): decoded whole; such files are hand-saved, not huge
        let bytes = std::fs::read(path).map_err(io)?;
        let text = crate::text::utf16_with_bom(&bytes).unwrap_or_default();
        let mut collection = parse_str(&text, path)?;
        collection.warnings.push(crate::text::utf16_note("the collection", path));
        return Ok(collection);
    }
    parse_with(serde_json::Deserializer::from_reader(reader), path, RawDocument::File(path.to_path_buf()))
}

/// Parses collection JSON; `file` is only used in messages.
pub fn parse_str(text: &str, file: &Path) -> Result<Collection, LoadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    parse_with(serde_json::Deserializer::from_str(text), file, RawDocument::from_text(text))
}

/// The document is read node by node (`stream`); each node becomes model as it is read.
fn parse_with<'de, R: serde_json::de::Read<'de>>(
    de: serde_json::Deserializer<R>,
    file: &Path,
    raw: RawDocument,
) -> Result<Collection, LoadError> {
    let mut loader = Loader::new(file);
    match stream::read(de, &mut loader) {
        Ok(parts) => loader.collection(parts, raw),
        Err(ReadError::Shape) => Err(loader.failure.take().unwrap_or_else(|| loader.shape("$", "invalid collection"))),
        Err(ReadError::Syntax(e)) if e.is_io() => {
            Err(LoadError::Io { file: file.to_path_buf(), source: std::io::Error::other(e.to_string()) })
        }
        Err(ReadError::Syntax(e)) => Err(LoadError::Syntax {
            file: file.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string().split(" at line").next().unwrap_or_default().to_string(),
        }),
    }
}

/// Builds the model from an already parsed v2.x document (the v3 loader renders one).
pub(super) fn from_value(raw: Value, file: &Path) -> Result<Collection, LoadError> {
    let mut loader = Loader::new(file);
    let text = raw.to_string();
    let Value::Object(root) = raw else {
        return Err(
            loader.shape("$", "expected a JSON object with `info` and `item`; is this a Postman collection export?")
        );
    };
    let parts = loader.parts_of(root, "$")?;
    loader.collection(parts, RawDocument::from_text(&text))
}

struct Loader<'a> {
    file: &'a Path,
    warnings: Vec<String>,
    next_id: usize,
    /// Credentials found by structure in any node (auth attributes, secret variables).
    secrets: Vec<String>,
    /// The error that stopped the streaming reader, with its place.
    failure: Option<LoadError>,
    /// Script texts seen so far: generated collections repeat one script per request.
    scripts: HashSet<Arc<str>>,
    vault_refs: Vec<String>,
}

impl NodeBuilder for Loader<'_> {
    type Node = Node;

    fn enter(&mut self) -> usize {
        self.next_id += 1;
        self.next_id
    }

    fn node(
        &mut self,
        members: Map<String, Value>,
        children: Option<Vec<Node>>,
        at: &str,
        seq: usize,
    ) -> Result<Node, String> {
        self.build_node(members, children, at, seq).map_err(|e| {
            let message = e.to_string();
            self.failure = Some(e);
            message
        })
    }

    fn misplaced(&mut self, at: &str, expected: Expected) -> String {
        let message = match expected {
            Expected::Root => "expected a JSON object with `info` and `item`; is this a Postman collection export?",
            Expected::Node => "expected a request or folder object",
            Expected::Items => "expected an array of requests and folders",
        };
        let e = self.shape(at, message);
        let text = e.to_string();
        self.failure = Some(e);
        text
    }
}

impl Loader<'_> {
    fn new(file: &Path) -> Loader<'_> {
        Loader {
            file,
            warnings: Vec::new(),
            next_id: 0,
            secrets: Vec::new(),
            failure: None,
            scripts: HashSet::new(),
            vault_refs: Vec::new(),
        }
    }

    fn shape(&self, path: &str, message: impl Into<String>) -> LoadError {
        LoadError::Shape { file: self.file.to_path_buf(), path: path.to_string(), message: message.into() }
    }

    /// A parsed root object as the streaming reader would have handed it over.
    fn parts_of(&mut self, mut root: Map<String, Value>, at: &str) -> Result<RootParts<Node>, LoadError> {
        let items = match root.remove("item") {
            Some(Value::Array(items)) => Some(self.nodes(items, &format!("{at}.item"))?),
            Some(_) => return Err(self.shape(&format!("{at}.item"), "expected an array of requests and folders")),
            None => None,
        };
        let wrapped = match root.get_mut("collection") {
            Some(inner @ Value::Object(_)) if at == "$" => {
                let Value::Object(inner) = std::mem::take(inner) else { unreachable!("matched an object") };
                Some(Box::new(self.parts_of(inner, "$.collection")?))
            }
            _ => None,
        };
        Ok(RootParts { members: root, items, wrapped })
    }

    fn collection(mut self, mut parts: RootParts<Node>, raw: RawDocument) -> Result<Collection, LoadError> {
        // Credentials anywhere in the document are secrets, also in the part not used (the
        // outer members around a wrapper, or a `collection` object next to `info`).
        let mut level = Some(&parts);
        while let Some(here) = level {
            let members = Value::Object(here.members.clone());
            self.remember_secrets_in(&members);
            level = here.wrapped.as_deref();
        }
        // Postman API wrapper: {"collection": {...}}
        if let (Some(inner), None) = (parts.wrapped.take(), parts.members.get("info")) {
            return self.collection_inner(*inner, raw, "$.collection");
        }
        self.collection_inner(RootParts { wrapped: None, ..parts }, raw, "$")
    }

    fn collection_inner(
        &mut self,
        parts: RootParts<Node>,
        raw: RawDocument,
        at: &str,
    ) -> Result<Collection, LoadError> {
        let root = &parts.members;
        if super::v1::is_v1(root) && parts.items.is_none() {
            // Newman 6 still runs v1 exports, converting them first; so does postie.
            let mut collection = from_value(super::v1::to_v21(root), self.file)?;
            collection.warnings.insert(
                0,
                format!(
                    "{}: a v1 collection, converted to v2.1 as Newman converts it (export it again as v2.1 to keep it so)",
                    self.file.display()
                ),
            );
            return Ok(collection);
        }
        if root.contains_key("values") && parts.items.is_none() {
            return Err(self.shape(
                at,
                "this looks like an environment or globals file, not a collection; pass it with -e/--environment or -g/--globals",
            ));
        }
        let no_info = Map::new();
        let info = match root.get("info") {
            Some(Value::Object(info)) => info,
            Some(_) => return Err(self.shape(&format!("{at}.info"), "expected an object with `name` and `schema`")),
            // Newman runs a bare `{"item": [...]}`, as v2.1 with no name
            None if parts.items.is_some() => {
                self.warnings.push(format!(
                    "{}: no `info`; reading it as a v2.1 collection with no name, as Newman does",
                    self.file.display()
                ));
                &no_info
            }
            None => return Err(self.shape(at, "missing required field `info`; is this a Postman collection export?")),
        };
        let schema_missing_noted = root.get("info").is_none();
        let schema = match info.get("schema").and_then(Value::as_str) {
            Some(s) if s.contains("v2.1") => SchemaVersion::V2_1,
            Some(s) if s.contains("v2.0") => SchemaVersion::V2_0,
            Some(s) => {
                return Err(LoadError::Schema {
                    file: self.file.to_path_buf(),
                    schema: s.to_string(),
                    hint: if s.contains("v1") {
                        "Open it in Postman and export it again as Collection v2.1."
                    } else {
                        "Export it from Postman as Collection v2.1."
                    },
                });
            }
            None => {
                if !schema_missing_noted {
                    self.warnings
                        .push(format!("{}: `info.schema` is missing; reading it as v2.1", self.file.display()));
                }
                SchemaVersion::V2_1
            }
        };
        let name = info.get("name").and_then(Value::as_str).unwrap_or("").to_string();
        let id = info
            .get("_postman_id")
            .or_else(|| info.get("id"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let events = self.events(root.get("event"), &format!("{at}.event"))?;
        let variables = root.get("variable").and_then(Value::as_array).cloned().unwrap_or_default();
        let auth = self.auth(root.get("auth"), &format!("{at}.auth"))?;
        let protocol_profile = profile(root.get("protocolProfileBehavior"));
        let Some(items) = parts.items else {
            return Err(self.shape(at, "missing required field `item` (the requests and folders)"));
        };
        Ok(Collection {
            name,
            id,
            schema,
            items,
            events,
            variables,
            auth,
            protocol_profile,
            warnings: std::mem::take(&mut self.warnings),
            secrets: std::mem::take(&mut self.secrets),
            vault_refs: std::mem::take(&mut self.vault_refs),
            raw,
        })
    }

    fn intern(&mut self, code: String) -> Arc<str> {
        if let Some(known) = self.scripts.get(code.as_str()) {
            return known.clone();
        }
        let code: Arc<str> = Arc::from(code);
        self.scripts.insert(code.clone());
        code
    }

    fn remember_secrets(&mut self, members: Map<String, Value>) {
        self.remember_secrets_in(&Value::Object(members));
    }

    fn remember_secrets_in(&mut self, members: &Value) {
        vault_references(members, &mut self.vault_refs);
        for secret in credentials::secrets_in_json(members) {
            if !self.secrets.contains(&secret) {
                self.secrets.push(secret);
            }
        }
    }

    /// A password written in a request's URL is a credential from the start, as an auth
    /// block's is: the JSON report's copy of the collection is written before any request.
    fn remember_url_password(&mut self, url: &str) {
        if let Some(password) = credentials::url_password(url) {
            self.remember_secret(&password);
        }
    }

    /// A literal credential (one with `{{variables}}` is masked once resolved, as it is sent).
    fn remember_secret(&mut self, value: &str) {
        if !value.is_empty() && !value.contains("{{") && !self.secrets.iter().any(|s| s == value) {
            self.secrets.push(value.to_string());
        }
    }

    /// Value-shaped nodes (from `from_value`), built as the streaming reader builds them.
    fn nodes(&mut self, items: Vec<Value>, at: &str) -> Result<Vec<Node>, LoadError> {
        let mut nodes = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let here = format!("{at}[{i}]");
            let seq = self.enter();
            let Value::Object(mut members) = item else {
                return Err(self.shape(&here, "expected a request or folder object"));
            };
            let children = match members.remove("item") {
                Some(Value::Array(children)) => Some(self.nodes(children, &format!("{here}.item"))?),
                Some(_) => {
                    return Err(self.shape(&format!("{here}.item"), "expected an array of requests and folders"));
                }
                None => None,
            };
            nodes.push(self.build_node(members, children, &here, seq)?);
        }
        Ok(nodes)
    }

    /// One folder (it had `item`) or request item from its members.
    fn build_node(
        &mut self,
        members: Map<String, Value>,
        children: Option<Vec<Node>>,
        here: &str,
        seq: usize,
    ) -> Result<Node, LoadError> {
        let obj = &members;
        let name = obj.get("name").and_then(Value::as_str).unwrap_or("").to_string();
        let id = id_of(obj, seq);
        let events = self.events(obj.get("event"), &format!("{here}.event"))?;
        let protocol_profile = profile(obj.get("protocolProfileBehavior"));
        let node = if let Some(items) = children {
            let auth = self.auth(obj.get("auth"), &format!("{here}.auth"))?;
            Node::Folder(Box::new(Folder { id, name, items, events, auth, protocol_profile }))
        } else {
            let request = match obj.get("request") {
                Some(r) => self.request(r, &format!("{here}.request"))?,
                None => {
                    return Err(self.shape(
                        here,
                        format!("item `{name}` has neither `request` nor `item`; give it a request or remove it"),
                    ));
                }
            };
            Node::Item(Box::new(Item { id, name, request: Arc::new(request), events, protocol_profile }))
        };
        self.remember_secrets(members);
        Ok(node)
    }

    fn request(&mut self, value: &Value, at: &str) -> Result<Request, LoadError> {
        let obj = match value {
            Value::String(url) => {
                self.remember_url_password(url);
                return Ok(Request {
                    method: "GET".into(),
                    url: UrlSpec::from_raw(url),
                    headers: Vec::new(),
                    body: None,
                    auth: Default::default(),
                    proxy: None,
                    certificate: None,
                    description: None,
                });
            }
            Value::Object(obj) => obj,
            _ => return Err(self.shape(at, "expected a request object or a URL string")),
        };
        let method = match obj.get("method") {
            Some(Value::String(m)) if !m.trim().is_empty() => m.trim().to_uppercase(),
            None | Some(Value::Null) | Some(Value::String(_)) => "GET".to_string(),
            Some(_) => return Err(self.shape(&format!("{at}.method"), "expected an HTTP method such as \"GET\"")),
        };
        let url = parse_url(obj.get("url").unwrap_or(&Value::Null)).map_err(|m| self.shape(&format!("{at}.url"), m))?;
        self.remember_url_password(&url.template());
        if let Some(raw) = &url.raw {
            self.remember_url_password(raw);
        }
        let headers = parse_headers(obj.get("header")).map_err(|m| self.shape(&format!("{at}.header"), m))?;
        let body =
            parse_body(obj.get("body").unwrap_or(&Value::Null)).map_err(|m| self.shape(&format!("{at}.body"), m))?;
        let auth = self.auth(obj.get("auth"), &format!("{at}.auth"))?;
        let proxy = obj.get("proxy").and_then(request_proxy);
        let certificate =
            obj.get("certificate").filter(|c| !c.is_null()).map(|c| Box::new((c.clone(), format!("{at}.certificate"))));
        let description = obj.get("description").and_then(description_text);
        if let Some(password) = url.auth.as_ref().and_then(|a| a.password.as_ref()) {
            self.remember_secret(password);
        }
        Ok(Request { method, url, headers, body, auth, proxy, certificate, description })
    }

    fn auth(&mut self, value: Option<&Value>, at: &str) -> Result<AuthSetting, LoadError> {
        parse_auth(value.unwrap_or(&Value::Null)).map_err(|m| self.shape(at, m))
    }

    fn events(&mut self, value: Option<&Value>, at: &str) -> Result<Vec<Event>, LoadError> {
        let Some(value) = value else { return Ok(Vec::new()) };
        // A single event object is a list of one, as postman-collection reads it.
        let one;
        let list = match value {
            Value::Array(list) => list,
            Value::Object(o) if o.contains_key("listen") || o.contains_key("script") => {
                one = [value.clone()];
                &one[..]
            }
            Value::Null => return Ok(Vec::new()),
            _ => return Err(self.shape(at, "expected an array of {listen, script} objects")),
        };
        let mut events = Vec::with_capacity(list.len());
        for (i, ev) in list.iter().enumerate() {
            let listen = match ev.get("listen").and_then(Value::as_str) {
                Some("prerequest") => Listen::PreRequest,
                Some("test") => Listen::Test,
                other => {
                    self.warnings.push(format!(
                        "{}: {at}[{i}]: event `{}` is not run (only prerequest and test are)",
                        self.file.display(),
                        other.unwrap_or("?")
                    ));
                    continue;
                }
            };
            let code = match ev.get("script").and_then(|s| s.get("exec")) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Array(lines)) => {
                    lines.iter().map(|l| l.as_str().unwrap_or_default()).collect::<Vec<_>>().join("\n")
                }
                _ => String::new(),
            };
            let disabled = ev.get("disabled").and_then(Value::as_bool).unwrap_or(false);
            for password in credentials::url_passwords(&code) {
                if !self.secrets.contains(&password) {
                    self.secrets.push(password);
                }
            }
            let code = self.intern(code);
            events.push(Event { listen, code, disabled });
        }
        Ok(events)
    }
}

/// The names of `{{vault:name}}` references in any string of `value`.
fn vault_references(value: &Value, out: &mut Vec<String>) {
    match value {
        // A byte search first: nearly every string has no `{{vault:` at all.
        Value::String(s) if s.contains('{') => {
            let mut rest = s.as_str();
            while let Some(at) = rest.find("{{vault:") {
                let after = &rest[at + 8..];
                let Some(end) = after.find("}}") else { break };
                let name = &after[..end];
                if !name.is_empty() && !name.contains('{') && !out.iter().any(|n| n == name) {
                    out.push(name.to_string());
                }
                rest = &after[end + 2..];
            }
        }
        Value::Array(items) => items.iter().for_each(|v| vault_references(v, out)),
        Value::Object(map) => map.values().for_each(|v| vault_references(v, out)),
        _ => {}
    }
}

/// The item's own id, or one stable within this load (by position) so `--folder` by id and
/// report ids agree.
fn id_of(obj: &Map<String, Value>, seq: usize) -> String {
    match obj.get("id").or_else(|| obj.get("_postman_id")).and_then(Value::as_str) {
        Some(id) => id.to_string(),
        None => format!("item-{seq}"),
    }
}

fn profile(value: Option<&Value>) -> Map<String, Value> {
    value.and_then(Value::as_object).cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collection::{AuthSetting, Body};

    fn parse(text: &str) -> Result<Collection, LoadError> {
        parse_str(text, Path::new("c.json"))
    }

    const V21: &str = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json";
    const V20: &str = "https://schema.getpostman.com/json/collection/v2.0.0/collection.json";

    #[test]
    fn loads_nested_folders_in_order_with_bom() {
        let text = format!(
            "\u{feff}{{\"info\":{{\"name\":\"n\",\"schema\":\"{V21}\"}},\"item\":[
              {{\"name\":\"F\",\"item\":[{{\"name\":\"a\",\"request\":\"http://x/a\"}},{{\"name\":\"G\",\"item\":[{{\"name\":\"b\",\"request\":{{\"method\":\"post\",\"url\":\"http://x/b\"}}}}]}}]}},
              {{\"name\":\"c\",\"request\":{{\"url\":{{\"host\":[\"x\"],\"path\":[\"c\"]}}}}}}]}}"
        );
        let c = parse(&text).unwrap();
        let walk: Vec<(usize, &str, &str)> =
            c.walk().iter().map(|(p, i)| (p.len(), i.name.as_str(), i.request.method.as_str())).collect();
        assert_eq!(walk, vec![(1, "a", "GET"), (2, "b", "POST"), (0, "c", "GET")]);
        assert_eq!(c.schema, SchemaVersion::V2_1);
    }

    #[test]
    fn v20_auth_and_raw_headers() {
        let text = format!(
            r#"{{"info":{{"name":"n","schema":"{V20}"}},"auth":{{"type":"basic","basic":{{"username":"u","password":"p"}}}},
              "item":[{{"name":"a","request":{{"url":"http://x","header":"A: 1\n//B: 2\nbad line","body":{{"mode":"raw","raw":"x"}}}}}}]}}"#
        );
        let c = parse(&text).unwrap();
        assert_eq!(c.schema, SchemaVersion::V2_0);
        let AuthSetting::Auth(a) = &c.auth else { panic!() };
        assert_eq!(a.text("username"), "u");
        let (_, item) = &c.walk()[0];
        assert_eq!(item.request.headers.len(), 2);
        assert!(item.request.headers[1].disabled);
        assert!(matches!(item.request.body, Some(Body::Raw { .. })));
    }

    #[test]
    fn credentials_anywhere_in_the_document_are_secrets() {
        let text = format!(
            r#"{{"collection":{{"info":{{"name":"x","schema":"{V21}"}},"item":[{{"name":"a","request":{{"url":"http://h/?k=S3","auth":{{"type":"basic","basic":[{{"key":"password","value":"inner-pw"}}]}}}}}}]}},
               "auth":{{"type":"bearer","bearer":[{{"key":"token","value":"S3"}}]}}}}"#
        );
        let c = parse(&text).unwrap();
        assert_eq!(c.name, "x");
        assert!(c.secrets.contains(&"S3".to_string()), "{:?}", c.secrets);
        assert!(c.secrets.contains(&"inner-pw".to_string()), "{:?}", c.secrets);
    }

    /// Newman 6.2.2 runs a collection with no `info`: postie too, with a note.
    #[test]
    fn a_collection_without_info_runs_with_a_note() {
        let c = parse("{\"item\":[{\"name\":\"a\",\"request\":\"http://h/x\"}]}").unwrap();
        assert_eq!(c.name, "");
        assert_eq!(c.schema, SchemaVersion::V2_1);
        assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
        assert!(c.warnings[0].contains("no `info`"));
    }

    /// An `event` that is one object rather than a list (Newman's own `inherited-entities`
    /// collection has one) is a list of one, as postman-collection reads it.
    #[test]
    fn a_single_event_object_is_a_list_of_one() {
        let c = parse(
            "{\"info\":{\"name\":\"e\"},\"item\":[{\"name\":\"a\",\"request\":\"http://h/x\",\"event\":{\"listen\":\"test\",\"script\":{\"exec\":[\"1\"]}}}]}",
        )
        .unwrap();
        let Node::Item(item) = &c.items[0] else { panic!("a request") };
        assert_eq!(item.events.len(), 1);
    }

    #[test]
    fn diagnostics_name_the_place() {
        let cases: &[(&str, &str)] = &[
            ("{\"info\": ", "c.json:1:"),
            ("[1]", "at `$`"),
            ("{\"name\":\"x\"}", "missing required field `info`"),
            (&format!("{{\"info\":{{\"schema\":\"{V21}\"}}}}"), "missing required field `item`"),
            (
                &format!("{{\"info\":{{\"schema\":\"{V21}\"}},\"item\":[{{\"name\":\"x\"}}]}}"),
                "at `$.item[0]`: item `x` has neither",
            ),
            (
                &format!(
                    "{{\"info\":{{\"schema\":\"{V21}\"}},\"item\":[{{\"name\":\"x\",\"request\":{{\"url\":5}}}}]}}"
                ),
                "at `$.item[0].request.url`",
            ),
            (
                "{\"info\":{\"schema\":\"https://schema.getpostman.com/json/collection/v3.0.0/\"},\"item\":[]}",
                "unsupported collection schema",
            ),
            ("{\"values\":[]}", "environment or globals file"),
        ];
        for (text, expected) in cases {
            let err = parse(text).unwrap_err().to_string();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }
}
