//! Auth blocks applied to a prepared request: the header or query parameter each type
//! adds, and the signing types (awsv4, hawk, jwt, oauth1, edgegrid) run over the request as
//! built so far, as Newman's runtime does before it adds its own headers. The schemes
//! themselves are pure functions in `sign`; this is the glue to the request.

use base64::Engine as _;
use url::Url;

use super::prepare::{
    DigestCredentials, DigestFields, PreparedBody, PreparedRequest, parse_url, set_query_pair, set_query_param,
};
use crate::collection::{Auth, AuthKind};
use crate::vars::Scopes;

/// An OAuth 2.0 token the runner fetched for the request's auth block.
#[derive(Clone, Debug, Default)]
pub enum FetchedToken {
    /// Nothing fetched: the block's stored `accessToken` is used.
    #[default]
    None,
    Token(String),
    /// No token goes on the request, and the runner has already said why (a fetch that
    /// failed stops the request; an interactive grant is sent without).
    Withheld,
}

/// What signing schemes need besides the prepared request.
pub(super) struct Signing<'a> {
    /// The enabled pairs of a urlencoded body, decoded.
    pub(super) form: Option<&'a [(String, String)]>,
    pub(super) disable_url_encoding: bool,
}

pub(super) fn apply_auth(
    auth: &Auth,
    scopes: &Scopes,
    req: &mut PreparedRequest,
    url: &mut Url,
    fetched: &FetchedToken,
    signing: &Signing<'_>,
) {
    let get = |key: &str| scopes.replace_in(&auth.text(key));
    match &auth.kind {
        AuthKind::Basic => {
            let (user, pass) = (get("username"), get("password"));
            let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
            // The encoded pair is what echoes and logs show, so it is a secret of its own.
            req.secrets.push(pass);
            req.secrets.push(token.clone());
            req.set_header("Authorization", format!("Basic {token}"));
        }
        AuthKind::Bearer => {
            let token = get("token");
            // As Newman: a block whose token is empty (a variable that resolves to "") signs
            // nothing, rather than sending `Authorization: Bearer`.
            if token.is_empty() {
                return;
            }
            req.secrets.push(token.clone());
            req.set_header("Authorization", format!("Bearer {token}"));
        }
        AuthKind::ApiKey => {
            let (key, value) = (get("key"), get("value"));
            // As Newman: nothing to add when both the name and the value are empty.
            if key.is_empty() && value.is_empty() {
                return;
            }
            req.secrets.push(value.clone());
            if get("in") == "query" {
                // As Newman: `=value` without a name, `key` alone without a value parameter.
                let given = auth.params.iter().any(|(k, _)| k == "value");
                set_query_pair(url, &key, given.then_some(value.as_str()));
            } else if !key.is_empty() {
                // A header without a name is not sent (Newman's request library drops it).
                req.set_header(&key, value);
            }
        }
        AuthKind::OAuth2 => {
            // Newman only uses a stored token; postie fetches one for headless grants.
            let token = match fetched {
                FetchedToken::Token(token) => token.clone(),
                FetchedToken::Withheld => return,
                FetchedToken::None => get("accessToken"),
            };
            if token.is_empty() {
                req.warnings.push("oauth2 auth has no stored access token; the request is sent without one".into());
                return;
            }
            req.secrets.push(token.clone());
            if get("addTokenTo") == "queryParams" {
                set_query_param(url, "access_token", &token);
            } else {
                let prefix = get("headerPrefix");
                let prefix = if prefix.is_empty() { "Bearer".to_string() } else { prefix };
                req.set_header("Authorization", format!("{prefix} {token}"));
            }
        }
        AuthKind::Digest => {
            let password = get("password");
            req.secrets.push(password.clone());
            let creds = DigestCredentials {
                username: get("username"),
                password,
                algorithm: get("algorithm"),
                block: DigestFields {
                    realm: get("realm"),
                    nonce: get("nonce"),
                    qop: get("qop"),
                    nonce_count: get("nonceCount"),
                    client_nonce: get("clientNonce"),
                    opaque: get("opaque"),
                },
            };
            // As Newman: a block that already holds a realm and a nonce signs the first
            // request with them; otherwise the server's challenge is answered (send.rs).
            if creds.signs_ahead() {
                match digest_header(&creds, &creds.block, req) {
                    Ok(value) => req.set_header("Authorization", value),
                    Err(why) => req.warnings.push(format!("digest auth: {why}; the request is sent unsigned")),
                }
            }
            req.digest = Some(creds);
        }
        AuthKind::AwsV4 => sign_awsv4(&get, req, url),
        AuthKind::Hawk => sign_hawk(&get, req, url),
        AuthKind::Jwt => sign_jwt(auth, &get, req, url),
        AuthKind::OAuth1 => sign_oauth1(&get, req, url, signing),
        AuthKind::Asap => sign_asap(&get, req),
        AuthKind::Ntlm => {
            // `DOMAIN\user` or `user@domain` in the user name, unless the block names a domain.
            let (user, domain) = (get("username"), get("domain"));
            let password = crate::secret::Secret::new(get("password"));
            let mut creds = crate::proxyauth::ntlm::NtlmCredentials::parse(&user, password.clone());
            if !domain.is_empty() {
                creds.domain = domain;
                creds.user = user;
            }
            creds.workstation = get("workstation");
            if !password.is_empty() {
                req.secrets.push(password.expose().to_string());
            }
            req.ntlm = Some(creds);
        }
        AuthKind::EdgeGrid => sign_edgegrid(auth, &get, &|text: &str| scopes.replace_in(text), req, url),
        AuthKind::Other(other) => req.warnings.push(format!(
            "auth type `{other}` is not supported by postie yet; the request is sent without authentication"
        )),
    }
}

