//! `Scopes`: the five variable layers of a running request and how a `{{name}}` resolves
//! across them. Precedence is postman-runtime's, highest first: local, iteration data,
//! environment, collection, globals, then dynamic `$variables` (so a user variable named
//! `$guid` wins over the generated one).

use std::sync::Arc;

use serde_json::Value;

use super::dynamic;
use super::scope::VariableScope;
use super::template;
use super::vault::{VAULT_PREFIX, Vault};

#[derive(Clone, Debug, Default)]
pub struct Scopes {
    pub local: VariableScope,
    pub data: VariableScope,
    pub environment: VariableScope,
    pub collection: VariableScope,
    pub globals: VariableScope,
    /// `{{vault:name}}` values; shared, never changed by a run.
    pub vault: Arc<Vault>,
}

/// How the prelude hands back a local variable a script set to `undefined` (JSON has no
/// undefined; the local scope keeps it in Newman, the others turn it into null). Must equal
/// `LOCAL_UNDEFINED` in `script/prelude/variables.js`.
pub const LOCAL_UNDEFINED: &str = "\u{0}postie:undefined\u{0}";

impl Scopes {
    /// The layers in the order scripts number them: local, data, environment, collection,
    /// globals (the same as precedence).
    pub fn layers_in_script_order(&self) -> [&VariableScope; 5] {
        self.layers()
    }

    /// The layers in precedence order, highest first.
    pub fn layers(&self) -> [&VariableScope; 5] {
        [&self.local, &self.data, &self.environment, &self.collection, &self.globals]
    }

    /// The value `{{name}}` would take, from the first layer that has an enabled `name`
    /// (null reads "null"). Only strings, numbers and booleans substitute: an object or
    /// array value still decides (it shadows lower layers) but leaves the token unresolved.
    pub fn resolve(&self, name: &str) -> Option<String> {
        if let Some(secret) = name.strip_prefix(VAULT_PREFIX) {
            return self.vault.get(secret).map(str::to_string);
        }
        for (i, layer) in self.layers().into_iter().enumerate() {
            match layer.get(name) {
                None => continue,
                // A local variable a script set to undefined (a field missing from a
                // response) substitutes as nothing in Newman: its local scope keeps the
                // undefined, which the prelude hands back as `LOCAL_UNDEFINED`. The other
                // scopes pass through JSON, where it becomes null, and null (also a file's
                // `"value": null`, or a local set to null) substitutes as "null".
                Some(Value::String(s)) if i == 0 && s == LOCAL_UNDEFINED => return Some(String::new()),
                Some(Value::Null) => return Some("null".to_string()),
                Some(value) => return value_text(value),
            }
        }
        dynamic::generate(name)
    }

    /// The raw value a script's `pm.variables.get(name)` sees (no dynamic variables).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.layers()
            .into_iter()
            .find_map(|layer| layer.get(name).filter(|v| !v.is_null() && v.as_str() != Some(LOCAL_UNDEFINED)))
    }

    /// Postman's `replaceIn`: see `template::replace_tokens` for the exact rules.
    pub fn replace_in(&self, template: &str) -> String {
        template::replace_tokens(template, |name| self.resolve(name))
    }

    /// Values of every `secret`-typed variable in any layer, without duplicates.
    pub fn secret_values(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for layer in self.layers() {
            for s in layer.secret_values() {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
        for s in self.vault.values() {
            if !out.iter().any(|o| o == s) {
                out.push(s.to_string());
            }
        }
        out
    }
}

/// How a JSON value reads when substituted, as JavaScript's `String(value)` would print it.
pub fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(number_text(n)),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// JavaScript prints `1.0` as `1` and `-0` as `0`; serde_json would print `1.0` and `-0.0`.
fn number_text(n: &serde_json::Number) -> String {
    if n.is_f64()
        && let Some(f) = n.as_f64()
        && f.fract() == 0.0
        && f.abs() < 1e21
    {
        return if f == 0.0 { "0".into() } else { format!("{f:.0}") };
    }
    n.to_string()
}
