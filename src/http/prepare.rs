//! Turning a planned request and the variable scopes into the exact request to send:
//! variables resolved everywhere, path variables, implicit headers, body pruning, auth.

use url::Url;

use super::auth::{FetchedToken, Signing, apply_auth};
use super::body::build_body;
pub use super::body::{BodyFiles, strip_json_comments};
use crate::collection::Body;
use crate::plan::PlannedRequest;
use crate::vars::Scopes;

/// Methods whose body Postman drops unless `disableBodyPruning` is set.
const PRUNED_METHODS: &[&str] = &["GET", "HEAD", "COPY", "PURGE", "UNLOCK"];

/// Methods Node's HTTP client sends with no `Content-Length` when they carry no body;
/// every other method (POST, PUT, PATCH, ...) gets `Content-Length: 0`, as from Newman.
const BODYLESS_METHODS: &[&str] = &["GET", "HEAD", "DELETE", "OPTIONS", "TRACE", "CONNECT"];

#[derive(Clone, Debug)]
pub enum MultipartValue {
    Text(String),
    File { file_name: String, bytes: Vec<u8> },
}

#[derive(Clone, Debug)]
pub struct MultipartPart {
    pub name: String,
    pub value: MultipartValue,
    pub content_type: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub enum PreparedBody {
    #[default]
    None,
    Text(String),
    Bytes(Vec<u8>),
    Multipart(Vec<MultipartPart>),
}

impl PreparedBody {
    /// What reports show of the body.
    /// Nothing to send: no body, or one with no bytes (an empty raw text, form or file).
    pub fn is_empty(&self) -> bool {
        match self {
            PreparedBody::None => true,
            PreparedBody::Text(t) => t.is_empty(),
            PreparedBody::Bytes(b) => b.is_empty(),
            PreparedBody::Multipart(parts) => parts.is_empty(),
        }
    }

