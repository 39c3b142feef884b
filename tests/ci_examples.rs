//! The CI pipelines in `examples/ci` are valid YAML, and every postie command line in them
//! is accepted by postie's own argument parser (a dry parse: nothing runs).

use clap::Parser;
use postie::cli::Cli;

/// Every string in a YAML tree.
fn strings(value: &serde_yaml_ng::Value, out: &mut Vec<String>) {
    match value {
        serde_yaml_ng::Value::String(s) => out.push(s.clone()),
        serde_yaml_ng::Value::Sequence(items) => items.iter().for_each(|v| strings(v, out)),
        serde_yaml_ng::Value::Mapping(map) => map.values().for_each(|v| strings(v, out)),
        serde_yaml_ng::Value::Tagged(tagged) => strings(&tagged.value, out),
        _ => {}
    }
}

#[test]
fn ci_examples_parse_and_their_postie_commands_are_valid() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci");
    let mut checked = 0;
    for name in ["github-actions.yml", "gitlab-ci.yml"] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut all = Vec::new();
        strings(&yaml, &mut all);
        for command in all.iter().filter(|s| s.trim_start().starts_with("postie ")) {
            let line = command.replace("${{ matrix.shard }}", "1").replace("$CI_NODE_INDEX", "1");
            let words: Vec<&str> = line.split_whitespace().collect();
            if let Err(e) = Cli::try_parse_from(&words) {
                panic!("{name}: `{line}` is not a valid postie command line: {e}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 4, "the run and merge commands of both pipelines");
}
