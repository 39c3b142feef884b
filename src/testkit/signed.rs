//! The echo API's verifying endpoints for signed requests (AWS SigV4, Hawk, JWT, OAuth 1.0a,
//! EdgeGrid): each recomputes the signature
//! from the request as it arrived (method, path, query, the signed headers' values, the
//! body's hash) with the test secret, and answers 401 with the reason on a mismatch, so a
//! request changed after signing (by a proxy, or by signing the wrong body) fails.

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::http::sign::awsv4::{Canonical, PathEncoding, parse_query, signature};

/// The secret key every verifying endpoint expects.
pub const TEST_SECRET: &str = "postie-test-secret";

fn refuse(why: String) -> Response {
    (StatusCode::UNAUTHORIZED, axum::Json(serde_json::json!({ "verified": false, "reason": why }))).into_response()
}

/// `/aws-sigv4/...`: AWS Signature V4 in the Authorization header or the query string.
pub(crate) async fn aws_sigv4(method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    match verify_aws(&method, &uri, &headers, &body) {
        Ok(credential) => axum::Json(serde_json::json!({ "verified": true, "credential": credential })).into_response(),
        Err(why) => refuse(why),
    }
}

fn verify_aws(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Result<String, String> {
    let query = uri.query().unwrap_or("");
    let params = parse_query(query);
    let from_query = |key: &str| params.iter().find(|(k, _)| k == key).and_then(|(_, v)| v.first().cloned());
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let (credential, signed_names, given, datetime, in_query) = match header("authorization") {
        Some(auth) => {
            let rest = auth.strip_prefix("AWS4-HMAC-SHA256 ").ok_or("Authorization is not AWS4-HMAC-SHA256")?;
            let field =
                |name: &str| rest.split(", ").find_map(|p| p.strip_prefix(&format!("{name}="))).map(str::to_string);
            let datetime = header("x-amz-date").ok_or("no X-Amz-Date header")?;
            (
                field("Credential").ok_or("no Credential")?,
                field("SignedHeaders").ok_or("no SignedHeaders")?,
                field("Signature").ok_or("no Signature")?,
                datetime,
                false,
            )
        }
        None => (
            from_query("X-Amz-Credential").ok_or("no Authorization header and no X-Amz-Credential")?,
            from_query("X-Amz-SignedHeaders").ok_or("no X-Amz-SignedHeaders")?,
            from_query("X-Amz-Signature").ok_or("no X-Amz-Signature")?,
            from_query("X-Amz-Date").ok_or("no X-Amz-Date")?,
            true,
        ),
    };
    let scope: Vec<&str> = credential.split('/').collect();
    let [_, _, region, service, "aws4_request"] = scope.as_slice() else {
        return Err(format!("bad credential scope {credential}"));
    };
    let signed: Vec<(String, String)> = signed_names
        .split(';')
        .map(|name| {
            let values: Vec<String> =
                headers.get_all(name).iter().map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()).collect();
            (name.to_string(), values.join(","))
        })
        .collect();
    let query: Vec<(String, Vec<String>)> = params.into_iter().filter(|(k, _)| k != "X-Amz-Signature").collect();
    let s3 = *service == "s3";
    let payload = if in_query && s3 {
        "UNSIGNED-PAYLOAD".to_string()
    } else {
        let actual = hex(&Sha256::digest(body));
        match header("x-amz-content-sha256") {
            // The declared hash must be the body's: a body changed after signing fails here.
            Some(declared) if declared != actual && !(body.is_empty() && declared == hex(&Sha256::digest(b""))) => {
                return Err(format!("X-Amz-Content-Sha256 {declared} is not the hash of the body received ({actual})"));
            }
            Some(declared) => declared,
            None => actual,
        }
    };
    let canonical = Canonical {
        method: method.as_str(),
        path: uri.path(),
        query: &query,
        headers: &signed,
        payload: &payload,
        s3,
        encoding: PathEncoding::Twice,
    };
    let expected = signature(&canonical.text(), TEST_SECRET, &datetime, region, service);
    if expected == given {
        Ok(credential)
    } else {
        Err(format!("signature mismatch; canonical request as received:\n{}", canonical.text()))
    }
}

/// `/hawk/...`: Hawk with key `TEST_SECRET` (sha256 or sha1), the payload hash checked
/// against the body when the header carries one.
pub(crate) async fn hawk(method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    match verify_hawk(&method, &uri, &headers, &body) {
        Ok(id) => axum::Json(serde_json::json!({ "verified": true, "id": id })).into_response(),
        Err(why) => refuse(why),
    }
}