    pub fn describe(&self) -> Option<String> {
        match self {
            PreparedBody::None => None,
            PreparedBody::Text(t) => Some(t.clone()),
            PreparedBody::Bytes(b) => Some(format!("<{} bytes>", b.len())),
            PreparedBody::Multipart(parts) => Some(
                parts
                    .iter()
                    .map(|p| match &p.value {
                        MultipartValue::Text(t) => format!("{}={t}", p.name),
                        MultipartValue::File { file_name, bytes } => {
                            format!("{}=<file {file_name}, {} bytes>", p.name, bytes.len())
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("&"),
            ),
        }
    }
}

/// Digest auth needs the server's challenge first; these are its resolved parameters.
#[derive(Clone, Debug)]
pub struct DigestCredentials {
    pub username: String,
    pub password: String,
    /// The block's `algorithm` (empty means MD5).
    pub algorithm: String,
    /// What the block itself holds of what a server's challenge gives.
    pub block: DigestFields,
}

/// The fields of a Digest exchange that come from the server (or a block that kept them),
/// resolved; empty when not given.
#[derive(Clone, Debug, Default)]
pub struct DigestFields {
    pub realm: String,
    pub nonce: String,
    pub qop: String,
    pub nonce_count: String,
    pub client_nonce: String,
    pub opaque: String,
}

#[derive(Clone, Debug)]
pub struct PreparedRequest {
    pub method: String,
    pub url: Url,
    /// In the order they go on the wire, names as written.
    pub headers: Vec<(String, String)>,
    pub body: PreparedBody,
    pub digest: Option<DigestCredentials>,
    /// NTLM against the server: a handshake on one connection when it asks for it.
    pub ntlm: Option<crate::proxyauth::ntlm::NtlmCredentials>,
    /// Resolved secrets (auth passwords, tokens) for the redactor.
    pub secrets: Vec<String>,
    pub warnings: Vec<String>,
}

impl PreparedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn set_header(&mut self, name: &str, value: String) {
        match self.headers.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(name)) {
            Some(slot) => slot.1 = value,
            None => self.headers.push((name.to_string(), value)),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error("invalid URL `{url}`: {reason}{hint}")]
    InvalidUrl { url: String, reason: String, hint: String },
    /// A URL with no host at all (`/users/1`): Newman's words for it.
    #[error("Invalid URI \"http://{url}\"")]
    NoHost { url: String },
}

/// The request's own `proxy` object in the shape the proxy policy takes.
pub fn collection_proxy(request: &crate::collection::Request) -> Option<crate::proxy::CollectionProxy> {
    request.proxy.as_ref().map(|p| crate::proxy::CollectionProxy {
        match_pattern: p.match_pattern.clone(),
        host: p.host.clone(),
        port: p.port,
        tunnel: p.tunnel,
        disabled: p.disabled,
        credentials: p.credentials.as_ref().map(|(username, password)| crate::proxy::Credentials {
            username: username.clone(),
            password: password.clone(),
        }),
    })
}

/// Resolves the URL text: variables, path variables (`:id`), and a default `http://`.
pub fn resolve_url(req: &PlannedRequest, scopes: &Scopes) -> Result<Url, PrepareError> {
    let spec = &req.request.url;
    let mut text = scopes.replace_in(&spec.template());
    if !spec.variables.is_empty() {
        text = replace_path_variables(&text, &spec.variables, scopes);
    }
    let mut url = parse_url(&protect_query_whitespace(text.trim_start()))?;
    if let Some(auth) = &spec.auth {
        // Encoded by the URL itself, so a `/`, `@` or `:` in a password stays in it.
        let _ = url.set_username(&scopes.replace_in(&auth.user));
        let _ = url.set_password(auth.password.as_deref().map(|p| scopes.replace_in(p)).as_deref());
    }
    Ok(url)
}

/// Whitespace in the query is data (a value ending in a newline is sent as `%0A`, as by
/// Newman), but a URL parser drops tabs and newlines anywhere and spaces at the end: encode
/// them first. Without a query, surrounding whitespace is layout and is trimmed.
fn protect_query_whitespace(text: &str) -> String {
    let Some(at) = text.find('?') else {
        return text.trim_end().to_string();
    };
    let (head, query) = text.split_at(at);
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(head);
    for c in query.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '\t' => out.push_str("%09"),
            '\n' => out.push_str("%0A"),
            '\r' => out.push_str("%0D"),
            c => out.push(c),
        }
    }
    out
}

pub fn parse_url(text: &str) -> Result<Url, PrepareError> {
    if text.starts_with('/') {
        return Err(PrepareError::NoHost { url: text.to_string() });
    }
    let with_scheme = if text.contains("://") { text.to_string() } else { format!("http://{text}") };
    let parsed = Url::parse(&with_scheme).and_then(|u| match u.host_str() {
        // `{` is legal in a WHATWG host, so an unresolved `{{base}}` would otherwise parse
        Some(h) if h.contains("{{") || h.contains("}}") => Err(url::ParseError::InvalidDomainCharacter),
        _ => Ok(u),
    });
    if let Ok(u) = &parsed
        && !matches!(u.scheme(), "http" | "https")
    {
        let hint = match u.scheme() {
            "ws" | "wss" => " (WebSocket requests are not run by postie, as by Newman)",
            _ => " (postie sends http and https requests only)",
        };
        return Err(PrepareError::InvalidUrl {
            url: text.to_string(),
            reason: format!("unsupported scheme `{}`", u.scheme()),
            hint: hint.to_string(),
        });
    }
    parsed.map_err(|e| {
        let hint = match text.find("{{") {
            Some(start) => {
                let name = text[start + 2..].split("}}").next().unwrap_or_default();
                format!(" (the variable `{name}` is not defined: set it in the environment, with --env-var, or in the collection)")
            }
            None if text.is_empty() => " (the request has no URL)".to_string(),
            None => String::new(),
        };
        PrepareError::InvalidUrl { url: text.to_string(), reason: e.to_string(), hint }
    })
}

fn replace_path_variables(url: &str, vars: &[(String, String)], scopes: &Scopes) -> String {
    // Only the path is searched, so `http://host:8080` is never read as a variable.
    let (head, rest) = match url.find("://") {
        Some(i) => {
            let after = &url[i + 3..];
            let path_start = after.find('/').map(|p| i + 3 + p).unwrap_or(url.len());
            url.split_at(path_start)
        }
        None => ("", url),
    };
    let (path, tail) = match rest.find(['?', '#']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let path: Vec<String> = path
        .split('/')
        .map(|seg| match seg.strip_prefix(':') {
            // a value left empty leaves `:name` in the path, as Newman does (one that only
            // resolves to nothing, `{{unset}}`, is substituted)
            Some(name) => match vars.iter().rev().find(|(k, _)| k == name) {
                Some((_, v)) if !v.is_empty() => scopes.replace_in(v),
                _ => seg.to_string(),
            },
            None => seg.to_string(),
        })
        .collect();
    format!("{head}{}{tail}", path.join("/"))
}

/// Builds the request; `files` says where form-data and file bodies are read from.
pub fn prepare(
    req: &PlannedRequest,
    scopes: &Scopes,
    files: BodyFiles,
    fetched: &FetchedToken,
) -> Result<PreparedRequest, PrepareError> {
    let mut url = resolve_url(req, scopes)?;
    let method = scopes.replace_in(&req.request.method).to_uppercase();
    let mut headers: Vec<(String, String)> = req
        .request
        .headers
        .iter()
        .filter(|h| !h.disabled)
        .map(|h| (scopes.replace_in(&h.key), scopes.replace_in(&h.value)))
        .filter(|(k, _)| !k.is_empty())
        .collect();
    let prune = PRUNED_METHODS.contains(&method.as_str()) && req.profile_bool("disableBodyPruning") != Some(true);
    let body_spec = if prune { None } else { req.request.body.as_ref() };
    let has = |headers: &[(String, String)], name: &str| headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
    let mut warnings = Vec::new();
    let body = match body_spec {
        None => PreparedBody::None,
        Some(b) => build_body(b, scopes, files, &mut warnings),
    };
    // An empty body is no body, as in Newman: no implicit type, and `Content-Length: 0`
    // from the methods that always declare one.
    let body = if body.is_empty() { PreparedBody::None } else { body };
    // Raw and GraphQL bodies get their type before auth runs (Hawk's payload hash covers
    // it); a urlencoded body's comes from the request library after signing, as in Newman,
    // so AWS signatures do not cover it.
    let implicit_type = body_spec.and_then(Body::implicit_content_type).filter(|_| !body.is_empty());
    let form_type_late = matches!(body_spec, Some(Body::UrlEncoded(_)));
    if let Some(ct) = implicit_type.filter(|_| !form_type_late)
        && !has(&headers, "content-type")
    {
        headers.push(("Content-Type".to_string(), ct.to_string()));
    }
    // Added after signing, as Newman's request library adds it: AWS signatures do not
    // cover it.
    let zero_length = body.is_empty()
        && !BODYLESS_METHODS.contains(&method.as_str())
        && !has(&headers, "content-length")
        && !has(&headers, "transfer-encoding");
    // a file body gets its type from the file's extension, as in Newman
    if let (Some(Body::File { src: Some(src) }), PreparedBody::Bytes(_)) = (body_spec, &body)
        && !has(&headers, "content-type")
    {
        headers.push((
            "Content-Type".to_string(),
            super::mime::for_path(std::path::Path::new(&scopes.replace_in(src))).to_string(),
        ));
    }
    let mut prepared = PreparedRequest {
        method,
        url: url.clone(),
        headers,
        body,
        digest: None,
        ntlm: None,
        secrets: Vec::new(),
        warnings,
    };
    if let Some(auth) = &req.auth {
        let form: Option<Vec<(String, String)>> = match body_spec {
            Some(Body::UrlEncoded(pairs)) => Some(
                pairs
                    .iter()
                    .filter(|p| !p.disabled)
                    .map(|p| (scopes.replace_in(&p.key), scopes.replace_in(&p.value)))
                    .collect(),
            ),
            _ => None,
        };
        let signing = Signing {
            form: form.as_deref(),
            disable_url_encoding: req.profile_bool("disableUrlEncoding") == Some(true),
        };
        apply_auth(auth, scopes, &mut prepared, &mut url, fetched, &signing);
        prepared.url = url;
    }
    add_system_headers(&mut prepared.headers);
    // Auth may have added a body (OAuth 1.0 parameters into an empty form): decide the
    // form's type and the empty-body length from the body as it is now.
    let form_type = body_spec.and_then(Body::implicit_content_type).filter(|_| form_type_late);
    if let Some(ct) = form_type.filter(|_| !prepared.body.is_empty())
        && !has(&prepared.headers, "content-type")
    {
        prepared.headers.push(("Content-Type".to_string(), ct.to_string()));
    }
    fit_form_content_type(body_spec, &mut prepared);
    if zero_length && prepared.body.is_empty() && !has(&prepared.headers, "content-length") {
        prepared.headers.push(("Content-Length".to_string(), "0".to_string()));
    }
    Ok(prepared)
}

/// A form body's Content-Type is the request library's to give, as in Newman
/// (postman-request): a urlencoded body's header that does not start with
/// `application/x-www-form-urlencoded` becomes exactly that, and a form-data body's header
/// goes, so the client writes `multipart/form-data` with the boundary it uses. (Newman keeps
/// a `multipart/form-data; boundary=...` the request gives and uses that boundary; postie's
/// client makes its own.)
fn fit_form_content_type(body_spec: Option<&Body>, prepared: &mut PreparedRequest) {
    let is_content_type = |(k, _): &(String, String)| k.eq_ignore_ascii_case("content-type");
    match (body_spec, &prepared.body) {
        (Some(Body::UrlEncoded(_)), PreparedBody::Text(_)) => {
            for (_, value) in prepared.headers.iter_mut().filter(|h| is_content_type(h)) {
                if !value.starts_with("application/x-www-form-urlencoded")
                    || value["application/x-www-form-urlencoded".len()..]
                        .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                {
                    *value = "application/x-www-form-urlencoded".to_string();
                }
            }
        }
        (Some(Body::FormData(_)), PreparedBody::Multipart(_)) => prepared.headers.retain(|h| !is_content_type(h)),
        _ => {}
    }
}

/// A query key or value as postman-url-encoder writes it: controls, space, non-ASCII and
/// `"#&'<>` percent-encoded, everything else (`+`, `/`, `=` of a base64 key) as is.
pub(super) fn query_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte <= 0x20 || byte >= 0x7f || b"\"#&'<>".contains(&byte) {
            out.push_str(&format!("%{byte:02X}"));
        } else {
            out.push(byte as char);
        }
    }
    out
}

