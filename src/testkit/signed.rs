//! The echo API's verifying endpoints for signed requests: each recomputes the signature
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
