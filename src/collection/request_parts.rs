//! Parts of a request object read apart from the loader's walk: its own `proxy`
//! (proxy-config) and its description.

use serde_json::Value;

use super::model::ProxyConfig;

/// A request's `proxy` object, with Postman's defaults (every URL, port 8080).
pub fn request_proxy(value: &Value) -> Option<Box<ProxyConfig>> {
    let p = value.as_object()?;
    let text = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let flag = |k: &str| p.get(k).and_then(Value::as_bool).unwrap_or(false);
    Some(Box::new(ProxyConfig {
        match_pattern: p.get("match").and_then(Value::as_str).unwrap_or("http+https://*/*").to_string(),
        host: text("host"),
        port: p
            .get("port")
            .and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())))
            .and_then(|p| u16::try_from(p).ok())
            .unwrap_or(8080),
        tunnel: flag("tunnel"),
        disabled: flag("disabled"),
        credentials: flag("authenticate").then(|| (text("username"), crate::secret::Secret::new(text("password")))),
    }))
}

/// A description's text: a string, or `{content, type}` as Postman writes one with a format.
pub fn description_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Object(d) => d.get("content").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}
