//! HTTP Digest authentication (RFC 7616, MD5) for `/digest-auth/{qop}/{user}/{pass}`.
//!
//! Owns nonce issuing, the challenge header, parsing of the client's `Authorization: Digest`
//! header and checking its `response`. `qop` is `auth`, `auth-int` or `none` (RFC 2069
//! style, no qop). A nonce is accepted only if this server issued it; `opaque`, realm,
//! user name and `uri` must match too.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use md5::{Digest as _, Md5};
use serde_json::json;

use super::body_parse::{split_outside_quotes, unquote};

pub(crate) const REALM: &str = "postie-test";

/// Issued nonces kept before the oldest are forgotten (tests issue a handful).
const MAX_NONCES: usize = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Qop {
    Auth,
    AuthInt,
    None,
}

impl Qop {
    pub(crate) fn parse(value: &str) -> Option<Qop> {
        match value {
            "auth" => Some(Qop::Auth),
            "auth-int" => Some(Qop::AuthInt),
            "none" => Some(Qop::None),
            _ => None,
        }
    }

    fn as_param(self) -> Option<&'static str> {
        match self {
            Qop::Auth => Some("auth"),
            Qop::AuthInt => Some("auth-int"),
            Qop::None => None,
        }
    }
}

/// What the server knows about the request being checked.
pub(crate) struct DigestRequest<'a> {
    pub(crate) method: &'a str,
    pub(crate) uri: &'a str,
    pub(crate) user: &'a str,
    pub(crate) pass: &'a str,
    pub(crate) body: &'a [u8],
    pub(crate) qop: Qop,
}

pub(crate) struct DigestState {
    opaque: String,
    nonces: Mutex<HashSet<String>>,
}

