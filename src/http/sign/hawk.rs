//! Hawk (Postman's `hawk` auth), as Newman's request library builds the header: the MAC
//! over `hawk.1.header` and the request's timestamp, nonce, method, resource, host, port,
//! optional payload hash, `ext`, and `app`/`dlg`.
//!
//! Pure: the request's parts in, the `Authorization` value out.

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// The auth block's parameters, variables resolved.
#[derive(Clone, Debug, Default)]
pub struct HawkParams {
    pub id: String,
    pub key: String,
    /// `sha256` or `sha1`; anything else signs nothing, as in Newman.
    pub algorithm: String,
    pub nonce: String,
    /// Seconds since the epoch, as text.
    pub timestamp: String,
    pub ext: String,
    pub app: String,
    pub dlg: String,
}

/// The request as the MAC covers it.
pub struct Request<'a> {
    pub method: &'a str,
    /// Path and query as sent (`/resource/1?b=1&a=2`).
    pub resource: &'a str,
    pub host: &'a str,
    pub port: u16,
    /// The payload hash, when the block asks for one (`payload_hash`).
    pub hash: Option<&'a str>,
}

fn hmac_b64(algorithm: &str, key: &str, data: &str) -> Option<String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    match algorithm {
        "sha256" => {
            let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes()).ok()?;
            mac.update(data.as_bytes());
            Some(b64.encode(mac.finalize().into_bytes()))
        }
        "sha1" => {
            let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(key.as_bytes()).ok()?;
            mac.update(data.as_bytes());
            Some(b64.encode(mac.finalize().into_bytes()))
        }
        _ => None,
    }
}

/// `hawk.1.payload` hash of a body with its content type (parameters dropped, lower case).
pub fn payload_hash(algorithm: &str, content_type: Option<&str>, body: &[u8]) -> Option<String> {
    let kind = content_type.map(|c| c.split(';').next().unwrap_or("").trim().to_ascii_lowercase()).unwrap_or_default();
    let mut input = format!("hawk.1.payload\n{kind}\n").into_bytes();
    input.extend_from_slice(body);
    input.push(b'\n');
    let b64 = base64::engine::general_purpose::STANDARD;
    match algorithm {
        "sha256" => Some(b64.encode(Sha256::digest(&input))),
        "sha1" => Some(b64.encode(Sha1::digest(&input))),
        _ => None,
    }
}

/// The `Authorization` header value; `None` without an id, key or known algorithm (Newman
/// then sends no header).
pub fn header(req: &Request<'_>, p: &HawkParams) -> Option<String> {
    if p.id.is_empty() || p.key.is_empty() {
        return None;
    }
    let mut normalized = format!(
        "hawk.1.header\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n",
        p.timestamp,
        p.nonce,
        req.method.to_uppercase(),
        req.resource,
        req.host.to_lowercase(),
        req.port,
        req.hash.unwrap_or("")
    );
    // The library escapes only the first backslash and the first newline of `ext` here
    // (JavaScript's replace with a string pattern); kept so the MACs agree.
    normalized.push_str(&p.ext.replacen('\\', "\\\\", 1).replacen('\n', "\\n", 1));
    normalized.push('\n');
    if !p.app.is_empty() {
        normalized.push_str(&format!("{}\n{}\n", p.app, p.dlg));
    }
    let mac = hmac_b64(&p.algorithm, &p.key, &normalized)?;
    let mut header = format!("Hawk id=\"{}\", ts=\"{}\", nonce=\"{}", p.id, p.timestamp, p.nonce);
    if let Some(hash) = req.hash.filter(|h| !h.is_empty()) {
        header.push_str(&format!("\", hash=\"{hash}"));
    }
    if !p.ext.is_empty() {
        header.push_str(&format!("\", ext=\"{}", p.ext.replace('\\', "\\\\").replace('"', "\\\"")));
    }
    header.push_str(&format!("\", mac=\"{mac}\""));
    if !p.app.is_empty() {
        header.push_str(&format!(", app=\"{}", p.app));
        if !p.dlg.is_empty() {
            header.push_str(&format!("\", dlg=\"{}", p.dlg));
        }
        header.push('"');
    }
    Some(header)
}

