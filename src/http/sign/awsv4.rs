//! AWS Signature Version 4 (Postman's `awsv4` auth), as Newman signs: its runtime removes
//! old `Authorization`/`X-Amz-*` values, adds `X-Amz-Content-Sha256` for a body, and hands
//! the request's own headers to the `aws4` library, which adds `Host`, `X-Amz-Date` and
//! `X-Amz-Security-Token` and signs. postie's implicit headers (User-Agent, Postman-Token,
//! ...) come after signing, as Newman's do.
//!
//! Pure: the request's parts and the time in, headers and query parameters out.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// The auth block's parameters, variables resolved.
#[derive(Clone, Debug, Default)]
pub struct AwsParams {
    pub access_key: String,
    pub secret_key: String,
    pub session_token: String,
    /// Empty: `us-east-1`.
    pub region: String,
    /// Empty: `execute-api` (API Gateway), Postman's default.
    pub service: String,
    /// Sign in the query string (a presigned URL) instead of headers.
    pub add_to_query: bool,
}

/// How path segments are encoded in the canonical request: AWS wants non-S3 paths encoded
/// twice (which is what `aws4`, and so Newman, does); the published test suite gives its
/// paths unencoded, so it is checked with `Once`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathEncoding {
    Twice,
    Once,
}

/// What signing adds to the request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Signed {
    /// Set (replacing same-named headers), in this order.
    pub headers: Vec<(String, String)>,
    /// Appended to the query string, already encoded.
    pub query: Vec<(String, String)>,
}

/// The parts of the request that are signed.
pub struct Request<'a> {
    pub method: &'a str,
    /// `host[:port]` as the Host header carries it.
    pub host: &'a str,
    /// The path as sent (percent-encoded), without the query.
    pub path: &'a str,
    /// The query string as sent, without `?`.
    pub query: Option<&'a str>,
    /// The request's headers at signing time, in order.
    pub headers: &'a [(String, String)],
    /// The body as sent; `None` or empty for none.
    pub body: Option<&'a [u8]>,
}

/// Headers `aws4` never signs.
const UNSIGNED: [&str; 7] =
    ["authorization", "connection", "x-amzn-trace-id", "user-agent", "expect", "presigned-expires", "range"];

/// Signs `req` at `datetime` (`20150830T123600Z`).
pub fn sign(req: &Request<'_>, params: &AwsParams, datetime: &str) -> Signed {
    let region = if params.region.is_empty() { "us-east-1" } else { &params.region };
    let service = if params.service.is_empty() { "execute-api" } else { &params.service };
    let strip = ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"];
    let mut headers: Vec<(String, String)> =
        req.headers.iter().filter(|(k, _)| !strip.contains(&k.to_ascii_lowercase().as_str())).cloned().collect();
    let mut added: Vec<(String, String)> = Vec::new();
    let mut query_added: Vec<(String, String)> = Vec::new();
    let has = |headers: &[(String, String)], name: &str| headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
    let body = req.body.filter(|b| !b.is_empty());

    if !params.add_to_query
        && let Some(body) = body
    {
        let hash = hex(&Sha256::digest(body));
        headers.push(("X-Amz-Content-Sha256".into(), hash.clone()));
        added.push(("X-Amz-Content-Sha256".into(), hash));
    }
    if !has(&headers, "host") {
        headers.push(("Host".into(), req.host.to_string()));
        added.push(("Host".into(), req.host.to_string()));
    }
    let scope = format!("{}/{region}/{service}/aws4_request", &datetime[..datetime.len().min(8)]);
    let mut query = parse_query(req.query.unwrap_or(""));
    if params.add_to_query {
        let expires_given = query.iter().any(|(k, _)| k == "X-Amz-Expires");
        let mut push = |k: &str, v: String| {
            query.push((k.to_string(), vec![v.clone()]));
            query_added.push((k.to_string(), v));
        };
        if !params.session_token.is_empty() {
            push("X-Amz-Security-Token", params.session_token.clone());
        }
        if service == "s3" && !expires_given {
            push("X-Amz-Expires", "86400".into());
        }
        push("X-Amz-Date", datetime.to_string());
        push("X-Amz-Algorithm", "AWS4-HMAC-SHA256".into());
        push("X-Amz-Credential", format!("{}/{scope}", params.access_key));
        push("X-Amz-SignedHeaders", signed_headers(&headers));
    } else {
        if !params.session_token.is_empty() {
            headers.push(("X-Amz-Security-Token".into(), params.session_token.clone()));
            added.push(("X-Amz-Security-Token".into(), params.session_token.clone()));
        }
        if service == "s3" && !has(&headers, "x-amz-content-sha256") {
            let empty = hex(&Sha256::digest(b""));
            headers.push(("X-Amz-Content-Sha256".into(), empty.clone()));
            added.push(("X-Amz-Content-Sha256".into(), empty));
        }
        headers.push(("X-Amz-Date".into(), datetime.to_string()));
        added.push(("X-Amz-Date".into(), datetime.to_string()));
    }
    let payload = if service == "s3" && params.add_to_query {
        "UNSIGNED-PAYLOAD".to_string()
    } else {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("x-amz-content-sha256"))
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| hex(&Sha256::digest(b"")))
    };
    let canonical = Canonical {
        method: req.method,
        path: req.path,
        query: &query,
        headers: &headers,
        payload: &payload,
        s3: service == "s3",
        encoding: PathEncoding::Twice,
    };
    let signature = signature(&canonical.text(), &params.secret_key, datetime, region, service);
    if params.add_to_query {
        query_added.push(("X-Amz-Signature".into(), signature));
        let encoded = query_added.into_iter().map(|(k, v)| (k, encode_query_value(&v))).collect();
        Signed { headers: added.into_iter().filter(|(k, _)| k == "Host").collect(), query: encoded }
    } else {
        let authorization = format!(
            "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={}, Signature={signature}",
            params.access_key,
            signed_headers(&headers)
        );
        added.push(("Authorization".into(), authorization));
        Signed { headers: added, query: Vec::new() }
    }
}