/// Puts `key=value` last in the query, replacing every parameter of that name (Newman's
/// API-key auth `in: query`, OAuth 2.0's `access_token`); the other parameters keep their
/// bytes as written.
pub(super) fn set_query_param(url: &mut Url, key: &str, value: &str) {
    set_query_pair(url, key, Some(value));
}

/// [`set_query_param`], where a parameter without a value is written as its key alone.
pub(super) fn set_query_pair(url: &mut Url, key: &str, value: Option<&str>) {
    let pair = match value {
        Some(value) => format!("{}={}", query_component(key), query_component(value)),
        None => query_component(key),
    };
    let same_key = |segment: &&str| {
        let name = segment.split('=').next().unwrap_or_default();
        url::form_urlencoded::parse(name.as_bytes()).next().is_some_and(|(k, _)| k == key)
    };
    let mut kept: Vec<&str> =
        url.query().unwrap_or_default().split('&').filter(|s| !s.is_empty()).filter(|s| !same_key(s)).collect();
    kept.push(&pair);
    let query = kept.join("&");
    url.set_query(Some(&query));
}

/// Newman's system headers (User-Agent, Accept, Cache-Control, Postman-Token,
/// Accept-Encoding, Connection), each unless the request has it: on every request a run
/// sends, those of `pm.sendRequest` included.
pub fn add_system_headers(headers: &mut Vec<(String, String)>) {
    for (name, value) in implicit_headers() {
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name)) {
            headers.push((name.to_string(), value));
        }
    }
}