/// A nonce as Newman's runtime makes one: six ASCII letters and digits.
pub fn nonce() -> String {
    const SOURCE: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    (0..6).map(|_| SOURCE[rand::random_range(0..SOURCE.len())] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> HawkParams {
        HawkParams {
            id: "dh37fgj492je".into(),
            key: "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn".into(),
            algorithm: "sha256".into(),
            nonce: "j4h3g2".into(),
            timestamp: "1353832234".into(),
            ext: "some-app-ext-data".into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_hawk_specification_examples() {
        let get =
            Request { method: "GET", resource: "/resource/1?b=1&a=2", host: "example.com", port: 8000, hash: None };
        assert_eq!(
            header(&get, &spec()).unwrap(),
            r#"Hawk id="dh37fgj492je", ts="1353832234", nonce="j4h3g2", ext="some-app-ext-data", mac="6R4rV5iE+NPoym+WwjeHzjAGXUtLNIxmo1vpMofpLAE=""#
        );
        let hash = payload_hash("sha256", Some("text/plain"), b"Thank you for flying Hawk").unwrap();
        assert_eq!(hash, "Yi9LfIIFRtBEPt74PVmbTF/xVAwPn7ub15ePICfgnuY=");
        let post = Request { method: "POST", hash: Some(&hash), ..get };
        assert_eq!(
            header(&post, &spec()).unwrap(),
            r#"Hawk id="dh37fgj492je", ts="1353832234", nonce="j4h3g2", hash="Yi9LfIIFRtBEPt74PVmbTF/xVAwPn7ub15ePICfgnuY=", ext="some-app-ext-data", mac="aSe1DERmZuRl3pI36/9BdZmnErTw3sNzOOAUlfeKjVw=""#
        );
    }

    /// Headers Newman 6.2.2 sent to the echo server on 127.0.0.1:36919 with the spec's
    /// id, key, nonce and timestamp.
    #[test]
    fn option_combinations_match_newman() {
        let at = |method, resource, hash| Request { method, resource, host: "127.0.0.1", port: 36919, hash };
        let ext = HawkParams { ext: r#"some "ext" \ data"#.into(), ..spec() };
        assert_eq!(
            header(&at("GET", "/get?b=1&a=2", None), &ext).unwrap(),
            r#"Hawk id="dh37fgj492je", ts="1353832234", nonce="j4h3g2", ext="some \"ext\" \\ data", mac="e6vaTmU84QCoDiASpDghgSkpTEt8OI7eNSxPPv9Wn4s=""#
        );
        let sha1 = HawkParams {
            algorithm: "sha1".into(),
            app: "app-1".into(),
            dlg: "dlg-1".into(),
            ext: String::new(),
            ..spec()
        };
        assert_eq!(
            header(&at("GET", "/get", None), &sha1).unwrap(),
            r#"Hawk id="dh37fgj492je", ts="1353832234", nonce="j4h3g2", mac="44zZ6R2lJ9ABWSr55mUgxd1336A=", app="app-1", dlg="dlg-1""#
        );
        let plain = HawkParams { ext: String::new(), ..spec() };
        let json = payload_hash("sha256", Some("application/json"), br#"{"a":1}"#).unwrap();
        assert_eq!(json, "qKG2AtsqLMhIdy7+OrxWG0bU8wTDncYSW0gmNukAKpI=");
        assert_eq!(
            header(&at("POST", "/post", Some(&json)), &plain).unwrap(),
            r#"Hawk id="dh37fgj492je", ts="1353832234", nonce="j4h3g2", hash="qKG2AtsqLMhIdy7+OrxWG0bU8wTDncYSW0gmNukAKpI=", mac="dPz3/UaMwZ+b3YJGbFBTZdRUeRFRayvp/saRfl/tycw=""#
        );
        let text = payload_hash("sha256", Some("Text/Plain; charset=utf-8"), b"Thank you for flying Hawk").unwrap();
        assert_eq!(
            header(&at("POST", "/post", Some(&text)), &plain).unwrap(),
            r#"Hawk id="dh37fgj492je", ts="1353832234", nonce="j4h3g2", hash="Yi9LfIIFRtBEPt74PVmbTF/xVAwPn7ub15ePICfgnuY=", mac="xfn+g2AkdYh2fgLkei5tsAP4SkWUSvhpiVIxWIKO/9k=""#
        );
    }

    #[test]
    fn missing_credentials_or_an_unknown_algorithm_sign_nothing() {
        let get = Request { method: "GET", resource: "/", host: "h", port: 80, hash: None };
        assert!(header(&get, &HawkParams { id: String::new(), ..spec() }).is_none());
        assert!(header(&get, &HawkParams { algorithm: "md5".into(), ..spec() }).is_none());
        let app =
            header(&get, &HawkParams { app: "app1".into(), dlg: "d".into(), ext: String::new(), ..spec() }).unwrap();
        assert!(app.ends_with(r#"", app="app1", dlg="d""#) && !app.contains("ext="), "{app}");
        assert_eq!(nonce().len(), 6);
    }
}
