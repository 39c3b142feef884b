//! Auth objects: v2.1 arrays of `{key, value}` and v2.0 plain objects, one model for both.

use serde_json::Value;

/// How a request (or folder, or the collection) says it authenticates.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum AuthSetting {
    /// No `auth`, or `auth: null`: use the nearest ancestor's.
    #[default]
    Inherit,
    /// `{type: "noauth"}`: stops inheritance.
    NoAuth,
    Auth(Auth),
}

/// The auth types postie signs requests with; any other keeps its name for the warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthKind {
    Basic,
    Bearer,
    ApiKey,
    OAuth2,
    Digest,
    /// AWS Signature Version 4.
    AwsV4,
    Hawk,
    /// Postman's JWT Bearer.
    Jwt,
    /// OAuth 1.0a.
    OAuth1,
    /// Akamai EdgeGrid.
    EdgeGrid,
    /// Atlassian S2S.
    Asap,
    /// NTLM against the server (connection-bound).
    Ntlm,
    /// A type postie does not sign with (yet): `awsv4`, `oauth1`, `hawk`, ...
    Other(String),
}

impl AuthKind {
    /// From the collection's `type`, as Postman spells it.
    pub fn parse(kind: &str) -> AuthKind {
        match kind {
            "basic" => AuthKind::Basic,
            "bearer" => AuthKind::Bearer,
            "apikey" => AuthKind::ApiKey,
            "oauth2" => AuthKind::OAuth2,
            "digest" => AuthKind::Digest,
            "awsv4" => AuthKind::AwsV4,
            "hawk" => AuthKind::Hawk,
            "jwt" => AuthKind::Jwt,
            "oauth1" => AuthKind::OAuth1,
            "edgegrid" => AuthKind::EdgeGrid,
            "asap" => AuthKind::Asap,
            "ntlm" => AuthKind::Ntlm,
            other => AuthKind::Other(other.to_string()),
        }
    }

    /// The collection's spelling.
    pub fn as_str(&self) -> &str {
        match self {
            AuthKind::Basic => "basic",
            AuthKind::Bearer => "bearer",
            AuthKind::ApiKey => "apikey",
            AuthKind::OAuth2 => "oauth2",
            AuthKind::Digest => "digest",
            AuthKind::AwsV4 => "awsv4",
            AuthKind::Hawk => "hawk",
            AuthKind::Jwt => "jwt",
            AuthKind::OAuth1 => "oauth1",
            AuthKind::EdgeGrid => "edgegrid",
            AuthKind::Asap => "asap",
            AuthKind::Ntlm => "ntlm",
            AuthKind::Other(name) => name,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Auth {
    /// The `type`, parsed once at load.
    pub kind: AuthKind,
    /// Parameters in the order written; values may still hold `{{variables}}`.
    pub params: Vec<(String, Value)>,
}

impl Auth {
    pub fn param(&self, key: &str) -> Option<&Value> {
        self.params.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// A parameter as text (numbers and booleans written out), or "" when absent.
    pub fn text(&self, key: &str) -> String {
        match self.param(key) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        }
    }
}

/// Reads `auth` in either revision's shape. `Err` carries a message for the JSON path.
pub(super) fn parse_auth(value: &Value) -> Result<AuthSetting, String> {
    let obj = match value {
        Value::Null => return Ok(AuthSetting::Inherit),
        Value::Object(obj) => obj,
        _ => return Err("expected an object like {\"type\": \"bearer\", \"bearer\": [...]}".into()),
    };
    let kind = match obj.get("type") {
        Some(Value::String(kind)) => kind.clone(),
        None | Some(Value::Null) => return Ok(AuthSetting::Inherit),
        Some(_) => return Err("`type` must be a string such as \"basic\" or \"bearer\"".into()),
    };
    if kind == "noauth" {
        return Ok(AuthSetting::NoAuth);
    }
    let params = match obj.get(&kind) {
        // v2.1: [{key, value, type}]
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| {
                let key = item.get("key")?.as_str()?.to_string();
                Some((key, item.get("value").cloned().unwrap_or(Value::Null)))
            })
            .collect(),
        // v2.0: {username: ..., password: ...}
        Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        _ => Vec::new(),
    };
    Ok(AuthSetting::Auth(Auth { kind: AuthKind::parse(&kind), params }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_revisions_read_the_same() {
        let cases = [
            (json!({"type":"basic","basic":[{"key":"username","value":"u"},{"key":"password","value":"p"}]}), "u", "p"),
            (json!({"type":"basic","basic":{"username":"u","password":"p"}}), "u", "p"),
        ];
        for (input, user, pass) in cases {
            let AuthSetting::Auth(auth) = parse_auth(&input).unwrap() else { panic!("{input}") };
            assert_eq!(auth.kind, AuthKind::Basic);
            assert_eq!(auth.text("username"), user);
            assert_eq!(auth.text("password"), pass);
        }
    }

    #[test]
    fn inherit_noauth_and_errors() {
        assert_eq!(parse_auth(&Value::Null).unwrap(), AuthSetting::Inherit);
        assert_eq!(parse_auth(&json!({"type":"noauth"})).unwrap(), AuthSetting::NoAuth);
        assert_eq!(parse_auth(&json!({})).unwrap(), AuthSetting::Inherit);
        assert!(parse_auth(&json!("bearer")).is_err());
        let AuthSetting::Auth(a) = parse_auth(&json!({"type":"bearer"})).unwrap() else { panic!() };
        assert_eq!(a.text("token"), "");
        let AuthSetting::Auth(a) = parse_auth(&json!({"type":"kerberos-someday"})).unwrap() else { panic!() };
        assert_eq!(a.kind, AuthKind::Other("kerberos-someday".into()));
        assert_eq!(a.kind.as_str(), "kerberos-someday");
    }
}