/// AWS Signature V4 over the request as built so far (body included), as Newman signs it.
fn sign_awsv4(get: &dyn Fn(&str) -> String, req: &mut PreparedRequest, url: &mut Url) {
    use super::sign::awsv4;
    let params = awsv4::AwsParams {
        access_key: get("accessKey"),
        secret_key: get("secretKey"),
        session_token: get("sessionToken"),
        region: get("region"),
        service: get("service"),
        add_to_query: matches!(get("addAuthDataToQuery").as_str(), "true" | "1"),
    };
    req.secrets.extend([params.secret_key.clone(), params.session_token.clone()].into_iter().filter(|s| !s.is_empty()));
    // Newman's runtime drops earlier signatures before signing again.
    req.headers.retain(|(k, _)| {
        !["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"]
            .contains(&k.to_ascii_lowercase().as_str())
    });
    let stale = [
        "X-Amz-Security-Token",
        "X-Amz-Date",
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-SignedHeaders",
        "X-Amz-Signature",
    ];
    remove_query_params(url, &stale);
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or("")),
        None => url.host_str().unwrap_or("").to_string(),
    };
    let body: Option<&[u8]> = match &req.body {
        PreparedBody::Text(t) => Some(t.as_bytes()),
        PreparedBody::Bytes(b) => Some(b),
        // Newman does not hash form-data bodies either.
        PreparedBody::None | PreparedBody::Multipart(_) => None,
    };
    let datetime = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let request = awsv4::Request {
        method: &req.method,
        host: &host,
        path: url.path(),
        query: url.query(),
        headers: &req.headers,
        body,
    };
    let signed = awsv4::sign(&request, &params, &datetime);
    for (name, value) in signed.headers {
        if name == "Authorization" {
            req.secrets.push(value.clone());
        }
        req.set_header(&name, value);
    }
    if !signed.query.is_empty() {
        let mut query = url.query().unwrap_or_default().to_string();
        for (key, value) in signed.query {
            if key == "X-Amz-Signature" {
                req.secrets.push(value.clone());
            }
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(&format!("{key}={value}"));
        }
        url.set_query(Some(&query));
    }
}

