//! OAuth 2.0 tokens the runner fetches itself (beyond Newman, which only uses a stored
//! token): which auth blocks need one, the token request for a headless grant
//! (`client_credentials`, `password`, `refresh_token`), and reading the token endpoint's
//! answer. Pure; `run::oauth2` sends, caches and refreshes.

use std::time::{Duration, Instant};

use base64::Engine as _;

use crate::collection::Auth;

/// Postman's `grant_type` values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grant {
    ClientCredentials,
    Password,
    AuthorizationCode,
    AuthorizationCodePkce,
    Implicit,
    Other(String),
}

impl Grant {
    fn parse(text: &str) -> Grant {
        match text {
            "client_credentials" => Grant::ClientCredentials,
            "password_credentials" | "password" => Grant::Password,
            // Postman's default when a block names none.
            "authorization_code" | "" => Grant::AuthorizationCode,
            "authorization_code_with_pkce" => Grant::AuthorizationCodePkce,
            "implicit" => Grant::Implicit,
            other => Grant::Other(other.to_string()),
        }
    }

    /// The `grant_type` sent to the token endpoint.
    fn wire(&self) -> &str {
        match self {
            Grant::ClientCredentials => "client_credentials",
            Grant::Password => "password",
            Grant::AuthorizationCode | Grant::AuthorizationCodePkce => "authorization_code",
            Grant::Implicit => "implicit",
            Grant::Other(name) => name,
        }
    }

    /// Whether postie can run it without a browser.
    pub fn headless(&self) -> bool {
        matches!(self, Grant::ClientCredentials | Grant::Password)
    }
}

/// Where the client id and secret go: Basic auth (Postman's default) or the form body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientAuth {
    Header,
    Body,
}

/// Where an extra token request parameter goes (Postman's `send_as`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendAs {
    Body,
    Header,
    Url,
}

/// An `oauth2` auth block, variables resolved.
#[derive(Clone, Debug)]
pub struct Block {
    pub access_token: String,
    pub refresh_token: String,
    pub grant: Grant,
    pub token_url: String,
    pub client_id: String,
    pub client_secret: String,
    pub scope: String,
    pub audience: String,
    pub resource: String,
    pub username: String,
    pub password: String,
    pub client_auth: ClientAuth,
    pub extra: Vec<(String, String, SendAs)>,
}

impl Block {
    /// Reads the block, `resolve` replacing variables in its texts; `client_secret`
    /// replaces the block's secret (`--oauth2-client-secret-env`).
    pub fn from_auth(auth: &Auth, resolve: &dyn Fn(&str) -> String, client_secret: Option<&str>) -> Block {
        let get = |key: &str| resolve(&auth.text(key));
        let extra = match auth.params.iter().find(|(k, _)| k == "tokenRequestParams").map(|(_, v)| v) {
            Some(serde_json::Value::Array(list)) => list
                .iter()
                .filter(|p| p.get("enabled").and_then(|e| e.as_bool()) != Some(false))
                .filter_map(|p| {
                    let key = p.get("key")?.as_str()?.to_string();
                    let value = p.get("value").and_then(|v| v.as_str()).unwrap_or_default();
                    let send_as = match p.get("send_as").and_then(|s| s.as_str()).unwrap_or("request_body") {
                        "request_header" => SendAs::Header,
                        "request_url" => SendAs::Url,
                        _ => SendAs::Body,
                    };
                    Some((resolve(&key), resolve(value), send_as))
                })
                .collect(),
            _ => Vec::new(),
        };
        Block {
            access_token: get("accessToken"),
            refresh_token: get("refreshToken"),
            grant: Grant::parse(&get("grant_type")),
            token_url: get("accessTokenUrl"),
            client_id: get("clientId"),
            client_secret: client_secret.map(str::to_string).unwrap_or_else(|| get("clientSecret")),
            scope: get("scope"),
            audience: get("audience"),
            resource: get("resource"),
            username: get("username"),
            password: get("password"),
            client_auth: if get("client_authentication") == "body" { ClientAuth::Body } else { ClientAuth::Header },
            extra,
        }
    }

    /// Whether the runner should get a token: none stored, and a grant it can run (or a
    /// refresh token) and a token URL to ask.
    pub fn wants_fetch(&self) -> bool {
        self.access_token.is_empty()
            && !self.token_url.is_empty()
            && (self.grant.headless() || !self.refresh_token.is_empty())
    }

    /// Why no token can be fetched for a block without one, for the warning.
    pub fn why_not(&self) -> Option<String> {
        if !self.access_token.is_empty() {
            return None;
        }
        if self.token_url.is_empty() {
            return Some("oauth2 auth has no stored access token and no accessTokenUrl to fetch one from; the request is sent without one".into());
        }
        (!self.grant.headless() && self.refresh_token.is_empty()).then(|| {
            format!(
                "oauth2 grant `{}` needs a browser, which postie does not open; the request is sent without a token: \
                 store one in the auth block's accessToken (e.g. --env-var token=...) or use client_credentials",
                self.grant.wire()
            )
        })
    }

