//! `Variable` and `VariableScope`: one layer of variables (environment, globals, collection,
//! iteration data or local), with Postman's rules: disabled entries are invisible and the last
//! enabled duplicate wins.
//!
//! Reading and writing Postman's JSON shapes lives in `postman_json.rs`; resolving across
//! layers lives in `scopes.rs`.

use std::fmt;

use serde_json::{Map, Value};

use crate::secret::MASK;

/// The `type` Postman gives a variable whose value must not be shown.
pub const SECRET_TYPE: &str = "secret";

#[derive(Clone, PartialEq)]
pub struct Variable {
    pub key: String,
    pub value: Value,
    /// `"default"`, `"secret"`, `"text"`, `"any"`, ... exactly as written; `None` when unknown.
    pub var_type: Option<String>,
    pub enabled: bool,
}

impl Variable {
    pub fn new(key: impl Into<String>, value: Value) -> Self {
        Variable { key: key.into(), value, var_type: None, enabled: true }
    }

    pub fn is_secret(&self) -> bool {
        self.var_type.as_deref() == Some(SECRET_TYPE)
    }
}

// Written by hand so that logging a scope never shows a secret's value.
impl fmt::Debug for Variable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Variable");
        d.field("key", &self.key);
        if self.is_secret() {
            d.field("value", &MASK);
        } else {
            d.field("value", &self.value);
        }
        d.field("var_type", &self.var_type).field("enabled", &self.enabled).finish()
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct VariableScope {
    pub id: Option<String>,
    pub name: Option<String>,
    values: Vec<Variable>,
}

impl VariableScope {
    pub fn new() -> Self {
        Self::default()
    }

    /// A scope holding exactly these entries, in this order (duplicates and disabled kept).
    pub fn from_variables(values: Vec<Variable>) -> Self {
        VariableScope { id: None, name: None, values }
    }

    /// A scope from a plain object, e.g. one iteration-data row.
    pub fn from_object(m: &Map<String, Value>) -> Self {
        Self::from_variables(m.iter().map(|(k, v)| Variable::new(k.clone(), v.clone())).collect())
    }

    fn last_enabled(&self, key: &str) -> Option<usize> {
        self.values.iter().rposition(|v| v.enabled && v.key == key)
    }

    /// The value of the last enabled entry named `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.last_enabled(key).map(|i| &self.values[i].value)
    }

    /// The last enabled entry named `key`, with its type.
    pub fn get_variable(&self, key: &str) -> Option<&Variable> {
        self.last_enabled(key).map(|i| &self.values[i])
    }

    pub fn has(&self, key: &str) -> bool {
        self.last_enabled(key).is_some()
    }

    /// Sets `key`, keeping the type and position of an existing entry.
    pub fn set(&mut self, key: &str, value: Value) {
        self.upsert(key, value, None);
    }

    /// Sets `key` and, when `var_type` is `Some`, its type (as `pm.environment.set(k, v, type)`).
    pub fn set_typed(&mut self, key: &str, value: Value, var_type: Option<String>) {
        self.upsert(key, value, var_type);
    }

    fn upsert(&mut self, key: &str, value: Value, var_type: Option<String>) {
        // A script that sets a disabled variable means it to be seen: the last entry of that
        // name is updated and enabled rather than shadowed by a new one.
        let target = self.last_enabled(key).or_else(|| self.values.iter().rposition(|v| v.key == key));
        match target {
            Some(i) => {
                let entry = &mut self.values[i];
                entry.value = value;
                entry.enabled = true;
                if var_type.is_some() {
                    entry.var_type = var_type;
                }
            }
            None => self.values.push(Variable { key: key.to_string(), value, var_type, enabled: true }),
        }
    }

    /// Removes every entry named `key`, disabled ones included.
    pub fn unset(&mut self, key: &str) {
        self.values.retain(|v| v.key != key);
    }

    pub fn clear(&mut self) {
        self.values.clear();
    }

    /// Enabled variables as an object; the last duplicate wins, first-seen order is kept.
    pub fn to_object(&self) -> Map<String, Value> {
        let mut m = Map::new();
        for v in self.values.iter().filter(|v| v.enabled) {
            m.insert(v.key.clone(), v.value.clone());
        }
        m
    }

    /// Makes the enabled view equal to `m` (what a script left in `pm.environment` and the
    /// like): changed keys are updated in place with their types, missing keys are removed,
    /// new keys are appended in `m`'s order. Disabled entries stay as they were (a script
    /// never saw them) unless `m` sets their key, which enables the last of them, as `set` does.
    pub fn replace_all_from_object(&mut self, m: &Map<String, Value>) {
        self.values.retain(|v| !v.enabled || m.contains_key(&v.key));
        for (key, value) in m {
            if self.get(key) != Some(value) {
                self.upsert(key, value.clone(), None);
            }
        }
    }

    /// Every entry, in order, disabled ones and duplicates included.
    pub fn variables(&self) -> &[Variable] {
        &self.values
    }

    /// The text of every non-empty value of type `secret` (disabled ones too), for redaction.
    pub fn secret_values(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for v in self.values.iter().filter(|v| v.is_secret()) {
            let text = match &v.value {
                Value::Null => continue,
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if !text.is_empty() && !out.contains(&text) {
                out.push(text);
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }
}
