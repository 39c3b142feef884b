//! The collection document as loaded, for the JSON report's `collection` copy and for
//! `convert`. A run never needs it as a tree, which would cost several times the file's
//! size: a file is read again (streamed) when the report copies it, and a rendered
//! document (v3) is kept as compact text.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

#[derive(Clone, Debug, Default)]
pub enum RawDocument {
    /// Released, or never had one.
    #[default]
    Empty,
    /// The collection file, read again when needed.
    File(PathBuf),
    Text(Arc<str>),
}

impl RawDocument {
    pub fn from_text(text: &str) -> Self {
        RawDocument::Text(Arc::from(text))
    }

    pub fn from_value(value: &Value) -> Self {
        RawDocument::Text(Arc::from(value.to_string()))
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, RawDocument::Empty)
    }

    /// The document as a JSON tree, for the callers that need one (convert); `Null` when
    /// there is none or the file no longer parses.
    pub fn value(&self) -> Value {
        match self {
            RawDocument::Empty => Value::Null,
            RawDocument::Text(text) => serde_json::from_str(text).unwrap_or(Value::Null),
            RawDocument::File(path) => {
                open(path).ok().and_then(|reader| serde_json::from_reader(reader).ok()).unwrap_or(Value::Null)
            }
        }
    }

    /// Streams the document through `stream::copy` (see there).
    pub fn copy_to(
        &self,
        out: &mut dyn std::io::Write,
        edit: &mut dyn FnMut(&mut Value),
        indent: usize,
    ) -> std::io::Result<()> {
        match self {
            RawDocument::Empty => out.write_all(b"{}"),
            RawDocument::Text(text) => super::stream::copy(serde_json::Deserializer::from_str(text), out, edit, indent),
            RawDocument::File(path) => {
                super::stream::copy(serde_json::Deserializer::from_reader(open(path)?), out, edit, indent)
            }
        }
    }
}

/// The file, buffered, past a UTF-8 byte-order mark.
pub(super) fn open(path: &Path) -> std::io::Result<BufReader<std::fs::File>> {
    let mut reader = BufReader::with_capacity(1 << 16, std::fs::File::open(path)?);
    if reader.fill_buf()?.starts_with(b"\xef\xbb\xbf") {
        reader.consume(3);
    }
    Ok(reader)
}
