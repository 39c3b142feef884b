//! Postman's JSON shapes for a `VariableScope`: environment and globals exports (also inside
//! the Postman API's `{environment:{…}}` / `{globals:{…}}` wrappers), a collection's
//! `variable` array, and the export written by `--export-environment` / `--export-globals`.
//!
//! Shape problems are reported with a JSON path (`values[3].key`); values are never quoted in
//! messages, since any of them may be a secret.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::error::{VarsError, kind_of};
use super::scope::{Variable, VariableScope};

const EXPORT_FIX: &str = "An environment or globals file is a Postman export: \
{\"name\": \"...\", \"values\": [{\"key\": \"base_url\", \"value\": \"...\", \"type\": \"default\", \"enabled\": true}]}";

/// What `from_postman_json` calls the file in its messages.
const GENERIC_WHAT: &str = "variables file";

impl VariableScope {
    /// Parses a Postman environment/globals export `{id,name,values:[{key,value,type,enabled|disabled}]}`
    /// (also the Postman API wrapper `{environment:{...}}`/`{globals:{...}}`) or a collection
    /// `variable` array item list.
    pub fn from_postman_json(v: &Value, file: &Path) -> Result<Self, VarsError> {
        parse_scope(v, file, GENERIC_WHAT)
    }

    /// A collection-level `variable` array (`key` or `id`, `value`, `type`, `disabled`).
    /// Entries that are not objects or have no name are skipped: a collection is validated
    /// where it is loaded, not here.
    pub fn from_collection_variables(items: &[Value]) -> Self {
        let values = items
            .iter()
            .filter_map(Value::as_object)
            .filter_map(|o| {
                let key = name_of(o)?;
                let enabled = !matches!(o.get("disabled"), Some(Value::Bool(true)))
                    && !matches!(o.get("enabled"), Some(Value::Bool(false)));
                Some(Variable {
                    key: key.to_string(),
                    // No `value` at all substitutes as nothing in Newman (null reads "null").
                    value: o.get("value").cloned().unwrap_or_else(|| Value::String(String::new())),
                    var_type: o.get("type").and_then(Value::as_str).map(str::to_string),
                    enabled,
                })
            })
            .collect();
        VariableScope::from_variables(values)
    }

    /// Export keeping `enabled` and `type` (Newman loses them, issue #3067).
    pub fn to_postman_json(&self, scope_kind: &str) -> Value {
        let mut o = Map::new();
        if let Some(id) = &self.id {
            o.insert("id".into(), Value::String(id.clone()));
        }
        if let Some(name) = &self.name {
            o.insert("name".into(), Value::String(name.clone()));
        }
        let values: Vec<Value> = self
            .variables()
            .iter()
            .map(|v| {
                json!({
                    "key": v.key,
                    "value": v.value,
                    "type": v.var_type.as_deref().unwrap_or("default"),
                    "enabled": v.enabled,
                })
            })
            .collect();
        o.insert("values".into(), Value::Array(values));
        o.insert("_postman_variable_scope".into(), scope_kind.into());
        o.insert("_postman_exported_at".into(), chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string().into());
        o.insert("_postman_exported_using".into(), concat!("postie/", env!("CARGO_PKG_VERSION")).into());
        Value::Object(o)
    }
}

/// `key`, or `id` for collection variables that only have one; empty names do not count.
fn name_of(o: &Map<String, Value>) -> Option<&str> {
    ["key", "id"].iter().filter_map(|k| o.get(*k).and_then(Value::as_str)).find(|s| !s.is_empty())
}

