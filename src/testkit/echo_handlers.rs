//! The echo API's handlers, shaped like postman-echo's answers.
//!
//! Owns the JSON echo of a request (`args`, `data`, `files`, `form`, `headers`, `json`,
//! `url`), status codes, basic auth, cookies, redirects, delays, random bytes and a chunked
//! stream. Digest auth lives in `digest.rs`. Header names in echoes are lower case; a
//! repeated header is joined with ", ". Every limit (delay, byte count, lines) is clamped, never an error.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

use super::body_parse::{echo_body, insert_multi, pairs_to_object, parse_pairs, percent_decode};
use super::digest::{DigestState, REALM};

/// Longest `/delay/{ms}`.
pub(crate) const MAX_DELAY_MS: u64 = 10_000;
/// Most lines of `/stream/{n}`.
pub(crate) const MAX_STREAM_LINES: usize = 100;
/// Largest `/bytes/{n}`.
pub(crate) const MAX_BYTES: usize = 10 * 1024 * 1024;

/// State shared by the handlers of one echo server.
pub(crate) struct EchoState {
    pub(crate) digest: DigestState,
    /// `/flaky/{n}`: how often each `key` was asked for.
    pub(crate) flaky: std::sync::Mutex<std::collections::HashMap<String, u32>>,
    pub(crate) oauth2: super::oauth2_server::OAuth2State,
    pub(crate) ntlm: super::ntlm_endpoint::NtlmEndpoint,
}

impl AsRef<DigestState> for EchoState {
    fn as_ref(&self) -> &DigestState {
        &self.digest
    }
}

impl EchoState {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(EchoState {
            digest: DigestState::new(),
            flaky: Default::default(),
            oauth2: Default::default(),
            ntlm: Default::default(),
        })
    }
}

fn headers_object(headers: &HeaderMap) -> Map<String, Value> {
    let mut map = Map::new();
    for (name, value) in headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        match map.get_mut(name.as_str()) {
            Some(Value::String(existing)) => {
                existing.push_str(", ");
                existing.push_str(&value);
            }
            _ => {
                map.insert(name.as_str().to_ascii_lowercase(), Value::String(value));
            }
        }
    }
    map
}

fn args_object(uri: &Uri) -> Map<String, Value> {
    pairs_to_object(parse_pairs(uri.query().unwrap_or_default()))
}

