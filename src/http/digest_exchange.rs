//! The digest challenge exchange of a request (send.rs answers it): what the server's
//! `WWW-Authenticate: Digest` gives for the answer, as Newman's runtime takes it, and the
//! challenged response as the run reports it (Newman counts it as a request of its own).

use std::time::{Duration, Instant};

use super::prepare::{DigestCredentials, DigestFields};
use super::response::Challenge;

/// At most this much of a challenge's body is read.
const CHALLENGE_BODY_BYTES: usize = 1 << 20;

/// What a `WWW-Authenticate: Digest` challenge gives for the answer, as Newman's runtime
/// takes it: realm, nonce, and opaque and qop when present; with a qop (the server's or the
/// block's) a fresh 8-character client nonce and nonce count `00000001`. `None` when the
/// block already held every field the server sent (Newman then does not answer again).
pub(super) fn challenge_fields(challenge: &str, creds: &DigestCredentials) -> Option<DigestFields> {
    use super::sign::digest::challenge_field;
    let field = |name: &str| challenge_field(challenge, name).unwrap_or_default();
    let (realm, nonce, qop, opaque) = (field("realm"), field("nonce"), field("qop"), field("opaque"));
    let block = &creds.block;
    // Newman asks for a client nonce and nonce count too when a qop applies.
    let with_qop = !qop.is_empty() || !block.qop.is_empty();
    let held = !block.realm.is_empty()
        && !block.nonce.is_empty()
        && (qop.is_empty() || !block.qop.is_empty())
        && (opaque.is_empty() || !block.opaque.is_empty())
        && (!with_qop || (!block.client_nonce.is_empty() && !block.nonce_count.is_empty()));
    if held {
        return None;
    }
    let qop = if qop.is_empty() { block.qop.clone() } else { qop };
    let (nonce_count, client_nonce) = if qop.is_empty() {
        (block.nonce_count.clone(), block.client_nonce.clone())
    } else {
        let cnonce: String = (0..8)
            .map(|_| {
                char::from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[rand::random_range(0..62)])
            })
            .collect();
        ("00000001".to_string(), cnonce)
    };
    let opaque = if opaque.is_empty() { block.opaque.clone() } else { opaque };
    Some(DigestFields { realm, nonce, qop, nonce_count, client_nonce, opaque })
}

/// The challenged response, its body read (and dropped) so the connection can be reused.
pub(super) async fn read_challenge(mut response: reqwest::Response, started: Instant) -> Challenge {
    let code = response.status().as_u16();
    let reason = match response.extensions().get::<hyper::ext::ReasonPhrase>() {
        Some(phrase) => String::from_utf8_lossy(phrase.as_bytes()).into_owned(),
        None => response.status().canonical_reason().unwrap_or("").to_string(),
    };
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (super::send::title_case(k.as_str()), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = CHALLENGE_BODY_BYTES - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= CHALLENGE_BODY_BYTES {
            break;
        }
    }
    let time: Duration = started.elapsed();
    Challenge { code, reason, headers, body, time, answered: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(block: DigestFields) -> DigestCredentials {
        DigestCredentials { username: "u".into(), password: "p".into(), algorithm: String::new(), block }
    }

    #[test]
    fn a_challenge_is_answered_unless_the_block_held_everything_it_gives() {
        let challenge = r#"Digest realm="r", nonce="n", qop="auth", opaque="o""#;
        let fresh = challenge_fields(challenge, &creds(DigestFields::default())).unwrap();
        assert_eq!((fresh.realm.as_str(), fresh.nonce.as_str(), fresh.qop.as_str()), ("r", "n", "auth"));
        assert_eq!((fresh.opaque.as_str(), fresh.nonce_count.as_str()), ("o", "00000001"));
        assert_eq!(fresh.client_nonce.len(), 8);
        // Realm, nonce, qop and opaque held, but no client nonce and count: answered again.
        let partly = DigestFields {
            realm: "r".into(),
            nonce: "n".into(),
            qop: "auth".into(),
            opaque: "o".into(),
            ..Default::default()
        };
        assert!(challenge_fields(challenge, &creds(partly.clone())).is_some());
        let all = DigestFields { nonce_count: "00000001".into(), client_nonce: "c".into(), ..partly };
        assert!(challenge_fields(challenge, &creds(all)).is_none(), "Newman does not answer again");
    }
}
