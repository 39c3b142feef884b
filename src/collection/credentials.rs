//! Which members of a Postman JSON document hold credentials by structure: the values of
//! auth attributes that are credentials and of variables of type `secret`. The format's
//! knowledge, used by the loader (to register them as secrets before anything is printed)
//! and by the JSON report's scrubber (to mask them in its copies).

use serde_json::Value;

/// Auth attribute keys (Postman auth types) whose values are credentials.
pub(crate) const SECRET_AUTH_KEYS: &[&str] = &[
    "password",
    "token",
    "accessToken",
    "refreshToken",
    "clientSecret",
    "secretKey",
    "sessionToken",
    "consumerSecret",
    "tokenSecret",
    "privateKey",
    "passphrase",
    "authKey",
    "secret",
    "value",
];

/// The literal credentials a document holds in secret places: the values of auth
/// attributes that are credentials and of variables of type `secret` (not `{{references}}`).
pub fn secrets_in_json(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    collect(value, false, &mut found);
    found
}

fn keep(child: &Value, found: &mut Vec<String>) {
    if let Value::String(s) = child
        && !s.is_empty()
        && !is_template(s)
        && !found.contains(s)
    {
        found.push(s.clone());
    }
}

/// Which members of an object hold a credential by structure: the `value` of a `secret`
/// variable or of a v2.1 auth attribute `{key, value, type}`, and the credential keys of a
/// v2.0 auth object (`{"basic": {"password": …}}`).
pub(crate) fn secret_members(
    map: &serde_json::Map<String, Value>,
    in_auth: bool,
) -> impl Fn(&str, &Value) -> bool + use<> {
    let secret_variable = map.get("type").and_then(Value::as_str) == Some("secret");
    let secret_attribute = in_auth
        && map.get("key").and_then(Value::as_str).is_some_and(|k| SECRET_AUTH_KEYS.contains(&k))
        && map.contains_key("value");
    move |key: &str, child: &Value| {
        let scalar = !child.is_object() && !child.is_array();
        (key == "value" && (secret_variable || secret_attribute))
            || (in_auth && key != "value" && SECRET_AUTH_KEYS.contains(&key) && scalar)
    }
}

fn collect(value: &Value, in_auth: bool, found: &mut Vec<String>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect(v, in_auth, found)),
        Value::Object(map) => {
            let is_secret = secret_members(map, in_auth);
            for (key, child) in map {
                if is_secret(key, child) && !child.is_object() && !child.is_array() {
                    keep(child, found);
                } else {
                    collect(child, in_auth || key == "auth", found);
                }
            }
        }
        _ => {}
    }
}

/// The password written in a URL's authority (`https://user:pw@host/`), decoded; none for a
/// `{{reference}}` or an empty one. Every URL of a text (a script's) with `url_passwords`.
pub fn url_password(url: &str) -> Option<String> {
    let rest = &url[url.find("://")? + 3..];
    // Quotes and spaces end it too: the URL may sit in a script's text.
    let authority = &rest[..rest.find(['/', '?', '#', '\'', '"', '`', ' ', '\n', ')']).unwrap_or(rest.len())];
    let userinfo = &authority[..authority.rfind('@')?];
    let (_, password) = userinfo.split_once(':')?;
    let password = percent_encoding::percent_decode_str(password).decode_utf8_lossy().into_owned();
    (!password.is_empty() && !is_template(&password)).then_some(password)
}

pub fn url_passwords(text: &str) -> Vec<String> {
    text.match_indices("://").filter_map(|(at, _)| url_password(&text[at..])).collect()
}

/// A `{{name}}` reference tells nothing secret; keeping it keeps the report useful.
pub(crate) fn is_template(s: &str) -> bool {
    let s = s.trim();
    s.starts_with("{{") && s.ends_with("}}") && s[2..s.len() - 2].find(['{', '}']).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_written_in_urls_are_found() {
        assert_eq!(url_password("https://ada:p%40ss@h.test/x").as_deref(), Some("p@ss"));
        assert_eq!(url_password("http://ada@h.test/"), None, "a user alone");
        assert_eq!(url_password("http://ada:{{pw}}@h.test/"), None, "a reference");
        assert_eq!(url_password("http://h.test/a@b:c"), None, "an @ in the path");
        assert_eq!(url_password("no url"), None);
        let script = "pm.sendRequest('http://bob:one@h/x'); var u = \"https://c:two@h\"; // http://h/ a:b@c";
        assert_eq!(url_passwords(script), ["one", "two"]);
    }
}
