//! The `--ssl-client-cert-list` file: loading, its error messages, and `select`.

use url::Url;

use super::pki::Pki;
use crate::tls::{CertListEntry, load_cert_list, load_pem_identity, select};

/// A PKI with client files in `certs/` (relative to the test folder) and a second identity.
fn setup() -> Pki {
    let pki = Pki::new();
    std::fs::create_dir(pki.dir.path().join("certs")).expect("mkdir");
    pki.write("certs/a.pem", &pki.client.pem);
    pki.write("certs/a.key", pki.client.key_encrypted_pem("pw"));
    pki.write("certs/b.p12", pki.stranger.pkcs12(&[], "pw2"));
    pki.write("certs/b.pem", &pki.stranger.pem);
    pki.write("certs/b.key", pki.stranger.key_pem());
    pki
}

/// An entry's patterns as written in the file.
fn written(entry: &CertListEntry) -> Vec<&str> {
    entry.matches.iter().map(|p| p.as_str()).collect()
}

#[test]
fn loads_entries_with_relative_paths() {
    let pki = setup();
    let list = pki.write(
        "list.json",
        r#"[
          {"name": "api", "matches": ["https://api.example.com/*"],
           "cert": {"src": "certs/a.pem"}, "key": {"src": "certs/a.key"}, "passphrase": "pw"},
          {"name": "", "matches": "*://*.internal:*/*", "pfx": {"src": "certs/b.p12"},
           "passphrase": "pw2"},
          {"matches": ["<all_urls>"], "cert": "certs/b.pem", "key": "certs/b.key",
           "passphrase": null, "extra": true}
        ]"#,
    );
    let entries = load_cert_list(&list, pki.dir.path()).expect("list");
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0].name, "api");
    assert_eq!(entries[0].identity.label, "api");
    assert_eq!(written(&entries[0]), ["https://api.example.com/*"]);
    assert_eq!(entries[1].identity.label, "b.p12");
    assert_eq!(written(&entries[1]), ["*://*.internal:*/*"]);
    assert_eq!(entries[2].identity.label, "b.pem");
    assert_eq!(entries[1].identity, entries[2].identity);
    assert_ne!(entries[0].identity, entries[1].identity);
}

#[test]
fn select_table() {
    let pki = setup();
    let list = pki.write(
        "list.json",
        r#"[
          {"name": "api", "matches": ["https://api.example.com/*", "https://*.api.example.com/v2/*"],
           "cert": {"src": "certs/a.pem"}, "key": {"src": "certs/a.key"}, "passphrase": "pw"},
          {"name": "internal", "matches": ["*://*.internal:*/*"], "pfx": {"src": "certs/b.p12"},
           "passphrase": "pw2"},
          {"name": "api-again", "matches": ["https://api.example.com/*"],
           "pfx": {"src": "certs/b.p12"}, "passphrase": "pw2"}
        ]"#,
    );
    let entries = load_cert_list(&list, pki.dir.path()).expect("list");
    let fallback = load_pem_identity(
        &pki.write("fb.pem", &pki.server.pem),
        &pki.write("fb.key", pki.server.key_pem()),
        None,
        "--ssl-client-cert",
    )
    .expect("fallback");
    // (url, with fallback?, expected label)
    let rows: &[(&str, bool, Option<&str>)] = &[
        ("https://api.example.com/users", true, Some("api")),
        ("https://api.example.com/users", false, Some("api")),
        ("https://eu.api.example.com/v2/x", false, Some("api")),
        ("https://eu.api.example.com/v1/x", true, Some("fb.pem")),
        ("https://api.example.com:8443/users", true, Some("fb.pem")),
        ("http://api.example.com/users", false, None),
        ("http://db.internal:5984/", false, Some("internal")),
        ("https://x.y.internal/", false, Some("internal")),
        ("https://internal/", true, Some("internal")),
        ("https://notinternal/", true, Some("fb.pem")),
        ("https://elsewhere.test/", false, None),
    ];
    for (url, with_fallback, want) in rows {
        let url = Url::parse(url).expect("url");
        let got = select(&url, &entries, with_fallback.then_some(&fallback));
        assert_eq!(got.map(|i| i.label.as_str()), *want, "{url}");
    }
    assert_eq!(select(&Url::parse("https://a/").expect("url"), &[], None), None);
}