/// The `key="value"` attributes of a Hawk header, unescaped.
fn hawk_attributes(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(eq) = rest.find("=\"") {
        let key = rest[..eq].trim().trim_start_matches(',').trim().to_string();
        let mut text = String::new();
        let mut chars = rest[eq + 2..].char_indices();
        let mut end = rest.len() - eq - 2;
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, next)) = chars.next() {
                        text.push(next);
                    }
                }
                '"' => {
                    end = i + 1;
                    break;
                }
                other => text.push(other),
            }
        }
        out.push((key, text));
        rest = &rest[eq + 2 + end..];
    }
    out
}

fn verify_hawk(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Result<String, String> {
    use crate::http::sign::hawk;
    let value = headers.get("authorization").and_then(|v| v.to_str().ok()).ok_or("no Authorization header")?;
    let attributes = value.strip_prefix("Hawk ").map(hawk_attributes).ok_or("not a Hawk header")?;
    let get = |k: &str| attributes.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let host_header = headers.get("host").and_then(|v| v.to_str().ok()).unwrap_or("");
    let (host, port) = match host_header.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => {
            (h.trim_matches(['[', ']']).to_string(), p.parse().unwrap_or(80))
        }
        _ => (host_header.to_string(), 80),
    };
    let hash = get("hash");
    if !hash.is_empty() {
        let content_type = headers.get("content-type").and_then(|v| v.to_str().ok());
        let ok = ["sha256", "sha1"]
            .iter()
            .any(|alg| hawk::payload_hash(alg, content_type, body).as_deref() == Some(hash.as_str()));
        if !ok {
            return Err("the payload hash is not the hash of the body received".into());
        }
    }
    let resource = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let request = hawk::Request {
        method: method.as_str(),
        resource,
        host: &host,
        port,
        hash: (!hash.is_empty()).then_some(hash.as_str()),
    };
    for algorithm in ["sha256", "sha1"] {
        let params = hawk::HawkParams {
            id: get("id"),
            key: TEST_SECRET.into(),
            algorithm: algorithm.into(),
            nonce: get("nonce"),
            timestamp: get("ts"),
            ext: get("ext"),
            app: get("app"),
            dlg: get("dlg"),
        };
        let expected = hawk::header(&request, &params).map(|h| hawk_attributes(&h[5..]));
        let mac = expected.and_then(|a| a.into_iter().find(|(k, _)| k == "mac").map(|(_, v)| v));
        if mac.as_deref() == Some(get("mac").as_str()) {
            return Ok(get("id"));
        }
    }
    Err(format!("MAC mismatch for {} {resource} at {host}:{port}", method.as_str()))
}

/// `/jwt/...`: a JWT in `Authorization: Bearer` or the `token` query parameter, HS* signed
/// with `TEST_SECRET`, RS*/PS*/ES* with the test keys in `fixtures/jwt`.
pub(crate) async fn jwt(uri: Uri, headers: HeaderMap) -> Response {
    let from_header = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.strip_prefix("Bearer ").unwrap_or(v).to_string());
    let from_query = url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned());
    let Some(token) = from_header.or(from_query) else { return refuse("no token".into()) };
    match verify_jwt(&token) {
        Ok(claims) => axum::Json(serde_json::json!({ "verified": true, "claims": claims })).into_response(),
        Err(why) => refuse(why),
    }
}

fn test_key(file: &str) -> Result<Vec<u8>, String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/jwt").join(file);
    let pem = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    crate::http::sign::jwt::pem_der(&pem)
}

