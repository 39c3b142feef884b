//! Reading and copying a v2.x collection document one node at a time, so that memory
//! follows the model, not the document: a 100 000-request collection is never held as one
//! JSON tree. A node is the collection root, a folder or a request item; its members other
//! than `item` are small and parsed as JSON values, its `item` children are streamed.
//!
//! `read` hands each node to the loader as soon as its members are known (children first,
//! in document order); `copy` rewrites the document with an edit applied to each node's
//! members (the JSON report masks secrets this way).

use std::fmt;
use std::io::Write;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// What the reader builds from nodes: the loader implements it.
pub(super) trait NodeBuilder {
    type Node;
    /// Called when a node starts, before its members are read (pre-order: ids by position).
    fn enter(&mut self) -> usize;
    /// A complete node: its members without `item`, and its children if it had `item`.
    fn node(
        &mut self,
        members: Map<String, Value>,
        children: Option<Vec<Self::Node>>,
        at: &str,
        seq: usize,
    ) -> Result<Self::Node, String>;
    /// `at` is not what the format puts there (an object where a list is needed, ...).
    fn misplaced(&mut self, at: &str, expected: Expected) -> String;
}

/// What a place of the document should have held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Expected {
    Root,
    Node,
    Items,
}

/// The root's members (without `item`) and its streamed items; a Postman API wrapper
/// `{"collection": {...}}` comes back as `wrapped`.
pub(super) struct RootParts<N> {
    pub members: Map<String, Value>,
    pub items: Option<Vec<N>>,
    pub wrapped: Option<Box<RootParts<N>>>,
}

/// Reads a whole document; `Err` carries the loader's message (from `NodeBuilder`) or
/// serde_json's syntax error.
pub(super) fn read<'de, R: serde_json::de::Read<'de>, B: NodeBuilder>(
    mut de: serde_json::Deserializer<R>,
    builder: &mut B,
) -> Result<RootParts<B::Node>, ReadError> {
    let mut failure = None;
    let parts = RootSeed { builder, failure: &mut failure, depth: 0 }.deserialize(&mut de).and_then(|p| {
        de.end()?;
        Ok(p)
    });
    match (parts, failure) {
        (Ok(parts), _) => Ok(parts),
        (Err(_), Some(_)) => Err(ReadError::Shape),
        (Err(e), None) => Err(ReadError::Syntax(e)),
    }
}

pub(super) enum ReadError {
    /// The builder recorded what is wrong, with its place.
    Shape,
    Syntax(serde_json::Error),
}

struct RootSeed<'a, B> {
    builder: &'a mut B,
    failure: &'a mut Option<String>,
    depth: usize,
}

impl<'de, B: NodeBuilder> DeserializeSeed<'de> for RootSeed<'_, B> {
    type Value = RootParts<B::Node>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, B: NodeBuilder> Visitor<'de> for RootSeed<'_, B> {
    type Value = RootParts<B::Node>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a collection object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut parts = RootParts { members: Map::new(), items: None, wrapped: None };
        let at = if self.depth == 0 { "$" } else { "$.collection" };
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "item" => {
                    let seed = NodesSeed {
                        builder: &mut *self.builder,
                        failure: &mut *self.failure,
                        at: format!("{at}.item"),
                    };
                    parts.items = Some(map.next_value_seed(seed)?);
                }
                "collection" if self.depth == 0 => {
                    // The Postman API's wrapper holds the real document: read it node by node
                    // too, straight from the input.
                    let seed = WrapperSeed { builder: &mut *self.builder, failure: &mut *self.failure };
                    match map.next_value_seed(seed)? {
                        Wrapped::Document(inner) => {
                            parts.wrapped = Some(Box::new(inner));
                            parts.members.insert(key, Value::Object(Map::new()));
                        }
                        Wrapped::Other(value) => {
                            parts.members.insert(key, value);
                        }
                    }
                }
                _ => {
                    parts.members.insert(key, map.next_value()?);
                }
            }
        }
        Ok(parts)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Err(fail(self.builder, self.failure, "$", Expected::Root))
    }

    not_a_map!(Expected::Root, "$");
}

/// What a root's `collection` member held: a document (the API wrapper) or anything else.
enum Wrapped<N> {
    Document(RootParts<N>),
    Other(Value),
}

struct WrapperSeed<'a, B> {
    builder: &'a mut B,
    failure: &'a mut Option<String>,
}

