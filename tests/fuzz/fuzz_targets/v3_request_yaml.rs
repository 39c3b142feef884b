//! Any bytes as a v3 request file: YAML parsing, field mapping, model building, planning.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = std::path::Path::new("C/a.request.yaml");
    for strict in [false, true] {
        if let Ok(collection) = postie::collection::v3::load_request_text(&text, file, strict) {
            let _ = postie::plan::build(&collection, &[]);
        }
    }
});
