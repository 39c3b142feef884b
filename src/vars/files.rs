//! Reading the variable files and flags of the command line: `-e` environment and `-g`
//! globals files (Postman JSON exports or v3 YAML), and `--env-var` / `--global-var KEY=VALUE`.
//!
//! Every failure names the file or flag, the place and the fix; none quotes a value.

use std::path::Path;

use serde_json::Value;

use super::error::VarsError;
use super::postman_json::parse_scope;
use super::scope::VariableScope;

/// Reads a file as UTF-8 text without its byte-order mark.
pub(crate) fn read_text(path: &Path, what: &str) -> Result<String, VarsError> {
    let bytes = std::fs::read(path).map_err(|cause| VarsError::Read {
        what: what.to_string(),
        path: path.to_path_buf(),
        cause,
    })?;
    if let Some(text) = crate::text::utf16_with_bom(&bytes) {
        return Ok(text);
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        VarsError::Encoding {
            what: what.to_string(),
            path: path.to_path_buf(),
            line: 1 + good.iter().filter(|&&b| b == b'\n').count(),
        }
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// Parses JSON text, turning a syntax error into one with the file, line and column.
pub(crate) fn parse_json(text: &str, path: &Path, what: &str) -> Result<Value, VarsError> {
    serde_json::from_str(text).map_err(|e| VarsError::json(what, path, &e))
}

/// Loads an environment or globals file; JSON syntax errors give file, line and column; shape
/// errors give a JSON path (e.g. `values[3].key`) and what to do.
pub fn load_scope_file(path: &Path, kind: &str) -> Result<VariableScope, VarsError> {
    let what = format!("{kind} file");
    let text = read_text(path, &what)?;
    let json = if is_yaml(path) { parse_yaml(&text, path, &what)? } else { parse_json(&text, path, &what)? };
    parse_scope(&json, path, &what)
}

/// v3 files (`*.environment.yaml`, `*.globals.yaml`) are YAML; so is any `.yml`/`.yaml`.
fn is_yaml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// A v3 environment or globals file, as the JSON shape `parse_scope` reads. v3 may mark a
/// secret with `secret: true` beside `type: default`; that becomes `type: secret`.
fn parse_yaml(text: &str, path: &Path, what: &str) -> Result<Value, VarsError> {
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(|e| {
        let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((1, 1));
        VarsError::Yaml { what: what.to_string(), path: path.to_path_buf(), line, column }
    })?;
    let mut json = crate::collection::v3::yaml_to_json(yaml);
    if let Some(values) = json.get_mut("values").and_then(Value::as_array_mut) {
        for (i, entry) in values.iter_mut().enumerate().filter_map(|(i, v)| Some((i, v.as_object_mut()?))) {
            if entry.get("value").is_some_and(crate::collection::v3::unquoted_variable) {
                return Err(VarsError::shape(
                    what,
                    path,
                    format!("`values[{i}].value`"),
                    "is an unquoted {{variable}}, which YAML reads as a mapping",
                    "Quote it: value: '{{name}}'.",
                ));
            }
            if entry.get("secret").and_then(Value::as_bool) == Some(true) {
                entry.insert("type".into(), Value::String(super::SECRET_TYPE.to_string()));
            }
        }
    }
    Ok(json)
}

/// `--env-var key=value` / `--global-var`: splits on the first '='; missing '=' or empty key
/// is an error naming the flag and the fix. The value is never part of the message.
pub fn parse_assignment(flag: &str, text: &str) -> Result<(String, String), VarsError> {
    match text.split_once('=') {
        Some(("", _)) => Err(VarsError::Assignment {
            flag: flag.to_string(),
            shown: "\"=…\"".to_string(),
            problem: "the variable name before '=' is empty".to_string(),
        }),
        Some((key, value)) => Ok((key.to_string(), value.to_string())),
        None => Err(VarsError::Assignment {
            flag: flag.to_string(),
            shown: format!("{text:?}"),
            problem: "has no '=' between the name and the value".to_string(),
        }),
    }
}
