//! `Scopes::resolve` and `replace_in`: precedence, nesting, the pass cap, literal leftovers.

use serde_json::{Value, json};

use super::scope_of;
use crate::vars::Scopes;
use crate::vars::template::{self, MAX_GROWTH, MAX_PASSES};

const LAYERS: [&str; 5] = ["local", "data", "environment", "collection", "globals"];

/// Scopes where each named layer defines `x` as its own name.
fn layered(present: &[&str]) -> Scopes {
    let mut s = Scopes::default();
    for name in present {
        let layer = match *name {
            "local" => &mut s.local,
            "data" => &mut s.data,
            "environment" => &mut s.environment,
            "collection" => &mut s.collection,
            _ => &mut s.globals,
        };
        layer.set("x", json!(name));
    }
    s
}

#[test]
fn precedence_across_the_five_layers() {
    let cases: &[(&[&str], Option<&str>)] = &[
        (&LAYERS, Some("local")),
        (&["data", "environment", "collection", "globals"], Some("data")),
        (&["environment", "collection", "globals"], Some("environment")),
        (&["collection", "globals"], Some("collection")),
        (&["globals"], Some("globals")),
        (&["local", "globals"], Some("local")),
        (&["data", "globals"], Some("data")),
        (&["environment", "globals"], Some("environment")),
        (&[], None),
    ];
    for (present, want) in cases {
        let s = layered(present);
        assert_eq!(s.resolve("x").as_deref(), *want, "layers {present:?}");
        assert_eq!(
            s.replace_in("[{{x}}]"),
            format!("[{}]", want.map_or("{{x}}", |w| w)),
            "replace_in with {present:?}"
        );
    }
}

#[test]
fn dynamic_variables_come_last() {
    let mut s = Scopes::default();
    let generated = s.resolve("$guid").expect("$guid is dynamic");
    assert!(uuid::Uuid::parse_str(&generated).is_ok(), "{generated}");
    // A user variable of the same name wins, from any layer.
    s.globals.set("$guid", json!("mine"));
    assert_eq!(s.resolve("$guid").as_deref(), Some("mine"));
    assert_eq!(s.resolve("$notDynamic"), None);
}

#[test]
fn disabled_null_and_object_values() {
    let mut s = Scopes::default();
    s.globals.set("g", json!("from-globals"));
    s.environment = scope_of(&[("g", json!("disabled-env"), false)]);
    s.local = scope_of(&[
        ("u", json!(crate::vars::LOCAL_UNDEFINED), true),
        ("z", Value::Null, true),
        ("o", json!({"a": 1}), true),
    ]);
    s.environment.set("n", Value::Null);
    s.collection = scope_of(&[("n", json!("from-collection"), true), ("o", json!("c"), true), ("u", json!("c"), true)]);
    let cases = [
        // Newman lets a disabled env var shadow globals (#2986); postie skips it.
        ("g", Some("from-globals")),
        // Null is a value: it shadows and reads "null" (Newman 6.2.2: a script's
        // `pm.environment.set(k, undefined)` or a file's `"value": null` sends `null` in the
        // next URL) ...
        ("n", Some("null")),
        // ... but a local (`pm.variables.set(k, undefined)`) reads as nothing, and a local
        // set to null "null" (Newman 6.2.2, both).
        ("u", Some("")),
        ("z", Some("null")),
        // An object shadows lower layers but does not substitute.
        ("o", None),
    ];
    for (name, want) in cases {
        assert_eq!(s.resolve(name).as_deref(), want, "{name}");
    }
    assert_eq!(s.replace_in("{{o}}"), "{{o}}");
}

fn fixture() -> Scopes {
    let environment = scope_of(&[
        ("a", json!("A"), true),
        ("b", json!("B"), true),
        (" a ", json!("spaced"), true),
        ("env", json!("dev"), true),
        ("url_dev", json!("http://dev.local"), true),
        ("nested", json!("x{{a}}y"), true),
        ("deep", json!("{{nested}}-{{b}}"), true),
        ("self", json!("{{self}}"), true),
        ("int", json!(42), true),
        ("float", json!(1.5), true),
        ("whole_float", json!(2.0), true),
        ("yes", json!(true), true),
        ("obj", json!({"k": "v"}), true),
        ("arr", json!([1, 2]), true),
        ("ünï", json!("cödé"), true),
        ("dup", json!("1"), true),
        ("dup", json!("2"), true),
        ("dup", json!("3"), false),
    ]);
    Scopes { environment, ..Scopes::default() }
}