/// OAuth 1.0a over the request as built so far, as Newman's runtime signs it.
fn sign_oauth1(get: &dyn Fn(&str) -> String, req: &mut PreparedRequest, url: &mut Url, signing: &Signing<'_>) {
    use super::sign::oauth1;
    const PROTOCOL: [&str; 10] = [
        "oauth_consumer_key",
        "oauth_token",
        "oauth_signature_method",
        "oauth_timestamp",
        "oauth_nonce",
        "oauth_version",
        "oauth_signature",
        "oauth_callback",
        "oauth_verifier",
        "oauth_body_hash",
    ];
    let flag = |key: &str| matches!(get(key).as_str(), "true" | "1");
    let (nonce, timestamp) = (get("nonce"), get("timestamp"));
    let params = oauth1::OAuth1Params {
        consumer_key: get("consumerKey"),
        consumer_secret: get("consumerSecret"),
        token: get("token"),
        token_secret: get("tokenSecret"),
        private_key: get("privateKey"),
        signature_method: get("signatureMethod"),
        callback: get("callback"),
        verifier: get("verifier"),
        timestamp: if timestamp.is_empty() { chrono::Utc::now().timestamp().to_string() } else { timestamp },
        nonce: if nonce.is_empty() { oauth1::nonce() } else { nonce },
        version: get("version"),
        realm: get("realm"),
        include_body_hash: flag("includeBodyHash"),
        add_params_to_header: flag("addParamsToHeader"),
        add_empty_params_to_sign: flag("addEmptyParamsToSign"),
        disable_header_encoding: flag("disableHeaderEncoding"),
    };
    req.secrets.extend(
        [&params.consumer_secret, &params.token_secret, &params.private_key]
            .into_iter()
            .filter(|s| !s.is_empty())
            .cloned(),
    );
    // Earlier signatures go, as Newman removes them before signing again.
    req.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
    remove_query_params(url, &PROTOCOL);
    let form: Option<Vec<(String, String)>> =
        signing.form.map(|pairs| pairs.iter().filter(|(k, _)| !PROTOCOL.contains(&k.as_str())).cloned().collect());
    if let (Some(kept), Some(all)) = (&form, signing.form)
        && kept.len() != all.len()
    {
        req.body = PreparedBody::Text(encode_form(kept));
    }
    let body: Option<&[u8]> = match &req.body {
        PreparedBody::Text(t) => Some(t.as_bytes()),
        PreparedBody::Bytes(b) => Some(b),
        _ => None,
    };
    let request = oauth1::Request { method: &req.method, url, form: form.as_deref(), body };
    let placed = match oauth1::sign(&request, &params) {
        None => return,
        Some(Err(e)) => {
            req.warnings.push(format!("OAuth 1.0 auth: {e}; the request is sent unsigned"));
            return;
        }
        Some(Ok(placed)) => placed,
    };
    if !signing.disable_url_encoding
        && let Some(query) = url.query().map(oauth1::reencode_query)
    {
        url.set_query(if query.is_empty() { None } else { Some(&query) });
    }
    match placed {
        oauth1::Placement::Header(value) => {
            req.secrets.push(value.clone());
            req.headers.push(("Authorization".to_string(), value));
        }
        oauth1::Placement::Body(pairs) => {
            req.secrets.extend(pairs.iter().filter(|(k, _)| k == "oauth_signature").map(|(_, v)| v.clone()));
            let mut all = form.unwrap_or_default();
            all.extend(pairs);
            req.body = PreparedBody::Text(encode_form(&all));
        }
        oauth1::Placement::Query(pairs) => {
            let mut query = url.query().unwrap_or_default().to_string();
            for (k, v) in pairs {
                if k == "oauth_signature" {
                    req.secrets.push(v.clone());
                }
                if !query.is_empty() {
                    query.push('&');
                }
                query.push_str(&format!("{k}={v}"));
            }
            url.set_query(Some(&query));
        }
    }
}

