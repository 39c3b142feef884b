//! Request signing for the auth types that sign the final request (pure functions of the
//! request's parts: method, URL, headers, body, time).

pub mod asap;
pub mod awsv4;
pub mod digest;
pub mod edgegrid;
pub mod hawk;
pub mod jwt;
pub mod oauth1;

/// RFC 3986 percent-encoding of everything but the unreserved `A-Z a-z 0-9 - _ . ~`
/// (`encodeURIComponent` plus `!*'()`), as AWS and OAuth 1.0 both encode.
pub fn rfc3986(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
