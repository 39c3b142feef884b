//! Percent-encoding and -decoding of the user-info part of proxy URLs.
//!
//! The `url` crate keeps user names and passwords percent-encoded; proxies need the
//! decoded bytes, and reqwest needs them encoded again. `+` is a literal plus here,
//! never a space (that rule belongs to form bodies, not URLs).

/// Decodes `%XX` escapes; a `%` not followed by two hex digits stays as it is.
pub(crate) fn decode(input: &str) -> Vec<u8> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) =
                (bytes.get(i + 1).and_then(|b| hex_value(*b)), bytes.get(i + 2).and_then(|b| hex_value(*b)))
        {
            out.push(hi * 16 + lo);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// Encodes everything except RFC 3986 unreserved characters, so any user name or
/// password survives inside `scheme://user:pass@host`.
pub(crate) fn encode_userinfo(input: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(input.len());
    for &b in input.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    out
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_and_encode_round_trip() {
        let cases: &[(&str, &[u8])] = &[
            ("p%40ss", b"p@ss"),
            ("a+b", b"a+b"),
            ("100%", b"100%"),
            ("%zz%4", b"%zz%4"),
            ("%C3%A9", "é".as_bytes()),
            ("", b""),
        ];
        for (input, want) in cases {
            assert_eq!(decode(input), *want, "decoding {input:?}");
        }
        for raw in ["p@ss:w/rd", "é ü", "plain-._~", "%41"] {
            let encoded = encode_userinfo(raw);
            assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
            assert_eq!(decode(&encoded), raw.as_bytes(), "round trip of {raw:?}");
        }
    }
}
