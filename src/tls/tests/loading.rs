//! Loading identities from files: every `TlsError` case, its exact message, and that no
//! message or `Debug` output carries a passphrase or key material.

use std::path::Path;

use super::pki::{Pki, openssl};
use crate::tls::{TlsError, load_pem_identity, load_pkcs12_identity};

const ORIGIN: &str = "--ssl-client-cert";
const PASS: &str = "pa55-Phrase!";

fn pem_err(cert: &Path, key: &Path, pass: Option<&str>) -> TlsError {
    load_pem_identity(cert, key, pass, ORIGIN).expect_err("should fail")
}

#[test]
fn pem_identity_errors() {
    let pki = Pki::new();
    let d = pki.dir.path();
    let cert = pki.write("client.pem", &pki.client.pem);
    let key = pki.write("client.key", pki.client.key_pem());
    let enc = pki.write("enc.key", pki.client.key_encrypted_pem(PASS));
    let other_key = pki.write("other.key", pki.stranger.key_pem());
    let garbage = pki.write("garbage.txt", "hello, I am not PEM\n");
    let empty = pki.write("empty.pem", "");
    let binary = pki.write("binary.bin", [0u8, 1, 2, 3, 0xff]);
    let broken = pki.write("broken.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n");
    let bad_b64 = pki.write("bad64.pem", "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
    let not_x509 = pki.write("notx509.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    let legacy = pki.write(
        "legacy.key",
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n",
    );
    let dsa = pki.write("dsa.key", "-----BEGIN DSA PRIVATE KEY-----\nAAAA\n-----END DSA PRIVATE KEY-----\n");
    let junk_key = pki.write("junk.key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    let missing = d.join("missing.pem");
    let p = |p: &Path| p.display().to_string();

    let rows: Vec<(&str, TlsError, String)> = vec![
        (
            "missing cert",
            pem_err(&missing, &key, None),
            format!("--ssl-client-cert: cannot read certificate file {}: the file does not exist", p(&missing)),
        ),
        (
            "missing key",
            pem_err(&cert, &missing, None),
            format!("--ssl-client-cert: cannot read key file {}: the file does not exist", p(&missing)),
        ),
        (
            "directory",
            pem_err(d, &key, None),
            format!("--ssl-client-cert: cannot read certificate file {}: it is a directory, not a file", p(d)),
        ),
        (
            "garbage cert",
            pem_err(&garbage, &key, None),
            format!(
                "--ssl-client-cert: {} holds no certificate: no PEM block found; expected PEM text with -----BEGIN CERTIFICATE----- blocks",
                p(&garbage)
            ),
        ),
        (
            "empty cert",
            pem_err(&empty, &key, None),
            format!(
                "--ssl-client-cert: {} holds no certificate: the file is empty; expected PEM text with -----BEGIN CERTIFICATE----- blocks",
                p(&empty)
            ),
        ),
        (
            "binary cert",
            pem_err(&binary, &key, None),
            format!(
                "--ssl-client-cert: {} holds no certificate: the file is binary and not a DER certificate (a PKCS#12 bundle goes in a cert-list entry's \"pfx\"); expected PEM text with -----BEGIN CERTIFICATE----- blocks",
                p(&binary)
            ),
        ),
        (
            "swapped",
            pem_err(&key, &cert, None),
            format!(
                "--ssl-client-cert: {} holds no certificate: it holds a private key but no certificate (are the certificate and key files swapped?); expected PEM text with -----BEGIN CERTIFICATE----- blocks",
                p(&key)
            ),
        ),
        (
            "unterminated block",
            pem_err(&broken, &key, None),
            format!(
                "--ssl-client-cert: {} holds no certificate: malformed PEM: the CERTIFICATE block has no END line; expected PEM text with -----BEGIN CERTIFICATE----- blocks",
                p(&broken)
            ),
        ),
        (
            "bad base64",
            pem_err(&bad_b64, &key, None),
            format!(
                "--ssl-client-cert: {} holds no certificate: PEM block 1 is not valid base64; expected PEM text with -----BEGIN CERTIFICATE----- blocks",
                p(&bad_b64)
            ),
        ),
        (
            "not X.509",
            pem_err(&not_x509, &key, None),
            format!(
                "--ssl-client-cert: {} holds no certificate: PEM block 1 is not a valid X.509 certificate; expected PEM text with -----BEGIN CERTIFICATE----- blocks",
                p(&not_x509)
            ),
        ),
        (
            "garbage key",
            pem_err(&cert, &garbage, None),
            format!(
                "--ssl-client-cert: {} holds no usable private key: no PEM block found; expected a PEM key (PRIVATE KEY, ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)",
                p(&garbage)
            ),
        ),
        (
            "cert as key",
            pem_err(&cert, &cert, None),
            format!(
                "--ssl-client-cert: {} holds no usable private key: it holds a certificate but no private key (are the certificate and key files swapped?); expected a PEM key (PRIVATE KEY, ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)",
                p(&cert)
            ),
        ),
        (
            "binary key",
            pem_err(&cert, &binary, None),
            format!(
                "--ssl-client-cert: {} holds no usable private key: the file is binary, not PEM (convert a DER key with `openssl pkey -inform DER`); expected a PEM key (PRIVATE KEY, ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)",
                p(&binary)
            ),
        ),
        (
            "junk PKCS#8",
            pem_err(&cert, &junk_key, None),
            format!(
                "--ssl-client-cert: {}: the key cannot be used (supported: RSA of 2048 bits or more, ECDSA P-256 or P-384, Ed25519), or the file is damaged",
                p(&junk_key)
            ),
        ),
        (
            "DSA",
            pem_err(&cert, &dsa, None),
            format!(
                "--ssl-client-cert: {}: DSA PRIVATE KEY keys are not supported (use an RSA, ECDSA or Ed25519 key)",
                p(&dsa)
            ),
        ),
        (
            "legacy encryption",
            pem_err(&cert, &legacy, Some(PASS)),
            format!(
                "--ssl-client-cert: {}: the key uses legacy OpenSSL PEM encryption (Proc-Type: 4,ENCRYPTED), which is not supported; convert it to encrypted PKCS#8 with `openssl pkcs8 -topk8 -v2 aes-256-cbc -in OLD -out NEW`",
                p(&legacy)
            ),
        ),
        (
            "mismatched key",
            pem_err(&cert, &other_key, None),
            format!(
                "--ssl-client-cert: the key in {} does not belong to the certificate in {} (their public keys differ); pass the key that was issued with this certificate",
                p(&other_key),
                p(&cert)
            ),
        ),
        (
            "passphrase missing",
            pem_err(&cert, &enc, None),
            format!(
                "--ssl-client-cert: {} is encrypted; give its passphrase (--ssl-client-passphrase, or \"passphrase\" in the --ssl-client-cert-list entry)",
                p(&enc)
            ),
        ),
        (
            "wrong passphrase",
            pem_err(&cert, &enc, Some("not-the-passphrase")),
            format!("--ssl-client-cert: wrong passphrase for {}", p(&enc)),
        ),
    ];
    for (case, err, want) in rows {
        assert_eq!(err.to_string(), want, "{case}");
        let debug = format!("{err:?}");
        assert!(!debug.contains(PASS) && !err.to_string().contains(PASS), "{case}");
    }
}

#[test]
fn pem_identity_successes() {
    let pki = Pki::new();
    let cert = pki.write("client.pem", &pki.client.pem);
    let chain = pki.write("chain.pem", format!("{}{}", pki.client.pem, pki.client_ca.pem));
    let combined = pki.write("combined.pem", format!("{}\n{}", pki.client.key_pem(), pki.client.pem));
    let key = pki.write("client.key", pki.client.key_pem());
    let enc = pki.write("enc.key", pki.client.key_encrypted_pem(PASS));
    let sec1 = pki.write("client-ec.key", pki.client.key_sec1_pem());
    let der = pki.write("client.der", &pki.client.der);
    let reference = load_pem_identity(&cert, &key, None, ORIGIN).expect("plain");
    assert_eq!(reference.label, "client.pem");
    assert_eq!(reference.fingerprint().len(), 64);
    assert!(reference.fingerprint().chars().all(|c| c.is_ascii_hexdigit()));
    let debug = format!("{reference:?}");
    assert!(debug.starts_with("ClientIdentity { label: \"client.pem\", fingerprint: \""), "{debug}");
    assert!(!debug.contains("PRIVATE"), "{debug}");
    let summary = reference.summary().expect("summary");
    assert_eq!(summary.subject, "CN=postie client, O=postie tests");

    for (case, c, k, pass) in [
        ("chain file", &chain, &key, None),
        ("combined cert+key file", &combined, &combined, None),
        ("encrypted PKCS#8", &cert, &enc, Some(PASS)),
        ("SEC1", &cert, &sec1, None),
        ("DER certificate", &der, &key, None),
        ("passphrase given for a plain key", &cert, &key, Some(PASS)),
    ] {
        let id = load_pem_identity(c, k, pass, ORIGIN).unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(id, reference, "{case}");
        let _ = id.to_reqwest();
    }
    let other = load_pem_identity(
        &pki.write("stranger.pem", &pki.stranger.pem),
        &pki.write("stranger.key", pki.stranger.key_pem()),
        None,
        ORIGIN,
    )
    .expect("stranger");
    assert_ne!(other, reference);
    assert_ne!(other.fingerprint(), reference.fingerprint());
}

#[test]
fn pkcs1_rsa_identity_from_openssl() {
    let pki = Pki::new();
    let d = pki.dir.path();
    let made = openssl(d, &["genrsa", "-traditional", "-out", "rsa.key", "2048"]).and_then(|()| {
        openssl(
            d,
            &["req", "-new", "-x509", "-key", "rsa.key", "-subj", "/CN=rsa client", "-days", "30", "-out", "rsa.pem"],
        )
    });
    if made.is_none() {
        return;
    }
    let text = std::fs::read_to_string(d.join("rsa.key")).expect("key");
    assert!(text.starts_with("-----BEGIN RSA PRIVATE KEY-----"), "PKCS#1 expected");
    let id = load_pem_identity(&d.join("rsa.pem"), &d.join("rsa.key"), None, ORIGIN).expect("PKCS#1 RSA identity");
    assert_eq!(id.summary().expect("summary").subject, "CN=rsa client");
    // The fingerprint is the SHA-256 that `openssl x509 -fingerprint -sha256` prints.
    let out = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in", "rsa.pem"])
        .current_dir(d)
        .output()
        .expect("openssl x509");
    let text = String::from_utf8_lossy(&out.stdout);
    let hex: String = text.split('=').nth(1).expect("fingerprint line").trim().replace(':', "").to_lowercase();
    assert_eq!(id.fingerprint(), hex);
}

#[test]
fn pkcs12_errors_and_success() {
    let pki = Pki::new();
    let pfx = pki.write("client.p12", pki.client.pkcs12(&[&pki.client_ca.der], PASS));
    let garbage = pki.write("garbage.p12", "not pkcs12 at all");
    let cert_only = pki.write("client.pem", &pki.client.pem);
    let missing = pki.dir.path().join("missing.p12");
    let p = |p: &Path| p.display().to_string();
    let origin = "--ssl-client-cert-list entry [0] \"api\"";

    let id = load_pkcs12_identity(&pfx, Some(PASS), origin).expect("pkcs12");
    assert_eq!(id.label, "client.p12");
    let pem = load_pem_identity(&cert_only, &pki.write("client.key", pki.client.key_pem()), None, ORIGIN).expect("pem");
    assert_eq!(id.fingerprint(), pem.fingerprint());

    let rows: Vec<(&str, TlsError, String)> = vec![
        (
            "wrong passphrase",
            load_pkcs12_identity(&pfx, Some("nope"), origin).expect_err("wrong"),
            format!("{origin}: wrong passphrase for {}", p(&pfx)),
        ),
        (
            "no passphrase",
            load_pkcs12_identity(&pfx, None, origin).expect_err("none"),
            format!(
                "{origin}: {} is encrypted; give its passphrase (--ssl-client-passphrase, or \"passphrase\" in the --ssl-client-cert-list entry)",
                p(&pfx)
            ),
        ),
        (
            "garbage",
            load_pkcs12_identity(&garbage, Some(PASS), origin).expect_err("garbage"),
            format!("{origin}: {} is not a usable PKCS#12 (.pfx/.p12) file: the file is not PKCS#12 data", p(&garbage)),
        ),
        (
            "PEM instead of PKCS#12",
            load_pkcs12_identity(&cert_only, Some(PASS), origin).expect_err("pem"),
            format!(
                "{origin}: {} is not a usable PKCS#12 (.pfx/.p12) file: the file is not PKCS#12 data",
                p(&cert_only)
            ),
        ),
        (
            "missing",
            load_pkcs12_identity(&missing, Some(PASS), origin).expect_err("missing"),
            format!("{origin}: cannot read PKCS#12 file {}: the file does not exist", p(&missing)),
        ),
    ];
    for (case, err, want) in rows {
        assert_eq!(err.to_string(), want, "{case}");
        assert!(!format!("{err:?}").contains(PASS), "{case}");
    }
}

#[test]
fn pkcs12_without_key_or_password() {
    use p12_keystore::{Certificate, KeyStore, KeyStoreEntry};
    let pki = Pki::new();
    let mut store = KeyStore::new();
    store.add_entry("ca", KeyStoreEntry::Certificate(Certificate::from_der(&pki.client_ca.der).expect("ca")));
    let certs_only = pki.write("certs-only.p12", store.writer(PASS).write().expect("write"));
    let err = load_pkcs12_identity(&certs_only, Some(PASS), "o").expect_err("no key");
    assert_eq!(
        err.to_string(),
        format!("o: {} is not a usable PKCS#12 (.pfx/.p12) file: it holds no private key", certs_only.display())
    );
    let open = pki.write("open.p12", pki.client.pkcs12(&[], ""));
    let id = load_pkcs12_identity(&open, None, "o").expect("empty passphrase");
    assert_eq!(id.label, "open.p12");
}
