//! Reading request bodies the way postman-echo reports them: query strings and urlencoded
//! forms, multipart/form-data (fields and files), JSON and raw text.
//!
//! Pure functions, no I/O. Malformed input never fails a request: a body that cannot be
//! parsed as what its Content-Type claims is echoed as raw `data` instead.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value};

/// Why a multipart body could not be read (the echo then falls back to raw `data`).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum MultipartError {
    #[error("multipart body: the Content-Type has no boundary parameter")]
    NoBoundary,
    #[error("multipart body: the opening boundary line is missing")]
    NoOpening,
    #[error("multipart body: part {0} has no end of headers (blank line)")]
    HeadersUnterminated(usize),
    #[error("multipart body: part {0} is not closed by a boundary line")]
    PartUnterminated(usize),
}

/// One multipart part.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Part {
    pub(crate) name: String,
    pub(crate) filename: Option<String>,
    pub(crate) content_type: Option<String>,
    pub(crate) data: Vec<u8>,
}

/// The body-dependent fields of an echo.
#[derive(Debug, PartialEq)]
pub(crate) struct BodyEcho {
    pub(crate) data: Value,
    pub(crate) files: Map<String, Value>,
    pub(crate) form: Map<String, Value>,
    pub(crate) json: Value,
}

/// Decodes `%XX` escapes (and `+` as a space when asked); invalid escapes stay as written.
pub(crate) fn percent_decode(input: &str, plus_as_space: bool) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' if plus_as_space => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex_val(bytes[i + 1]), hex_val(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi * 16 + lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_val(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// `a=1&b=x+y&c` → `[("a","1"), ("b","x y"), ("c","")]`, in order, empty segments skipped.
pub(crate) fn parse_pairs(input: &str) -> Vec<(String, String)> {
    input
        .split('&')
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            let (key, value) = segment.split_once('=').unwrap_or((segment, ""));
            (percent_decode(key, true), percent_decode(value, true))
        })
        .collect()
}

/// Inserts `value` under `key`; a repeated key turns into an array, as postman-echo does.
pub(crate) fn insert_multi(map: &mut Map<String, Value>, key: String, value: Value) {
    match map.get_mut(&key) {
        None => {
            map.insert(key, value);
        }
        Some(Value::Array(values)) => values.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
    }
}

pub(crate) fn pairs_to_object(pairs: Vec<(String, String)>) -> Map<String, Value> {
    let mut map = Map::new();
    for (key, value) in pairs {
        insert_multi(&mut map, key, Value::String(value));
    }
    map
}

/// Splits on `sep` outside double quotes (a backslash escapes inside quotes).
pub(crate) fn split_outside_quotes(input: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut in_quotes, mut escaped) = (0, false, false);
    for (i, c) in input.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            c if c == sep && !in_quotes => {
                parts.push(&input[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&input[start..]);
    parts
}

/// Trims and removes surrounding quotes, undoing backslash escapes inside them.
pub(crate) fn unquote(input: &str) -> String {
    let trimmed = input.trim();
    match trimmed.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) => {
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => out.extend(chars.next()),
                    c => out.push(c),
                }
            }
            out
        }
        None => trimmed.to_string(),
    }
}

/// The `name=value` parameters after the first `;` of a header value, names lower-cased.
pub(crate) fn header_params(value: &str) -> Vec<(String, String)> {
    split_outside_quotes(value, ';')
        .into_iter()
        .skip(1)
        .filter_map(|param| {
            let (name, value) = param.split_once('=')?;
            Some((name.trim().to_ascii_lowercase(), unquote(value)))
        })
        .collect()
}

/// The media type of a Content-Type value, lower-cased, without parameters.
pub(crate) fn media_type(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > haystack.len() || needle.is_empty() {
        return None;
    }
    haystack[from..].windows(needle.len()).position(|window| window == needle).map(|p| p + from)
}

