//! Just enough HTTP/1.1 for the recording proxy: message heads, body framing
//! (Content-Length, chunked, until close) and verbatim body copying.
//!
//! Owns reading and writing heads and moving bodies between two streams without
//! re-encoding them (a chunked body stays chunked, trailers included). Must not interpret
//! anything beyond framing and connection management; that is `proxy_conn.rs`'s job.

use std::io;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Largest message head (start line plus headers) accepted.
pub(crate) const MAX_HEAD: u64 = 64 * 1024;
/// Largest chunk-size or trailer line accepted.
const MAX_LINE: u64 = 8 * 1024;

#[derive(Debug, thiserror::Error)]
pub(crate) enum Http1Error {
    #[error("proxy connection I/O failed: {0}")]
    Io(#[from] io::Error),
    #[error("message head is over 64 KiB")]
    HeadTooLarge,
    #[error("connection closed in the middle of a message head")]
    TruncatedHead,
    #[error("malformed header line {0:?}")]
    BadHeader(String),
    #[error("bad Content-Length {0:?}")]
    BadLength(String),
    #[error("unsupported request Transfer-Encoding {0:?} (only chunked is understood)")]
    BadTransferEncoding(String),
    #[error("bad chunk-size line {0:?}")]
    BadChunk(String),
    #[error("connection closed in the middle of a body")]
    TruncatedBody,
}

/// A start line and its headers, names as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Head {
    pub(crate) start: String,
    pub(crate) headers: Vec<(String, String)>,
}

impl Head {
    /// The first value of a header, by case-insensitive name.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Whether a comma-separated header (e.g. `Connection`) lists `token`.
    pub(crate) fn has_token(&self, name: &str, token: &str) -> bool {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    }

    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        out.extend_from_slice(self.start.as_bytes());
        out.extend_from_slice(b"\r\n");
        for (name, value) in &self.headers {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out
    }
}

/// How a message body ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    Empty,
    Length(u64),
    Chunked,
    UntilClose,
}

async fn read_line<R: AsyncBufRead + Unpin>(reader: &mut R, limit: u64) -> io::Result<Vec<u8>> {
    let mut line = Vec::new();
    (&mut *reader).take(limit).read_until(b'\n', &mut line).await?;
    Ok(line)
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Reads one head; `None` when the peer closed cleanly before sending anything.
pub(crate) async fn read_head<R: AsyncBufRead + Unpin>(reader: &mut R) -> Result<Option<Head>, Http1Error> {
    let mut budget = MAX_HEAD;
    let mut start = None;
    let mut headers: Vec<(String, String)> = Vec::new();
    loop {
        let line = read_line(reader, budget).await?;
        if line.is_empty() {
            return if start.is_none() { Ok(None) } else { Err(Http1Error::TruncatedHead) };
        }
        if !line.ends_with(b"\n") {
            return Err(if line.len() as u64 >= budget { Http1Error::HeadTooLarge } else { Http1Error::TruncatedHead });
        }
        budget -= line.len() as u64;
        let text = String::from_utf8_lossy(trim_eol(&line)).into_owned();
        match &start {
            // Robustness (RFC 9112 §2.2): blank lines before a request line are ignored.
            None if text.is_empty() => continue,
            None => start = Some(text),
            Some(_) if text.is_empty() => break,
            Some(_) if text.starts_with([' ', '\t']) => match headers.last_mut() {
                Some((_, value)) => {
                    value.push(' ');
                    value.push_str(text.trim());
                }
                None => return Err(Http1Error::BadHeader(text)),
            },
            Some(_) => match text.split_once(':') {
                Some((name, value)) if !name.is_empty() && !name.contains([' ', '\t']) => {
                    headers.push((name.to_string(), value.trim().to_string()));
                }
                _ => return Err(Http1Error::BadHeader(text)),
            },
        }
    }
    Ok(start.map(|start| Head { start, headers }))
}

fn content_length(head: &Head) -> Result<Option<u64>, Http1Error> {
    let mut found: Option<u64> = None;
    for (_, value) in head.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case("content-length")) {
        for part in value.split(',') {
            let length = part.trim().parse::<u64>().map_err(|_| Http1Error::BadLength(value.clone()))?;
            if found.is_some_and(|f| f != length) {
                return Err(Http1Error::BadLength(value.clone()));
            }
            found = Some(length);
        }
    }
    Ok(found)
}

