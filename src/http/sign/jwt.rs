//! Postman's JWT Bearer auth (`jwt`): a token built from the block's header and payload
//! JSON, signed with HS/RS/PS/ES 256/384/512 as Newman's `jose` does (the header keeps the
//! user's keys in order, with `alg` set to the block's algorithm).
//!
//! Pure: parameters in, token out. HMAC from RustCrypto, RSA and P-256/P-384 from ring
//! (deterministic PKCS#1 v1.5; randomised PSS and ECDSA), P-521 from the `p521` crate.
//! `sign_object` is shared with ASAP, which builds its own header and claims.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Map, Value};

/// The auth block's parameters, variables resolved.
#[derive(Clone, Debug, Default)]
pub struct JwtParams {
    pub algorithm: String,
    pub secret: String,
    pub secret_base64: bool,
    /// PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), as Postman asks for it.
    pub private_key: String,
    /// Extra header claims, JSON text (may be empty).
    pub header: String,
    /// The payload, JSON text (empty: `{}`).
    pub payload: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JwtError {
    #[error(
        "JWT algorithm `{0}` is not one of HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512"
    )]
    Algorithm(String),
    #[error("the JWT secret is empty; enter a valid key")]
    NoSecret,
    #[error("the JWT secret is marked base64 but is not valid base64")]
    SecretNotBase64,
    #[error("the JWT {0} is not valid JSON: {1}")]
    Json(&'static str, String),
    #[error("the JWT private key is not a PKCS#8 PEM key for {0} (-----BEGIN PRIVATE KEY-----): {1}")]
    Key(String, String),
}

/// The signed token.
pub fn token(p: &JwtParams) -> Result<String, JwtError> {
    let mut header = parse_object(&p.header, "header")?;
    // `{ ...header, alg }`: an `alg` already there keeps its place with the new value.
    header.insert("alg".into(), Value::String(p.algorithm.clone()));
    let payload = parse_object(&p.payload, "payload")?;
    sign_object(p, header, payload)
}

/// Signs `header` and `payload` as they are (the header's `alg` is the caller's to set).
pub fn sign_object(p: &JwtParams, header: Map<String, Value>, payload: Map<String, Value>) -> Result<String, JwtError> {
    let alg = p.algorithm.as_str();
    let family = alg.get(..2).unwrap_or("");
    let bits = alg.get(2..).unwrap_or("");
    if !matches!(family, "HS" | "RS" | "PS" | "ES") || !matches!(bits, "256" | "384" | "512") {
        return Err(JwtError::Algorithm(p.algorithm.clone()));
    }
    let signing_input = format!(
        "{}.{}",
        B64URL.encode(Value::Object(header).to_string()),
        B64URL.encode(Value::Object(payload).to_string())
    );
    let signature = match family {
        "HS" => hmac(bits, &secret_bytes(p)?, signing_input.as_bytes()),
        _ => with_key(
            family,
            bits,
            &pem_der(&p.private_key).map_err(|e| JwtError::Key(alg.into(), e))?,
            signing_input.as_bytes(),
        )
        .map_err(|e| JwtError::Key(alg.into(), e))?,
    };
    Ok(format!("{signing_input}.{}", B64URL.encode(signature)))
}

pub(super) fn parse_object(text: &str, what: &'static str) -> Result<Map<String, Value>, JwtError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(JwtError::Json(what, "not an object".into())),
        Err(e) => Err(JwtError::Json(what, e.to_string())),
    }
}

fn secret_bytes(p: &JwtParams) -> Result<Vec<u8>, JwtError> {
    if p.secret.is_empty() {
        return Err(JwtError::NoSecret);
    }
    if p.secret_base64 {
        base64::engine::general_purpose::STANDARD.decode(p.secret.trim()).map_err(|_| JwtError::SecretNotBase64)
    } else {
        Ok(p.secret.as_bytes().to_vec())
    }
}

fn hmac(bits: &str, key: &[u8], data: &[u8]) -> Vec<u8> {
    fn run<M: Mac + KeyInit>(key: &[u8], data: &[u8]) -> Vec<u8> {
        // HMAC takes keys of any length.
        let mut mac = <M as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
        mac.update(data);
        mac.finalize().into_bytes().to_vec()
    }
    match bits {
        "256" => run::<Hmac<sha2::Sha256>>(key, data),
        "384" => run::<Hmac<sha2::Sha384>>(key, data),
        _ => run::<Hmac<sha2::Sha512>>(key, data),
    }
}

/// The DER inside a PEM block (line breaks optional, as ASAP keys come without them).
pub fn pem_der(pem: &str) -> Result<Vec<u8>, String> {
    let start = pem.find("-----BEGIN").ok_or("no PEM block")?;
    let rest = &pem[start + "-----BEGIN".len()..];
    let body_start = rest.find("-----").ok_or("no PEM block")? + 5;
    let body = &rest[body_start..];
    let body = &body[..body.find("-----END").ok_or("no end of the PEM block")?];
    let inner: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(inner).map_err(|e| format!("bad base64 ({e})"))
}

fn with_key(family: &str, bits: &str, der: &[u8], data: &[u8]) -> Result<Vec<u8>, String> {
    use ring::signature as sig;
    let rng = ring::rand::SystemRandom::new();
    match family {
        "RS" | "PS" => {
            // PKCS#8 as Postman asks for, or a bare PKCS#1 RSA key.
            let pair = sig::RsaKeyPair::from_pkcs8(der)
                .or_else(|_| sig::RsaKeyPair::from_der(der))
                .map_err(|e| e.to_string())?;
            let padding: &'static dyn sig::RsaEncoding = match (family, bits) {
                ("RS", "256") => &sig::RSA_PKCS1_SHA256,
                ("RS", "384") => &sig::RSA_PKCS1_SHA384,
                ("RS", _) => &sig::RSA_PKCS1_SHA512,
                (_, "256") => &sig::RSA_PSS_SHA256,
                (_, "384") => &sig::RSA_PSS_SHA384,
                _ => &sig::RSA_PSS_SHA512,
            };
            let mut out = vec![0u8; pair.public().modulus_len()];
            pair.sign(padding, &rng, data, &mut out).map_err(|e| e.to_string())?;
            Ok(out)
        }
        _ if bits == "512" => {
            use p521::ecdsa::signature::Signer;
            use p521::pkcs8::DecodePrivateKey;
            let secret = p521::SecretKey::from_pkcs8_der(der).map_err(|e| e.to_string())?;
            let key = p521::ecdsa::SigningKey::from(&secret);
            let signature: p521::ecdsa::Signature = key.sign(data);
            Ok(signature.to_bytes().to_vec())
        }
        _ => {
            let alg = if bits == "256" {
                &sig::ECDSA_P256_SHA256_FIXED_SIGNING
            } else {
                &sig::ECDSA_P384_SHA384_FIXED_SIGNING
            };
            let pair = sig::EcdsaKeyPair::from_pkcs8(alg, der, &rng).map_err(|e| e.to_string())?;
            Ok(pair.sign(&rng, data).map_err(|e| e.to_string())?.as_ref().to_vec())
        }
    }
}

#[cfg(test)]
mod tests;