pub(crate) fn md5_hex(data: &[u8]) -> String {
    Md5::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

fn random_hex() -> String {
    format!("{:032x}", rand::random::<u128>())
}

impl DigestState {
    pub(crate) fn new() -> Self {
        DigestState { opaque: random_hex(), nonces: Mutex::new(HashSet::new()) }
    }

    /// A fresh `WWW-Authenticate` value; its nonce is remembered.
    pub(crate) fn challenge(&self, qop: Qop) -> String {
        let nonce = random_hex();
        {
            let mut nonces = self.nonces.lock().unwrap_or_else(|p| p.into_inner());
            if nonces.len() >= MAX_NONCES {
                nonces.clear();
            }
            nonces.insert(nonce.clone());
        }
        let qop_param = qop.as_param().map(|q| format!(", qop=\"{q}\"")).unwrap_or_default();
        format!("Digest realm=\"{REALM}\"{qop_param}, nonce=\"{nonce}\", opaque=\"{}\", algorithm=MD5", self.opaque)
    }

    fn issued(&self, nonce: &str) -> bool {
        self.nonces.lock().unwrap_or_else(|p| p.into_inner()).contains(nonce)
    }

    /// True when `authorization` is a correct Digest answer to one of our challenges.
    pub(crate) fn verify(&self, request: &DigestRequest<'_>, authorization: Option<&str>) -> bool {
        let Some(params) = authorization.and_then(parse_digest_header) else {
            return false;
        };
        let get = |name: &str| params.get(name).map(String::as_str);
        let algorithm_ok = get("algorithm").is_none_or(|a| a.eq_ignore_ascii_case("MD5"));
        let fields_ok = get("username") == Some(request.user)
            && get("realm") == Some(REALM)
            && get("uri") == Some(request.uri)
            && get("opaque") == Some(self.opaque.as_str())
            && get("nonce").is_some_and(|n| self.issued(n));
        if !(algorithm_ok && fields_ok) {
            return false;
        }
        match (expected_response(&params, request), get("response")) {
            (Some(expected), Some(given)) => expected.eq_ignore_ascii_case(given),
            _ => false,
        }
    }
}

/// `Digest a="x", b=y` → `{a: x, b: y}`; `None` when the scheme is not Digest.
pub(crate) fn parse_digest_header(value: &str) -> Option<HashMap<String, String>> {
    let value = value.trim();
    let (scheme, rest) = value.split_once(char::is_whitespace)?;
    if !scheme.eq_ignore_ascii_case("digest") {
        return None;
    }
    let params = split_outside_quotes(rest, ',')
        .into_iter()
        .filter_map(|param| {
            let (name, value) = param.split_once('=')?;
            Some((name.trim().to_ascii_lowercase(), unquote(value)))
        })
        .collect();
    Some(params)
}

/// The `response` a correct client sends, from the params it chose (nonce, nc, cnonce).
pub(crate) fn expected_response(params: &HashMap<String, String>, request: &DigestRequest<'_>) -> Option<String> {
    let nonce = params.get("nonce")?;
    let ha1 = md5_hex(format!("{}:{REALM}:{}", request.user, request.pass).as_bytes());
    let ha2 = match request.qop {
        Qop::AuthInt => md5_hex(format!("{}:{}:{}", request.method, request.uri, md5_hex(request.body)).as_bytes()),
        Qop::Auth | Qop::None => md5_hex(format!("{}:{}", request.method, request.uri).as_bytes()),
    };
    match request.qop.as_param() {
        Some(qop) => {
            if params.get("qop").map(String::as_str) != Some(qop) {
                return None;
            }
            let nc = params.get("nc")?;
            let cnonce = params.get("cnonce")?;
            Some(md5_hex(format!("{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}").as_bytes()))
        }
        None => Some(md5_hex(format!("{ha1}:{nonce}:{ha2}").as_bytes())),
    }
}

/// `/digest-auth/{qop}/{user}/{pass}`: 401 with a challenge until the answer is right.
/// Generic over the server's state, which only has to hold the nonces.
pub(crate) async fn digest_auth<S: AsRef<DigestState> + Send + Sync + 'static>(
    State(state): State<Arc<S>>,
    Path((qop, user, pass)): Path<(String, String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(qop) = Qop::parse(&qop) else {
        let error = format!("unknown qop {qop:?}: use auth, auth-int or none");
        return (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response();
    };
    let request_uri = uri.path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
    let request =
        DigestRequest { method: method.as_str(), uri: request_uri, user: &user, pass: &pass, body: &body, qop };
    let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let digest = (*state).as_ref();
    if digest.verify(&request, authorization) {
        return Json(json!({ "authenticated": true })).into_response();
    }
    let challenge = digest.challenge(qop);
    (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, challenge)], Json(json!({ "authenticated": false })))
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of RFC 2617 §3.5 (MD5, qop=auth), realm swapped for ours.
    fn client_params(state: &DigestState, nonce: &str, request: &DigestRequest<'_>) -> HashMap<String, String> {
        let mut params: HashMap<String, String> = [
            ("username", request.user),
            ("realm", REALM),
            ("nonce", nonce),
            ("uri", request.uri),
            ("qop", "auth"),
            ("nc", "00000001"),
            ("cnonce", "0a4f113b"),
            ("opaque", state.opaque.as_str()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let response = expected_response(&params, request).unwrap_or_default();
        params.insert("response".into(), response);
        params
    }

    fn header_from(params: &HashMap<String, String>) -> String {
        let fields: Vec<String> = params.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
        format!("Digest {}", fields.join(", "))
    }

    #[test]
    fn rfc_2617_example_response() {
        // RFC 2617 §3.5: Mufasa / "Circle Of Life", realm testrealm@host.com.
        let ha1 = md5_hex(b"Mufasa:testrealm@host.com:Circle Of Life");
        let ha2 = md5_hex(b"GET:/dir/index.html");
        let response =
            md5_hex(format!("{ha1}:dcd98b7102dd2f0e8b11d0f600bfb0c093:00000001:0a4f113b:auth:{ha2}").as_bytes());
        assert_eq!(response, "6629fae49393a05397450978507c4ef1");
    }

    #[test]
    fn verify_table() {
        let state = DigestState::new();
        let challenge = state.challenge(Qop::Auth);
        let nonce = parse_digest_header(&challenge).and_then(|p| p.get("nonce").cloned()).unwrap_or_default();
        let good = DigestRequest { method: "GET", uri: "/d", user: "u", pass: "p", body: b"", qop: Qop::Auth };
        let params = client_params(&state, &nonce, &good);
        let tweak = |key: &str, value: &str| {
            let mut p = params.clone();
            p.insert(key.into(), value.into());
            header_from(&p)
        };
        let cases = [
            ("correct", header_from(&params), true),
            ("wrong response", tweak("response", "00000000000000000000000000000000"), false),
            ("unknown nonce", tweak("nonce", "feedbeef"), false),
            ("wrong opaque", tweak("opaque", "x"), false),
            ("wrong user", tweak("username", "v"), false),
            ("wrong uri", tweak("uri", "/other"), false),
            ("sha-256 claimed", tweak("algorithm", "SHA-256"), false),
            ("basic scheme", "Basic dTpw".to_string(), false),
        ];
        for (name, header, expected) in cases {
            assert_eq!(state.verify(&good, Some(&header)), expected, "{name}: {header}");
        }
        let wrong_pass = DigestRequest { pass: "q", ..good };
        assert!(!state.verify(&wrong_pass, Some(&header_from(&params))));
        assert!(!state.verify(&good, None));
    }

    #[test]
    fn challenge_shape_per_qop() {
        let state = DigestState::new();
        for (qop, expected) in [(Qop::Auth, Some("auth")), (Qop::AuthInt, Some("auth-int")), (Qop::None, None)] {
            let params = parse_digest_header(&state.challenge(qop)).unwrap_or_default();
            assert_eq!(params.get("qop").map(String::as_str), expected);
            assert_eq!(params.get("realm").map(String::as_str), Some(REALM));
            assert_eq!(params.get("algorithm").map(String::as_str), Some("MD5"));
            assert_eq!(params.get("nonce").map(String::len), Some(32));
        }
    }
}
