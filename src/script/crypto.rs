//! Byte-level helpers behind the script globals `atob`/`btoa` and `uuid` (crypto-js itself
//! is the vendored library). Pure functions; the JS glue lives in `prelude/crypto.js`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

pub fn to_base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Decodes standard or URL-safe base64, with or without padding, ignoring whitespace.
pub fn from_base64(text: &str) -> Result<Vec<u8>, String> {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            other => other,
        })
        .collect();
    let trimmed = cleaned.trim_end_matches('=');
    base64::engine::general_purpose::STANDARD_NO_PAD.decode(trimmed).map_err(|e| format!("invalid base64: {e}"))
}

/// `btoa`: every character must be Latin-1, as in browsers.
pub fn btoa(text: &str) -> Result<String, String> {
    let mut bytes = Vec::with_capacity(text.len());
    for c in text.chars() {
        let code = u32::from(c);
        let byte = u8::try_from(code).map_err(|_| {
            "Invalid character: the string to be encoded contains characters outside of the Latin1 range".to_string()
        })?;
        bytes.push(byte);
    }
    Ok(to_base64(&bytes))
}

/// `atob`: each decoded byte becomes one character (Latin-1), as in browsers.
pub fn atob(text: &str) -> Result<String, String> {
    let bytes = from_base64(text)
        .map_err(|_| "Invalid character: the string to be decoded is not correctly encoded".to_string())?;
    Ok(bytes.into_iter().map(char::from).collect())
}

pub fn new_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_round_trip() {
        let cases: [(&str, Result<&str, ()>); 4] =
            [("hello", Ok("aGVsbG8=")), ("", Ok("")), ("é", Ok("6Q==")), ("€", Err(()))];
        for (plain, want) in cases {
            match want {
                Ok(b64) => {
                    assert_eq!(btoa(plain).unwrap(), b64);
                    assert_eq!(atob(b64).unwrap(), plain);
                }
                Err(()) => assert!(btoa(plain).is_err()),
            }
        }
        assert_eq!(from_base64("aGVsbG8").unwrap(), b"hello");
        assert!(atob("***").is_err());
    }
}
