//! Arbitrary input never panics: arbitrary bytes and JSON trees through the collection,
//! environment, data-file, config and expectations loaders, arbitrary strings through the
//! bypass matcher, URL parsing, the template resolver and `--env-var` parsing. Every error
//! carries a message. Bounded case counts, so `.ci/run` stays quick.

use std::path::Path;

use proptest::prelude::*;
use serde_json::{Map, Value};

/// 512 cases per property in `.ci/run`; `PROPTEST_CASES=100000` for a longer hunt.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// JSON trees that look a little like Postman files: their keys, nested a few levels.
fn json_tree() -> impl Strategy<Value = Value> {
    let key = prop::sample::select(vec![
        "info",
        "item",
        "request",
        "url",
        "raw",
        "host",
        "path",
        "query",
        "variable",
        "auth",
        "type",
        "basic",
        "key",
        "value",
        "event",
        "listen",
        "script",
        "exec",
        "body",
        "mode",
        "formdata",
        "header",
        "name",
        "values",
        "schema",
        "proxy",
        "match",
        "port",
        "disabled",
        "protocolProfileBehavior",
        "certificate",
        "src",
        "x",
    ])
    .prop_map(str::to_string);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        Just(Value::from("https://schema.getpostman.com/json/collection/v2.1.0/collection.json")),
        Just(Value::from("{{baseUrl}}/x/:id?a={{b}}")),
    ];
    leaf.prop_recursive(4, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::from),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn collections_from_any_text_or_json_tree(bytes in prop::collection::vec(any::<u8>(), 0..256), tree in json_tree()) {
        let file = Path::new("c.postman_collection.json");
        for text in [String::from_utf8_lossy(&bytes).into_owned(), tree.to_string()] {
            match postie::collection::parse_str(&text, file) {
                Ok(collection) => {
                    // A collection that loads also plans.
                    if let Err(e) = postie::plan::build(&collection, &[]) {
                        prop_assert!(!e.to_string().is_empty());
                    }
                }
                Err(e) => prop_assert!(e.to_string().contains("c.postman_collection.json"), "{e}"),
            }
        }
    }

    #[test]
    fn v3_request_files_from_any_text_or_tree(bytes in prop::collection::vec(any::<u8>(), 0..256), tree in json_tree()) {
        let file = Path::new("C/a.request.yaml");
        // JSON is YAML; a tree with `$kind` reaches the field mapping, not only the syntax check.
        let mut with_kind = tree.clone();
        if let Value::Object(map) = &mut with_kind {
            map.insert("$kind".into(), Value::String("http-request".into()));
        }
        let texts = [String::from_utf8_lossy(&bytes).into_owned(), tree.to_string(), with_kind.to_string()];
        for text in texts {
            for strict in [false, true] {
                match postie::collection::v3::load_request_text(&text, file, strict) {
                    Ok(collection) => {
                        if let Err(e) = postie::plan::build(&collection, &[]) {
                            prop_assert!(!e.to_string().is_empty());
                        }
                    }
                    Err(e) => prop_assert!(e.to_string().contains("a.request.yaml"), "{e}"),
                }
            }
        }
    }

    #[test]
    fn environments_and_data_files_from_any_input(bytes in prop::collection::vec(any::<u8>(), 0..200), tree in json_tree()) {
        let dir = tempfile::tempdir().unwrap();
        for (name, content) in [("e.json", bytes.clone()), ("t.json", tree.to_string().into_bytes()), ("d.csv", bytes.clone())] {
            let path = write(dir.path(), name, &content);
            if let Err(e) = postie::vars::load_scope_file(&path, "environment") {
                prop_assert!(!e.to_string().is_empty());
            }
            if let Err(e) = postie::vars::load_iteration_data(&path) {
                prop_assert!(e.to_string().contains(name), "{e}");
            }
        }
    }

    #[test]
    fn config_and_expectation_files_from_any_text(text in "(\\[proxy\\]\n|\\[\\[case\\]\\]\n|url = \"[a-z:/.]{0,12}\"\n|expect = \"[a-z:*0-9]{0,12}\"\n|bypass = \\[\"[a-z.*]{0,8}\"\\]\n|[a-z_]{1,8} = [0-9a-z\"]{0,6}\n|.{0,10}\n){0,8}") {
        if let Err(e) = postie::config::parse(&text, Path::new("postie.toml")) {
            prop_assert!(e.to_string().contains("postie.toml"), "{e}");
        }
        if let Err(e) = postie::routecheck::parse_str(&text, Path::new("routes.toml")) {
            prop_assert!(e.to_string().contains("routes.toml"), "{e}");
        }
    }

    #[test]
    fn bypass_lists_urls_templates_and_assignments_from_any_string(list in ".{0,40}", url in ".{0,40}", template in ".{0,40}") {
        let bypass = postie::proxy::BypassList::parse(&list);
        for w in bypass.warnings() {
            prop_assert!(!w.is_empty());
        }
        let custom = postie::proxy::ProxyEndpoint::parse("http://proxy:3128", "test").unwrap().0;
        let policy = postie::proxy::ProxyPolicy {
            custom: Some(postie::proxy::CustomProxy { endpoint: custom, schemes: postie::proxy::SchemeSelection::Both, bypass }),
            ..postie::proxy::ProxyPolicy::default()
        };
        for candidate in [url.clone(), format!("http://{url}"), format!("https://{list}/")] {
            match postie::http::parse_url(&candidate) {
                Ok(parsed) => {
                    let decision = policy.explain(&parsed, None);
                    prop_assert_eq!(policy.route(&parsed, None), decision.route);
                }
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
        let replaced = postie::vars::template::replace_tokens(&template, |name| Some(name.len().to_string()));
        prop_assert!(!replaced.contains("{{") || template.contains("{{"));
        if let Err(e) = postie::vars::parse_assignment("--env-var", &template) {
            prop_assert!(e.to_string().contains("--env-var"), "{e}");
        }
        if let Err(e) = postie::proxy::ProxyEndpoint::parse(&url, "--proxy") {
            prop_assert!(!e.to_string().is_empty());
        }
    }
}

/// Inputs the fuzz targets (`tests/fuzz`) once crashed or hung on, kept under
/// `fixtures/fuzz-regressions/<target>/`: each still loads or fails with a message.
#[test]
fn fuzz_regressions_stay_fixed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fuzz-regressions");
    let mut seen = 0;
    for target in std::fs::read_dir(&root).unwrap() {
        let target = target.unwrap().path();
        let name = target.file_name().unwrap().to_string_lossy().into_owned();
        for input in std::fs::read_dir(&target).unwrap() {
            let bytes = std::fs::read(input.unwrap().path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            seen += 1;
            match name.as_str() {
                "v3_request_yaml" => {
                    for strict in [false, true] {
                        if let Err(e) =
                            postie::collection::v3::load_request_text(&text, Path::new("C/a.request.yaml"), strict)
                        {
                            assert!(e.to_string().contains("a.request.yaml"), "{e}");
                        }
                    }
                }
                "collection_json" => {
                    if let Err(e) = postie::collection::parse_str(&text, Path::new("c.json")) {
                        assert!(e.to_string().contains("c.json"), "{e}");
                    }
                }
                other => panic!("no entry point for fuzz target {other}"),
            }
        }
    }
    assert!(seen > 0);
}
