//! Environment/globals files, the Postman JSON shapes, exports and `--env-var` flags.

use std::path::Path;

use serde_json::{Value, json};

use super::write;
use crate::vars::{VariableScope, VarsError, load_scope_file, parse_assignment};

const ENV: &str = r#"{
  "id": "5f0c-env",
  "name": "Staging",
  "values": [
    {"key": "base_url", "value": "https://staging.example.com", "type": "default", "enabled": true},
    {"key": "token", "value": "s3cr3t", "type": "secret", "enabled": true},
    {"key": "retries", "value": 3, "enabled": true},
    {"key": "verbose", "value": true},
    {"key": "old", "value": "x", "type": "default", "enabled": false},
    {"key": "legacy_off", "value": "y", "disabled": true}
  ],
  "_postman_variable_scope": "environment",
  "_postman_exported_at": "2025-05-01T09:00:00.000Z",
  "_postman_exported_using": "Postman/11.0.0"
}"#;

fn rows(s: &VariableScope) -> Vec<(String, Value, Option<String>, bool)> {
    s.variables().iter().map(|v| (v.key.clone(), v.value.clone(), v.var_type.clone(), v.enabled)).collect()
}

#[test]
fn loads_environment_exports_and_wrappers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let inner: Value = serde_json::from_str(ENV).expect("fixture is JSON");
    let cases = [
        ("plain.json", ENV.to_string(), "environment"),
        ("bom.json", format!("\u{feff}{ENV}"), "environment"),
        ("api.json", json!({"environment": inner}).to_string(), "environment"),
        ("globals-api.json", json!({"globals": inner}).to_string(), "globals"),
    ];
    for (name, text, kind) in cases {
        let path = write(&dir, name, text.as_bytes());
        let s = load_scope_file(&path, kind).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(s.id.as_deref(), Some("5f0c-env"), "{name}");
        assert_eq!(s.name.as_deref(), Some("Staging"), "{name}");
        assert_eq!(s.variables().len(), 6, "{name}");
        assert_eq!(s.get("base_url"), Some(&json!("https://staging.example.com")));
        assert_eq!(s.get("retries"), Some(&json!(3)), "numbers stay numbers");
        assert_eq!(s.get("verbose"), Some(&json!(true)));
        assert_eq!(s.get("old"), None, "enabled:false is honoured");
        assert_eq!(s.get("legacy_off"), None, "disabled:true is honoured");
        assert_eq!(s.secret_values(), vec!["s3cr3t"]);
    }
}

#[test]
fn collection_variable_arrays() {
    let items = json!([
        {"key": "host", "value": "api.local", "type": "string"},
        {"id": "by_id", "value": 7},
        {"key": "off", "value": "x", "disabled": true},
        "not an object",
        {"value": "nameless"}
    ]);
    let items = items.as_array().expect("array");
    let s = VariableScope::from_collection_variables(items);
    assert_eq!(
        rows(&s),
        vec![
            ("host".into(), json!("api.local"), Some("string".into()), true),
            ("by_id".into(), json!(7), None, true),
            ("off".into(), json!("x"), None, false),
        ]
    );
    // The same array through the strict parser is accepted up to the bad entry.
    let err = VariableScope::from_postman_json(&Value::Array(items.clone()), Path::new("c.json"))
        .expect_err("a string entry is not a variable");
    assert!(err.to_string().contains("`[3]` is a string, not an object"), "{err}");
}

#[test]
fn bad_json_reports_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases: &[(&str, &str, usize, usize)] = &[
        ("trailing.json", "{\n  \"values\": [\n    {\"key\": \"a\", \"value\": 1},\n  ]\n}", 4, 3),
        ("empty.json", "", 1, 0),
        ("unclosed.json", "{\"values\": [", 1, 12),
    ];
    for (name, text, line, column) in cases {
        let path = write(&dir, name, text.as_bytes());
        let err = load_scope_file(&path, "environment").expect_err(name);
        match &err {
            VarsError::Json { line: l, column: c, .. } => {
                assert_eq!((*l, *c), (*line, *column), "{name}: {err}")
            }
            other => panic!("{name}: expected a JSON error, got {other}"),
        }
        let msg = err.to_string();
        assert!(msg.contains("environment file"), "{msg}");
        assert!(msg.contains(name), "{msg}");
        assert!(msg.contains(&format!("line {line}, column {column}")), "{msg}");
        let serde_position = format!("line {line} column {column}");
        assert!(!msg.contains(&serde_position), "position printed twice: {msg}");
    }
}

