//! The echo API's `/ntlm/...`: a server that wants NTLM on the connection, as IIS does. A
//! Type 1 message gets a 401 with the challenge, a Type 3 answer on that same connection is
//! verified against the known password (`ntlm_server`), and the connection is trusted
//! afterwards.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::echo_handlers::EchoState;
use super::ntlm_server::{NtlmServer, is_negotiate};
use super::recorder::ConnTag;

/// The account `/ntlm/...` knows.
pub const NTLM_USER: (&str, &str, &str) = ("CORP", "alice", "ntlm-server-pw");

pub(crate) struct NtlmEndpoint {
    server: NtlmServer,
    /// Connections that completed the handshake.
    trusted: Mutex<HashMap<u64, String>>,
    /// Connections that were sent the challenge: as real servers (IIS) do, an answer is
    /// taken only on the connection that got the challenge.
    challenged: Mutex<std::collections::HashSet<u64>>,
}

impl Default for NtlmEndpoint {
    fn default() -> Self {
        NtlmEndpoint {
            server: NtlmServer::new(NTLM_USER.1, NTLM_USER.0, NTLM_USER.2),
            trusted: Default::default(),
            challenged: Default::default(),
        }
    }
}

fn challenge(value: &str, reason: &str) -> Response {
    let mut response = (StatusCode::UNAUTHORIZED, format!("{reason}\n")).into_response();
    if let Ok(v) = header::HeaderValue::from_str(value) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    response
}

pub(crate) async fn ntlm(
    State(state): State<Arc<EchoState>>,
    ConnectInfo(conn): ConnectInfo<ConnTag>,
    headers: HeaderMap,
) -> Response {
    let endpoint = &state.ntlm;
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("NTLM "))
        .and_then(|t| STANDARD.decode(t.trim()).ok());
    let Some(message) = token else {
        let trusted = endpoint.trusted.lock().unwrap_or_else(|p| p.into_inner()).get(&conn.id).cloned();
        return match trusted {
            Some(user) => {
                axum::Json(serde_json::json!({ "authenticated": user, "connection": conn.id })).into_response()
            }
            None => challenge("NTLM", "NTLM authentication required"),
        };
    };
    if is_negotiate(&message) {
        endpoint.challenged.lock().unwrap_or_else(|p| p.into_inner()).insert(conn.id);
        return challenge(&format!("NTLM {}", STANDARD.encode(endpoint.server.challenge_message())), "challenge");
    }
    if !endpoint.challenged.lock().unwrap_or_else(|p| p.into_inner()).remove(&conn.id) {
        return challenge("NTLM", "an NTLM answer on a connection that was not challenged");
    }
    match endpoint.server.verify(&message) {
        Ok(user) => {
            endpoint.trusted.lock().unwrap_or_else(|p| p.into_inner()).insert(conn.id, user.clone());
            axum::Json(serde_json::json!({ "authenticated": user, "connection": conn.id })).into_response()
        }
        Err(why) => challenge("NTLM", &why),
    }
}
