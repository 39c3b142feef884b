//! Byte-level helpers behind the `crypto-js` subset, `atob`/`btoa` and `uuid`: digests,
//! HMACs and encodings on hex strings (the prelude's WordArray keeps its bytes as hex).
//! Pure functions; the JS glue lives in `prelude/crypto.js`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

/// Digest of `data` with algorithm `alg` ("MD5", "SHA1", "SHA256", ...).
pub fn digest(alg: &str, data: &[u8]) -> Result<Vec<u8>, String> {
    Ok(match alg {
        "MD5" => Md5::digest(data).to_vec(),
        "SHA1" => Sha1::digest(data).to_vec(),
        "SHA224" => Sha224::digest(data).to_vec(),
        "SHA256" => Sha256::digest(data).to_vec(),
        "SHA384" => Sha384::digest(data).to_vec(),
        "SHA512" => Sha512::digest(data).to_vec(),
        other => return Err(format!("CryptoJS.{other} is not supported by postie yet")),
    })
}

fn mac<M: Mac + KeyInit>(key: &[u8], data: &[u8]) -> Result<Vec<u8>, String> {
    let mut mac = <M as KeyInit>::new_from_slice(key).map_err(|e| format!("invalid HMAC key: {e}"))?;
    mac.update(data);
    Ok(mac.finalize().into_bytes().to_vec())
}

/// HMAC of `data` under `key` with algorithm `alg` ("MD5", "SHA1", "SHA256", ...).
pub fn hmac(alg: &str, key: &[u8], data: &[u8]) -> Result<Vec<u8>, String> {
    match alg {
        "MD5" => mac::<Hmac<Md5>>(key, data),
        "SHA1" => mac::<Hmac<Sha1>>(key, data),
        "SHA224" => mac::<Hmac<Sha224>>(key, data),
        "SHA256" => mac::<Hmac<Sha256>>(key, data),
        "SHA384" => mac::<Hmac<Sha384>>(key, data),
        "SHA512" => mac::<Hmac<Sha512>>(key, data),
        other => Err(format!("CryptoJS.Hmac{other} is not supported by postie yet")),
    }
}

pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

/// Lenient like CryptoJS: an odd trailing digit is dropped, a non-hex digit is an error.
pub fn from_hex(hex: &str) -> Result<Vec<u8>, String> {
    let digits = hex.as_bytes();
    let value = |d: u8| -> Result<u8, String> {
        (d as char).to_digit(16).map(|v| v as u8).ok_or_else(|| format!("invalid hex digit {:?}", d as char))
    };
    digits.chunks_exact(2).map(|pair| Ok(value(pair[0])? << 4 | value(pair[1])?)).collect()
}

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

/// `CryptoJS.enc.Latin1.parse`: code units as bytes (higher bits dropped, as CryptoJS does).
pub fn latin1_bytes(text: &str) -> Vec<u8> {
    text.encode_utf16().map(|u| (u & 0xff) as u8).collect()
}

pub fn new_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_match_known_vectors() {
        let cases = [
            ("MD5", "abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("SHA1", "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
            ("SHA256", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "SHA512",
                "abc",
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            ),
        ];
        for (alg, input, want) in cases {
            assert_eq!(to_hex(&digest(alg, input.as_bytes()).unwrap()), want, "{alg}");
        }
        assert!(digest("RIPEMD160", b"").is_err());
    }

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let got = hmac("SHA256", b"Jefe", b"what do ya want for nothing?").unwrap();
        assert_eq!(to_hex(&got), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

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
        assert_eq!(from_hex("00ff10").unwrap(), vec![0, 255, 16]);
        assert!(from_hex("zz").is_err());
        assert_eq!(from_base64("aGVsbG8").unwrap(), b"hello");
        assert!(atob("***").is_err());
    }
}
