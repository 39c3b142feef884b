//! Any text as a bypass list, a URL, a `{{template}}`, a `--env-var` and a proxy URL.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // One input feeds every string entry point; a NUL splits it into a list and a URL.
    let (list, url) = text.split_once('\0').unwrap_or((&text, &text));
    let bypass = postie::proxy::BypassList::parse(list);
    let Ok((custom, _)) = postie::proxy::ProxyEndpoint::parse("http://proxy:3128", "fuzz") else { return };
    let policy = postie::proxy::ProxyPolicy {
        custom: Some(postie::proxy::CustomProxy { endpoint: custom, schemes: postie::proxy::SchemeSelection::Both, bypass }),
        ..postie::proxy::ProxyPolicy::default()
    };
    for candidate in [url.to_string(), format!("http://{url}"), format!("https://{list}/")] {
        if let Ok(parsed) = postie::http::parse_url(&candidate) {
            // The decision and its explanation must agree.
            assert_eq!(policy.route(&parsed, None), policy.explain(&parsed, None).route);
        }
    }
    let _ = postie::vars::template::replace_tokens(&text, |name| Some(name.len().to_string()));
    let _ = postie::vars::parse_assignment("--env-var", &text);
    let _ = postie::proxy::ProxyEndpoint::parse(url, "--proxy");
});