    /// What identifies a token in the run's cache: everything the token request carries
    /// (URL, client, credentials, scope, audience, extra parameters) and the refresh token,
    /// so two users or audiences never share a token.
    pub fn cache_key(&self) -> String {
        use sha2::{Digest, Sha256};
        let request = self.token_request(None);
        let mut hash = Sha256::new();
        for part in [request.url.as_str(), request.body.as_str(), self.refresh_token.as_str()] {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        for (k, v) in request.headers.iter().chain(&request.url_params) {
            hash.update(k.as_bytes());
            hash.update([1]);
            hash.update(v.as_bytes());
            hash.update([0]);
        }
        hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The request for a new token: the grant's, or `refresh_token` when `refresh` is given.
    pub fn token_request(&self, refresh: Option<&str>) -> TokenRequest {
        let mut form: Vec<(String, String)> = Vec::new();
        match refresh {
            Some(token) => {
                form.push(("grant_type".into(), "refresh_token".into()));
                form.push(("refresh_token".into(), token.to_string()));
            }
            None => {
                form.push(("grant_type".into(), self.grant.wire().to_string()));
                if self.grant == Grant::Password {
                    form.push(("username".into(), self.username.clone()));
                    form.push(("password".into(), self.password.clone()));
                }
            }
        }
        for (key, value) in [("scope", &self.scope), ("audience", &self.audience), ("resource", &self.resource)] {
            if !value.is_empty() {
                form.push((key.into(), value.clone()));
            }
        }
        let mut headers = vec![
            ("Content-Type".to_string(), "application/x-www-form-urlencoded".to_string()),
            ("Accept".to_string(), "application/json".to_string()),
        ];
        match self.client_auth {
            ClientAuth::Header => {
                let pair = format!("{}:{}", form_encode(&self.client_id), form_encode(&self.client_secret));
                let basic = base64::engine::general_purpose::STANDARD.encode(pair);
                headers.push(("Authorization".into(), format!("Basic {basic}")));
            }
            ClientAuth::Body => {
                form.push(("client_id".into(), self.client_id.clone()));
                if !self.client_secret.is_empty() {
                    form.push(("client_secret".into(), self.client_secret.clone()));
                }
            }
        }
        let mut url_params = Vec::new();
        for (key, value, send_as) in &self.extra {
            match send_as {
                SendAs::Body => form.push((key.clone(), value.clone())),
                SendAs::Header => headers.push((key.clone(), value.clone())),
                SendAs::Url => url_params.push((key.clone(), value.clone())),
            }
        }
        let body =
            form.iter().map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v))).collect::<Vec<_>>().join("&");
        TokenRequest { url: self.token_url.clone(), url_params, headers, body }
    }
}

/// `application/x-www-form-urlencoded` encoding (RFC 6749 §2.3.1 for client credentials too).
fn form_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// A token request, ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRequest {
    pub url: String,
    /// Added to the token URL's query.
    pub url_params: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// A token the endpoint issued.
#[derive(Clone, Debug)]
pub struct Token {
    pub access_token: String,
    pub token_type: String,
    pub refresh_token: Option<String>,
    /// From `expires_in`; `None` when the endpoint does not say.
    pub expires_at: Option<Instant>,
}

impl Token {
    /// Still usable `now`, with a small margin so a token does not expire in flight.
    pub fn fresh(&self, now: Instant) -> bool {
        self.expires_at.is_none_or(|at| now + Duration::from_millis(250) < at)
    }
}

