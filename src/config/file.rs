//! The config file: `--config PATH`, else `./postie.toml`, else
//! `$XDG_CONFIG_HOME/postie/config.toml`. Unknown keys are errors that name a close match,
//! because a silently ignored `bypas = [...]` sends traffic where nobody expects it.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::error::ConfigError;

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProxyTable {
    pub url: Option<String>,
    /// `http`, `https` or `both`: which request schemes use the proxy.
    pub schemes: Option<String>,
    pub username: Option<String>,
    /// Name of an environment variable holding the proxy password.
    pub password_env: Option<String>,
    pub bypass: Option<Vec<String>>,
    /// Whether the system proxy (environment variables) is used; default true.
    pub use_env: Option<bool>,
    /// A PAC file: a path, a `file://` URL or an http(s) URL.
    pub pac: Option<String>,
    /// Which proxy authentication to use: `basic`, `ntlm`, `negotiate` or `any`.
    pub auth: Option<String>,
    /// Seconds a proxy that could not be connected to is skipped (PAC failover).
    pub retry_after: Option<u64>,
}

/// `[run]`: defaults for `postie run` flags; a flag given on the command line wins.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RunTable {
    pub retry: Option<u32>,
    pub retry_on: Option<String>,
    pub retry_delay: Option<u64>,
    pub retry_max_delay: Option<u64>,
    pub retry_non_idempotent: Option<bool>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub proxy: ProxyTable,
    #[serde(default)]
    pub run: RunTable,
    /// Where it was read from, for messages.
    #[serde(skip)]
    pub path: PathBuf,
}

const TOP_KEYS: &[&str] = &["proxy", "run"];
const RUN_KEYS: &[&str] = &["retry", "retry_on", "retry_delay", "retry_max_delay", "retry_non_idempotent"];
const PROXY_KEYS: &[&str] =
    &["url", "schemes", "username", "password_env", "bypass", "use_env", "pac", "auth", "retry_after"];

/// Finds the config file to use: the explicit one (which must exist), else the first that exists.
pub fn discover(explicit: Option<&Path>, lookup: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    let local = PathBuf::from("postie.toml");
    if local.is_file() {
        return Some(local);
    }
    let base = lookup("XDG_CONFIG_HOME")
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
        .or_else(|| lookup("HOME").filter(|s| !s.is_empty()).map(|h| PathBuf::from(h).join(".config")))?;
    let user = base.join("postie").join("config.toml");
    user.is_file().then_some(user)
}

pub fn load(path: &Path) -> Result<ConfigFile, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io { file: path.to_path_buf(), source })?;
    parse(&text, path)
}

pub fn parse(text: &str, path: &Path) -> Result<ConfigFile, ConfigError> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
        ConfigError::Syntax { file: path.to_path_buf(), line, column, message: e.message().to_string() }
    })?;
    check_keys(path, table.keys(), TOP_KEYS, "")?;
    for (name, keys) in [("proxy", PROXY_KEYS), ("run", RUN_KEYS)] {
        let Some(value) = table.get(name) else { continue };
        let Some(section) = value.as_table() else {
            return Err(ConfigError::Invalid {
                file: path.to_path_buf(),
                message: format!("`{name}` must be a table ([{name}])"),
            });
        };
        check_keys(path, section.keys(), keys, &format!("{name}."))?;
    }
    let mut config: ConfigFile = table.try_into().map_err(|e: toml::de::Error| ConfigError::Invalid {
        file: path.to_path_buf(),
        message: e.message().to_string(),
    })?;
    config.path = path.to_path_buf();
    Ok(config)
}

fn check_keys<'a>(
    path: &Path,
    keys: impl Iterator<Item = &'a String>,
    known: &[&str],
    prefix: &str,
) -> Result<(), ConfigError> {
    for key in keys {
        if !known.contains(&key.as_str()) {
            let best = known
                .iter()
                .map(|k| (strsim::jaro_winkler(k, key), *k))
                .filter(|(s, _)| *s > 0.7)
                .max_by(|a, b| a.0.total_cmp(&b.0));
            let suggestion = match best {
                Some((_, k)) => format!("; did you mean `{prefix}{k}`?"),
                None => format!(
                    "; known keys: {}",
                    known.iter().map(|k| format!("`{prefix}{k}`")).collect::<Vec<_>>().join(", ")
                ),
            };
            return Err(ConfigError::UnknownKey {
                file: path.to_path_buf(),
                key: format!("{prefix}{key}"),
                suggestion,
            });
        }
    }
    Ok(())
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key() {
        let text = "[proxy]\nurl = \"http://p:3128\"\nschemes = \"https\"\nusername = \"u\"\npassword_env = \"PW\"\nbypass = [\"a\", \".b\"]\nuse_env = false\n";
        let c = parse(text, Path::new("postie.toml")).unwrap();
        assert_eq!(c.proxy.url.as_deref(), Some("http://p:3128"));
        assert_eq!(c.proxy.bypass, Some(vec!["a".to_string(), ".b".to_string()]));
        assert_eq!(c.proxy.use_env, Some(false));
    }

    #[test]
    fn errors_name_the_place() {
        let cases = [
            ("[proxy]\nurl = ", "postie.toml:2:"),
            ("[proxy]\nbypas = []\n", "unknown key `proxy.bypas`; did you mean `proxy.bypass`?"),
            ("[proxi]\n", "did you mean `proxy`?"),
            ("[proxy]\nuse_env = \"yes\"\n", "postie.toml"),
            ("proxy = 3\n", "must be a table"),
        ];
        for (text, expected) in cases {
            let err = parse(text, Path::new("postie.toml")).unwrap_err().to_string();
            assert!(err.contains(expected), "{text:?}: {err}");
        }
    }
}
