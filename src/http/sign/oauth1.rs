//! OAuth 1.0a (Postman's `oauth1` auth), as Newman's runtime and its `node-oauth1` library
//! sign: the signature base string of RFC 5849 §3.4.1 (query, protocol and urlencoded body
//! parameters, sorted), HMAC-SHA1/256/512, RSA-SHA1/256/512 or PLAINTEXT, and the protocol
//! parameters in the Authorization header, the form body or the query.
//!
//! Pure: the request's parts and the block in, what to add out.

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};

/// The auth block's parameters, variables resolved.
#[derive(Clone, Debug, Default)]
pub struct OAuth1Params {
    pub consumer_key: String,
    pub consumer_secret: String,
    pub token: String,
    pub token_secret: String,
    pub private_key: String,
    /// `HMAC-SHA1` when empty.
    pub signature_method: String,
    pub callback: String,
    pub verifier: String,
    pub timestamp: String,
    pub nonce: String,
    pub version: String,
    pub realm: String,
    pub include_body_hash: bool,
    pub add_params_to_header: bool,
    pub add_empty_params_to_sign: bool,
    pub disable_header_encoding: bool,
}

/// Where the protocol parameters go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placement {
    /// The `Authorization` header value.
    Header(String),
    /// Appended to the urlencoded body (names and values not encoded).
    Body(Vec<(String, String)>),
    /// Appended to the query (already encoded).
    Query(Vec<(String, String)>),
}

/// The request as signed.
pub struct Request<'a> {
    pub method: &'a str,
    /// `scheme://host[:port]/path` with its query, as sent.
    pub url: &'a url::Url,
    /// The enabled parameters of a urlencoded body (decoded), if the body is one.
    pub form: Option<&'a [(String, String)]>,
    /// The body for `oauth_body_hash` (raw, GraphQL or file bodies), if any.
    pub body: Option<&'a [u8]>,
}

/// RFC 3986 percent-encoding as `node-oauth1` does it (`encodeURIComponent` plus `!*'()`).
pub use super::rfc3986 as percent_encode;

/// `decodeForm`: `+` is a space; a pair without `=` has no value.
fn decode_form(query: &str) -> Vec<(String, Option<String>)> {
    let decode = |s: &str| {
        let spaced = s.replace('+', " ");
        percent_decode(&spaced)
    };
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), Some(decode(v))),
            None => (decode(p), None),
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The base string URI: scheme and authority in lower case, default port dropped, path.
fn base_uri(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or("").to_lowercase();
    let authority = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    };
    let path = if url.path().is_empty() { "/" } else { url.path() };
    format!("{}://{authority}{path}", url.scheme().to_lowercase())
}

