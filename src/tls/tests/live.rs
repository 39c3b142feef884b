//! Real handshakes against local rustls servers: each failure's error chain must turn into the
//! right explanation, and every kind of client identity must be accepted by a server that
//! requires one.

use rustls::version::{TLS12, TLS13};

use super::pki::{Pki, openssl};
use super::server::{client, get, install_provider, serve_plain, serve_tls, server_config};
use crate::tls::{ClientIdentity, explain_tls_error, load_pem_identity, load_pkcs12_identity, summarize};

const BOTH: &[&rustls::SupportedProtocolVersion] = &[&TLS13, &TLS12];

#[tokio::test]
async fn server_certificate_failures_are_explained() {
    install_provider();
    let pki = Pki::new();
    let ca = pki.server_ca.der.as_slice();
    // (case, leaf, trust the CA?, expected explanation)
    let rows = [
        ("good", &pki.server, true, None),
        (
            "unknown issuer",
            &pki.server,
            false,
            Some(
                "the certificate of localhost is signed by an unknown certificate authority; \
                 add its CA with --ssl-extra-ca-certs (or -k to skip verification)",
            ),
        ),
        (
            "expired",
            &pki.expired,
            true,
            Some(
                "the certificate of localhost expired on 2021-01-01T00:00:00Z \
                 (or -k to skip verification)",
            ),
        ),
        (
            "not yet valid",
            &pki.future,
            true,
            Some(
                "the certificate of localhost is not valid before 2090-01-01T00:00:00Z; check \
                 the clocks of this machine and the server (or -k to skip verification)",
            ),
        ),
        (
            "wrong name",
            &pki.wrong_name,
            true,
            Some(
                "the certificate of localhost is not valid for localhost; it is valid for \
                 wrong.example, other.example, 10.9.8.7; use one of these names in the URL \
                 (or -k to skip verification)",
            ),
        ),
    ];
    for (case, leaf, trust, want) in rows {
        let addr = serve_tls(server_config(leaf, None, BOTH)).await;
        // Both verifiers reqwest may use: the platform verifier with extra roots, and plain
        // webpki with only the given roots.
        for only in [false, true] {
            let c = client(addr, trust.then_some(ca), only, None, false);
            let got = get(&c, addr).await;
            eprintln!("[{case}, only={only}] {got:?}");
            match (want, got) {
                (None, Ok(body)) => assert_eq!(body, "ok", "{case}"),
                (None, Err(chain)) => panic!("{case}: unexpected failure: {chain}"),
                (Some(_), Ok(_)) => panic!("{case}: expected a failure"),
                (Some(want), Err(chain)) => {
                    assert_eq!(explain_tls_error(&chain, "localhost").as_deref(), Some(want), "{case}: {chain}");
                }
            }
        }
    }
}

#[tokio::test]
async fn client_certificate_server() {
    install_provider();
    let pki = Pki::new();
    let ca = pki.server_ca.der.as_slice();
    let client_ca = Some(pki.client_ca.der.as_slice());
    let good_pem = load_pem_identity(
        &pki.write("client.pem", &pki.client.pem),
        &pki.write("client.key", pki.client.key_pem()),
        None,
        "--ssl-client-cert",
    )
    .expect("PEM identity");
    let sec1 = load_pem_identity(
        &pki.write("client.pem", &pki.client.pem),
        &pki.write("client-ec.key", pki.client.key_sec1_pem()),
        None,
        "--ssl-client-cert",
    )
    .expect("SEC1 identity");
    let encrypted = load_pem_identity(
        &pki.write("client.pem", &pki.client.pem),
        &pki.write("client-enc.key", pki.client.key_encrypted_pem("s3cret")),
        Some("s3cret"),
        "--ssl-client-cert",
    )
    .expect("encrypted PEM identity");
    let p12 = load_pkcs12_identity(
        &pki.write("client.p12", pki.client.pkcs12(&[pki.client_ca.der.as_slice()], "s3cret")),
        Some("s3cret"),
        "--ssl-client-cert-list entry [0]",
    )
    .expect("PKCS#12 identity");
    assert_eq!(good_pem, p12, "same certificate, same fingerprint");
    let stranger = load_pem_identity(
        &pki.write("stranger.pem", &pki.stranger.pem),
        &pki.write("stranger.key", pki.stranger.key_pem()),
        None,
        "--ssl-client-cert",
    )
    .expect("stranger identity");

    let mut accepted: Vec<(&str, ClientIdentity)> =
        vec![("PEM", good_pem), ("SEC1", sec1), ("encrypted PEM", encrypted), ("PKCS#12 (p12-keystore)", p12)];
    accepted.extend(openssl_identities(&pki));

    for versions in [BOTH, &[&TLS12][..]] {
        let addr = serve_tls(server_config(&pki.server, client_ca, versions)).await;
        for (case, id) in &accepted {
            let c = client(addr, Some(ca), false, Some(id.to_reqwest()), false);
            assert_eq!(get(&c, addr).await.as_deref(), Ok("ok"), "{case} {versions:?}");
        }
        let required = "the server localhost requires a client certificate; pass \
             --ssl-client-cert/--ssl-client-key or --ssl-client-cert-list";
        let rejected = "the server localhost rejected the client certificate (not issued by a \
             certificate authority the server trusts; TLS alert UnknownCA); it requires a \
             client certificate it accepts; pass --ssl-client-cert/--ssl-client-key or \
             --ssl-client-cert-list";
        for (case, id, want) in [("none", None, required), ("stranger", Some(stranger.to_reqwest()), rejected)] {
            let c = client(addr, Some(ca), false, id, false);
            let chain = get(&c, addr).await.expect_err(case);
            eprintln!("[client cert {case}, {versions:?}] {chain}");
            assert_eq!(explain_tls_error(&chain, "localhost").as_deref(), Some(want), "{case}: {chain}");
        }
    }
}