/// Parses a multipart/form-data body into its parts, in order.
pub(crate) fn parse_multipart(content_type: &str, body: &[u8]) -> Result<Vec<Part>, MultipartError> {
    let boundary = header_params(content_type)
        .into_iter()
        .find(|(name, _)| name == "boundary")
        .map(|(_, value)| value)
        .filter(|b| !b.is_empty())
        .ok_or(MultipartError::NoBoundary)?;
    let delimiter = format!("--{boundary}").into_bytes();
    let closing = [b"\r\n".as_slice(), &delimiter].concat();
    let mut pos = find(body, &delimiter, 0).ok_or(MultipartError::NoOpening)? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body[pos..].starts_with(b"--") {
            return Ok(parts);
        }
        let index = parts.len();
        // Transport padding may follow a boundary before its line break.
        while matches!(body.get(pos), Some(b' ' | b'\t')) {
            pos += 1;
        }
        if body[pos..].starts_with(b"\r\n") {
            pos += 2;
        }
        let (head, content_start) = if body[pos..].starts_with(b"\r\n") {
            (&body[pos..pos], pos + 2)
        } else {
            let end = find(body, b"\r\n\r\n", pos).ok_or(MultipartError::HeadersUnterminated(index))?;
            (&body[pos..end], end + 4)
        };
        let content_end = find(body, &closing, content_start).ok_or(MultipartError::PartUnterminated(index))?;
        parts.push(part_from(head, &body[content_start..content_end]));
        pos = content_end + closing.len();
    }
}

fn part_from(head: &[u8], data: &[u8]) -> Part {
    let mut part = Part { name: String::new(), filename: None, content_type: None, data: data.to_vec() };
    for line in String::from_utf8_lossy(head).split("\r\n") {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        match name.trim().to_ascii_lowercase().as_str() {
            "content-disposition" => {
                for (param, value) in header_params(value) {
                    match param.as_str() {
                        "name" => part.name = value,
                        "filename" => part.filename = Some(value),
                        _ => {}
                    }
                }
            }
            "content-type" => part.content_type = Some(value.trim().to_string()),
            _ => {}
        }
    }
    part
}

/// UTF-8 content as text; anything else as a `data:` URI with base64, as postman-echo does.
pub(crate) fn text_or_data_uri(bytes: &[u8], content_type: Option<&str>) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => {
            format!("data:{};base64,{}", content_type.unwrap_or("application/octet-stream"), STANDARD.encode(bytes))
        }
    }
}

fn is_json_type(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json")
}

