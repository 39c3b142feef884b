//! Text files as Newman reads them: besides UTF-8 (with or without a byte-order mark), a
//! UTF-16 file that starts with its byte-order mark, as some Windows editors save JSON.

/// The text of a UTF-16 file with a byte-order mark (little- or big-endian), without the
/// mark; `None` when the bytes do not start with one. Unpaired surrogates become U+FFFD.
pub fn utf16_with_bom(bytes: &[u8]) -> Option<String> {
    let little = match bytes {
        [0xff, 0xfe, ..] => true,
        [0xfe, 0xff, ..] => false,
        _ => return None,
    };
    let units = bytes[2..].chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if little { u16::from_le_bytes(pair) } else { u16::from_be_bytes(pair) }
    });
    Some(char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect())
}

/// The note a run gets for a file read as UTF-16.
pub fn utf16_note(what: &str, path: &std::path::Path) -> String {
    format!("{what} {} is UTF-16; it was read as Newman reads it (save it as UTF-8 to drop this note)", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_byte_orders_with_a_mark() {
        let text = "{\"name\": \"é😀\"}";
        let mut le = vec![0xff, 0xfe];
        let mut be = vec![0xfe, 0xff];
        for unit in text.encode_utf16() {
            le.extend(unit.to_le_bytes());
            be.extend(unit.to_be_bytes());
        }
        assert_eq!(utf16_with_bom(&le).as_deref(), Some(text));
        assert_eq!(utf16_with_bom(&be).as_deref(), Some(text));
        assert_eq!(utf16_with_bom(b"{\"a\":1}"), None);
        assert_eq!(utf16_with_bom(&[0xff, 0xfe, 0x00, 0xd8]).as_deref(), Some("\u{fffd}"));
    }
}