/// The last transfer coding, lower-cased, when Transfer-Encoding is present.
fn last_coding(head: &Head) -> Option<String> {
    head.headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding"))
        .flat_map(|(_, v)| v.split(','))
        .map(|c| c.trim().to_ascii_lowercase())
        .rfind(|c| !c.is_empty())
}

pub(crate) fn request_framing(head: &Head) -> Result<Framing, Http1Error> {
    match last_coding(head) {
        Some(coding) if coding == "chunked" => Ok(Framing::Chunked),
        Some(coding) => Err(Http1Error::BadTransferEncoding(coding)),
        None => Ok(content_length(head)?.map_or(Framing::Empty, Framing::Length)),
    }
}

pub(crate) fn response_framing(request_method: &str, status: u16, head: &Head) -> Result<Framing, Http1Error> {
    let connect_ok = request_method.eq_ignore_ascii_case("CONNECT") && (200..300).contains(&status);
    if request_method.eq_ignore_ascii_case("HEAD")
        || connect_ok
        || (100..200).contains(&status)
        || matches!(status, 204 | 304)
    {
        return Ok(Framing::Empty);
    }
    match last_coding(head) {
        Some(coding) if coding == "chunked" => Ok(Framing::Chunked),
        Some(_) => Ok(Framing::UntilClose),
        None => Ok(content_length(head)?.map_or(Framing::UntilClose, Framing::Length)),
    }
}

async fn copy_exact<R, W>(reader: &mut R, writer: &mut W, length: u64) -> Result<(), Http1Error>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let copied = tokio::io::copy_buf(&mut (&mut *reader).take(length), writer).await?;
    if copied < length { Err(Http1Error::TruncatedBody) } else { Ok(()) }
}

