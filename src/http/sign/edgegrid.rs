//! Akamai EdgeGrid (Postman's `edgegrid` auth), as Newman's runtime signs: `EG1-HMAC-SHA256`
//! over the method, scheme, host (the block's baseURL's, or the request's), path and query,
//! the chosen headers, and for POST the hash of the body up to `maxBodySize`.
//!
//! Pure: the request's parts in, the `Authorization` value out.

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// The auth block's parameters, variables resolved.
#[derive(Clone, Debug, Default)]
pub struct EdgeGridParams {
    pub access_token: String,
    pub client_token: String,
    pub client_secret: String,
    pub nonce: String,
    /// `20140321T19:34:21+0000`.
    pub timestamp: String,
    /// The host to sign instead of the request's (from the block's baseURL).
    pub base_host: String,
    pub headers_to_sign: Vec<String>,
    /// Bytes of a POST body that are hashed (Newman's default 131072).
    pub max_body: usize,
}

pub struct Request<'a> {
    pub method: &'a str,
    pub scheme: &'a str,
    pub host: &'a str,
    /// Path and query as sent.
    pub path: &'a str,
    pub headers: &'a [(String, String)],
    pub body: Option<&'a [u8]>,
}

fn hmac_b64(key: &[u8], data: &[u8]) -> String {
    // HMAC takes keys of any length.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(data);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The chosen headers, `name:value` joined by tabs; absent and empty ones left out.
fn canonical_headers(names: &[String], headers: &[(String, String)]) -> String {
    names
        .iter()
        .filter_map(|name| {
            let name = name.trim().to_ascii_lowercase();
            let values: Vec<&str> =
                headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case(&name)).map(|(_, v)| v.as_str()).collect();
            // A repeated header is a list in Newman's runtime, which it does not sign.
            let [value] = values.as_slice() else { return None };
            (!value.is_empty()).then(|| format!("{name}:{}", value.split_whitespace().collect::<Vec<_>>().join(" ")))
        })
        .collect::<Vec<_>>()
        .join("\t")
}

/// The `Authorization` value; `None` without the three tokens (Newman then does not sign).
pub fn header(req: &Request<'_>, p: &EdgeGridParams) -> Option<String> {
    if p.access_token.is_empty() || p.client_token.is_empty() || p.client_secret.is_empty() {
        return None;
    }
    let signing_key = hmac_b64(p.client_secret.as_bytes(), p.timestamp.as_bytes());
    let auth = format!(
        "EG1-HMAC-SHA256 client_token={};access_token={};timestamp={};nonce={};",
        p.client_token, p.access_token, p.timestamp, p.nonce
    );
    let body_hash = match req.body.filter(|b| !b.is_empty() && req.method == "POST" && p.max_body > 0) {
        Some(body) => {
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&body[..body.len().min(p.max_body)]))
        }
        None => String::new(),
    };
    let host = if p.base_host.is_empty() { req.host } else { p.base_host.as_str() };
    let path = if req.path.is_empty() { "/" } else { req.path };
    let data =
        [req.method, req.scheme, host, path, &canonical_headers(&p.headers_to_sign, req.headers), &body_hash, &auth]
            .join("\t");
    Some(format!("{auth}signature={}", hmac_b64(signing_key.as_bytes(), data.as_bytes())))
}