#[test]
fn wrong_shapes_name_the_json_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = [
        (json!([1]), "`[0]` is a number, not an object"),
        (json!("text"), "the top level is a string, not an object"),
        (json!({"name": "x"}), "the top level has no `values` array"),
        (json!({"values": {"a": 1}}), "`values` is an object, not an array"),
        (
            json!({"values": [{"key": "a"}, {"key": "b"}, {"key": "c"}, {"key": 5, "value": "s3cr3t"}]}),
            "`values[3].key` is a number, not a string",
        ),
        (json!({"values": [{"value": "v"}]}), "`values[0]` has no `key`"),
        (json!({"values": [{"key": "a", "enabled": "false"}]}), "`values[0].enabled` is a string, not true or false"),
        (json!({"values": [{"key": "a", "disabled": 1}]}), "`values[0].disabled` is a number, not true or false"),
        (json!({"values": [{"key": "a", "type": 3}]}), "`values[0].type` is a number, not a string"),
        (json!({"environment": {"values": [{"key": 1}]}}), "`environment.values[0].key` is a number"),
        (json!({"environment": "x"}), "`environment` is a string, not an object"),
        (json!({"environment": {"name": "n"}}), "`environment` has no `values` array"),
        (json!({"info": {}, "item": []}), "is a Postman collection"),
    ];
    for (i, (doc, want)) in cases.iter().enumerate() {
        let path = write(&dir, &format!("shape{i}.json"), doc.to_string().as_bytes());
        let err = load_scope_file(&path, "globals").expect_err(want);
        let msg = err.to_string();
        assert!(msg.contains(want), "case {i}: {msg}");
        assert!(msg.contains("globals file"), "{msg}");
        assert!(!msg.contains("s3cr3t") && !format!("{err:?}").contains("s3cr3t"), "{msg}");
    }
}

#[test]
fn missing_and_non_utf8_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("nope.json");
    let err = load_scope_file(&missing, "environment").expect_err("missing");
    assert!(matches!(err, VarsError::Read { .. }));
    assert!(err.to_string().contains("nope.json"), "{err}");

    let latin1 = write(&dir, "latin1.json", b"{\n\"values\": [{\"key\": \"caf\xe9\"}]}");
    let err = load_scope_file(&latin1, "environment").expect_err("not UTF-8");
    assert!(matches!(err, VarsError::Encoding { line: 2, .. }), "{err}");
}

#[test]
fn export_round_trip_keeps_type_and_enabled() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(&dir, "env.json", ENV.as_bytes());
    let mut original = load_scope_file(&path, "environment").expect("valid");
    original.set("added_by_script", json!("v"));

    let exported = original.to_postman_json("environment");
    assert_eq!(exported["_postman_variable_scope"], "environment");
    assert_eq!(exported["values"][1]["type"], "secret");
    assert_eq!(exported["values"][4]["enabled"], false);
    assert_eq!(exported["values"][6]["type"], "default", "untyped entries export as default");

    let again = write(&dir, "again.json", exported.to_string().as_bytes());
    let reloaded = load_scope_file(&again, "environment").expect("export reloads");
    let mut want = rows(&original);
    for row in &mut want {
        row.2.get_or_insert_with(|| "default".into());
    }
    assert_eq!(rows(&reloaded), want);
    assert_eq!((reloaded.id, reloaded.name), (original.id, original.name));
}

#[test]
fn parse_assignment_cases() {
    let ok = [
        ("base_url=https://x", ("base_url", "https://x")),
        ("k=a=b", ("k", "a=b")),
        ("k=", ("k", "")),
        (" k = v ", (" k ", " v ")),
    ];
    for (text, (k, v)) in ok {
        assert_eq!(parse_assignment("--env-var", text).expect(text), (k.to_string(), v.to_string()));
    }
    let bad = [("base_url", "has no '='"), ("=s3cr3t", "name before '=' is empty"), ("", "has no '='")];
    for (text, want) in bad {
        let err = parse_assignment("--global-var", text).expect_err(text);
        let msg = err.to_string();
        assert!(msg.contains(want), "{msg}");
        assert!(msg.contains("--global-var KEY=VALUE"), "{msg}");
        assert!(!msg.contains("s3cr3t") && !format!("{err:?}").contains("s3cr3t"));
    }
}
