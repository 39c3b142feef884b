//! The echo API's OAuth 2.0 authorization server and protected resource, for the runner's
//! token fetching: `/oauth2/token` (client_credentials, password, refresh_token; client
//! authentication by Basic header or form body; `?expires_in=N` for short-lived tokens) and
//! `/oauth2/resource`, which answers 401 unless given a token this server issued and that
//! has not expired. Requests are in the echo server's journal, so tests count grants there.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use super::echo_handlers::EchoState;
use super::signed::TEST_SECRET;

/// The client the token endpoint knows (its secret is `signed::TEST_SECRET`).
pub const CLIENT_ID: &str = "postie-client";
/// The resource owner of the password grant.
pub const USER: (&str, &str) = ("alice", "alice-password");

#[derive(Default)]
pub(crate) struct OAuth2State {
    /// Access tokens and when they expire.
    access: Mutex<HashMap<String, Instant>>,
    refresh: Mutex<Vec<String>>,
    issued: Mutex<u64>,
    latest: Mutex<String>,
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (status, axum::Json(json!({ "error": error, "error_description": description }))).into_response()
}

fn form(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// `/oauth2/token`.
pub(crate) async fn token(
    State(state): State<std::sync::Arc<EchoState>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fields = form(&body);
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|t| STANDARD.decode(t.trim()).ok())
        .map(|pair| String::from_utf8_lossy(&pair).into_owned())
        .and_then(|pair| pair.split_once(':').map(|(u, p)| (decode(u), decode(p))));
    let client = basic.or_else(|| Some((fields.get("client_id")?.clone(), fields.get("client_secret")?.clone())));
    if client != Some((CLIENT_ID.to_string(), TEST_SECRET.to_string())) {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "client authentication failed");
    }
    let oauth = &state.oauth2;
    match fields.get("grant_type").map(String::as_str) {
        Some("client_credentials") => {}
        Some("password") => {
            if (fields.get("username").map(String::as_str), fields.get("password").map(String::as_str))
                != (Some(USER.0), Some(USER.1))
            {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "wrong user name or password");
            }
        }
        Some("refresh_token") => {
            let given = fields.get("refresh_token").cloned().unwrap_or_default();
            let mut known = oauth.refresh.lock().unwrap_or_else(|p| p.into_inner());
            let Some(at) = known.iter().position(|t| *t == given) else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "unknown refresh token");
            };
            known.remove(at);
        }
        _ => return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "not a grant this server runs"),
    }
    let expires_in: u64 = url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "expires_in")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(3600);
    let n = {
        let mut issued = oauth.issued.lock().unwrap_or_else(|p| p.into_inner());
        *issued += 1;
        *issued
    };
    let (access, refresh) = (format!("at-{n}-{}", rand::random::<u32>()), format!("rt-{n}-{}", rand::random::<u32>()));
    let expires = Instant::now() + Duration::from_secs(expires_in);
    oauth.access.lock().unwrap_or_else(|p| p.into_inner()).insert(access.clone(), expires);
    *oauth.latest.lock().unwrap_or_else(|p| p.into_inner()) = access.clone();
    oauth.refresh.lock().unwrap_or_else(|p| p.into_inner()).push(refresh.clone());
    axum::Json(json!({
        "access_token": access, "token_type": "Bearer", "expires_in": expires_in,
        "refresh_token": refresh, "scope": fields.get("scope"),
    }))
    .into_response()
}

fn decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={text}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
}

/// `/oauth2/resource`: 200 with a live token this server issued (Bearer header or
/// `access_token` query parameter), else 401 `invalid_token`. With `?only_latest=1` only
/// the last token issued is live (as if issuing one revoked the others).
pub(crate) async fn resource(State(state): State<std::sync::Arc<EchoState>>, uri: Uri, headers: HeaderMap) -> Response {
    let from_header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let from_query = url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "access_token")
        .map(|(_, v)| v.into_owned());
    let Some(token) = from_header.or(from_query) else {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_token", "no token");
    };
    let only_latest = uri.query().unwrap_or("").contains("only_latest=1");
    let latest = state.oauth2.latest.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let live = state
        .oauth2
        .access
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&token)
        .is_some_and(|at| Instant::now() < *at)
        && (!only_latest || token == latest);
    if live {
        axum::Json(json!({ "authorized": true })).into_response()
    } else {
        oauth_error(StatusCode::UNAUTHORIZED, "invalid_token", "unknown or expired token")
    }
}