impl<'de, B: NodeBuilder> DeserializeSeed<'de> for WrapperSeed<'_, B> {
    type Value = Wrapped<B::Node>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, B: NodeBuilder> Visitor<'de> for WrapperSeed<'_, B> {
    type Value = Wrapped<B::Node>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        RootSeed { builder: self.builder, failure: self.failure, depth: 1 }.visit_map(map).map(Wrapped::Document)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Wrapped::Other)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Wrapped::Other(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Wrapped::Other(Value::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Wrapped::Other(Value::from(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Wrapped::Other(Value::from(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Wrapped::Other(Value::from(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Wrapped::Other(Value::Null))
    }
}

struct NodesSeed<'a, B> {
    builder: &'a mut B,
    failure: &'a mut Option<String>,
    at: String,
}

impl<'de, B: NodeBuilder> DeserializeSeed<'de> for NodesSeed<'_, B> {
    type Value = Vec<B::Node>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, B: NodeBuilder> Visitor<'de> for NodesSeed<'_, B> {
    type Value = Vec<B::Node>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of requests and folders")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut nodes = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        loop {
            let at = format!("{}[{}]", self.at, nodes.len());
            let seed = NodeSeed { builder: &mut *self.builder, failure: &mut *self.failure, at };
            match seq.next_element_seed(seed)? {
                Some(node) => nodes.push(node),
                None => return Ok(nodes),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<Self::Value, A::Error> {
        Err(fail(self.builder, self.failure, &self.at, Expected::Items))
    }

    not_a_map!(Expected::Items, self_at);
}

struct NodeSeed<'a, B> {
    builder: &'a mut B,
    failure: &'a mut Option<String>,
    at: String,
}

impl<'de, B: NodeBuilder> DeserializeSeed<'de> for NodeSeed<'_, B> {
    type Value = B::Node;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, B: NodeBuilder> Visitor<'de> for NodeSeed<'_, B> {
    type Value = B::Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a request or folder object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let seq = self.builder.enter();
        let mut members = Map::new();
        let mut children = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "item" {
                let seed = NodesSeed {
                    builder: &mut *self.builder,
                    failure: &mut *self.failure,
                    at: format!("{}.item", self.at),
                };
                children = Some(map.next_value_seed(seed)?);
            } else {
                members.insert(key, map.next_value()?);
            }
        }
        match self.builder.node(members, children, &self.at, seq) {
            Ok(node) => Ok(node),
            Err(message) => {
                *self.failure = Some(message.clone());
                Err(de::Error::custom(message))
            }
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Err(fail(self.builder, self.failure, &self.at, Expected::Node))
    }

    not_a_map!(Expected::Node, self_at);
}

fn fail<B: NodeBuilder, E: de::Error>(
    builder: &mut B,
    failure: &mut Option<String>,
    at: &str,
    expected: Expected,
) -> E {
    let message = builder.misplaced(at, expected);
    *failure = Some(message.clone());
    E::custom(message)
}

/// The scalar `visit_*` methods of a seed that needs a map (or a list): each is a shape
/// error at the seed's place.
macro_rules! not_a_map {
    ($expected:expr, $at:tt) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            let at = not_a_map!(@at self, $at);
            Err(fail(self.builder, self.failure, &at, $expected))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            let at = not_a_map!(@at self, $at);
            Err(fail(self.builder, self.failure, &at, $expected))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            let at = not_a_map!(@at self, $at);
            Err(fail(self.builder, self.failure, &at, $expected))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            let at = not_a_map!(@at self, $at);
            Err(fail(self.builder, self.failure, &at, $expected))
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            let at = not_a_map!(@at self, $at);
            Err(fail(self.builder, self.failure, &at, $expected))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            let at = not_a_map!(@at self, $at);
            Err(fail(self.builder, self.failure, &at, $expected))
        }
    };
    (@at $self:ident, self_at) => {
        $self.at.clone()
    };
    (@at $self:ident, $at:literal) => {
        $at.to_string()
    };
}
use not_a_map;

/// Rewrites `text` (a whole collection document) to `out`, pretty-printed, with `edit`
/// applied to each node's members one at a time (a one-member object, so that the member's
/// key gives context: `auth` blocks, `variable` lists). `item` arrays are streamed through.
pub fn copy<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    out: &mut dyn Write,
    edit: &mut dyn FnMut(&mut Value),
    indent: usize,
) -> std::io::Result<()> {
    let mut io_error = None;
    let result = CopySeed { out, edit, io_error: &mut io_error, depth: indent, prefix: String::new(), root: true }
        .deserialize(&mut de);
    match (result, io_error) {
        (Ok(()), _) => Ok(()),
        (Err(_), Some(e)) => Err(e),
        (Err(e), None) => Err(std::io::Error::new(std::io::ErrorKind::InvalidData, e)),
    }
}

