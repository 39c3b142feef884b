//! What digest servers' challenges taught the run, per inherited auth block (a collection's
//! or a folder's). Newman writes a challenge's realm, nonce, qop, client nonce and count back
//! into the auth block, so every request that inherits it signs ahead, the count going up by
//! one with each response; a request's own block learns afresh each time.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::http::{DigestFields, PreparedRequest, Response, digest_header};

#[derive(Default)]
pub struct DigestMemory {
    learned: Mutex<HashMap<String, DigestFields>>,
}

impl DigestMemory {
    /// Signs `req` ahead with what the block `owner` learned; true when it did.
    pub fn sign_ahead(&self, owner: Option<&str>, req: &mut PreparedRequest) -> bool {
        let (Some(owner), Some(creds)) = (owner, &req.digest) else { return false };
        if creds.signs_ahead() {
            return false;
        }
        let fields = self.learned.lock().unwrap_or_else(|p| p.into_inner()).get(owner).cloned();
        let Some(value) = fields.and_then(|f| digest_header(creds, &f, req).ok()) else { return false };
        req.set_header("Authorization", value);
        true
    }

    /// Keeps what `response` taught the block `owner`: an answered challenge's fields, or one
    /// more in the count of a request signed ahead.
    pub fn learn(&self, owner: Option<&str>, signed_ahead: bool, response: &Response) {
        let Some(owner) = owner else { return };
        let mut learned = self.learned.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(fields) = response.challenge.as_ref().and_then(|c| c.answered.clone()) {
            let nonce_count = next_count(&fields.nonce_count);
            learned.insert(owner.to_string(), DigestFields { nonce_count, ..fields });
        } else if signed_ahead && let Some(fields) = learned.get_mut(owner) {
            fields.nonce_count = next_count(&fields.nonce_count);
        }
    }
}

/// `00000001` → `00000002`, as Newman counts (anything else starts again at `00000001`).
fn next_count(count: &str) -> String {
    match count.parse::<u64>() {
        Ok(n) => format!("{:08}", n + 1),
        Err(_) => "00000001".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_go_up_as_newmans() {
        assert_eq!(next_count("00000001"), "00000002");
        assert_eq!(next_count("00000009"), "00000010");
        assert_eq!(next_count(""), "00000001");
    }
}