/// Akamai EdgeGrid over the request as built so far, as Newman's runtime signs it.
fn sign_edgegrid(
    auth: &Auth,
    get: &dyn Fn(&str) -> String,
    resolve: &dyn Fn(&str) -> String,
    req: &mut PreparedRequest,
    url: &Url,
) {
    use super::sign::edgegrid;
    let headers_to_sign = match auth.params.iter().find(|(k, _)| k == "headersToSign").map(|(_, v)| v) {
        Some(serde_json::Value::Array(list)) => list.iter().filter_map(|v| v.as_str()).map(resolve).collect(),
        _ => get("headersToSign").split(',').map(str::to_string).filter(|s| !s.trim().is_empty()).collect(),
    };
    let (nonce, timestamp) = (get("nonce"), get("timestamp"));
    let base = get("baseURL");
    let params = edgegrid::EdgeGridParams {
        access_token: get("accessToken"),
        client_token: get("clientToken"),
        client_secret: get("clientSecret"),
        nonce: if nonce.is_empty() {
            uuid::Builder::from_random_bytes(rand::random()).into_uuid().to_string()
        } else {
            nonce
        },
        timestamp: if timestamp.is_empty() { edgegrid::timestamp() } else { timestamp },
        base_host: if base.is_empty() {
            String::new()
        } else {
            parse_url(&base).ok().map(|u| host_port(&u)).unwrap_or_default()
        },
        headers_to_sign,
        max_body: get("maxBodySize").trim().parse().ok().filter(|n| *n > 0).unwrap_or(131_072),
    };
    req.secrets.extend(
        [&params.client_secret, &params.access_token, &params.client_token]
            .into_iter()
            .filter(|s| !s.is_empty())
            .cloned(),
    );
    let body: Option<&[u8]> = match &req.body {
        PreparedBody::Text(t) => Some(t.as_bytes()),
        PreparedBody::Bytes(b) => Some(b),
        _ => None,
    };
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let host = host_port(url);
    let request = edgegrid::Request {
        method: &req.method,
        scheme: url.scheme(),
        host: &host,
        path: &path,
        headers: &req.headers,
        body,
    };
    if let Some(value) = edgegrid::header(&request, &params) {
        req.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
        req.secrets.push(value.clone());
        req.headers.push(("Authorization".to_string(), value));
    }
}

/// `host[:port]` as Node's URL `host` has it: the port only when not the default.
fn host_port(url: &Url) -> String {
    match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or("")),
        None => url.host_str().unwrap_or("").to_string(),
    }
}

/// Atlassian S2S (ASAP): a JWT in `Authorization: Bearer`.
fn sign_asap(get: &dyn Fn(&str) -> String, req: &mut PreparedRequest) {
    use super::sign::asap;
    let params = asap::AsapParams {
        alg: get("alg"),
        kid: get("kid"),
        iss: get("iss"),
        sub: get("sub"),
        aud: get("aud"),
        exp: get("exp"),
        private_key: get("privateKey"),
        claims: get("claims"),
    };
    if !params.private_key.is_empty() {
        req.secrets.push(params.private_key.clone());
    }
    let new_jti = || uuid::Builder::from_random_bytes(rand::random()).into_uuid().to_string();
    match asap::token(&params, chrono::Utc::now().timestamp(), &new_jti) {
        Ok(token) => {
            req.secrets.push(token.clone());
            req.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
            req.headers.push(("Authorization".to_string(), format!("Bearer {token}")));
        }
        Err(e) => req.warnings.push(format!("ASAP auth: {e}; the request is sent without a token")),
    }
}