/// Copies one body as framed, byte for byte (chunk lines and trailers included).
pub(crate) async fn copy_body<R, W>(reader: &mut R, writer: &mut W, framing: Framing) -> Result<(), Http1Error>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    match framing {
        Framing::Empty => {}
        Framing::Length(length) => copy_exact(reader, writer, length).await?,
        Framing::UntilClose => {
            tokio::io::copy_buf(reader, writer).await?;
        }
        Framing::Chunked => loop {
            let line = read_line(reader, MAX_LINE).await?;
            if !line.ends_with(b"\n") {
                return Err(Http1Error::TruncatedBody);
            }
            writer.write_all(&line).await?;
            let text = String::from_utf8_lossy(trim_eol(&line)).into_owned();
            let size_text = text.split(';').next().unwrap_or_default().trim();
            let size = u64::from_str_radix(size_text, 16).map_err(|_| Http1Error::BadChunk(text.clone()))?;
            if size == 0 {
                loop {
                    let trailer = read_line(reader, MAX_LINE).await?;
                    if !trailer.ends_with(b"\n") {
                        return Err(Http1Error::TruncatedBody);
                    }
                    writer.write_all(&trailer).await?;
                    if trim_eol(&trailer).is_empty() {
                        break;
                    }
                }
                break;
            }
            copy_exact(reader, writer, size).await?;
            let end = read_line(reader, MAX_LINE).await?;
            if !trim_eol(&end).is_empty() || !end.ends_with(b"\n") {
                return Err(Http1Error::BadChunk(String::from_utf8_lossy(&end).into_owned()));
            }
            writer.write_all(&end).await?;
        },
    }
    writer.flush().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(start: &str, headers: &[(&str, &str)]) -> Head {
        Head {
            start: start.to_string(),
            headers: headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
        }
    }

    async fn read(input: &[u8]) -> Result<Option<Head>, Http1Error> {
        let mut reader = input;
        read_head(&mut reader).await
    }

    #[tokio::test]
    async fn read_head_table() {
        let ok = read(b"\r\nGET http://a/ HTTP/1.1\r\nHost: a\r\nX:  y \r\n folded\r\n\r\nrest").await;
        assert_eq!(ok.ok().flatten(), Some(head("GET http://a/ HTTP/1.1", &[("Host", "a"), ("X", "y folded")])));
        assert!(matches!(read(b"").await, Ok(None)));
        assert!(matches!(read(b"GET / HTTP/1.1\r\nHost: a\r\n").await, Err(Http1Error::TruncatedHead)));
        assert!(matches!(read(b"GET / HTTP/1.1\r\nno colon\r\n\r\n").await, Err(Http1Error::BadHeader(_))));
        let huge = [b"GET / HTTP/1.1\r\nX: ".as_slice(), &vec![b'a'; 70_000], b"\r\n\r\n"].concat();
        assert!(matches!(read(&huge).await, Err(Http1Error::HeadTooLarge)));
    }

    #[test]
    fn framing_table() {
        /// (request method, status, response headers, expected framing)
        type Case<'a> = (&'a str, u16, &'a [(&'a str, &'a str)], Framing);
        let cases: [Case; 9] = [
            ("CONNECT", 200, &[], Framing::Empty),
            ("CONNECT", 407, &[("Content-Length", "3")], Framing::Length(3)),
            ("GET", 200, &[("Content-Length", "5")], Framing::Length(5)),
            ("GET", 200, &[("Transfer-Encoding", "gzip, chunked"), ("Content-Length", "5")], Framing::Chunked),
            ("GET", 200, &[], Framing::UntilClose),
            ("HEAD", 200, &[("Content-Length", "5")], Framing::Empty),
            ("GET", 204, &[], Framing::Empty),
            ("GET", 304, &[("Content-Length", "5")], Framing::Empty),
            ("GET", 200, &[("Content-Length", "5, 5")], Framing::Length(5)),
        ];
        for (method, status, headers, expected) in cases {
            let framing = response_framing(method, status, &head("HTTP/1.1 200 OK", headers));
            assert_eq!(framing.ok(), Some(expected), "{method} {status} {headers:?}");
        }
        assert_eq!(request_framing(&head("GET / HTTP/1.1", &[])).ok(), Some(Framing::Empty));
        assert!(request_framing(&head("POST / HTTP/1.1", &[("Transfer-Encoding", "gzip")])).is_err());
        assert!(
            request_framing(&head("POST / HTTP/1.1", &[("Content-Length", "1"), ("Content-Length", "2")])).is_err()
        );
        assert!(request_framing(&head("POST / HTTP/1.1", &[("Content-Length", "-1")])).is_err());
    }

    #[test]
    fn tokens_and_serialisation() {
        let h = head("GET / HTTP/1.1", &[("Connection", "keep-alive, Close"), ("Host", "a")]);
        assert!(h.has_token("connection", "close"));
        assert!(!h.has_token("proxy-connection", "close"));
        assert_eq!(h.to_bytes(), b"GET / HTTP/1.1\r\nConnection: keep-alive, Close\r\nHost: a\r\n\r\n");
    }

    #[tokio::test]
    async fn copy_body_table() {
        let chunked: &[u8] = b"4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nTrailer: x\r\n\r\nNEXT";
        /// (input, framing, expected copy or None for an error, what stays unread)
        type Case<'a> = (&'a [u8], Framing, Option<&'a [u8]>, &'a [u8]);
        let cases: [Case; 5] = [
            (b"hello world", Framing::Length(5), Some(b"hello"), b" world"),
            (chunked, Framing::Chunked, Some(&chunked[..chunked.len() - 4]), b"NEXT"),
            (b"all of it", Framing::UntilClose, Some(b"all of it"), b""),
            (b"abc", Framing::Length(10), None, b""),
            (b"zz\r\n", Framing::Chunked, None, b""),
        ];
        for (input, framing, expected, rest) in cases {
            let mut reader = input;
            let mut out = Vec::new();
            let result = copy_body(&mut reader, &mut out, framing).await;
            match expected {
                Some(expected) => {
                    assert!(result.is_ok(), "{framing:?}: {result:?}");
                    assert_eq!(out, expected, "{framing:?}");
                    assert_eq!(reader, rest, "{framing:?}");
                }
                None => assert!(result.is_err(), "{framing:?} should fail"),
            }
        }
    }
}
