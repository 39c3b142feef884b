//! `VariableScope`: lookups, writes, syncing back from scripts, secrets.

use serde_json::{Map, Value, json};

use super::scope_of;
use crate::vars::{Variable, VariableScope};

#[test]
fn get_and_has_follow_postman_rules() {
    let s = scope_of(&[
        ("a", json!("first"), true),
        ("a", json!("second"), true),
        ("a", json!("disabled-last"), false),
        ("off", json!("x"), false),
        ("n", json!(5), true),
        ("nul", Value::Null, true),
    ]);
    let cases: &[(&str, Option<Value>, bool)] = &[
        ("a", Some(json!("second")), true), // last enabled duplicate wins
        ("off", None, false),               // disabled is invisible
        ("n", Some(json!(5)), true),
        ("nul", Some(Value::Null), true),
        ("missing", None, false),
        ("A", None, false), // keys are case-sensitive
    ];
    for (key, want, has) in cases {
        assert_eq!(s.get(key), want.as_ref(), "get({key})");
        assert_eq!(s.has(key), *has, "has({key})");
    }
}

#[test]
fn set_keeps_type_position_and_enables() {
    let mut s = VariableScope::from_variables(vec![
        Variable { key: "token".into(), value: json!("old"), var_type: Some("secret".into()), enabled: true },
        Variable { key: "off".into(), value: json!("x"), var_type: Some("default".into()), enabled: false },
    ]);
    s.set("token", json!("new"));
    s.set("off", json!("on now"));
    s.set("fresh", json!(1));
    s.set_typed("typed", json!("t"), Some("text".into()));
    s.set_typed("token", json!("newer"), None);

    let rows: Vec<(&str, Value, Option<&str>, bool)> =
        s.variables().iter().map(|v| (v.key.as_str(), v.value.clone(), v.var_type.as_deref(), v.enabled)).collect();
    assert_eq!(
        rows,
        vec![
            ("token", json!("newer"), Some("secret"), true),
            ("off", json!("on now"), Some("default"), true),
            ("fresh", json!(1), None, true),
            ("typed", json!("t"), Some("text"), true),
        ]
    );
}

#[test]
fn unset_clear_and_to_object() {
    let mut s =
        scope_of(&[("a", json!(1), true), ("b", json!(2), false), ("a", json!(3), true), ("c", json!("x"), true)]);
    let obj = s.to_object();
    assert_eq!(Value::Object(obj), json!({"a": 3, "c": "x"}));
    assert_eq!(s.to_object().keys().collect::<Vec<_>>(), vec!["a", "c"], "first-seen order");
    s.unset("a");
    assert!(!s.has("a"));
    assert_eq!(s.variables().len(), 2);
    s.clear();
    assert!(s.is_empty());
}

#[test]
fn replace_all_from_object_syncs_script_changes() {
    let mut s = VariableScope::from_variables(vec![
        Variable { key: "keep".into(), value: json!("k"), var_type: Some("secret".into()), enabled: true },
        Variable::new("change", json!("before")),
        Variable::new("drop", json!("gone")),
        Variable { key: "hidden".into(), value: json!("h"), var_type: None, enabled: false },
    ]);
    let mut m = Map::new();
    m.insert("new1".into(), json!("n1"));
    m.insert("keep".into(), json!("k"));
    m.insert("change".into(), json!("after"));
    m.insert("new2".into(), json!(2));
    s.replace_all_from_object(&m);

    let rows: Vec<(&str, Value, Option<&str>, bool)> =
        s.variables().iter().map(|v| (v.key.as_str(), v.value.clone(), v.var_type.as_deref(), v.enabled)).collect();
    assert_eq!(
        rows,
        vec![
            ("keep", json!("k"), Some("secret"), true),
            ("change", json!("after"), None, true),
            ("hidden", json!("h"), None, false),
            ("new1", json!("n1"), None, true),
            ("new2", json!(2), None, true),
        ]
    );
    assert_eq!(s.to_object(), m.clone().into_iter().collect::<Map<_, _>>());
}

#[test]
fn secret_values_and_debug_masking() {
    let secret = |k: &str, v: Value, enabled: bool| Variable {
        key: k.into(),
        value: v,
        var_type: Some("secret".into()),
        enabled,
    };
    let s = VariableScope::from_variables(vec![
        secret("token", json!("s3cr3t-token"), true),
        secret("pin", json!(4321), true),
        secret("old", json!("disabled-secret"), false),
        secret("empty", json!(""), true),
        secret("dup", json!("s3cr3t-token"), true),
        Variable::new("plain", json!("visible")),
    ]);
    assert_eq!(s.secret_values(), vec!["s3cr3t-token", "4321", "disabled-secret"]);
    let debug = format!("{s:?}");
    for hidden in ["s3cr3t-token", "4321", "disabled-secret"] {
        assert!(!debug.contains(hidden), "{hidden} leaked in {debug}");
    }
    assert!(debug.contains("visible"));
    assert!(debug.contains("***"));
}
