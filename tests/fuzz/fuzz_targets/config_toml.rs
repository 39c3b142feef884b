//! Any text as the config file and as a `proxy check` expectations file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = postie::config::parse(&text, std::path::Path::new("postie.toml"));
    let _ = postie::routecheck::parse_str(&text, std::path::Path::new("routes.toml"));
});