/// The URL the client asked for, as postman-echo reports it.
fn url_of(uri: &Uri, headers: &HeaderMap) -> String {
    if uri.scheme().is_some() {
        return uri.to_string();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    let path = uri.path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
    format!("http://{host}{path}")
}

pub(crate) fn full_echo(method: Option<&Method>, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Value {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let parsed = echo_body(content_type, body);
    let mut echo = Map::new();
    echo.insert("args".into(), Value::Object(args_object(uri)));
    echo.insert("data".into(), parsed.data);
    echo.insert("files".into(), Value::Object(parsed.files));
    echo.insert("form".into(), Value::Object(parsed.form));
    echo.insert("headers".into(), Value::Object(headers_object(headers)));
    echo.insert("json".into(), parsed.json);
    if let Some(method) = method {
        echo.insert("method".into(), Value::String(method.to_string()));
    }
    echo.insert("url".into(), Value::String(url_of(uri, headers)));
    Value::Object(echo)
}

/// `/get`: `{args, headers, url}`, whatever the method.
pub(crate) async fn echo_get(uri: Uri, headers: HeaderMap) -> Json<Value> {
    Json(json!({
        "args": args_object(&uri),
        "headers": headers_object(&headers),
        "url": url_of(&uri, &headers),
    }))
}

/// `/post`, `/put`, `/patch`, `/delete`: the request with its body read.
pub(crate) async fn echo_full(uri: Uri, headers: HeaderMap, body: Bytes) -> Json<Value> {
    Json(full_echo(None, &uri, &headers, &body))
}

/// `/anything/*`: the full echo plus the method.
pub(crate) async fn anything(method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Json<Value> {
    Json(full_echo(Some(&method), &uri, &headers, &body))
}

pub(crate) async fn headers_only(headers: HeaderMap) -> Json<Value> {
    Json(json!({ "headers": headers_object(&headers) }))
}

/// `/flaky/{n}?key=K[&status=S][&retry_after=R]`: the first `n` requests for `key` get
/// status S (503 by default, with `Retry-After: R` when given), later ones 200 with
/// `{"attempt": i}`. Keys keep tests apart.
pub(crate) async fn flaky(State(state): State<Arc<EchoState>>, Path(n): Path<u32>, uri: Uri) -> Response {
    let args = args_object(&uri);
    let arg = |name: &str| args.get(name).and_then(Value::as_str).map(str::to_string);
    let key = arg("key").unwrap_or_default();
    let attempt = {
        let mut seen = state.flaky.lock().unwrap_or_else(|p| p.into_inner());
        let count = seen.entry(key).or_insert(0);
        *count += 1;
        *count
    };
    if attempt > n {
        return Json(json!({ "attempt": attempt })).into_response();
    }
    let code = arg("status").and_then(|s| s.parse().ok()).unwrap_or(503);
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let mut response = (status, Json(json!({ "attempt": attempt, "status": code }))).into_response();
    if let Some(after) = arg("retry_after").and_then(|v| HeaderValue::from_str(&v).ok()) {
        response.headers_mut().insert(header::RETRY_AFTER, after);
    }
    response
}

/// `/status/{code}`: that status (200–999) with `{"status": code}`.
pub(crate) async fn status(Path(code): Path<u16>) -> Response {
    match StatusCode::from_u16(code) {
        Ok(status) if code >= 200 => {
            if matches!(code, 204 | 304) {
                status.into_response()
            } else {
                (status, Json(json!({ "status": code }))).into_response()
            }
        }
        _ => bad_request(format!("status {code} is not servable: use 200 to 999")),
    }
}

fn bad_request(error: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response()
}

/// `/basic-auth/{user}/{pass}`: 200 for the right credentials, else 401 with a challenge.
pub(crate) async fn basic_auth(Path((user, pass)): Path<(String, String)>, headers: HeaderMap) -> Response {
    let expected = format!("{user}:{pass}");
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .and_then(|(_, encoded)| STANDARD.decode(encoded.trim()).ok());
    if given.as_deref() == Some(expected.as_bytes()) {
        return Json(json!({ "authenticated": true })).into_response();
    }
    let challenge = format!("Basic realm=\"{REALM}\"");
    (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, challenge)], Json(json!({ "authenticated": false })))
        .into_response()
}

/// `/delay/{ms}`: answers after `ms` milliseconds (at most 10 s).
pub(crate) async fn delay(Path(ms): Path<u64>) -> Json<Value> {
    let ms = ms.min(MAX_DELAY_MS);
    tokio::time::sleep(Duration::from_millis(ms)).await;
    Json(json!({ "delay": ms }))
}

fn redirect_to(location: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location.to_string())]).into_response()
}

