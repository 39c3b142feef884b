//! Request URLs as written: a string, or an object of parts (with or without `raw`).

use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
pub struct QueryParam {
    /// `None` for a value-only parameter (`?=x` in Postman's editor).
    pub key: Option<String>,
    /// `None` for a key written without `=`.
    pub value: Option<String>,
    pub disabled: bool,
}

/// A URL before variables are resolved.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct UrlSpec {
    pub raw: Option<String>,
    pub protocol: Option<String>,
    /// The object's `auth` (`user`, `password`, each possibly with `{{variables}}`): put
    /// into the URL once resolved, percent-encoded, as Newman does (which then sends Basic
    /// authorization). Kept out of `template()`, so no report shows it.
    pub auth: Option<UrlAuth>,
    /// Host segments joined with `.`.
    pub host: Option<String>,
    pub port: Option<String>,
    /// Path segments joined with `/`, without a leading slash.
    pub path: Option<String>,
    pub query: Vec<QueryParam>,
    pub hash: Option<String>,
    /// Path variables (`:id`) and their values.
    pub variables: Vec<(String, String)>,
}

impl UrlSpec {
    pub fn from_raw(raw: &str) -> Self {
        UrlSpec { raw: Some(raw.to_string()), ..UrlSpec::default() }
    }

    /// The URL text with `{{variables}}` still in it. Parts win over `raw` when the object has
    /// a host (as the Postman SDK builds it); `raw` alone is used as written. Built from
    /// parts, the literal text of each query key and value has its `#` and `&` (and a key's
    /// `=`) encoded, as postman-collection does, so a parameter never spills into the next
    /// one or the fragment; text inside `{{…}}` is left alone, and what a variable holds is
    /// substituted as is (`?{{qs}}` with `a=1&b=2` is two parameters, as in Newman).
    pub fn template(&self) -> String {
        let Some(host) = &self.host else {
            return self.raw.clone().unwrap_or_default();
        };
        let mut out = String::new();
        if let Some(protocol) = self.protocol.as_deref().filter(|p| !p.is_empty()) {
            out.push_str(protocol.trim_end_matches("://").trim_end_matches(':'));
            out.push_str("://");
        }
        out.push_str(host);
        if let Some(port) = self.port.as_deref().filter(|p| !p.is_empty()) {
            out.push(':');
            out.push_str(port);
        }
        if let Some(path) = &self.path {
            out.push('/');
            out.push_str(path);
        }
        let key = |k: &str| encode_literal_query_text(k, true);
        let value = |v: &str| encode_literal_query_text(v, false);
        let query: Vec<String> = self
            .query
            .iter()
            .filter(|q| !q.disabled)
            .map(|q| match (&q.key, &q.value) {
                (Some(k), Some(v)) => format!("{}={}", key(k), value(v)),
                (Some(k), None) => key(k),
                (None, Some(v)) => format!("={}", value(v)),
                (None, None) => String::new(),
            })
            .collect();
        if !query.is_empty() {
            out.push('?');
            out.push_str(&query.join("&"));
        }
        if let Some(hash) = self.hash.as_deref().filter(|h| !h.is_empty()) {
            out.push('#');
            out.push_str(hash);
        }
        out
    }
}

/// `#` and `&` (and in a key `=`) percent-encoded outside `{{…}}` tokens: the characters
/// that would end a query parameter; the URL parser encodes the rest.
fn encode_literal_query_text(text: &str, key: bool) -> String {
    if !text.contains(['#', '&', '=']) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 6);
    let mut rest = text;
    while !rest.is_empty() {
        // A token is copied whole; an unclosed `{{` is literal text.
        if let Some(start) = rest.find("{{")
            && let Some(len) = rest[start..].find("}}")
        {
            encode_into(&mut out, &rest[..start], key);
            out.push_str(&rest[start..start + len + 2]);
            rest = &rest[start + len + 2..];
            continue;
        }
        encode_into(&mut out, rest, key);
        break;
    }
    out
}

fn encode_into(out: &mut String, literal: &str, key: bool) {
    for c in literal.chars() {
        match c {
            '#' => out.push_str("%23"),
            '&' => out.push_str("%26"),
            '=' if key => out.push_str("%3D"),
            c => out.push(c),
        }
    }
}

fn segment_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        // v2 path segments may be {type, value} objects
        Value::Object(o) => o.get("value").and_then(Value::as_str).map(str::to_string),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn joined(value: Option<&Value>, sep: &str) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.trim_start_matches(if sep == "/" { "/" } else { "" }).to_string()),
        Value::Array(parts) => Some(parts.iter().filter_map(segment_text).collect::<Vec<_>>().join(sep)),
        _ => None,
    }
}

