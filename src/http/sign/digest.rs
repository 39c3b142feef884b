//! HTTP Digest authorization as Newman's runtime writes it: the response over the request's
//! method and path (RFC 2617 / 7616: MD5, SHA-256, SHA-512-256, their `-sess` forms,
//! `qop=auth` and `auth-int`), and the header's parameters in the runtime's order
//! (`username, realm, nonce, uri, algorithm, [qop, nc, cnonce,] response, [opaque]`). Pure:
//! the client nonce is given.

use md5::Md5;
use sha2::{Digest, Sha256, Sha512_256};

/// What one Digest header is made of. `algorithm` is the block's (empty means MD5);
/// `qop` is as the block or the server's challenge gives it, compared whole as the runtime
/// does (`auth,auth-int` is neither, so the response is computed without it).
#[derive(Clone, Debug, Default)]
pub struct DigestParams<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub realm: &'a str,
    pub nonce: &'a str,
    pub algorithm: &'a str,
    pub qop: &'a str,
    pub nonce_count: &'a str,
    pub client_nonce: &'a str,
    pub opaque: &'a str,
    pub method: &'a str,
    /// The request's path and query.
    pub uri: &'a str,
    /// For `qop=auth-int`.
    pub body: &'a [u8],
}

#[derive(Clone, Copy)]
enum Hash {
    Md5,
    Sha256,
    Sha512_256,
}

impl Hash {
    fn hex(self, data: &[u8]) -> String {
        let bytes = match self {
            Hash::Md5 => Md5::digest(data).to_vec(),
            Hash::Sha256 => Sha256::digest(data).to_vec(),
            Hash::Sha512_256 => Sha512_256::digest(data).to_vec(),
        };
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The `Authorization` value, or why the algorithm cannot be used.
pub fn header(p: &DigestParams<'_>) -> Result<String, String> {
    let algorithm = if p.algorithm.is_empty() { "MD5" } else { p.algorithm };
    let hash = match algorithm {
        "MD5" | "MD5-sess" => Hash::Md5,
        "SHA-256" | "SHA-256-sess" => Hash::Sha256,
        "SHA-512-256" | "SHA-512-256-sess" => Hash::Sha512_256,
        other => return Err(format!("Unsupported digest algorithm: {other}")),
    };
    let a1 = if algorithm.ends_with("-sess") {
        let a0 = hash.hex(format!("{}:{}:{}", p.username, p.realm, p.password).as_bytes());
        format!("{a0}:{}:{}", p.nonce, p.client_nonce)
    } else {
        format!("{}:{}:{}", p.username, p.realm, p.password)
    };
    let a2 = if p.qop == "auth-int" {
        format!("{}:{}:{}", p.method, p.uri, hash.hex(p.body))
    } else {
        format!("{}:{}", p.method, p.uri)
    };
    let (ha1, ha2) = (hash.hex(a1.as_bytes()), hash.hex(a2.as_bytes()));
    let with_qop = p.qop == "auth" || p.qop == "auth-int";
    let response = if with_qop {
        hash.hex(format!("{ha1}:{}:{}:{}:{}:{ha2}", p.nonce, p.nonce_count, p.client_nonce, p.qop).as_bytes())
    } else {
        hash.hex(format!("{ha1}:{}:{ha2}", p.nonce).as_bytes())
    };
    let mut params = vec![
        format!("username=\"{}\"", p.username),
        format!("realm=\"{}\"", p.realm),
        format!("nonce=\"{}\"", p.nonce),
        format!("uri=\"{}\"", p.uri),
        format!("algorithm=\"{algorithm}\""),
    ];
    if with_qop {
        params.push(format!("qop={}", p.qop));
    }
    if with_qop || algorithm == "MD5-sess" {
        if !p.nonce_count.is_empty() {
            params.push(format!("nc={}", p.nonce_count));
        }
        params.push(format!("cnonce=\"{}\"", p.client_nonce));
    }
    params.push(format!("response=\"{response}\""));
    if !p.opaque.is_empty() {
        params.push(format!("opaque=\"{}\"", p.opaque));
    }
    Ok(format!("Digest {}", params.join(", ")))
}

/// A quoted field of a `WWW-Authenticate: Digest ...` challenge (`realm`, `nonce`, `qop`,
/// `opaque`), found as the runtime finds it: the first `name="..."`, any case.
pub fn challenge_field(challenge: &str, name: &str) -> Option<String> {
    let lower = challenge.to_ascii_lowercase();
    let needle = format!("{}=\"", name.to_ascii_lowercase());
    let start = lower.find(&needle)? + needle.len();
    let len = challenge[start..].find('"')?;
    Some(challenge[start..start + len].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_2617_example_and_newmans_layout() {
        // RFC 2617 section 3.5: qop=auth, MD5.
        let p = DigestParams {
            username: "Mufasa",
            password: "Circle Of Life",
            realm: "testrealm@host.com",
            nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            qop: "auth",
            nonce_count: "00000001",
            client_nonce: "0a4f113b",
            opaque: "5ccc069c403ebaf9f0171e9517f40e41",
            method: "GET",
            uri: "/dir/index.html",
            ..Default::default()
        };
        assert_eq!(
            header(&p).unwrap(),
            "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", \
             uri=\"/dir/index.html\", algorithm=\"MD5\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", \
             response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""
        );
    }

    #[test]
    fn without_qop_and_unknown_algorithms() {
        // As Newman 6.2.2 signed Postman Echo's digest example (realm and nonce in the block).
        let p = DigestParams {
            username: "postman",
            password: "password",
            realm: "Users",
            nonce: "ni1LiL0O37PRRhofWdCLmwFsnEtH1lew",
            method: "GET",
            uri: "/digest-auth",
            ..Default::default()
        };
        let h = header(&p).unwrap();
        assert!(h.starts_with("Digest username=\"postman\", realm=\"Users\", nonce=\"ni1LiL0O37PRRhofWdCLmwFsnEtH1lew\", uri=\"/digest-auth\", algorithm=\"MD5\", response=\""), "{h}");
        assert!(!h.contains("opaque") && !h.contains("qop"), "{h}");
        let bad = DigestParams { algorithm: "SHA-1", ..p };
        assert_eq!(header(&bad).unwrap_err(), "Unsupported digest algorithm: SHA-1");
    }

    #[test]
    fn challenge_fields() {
        let c = r#"Digest realm="Users", NONCE="abc", qop="auth,auth-int", opaque="" "#;
        assert_eq!(challenge_field(c, "realm").as_deref(), Some("Users"));
        assert_eq!(challenge_field(c, "nonce").as_deref(), Some("abc"));
        assert_eq!(challenge_field(c, "qop").as_deref(), Some("auth,auth-int"));
        assert_eq!(challenge_field(c, "opaque").as_deref(), Some(""));
        assert_eq!(challenge_field(c, "stale"), None);
    }
}