fn verify_jwt(token: &str) -> Result<serde_json::Value, String> {
    use base64::Engine as _;
    use hmac::{Hmac, KeyInit, Mac};
    use ring::signature::{self as sig, KeyPair};
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let (input, signature) = token.rsplit_once('.').ok_or("not a JWT")?;
    let (header, payload) = input.split_once('.').ok_or("not a JWT")?;
    let header: serde_json::Value =
        serde_json::from_slice(&b64.decode(header).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let claims: serde_json::Value =
        serde_json::from_slice(&b64.decode(payload).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let signature = b64.decode(signature).map_err(|e| e.to_string())?;
    let alg = header["alg"].as_str().unwrap_or("");
    let data = input.as_bytes();
    let ok = match alg {
        "HS256" | "HS384" | "HS512" => {
            let key = TEST_SECRET.as_bytes();
            let expected = match alg {
                "HS256" => {
                    let mut m = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key).map_err(|e| e.to_string())?;
                    m.update(data);
                    m.finalize().into_bytes().to_vec()
                }
                "HS384" => {
                    let mut m = <Hmac<sha2::Sha384> as KeyInit>::new_from_slice(key).map_err(|e| e.to_string())?;
                    m.update(data);
                    m.finalize().into_bytes().to_vec()
                }
                _ => {
                    let mut m = <Hmac<sha2::Sha512> as KeyInit>::new_from_slice(key).map_err(|e| e.to_string())?;
                    m.update(data);
                    m.finalize().into_bytes().to_vec()
                }
            };
            expected == signature
        }
        "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" => {
            let pair = sig::RsaKeyPair::from_pkcs8(&test_key("rsa.pem")?).map_err(|e| e.to_string())?;
            let params: &sig::RsaParameters = match alg {
                "RS256" => &sig::RSA_PKCS1_2048_8192_SHA256,
                "RS384" => &sig::RSA_PKCS1_2048_8192_SHA384,
                "RS512" => &sig::RSA_PKCS1_2048_8192_SHA512,
                "PS256" => &sig::RSA_PSS_2048_8192_SHA256,
                "PS384" => &sig::RSA_PSS_2048_8192_SHA384,
                _ => &sig::RSA_PSS_2048_8192_SHA512,
            };
            sig::UnparsedPublicKey::new(params, pair.public().as_ref()).verify(data, &signature).is_ok()
        }
        "ES256" | "ES384" => {
            let rng = ring::rand::SystemRandom::new();
            let (file, signing, verifying) = if alg == "ES256" {
                ("ec256.pem", &sig::ECDSA_P256_SHA256_FIXED_SIGNING, &sig::ECDSA_P256_SHA256_FIXED)
            } else {
                ("ec384.pem", &sig::ECDSA_P384_SHA384_FIXED_SIGNING, &sig::ECDSA_P384_SHA384_FIXED)
            };
            let pair = sig::EcdsaKeyPair::from_pkcs8(signing, &test_key(file)?, &rng).map_err(|e| e.to_string())?;
            sig::UnparsedPublicKey::new(verifying, pair.public_key().as_ref()).verify(data, &signature).is_ok()
        }
        "ES512" => {
            use p521::ecdsa::signature::Verifier;
            use p521::pkcs8::DecodePrivateKey;
            let secret = p521::SecretKey::from_pkcs8_der(&test_key("ec521.pem")?).map_err(|e| e.to_string())?;
            let verifying = p521::ecdsa::VerifyingKey::from(&p521::ecdsa::SigningKey::from(&secret));
            p521::ecdsa::Signature::from_slice(&signature).is_ok_and(|s| verifying.verify(data, &s).is_ok())
        }
        other => return Err(format!("unknown alg {other}")),
    };
    if ok { Ok(claims) } else { Err(format!("{alg} signature does not verify")) }
}

/// The token secret `/oauth1/...` expects with any `oauth_token` (the consumer secret is
/// `TEST_SECRET`; RSA signatures verify with `fixtures/jwt/rsa.pem`).
pub const OAUTH1_TOKEN_SECRET: &str = "postie-token-secret";

/// `/oauth1/...`: OAuth 1.0a in the Authorization header, the query or a form body.
pub(crate) async fn oauth1(method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    match verify_oauth1(&method, &uri, &headers, &body) {
        Ok(key) => axum::Json(serde_json::json!({ "verified": true, "consumer": key })).into_response(),
        Err(why) => refuse(why),
    }
}

fn verify_oauth1(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Result<String, String> {
    use crate::http::sign::oauth1;
    use base64::Engine as _;
    let decode = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
    };
    let host = headers.get("host").and_then(|v| v.to_str().ok()).ok_or("no Host")?;
    let url = url::Url::parse(&format!("http://{host}{}", uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")))
        .map_err(|e| e.to_string())?;
    let is_form = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    let form: Vec<(String, String)> = if is_form {
        url::form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
    } else {
        Vec::new()
    };
    let header: Vec<(String, String)> = match headers.get("authorization").and_then(|v| v.to_str().ok()) {
        Some(value) => value
            .strip_prefix("OAuth ")
            .ok_or("Authorization is not OAuth")?
            .split(',')
            .filter_map(|p| p.trim().split_once('='))
            .map(|(k, v)| (decode(k), decode(v.trim_matches('"'))))
            .filter(|(k, _)| k != "realm")
            .collect(),
        None => Vec::new(),
    };
    let query: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let find = |name: &str| header.iter().chain(&query).chain(&form).find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let given = find("oauth_signature").ok_or("no oauth_signature")?;
    let signature_method = find("oauth_signature_method").unwrap_or_else(|| "HMAC-SHA1".into());
    if let Some(hash) = find("oauth_body_hash") {
        use sha2::Digest;
        let b64 = base64::engine::general_purpose::STANDARD;
        let actual = match signature_method.split('-').nth(1) {
            Some("SHA1") => b64.encode(sha1::Sha1::digest(body)),
            Some("SHA512") => b64.encode(sha2::Sha512::digest(body)),
            _ => b64.encode(sha2::Sha256::digest(body)),
        };
        if actual != hash {
            return Err("oauth_body_hash is not the hash of the body received".into());
        }
    }
    let extra: Vec<(String, Option<String>)> =
        header.iter().chain(&form).map(|(k, v)| (k.clone(), Some(v.clone()))).collect();
    let base = oauth1::base_string(method.as_str(), &url, &extra);
    let consumer = find("oauth_consumer_key").unwrap_or_default();
    if signature_method.starts_with("RSA") {
        use ring::signature as sig;
        let pair = sig::RsaKeyPair::from_pkcs8(&test_key("rsa.pem")?).map_err(|e| e.to_string())?;
        let params: &sig::RsaParameters = match signature_method.as_str() {
            "RSA-SHA512" => &sig::RSA_PKCS1_2048_8192_SHA512,
            "RSA-SHA1" => &sig::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
            _ => &sig::RSA_PKCS1_2048_8192_SHA256,
        };
        let raw = base64::engine::general_purpose::STANDARD.decode(&given).map_err(|e| e.to_string())?;
        return sig::UnparsedPublicKey::new(params, ring::signature::KeyPair::public_key(&pair).as_ref())
            .verify(base.as_bytes(), &raw)
            .map(|_| consumer)
            .map_err(|_| format!("RSA signature does not verify over {base}"));
    }
    let p = oauth1::OAuth1Params {
        consumer_secret: TEST_SECRET.into(),
        token_secret: if find("oauth_token").is_some() { OAUTH1_TOKEN_SECRET.into() } else { String::new() },
        signature_method,
        ..Default::default()
    };
    let expected = oauth1::signature(&p, &base)?;
    if expected == given { Ok(consumer) } else { Err(format!("signature mismatch over {base}")) }
}

/// The headers `/edgegrid/...` signs, as an EdgeGrid service is configured with them.
pub const EDGEGRID_HEADERS: [&str; 2] = ["X-Edge-One", "X-Edge-Two"];

/// `/edgegrid/...`: Akamai EdgeGrid with client secret `TEST_SECRET`, the headers in
/// `EDGEGRID_HEADERS` and bodies hashed up to 2048 bytes.
pub(crate) async fn edgegrid(method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    use crate::http::sign::edgegrid;
    let verified = (|| -> Result<String, String> {
        let value = headers.get("authorization").and_then(|v| v.to_str().ok()).ok_or("no Authorization header")?;
        let rest = value.strip_prefix("EG1-HMAC-SHA256 ").ok_or("not EG1-HMAC-SHA256")?;
        let field = |name: &str| {
            rest.split(';').find_map(|p| p.strip_prefix(&format!("{name}="))).map(str::to_string).unwrap_or_default()
        };
        let host = headers.get("host").and_then(|v| v.to_str().ok()).unwrap_or("");
        let list: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let params = edgegrid::EdgeGridParams {
            access_token: field("access_token"),
            client_token: field("client_token"),
            client_secret: TEST_SECRET.into(),
            nonce: field("nonce"),
            timestamp: field("timestamp"),
            base_host: String::new(),
            headers_to_sign: EDGEGRID_HEADERS.iter().map(|h| h.to_string()).collect(),
            max_body: 2048,
        };
        let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let req = edgegrid::Request {
            method: method.as_str(),
            scheme: "http",
            host,
            path,
            headers: &list,
            body: Some(&body),
        };
        let expected = edgegrid::header(&req, &params).ok_or("missing tokens")?;
        if expected == value { Ok(field("client_token")) } else { Err("signature mismatch".into()) }
    })();
    match verified {
        Ok(client) => axum::Json(serde_json::json!({ "verified": true, "client": client })).into_response(),
        Err(why) => refuse(why),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
