//! Reading one YAML file of a v3 tree into JSON values, the shape every later step works on.
//!
//! YAML is only the syntax here: once a file parses, the rest of the loader sees the same
//! `serde_json::Value` a JSON export would give, so the v2.1 rules apply unchanged.

use std::path::Path;

use serde_json::{Map, Number, Value};
use serde_yaml_ng::Value as Yaml;

use super::super::error::LoadError;

/// Reads and parses `path`. Syntax errors carry line and column; a file that is not UTF-8,
/// or whose top level is not a mapping, is an error naming the file.
pub fn read_mapping(path: &Path) -> Result<Map<String, Value>, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io { file: path.to_path_buf(), source })?;
    let text = String::from_utf8(bytes).map_err(|e| LoadError::Shape {
        file: path.to_path_buf(),
        path: format!("byte {}", e.utf8_error().valid_up_to()),
        message: "the file is not UTF-8 text; save it as UTF-8".into(),
    })?;
    parse_mapping(&text, path)
}

/// Parses YAML text whose top level must be a mapping; `file` is only used in messages.
pub fn parse_mapping(text: &str, file: &Path) -> Result<Map<String, Value>, LoadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let yaml: Yaml = serde_yaml_ng::from_str(text).map_err(|e| syntax_error(&e, text, file))?;
    match to_json(yaml) {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        other => Err(LoadError::Shape {
            file: file.to_path_buf(),
            path: "the top level".into(),
            message: format!("is {}, not a mapping of keys such as `$kind`", kind_of(&other)),
        }),
    }
}

fn syntax_error(e: &serde_yaml_ng::Error, text: &str, file: &Path) -> LoadError {
    let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((1, 1));
    let message = e.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message).to_string();
    // The most common breakage in real trees: an unquoted `{{var}}` opens a flow mapping.
    let unquoted_var = text
        .lines()
        .take(line)
        .skip(line.saturating_sub(2))
        .any(|l| l.split_once(':').is_some_and(|(_, v)| v.trim_start().starts_with("{{")));
    let hint = if unquoted_var {
        "A value that starts with {{variable}} must be quoted: url: '{{baseUrl}}/path'."
    } else {
        "Fix the YAML at that place (quote values that contain `: ` or start with `{`, `[`, `*`, `&`, `!`)."
    };
    LoadError::Yaml { file: file.to_path_buf(), line, column, message, hint }
}

/// YAML → JSON: keys that are not strings (`200:`, `true:`) become their text, tags are
/// dropped, and numbers keep integer precision (v3 `order` values have 16 digits).
pub fn to_json(yaml: Yaml) -> Value {
    match yaml {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else {
                n.as_f64().and_then(Number::from_f64).map(Value::Number).unwrap_or(Value::Null)
            }
        }
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => Value::Array(items.into_iter().map(to_json).collect()),
        Yaml::Mapping(map) => Value::Object(map.into_iter().map(|(k, v)| (key_text(&k), to_json(v))).collect()),
        Yaml::Tagged(tagged) => to_json(tagged.value),
    }
}

/// A mapping key as text, written flat (`{a: b}`), never as escaped JSON: nested
/// stringified keys would double their escapes at every level.
fn key_text(yaml: &Yaml) -> String {
    match yaml {
        Yaml::Null => String::new(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Number(n) => n.to_string(),
        Yaml::String(s) => s.clone(),
        Yaml::Sequence(items) => format!("[{}]", items.iter().map(key_text).collect::<Vec<_>>().join(", ")),
        Yaml::Mapping(map) => {
            let members: Vec<String> = map.iter().map(|(k, v)| format!("{}: {}", key_text(k), key_text(v))).collect();
            format!("{{{}}}", members.join(", "))
        }
        Yaml::Tagged(tagged) => key_text(&tagged.value),
    }
}

/// How a value is called in messages ("a string", "a list", ...).
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Map<String, Value>, LoadError> {
        parse_mapping(text, Path::new("a.request.yaml"))
    }

    #[test]
    fn block_scalars_numbers_and_keys() {
        let map = parse(
            "$kind: http-request\norder: 3452748594436017\ncode: |-\n  a\n  b\ndesc: >-\n  one\n  two\n\n  three\n200: x\n",
        )
        .unwrap();
        assert_eq!(map["order"], Value::Number(3452748594436017i64.into()));
        assert_eq!(map["code"], "a\nb");
        assert_eq!(map["desc"], "one two\nthree");
        assert_eq!(map["200"], "x");
    }

    #[test]
    fn nested_flow_mappings_as_keys_stay_linear() {
        // Found by fuzzing: keys stringified as JSON doubled their escapes at every level.
        let text = format!("{}x{}", "{".repeat(40), "}".repeat(40));
        // 40 levels would have taken days; now it returns at once.
        let _ = crate::collection::v3::load_request_text(&text, Path::new("C/a.request.yaml"), true);
        let map = parse(&format!("{}x{}", "{".repeat(3), "}".repeat(3))).unwrap();
        assert_eq!(map.keys().next().map(String::as_str), Some("{{x: }: }"));
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let err = parse("$kind: http-request\nurl: {{baseUrl}}/x\n").unwrap_err().to_string();
        assert!(err.starts_with("a.request.yaml:2:"), "{err}");
        assert!(err.contains("must be quoted"), "{err}");
        let err = parse("a: b\n  c: d: e\n").unwrap_err().to_string();
        assert!(err.starts_with("a.request.yaml:2:"), "{err}");
        let err = parse("- 1\n- 2\n").unwrap_err().to_string();
        assert!(err.contains("not a mapping"), "{err}");
        let err = parse("a: 1\na: 2\n").unwrap_err().to_string();
        assert!(err.contains("duplicate"), "{err}");
    }
}