/// Reads a body by its Content-Type: JSON, urlencoded form, multipart, or raw `data`.
pub(crate) fn echo_body(content_type: Option<&str>, body: &[u8]) -> BodyEcho {
    let mut echo =
        BodyEcho { data: Value::String(String::new()), files: Map::new(), form: Map::new(), json: Value::Null };
    if body.is_empty() {
        return echo;
    }
    let media = content_type.map(media_type).unwrap_or_default();
    if media == "application/x-www-form-urlencoded" {
        echo.form = pairs_to_object(parse_pairs(&String::from_utf8_lossy(body)));
        echo.json = Value::Object(echo.form.clone());
        return echo;
    }
    if media == "multipart/form-data"
        && let Some(Ok(parts)) = content_type.map(|ct| parse_multipart(ct, body))
    {
        for part in parts {
            let text = text_or_data_uri(&part.data, part.content_type.as_deref());
            match part.filename {
                Some(filename) => insert_multi(&mut echo.files, filename, Value::String(text)),
                None => insert_multi(&mut echo.form, part.name, Value::String(text)),
            }
        }
        return echo;
    }
    if is_json_type(&media)
        && let Ok(value) = serde_json::from_slice::<Value>(body)
    {
        echo.data = value.clone();
        echo.json = value;
        return echo;
    }
    echo.data = Value::String(text_or_data_uri(body, content_type));
    echo
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn percent_decoding_table() {
        let cases = [
            ("a%20b", false, "a b"),
            ("a+b", true, "a b"),
            ("a+b", false, "a+b"),
            ("%41%42", true, "AB"),
            ("100%", true, "100%"),
            ("%zz", true, "%zz"),
            ("%4", true, "%4"),
            ("caf%C3%A9", true, "café"),
        ];
        for (input, plus, expected) in cases {
            assert_eq!(percent_decode(input, plus), expected, "input {input:?}");
        }
    }

    #[test]
    fn pairs_keep_order_and_repeat_into_arrays() {
        let pairs = parse_pairs("b=2&a=1&&b=3&flag&x=a%26b");
        assert_eq!(pairs[0], ("b".into(), "2".into()));
        let object = Value::Object(pairs_to_object(pairs));
        assert_eq!(object, json!({"b": ["2", "3"], "a": "1", "flag": "", "x": "a&b"}));
        assert_eq!(
            serde_json::to_string(&object).ok().as_deref(),
            Some(r#"{"b":["2","3"],"a":"1","flag":"","x":"a&b"}"#)
        );
    }

    #[test]
    fn quoted_splitting_and_params() {
        assert_eq!(split_outside_quotes(r#"a="x,y", b=2"#, ','), vec![r#"a="x,y""#, " b=2"]);
        assert_eq!(unquote(r#" "a\"b" "#), "a\"b");
        assert_eq!(
            header_params(r#"form-data; name="f;1"; filename="a b.txt""#),
            vec![("name".into(), "f;1".into()), ("filename".into(), "a b.txt".into())]
        );
        assert_eq!(media_type("Application/JSON; charset=utf-8"), "application/json");
    }

    const CT: &str = "multipart/form-data; boundary=XyZ";

    #[test]
    fn multipart_fields_and_files() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n\xff\x00\r\n\
--XyZ--\r\n";
        let parts = parse_multipart(CT, body);
        let parts = match parts {
            Ok(parts) => parts,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "a");
        assert_eq!(parts[0].data, b"1");
        assert_eq!(parts[1].filename.as_deref(), Some("x.bin"));
        assert_eq!(parts[1].data, b"\xff\x00");
        let echo = echo_body(Some(CT), body);
        assert_eq!(Value::Object(echo.form), json!({"a": "1"}));
        assert_eq!(Value::Object(echo.files), json!({"x.bin": "data:application/octet-stream;base64,/wA="}));
    }

    #[test]
    fn multipart_errors_table() {
        let cases: [(&str, &[u8], MultipartError); 4] = [
            ("multipart/form-data", b"--XyZ--", MultipartError::NoBoundary),
            (CT, b"no boundary here", MultipartError::NoOpening),
            (CT, b"--XyZ\r\nContent-Disposition: form-data", MultipartError::HeadersUnterminated(0)),
            (CT, b"--XyZ\r\nA: b\r\n\r\nnever closed", MultipartError::PartUnterminated(0)),
        ];
        for (ct, body, expected) in cases {
            assert_eq!(parse_multipart(ct, body), Err(expected), "body {:?}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn echo_body_by_content_type() {
        /// (content type, body, expected data, json, form)
        type Case<'a> = (Option<&'a str>, &'a [u8], Value, Value, Value);
        let cases: [Case; 6] = [
            (
                Some("application/json"),
                br#"{"b":1,"a":[2]}"#,
                json!({"b":1,"a":[2]}),
                json!({"b":1,"a":[2]}),
                json!({}),
            ),
            (Some("application/vnd.api+json"), b"[1]", json!([1]), json!([1]), json!({})),
            (Some("application/json"), b"{broken", json!("{broken"), Value::Null, json!({})),
            (
                Some("application/x-www-form-urlencoded"),
                b"x=1&y=a+b",
                json!(""),
                json!({"x":"1","y":"a b"}),
                json!({"x":"1","y":"a b"}),
            ),
            (Some("text/plain"), b"hello", json!("hello"), Value::Null, json!({})),
            (None, b"\xff", json!("data:application/octet-stream;base64,/w=="), Value::Null, json!({})),
        ];
        for (ct, body, data, json_field, form) in cases {
            let echo = echo_body(ct, body);
            assert_eq!(echo.data, data, "content type {ct:?}");
            assert_eq!(echo.json, json_field, "content type {ct:?}");
            assert_eq!(Value::Object(echo.form), form, "content type {ct:?}");
        }
        assert_eq!(echo_body(Some("application/json"), b"").data, json!(""));
    }
}
