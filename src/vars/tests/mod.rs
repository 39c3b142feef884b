//! Tests of the variables module, one file per room.

mod data;
mod files;
mod resolve;
mod scope;

use std::path::PathBuf;

use serde_json::Value;

use super::{Variable, VariableScope};

/// Writes `contents` to `name` inside `dir` and returns its path.
fn write(dir: &tempfile::TempDir, name: &str, contents: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, contents).expect("test file is writable");
    path
}

/// A scope from `(key, value, enabled)` rows.
fn scope_of(rows: &[(&str, Value, bool)]) -> VariableScope {
    VariableScope::from_variables(
        rows.iter()
            .map(|(k, v, enabled)| Variable { key: k.to_string(), value: v.clone(), var_type: None, enabled: *enabled })
            .collect(),
    )
}
