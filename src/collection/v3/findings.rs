//! What loading a v3 tree found wrong or skipped, gathered for one message listing every
//! file to fix (errors), warnings for the run's output, and unknown keys (warnings, or
//! errors under `--strict`, as Postman's workspace lint treats them).

use std::path::Path;

use serde_json::{Map, Value};

use super::super::error::LoadError;
use super::yaml::kind_of;

#[derive(Debug, Default)]
pub struct Findings {
    pub errors: Vec<LoadError>,
    pub warnings: Vec<String>,
    pub unknown_keys: Vec<String>,
}

/// The file being converted and where its findings go.
pub struct Ctx<'a> {
    pub file: &'a Path,
    pub findings: &'a mut Findings,
}

impl Ctx<'_> {
    pub fn error(&mut self, place: impl Into<String>, message: impl Into<String>) {
        self.findings.errors.push(LoadError::Shape {
            file: self.file.to_path_buf(),
            path: place.into(),
            message: message.into(),
        });
    }

    pub fn warn(&mut self, message: impl AsRef<str>) {
        self.findings.warnings.push(format!("{}: {}", self.file.display(), message.as_ref()));
    }

    pub fn wrong_type(&mut self, place: &str, value: &Value, expected: &str) {
        let hint = if unquoted_variable(value) {
            "; a value that starts with {{variable}} must be quoted, e.g. url: '{{baseUrl}}'"
        } else {
            ""
        };
        self.error(place, format!("is {}, expected {expected}{hint}", kind_of(value)));
    }

    /// Reports keys of `map` outside `known`, with a likely intended key when there is one.
    pub fn unknown_keys(&mut self, map: &Map<String, Value>, known: &[&str], place: &str) {
        for key in map.keys().filter(|k| !known.contains(&k.as_str())) {
            let at = if place.is_empty() { format!("`{key}`") } else { format!("`{place}.{key}`") };
            let hint = match suggestion(key, known) {
                Some(s) => format!("; did you mean `{s}`? As written it is ignored"),
                None => "; it is ignored".to_string(),
            };
            self.findings.unknown_keys.push(format!("{}: unknown key {at}{hint}", self.file.display()));
        }
    }

    /// A text field: strings as they are; numbers and booleans written out, since Postman
    /// means a string wherever a bare `123` or `true` slips in (COLLECTION-V3.md §3).
    pub fn text(&mut self, value: &Value, place: &str) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null => None,
            other => {
                self.wrong_type(place, other, "a text value");
                None
            }
        }
    }

    pub fn flag(&mut self, value: Option<&Value>, place: &str) -> bool {
        match value {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                self.wrong_type(place, other, "true or false");
                false
            }
        }
    }
}

/// v2.1 spellings people carry over, and near misses.
fn suggestion<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let carried = match key {
        "header" => Some("headers"),
        "event" | "events" => Some("scripts"),
        "variable" => Some("variables"),
        "query" | "params" => Some("queryParams"),
        _ => None,
    };
    carried
        .and_then(|c| known.iter().copied().find(|k| *k == c))
        .or_else(|| known.iter().copied().find(|k| strsim::jaro_winkler(k, key) > 0.9))
}

/// `key: {{name}}` unquoted is valid YAML: a mapping whose only key is the mapping `{name}`.
pub fn unquoted_variable(value: &Value) -> bool {
    matches!(value, Value::Object(map) if map.len() == 1 && map.keys().all(|k| k.starts_with('{')))
}
