//! Turning rustls/webpki error texts (as they appear in a reqwest error chain) into messages a
//! person can act on. Pure text work: it recognises the Display forms of `rustls::Error`
//! ("invalid peer certificate: …", "received fatal alert: …", …) and nothing else.

use super::inspect::rfc3339_utc;

const SKIP: &str = "(or -k to skip verification)";
const CLIENT_CERT_FLAGS: &str = "pass --ssl-client-cert/--ssl-client-key or --ssl-client-cert-list";

/// The Display of an error and each of its sources, joined by ": " — the `chain` that
/// [`explain_tls_error`] reads. Repeats (a source whose text its parent already printed) are
/// dropped.
pub fn error_chain_text(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        if !parts.last().is_some_and(|prev| prev.ends_with(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

/// Turns a reqwest error chain text into a message a person can act on, or `None` when the
/// chain shows no TLS problem. `host` is the host the request went to.
pub fn explain_tls_error(chain: &str, host: &str) -> Option<String> {
    if let Some(detail) = after(chain, "invalid peer certificate: ") {
        return Some(server_certificate(detail, host));
    }
    if let Some(alert) = after(chain, "received fatal alert: ") {
        let alert = alert.split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or(alert);
        return Some(alert_received(alert, host));
    }
    if let Some(detail) = after(chain, "received corrupt message of type ") {
        if detail.starts_with("InvalidContentType") {
            return Some(format!(
                "TLS handshake with {host} failed: the server did not answer with TLS (is it \
                 plain HTTP on this port? then use http://)"
            ));
        }
        return Some(handshake_failed(host, &format!("corrupt message ({detail})")));
    }
    const OTHER_TLS: [&str; 8] = [
        "peer is incompatible: ",
        "peer misbehaved: ",
        "received unexpected message",
        "received unexpected handshake message",
        "peer sent no certificates",
        "invalid certificate revocation list",
        "cannot decrypt peer's message",
        "peer doesn't support any known protocol",
    ];
    for marker in OTHER_TLS {
        if let Some(i) = chain.find(marker) {
            return Some(handshake_failed(host, first_segment(&chain[i..])));
        }
    }
    if let Some(i) = chain.find("tls handshake eof") {
        return Some(handshake_failed(
            host,
            &format!("{} (the server closed the connection during the handshake)", first_segment(&chain[i..])),
        ));
    }
    None
}

fn after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    text.find(marker).map(|i| first_segment(&text[i + marker.len()..]))
}

/// The text up to the next line break: rustls messages are the end of a chain and never
/// contain line breaks, but some chains add more lines after them.
fn first_segment(text: &str) -> &str {
    text.lines().next().unwrap_or(text).trim_end()
}

fn handshake_failed(host: &str, detail: &str) -> String {
    format!("TLS handshake with {host} failed: {detail}")
}

fn server_certificate(detail: &str, host: &str) -> String {
    let subject = format!("the certificate of {host}");
    if detail.starts_with("UnknownIssuer") {
        return format!(
            "{subject} is signed by an unknown certificate authority; add its CA with \
             --ssl-extra-ca-certs {SKIP}"
        );
    }
    if let Some(rest) = detail.strip_prefix("certificate expired") {
        return match unix_after(rest, "not valid after ") {
            Some(date) => format!("{subject} expired on {date} {SKIP}"),
            None => format!("{subject} has expired {SKIP}"),
        };
    }
    if detail.starts_with("Expired") {
        return format!("{subject} has expired {SKIP}");
    }
    if let Some(rest) = detail.strip_prefix("certificate not valid yet") {
        return match unix_after(rest, "not valid before ") {
            Some(date) => format!(
                "{subject} is not valid before {date}; check the clocks of this machine and \
                 the server {SKIP}"
            ),
            None => format!("{subject} is not valid yet {SKIP}"),
        };
    }
    if detail.starts_with("NotValidYet") {
        return format!("{subject} is not valid yet {SKIP}");
    }
    if detail.starts_with("certificate not valid for name") || detail.starts_with("NotValidForName") {
        return name_mismatch(detail, host);
    }
    if detail.starts_with("Revoked") {
        return format!("{subject} has been revoked {SKIP}");
    }
    format!("{subject} was rejected: {detail} {SKIP}")
}

/// The UNIX seconds after `marker` as an RFC 3339 date.
fn unix_after(text: &str, marker: &str) -> Option<String> {
    let start = text.find(marker)? + marker.len();
    let digits: String = text[start..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse::<i64>().ok().map(rfc3339_utc)
}

fn name_mismatch(detail: &str, host: &str) -> String {
    let base = format!("the certificate of {host} is not valid for {host}");
    const ONLY: &str = "is only valid for ";
    if let Some(i) = detail.find(ONLY) {
        let names = presented_names(&detail[i + ONLY.len()..]);
        if !names.is_empty() {
            return format!("{base}; it is valid for {}; use one of these names in the URL {SKIP}", names.join(", "));
        }
    }
    if detail.contains("is not valid for any names") {
        return format!("{base}; it names no host at all (no subjectAltName) {SKIP}");
    }
    format!("{base} {SKIP}")
}

/// `DnsName("a"), IpAddress(1.2.3.4) or DnsName("b")` → `a`, `1.2.3.4`, `b`.
fn presented_names(list: &str) -> Vec<String> {
    list.replace(" or ", ", ")
        .split(", ")
        .map(|item| {
            let item = item.trim();
            if let Some(n) = item.strip_prefix("DnsName(\"") {
                n.trim_end_matches(')').trim_end_matches('"').to_string()
            } else if let Some(ip) = item.strip_prefix("IpAddress(") {
                ip.trim_end_matches(')').to_string()
            } else {
                item.to_string()
            }
        })
        .filter(|n| !n.is_empty())
        .collect()
}

fn alert_received(alert: &str, host: &str) -> String {
    let rejected = |why: &str| {
        format!(
            "the server {host} rejected the client certificate ({why}; TLS alert {alert}); it \
             requires a client certificate it accepts; {CLIENT_CERT_FLAGS}"
        )
    };
    match alert {
        "CertificateRequired" => {
            format!("the server {host} requires a client certificate; {CLIENT_CERT_FLAGS}")
        }
        "UnknownCA" => rejected("not issued by a certificate authority the server trusts"),
        "BadCertificate" => rejected("the server found it invalid"),
        "UnsupportedCertificate" => rejected("its type or key usage is not accepted"),
        "CertificateExpired" => rejected("expired or not yet valid"),
        "CertificateRevoked" => rejected("revoked"),
        "CertificateUnknown" => rejected("not accepted"),
        "AccessDenied" => rejected("access denied"),
        "HandshakeFailure" => handshake_failed(
            host,
            "the server sent HandshakeFailure: no TLS version or cipher suite in common, or the \
             server wants a client certificate (--ssl-client-cert/--ssl-client-key)",
        ),
        "ProtocolVersion" => handshake_failed(
            host,
            "no TLS version in common (the server sent ProtocolVersion; postie speaks TLS 1.2 \
             and 1.3)",
        ),
        other => handshake_failed(host, &format!("the server sent the TLS alert {other}")),
    }
}
