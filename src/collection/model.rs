//! The collection model every loader produces: the item tree, requests, headers, events,
//! proxy settings. Plain data, no parsing.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::auth::AuthSetting;
use super::body::Body;
use super::raw::RawDocument;
use super::url_spec::UrlSpec;

/// Which revision of the format the file declares in `info.schema`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaVersion {
    V2_0,
    V2_1,
}

#[derive(Clone, Debug)]
pub struct Collection {
    pub name: String,
    pub id: String,
    pub schema: SchemaVersion,
    pub items: Vec<Node>,
    pub events: Vec<Event>,
    /// The collection-level `variable` array, as written (the `vars` module reads it).
    pub variables: Vec<Value>,
    pub auth: AuthSetting,
    pub protocol_profile: Map<String, Value>,
    /// Non-fatal findings while loading (unknown auth types, v1 leftovers, ...).
    pub warnings: Vec<String>,
    /// Credentials written into the document where the format keeps them (auth attributes,
    /// `secret` variables): secrets from the start, in every sink.
    pub secrets: Vec<String>,
    /// Names of the `{{vault:name}}` references anywhere in the document.
    pub vault_refs: Vec<String>,
    /// The document as loaded, for the JSON report's `collection` and for `convert`.
    pub raw: RawDocument,
}

impl Collection {
    /// Drops the document text once nothing needs it (the JSON report has copied it), so a
    /// large collection's run holds only the model.
    pub fn release_raw(&mut self) {
        self.raw = RawDocument::default();
    }

    /// The credentials of every request's own proxy object, folders and `--folder` aside:
    /// the redactor must know them all, since the JSON report carries the whole collection.
    pub fn proxy_credentials(&self) -> Vec<(String, crate::secret::Secret)> {
        fn walk(nodes: &[Node], out: &mut Vec<(String, crate::secret::Secret)>) {
            for node in nodes {
                match node {
                    Node::Folder(f) => walk(&f.items, out),
                    Node::Item(i) => out.extend(i.request.proxy.as_ref().and_then(|p| p.credentials.clone())),
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.items, &mut out);
        out
    }
}

/// Boxed: a collection of 100 000 items is a list of pointers, not of 700-byte values
/// (whose doubling growth cost tens of megabytes while loading).
#[derive(Clone, Debug)]
pub enum Node {
    Folder(Box<Folder>),
    Item(Box<Item>),
}

#[derive(Clone, Debug)]
pub struct Folder {
    pub id: String,
    pub name: String,
    pub items: Vec<Node>,
    pub events: Vec<Event>,
    pub auth: AuthSetting,
    pub protocol_profile: Map<String, Value>,
}

#[derive(Clone, Debug)]
pub struct Item {
    pub id: String,
    pub name: String,
    /// Shared with the plan, which would otherwise copy every request once more.
    pub request: Arc<Request>,
    pub events: Vec<Event>,
    pub protocol_profile: Map<String, Value>,
}

#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub url: UrlSpec,
    pub headers: Vec<Header>,
    pub body: Option<Body>,
    pub auth: AuthSetting,
    /// The request's own `proxy` object (proxy-config), when it has one. Boxed, as the
    /// certificate: rare, and every request would carry their size.
    pub proxy: Option<Box<ProxyConfig>>,
    /// The request's own `certificate` object as written, with its JSON path (loaded by `tls`).
    pub certificate: Option<Box<(Value, String)>>,
    /// The request's own description (its text, for the legacy `request.description`).
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    pub key: String,
    pub value: String,
    pub disabled: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProxyConfig {
    pub match_pattern: String,
    pub host: String,
    pub port: u16,
    pub tunnel: bool,
    pub disabled: bool,
    /// `authenticate: true` with `username` and `password`: basic credentials for the proxy.
    pub credentials: Option<(String, crate::secret::Secret)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listen {
    PreRequest,
    Test,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub listen: Listen,
    /// Shared with the plan's script references: 100 000 requests with the same test
    /// script hold one text.
    pub code: Arc<str>,
    pub disabled: bool,
}

impl Collection {
    /// Every request item in run order, with the folders above it (outermost first).
    pub fn walk(&self) -> Vec<(Vec<&Folder>, &Item)> {
        fn go<'a>(nodes: &'a [Node], parents: &mut Vec<&'a Folder>, out: &mut Vec<(Vec<&'a Folder>, &'a Item)>) {
            for node in nodes {
                match node {
                    Node::Item(item) => out.push((parents.clone(), item)),
                    Node::Folder(folder) => {
                        parents.push(folder);
                        go(&folder.items, parents, out);
                        parents.pop();
                    }
                }
            }
        }
        let mut out = Vec::new();
        go(&self.items, &mut Vec::new(), &mut out);
        out
    }
}
