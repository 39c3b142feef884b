//! Copying a v2.x collection document node by node with an edit applied to each node's
//! members (the JSON report masks secrets this way), `item` arrays streamed through.

use std::fmt;
use std::io::Write;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

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