/// A canonical request (the AWS documentation's term), from its parts.
pub struct Canonical<'a> {
    pub method: &'a str,
    pub path: &'a str,
    /// Query parameters decoded, each key with its values in order.
    pub query: &'a [(String, Vec<String>)],
    pub headers: &'a [(String, String)],
    pub payload: &'a str,
    pub s3: bool,
    pub encoding: PathEncoding,
}

impl Canonical<'_> {
    pub fn text(&self) -> String {
        format!(
            "{}\n{}\n{}\n{}\n\n{}\n{}",
            if self.method.is_empty() { "GET" } else { self.method },
            canonical_path(self.path, self.s3, self.encoding),
            canonical_query(self.query, self.s3),
            canonical_headers(self.headers).iter().map(|(k, v)| format!("{k}:{v}")).collect::<Vec<_>>().join("\n"),
            signed_headers(self.headers),
            self.payload
        )
    }
}

/// The signature of a canonical request, hex.
pub fn signature(canonical: &str, secret: &str, datetime: &str, region: &str, service: &str) -> String {
    let date = &datetime[..datetime.len().min(8)];
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{datetime}\n{date}/{region}/{service}/aws4_request\n{}",
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    let k_signing = hmac(&k_service, b"aws4_request");
    hex(&hmac(&k_signing, string_to_sign.as_bytes()))
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Headers as signed: names in lower case, sorted, the unsigned ones left out; values
/// trimmed with inner whitespace runs as one space; repeated names joined with `,`.
fn canonical_headers(headers: &[(String, String)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (name, value) in headers {
        let name = name.to_ascii_lowercase();
        if UNSIGNED.contains(&name.as_str()) {
            continue;
        }
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        match out.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => {
                slot.1.push(',');
                slot.1.push_str(&value);
            }
            None => out.push((name, value)),
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn signed_headers(headers: &[(String, String)]) -> String {
    canonical_headers(headers).into_iter().map(|(k, _)| k).collect::<Vec<_>>().join(";")
}

use super::rfc3986 as encode_full;

/// Percent-decoding that leaves a malformed escape as written (as Node's `querystring`).
fn decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex_value(bytes[i + 1]), hex_value(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(if plus_is_space && b == b'+' { b' ' } else { b });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// The query as Node's `querystring.parse` reads it: keys in first-seen order, each with
/// its values; `+` is a space; empty keys dropped.
pub fn parse_query(query: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for piece in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
        let (k, v) = (decode(k, true), decode(v, true));
        if k.is_empty() {
            continue;
        }
        match out.iter_mut().find(|(key, _)| *key == k) {
            Some((_, values)) => values.push(v),
            None => out.push((k, vec![v])),
        }
    }
    out
}

fn canonical_query(query: &[(String, Vec<String>)], s3: bool) -> String {
    let mut keyed: Vec<(String, Vec<String>)> = query
        .iter()
        .map(|(k, values)| {
            let mut encoded: Vec<String> = values.iter().map(|v| encode_full(v)).collect();
            if s3 {
                encoded.truncate(1);
            } else {
                encoded.sort();
            }
            (encode_full(k), encoded)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.iter().flat_map(|(k, values)| values.iter().map(move |v| format!("{k}={v}"))).collect::<Vec<_>>().join("&")
}

fn canonical_path(path: &str, s3: bool, encoding: PathEncoding) -> String {
    if path == "/" || path.is_empty() {
        return "/".to_string();
    }
    let normalize = !s3;
    let decode_pieces = s3 || encoding == PathEncoding::Once;
    let collapsed;
    let path = if normalize {
        let mut text = String::with_capacity(path.len());
        for c in path.chars() {
            if !(c == '/' && text.ends_with('/')) {
                text.push(c);
            }
        }
        collapsed = text;
        collapsed.as_str()
    } else {
        path
    };
    let mut pieces: Vec<String> = Vec::new();
    for piece in path.split('/') {
        if normalize && piece == ".." {
            pieces.pop();
        } else if !normalize || piece != "." {
            let piece = if decode_pieces { decode(piece, true) } else { piece.to_string() };
            pieces.push(encode_full(&piece));
        }
    }
    let mut out = pieces.join("/");
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    if s3 {
        out = out.replace("%2F", "/");
    }
    out
}

/// A query value as `querystring.stringify` then `aws4`'s RFC 3986 pass write it.
fn encode_query_value(value: &str) -> String {
    encode_full(value)
}

#[cfg(test)]
mod tests;