/// The signature base string (RFC 5849 §3.4.1).
pub fn base_string(method: &str, url: &url::Url, params: &[(String, Option<String>)]) -> String {
    let mut all: Vec<(String, Option<String>)> = decode_form(url.query().unwrap_or(""));
    all.extend(params.iter().cloned());
    let mut sortable: Vec<(String, String, String)> = all
        .into_iter()
        .filter(|(k, _)| k != "oauth_signature")
        .map(|(k, v)| {
            let (ek, ev) = (percent_encode(&k), percent_encode(v.as_deref().unwrap_or("")));
            (format!("{ek} {ev}"), ek, ev)
        })
        .collect();
    sortable.sort_by(|a, b| a.0.cmp(&b.0));
    let normalized = sortable.iter().map(|(_, k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
    format!(
        "{}&{}&{}",
        percent_encode(&method.to_uppercase()),
        percent_encode(&base_uri(url)),
        percent_encode(&normalized)
    )
}

/// The `oauth_signature` for `base` with the block's method and secrets.
pub fn signature(p: &OAuth1Params, base: &str) -> Result<String, String> {
    let method = if p.signature_method.is_empty() { "HMAC-SHA1" } else { p.signature_method.as_str() };
    let key = format!("{}&{}", percent_encode(&p.consumer_secret), percent_encode(&p.token_secret));
    let b64 = base64::engine::general_purpose::STANDARD;
    fn hmac<M: Mac + KeyInit>(key: &[u8], data: &[u8]) -> Vec<u8> {
        // HMAC takes keys of any length.
        let mut mac = <M as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
        mac.update(data);
        mac.finalize().into_bytes().to_vec()
    }
    Ok(match method {
        "PLAINTEXT" => key,
        "HMAC-SHA1" => b64.encode(hmac::<Hmac<sha1::Sha1>>(key.as_bytes(), base.as_bytes())),
        "HMAC-SHA256" => b64.encode(hmac::<Hmac<sha2::Sha256>>(key.as_bytes(), base.as_bytes())),
        "HMAC-SHA512" => b64.encode(hmac::<Hmac<sha2::Sha512>>(key.as_bytes(), base.as_bytes())),
        "RSA-SHA256" | "RSA-SHA512" => {
            use ring::signature as sig;
            let der = super::jwt::pem_der(&p.private_key)?;
            let pair = sig::RsaKeyPair::from_pkcs8(&der)
                .or_else(|_| sig::RsaKeyPair::from_der(&der))
                .map_err(|e| format!("the private key is not an RSA key in PEM ({e})"))?;
            let padding: &'static dyn sig::RsaEncoding =
                if method == "RSA-SHA256" { &sig::RSA_PKCS1_SHA256 } else { &sig::RSA_PKCS1_SHA512 };
            let mut out = vec![0u8; pair.public().modulus_len()];
            pair.sign(padding, &ring::rand::SystemRandom::new(), base.as_bytes(), &mut out)
                .map_err(|e| e.to_string())?;
            b64.encode(out)
        }
        "RSA-SHA1" => {
            use rsa::pkcs1::DecodeRsaPrivateKey;
            use rsa::pkcs8::DecodePrivateKey;
            use rsa::signature::{SignatureEncoding, Signer};
            let der = super::jwt::pem_der(&p.private_key)?;
            let key = rsa::RsaPrivateKey::from_pkcs8_der(&der)
                .or_else(|_| rsa::RsaPrivateKey::from_pkcs1_der(&der))
                .map_err(|e| format!("the private key is not an RSA key in PEM ({e})"))?;
            let signer = rsa::pkcs1v15::SigningKey::<sha1_legacy::Sha1>::new(key);
            b64.encode(signer.sign(base.as_bytes()).to_bytes())
        }
        other => return Err(format!("unknown signature method `{other}`")),
    })
}

/// A nonce as `node-oauth1` makes one (its alphabet, eleven characters).
pub fn nonce() -> String {
    const CHARS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXTZabcdefghiklmnopqrstuvwxyz";
    (0..11).map(|_| CHARS[rand::random_range(0..CHARS.len())] as char).collect()
}

/// Signs `req`; `None` when the block lacks what signing needs (Newman then sends the
/// request unsigned, silently).
pub fn sign(req: &Request<'_>, p: &OAuth1Params) -> Option<Result<Placement, String>> {
    let method = if p.signature_method.is_empty() { "HMAC-SHA1" } else { p.signature_method.as_str() };
    let rsa = method.to_uppercase().starts_with("RSA");
    if p.consumer_key.is_empty() || (!rsa && p.consumer_secret.is_empty()) || (rsa && p.private_key.is_empty()) {
        return None;
    }
    let keep = |v: &str| p.add_empty_params_to_sign || !v.trim().is_empty();
    let hash_algorithm = method.split('-').nth(1).unwrap_or("");
    let body_hash = match (req.form, p.include_body_hash) {
        (None, true) => {
            let body = req.body.unwrap_or(b"");
            let b64 = base64::engine::general_purpose::STANDARD;
            use sha2::Digest;
            match hash_algorithm {
                "SHA1" => Some(b64.encode(sha1::Sha1::digest(body))),
                "SHA256" => Some(b64.encode(sha2::Sha256::digest(body))),
                "SHA512" => Some(b64.encode(sha2::Sha512::digest(body))),
                _ => None,
            }
        }
        _ => None,
    };
    let mut protocol: Vec<(String, String)> = [
        ("oauth_consumer_key", p.consumer_key.as_str()),
        ("oauth_token", p.token.as_str()),
        ("oauth_signature_method", method),
        ("oauth_timestamp", p.timestamp.as_str()),
        ("oauth_nonce", p.nonce.as_str()),
        ("oauth_version", p.version.as_str()),
    ]
    .into_iter()
    .filter(|(_, v)| keep(v))
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    // Extensions are signed only when set, whatever addEmptyParamsToSign says.
    for (k, v) in [
        ("oauth_body_hash", body_hash.unwrap_or_default()),
        ("oauth_callback", p.callback.clone()),
        ("oauth_verifier", p.verifier.clone()),
    ] {
        if !v.trim().is_empty() {
            protocol.push((k.to_string(), v));
        }
    }
    let mut signed: Vec<(String, Option<String>)> =
        protocol.iter().map(|(k, v)| (k.clone(), Some(v.clone()))).collect();
    signed.extend(req.form.unwrap_or(&[]).iter().map(|(k, v)| (k.clone(), Some(v.clone()))));
    let base = base_string(req.method, req.url, &signed);
    let signature = match signature(p, &base) {
        Ok(s) => s,
        Err(e) => return Some(Err(e)),
    };
    protocol.push(("oauth_signature".into(), signature));
    let placement = if p.add_params_to_header {
        let encode = |s: &str| if p.disable_header_encoding { s.to_string() } else { percent_encode(s) };
        let mut parts = Vec::new();
        if !p.realm.trim().is_empty() {
            parts.push(format!("realm=\"{}\"", encode(&p.realm)));
        }
        for (k, v) in &protocol {
            if !v.is_empty() {
                parts.push(format!("{}=\"{}\"", encode(k), encode(v.trim())));
            }
        }
        Placement::Header(format!("OAuth {}", parts.join(",")))
    } else if req.form.is_some() && matches!(req.method.to_uppercase().as_str(), "PUT" | "POST") {
        Placement::Body(protocol)
    } else {
        Placement::Query(protocol.into_iter().map(|(k, v)| (percent_encode(&k), percent_encode(&v))).collect())
    };
    Some(Ok(placement))
}

/// The query re-encoded as RFC 3986 wants it (Newman does this before sending).
pub fn reencode_query(query: &str) -> String {
    decode_form(query)
        .into_iter()
        .map(|(k, v)| match v {
            Some(v) => format!("{}={}", percent_encode(&k), percent_encode(&v)),
            None => percent_encode(&k),
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests;
