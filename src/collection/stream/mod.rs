//! Reading and copying a v2.x collection document one node at a time, so that memory
//! follows the model, not the document: a 100 000-request collection is never held as one
//! JSON tree. A node is the collection root, a folder or a request item; its members other
//! than `item` are small and parsed as JSON values, its `item` children are streamed.
//!
//! `read` hands each node to the loader as soon as its members are known (children first,
//! in document order); `copy` rewrites the document with an edit applied to each node's
//! members (the JSON report masks secrets this way; `copy.rs`).

use std::fmt;

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

mod copy;

pub use copy::copy;

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
