//! Request bodies in every mode Postman writes: raw, urlencoded, formdata, file, graphql.

use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
pub struct KeyValue {
    pub key: String,
    pub value: String,
    pub disabled: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FormPart {
    Text {
        key: String,
        value: String,
        content_type: Option<String>,
    },
    /// `src` is relative to `--working-dir`; several files under one key send several parts.
    File {
        key: String,
        src: Vec<String>,
        content_type: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    Raw {
        text: String,
        /// `options.raw.language`: decides the implicit Content-Type.
        language: Option<String>,
    },
    UrlEncoded(Vec<KeyValue>),
    FormData(Vec<FormPart>),
    File {
        src: Option<String>,
    },
    GraphQl {
        query: String,
        /// The variables as written: a JSON text that may hold `{{variables}}`.
        variables: String,
    },
}

impl Body {
    /// The Content-Type Postman adds when the request has none.
    pub fn implicit_content_type(&self) -> Option<&'static str> {
        match self {
            Body::Raw { language, .. } => Some(match language.as_deref() {
                Some("json") => "application/json",
                Some("xml") => "application/xml",
                Some("html") => "text/html",
                Some("javascript") => "application/javascript",
                _ => "text/plain",
            }),
            Body::UrlEncoded(_) => Some("application/x-www-form-urlencoded"),
            Body::GraphQl { .. } => Some("application/json"),
            // multipart sets its own boundary; a file body has no declared type
            Body::FormData(_) | Body::File { .. } => None,
        }
    }
}

fn text_of(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        None | Some(Value::Null) => String::new(),
        Some(other) => other.to_string(),
    }
}

fn is_disabled(item: &Value) -> bool {
    item.get("disabled").and_then(Value::as_bool).unwrap_or(false)
}

/// Reads a `body` object; `Ok(None)` for a body that is absent, disabled or empty of mode.
pub(super) fn parse_body(value: &Value) -> Result<Option<Body>, String> {
    let obj = match value {
        Value::Null => return Ok(None),
        Value::Object(obj) => obj,
        _ => return Err("expected an object with a `mode` (raw, urlencoded, formdata, file, graphql)".into()),
    };
    if obj.get("disabled").and_then(Value::as_bool).unwrap_or(false) {
        return Ok(None);
    }
    let Some(mode) = obj.get("mode").and_then(Value::as_str) else {
        return Ok(None);
    };
    let body = match mode {
        "raw" => Body::Raw {
            text: text_of(obj.get("raw")),
            language: obj
                .get("options")
                .and_then(|o| o.get("raw"))
                .and_then(|r| r.get("language"))
                .and_then(Value::as_str)
                .map(str::to_string),
        },
        "urlencoded" => Body::UrlEncoded(
            list(obj.get("urlencoded"))
                .iter()
                .filter_map(|item| {
                    Some(KeyValue {
                        key: text_of(Some(item.get("key")?)),
                        value: text_of(item.get("value")),
                        disabled: is_disabled(item),
                    })
                })
                .collect(),
        ),
        "formdata" => Body::FormData(
            list(obj.get("formdata"))
                .iter()
                .filter(|item| !is_disabled(item))
                .filter_map(|item| {
                    let key = text_of(Some(item.get("key")?));
                    let content_type = item.get("contentType").and_then(Value::as_str).map(str::to_string);
                    if item.get("type").and_then(Value::as_str) == Some("file") {
                        let src = match item.get("src") {
                            Some(Value::String(s)) => vec![s.clone()],
                            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
                            _ => Vec::new(),
                        };
                        Some(FormPart::File { key, src, content_type })
                    } else {
                        Some(FormPart::Text { key, value: text_of(item.get("value")), content_type })
                    }
                })
                .collect(),
        ),
        "file" => {
            Body::File { src: obj.get("file").and_then(|f| f.get("src")).and_then(Value::as_str).map(str::to_string) }
        }
        "graphql" => {
            let gql = obj.get("graphql");
            let variables = match gql.and_then(|g| g.get("variables")) {
                Some(Value::String(s)) => s.clone(),
                None | Some(Value::Null) => String::new(),
                Some(other) => other.to_string(),
            };
            Body::GraphQl { query: text_of(gql.and_then(|g| g.get("query"))), variables }
        }
        other => {
            return Err(format!("unknown body mode `{other}`; expected raw, urlencoded, formdata, file or graphql"));
        }
    };
    Ok(Some(body))
}

fn list(value: Option<&Value>) -> &[Value] {
    value.and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_mode() {
        let cases = [
            (
                json!({"mode":"raw","raw":"{\"a\":1}","options":{"raw":{"language":"json"}}}),
                Body::Raw { text: "{\"a\":1}".into(), language: Some("json".into()) },
            ),
            (
                json!({"mode":"urlencoded","urlencoded":[{"key":"a","value":"1"},{"key":"b","value":"2","disabled":true}]}),
                Body::UrlEncoded(vec![
                    KeyValue { key: "a".into(), value: "1".into(), disabled: false },
                    KeyValue { key: "b".into(), value: "2".into(), disabled: true },
                ]),
            ),
            (
                json!({"mode":"formdata","formdata":[{"key":"t","value":"v","type":"text"},{"key":"f","src":"a.txt","type":"file"},{"key":"x","value":"y","disabled":true}]}),
                Body::FormData(vec![
                    FormPart::Text { key: "t".into(), value: "v".into(), content_type: None },
                    FormPart::File { key: "f".into(), src: vec!["a.txt".into()], content_type: None },
                ]),
            ),
            (json!({"mode":"file","file":{"src":"data.bin"}}), Body::File { src: Some("data.bin".into()) }),
            (
                json!({"mode":"graphql","graphql":{"query":"{ me }","variables":"{\"a\":1}"}}),
                Body::GraphQl { query: "{ me }".into(), variables: "{\"a\":1}".into() },
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_body(&input).unwrap(), Some(expected), "{input}");
        }
    }

    #[test]
    fn absent_disabled_and_bad() {
        assert_eq!(parse_body(&Value::Null).unwrap(), None);
        assert_eq!(parse_body(&json!({"mode":"raw","raw":"x","disabled":true})).unwrap(), None);
        assert_eq!(parse_body(&json!({})).unwrap(), None);
        assert!(parse_body(&json!({"mode":"soap"})).unwrap_err().contains("soap"));
        assert!(parse_body(&json!([])).is_err());
    }

    #[test]
    fn implicit_content_types() {
        let raw = |l: Option<&str>| Body::Raw { text: String::new(), language: l.map(str::to_string) };
        assert_eq!(raw(Some("json")).implicit_content_type(), Some("application/json"));
        assert_eq!(raw(Some("xml")).implicit_content_type(), Some("application/xml"));
        assert_eq!(raw(None).implicit_content_type(), Some("text/plain"));
        assert_eq!(Body::FormData(vec![]).implicit_content_type(), None);
    }
}
