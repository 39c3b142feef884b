//! Reading the variable files and flags of the command line: `-e` environment and `-g`
//! globals files, and `--env-var` / `--global-var KEY=VALUE`.
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
    let json = parse_json(&text, path, &what)?;
    parse_scope(&json, path, &what)
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
