//! One `Redactor` for every sink: reports, terminal lines, verbose logs and error messages.
//!
//! It masks the values of sensitive headers, and every known secret (proxy credentials,
//! auth passwords and tokens, `secret` variables) wherever it appears, also in its
//! URL-encoded and base64 forms.

use base64::Engine;

use super::event::Execution;
use crate::secret::MASK;

const SENSITIVE_HEADERS: &[&str] = &["authorization", "proxy-authorization", "cookie", "set-cookie"];

/// Secrets shorter than this are not masked inside other text: masking every `a` or `1`
/// would make reports unreadable while protecting nothing.
const MIN_SECRET_LEN: usize = 3;

#[derive(Clone, Debug, Default)]
pub struct Redactor {
    needles: Vec<String>,
    enabled: bool,
}

impl Redactor {
    pub fn new(enabled: bool) -> Self {
        Redactor { needles: Vec::new(), enabled }
    }

    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Adds a secret and the forms it takes on the wire.
    pub fn add(&mut self, secret: &str) {
        if secret.len() < MIN_SECRET_LEN {
            return;
        }
        let forms = [
            secret.to_string(),
            url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>(),
            percent_encode_all(secret),
            base64::engine::general_purpose::STANDARD.encode(secret),
        ];
        for form in forms {
            if !self.needles.contains(&form) {
                self.needles.push(form);
            }
        }
        // Longest first, so a secret that contains another is masked whole.
        self.needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
    }

    /// Adds `user:pass` pairs so their base64 (as in `Basic ...`) is caught too.
    pub fn add_credentials(&mut self, user: &str, pass: &str) {
        self.add(pass);
        if !pass.is_empty() {
            let pair = format!("{user}:{pass}");
            let b64 = base64::engine::general_purpose::STANDARD.encode(&pair);
            if !self.needles.contains(&b64) {
                self.needles.push(b64);
            }
            self.needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
        }
    }

    pub fn text(&self, text: &str) -> String {
        if !self.enabled || self.needles.is_empty() {
            return text.to_string();
        }
        let mut out = text.to_string();
        for needle in &self.needles {
            if out.contains(needle.as_str()) {
                out = out.replace(needle.as_str(), MASK);
            }
        }
        out
    }

    pub fn bytes(&self, body: &[u8]) -> Vec<u8> {
        if !self.enabled || self.needles.is_empty() {
            return body.to_vec();
        }
        match std::str::from_utf8(body) {
            Ok(text) => self.text(text).into_bytes(),
            Err(_) => body.to_vec(),
        }
    }

    fn headers(&self, headers: &mut [(String, String)]) {
        for (name, value) in headers.iter_mut() {
            if SENSITIVE_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                *value = MASK.to_string();
            } else {
                *value = self.text(value);
            }
        }
    }

    /// Masks everything in an execution before any reporter sees it.
    pub fn execution(&self, e: &mut Execution) {
        if !self.enabled {
            return;
        }
        if let Some(r) = &mut e.request {
            r.url = self.text(&r.url);
            self.headers(&mut r.headers);
            r.body = r.body.as_deref().map(|b| self.text(b));
        }
        if let Some(r) = &mut e.response {
            self.headers(&mut r.headers);
            r.body = self.bytes(&r.body);
            r.reason = self.text(&r.reason);
            for w in &mut r.warnings {
                *w = self.text(w);
            }
        }
        if let Some(err) = &mut e.error {
            err.kind = self.text(&err.kind);
            err.message = self.text(&err.message);
        }
        e.full_name = self.text(&e.full_name);
        e.item_name = self.text(&e.item_name);
        e.route = self.text(&e.route);
        e.route_rule = self.text(&e.route_rule);
        for a in &mut e.attempts {
            a.outcome = self.text(&a.outcome);
        }
        for side in &mut e.side_requests {
            side.url = self.text(&side.url);
            side.route = self.text(&side.route);
            side.route_rule = self.text(&side.route_rule);
            match &mut side.outcome {
                Ok(r) => r.reason = self.text(&r.reason),
                Err(err) => {
                    err.kind = self.text(&err.kind);
                    err.message = self.text(&err.message);
                }
            }
        }
        for a in &mut e.assertions {
            a.name = self.text(&a.name);
            if let Some((_, m)) = &mut a.error {
                *m = self.text(m);
            }
        }
        for s in &mut e.script_errors {
            s.name = self.text(&s.name);
            s.message = self.text(&s.message);
        }
        for c in &mut e.console {
            c.text = self.text(&c.text);
        }
        for w in &mut e.warnings {
            *w = self.text(w);
        }
    }
}

fn percent_encode_all(s: &str) -> String {
    // Some clients encode every non-alphanumeric byte; catch that form as well.
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_plain_encoded_and_base64_forms() {
        let mut r = Redactor::new(true);
        r.add("s3cr3t p@ss");
        r.add_credentials("user", "pw123");
        let b64 = base64::engine::general_purpose::STANDARD.encode("user:pw123");
        let cases = [
            ("token=s3cr3t p@ss", "token=***"),
            ("q=s3cr3t+p%40ss", "q=***"),
            ("q=s3cr3t%20p%40ss", "q=***"),
            ("pw123 and more", "*** and more"),
            (&*format!("Basic {b64}"), "Basic ***"),
            ("nothing here", "nothing here"),
        ];
        for (input, expected) in cases {
            assert_eq!(r.text(input), expected, "{input}");
        }
    }

    #[test]
    fn disabled_or_tiny_secrets_leave_text_alone() {
        let mut r = Redactor::new(false);
        r.add("secret");
        assert_eq!(r.text("secret"), "secret");
        let mut r = Redactor::new(true);
        r.add("a");
        assert_eq!(r.text("banana"), "banana");
    }
}