/// `/cookies/set?k=v`: one `Set-Cookie` per pair, then 302 to `/cookies`.
pub(crate) async fn cookies_set(uri: Uri) -> Response {
    let mut response = redirect_to("/cookies");
    for (name, value) in parse_pairs(uri.query().unwrap_or_default()) {
        if let Ok(cookie) = HeaderValue::from_str(&format!("{name}={value}; Path=/")) {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    response
}

/// `/cookies/delete?k`: expires each named cookie, then 302 to `/cookies`.
pub(crate) async fn cookies_delete(uri: Uri) -> Response {
    let mut response = redirect_to("/cookies");
    for (name, _) in parse_pairs(uri.query().unwrap_or_default()) {
        if let Ok(cookie) = HeaderValue::from_str(&format!("{name}=; Max-Age=0; Path=/")) {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    response
}

/// `/cookies`: `{"cookies": {name: value}}` from the `Cookie` headers received.
pub(crate) async fn cookies(headers: HeaderMap) -> Json<Value> {
    let mut map = Map::new();
    for value in headers.get_all(header::COOKIE) {
        for pair in String::from_utf8_lossy(value.as_bytes()).split(';') {
            let pair = pair.trim();
            if pair.is_empty() {
                continue;
            }
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            insert_multi(&mut map, name.to_string(), Value::String(percent_decode(value, false)));
        }
    }
    Json(json!({ "cookies": map }))
}

/// `/redirect-to?url=U&status_code=N&cookie=k=v`: status N (302 when not given) with
/// `Location: U`, and a `Set-Cookie` (path `/`) for each `cookie`.
pub(crate) async fn redirect_to_url(uri: Uri) -> Response {
    let pairs = parse_pairs(uri.query().unwrap_or_default());
    let get = |name: &'static str| pairs.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str());
    let status = get("status_code").next().and_then(|c| c.parse::<u16>().ok()).unwrap_or(302);
    let mut response = redirect_to(get("url").next().unwrap_or("/get"));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::FOUND);
    for cookie in get("cookie") {
        if let Ok(value) = HeaderValue::from_str(&format!("{cookie}; Path=/")) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// `/redirect/{n}`: a chain of n 302s ending at `/get`.
pub(crate) async fn redirect(Path(n): Path<u32>) -> Response {
    if n <= 1 { redirect_to("/get") } else { redirect_to(&format!("/redirect/{}", n - 1)) }
}

/// `/bytes/{n}`: n random bytes (at most 10 MiB).
pub(crate) async fn bytes(Path(n): Path<usize>) -> Response {
    let mut body = vec![0u8; n.min(MAX_BYTES)];
    rand::fill(&mut body[..]);
    ([(header::CONTENT_TYPE, "application/octet-stream")], body).into_response()
}

/// `/gzip`, `/deflate`, `/brotli`: the request's echo, compressed with that coding and sent
/// with `Content-Encoding` (`/deflate` is zlib-wrapped, as HTTP's "deflate" means).
pub(crate) async fn compressed(Path(coding): Path<String>, uri: Uri, headers: HeaderMap) -> Response {
    use std::io::Write as _;
    let echo = json!({ coding.as_str(): true, "headers": headers_object(&headers), "url": url_of(&uri, &headers) });
    let plain = echo.to_string().into_bytes();
    let (name, body) = match coding.as_str() {
        "gzip" => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            let _ = e.write_all(&plain);
            ("gzip", e.finish().unwrap_or_default())
        }
        "deflate" => {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            let _ = e.write_all(&plain);
            ("deflate", e.finish().unwrap_or_default())
        }
        "brotli" => {
            let mut out = Vec::new();
            {
                let mut e = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                let _ = e.write_all(&plain);
            }
            ("br", out)
        }
        _ => return not_found(uri).await,
    };
    ([(header::CONTENT_TYPE, "application/json"), (header::CONTENT_ENCODING, name)], body).into_response()
}

/// `/stream/{n}`: n JSON lines (at most 100), sent chunked, one chunk per line.
pub(crate) async fn stream(Path(n): Path<usize>, uri: Uri, headers: HeaderMap) -> Response {
    let url = url_of(&uri, &headers);
    let lines: Vec<Result<String, std::convert::Infallible>> =
        (0..n.min(MAX_STREAM_LINES)).map(|id| Ok(format!("{}\n", json!({ "id": id, "url": url })))).collect();
    let body = axum::body::Body::from_stream(futures::stream::iter(lines));
    ([(header::CONTENT_TYPE, "application/x-ndjson")], body).into_response()
}

/// `/response-headers?k=v`: each pair as a response header, and echoed as JSON.
pub(crate) async fn response_headers(uri: Uri) -> Response {
    let pairs = parse_pairs(uri.query().unwrap_or_default());
    let mut response = Json(Value::Object(pairs_to_object(pairs.clone()))).into_response();
    for (name, value) in pairs {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::from_str(&value)) {
            response.headers_mut().append(name, value);
        }
    }
    response
}

pub(crate) async fn not_found(uri: Uri) -> Response {
    let error = format!("no echo endpoint at {}", uri.path());
    (StatusCode::NOT_FOUND, Json(json!({ "error": error }))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_lower_case_and_repeats_joined() {
        let mut headers = HeaderMap::new();
        headers.append("X-One", HeaderValue::from_static("a"));
        headers.append("x-one", HeaderValue::from_static("b"));
        headers.append("Accept", HeaderValue::from_static("*/*"));
        assert_eq!(Value::Object(headers_object(&headers)), json!({"x-one": "a, b", "accept": "*/*"}));
    }

    #[test]
    fn url_table() {
        let mut with_host = HeaderMap::new();
        with_host.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        let cases = [
            ("/get?a=1", &with_host, "http://127.0.0.1:8080/get?a=1"),
            ("http://localhost:9/x", &with_host, "http://localhost:9/x"),
            ("/p", &HeaderMap::new(), "http://127.0.0.1/p"),
        ];
        for (uri, headers, expected) in cases {
            let uri: Uri = uri.parse().unwrap_or_default();
            assert_eq!(url_of(&uri, headers), expected);
        }
    }
}
