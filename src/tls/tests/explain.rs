//! `explain_tls_error` on chain texts: the ones seen in the live tests (verbatim) and the rarer
//! rustls forms that a local server cannot easily provoke.

use crate::tls::{error_chain_text, explain_tls_error};

const PREFIX: &str = "error sending request for url (https://h.test/): client error (Connect): ";
const SKIP: &str = "(or -k to skip verification)";
const FLAGS: &str = "pass --ssl-client-cert/--ssl-client-key or --ssl-client-cert-list";

#[test]
fn explanation_table() {
    let rows: Vec<(&str, Option<String>)> = vec![
        (
            "invalid peer certificate: UnknownIssuer",
            Some(format!("the certificate of h.test is signed by an unknown certificate authority; add its CA with --ssl-extra-ca-certs {SKIP}")),
        ),
        (
            "invalid peer certificate: certificate expired: verification time 1795890624 (UNIX), but certificate is not valid after 1609459200 (186431424 seconds ago)",
            Some(format!("the certificate of h.test expired on 2021-01-01T00:00:00Z {SKIP}")),
        ),
        (
            "invalid peer certificate: Expired",
            Some(format!("the certificate of h.test has expired {SKIP}")),
        ),
        (
            "invalid peer certificate: certificate not valid yet: verification time 1795890624 (UNIX), but certificate is not valid before 3786912000 (1991021376 seconds in future)",
            Some(format!("the certificate of h.test is not valid before 2090-01-01T00:00:00Z; check the clocks of this machine and the server {SKIP}")),
        ),
        (
            "invalid peer certificate: NotValidYet",
            Some(format!("the certificate of h.test is not valid yet {SKIP}")),
        ),
        (
            "invalid peer certificate: certificate not valid for name \"h.test\"; certificate is only valid for DnsName(\"wrong.example\"), DnsName(\"other.example\") or IpAddress(10.9.8.7)",
            Some(format!("the certificate of h.test is not valid for h.test; it is valid for wrong.example, other.example, 10.9.8.7; use one of these names in the URL {SKIP}")),
        ),
        (
            "invalid peer certificate: certificate not valid for name \"h.test\"; certificate is only valid for DnsName(\"*.example.com\")",
            Some(format!("the certificate of h.test is not valid for h.test; it is valid for *.example.com; use one of these names in the URL {SKIP}")),
        ),
        (
            "invalid peer certificate: certificate not valid for name \"h.test\"; certificate is not valid for any names (according to its subjectAltName extension)",
            Some(format!("the certificate of h.test is not valid for h.test; it names no host at all (no subjectAltName) {SKIP}")),
        ),
        (
            "invalid peer certificate: NotValidForName",
            Some(format!("the certificate of h.test is not valid for h.test {SKIP}")),
        ),
        (
            "invalid peer certificate: Revoked",
            Some(format!("the certificate of h.test has been revoked {SKIP}")),
        ),
        (
            "invalid peer certificate: BadSignature",
            Some(format!("the certificate of h.test was rejected: BadSignature {SKIP}")),
        ),
        (
            "connection error: received fatal alert: CertificateRequired",
            Some(format!("the server h.test requires a client certificate; {FLAGS}")),
        ),
        (
            "received fatal alert: UnknownCA",
            Some(format!("the server h.test rejected the client certificate (not issued by a certificate authority the server trusts; TLS alert UnknownCA); it requires a client certificate it accepts; {FLAGS}")),
        ),
        (
            "received fatal alert: BadCertificate",
            Some(format!("the server h.test rejected the client certificate (the server found it invalid; TLS alert BadCertificate); it requires a client certificate it accepts; {FLAGS}")),
        ),
        (
            "received fatal alert: CertificateExpired",
            Some(format!("the server h.test rejected the client certificate (expired or not yet valid; TLS alert CertificateExpired); it requires a client certificate it accepts; {FLAGS}")),
        ),
        (
            "received fatal alert: HandshakeFailure",
            Some("TLS handshake with h.test failed: the server sent HandshakeFailure: no TLS version or cipher suite in common, or the server wants a client certificate (--ssl-client-cert/--ssl-client-key)".into()),
        ),
        (
            "received fatal alert: ProtocolVersion",
            Some("TLS handshake with h.test failed: no TLS version in common (the server sent ProtocolVersion; postie speaks TLS 1.2 and 1.3)".into()),
        ),
        (
            "received fatal alert: InternalError",
            Some("TLS handshake with h.test failed: the server sent the TLS alert InternalError".into()),
        ),
        (
            "received corrupt message of type InvalidContentType",
            Some("TLS handshake with h.test failed: the server did not answer with TLS (is it plain HTTP on this port? then use http://)".into()),
        ),
        (
            "peer is incompatible: Tls12NotOffered",
            Some("TLS handshake with h.test failed: peer is incompatible: Tls12NotOffered".into()),
        ),
        (
            "tls handshake eof",
            Some("TLS handshake with h.test failed: tls handshake eof (the server closed the connection during the handshake)".into()),
        ),
        ("tcp connect error: Connection refused (os error 111)", None),
        ("dns error: failed to lookup address information: Name or service not known", None),
        ("operation timed out", None),
    ];
    for (tail, want) in rows {
        let chain = format!("{PREFIX}{tail}");
        assert_eq!(explain_tls_error(&chain, "h.test"), want, "{tail}");
    }
    assert_eq!(explain_tls_error("", "h.test"), None);
}

#[derive(Debug)]
struct Layer(&'static str, Option<Box<Layer>>);

impl std::fmt::Display for Layer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Layer {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.1.as_deref().map(|l| l as _)
    }
}

#[test]
fn chain_text_joins_sources_and_drops_repeats() {
    let err = Layer(
        "error sending request",
        Some(Box::new(Layer(
            "client error (Connect)",
            Some(Box::new(Layer(
                "invalid peer certificate: UnknownIssuer",
                Some(Box::new(Layer("invalid peer certificate: UnknownIssuer", None))),
            ))),
        ))),
    );
    assert_eq!(
        error_chain_text(&err),
        "error sending request: client error (Connect): invalid peer certificate: UnknownIssuer"
    );
}