#[test]
fn replace_in_follows_postman_semantics() {
    let s = fixture();
    let cases = [
        ("plain text", "plain text"),
        ("{{a}}", "A"),
        ("{{a}}{{b}}", "AB"),
        ("pre {{a}} post", "pre A post"),
        ("{{ a }}", "spaced"), // whitespace is part of the name
        ("{{a }}", "{{a }}"),  // ... so this is another, unknown name
        ("{{missing}}", "{{missing}}"),
        ("{{missing}}{{a}}", "{{missing}}A"),
        ("{{url_{{env}}}}/x", "http://dev.local/x"),
        ("{{nested}}", "xAy"),
        ("{{deep}}", "xAy-B"),
        ("{{{a}}}", "{A}"),
        ("{{a}", "{{a}"),
        ("{a}}", "{a}}"),
        ("{{}}", "{{}}"),
        ("{{int}}/{{float}}/{{whole_float}}/{{yes}}", "42/1.5/2/true"),
        ("{{obj}} {{arr}}", "{{obj}} {{arr}}"),
        ("{{dup}}", "2"),
        ("{{self}}", "{{self}}"),
        ("é{{ünï}}ü", "écödéü"),
    ];
    for (input, want) in cases {
        assert_eq!(s.replace_in(input), want, "replace_in({input:?})");
    }
}

#[test]
fn nesting_stops_after_nineteen_passes() {
    // v1 -> {{v2}} -> ... ; each pass resolves one level.
    let chain = |levels: usize| {
        let mut s = Scopes::default();
        for i in 1..levels {
            s.environment.set(&format!("v{i}"), json!(format!("{{{{v{}}}}}", i + 1)));
        }
        s.environment.set(&format!("v{levels}"), json!("end"));
        s
    };
    assert_eq!(MAX_PASSES, 19);
    assert_eq!(chain(MAX_PASSES).replace_in("{{v1}}"), "end");
    assert_eq!(chain(MAX_PASSES + 1).replace_in("{{v1}}"), "{{v20}}");
}

#[test]
fn self_multiplying_variable_is_bounded() {
    let mut s = Scopes::default();
    s.local.set("bomb", json!("{{bomb}}{{bomb}}{{bomb}}{{bomb}}"));
    let out = s.replace_in("{{bomb}}");
    assert!(out.len() <= "{{bomb}}".len() + MAX_GROWTH, "{}", out.len());
    assert!(out.contains("{{bomb}}"));
}

#[test]
fn dynamic_values_are_fresh_per_occurrence() {
    let s = Scopes::default();
    let out = s.replace_in("{{$guid}} {{$guid}} {{$randomInt}}");
    let parts: Vec<&str> = out.split(' ').collect();
    assert_eq!(parts.len(), 3, "{out}");
    assert!(uuid::Uuid::parse_str(parts[0]).is_ok());
    assert_ne!(parts[0], parts[1]);
    assert!(parts[2].parse::<u32>().is_ok_and(|n| n <= 1000));
}

#[test]
fn token_names_lists_innermost_tokens() {
    let cases: &[(&str, &[&str])] = &[
        ("{{a}} and {{ b }}", &["a", " b "]),
        ("{{url_{{env}}}}", &["env"]),
        ("{{{x}}}", &["x"]),
        ("none {here}", &[]),
    ];
    for (input, want) in cases {
        assert_eq!(template::token_names(input), *want, "{input}");
    }
}

#[test]
fn secret_values_across_layers() {
    let mut s = Scopes::default();
    s.environment.set_typed("token", json!("env-secret"), Some("secret".into()));
    s.globals.set_typed("token", json!("env-secret"), Some("secret".into()));
    s.collection.set_typed("key", json!("coll-secret"), Some("secret".into()));
    s.local.set("plain", json!("not secret"));
    assert_eq!(s.secret_values(), vec!["env-secret", "coll-secret"]);
}
