//! `pm.response.to.have.jsonSchema(schema)`: draft-07 validation in Rust, with errors
//! worded the way Ajv (which Postman uses) words them, so failure messages read alike.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

/// Validates `data` against `schema` (both JSON texts). `Ok(vec![])` means valid; each
/// error reads like one item of Ajv's `errorsText()` ("data/id must be number").
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
            let path = error.instance_path().to_string();
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

fn ajv_message(kind: &ValidationErrorKind, fallback: &str) -> String {
    use ValidationErrorKind as K;
    match kind {
        K::Type { kind } => format!("must be {}", type_name(kind)),
        K::Required { property } => match property {
            Value::String(name) => format!("must have required property '{name}'"),
            other => format!("must have required property '{other}'"),
        },
        K::AdditionalProperties { .. } => "must NOT have additional properties".into(),
        K::Enum { .. } => "must be equal to one of the allowed values".into(),
        K::Constant { .. } => "must be equal to constant".into(),
        K::Minimum { limit } => format!("must be >= {limit}"),
        K::Maximum { limit } => format!("must be <= {limit}"),
        K::ExclusiveMinimum { limit } => format!("must be > {limit}"),
        K::ExclusiveMaximum { limit } => format!("must be < {limit}"),
        K::MinLength { limit } => format!("must NOT have fewer than {limit} characters"),
        K::MaxLength { limit } => format!("must NOT have more than {limit} characters"),
        K::MinItems { limit } => format!("must NOT have fewer than {limit} items"),
        K::MaxItems { limit } => format!("must NOT have more than {limit} items"),
        K::MinProperties { limit } => format!("must NOT have fewer than {limit} properties"),
        K::MaxProperties { limit } => format!("must NOT have more than {limit} properties"),
        K::Pattern { pattern } => format!("must match pattern \"{pattern}\""),
        K::Format { format } => format!("must match format \"{format}\""),
        K::UniqueItems => "must NOT have duplicate items".into(),
        K::AnyOf { .. } => "must match a schema in anyOf".into(),
        K::OneOfNotValid { .. } | K::OneOfMultipleValid { .. } => "must match exactly one schema in oneOf".into(),
        K::Not { .. } => "must NOT be valid".into(),
        K::FalseSchema => "boolean schema is false".into(),
        K::Contains => "must contain at least 1 valid item(s)".into(),
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
            (r#"{"id":"x","name":"ab"}"#, &["data/id must be number"]),
            (r#"{"id":1}"#, &["data must have required property 'name'"]),
            (
                r#"{"id":1,"name":"a","tags":[1,2]}"#,
                &["data/name must NOT have fewer than 2 characters", "data/tags must NOT have more than 1 items"],
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
        assert_eq!(validate(r#"{"type":"object"}"#, "").unwrap(), vec!["data must be object"]);
    }
}