/// Headers Newman's runtime adds unless the request sets them.
fn implicit_headers() -> [(&'static str, String); 6] {
    [
        ("User-Agent", format!("postie/{}", env!("CARGO_PKG_VERSION"))),
        ("Accept", "*/*".to_string()),
        ("Cache-Control", "no-cache".to_string()),
        // From the thread's RNG: uuid's own v4 makes a getrandom system call per request.
        ("Postman-Token", uuid::Builder::from_random_bytes(rand::random()).into_uuid().to_string()),
        ("Accept-Encoding", "gzip, deflate, br".to_string()),
        ("Connection", "keep-alive".to_string()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_are_replaced_and_encoded_as_newman_does() {
        let mut url = Url::parse("http://h/p?key=old&x=a%20b&key=older").unwrap();
        set_query_param(&mut url, "key", "a+b/c= d&");
        assert_eq!(url.as_str(), "http://h/p?x=a%20b&key=a+b/c=%20d%26");
        let mut bare = Url::parse("http://h/p").unwrap();
        set_query_param(&mut bare, "access_token", "t");
        assert_eq!(bare.as_str(), "http://h/p?access_token=t");
    }

    #[test]
    fn path_variables_only_in_the_path() {
        let scopes = Scopes::default();
        let vars = vec![("id".to_string(), "7".to_string()), ("8080".to_string(), "no".to_string())];
        assert_eq!(replace_path_variables("http://h:8080/u/:id?x=:id", &vars, &scopes), "http://h:8080/u/7?x=:id");
        assert_eq!(replace_path_variables("http://h/:missing", &vars, &scopes), "http://h/:missing");
    }

    #[test]
    fn unresolved_variable_hint() {
        let err = parse_url("{{baseUrl}}/x").unwrap_err().to_string();
        assert!(err.contains("`baseUrl` is not defined"), "{err}");
        assert!(parse_url("localhost:3000/x").is_ok());
    }
}