/// The parser behind `from_postman_json` and `load_scope_file`; `what` names the file kind.
pub(crate) fn parse_scope(v: &Value, file: &Path, what: &str) -> Result<VariableScope, VarsError> {
    match v {
        Value::Array(items) => Ok(VariableScope::from_variables(parse_items(items, "", file, what)?)),
        Value::Object(o) => {
            if !o.contains_key("values") {
                for wrapper in ["environment", "globals"] {
                    match o.get(wrapper) {
                        Some(Value::Object(inner)) => {
                            return parse_export(inner, wrapper, file, what);
                        }
                        Some(other) => {
                            return Err(VarsError::shape(
                                what,
                                file,
                                format!("`{wrapper}`"),
                                format!("is {}, not an object", kind_of(other)),
                                EXPORT_FIX,
                            ));
                        }
                        None => {}
                    }
                }
                if o.contains_key("info") && o.contains_key("item") {
                    return Err(VarsError::shape(
                        what,
                        file,
                        "the top level",
                        "is a Postman collection, not an environment or globals export",
                        "Pass a collection as the first argument of `postie run`, and an environment with -e.",
                    ));
                }
            }
            parse_export(o, "", file, what)
        }
        other => Err(VarsError::shape(
            what,
            file,
            "the top level",
            format!("is {}, not an object", kind_of(other)),
            EXPORT_FIX,
        )),
    }
}

fn parse_export(o: &Map<String, Value>, prefix: &str, file: &Path, what: &str) -> Result<VariableScope, VarsError> {
    let place = |field: &str| {
        if prefix.is_empty() { field.to_string() } else { format!("{prefix}.{field}") }
    };
    let values = match o.get("values") {
        Some(Value::Array(items)) => parse_items(items, &place("values"), file, what)?,
        Some(other) => {
            return Err(VarsError::shape(
                what,
                file,
                format!("`{}`", place("values")),
                format!("is {}, not an array", kind_of(other)),
                EXPORT_FIX,
            ));
        }
        None => {
            let at = if prefix.is_empty() { "the top level".to_string() } else { format!("`{prefix}`") };
            return Err(VarsError::shape(what, file, at, "has no `values` array", EXPORT_FIX));
        }
    };
    let mut scope = VariableScope::from_variables(values);
    scope.id = text_field(o.get("id"));
    scope.name = text_field(o.get("name"));
    Ok(scope)
}

fn text_field(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn parse_items(items: &[Value], prefix: &str, file: &Path, what: &str) -> Result<Vec<Variable>, VarsError> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let place = format!("{prefix}[{i}]");
        let bad = |field: &str, problem: String, fix: &str| {
            VarsError::shape(what, file, format!("`{place}{field}`"), problem, fix)
        };
        let Some(o) = item.as_object() else {
            return Err(bad(
                "",
                format!("is {}, not an object", kind_of(item)),
                "Each entry of `values` is {\"key\": \"...\", \"value\": \"...\"}.",
            ));
        };
        let key = match (o.get("key"), o.get("id")) {
            (Some(Value::String(k)), _) => k.clone(),
            (None | Some(Value::Null), Some(Value::String(id))) => id.clone(),
            (None | Some(Value::Null), _) => {
                return Err(bad(
                    "",
                    "has no `key`".into(),
                    "Give every variable a \"key\" (its name), or delete the entry.",
                ));
            }
            (Some(other), _) => {
                return Err(bad(
                    ".key",
                    format!("is {}, not a string", kind_of(other)),
                    "A variable's name must be a string, e.g. \"key\": \"base_url\".",
                ));
            }
        };
        let var_type = match o.get("type") {
            None | Some(Value::Null) => None,
            Some(Value::String(t)) => Some(t.clone()),
            Some(other) => {
                return Err(bad(
                    ".type",
                    format!("is {}, not a string", kind_of(other)),
                    "Use \"default\" or \"secret\", or remove the field.",
                ));
            }
        };
        let flag = |field: &str| match o.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(bad(
                &format!(".{field}"),
                format!("is {}, not true or false", kind_of(other)),
                "Write true or false without quotes.",
            )),
        };
        // Newman reads only `disabled`; postie honours `enabled: false` too.
        let enabled = flag("enabled")?.unwrap_or(true) && !flag("disabled")?.unwrap_or(false);
        if key.is_empty() {
            continue;
        }
        // No `value` at all substitutes as nothing in Newman (null reads "null").
        let value = o.get("value").cloned().unwrap_or_else(|| Value::String(String::new()));
        out.push(Variable { key, value, var_type, enabled });
    }
    Ok(out)
}