/// `20140321T19:34:21+0000`, now.
pub fn timestamp() -> String {
    chrono::Utc::now().format("%Y%m%dT%H:%M:%S+0000").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "akaa-baseurl-xxxxxxxxxxx-xxxxxxxxxxxxx.luna.akamaiapis.net";

    fn akamai() -> EdgeGridParams {
        EdgeGridParams {
            access_token: "akab-access-token-xxx-xxxxxxxxxxxxxxxx".into(),
            client_token: "akab-client-token-xxx-xxxxxxxxxxxxxxxx".into(),
            client_secret: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=".into(),
            nonce: "nonce-xx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".into(),
            timestamp: "20140321T19:34:21+0000".into(),
            base_host: String::new(),
            headers_to_sign: vec!["X-Test1".into(), "X-Test2".into(), "X-Test3".into()],
            max_body: 2048,
        }
    }

    /// Akamai's published EdgeGrid test cases (the edgegrid libraries' `testcases.json`).
    #[test]
    fn akamais_published_test_cases() {
        let d = |n: usize| "d".repeat(n);
        let p = |n: usize| "P".repeat(n);
        /// (case, method, path and query, body, headers, signature)
        type Case =
            (&'static str, &'static str, &'static str, Option<String>, Vec<(&'static str, &'static str)>, &'static str);
        let cases: Vec<Case> = vec![
            ("simple GET", "GET", "/", None, vec![], "tL+y4hxyHxgWVD30X3pWnGKHcPzmrIF+LThiAOhMxYU="),
            (
                "GET with querystring",
                "GET",
                "/testapi/v1/t1?p1=1&p2=2",
                None,
                vec![],
                "hKDH1UlnQySSHjvIcZpDMbQHihTQ0XyVAKZaApabdeA=",
            ),
            (
                "POST inside limit",
                "POST",
                "/testapi/v1/t3",
                Some("data".repeat(8)),
                vec![],
                "hXm4iCxtpN22m4cbZb4lVLW5rhX8Ca82vCFqXzSTPe4=",
            ),
            (
                "POST too large",
                "POST",
                "/testapi/v1/t3",
                Some(d(2049)),
                vec![],
                "6Q6PiTipLae6n4GsSIDTCJ54bEbHUBp+4MUXrbQCBoY=",
            ),
            (
                "POST length equals max_body",
                "POST",
                "/testapi/v1/t3",
                Some(d(2048)),
                vec![],
                "6Q6PiTipLae6n4GsSIDTCJ54bEbHUBp+4MUXrbQCBoY=",
            ),
            (
                "POST empty body",
                "POST",
                "/testapi/v1/t6",
                Some(String::new()),
                vec![],
                "1gEDxeQGD5GovIkJJGcBaKnZ+VaPtrc4qBUHixjsPCQ=",
            ),
            (
                "Simple header signing with GET",
                "GET",
                "/testapi/v1/t4",
                None,
                vec![("X-Test1", "test-simple-header")],
                "8F9AybcRw+PLxnvT+H0JRkjROrrUgsxJTnRXMzqvcwY=",
            ),
            (
                "Header containing spaces",
                "GET",
                "/testapi/v1/t4",
                None,
                vec![("X-Test1", "\"     test-header-with-spaces     \"")],
                "ucq2AbjCNtobHfCTuS38fdkl5UDdWHZhQX46fYR8CqI=",
            ),
            (
                "Headers out of order",
                "GET",
                "/testapi/v1/t4",
                None,
                vec![("X-Test2", "t2"), ("X-Test1", "t1"), ("X-Test3", "t3")],
                "Wus73Nx8jOYM+kkBFF2q8D1EATRIMr0WLWwpLBgkBqY=",
            ),
            (
                "Extra header",
                "GET",
                "/testapi/v1/t5",
                None,
                vec![("X-Test2", "t2"), ("X-Test1", "t1"), ("X-Test3", "t3"), ("X-Extra", "this won't be included")],
                "Knd/jc0A5Ghhizjayr0AUUvl2MZjBpS3FDSzvtq4Ixc=",
            ),
            ("PUT test", "PUT", "/testapi/v1/t6", Some(p(31)), vec![], "GNBWEYSEWOLtu+7dD52da2C39aX/Jchpon3K/AmBqBU="),
            (
                "PATCH test",
                "PATCH",
                "/testapi/v1/t6",
                Some(p(31)),
                vec![],
                "JIl05ImY1AOnMtmw+9LKgaFA8mnzsEKabbnHmI8LsQ4=",
            ),
            (
                "GET with query params",
                "GET",
                "/testapi/v1/configs/111?from=12345&limit=200000",
                None,
                vec![],
                "XM+hsuSs6nuy/5eDRty1IjtVCAdr8xPFRAZ/b8RXDm8=",
            ),
            (
                "separator in path",
                "GET",
                "/testapi/v1/configs/111;222;333?from=12345&limit=200000",
                None,
                vec![],
                "pmQF7Is2+O4r/mMojPR4yeF58BrempNNoBX5/DT0Fxs=",
            ),
        ];
        for (name, method, path, body, headers, signature) in cases {
            let headers: Vec<(String, String)> = headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            let req = Request {
                method,
                scheme: "https",
                host: HOST,
                path,
                headers: &headers,
                body: body.as_deref().map(str::as_bytes),
            };
            let value = header(&req, &akamai()).unwrap();
            assert!(value.ends_with(&format!("signature={signature}")), "{name}: {value}");
        }
    }

    /// Two requests Newman 6.2.2 signed against 127.0.0.1:36919.
    #[test]
    fn options_match_newman() {
        let headers = vec![("X-Test1".to_string(), "  a   b ".to_string()), ("X-Test2".to_string(), "t2".to_string())];
        let p = EdgeGridParams {
            headers_to_sign: vec!["X-Test1".into(), " X-Test2".into(), "X-Missing".into()],
            max_body: 4,
            ..akamai()
        };
        let req = Request {
            method: "POST",
            scheme: "http",
            host: "127.0.0.1:36919",
            path: "/post?x=1&y=a%20b",
            headers: &headers,
            body: Some(b"datadata"),
        };
        assert!(header(&req, &p).unwrap().ends_with("signature=TDkUN84AKg67pJlfnPKFCEINMveL5zyiQc5b+bFdunA="));
        let base = EdgeGridParams { base_host: HOST.into(), headers_to_sign: vec![], ..akamai() };
        let get =
            Request { method: "GET", scheme: "http", host: "127.0.0.1:36919", path: "/get", headers: &[], body: None };
        assert!(header(&get, &base).unwrap().ends_with("signature=CGfsBNgSBQ4h5tdyHedr9+/486peUQ5zJ3K72zts+gM="));
    }

    #[test]
    fn the_base_url_host_is_signed_and_missing_tokens_sign_nothing() {
        let req =
            Request { method: "GET", scheme: "https", host: "proxy.local:8443", path: "/", headers: &[], body: None };
        let with_base = EdgeGridParams { base_host: HOST.into(), ..akamai() };
        assert!(header(&req, &with_base).unwrap().ends_with("signature=tL+y4hxyHxgWVD30X3pWnGKHcPzmrIF+LThiAOhMxYU="));
        assert!(header(&req, &EdgeGridParams { client_secret: String::new(), ..akamai() }).is_none());
        assert_eq!(timestamp().len(), "20140321T19:34:21+0000".len());
    }
}