/// Identities whose files the openssl CLI made, as users' files usually are.
fn openssl_identities(pki: &Pki) -> Vec<(&'static str, ClientIdentity)> {
    let dir = pki.dir.path();
    pki.write("o-client.pem", &pki.client.pem);
    pki.write("o-client.key", pki.client.key_pem());
    pki.write("o-ca.pem", &pki.client_ca.pem);
    let made = openssl(
        dir,
        &[
            "pkcs12",
            "-export",
            "-in",
            "o-client.pem",
            "-inkey",
            "o-client.key",
            "-certfile",
            "o-ca.pem",
            "-passout",
            "pass:s3cret",
            "-out",
            "o-client.p12",
        ],
    )
    .and_then(|()| {
        // RC2/3DES with a SHA-1 MAC, as OpenSSL 1.x and older Windows exports write.
        openssl(
            dir,
            &[
                "pkcs12",
                "-export",
                "-legacy",
                "-in",
                "o-client.pem",
                "-inkey",
                "o-client.key",
                "-passout",
                "pass:s3cret",
                "-out",
                "o-legacy.p12",
            ],
        )
    })
    .and_then(|()| {
        openssl(
            dir,
            &[
                "pkcs8",
                "-topk8",
                "-v2",
                "aes-256-cbc",
                "-in",
                "o-client.key",
                "-passout",
                "pass:s3cret",
                "-out",
                "o-client-enc.key",
            ],
        )
    });
    if made.is_none() {
        return Vec::new();
    }
    let p12 = load_pkcs12_identity(&dir.join("o-client.p12"), Some("s3cret"), "test").expect("openssl PKCS#12");
    let legacy =
        load_pkcs12_identity(&dir.join("o-legacy.p12"), Some("s3cret"), "test").expect("openssl legacy PKCS#12");
    let enc = load_pem_identity(&dir.join("o-client.pem"), &dir.join("o-client-enc.key"), Some("s3cret"), "test")
        .expect("openssl encrypted PKCS#8");
    vec![("PKCS#12 (openssl)", p12), ("legacy PKCS#12 (openssl)", legacy), ("encrypted PKCS#8 (openssl)", enc)]
}

#[tokio::test]
async fn handshake_failures_are_explained() {
    install_provider();
    let pki = Pki::new();
    let ca = pki.server_ca.der.as_slice();

    let plain = serve_plain().await;
    let chain = get(&client(plain, Some(ca), false, None, false), plain).await.expect_err("plain HTTP");
    eprintln!("[plain http] {chain}");
    assert_eq!(
        explain_tls_error(&chain, "localhost").as_deref(),
        Some(
            "TLS handshake with localhost failed: the server did not answer with TLS (is it \
             plain HTTP on this port? then use http://)"
        )
    );

    let tls13_only = serve_tls(server_config(&pki.server, None, &[&TLS13])).await;
    let chain = get(&client(tls13_only, Some(ca), false, None, true), tls13_only)
        .await
        .expect_err("TLS 1.2 client against TLS 1.3 server");
    eprintln!("[version] {chain}");
    let got = explain_tls_error(&chain, "localhost").expect("a TLS explanation");
    assert!(got.starts_with("TLS handshake with localhost failed: "), "{got}");
    assert!(got.contains("TLS version"), "{got}");
}

#[test]
fn summarize_server_certificate() {
    let pki = Pki::new();
    let s = summarize(&pki.wrong_name.der).expect("summary");
    assert_eq!(s.subject, "CN=wrong, O=postie tests");
    assert_eq!(s.issuer, "CN=postie test server CA, O=postie tests");
    assert_eq!(s.not_after, "2090-01-01T00:00:00Z");
    assert_eq!(s.names, ["wrong.example", "other.example", "10.9.8.7"]);
}