struct CopySeed<'a> {
    out: &'a mut dyn Write,
    edit: &'a mut dyn FnMut(&mut Value),
    io_error: &'a mut Option<std::io::Error>,
    depth: usize,
    /// Written first, once the value turns out to exist (a list separator and indent).
    prefix: String,
    /// The document's top level, where `collection` may be the Postman API wrapper.
    root: bool,
}

impl CopySeed<'_> {
    fn write<E: de::Error>(&mut self, bytes: &[u8]) -> Result<(), E> {
        self.out.write_all(bytes).map_err(|e| {
            let message = e.to_string();
            *self.io_error = Some(e);
            E::custom(message)
        })
    }

    fn newline<E: de::Error>(&mut self, depth: usize) -> Result<(), E> {
        let line = format!("\n{}", "  ".repeat(depth));
        self.write(line.as_bytes())
    }

    /// A value that is not a node (inside an `item` list that holds something else), edited
    /// and written compactly.
    fn plain<E: de::Error>(mut self, mut value: Value) -> Result<(), E> {
        let prefix = std::mem::take(&mut self.prefix);
        self.write(prefix.as_bytes())?;
        (self.edit)(&mut value);
        let text = serde_json::to_string(&value).map_err(E::custom)?;
        self.write(text.as_bytes())
    }

    /// One member, edited, pretty-printed at this depth.
    fn member<E: de::Error>(&mut self, key: String, value: Value) -> Result<(), E> {
        let mut one = Value::Object(Map::from_iter([(key, value)]));
        (self.edit)(&mut one);
        let Value::Object(map) = one else { return Ok(()) };
        for (key, value) in map {
            let pretty = serde_json::to_string_pretty(&value).map_err(E::custom)?;
            let indented = pretty.replace('\n', &format!("\n{}", "  ".repeat(self.depth + 1)));
            let key = serde_json::to_string(&key).map_err(E::custom)?;
            self.write(format!("{key}: {indented}").as_bytes())?;
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for CopySeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CopySeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a collection object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let prefix = std::mem::take(&mut self.prefix);
        self.write(prefix.as_bytes())?;
        self.write(b"{")?;
        let mut first = true;
        while let Some(key) = map.next_key::<String>()? {
            if !first {
                self.write(b",")?;
            }
            first = false;
            self.newline(self.depth + 1)?;
            if key == "item" || (key == "collection" && self.root) {
                let value = map.next_value_seed(ItemsCopy {
                    out: &mut *self.out,
                    edit: &mut *self.edit,
                    io_error: &mut *self.io_error,
                    depth: self.depth + 1,
                    wrapper: key == "collection",
                    key,
                })?;
                if let Some((key, value)) = value {
                    self.member(key, value)?;
                }
            } else {
                let value: Value = map.next_value()?;
                self.member(key, value)?;
            }
        }
        if !first {
            self.newline(self.depth)?;
        }
        self.write(b"}")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // Not a node: copied as a plain value, edited as one.
        let mut items = Vec::new();
        while let Some(v) = seq.next_element::<Value>()? {
            items.push(v);
        }
        self.plain(Value::Array(items))
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.plain(Value::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.plain(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.plain(Value::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.plain(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.plain(Value::from(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.plain(Value::from(v))
    }
}

/// The value of an `item` (or wrapper `collection`) member: arrays and objects are streamed
/// node by node after writing the key; anything else comes back to be written as a member.
struct ItemsCopy<'a> {
    out: &'a mut dyn Write,
    edit: &'a mut dyn FnMut(&mut Value),
    io_error: &'a mut Option<std::io::Error>,
    depth: usize,
    /// The API wrapper `collection`: only an object is a document to stream.
    wrapper: bool,
    key: String,
}

impl ItemsCopy<'_> {
    fn seed(&mut self, depth: usize, prefix: String) -> CopySeed<'_> {
        CopySeed {
            out: &mut *self.out,
            edit: &mut *self.edit,
            io_error: &mut *self.io_error,
            depth,
            prefix,
            root: false,
        }
    }

    fn key<E: de::Error>(&mut self) -> Result<(), E> {
        let key = serde_json::to_string(&self.key).map_err(E::custom)?;
        self.seed(0, String::new()).write(format!("{key}: ").as_bytes())
    }
}

impl<'de> DeserializeSeed<'de> for ItemsCopy<'_> {
    type Value = Option<(String, Value)>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemsCopy<'_> {
    type Value = Option<(String, Value)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Self::Value, A::Error> {
        if self.wrapper {
            let mut items = Vec::new();
            while let Some(v) = seq.next_element::<Value>()? {
                items.push(v);
            }
            return Ok(Some((self.key, Value::Array(items))));
        }
        self.key()?;
        self.seed(0, String::new()).write(b"[")?;
        let depth = self.depth;
        let indent = "  ".repeat(depth + 1);
        let mut count = 0usize;
        loop {
            let prefix = format!("{}\n{indent}", if count == 0 { "" } else { "," });
            if seq.next_element_seed(self.seed(depth + 1, prefix))?.is_none() {
                break;
            }
            count += 1;
        }
        let mut closing = self.seed(depth, String::new());
        if count > 0 {
            closing.newline(depth)?;
        }
        closing.write(b"]")?;
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(mut self, map: A) -> Result<Self::Value, A::Error> {
        self.key()?;
        let depth = self.depth;
        self.seed(depth, String::new()).visit_map(map)?;
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some((self.key, Value::Bool(v))))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some((self.key, Value::from(v))))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some((self.key, Value::from(v))))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some((self.key, Value::from(v))))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some((self.key, Value::from(v))))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Some((self.key, Value::Null)))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn copied(doc: &Value, edit: &mut dyn FnMut(&mut Value)) -> String {
        let mut out = Vec::new();
        let text = doc.to_string();
        copy(serde_json::Deserializer::from_str(&text), &mut out, edit, 0).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn copies_every_shape_unchanged_and_valid() {
        let docs = [
            json!({"info": {"name": "n"}, "item": []}),
            json!({"info": {"name": "n"}, "item": [
                {"name": "F", "item": [{"name": "a", "request": "http://x"}, {"name": "G", "item": []}], "auth": {"type": "noauth"}},
                {"name": "b", "request": {"url": "http://y", "header": [{"key": "k", "value": "v"}]}, "event": []}
            ], "variable": [{"key": "v", "value": 1}]}),
            json!({"collection": {"info": {"name": "wrapped"}, "item": [{"name": "a", "request": "http://x"}]}}),
            json!({"info": {}, "item": "not a list", "x": null, "y": [1, {"a": 2}], "z": true, "n": 1.5}),
            json!({"info": {}, "item": [], "collection": ["a", ["b"]]}),
            json!({"info": {}, "item": [{"name": "a", "request": "u", "collection": [1]}, 2, "s", null, [3]]}),
            json!({}),
        ];
        for doc in docs {
            let text = copied(&doc, &mut |_| {});
            let back: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
            assert_eq!(back, doc, "{text}");
        }
    }

    #[test]
    fn keeps_member_order_and_indents() {
        let doc = json!({"info": {"name": "n"}, "item": [{"name": "a", "request": "http://x"}], "event": []});
        let text = copied(&doc, &mut |_| {});
        assert_eq!(
            text,
            "{\n  \"info\": {\n    \"name\": \"n\"\n  },\n  \"item\": [\n    {\n      \"name\": \"a\",\n      \"request\": \"http://x\"\n    }\n  ],\n  \"event\": []\n}"
        );
    }

    #[test]
    fn the_edit_sees_each_member_with_its_key() {
        let doc = json!({"auth": {"type": "basic"}, "item": [{"name": "a", "request": {"auth": {"type": "bearer"}}}]});
        let mut seen = Vec::new();
        let text = copied(&doc, &mut |v| {
            seen.push(v.as_object().and_then(|m| m.keys().next().cloned()).unwrap_or_default());
            if let Some(name) = v.get_mut("name") {
                *name = json!("masked");
            }
        });
        assert_eq!(seen, ["auth", "name", "request"]);
        assert!(text.contains("\"name\": \"masked\""), "{text}");
    }

    #[test]
    fn values_that_are_not_nodes_are_edited_too() {
        let doc = json!({"info": {}, "item": ["S3", ["S3"]], "collection": [["S3"]]});
        let text = copied(&doc, &mut |v| {
            let masked = v.to_string().replace("S3", "***");
            *v = serde_json::from_str(&masked).unwrap();
        });
        assert!(!text.contains("S3"), "{text}");
        serde_json::from_str::<Value>(&text).unwrap();
    }
}
