//! Atlassian S2S (ASAP, Postman's `asap` auth): a JWT with `alg` and `kid` in the header
//! and `iat`, `iss`, `sub`, `jti`, `aud`, `exp` over the block's claims, as Newman's
//! runtime sets them (claims win over the block's fields; `sub` falls back to `iss`), signed
//! with the private key (PEM, or a `data:application/pkcs8;kid=...;base64,...` URI).

use base64::Engine as _;
use serde_json::{Map, Value};

use super::jwt::{JwtError, JwtParams, parse_object, sign_object};

#[derive(Clone, Debug, Default)]
pub struct AsapParams {
    /// `RS256` when empty; HMAC algorithms are not ASAP's.
    pub alg: String,
    pub kid: String,
    pub iss: String,
    pub sub: String,
    pub aud: String,
    /// Seconds until expiry (default 3600).
    pub exp: String,
    pub private_key: String,
    /// Extra claims, JSON text.
    pub claims: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AsapError {
    #[error("ASAP needs kid, iss, aud and privateKey; {0} is missing")]
    Missing(&'static str),
    #[error("ASAP algorithm `{0}` is not one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512")]
    Algorithm(String),
    #[error("the ASAP private key data URI is malformed or its kid is not the block's kid")]
    DataUri,
    #[error(transparent)]
    Jwt(#[from] JwtError),
}

fn truthy(v: Option<&Value>) -> Option<Value> {
    v.filter(|v| match v {
        Value::Null | Value::Bool(false) => false,
        Value::String(s) => !s.is_empty(),
        Value::Number(n) => n.as_f64() != Some(0.0),
        _ => true,
    })
    .cloned()
}

fn int(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().split(|c: char| !c.is_ascii_digit() && c != '-').next()?.parse().ok(),
        _ => None,
    }
    .filter(|n| *n != 0)
}

/// The private key as PEM: a data URI's DER is wrapped, a PEM is taken as written.
fn private_key_pem(text: &str, kid: &str) -> Result<String, AsapError> {
    let text = text.trim();
    let text = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(text);
    let text = percent_decode(text).replace('\n', "");
    let Some(rest) = text.strip_prefix("data:application/pkcs8;kid=") else { return Ok(text) };
    let (uri_kid, data) = rest.split_once(";base64,").ok_or(AsapError::DataUri)?;
    if uri_kid != kid {
        return Err(AsapError::DataUri);
    }
    let der = base64::engine::general_purpose::STANDARD.decode(data).map_err(|_| AsapError::DataUri)?;
    Ok(format!(
        "-----BEGIN PRIVATE KEY-----{}-----END PRIVATE KEY-----",
        base64::engine::general_purpose::STANDARD.encode(der)
    ))
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The token, at `now` (seconds since the epoch) with `jti` for a token id when the
/// claims give none.
pub fn token(p: &AsapParams, now: i64, jti: &dyn Fn() -> String) -> Result<String, AsapError> {
    let mut claims: Map<String, Value> = parse_object(&p.claims, "claims")?;
    let field = |s: &str| (!s.is_empty()).then(|| Value::String(s.to_string()));
    let issuer = truthy(claims.get("iss")).or_else(|| field(&p.iss));
    let subject = truthy(claims.get("sub")).or_else(|| field(&p.sub)).or_else(|| issuer.clone());
    let audience = truthy(claims.get("aud")).or_else(|| field(&p.aud));
    let token_id = truthy(claims.get("jti")).unwrap_or_else(|| Value::String(jti()));
    let issued_at = truthy(claims.get("iat")).unwrap_or_else(|| Value::from(now));
    let expiry = p.exp.trim().parse::<i64>().ok().filter(|n| *n != 0).unwrap_or(3600);
    let expires = int(claims.get("exp")).unwrap_or(now + expiry);
    let kid = truthy(claims.get("kid")).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_else(|| p.kid.clone());
    let alg = if p.alg.is_empty() { "RS256".to_string() } else { p.alg.clone() };
    let issuer = issuer.ok_or(AsapError::Missing("iss"))?;
    let audience = audience.ok_or(AsapError::Missing("aud"))?;
    if kid.is_empty() {
        return Err(AsapError::Missing("kid"));
    }
    if p.private_key.trim().is_empty() {
        return Err(AsapError::Missing("privateKey"));
    }
    if alg.starts_with("HS") || !matches!(alg.get(2..), Some("256" | "384" | "512")) {
        return Err(AsapError::Algorithm(alg));
    }
    // The order jose's setters give: existing claims keep their place.
    for (key, value) in [
        ("iat", issued_at),
        ("iss", issuer),
        ("sub", subject.unwrap_or(Value::Null)),
        ("jti", token_id),
        ("aud", audience),
        ("exp", Value::from(expires)),
    ] {
        claims.insert(key.to_string(), value);
    }
    let mut header = Map::new();
    header.insert("alg".into(), Value::String(alg.clone()));
    header.insert("kid".into(), Value::String(kid.clone()));
    let key = JwtParams { algorithm: alg, private_key: private_key_pem(&p.private_key, &kid)?, ..Default::default() };
    Ok(sign_object(&key, header, claims)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> String {
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/jwt/rsa.pem")).unwrap()
    }

    fn block() -> AsapParams {
        AsapParams {
            alg: "RS256".into(),
            kid: "key-1".into(),
            iss: "postie".into(),
            aud: "service-a".into(),
            private_key: key(),
            ..Default::default()
        }
    }

    #[test]
    fn equals_newman_when_the_claims_fix_the_times() {
        // Newman 6.2.2, same block and key.
        let p = AsapParams {
            claims: r#"{"iat":1700000000,"jti":"fixed-jti","exp":1700003600,"custom":"x"}"#.into(),
            ..block()
        };
        let expected = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImtleS0xIn0.eyJpYXQiOjE3MDAwMDAwMDAsImp0aSI6ImZpeGVkLWp0aSIsImV4cCI6MTcwMDAwMzYwMCwiY3VzdG9tIjoieCIsImlzcyI6InBvc3RpZSIsInN1YiI6InBvc3RpZSIsImF1ZCI6InNlcnZpY2UtYSJ9.fydpjppeqDC03vMgESTGkKe9AO7ccNdZCBXzxEZO0R7ay4CvXqfPR_znawUZ_zPadM4QRo60m6gOjmnXyylInqinV8O4eodpgvJCwD-nsWYsq9M98hlcylCy6UGDjUuEf788wPjS0_1MMvoozf0XZHMViUWMVoY8p61hto6Jj_mO968ot6HBsnW0KzQVpnpKjPXwOIcp5c5g2aiCD09f5O5iiVwtheQZM2XIiLLm5S4DJG8hBupD4TbUjF-o0kb_aqUreh2-CaU_b_lg-dMl9Qr9H7S_jNmGYtJomn8rUbdD_Rp96IXtjIKzZe6ahpQGEeavAdn3Z8ICyUT--okTPA";
        assert_eq!(token(&p, 1_800_000_000, &|| "unused".into()).unwrap(), expected);
    }

    #[test]
    fn claims_are_filled_in_jose_order_with_defaults() {
        // Newman's shape for {"jti":"j2","iat":...} with sub and a 60 s expiry, and a key
        // without line breaks.
        let p = AsapParams {
            sub: "alice".into(),
            exp: "60".into(),
            private_key: key().replace('\n', ""),
            claims: r#"{"jti":"j2","iat":1700000000}"#.into(),
            ..block()
        };
        let signed = token(&p, 1_796_565_550, &|| "unused".into()).unwrap();
        let payload = signed.split('.').nth(1).unwrap();
        let payload =
            String::from_utf8(base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        assert_eq!(
            payload,
            r#"{"jti":"j2","iat":1700000000,"iss":"postie","sub":"alice","aud":"service-a","exp":1796565610}"#
        );
        let defaults = token(&AsapParams { alg: String::new(), ..block() }, 100, &|| "generated".into()).unwrap();
        let payload = String::from_utf8(
            base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(defaults.split('.').nth(1).unwrap()).unwrap(),
        )
        .unwrap();
        assert_eq!(
            payload,
            r#"{"iat":100,"iss":"postie","sub":"postie","jti":"generated","aud":"service-a","exp":3700}"#
        );
    }

    #[test]
    fn data_uri_keys_and_bad_blocks() {
        let der = super::super::jwt::pem_der(&key()).unwrap();
        let uri = format!(
            "data:application/pkcs8;kid=key-1;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&der)
        );
        assert!(token(&AsapParams { private_key: uri.clone(), ..block() }, 1, &|| "j".into()).is_ok());
        let wrong_kid = AsapParams { private_key: uri, kid: "other".into(), ..block() };
        assert_eq!(token(&wrong_kid, 1, &|| "j".into()).unwrap_err(), AsapError::DataUri);
        assert_eq!(
            token(&AsapParams { aud: String::new(), ..block() }, 1, &|| "j".into()).unwrap_err(),
            AsapError::Missing("aud")
        );
        assert!(matches!(
            token(&AsapParams { alg: "HS256".into(), ..block() }, 1, &|| "j".into()),
            Err(AsapError::Algorithm(_))
        ));
    }
}