fn opt_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Reads `request.url`. `Err` carries a message for the JSON path.
pub(super) fn parse_url(value: &Value) -> Result<UrlSpec, String> {
    match value {
        Value::String(raw) => Ok(UrlSpec::from_raw(raw)),
        Value::Null => Ok(UrlSpec::default()),
        Value::Object(obj) => {
            let query = obj
                .get("query")
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .map(|q| QueryParam {
                            key: opt_text(q.get("key")),
                            value: opt_text(q.get("value")),
                            disabled: q.get("disabled").and_then(Value::as_bool).unwrap_or(false),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let variables = obj
                .get("variable")
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter(|v| !v.get("disabled").and_then(Value::as_bool).unwrap_or(false))
                        .filter_map(|v| {
                            let key = opt_text(v.get("key")).or_else(|| opt_text(v.get("id")))?;
                            Some((key, opt_text(v.get("value")).unwrap_or_default()))
                        })
                        .collect()
                })
                .unwrap_or_default();
            Ok(UrlSpec {
                raw: opt_text(obj.get("raw")),
                protocol: opt_text(obj.get("protocol")),
                auth: url_auth(obj.get("auth")),
                host: joined(obj.get("host"), "."),
                port: opt_text(obj.get("port")),
                path: joined(obj.get("path"), "/"),
                query,
                hash: opt_text(obj.get("hash")),
                variables,
            })
        }
        _ => Err("expected a URL string or an object with `raw`, `host`, `path`, `query`".into()),
    }
}

/// A URL object's credentials.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UrlAuth {
    pub user: String,
    pub password: Option<String>,
}

/// A URL object's `auth`, when it names a user or a password.
fn url_auth(auth: Option<&Value>) -> Option<UrlAuth> {
    let auth = auth?.as_object()?;
    let user = opt_text(auth.get("user")).unwrap_or_default();
    let password = opt_text(auth.get("password"));
    (!user.is_empty() || password.as_deref().is_some_and(|p| !p.is_empty())).then_some(UrlAuth { user, password })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_url_form() {
        let cases = [
            (json!("{{base}}/users?id=1"), "{{base}}/users?id=1"),
            (json!({"raw": "http://x/raw-only"}), "http://x/raw-only"),
            (
                json!({"raw":"ignored","protocol":"https","host":["api","example","com"],"port":"8443","path":["v1","users",":id"],
                       "query":[{"key":"a","value":"1"},{"key":"b","value":"2","disabled":true},{"key":"flag","value":null}],"hash":"top"}),
                "https://api.example.com:8443/v1/users/:id?a=1&flag#top",
            ),
            (json!({"host":"{{base}}","path":"/items"}), "{{base}}/items"),
            // credentials stay out of the text (resolve_url puts them in, encoded)
            (
                json!({"protocol":"https","auth":{"user":"us@r","password":"p@ss"},"host":["h"],"path":["get"]}),
                "https://h/get",
            ),
            (json!({"host":["{{base}}"],"path":[{"type":"string","value":"x"}]}), "{{base}}/x"),
            (json!(null), ""),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_url(&input).unwrap().template(), expected, "{input}");
        }
        assert!(parse_url(&json!(42)).is_err());
    }

    #[test]
    fn path_variables() {
        let spec = parse_url(&json!({"raw":"http://x/:id","variable":[{"key":"id","value":"7"},{"key":"off","value":"1","disabled":true}]})).unwrap();
        assert_eq!(spec.variables, vec![("id".to_string(), "7".to_string())]);
    }

    /// Newman's own `whatwg-url` case: `#` and `&` in a key's or value's literal text are
    /// encoded, so nothing spills into the next parameter or the fragment (Newman 6.2.2
    /// sent `?q=%231%23&x%26y=2&b%23a%26r`); variables keep their names and are substituted
    /// as they are.
    #[test]
    fn literal_query_text_keeps_its_bounds_and_variables_stay_whole() {
        let spec = parse_url(&json!({
            "raw": "ignored", "protocol": "https", "host": ["h"], "path": ["get"],
            "query": [{"key": "q", "value": "%23{{foo&bar}}%23"}, {"key": "x%26y", "value": "{{#foo#}}"},
                      {"key": "b#a&r", "value": null}, {"key": "k=1", "value": "a&b#c"}, {"key": "{{qs}}", "value": null}]
        }))
        .unwrap();
        assert_eq!(
            spec.template(),
            "https://h/get?q=%23{{foo&bar}}%23&x%26y={{#foo#}}&b%23a%26r&k%3D1=a%26b%23c&{{qs}}"
        );
        let unclosed = parse_url(&json!({"host": ["h"], "query": [{"key": "a", "value": "{{x&y"}]})).unwrap();
        assert_eq!(unclosed.template(), "h?a={{x%26y");
    }
}
