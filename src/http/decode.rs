//! Response bodies as scripts and reports see them: decompressed by their
//! `Content-Encoding`, while the headers stay exactly as the server sent them (Newman's
//! behaviour; an HTTP client's automatic decompression drops `Content-Encoding` and
//! `Content-Length`, which tests assert on).

use std::io::Read;

/// Why a body could not be decoded; the raw bytes are kept and the request gets a warning.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("the {coding} response body could not be decompressed ({reason}); it is kept as received")]
    Corrupt { coding: String, reason: String },
    #[error("the {coding} response body decompresses to more than {limit_mb} MB")]
    TooLarge { coding: String, limit_mb: usize },
}

/// Decompresses `body` by the codings in `content_encoding` (applied in order, so undone in
/// reverse). `Ok(None)`: nothing to undo (no coding, `identity`, or one postie does not
/// know, which then stays as received, as in Newman).
pub fn decode(content_encoding: Option<&str>, body: &[u8], limit: usize) -> Result<Option<Vec<u8>>, DecodeError> {
    let Some(value) = content_encoding else { return Ok(None) };
    let codings: Vec<String> =
        value.split(',').map(|c| c.trim().to_ascii_lowercase()).filter(|c| !c.is_empty() && c != "identity").collect();
    if codings.is_empty() || codings.iter().any(|c| !matches!(c.as_str(), "gzip" | "x-gzip" | "deflate" | "br")) {
        return Ok(None);
    }
    let mut data = body.to_vec();
    for coding in codings.iter().rev() {
        data = decode_one(coding, &data, limit)?;
    }
    Ok(Some(data))
}

fn decode_one(coding: &str, data: &[u8], limit: usize) -> Result<Vec<u8>, DecodeError> {
    let read = |reader: &mut dyn Read| -> Result<Vec<u8>, DecodeError> {
        let mut out = Vec::new();
        // One byte past the limit tells "exactly at the limit" from "over it".
        reader
            .take(limit as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| DecodeError::Corrupt { coding: coding.to_string(), reason: e.to_string() })?;
        if out.len() > limit {
            return Err(DecodeError::TooLarge { coding: coding.to_string(), limit_mb: limit / (1024 * 1024) });
        }
        Ok(out)
    };
    match coding {
        "gzip" | "x-gzip" => read(&mut flate2::read::MultiGzDecoder::new(data)),
        // "deflate" is meant to be zlib-wrapped, but some servers send it raw: accept both.
        "deflate" => read(&mut flate2::read::ZlibDecoder::new(data))
            .or_else(|_| read(&mut flate2::read::DeflateDecoder::new(data))),
        _ => read(&mut brotli_decompressor::Decompressor::new(data, 4096)),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn raw_deflate(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn codings_are_undone_and_unknown_ones_left_alone() {
        let text = b"{\"hello\":\"world\"}".repeat(20);
        // (Content-Encoding, body as received, what decoding gives)
        type Case<'a> = (Option<&'a str>, Vec<u8>, Option<Vec<u8>>);
        let cases: Vec<Case> = vec![
            (None, text.clone(), None),
            (Some("identity"), text.clone(), None),
            (Some("gzip"), gzip(&text), Some(text.clone())),
            (Some("X-Gzip"), gzip(&text), Some(text.clone())),
            (Some("deflate"), zlib(&text), Some(text.clone())),
            (Some("deflate"), raw_deflate(&text), Some(text.clone())),
            (Some("gzip, deflate"), zlib(&gzip(&text)), Some(text.clone())),
            // An unknown coding anywhere: kept as received.
            (Some("zstd"), text.clone(), None),
            (Some("gzip, zstd"), text.clone(), None),
        ];
        for (coding, body, expected) in cases {
            assert_eq!(decode(coding, &body, 1 << 20).unwrap(), expected, "{coding:?}");
        }
    }

    #[test]
    fn corrupt_and_oversized_bodies_are_errors() {
        assert!(matches!(decode(Some("gzip"), b"not gzip at all", 1 << 20), Err(DecodeError::Corrupt { .. })));
        let bomb = gzip(&vec![0u8; 4096]);
        assert!(matches!(decode(Some("gzip"), &bomb, 4095), Err(DecodeError::TooLarge { .. })));
        assert_eq!(decode(Some("gzip"), &bomb, 4096).unwrap().map(|b| b.len()), Some(4096));
    }
}
