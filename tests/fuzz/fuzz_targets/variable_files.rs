//! Any bytes as an environment/globals file (JSON and YAML) and as an iteration data file
//! (CSV and JSON): the loaders read files, so each input is written to a temp file first.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    for name in ["e.json", "e.environment.yaml", "d.csv", "d.json"] {
        let path = dir.path().join(name);
        let Ok(mut file) = std::fs::File::create(&path) else { return };
        if file.write_all(data).is_err() {
            return;
        }
        if name.starts_with('e') {
            let _ = postie::vars::load_scope_file(&path, "environment");
        } else {
            let _ = postie::vars::load_iteration_data(&path);
        }
    }
});
