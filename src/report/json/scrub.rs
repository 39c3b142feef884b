//! Masks a raw JSON document (the collection, the final environment and globals) before
//! the JSON report writes it: these bypass the dispatcher, so the `Redactor` is applied
//! here. Besides every known secret wherever it appears, it masks by structure what is
//! secret by nature: variables of type `secret`, and credentials inside `auth` blocks.

use serde_json::Value;

use crate::collection::credentials::{is_template, secret_members, secrets_in_json};
use crate::report::redact::Redactor;
use crate::secret::MASK;

/// Masks `value` in place; does nothing when redaction is disabled. Literal credentials
/// found in it by structure (auth attributes, `secret` variables) are masked wherever else
/// they appear in it too: a password typed into a basic-auth block and into a URL of the
/// same collection must not survive in the URL.
pub fn redact_json(redactor: &Redactor, value: &mut Value) {
    if !redactor.is_enabled() {
        return;
    }
    let found = secrets_in_json(value);
    if found.is_empty() {
        walk(redactor, value, false);
    } else {
        let mut with_found = redactor.clone();
        for secret in &found {
            with_found.add(secret);
        }
        walk(&with_found, value, false);
    }
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
            let is_secret = secret_members(map, in_auth);
            for (key, child) in map.iter_mut() {
                let masked_here = is_secret(key, child);
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

    #[test]
    fn literal_credentials_are_masked_wherever_they_appear() {
        let mut doc = json!({
            "auth": {"type": "basic", "basic": [{"key": "username", "value": "u"}, {"key": "password", "value": "hunter2!"}]},
            "item": [{"request": {"url": "http://h/?pw=hunter2!", "auth": {"type": "bearer", "bearer": {"token": "{{tok}}"}}}}],
            "variable": [{"key": "k", "value": "s3cret-var", "type": "secret"}, {"key": "copy", "value": "s3cret-var"}]
        });
        assert_eq!(secrets_in_json(&doc), ["hunter2!", "s3cret-var"], "references like {{tok}} are no secrets");
        redact_json(&Redactor::new(true), &mut doc);
        let text = doc.to_string();
        assert!(!text.contains("hunter2") && !text.contains("s3cret-var"), "{text}");
        assert!(text.contains("{{tok}}") && text.contains("\"u\""), "{text}");
        // Disabled redaction (--reporter-no-redact) leaves the document alone.
        let mut kept = json!({"auth": {"basic": {"password": "hunter2!"}}});
        redact_json(&Redactor::new(false), &mut kept);
        assert_eq!(kept["auth"]["basic"]["password"], "hunter2!");
    }
}
