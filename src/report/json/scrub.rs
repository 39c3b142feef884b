//! Masks a raw JSON document (the collection, the final environment and globals) before
//! the JSON report writes it: these bypass the dispatcher, so the `Redactor` is applied
//! here. Besides every known secret wherever it appears, it masks by structure what is
//! secret by nature: variables of type `secret`, and credentials inside `auth` blocks.

use serde_json::Value;

use crate::report::redact::Redactor;
use crate::secret::MASK;

/// Auth attribute keys (Postman auth types) whose values are credentials.
const SECRET_AUTH_KEYS: &[&str] = &[
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

/// Masks `value` in place; does nothing when redaction is disabled.
pub fn redact_json(redactor: &Redactor, value: &mut Value) {
    if redactor.is_enabled() {
        walk(redactor, value, false);
    }
}

/// A `{{name}}` reference tells nothing secret; keeping it keeps the report useful.
fn is_template(s: &str) -> bool {
    let s = s.trim();
    s.starts_with("{{") && s.ends_with("}}") && s[2..s.len() - 2].find(['{', '}']).is_none()
}

fn mask(value: &mut Value) {
    if let Value::String(s) = value
        && (s.is_empty() || is_template(s))
    {
        return;
    }
    if !value.is_null() {
        *value = Value::from(MASK);
    }
}

fn walk(redactor: &Redactor, value: &mut Value, in_auth: bool) {
    match value {
        Value::String(s) => {
            let masked = redactor.text(s);
            if masked != *s {
                *s = masked;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| walk(redactor, v, in_auth)),
        Value::Object(map) => {
            let secret_variable = map.get("type").and_then(Value::as_str) == Some("secret");
            // v2.1 auth attribute: {key, value, type}
            let secret_attribute = in_auth
                && map.get("key").and_then(Value::as_str).is_some_and(|k| SECRET_AUTH_KEYS.contains(&k))
                && map.contains_key("value");
            for (key, child) in map.iter_mut() {
                let masked_here = (key == "value" && (secret_variable || secret_attribute))
                    // v2.0 auth: {"basic": {"username": …, "password": …}}
                    || (in_auth && key != "value" && SECRET_AUTH_KEYS.contains(&key.as_str()) && !child.is_object() && !child.is_array());
                if masked_here {
                    mask(child);
                } else {
                    walk(redactor, child, in_auth || key == "auth");
                }
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn masks_secret_variables_auth_credentials_and_known_secrets() {
        let mut r = Redactor::new(true);
        r.add("hunter22");
        let cases = [
            (
                json!({ "values": [
                    { "key": "pw", "value": "p4ss", "type": "secret" },
                    { "key": "host", "value": "api.local", "type": "default" },
                    { "key": "note", "value": "uses hunter22 inside", "type": "default" },
                ]}),
                json!({ "values": [
                    { "key": "pw", "value": "***", "type": "secret" },
                    { "key": "host", "value": "api.local", "type": "default" },
                    { "key": "note", "value": "uses *** inside", "type": "default" },
                ]}),
            ),
            (
                json!({ "auth": { "type": "basic", "basic": [
                    { "key": "username", "value": "bob", "type": "string" },
                    { "key": "password", "value": "s3cret", "type": "string" },
                ]}}),
                json!({ "auth": { "type": "basic", "basic": [
                    { "key": "username", "value": "bob", "type": "string" },
                    { "key": "password", "value": "***", "type": "string" },
                ]}}),
            ),
            (
                json!({ "auth": { "type": "bearer", "bearer": [{ "key": "token", "value": "{{token}}" }] } }),
                json!({ "auth": { "type": "bearer", "bearer": [{ "key": "token", "value": "{{token}}" }] } }),
            ),
            (
                json!({ "auth": { "type": "basic", "basic": { "username": "bob", "password": "pw" } } }),
                json!({ "auth": { "type": "basic", "basic": { "username": "bob", "password": "***" } } }),
            ),
            // outside `auth`, a query parameter named `token` is data, not a credential
            (
                json!({ "query": [{ "key": "token", "value": "abc" }] }),
                json!({ "query": [{ "key": "token", "value": "abc" }] }),
            ),
        ];
        for (mut input, expected) in cases {
            redact_json(&r, &mut input);
            assert_eq!(input, expected);
        }
    }

    #[test]
    fn disabled_redaction_leaves_everything() {
        let r = Redactor::new(false);
        let original = json!({ "values": [{ "key": "pw", "value": "p4ss", "type": "secret" }] });
        let mut value = original.clone();
        redact_json(&r, &mut value);
        assert_eq!(value, original);
    }
}