#[test]
fn cert_list_errors() {
    let pki = setup();
    let base = pki.dir.path();
    let p = |name: &str| base.join(name).display().to_string();
    let ok_pem = r#""cert": {"src": "certs/b.pem"}, "key": {"src": "certs/b.key"}"#;
    let rows: Vec<(&str, String, String)> = vec![
        (
            "syntax",
            "[\n  {\"name\": \"x\",\n   \"matches\": [\"a\" \"b\"]}\n]".to_string(),
            format!("--ssl-client-cert-list: {}:3:20: invalid JSON: expected `,` or `]`", p("syntax.json")),
        ),
        (
            "not array",
            r#"{"name": "x"}"#.to_string(),
            format!("--ssl-client-cert-list: {}: at the top level: expected an array of entries [{{\"name\", \"matches\", \"cert\", \"key\", \"passphrase\"}}] or with \"pfx\"", p("not array.json")),
        ),
        (
            "entry not object",
            r#"[42]"#.to_string(),
            format!("--ssl-client-cert-list: {}: at [0]: expected an object", p("entry not object.json")),
        ),
        (
            "missing matches",
            format!(r#"[{{"name": "x", {ok_pem}}}]"#),
            format!("--ssl-client-cert-list: {}: at [0].matches: missing; list the URL patterns this certificate is for, e.g. [\"https://api.example.com/*\"]", p("missing matches.json")),
        ),
        (
            "empty matches",
            format!(r#"[{{"matches": [], {ok_pem}}}]"#),
            format!("--ssl-client-cert-list: {}: at [0].matches: is empty, so the entry would never be used", p("empty matches.json")),
        ),
        (
            "match not string",
            format!(r#"[{{"matches": ["<all_urls>", 3], {ok_pem}}}]"#),
            format!("--ssl-client-cert-list: {}: at [0].matches[1]: expected a string", p("match not string.json")),
        ),
        (
            "bad pattern",
            format!(r#"[{{"matches": ["<all_urls>"], {ok_pem}}}, {{"matches": ["https://api.example.com"], {ok_pem}}}]"#),
            format!("--ssl-client-cert-list {}: at [1].matches[0]: invalid URL match pattern \"https://api.example.com\": no path; add one, e.g. \"https://api.example.com/*\"", p("bad pattern.json")),
        ),
        (
            "name not string",
            format!(r#"[{{"name": 1, "matches": ["<all_urls>"], {ok_pem}}}]"#),
            format!("--ssl-client-cert-list: {}: at [0].name: expected a string", p("name not string.json")),
        ),
        (
            "passphrase not string",
            format!(r#"[{{"passphrase": 1, "matches": ["<all_urls>"], {ok_pem}}}]"#),
            format!("--ssl-client-cert-list: {}: at [0].passphrase: expected a string", p("passphrase not string.json")),
        ),
        (
            "key missing",
            r#"[{"matches": ["<all_urls>"], "cert": {"src": "certs/b.pem"}}]"#.to_string(),
            format!("--ssl-client-cert-list: {}: at [0].key: missing; \"cert\" needs its \"key\"", p("key missing.json")),
        ),
        (
            "cert missing",
            r#"[{"matches": ["<all_urls>"], "key": {"src": "certs/b.key"}}]"#.to_string(),
            format!("--ssl-client-cert-list: {}: at [0].cert: missing; \"key\" needs its \"cert\"", p("cert missing.json")),
        ),
        (
            "src missing",
            r#"[{"matches": ["<all_urls>"], "cert": {"path": "x"}, "key": {"src": "certs/b.key"}}]"#.to_string(),
            format!("--ssl-client-cert-list: {}: at [0].cert.src: missing or not a string; expected a file path", p("src missing.json")),
        ),
        (
            "cert is a number",
            r#"[{"matches": ["<all_urls>"], "cert": 5, "key": {"src": "certs/b.key"}}]"#.to_string(),
            format!("--ssl-client-cert-list: {}: at [0].cert: expected {{\"src\": \"path\"}}", p("cert is a number.json")),
        ),
        (
            "no identity",
            r#"[{"matches": ["<all_urls>"]}]"#.to_string(),
            format!("--ssl-client-cert-list: {}: at [0]: has no identity; give \"cert\" and \"key\" ({{\"src\": path}}) or \"pfx\"", p("no identity.json")),
        ),
        (
            "both pfx and pem",
            format!(r#"[{{"matches": ["<all_urls>"], "pfx": "certs/b.p12", {ok_pem}}}]"#),
            format!("--ssl-client-cert-list: {}: at [0]: has both \"pfx\" and \"cert\"/\"key\"; keep one of them", p("both pfx and pem.json")),
        ),
        (
            "wrong passphrase names the entry",
            r#"[{"name": "api", "matches": ["<all_urls>"], "cert": "certs/a.pem", "key": "certs/a.key", "passphrase": "nope"}]"#.to_string(),
            format!("--ssl-client-cert-list entry [0] \"api\": wrong passphrase for {}", p("certs/a.key")),
        ),
        (
            "missing pfx file",
            r#"[{"matches": ["<all_urls>"], "pfx": {"src": "certs/none.p12"}}]"#.to_string(),
            format!("--ssl-client-cert-list entry [0]: cannot read PKCS#12 file {}: the file does not exist", p("certs/none.p12")),
        ),
    ];
    for (case, json, want) in rows {
        let file = pki.write(&format!("{case}.json"), json);
        let err = load_cert_list(&file, base).expect_err(case);
        assert_eq!(err.to_string(), want, "{case}");
        assert!(!format!("{err:?}").contains("nope"), "{case}");
    }
    let missing = base.join("none.json");
    assert_eq!(
        load_cert_list(&missing, base).expect_err("missing").to_string(),
        format!("--ssl-client-cert-list: cannot read cert list {}: the file does not exist", missing.display())
    );
}
