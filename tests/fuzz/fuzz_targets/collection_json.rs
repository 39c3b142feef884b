//! Any bytes as a v2.x collection: load, and plan what loads. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(collection) = postie::collection::parse_str(&text, std::path::Path::new("c.json")) {
        let _ = postie::plan::build(&collection, &[]);
        let _ = postie::collection::v3::render(&collection);
    }
});
