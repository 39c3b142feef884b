//! `pm.response.to.have.jsonSchema(schema)`: draft-07 validation in Rust, with errors
//! worded the way Ajv 6 (which Newman 6.2.2's sandbox uses) words them, so failure
//! messages read alike (checked against Ajv 6.15 with `allErrors`).

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

/// Validates `data` against `schema` (both JSON texts). `Ok(vec![])` means valid; each
/// error reads like one item of Ajv 6's `errorsText()` ("data.id should be number").
/// `Err` means the schema itself (or a text) is unusable.
pub fn validate(schema_json: &str, data_json: &str) -> Result<Vec<String>, String> {
    let schema: Value = serde_json::from_str(schema_json).map_err(|e| format!("the schema is not JSON: {e}"))?;
    // `undefined` data (an empty body) has no JSON text; it never satisfies a schema with
    // constraints, and Ajv reports it as a type problem at the root.
    let data: Value = if data_json.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(data_json).map_err(|e| format!("the data is not JSON: {e}"))?
    };
    let validator = jsonschema::draft7::new(&schema).map_err(|e| format!("schema is invalid: {}", e.masked()))?;
    Ok(validator
        .iter_errors(&data)
        .map(|error| {
            let path = ajv_path(error.instance_path(), &data);
            format!("data{path} {}", ajv_message(error.kind(), &error.to_string()))
        })
        .collect())
}

fn type_name(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Single(t) => t.to_string(),
        TypeKind::Multiple(set) => set.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(","),
    }
}

/// An instance path as Ajv 6 writes it: `.id`, `[0]` for array items, `['a b']` for keys
/// that are not identifiers (the JSON pointer alone cannot tell an index from a key `"0"`,
/// so the data is walked alongside).
fn ajv_path(pointer: &jsonschema::paths::Location, data: &Value) -> String {
    let mut out = String::new();
    let mut at = Some(data);
    for segment in pointer.as_str().split('/').skip(1) {
        let key = segment.replace("~1", "/").replace("~0", "~");
        match at {
            Some(Value::Array(items)) => {
                out.push_str(&format!("[{key}]"));
                at = key.parse::<usize>().ok().and_then(|i| items.get(i));
            }
            other => {
                let identifier = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
                    && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
                if identifier {
                    out.push_str(&format!(".{key}"));
                } else {
                    out.push_str(&format!("['{}']", key.replace('\\', "\\\\").replace('\'', "\\'")));
                }
                at = other.and_then(|v| v.get(&key));
            }
        }
    }
    out
}

/// The message Ajv 6 (what Newman 6.2.2's sandbox validates with) gives for an error.
fn ajv_message(kind: &ValidationErrorKind, fallback: &str) -> String {
    use ValidationErrorKind as K;
    match kind {
        K::Type { kind } => format!("should be {}", type_name(kind)),
        K::Required { property } => match property {
            Value::String(name) => format!("should have required property '{name}'"),
            other => format!("should have required property '{other}'"),
        },
        K::AdditionalProperties { .. } => "should NOT have additional properties".into(),
        K::Enum { .. } => "should be equal to one of the allowed values".into(),
        K::Constant { .. } => "should be equal to constant".into(),
        K::Minimum { limit } => format!("should be >= {limit}"),
        K::Maximum { limit } => format!("should be <= {limit}"),
        K::ExclusiveMinimum { limit } => format!("should be > {limit}"),
        K::ExclusiveMaximum { limit } => format!("should be < {limit}"),
        K::MinLength { limit } => format!("should NOT be shorter than {limit} characters"),
        K::MaxLength { limit } => format!("should NOT be longer than {limit} characters"),
        K::MinItems { limit } => format!("should NOT have fewer than {limit} items"),
        K::MaxItems { limit } => format!("should NOT have more than {limit} items"),
        K::MinProperties { limit } => format!("should NOT have fewer than {limit} properties"),
        K::MaxProperties { limit } => format!("should NOT have more than {limit} properties"),
        K::Pattern { pattern } => format!("should match pattern \"{pattern}\""),
        K::Format { format } => format!("should match format \"{format}\""),
        K::UniqueItems => "should NOT have duplicate items".into(),
        K::AnyOf { .. } => "should match some schema in anyOf".into(),
        K::OneOfNotValid { .. } | K::OneOfMultipleValid { .. } => "should match exactly one schema in oneOf".into(),
        K::Not { .. } => "should NOT be valid".into(),
        K::FalseSchema => "boolean schema is false".into(),
        K::Contains => "should contain a valid item".into(),
        _ => fallback.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_like_ajv() {
        let schema = r#"{"type":"object","required":["id","name"],
            "properties":{"id":{"type":"number"},"tags":{"type":"array","maxItems":1},
            "name":{"type":"string","minLength":2}}}"#;
        let cases: [(&str, &[&str]); 4] = [
            (r#"{"id":1,"name":"ab"}"#, &[]),
            (r#"{"id":"x","name":"ab"}"#, &["data.id should be number"]),
            (r#"{"id":1}"#, &["data should have required property 'name'"]),
            (
                r#"{"id":1,"name":"a","tags":[1,2]}"#,
                &["data.name should NOT be shorter than 2 characters", "data.tags should NOT have more than 1 items"],
            ),
        ];
        for (data, want) in cases {
            let mut got = validate(schema, data).unwrap();
            got.sort();
            assert_eq!(got, want.to_vec(), "{data}");
        }
    }

    #[test]
    fn bad_inputs_are_errors_not_panics() {
        assert!(validate("{", "1").is_err());
        assert!(validate(r#"{"type":12}"#, "1").is_err());
        assert_eq!(validate(r#"{"type":"object"}"#, "").unwrap(), vec!["data should be object"]);
    }

    /// Paths as Ajv 6.15 printed them for the same schema and data.
    #[test]
    fn paths_read_like_ajv_6() {
        let schema = r#"{"properties":{"list":{"items":{"properties":{"x":{"type":"number"}}}},
            "a b":{"type":"number"},"0":{"type":"number"}}}"#;
        let mut got = validate(schema, r#"{"list":[{"x":"s"}],"a b":"s","0":"s"}"#).unwrap();
        got.sort();
        assert_eq!(
            got,
            vec!["data.list[0].x should be number", "data['0'] should be number", "data['a b'] should be number"]
        );
    }
}