/// Reads the token endpoint's answer (JSON, or form-encoded as some endpoints send it).
pub fn parse_token_response(status: u16, body: &[u8], now: Instant) -> Result<Token, String> {
    let text = String::from_utf8_lossy(body);
    let fields: serde_json::Map<String, serde_json::Value> = match serde_json::from_str(&text) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => url::form_urlencoded::parse(text.trim().as_bytes())
            .map(|(k, v)| (k.into_owned(), serde_json::Value::String(v.into_owned())))
            .collect(),
    };
    let field = |name: &str| match fields.get(name) {
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    if let Some(error) = field("error") {
        return Err(match field("error_description") {
            Some(description) => format!("{error} ({description})"),
            None => error,
        });
    }
    if !(200..300).contains(&status) {
        return Err(format!("the token endpoint answered {status} without an OAuth error"));
    }
    let access_token = field("access_token").filter(|t| !t.is_empty()).ok_or("the answer has no access_token")?;
    // An absurd `expires_in` (negative, infinite, centuries) means no known expiry.
    let expires_at = field("expires_in")
        .and_then(|s| s.parse::<f64>().ok())
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
        .and_then(|d| now.checked_add(d));
    Ok(Token {
        access_token,
        token_type: field("token_type").unwrap_or_else(|| "Bearer".into()),
        refresh_token: field("refresh_token"),
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collection::AuthKind;
    use serde_json::json;

    fn block(params: serde_json::Value) -> Block {
        let params: Vec<(String, serde_json::Value)> =
            params.as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let auth = Auth { kind: AuthKind::OAuth2, params };
        Block::from_auth(&auth, &|text| text.to_string(), None)
    }

    #[test]
    fn token_requests_follow_the_block() {
        let b = block(json!({
            "grant_type": "client_credentials", "accessTokenUrl": "https://idp/token", "clientId": "my id",
            "clientSecret": "s:cret", "scope": "read write", "audience": "api://x",
            "tokenRequestParams": [{"key": "tenant", "value": "t1", "send_as": "request_body"},
                                   {"key": "X-Trace", "value": "1", "send_as": "request_header"},
                                   {"key": "v", "value": "2", "send_as": "request_url"},
                                   {"key": "off", "value": "x", "enabled": false}]
        }));
        assert!(b.wants_fetch());
        let r = b.token_request(None);
        assert_eq!(r.body, "grant_type=client_credentials&scope=read+write&audience=api%3A%2F%2Fx&tenant=t1");
        let basic = base64::engine::general_purpose::STANDARD.encode("my+id:s%3Acret");
        assert!(r.headers.contains(&("Authorization".into(), format!("Basic {basic}"))), "{:?}", r.headers);
        assert!(r.headers.contains(&("X-Trace".into(), "1".into())));
        assert_eq!(r.url_params, [("v".to_string(), "2".to_string())]);

        let b = block(json!({"grant_type": "password_credentials", "accessTokenUrl": "u", "clientId": "c",
                             "clientSecret": "s", "username": "alice", "password": "pw", "client_authentication": "body"}));
        let r = b.token_request(None);
        assert_eq!(r.body, "grant_type=password&username=alice&password=pw&client_id=c&client_secret=s");
        assert!(!r.headers.iter().any(|(k, _)| k == "Authorization"));
        let r = b.token_request(Some("R1"));
        assert!(r.body.starts_with("grant_type=refresh_token&refresh_token=R1&"), "{}", r.body);
    }

    #[test]
    fn different_users_or_audiences_never_share_a_token() {
        let base = json!({"grant_type": "password_credentials", "accessTokenUrl": "u", "clientId": "c",
                          "username": "alice", "password": "a"});
        let mut bob = base.clone();
        bob["username"] = json!("bob");
        let mut audience = base.clone();
        audience["audience"] = json!("api-2");
        let keys = [block(base.clone()).cache_key(), block(bob).cache_key(), block(audience).cache_key()];
        assert!(keys[0] != keys[1] && keys[0] != keys[2] && keys[1] != keys[2]);
        assert_eq!(block(base.clone()).cache_key(), block(base).cache_key());
    }

    #[test]
    fn only_headless_grants_or_a_refresh_token_fetch() {
        assert!(!block(json!({"accessToken": "stored", "accessTokenUrl": "u"})).wants_fetch());
        assert!(!block(json!({"grant_type": "authorization_code", "accessTokenUrl": "u"})).wants_fetch());
        assert!(
            block(json!({"grant_type": "authorization_code", "accessTokenUrl": "u", "refreshToken": "r"}))
                .wants_fetch()
        );
        let why = block(json!({"grant_type": "implicit", "accessTokenUrl": "u"})).why_not().unwrap();
        assert!(why.contains("needs a browser") && why.contains("accessToken"), "{why}");
        assert!(block(json!({"grant_type": "client_credentials"})).why_not().unwrap().contains("no accessTokenUrl"));
        assert!(!block(json!({"accessTokenUrl": "u"})).wants_fetch(), "no grant_type is Postman's authorization_code");
    }

    #[test]
    fn token_answers_and_oauth_errors() {
        let now = Instant::now();
        let t = parse_token_response(
            200,
            br#"{"access_token":"A","token_type":"bearer","expires_in":60,"refresh_token":"R"}"#,
            now,
        )
        .unwrap();
        assert_eq!((t.access_token.as_str(), t.refresh_token.as_deref()), ("A", Some("R")));
        assert!(t.fresh(now) && !t.fresh(now + Duration::from_secs(61)));
        let t = parse_token_response(200, b"access_token=B&token_type=bearer", now).unwrap();
        assert_eq!(t.access_token, "B");
        assert!(t.expires_at.is_none());
        let e = parse_token_response(401, br#"{"error":"invalid_client","error_description":"bad secret"}"#, now)
            .unwrap_err();
        assert_eq!(e, "invalid_client (bad secret)");
        assert!(parse_token_response(500, b"oops", now).unwrap_err().contains("500"));
        assert!(parse_token_response(200, b"{}", now).unwrap_err().contains("no access_token"));
        for odd in ["inf", "1e300", "-5", "NaN", "1e19"] {
            let body = format!(r#"{{"access_token":"A","expires_in":"{odd}"}}"#);
            assert!(parse_token_response(200, body.as_bytes(), now).is_ok(), "{odd}");
        }
    }
}