/// A urlencoded body as postie writes one.
fn encode_form(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", super::body::form_encode(k), super::body::form_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Postman's JWT Bearer: a token signed from the block, in the Authorization header
/// (`headerPrefix`, default `Bearer`) or a query parameter (`queryParamKey`, default `token`).
fn sign_jwt(auth: &Auth, get: &dyn Fn(&str) -> String, req: &mut PreparedRequest, url: &mut Url) {
    use super::sign::jwt;
    let algorithm = get("algorithm");
    let params = jwt::JwtParams {
        algorithm: if algorithm.is_empty() { "HS256".into() } else { algorithm },
        secret: get("secret"),
        secret_base64: matches!(get("isSecretBase64Encoded").as_str(), "true" | "1"),
        private_key: get("privateKey"),
        header: get("header"),
        payload: get("payload"),
    };
    req.secrets.extend([params.secret.clone(), params.private_key.clone()].into_iter().filter(|s| !s.is_empty()));
    let token = match jwt::token(&params) {
        Ok(token) => token,
        Err(e) => {
            req.warnings.push(format!("JWT auth: {e}; the request is sent without a token"));
            return;
        }
    };
    req.secrets.push(token.clone());
    if get("addTokenTo") == "queryParam" {
        let key = get("queryParamKey");
        set_query_param(url, if key.is_empty() { "token" } else { &key }, &token);
        return;
    }
    // A block without `headerPrefix` means Bearer; one set to "" means no prefix.
    let prefix =
        if auth.params.iter().any(|(k, _)| k == "headerPrefix") { get("headerPrefix") } else { "Bearer".into() };
    req.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
    let value = if prefix.is_empty() { token } else { format!("{prefix} {token}") };
    req.headers.push(("Authorization".to_string(), value));
}

/// Hawk over the request as built so far, as Newman's request library signs it.
fn sign_hawk(get: &dyn Fn(&str) -> String, req: &mut PreparedRequest, url: &Url) {
    use super::sign::hawk;
    let nonce = get("nonce");
    let timestamp = get("timestamp");
    let params = hawk::HawkParams {
        id: get("authId"),
        key: get("authKey"),
        algorithm: get("algorithm"),
        nonce: if nonce.is_empty() { hawk::nonce() } else { nonce },
        // Newman takes the block's timestamp when it is a whole number, else now.
        timestamp: match timestamp.trim().parse::<i64>() {
            Ok(ts) if ts != 0 => ts.to_string(),
            _ => chrono::Utc::now().timestamp().to_string(),
        },
        ext: get("extraData"),
        app: get("app"),
        dlg: get("delegation"),
    };
    if params.id.is_empty() || params.key.is_empty() {
        return;
    }
    req.secrets.push(params.key.clone());
    let body: Option<&[u8]> = match &req.body {
        PreparedBody::Text(t) => Some(t.as_bytes()),
        PreparedBody::Bytes(b) => Some(b),
        PreparedBody::None | PreparedBody::Multipart(_) => None,
    };
    let hash = match body.filter(|b| !b.is_empty()) {
        Some(body) if matches!(get("includePayloadHash").as_str(), "true" | "1") => {
            hawk::payload_hash(&params.algorithm, req.header("content-type"), body)
        }
        _ => None,
    };
    let resource = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let host = match url.host() {
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        _ => url.host_str().unwrap_or("").to_string(),
    };
    let request = hawk::Request {
        method: &req.method,
        resource: &resource,
        host: &host,
        port: url.port_or_known_default().unwrap_or(80),
        hash: hash.as_deref(),
    };
    req.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
    if let Some(value) = hawk::header(&request, &params) {
        req.secrets.push(value.clone());
        req.headers.push(("Authorization".to_string(), value));
    }
}

/// Removes every query parameter named one of `names`, keeping the others' bytes.
fn remove_query_params(url: &mut Url, names: &[&str]) {
    let Some(query) = url.query() else { return };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|s| {
            let name = s.split('=').next().unwrap_or_default();
            !names.iter().any(|n| url::form_urlencoded::parse(name.as_bytes()).next().is_some_and(|(k, _)| k == *n))
        })
        .collect();
    let joined = kept.join("&");
    url.set_query(if joined.is_empty() { None } else { Some(&joined) });
}

impl DigestCredentials {
    /// Whether the block holds what the first request needs (as Newman's `pre` hook asks).
    pub fn signs_ahead(&self) -> bool {
        !self.username.is_empty() && !self.block.realm.is_empty() && !self.block.nonce.is_empty()
    }
}

/// The Digest `Authorization` value for `req` from the block's credentials and `fields`
/// (the block's own, or those of a server's challenge).
pub fn digest_header(
    creds: &DigestCredentials,
    fields: &DigestFields,
    req: &PreparedRequest,
) -> Result<String, String> {
    let mut uri = req.url.path().to_string();
    if let Some(q) = req.url.query() {
        uri.push('?');
        uri.push_str(q);
    }
    let body: &[u8] = match &req.body {
        PreparedBody::Text(t) => t.as_bytes(),
        PreparedBody::Bytes(b) => b,
        _ => &[],
    };
    super::sign::digest::header(&super::sign::digest::DigestParams {
        username: &creds.username,
        password: &creds.password,
        realm: &fields.realm,
        nonce: &fields.nonce,
        algorithm: &creds.algorithm,
        qop: &fields.qop,
        nonce_count: &fields.nonce_count,
        client_nonce: &fields.client_nonce,
        opaque: &fields.opaque,
        method: &req.method,
        uri: &uri,
        body,
    })
}
