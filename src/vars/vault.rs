//! `{{vault:name}}`: Postman's references to its local vault, which a CI machine does not
//! have. postie resolves them from a `--vault-file` (a YAML or JSON mapping of name: value)
//! or from `POSTIE_VAULT_<NAME>` environment variables (the name upper-cased, every
//! character other than a letter or digit turned into `_`). The file wins. Every value is a
//! secret: the run masks it in every report and log.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::error::VarsError;
use super::files::read_text;

pub const VAULT_PREFIX: &str = "vault:";
const ENV_PREFIX: &str = "POSTIE_VAULT_";

#[derive(Clone, Debug, Default)]
pub struct Vault {
    from_file: BTreeMap<String, String>,
    /// `POSTIE_VAULT_*` variables by their normalised suffix.
    from_env: BTreeMap<String, String>,
}

impl Vault {
    /// `vars` is the process environment as (name, value) pairs; only `POSTIE_VAULT_*` count.
    pub fn new(from_file: BTreeMap<String, String>, vars: impl IntoIterator<Item = (String, String)>) -> Self {
        let from_env = vars.into_iter().filter_map(|(k, v)| Some((env_key(k.strip_prefix(ENV_PREFIX)?), v))).collect();
        Vault { from_file, from_env }
    }

    /// The value of vault secret `name` (without the `vault:` prefix).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.from_file.get(name).or_else(|| self.from_env.get(&env_key(name))).map(String::as_str)
    }

    /// Every value, for the redactor.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.from_file.values().chain(self.from_env.values()).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// The environment variable that supplies `name`.
    pub fn env_name(name: &str) -> String {
        format!("{ENV_PREFIX}{}", env_key(name))
    }
}

fn env_key(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect()
}

/// Reads a vault file: a mapping of name to a text, number or boolean value.
pub fn load_vault_file(path: &Path) -> Result<BTreeMap<String, String>, VarsError> {
    let what = "vault file";
    let text = read_text(path, what)?;
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).map_err(|e| {
        let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((1, 1));
        VarsError::Yaml { what: what.into(), path: path.to_path_buf(), line, column }
    })?;
    let fix = "A vault file is a mapping of secret names to values, e.g. `api-key: abc123` (YAML) or {\"api-key\": \"abc123\"} (JSON).";
    let value = crate::collection::v3::yaml_to_json(yaml);
    let Value::Object(map) = value else {
        return Err(VarsError::shape(what, path, "the top level", "is not a mapping", fix));
    };
    let mut out = BTreeMap::new();
    for (name, value) in map {
        let text = match value {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return Err(VarsError::shape(what, path, format!("`{name}`"), "is not a text value", fix)),
        };
        out.insert(name, text);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_wins_then_normalised_environment_names() {
        let file = BTreeMap::from([("api-key".to_string(), "from-file".to_string())]);
        let env = [
            ("POSTIE_VAULT_API_KEY".to_string(), "from-env".to_string()),
            ("POSTIE_VAULT_DB_PASS_2".to_string(), "pw".to_string()),
            ("POSTIE_VAULT_lower_case".to_string(), "lc".to_string()),
            ("OTHER".to_string(), "x".to_string()),
        ];
        let vault = Vault::new(file, env);
        assert_eq!(vault.get("api-key"), Some("from-file"));
        assert_eq!(vault.get("db.pass-2"), Some("pw"));
        assert_eq!(vault.get("missing"), None);
        assert_eq!(vault.get("lower-case"), Some("lc"));
        assert_eq!(Vault::env_name("db.pass-2"), "POSTIE_VAULT_DB_PASS_2");
        assert_eq!(vault.values().count(), 4);
    }
}
