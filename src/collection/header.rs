//! A request's headers as a collection writes them: an array of `{key, value, disabled}`
//! objects, or one raw `Key: value` text (a `//` line disabled), as the Postman app saves.

use serde_json::Value;

use super::model::Header;

/// Headers as an array of `{key, value, disabled}` or as one raw `Key: value` text.
pub fn parse_headers(value: Option<&Value>) -> Result<Vec<Header>, String> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(text)) => Ok(text
            .lines()
            .filter_map(|line| {
                let (k, v) = line.split_once(':')?;
                let key = k.trim();
                let (key, disabled) = match key.strip_prefix("//") {
                    Some(rest) => (rest.trim(), true),
                    None => (key, false),
                };
                (!key.is_empty()).then(|| Header { key: key.to_string(), value: v.trim().to_string(), disabled })
            })
            .collect()),
        Some(Value::Array(items)) => Ok(items
            .iter()
            .filter_map(|h| {
                let key = h.get("key")?.as_str()?.to_string();
                let value = match h.get("value") {
                    Some(Value::String(s)) => s.clone(),
                    None | Some(Value::Null) => String::new(),
                    Some(other) => other.to_string(),
                };
                let disabled = h.get("disabled").and_then(Value::as_bool).unwrap_or(false);
                Some(Header { key, value, disabled })
            })
            .collect()),
        Some(_) => Err("expected an array of {key, value} objects or a `Key: value` text".into()),
    }
}
