//! The collection document as loaded, kept as compact JSON text: the JSON report copies it
//! (streamed, node by node) and `convert` renders from it, but a run never needs it as a
//! tree, which would cost several times the file's size for a large collection.

use std::sync::Arc;

use serde_json::Value;

#[derive(Clone, Debug, Default)]
pub struct RawDocument {
    text: Arc<str>,
}

impl RawDocument {
    pub fn from_text(text: &str) -> Self {
        RawDocument { text: Arc::from(text) }
    }

    pub fn from_value(value: &Value) -> Self {
        RawDocument { text: Arc::from(value.to_string()) }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The document as a JSON tree, for the callers that need one (convert); `Null` when
    /// it was released.
    pub fn value(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    /// Whether the text is still held (see `Collection::release_raw`).
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}
