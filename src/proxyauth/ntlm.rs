//! NTLMv2 messages for NTLM proxy authentication ([MS-NLMP]): the NEGOTIATE message a
//! client opens with, parsing of the proxy's CHALLENGE, and the AUTHENTICATE answer.
//!
//! Owns: message bytes and the NTLMv2 response arithmetic. Pure: no I/O, no headers, no
//! base64; the connection code wraps these bytes in `Proxy-Authorization: NTLM …`.
//! Only NTLMv2 is spoken: LM and NTLMv1 responses are crackable offline, so a proxy that
//! insists on them gets no answer it can use. No MIC and no session key: a proxy only
//! checks who the client is, nothing signs or seals the tunnel.
//! Must not: panic on whatever a proxy sends, or print the password in `Debug` output.

use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use md4::{Digest, Md4};
use md5::Md5;

use crate::secret::Secret;

const SIGNATURE: &[u8; 8] = b"NTLMSSP\0";

pub const NEGOTIATE_UNICODE: u32 = 0x0000_0001;
pub const NEGOTIATE_OEM: u32 = 0x0000_0002;
pub const REQUEST_TARGET: u32 = 0x0000_0004;
pub const NEGOTIATE_NTLM: u32 = 0x0000_0200;
pub const NEGOTIATE_ALWAYS_SIGN: u32 = 0x0000_8000;
pub const NEGOTIATE_EXTENDED_SESSIONSECURITY: u32 = 0x0008_0000;
pub const NEGOTIATE_128: u32 = 0x2000_0000;
pub const NEGOTIATE_56: u32 = 0x8000_0000;

/// What the NEGOTIATE message asks for; the AUTHENTICATE echoes the part the proxy granted.
pub const CLIENT_FLAGS: u32 = NEGOTIATE_UNICODE
    | NEGOTIATE_OEM
    | REQUEST_TARGET
    | NEGOTIATE_NTLM
    | NEGOTIATE_ALWAYS_SIGN
    | NEGOTIATE_EXTENDED_SESSIONSECURITY
    | NEGOTIATE_128
    | NEGOTIATE_56;

const AV_EOL: u16 = 0;
const AV_TIMESTAMP: u16 = 7;

/// CHALLENGE_MESSAGE up to and including TargetInfoFields; Version is optional and unread.
const CHALLENGE_HEADER: usize = 48;
/// AUTHENTICATE_MESSAGE without Version and MIC, neither of which is sent.
const AUTHENTICATE_HEADER: usize = 64;
/// NTLMv2_CLIENT_CHALLENGE before its AV pairs: versions, reserved, time, challenge, reserved.
const BLOB_HEADER: usize = 28;
/// The NT response (NTProofStr + blob + target info + 4 zero bytes) has a 16-bit length.
const MAX_TARGET_INFO: usize = u16::MAX as usize - 16 - BLOB_HEADER - 4;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NtlmError {
    #[error("the proxy's NTLM challenge is {0} bytes; a CHALLENGE_MESSAGE has at least 48")]
    Truncated(usize),
    #[error("the proxy's NTLM challenge does not start with the NTLMSSP signature")]
    BadSignature,
    #[error("the proxy sent NTLM message type {0} where a CHALLENGE_MESSAGE (type 2) belongs")]
    WrongType(u32),
    #[error(
        "the {field} of the proxy's NTLM challenge ({len} bytes at offset {offset}) lies outside the {total}-byte message"
    )]
    OutOfBounds { field: &'static str, offset: usize, len: usize, total: usize },
    #[error("the target info in the proxy's NTLM challenge is malformed: {0}")]
    BadTargetInfo(&'static str),
    #[error("the target info in the proxy's NTLM challenge is {0} bytes, too long for an NTLMv2 response")]
    TargetInfoTooLong(usize),
}

/// Who logs in to the proxy. `Debug` is derived: `Secret` prints as `***`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NtlmCredentials {
    pub user: String,
    pub domain: String,
    pub password: Secret,
    /// Sent for the proxy's logs only; empty unless the caller sets it.
    pub workstation: String,
}

impl NtlmCredentials {
    /// `DOMAIN\user`, `user@REALM` (domain = REALM) or a plain `user` with an empty domain.
    /// `DOMAIN\\user` (or `user` without a domain), for messages.
    pub fn display_name(&self) -> String {
        if self.domain.is_empty() { self.user.clone() } else { format!("{}\\{}", self.domain, self.user) }
    }

    pub fn parse(user_text: &str, password: Secret) -> NtlmCredentials {
        let (domain, user) = if let Some((domain, user)) = user_text.split_once('\\') {
            (domain, user)
        } else if let Some((user, realm)) = user_text.rsplit_once('@') {
            (realm, user)
        } else {
            ("", user_text)
        };
        NtlmCredentials { user: user.to_string(), domain: domain.to_string(), password, workstation: String::new() }
    }
}

/// The parts of a CHALLENGE_MESSAGE an NTLMv2 answer needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    pub flags: u32,
    pub server_challenge: [u8; 8],
    /// The raw AV_PAIR list, EOL included: the NTLMv2 response signs it byte for byte.
    pub target_info: Vec<u8>,
    /// For messages only; the domain in the hash is the user's, as MS-NLMP recommends.
    pub target_name: String,
}

impl Challenge {
    /// MsvAvTimestamp: the proxy's clock, which the response must carry instead of ours.
    pub fn server_timestamp(&self) -> Option<u64> {
        let pairs = av_pairs(&self.target_info).ok()?;
        pairs
            .into_iter()
            .find(|(id, _)| *id == AV_TIMESTAMP)
            .and_then(|(_, v)| v.try_into().ok())
            .map(u64::from_le_bytes)
    }
}

/// The NEGOTIATE_MESSAGE (type 1), without domain or workstation: both go in the type 3.
pub fn negotiate_message() -> Vec<u8> {
    let mut m = Vec::with_capacity(32);
    m.extend_from_slice(SIGNATURE);
    m.extend_from_slice(&1u32.to_le_bytes());
    m.extend_from_slice(&CLIENT_FLAGS.to_le_bytes());
    // Empty DomainNameFields and WorkstationFields, pointing where a payload would start.
    for _ in 0..2 {
        m.extend_from_slice(&[0, 0, 0, 0]);
        m.extend_from_slice(&32u32.to_le_bytes());
    }
    m
}

/// The challenge carries target information (AV pairs).
const NEGOTIATE_TARGET_INFO: u32 = 0x0080_0000;

/// Reads a CHALLENGE_MESSAGE (type 2); every length and offset is checked against `bytes`.
pub fn parse_challenge(bytes: &[u8]) -> Result<Challenge, NtlmError> {
    if bytes.len() < CHALLENGE_HEADER {
        return Err(NtlmError::Truncated(bytes.len()));
    }
    if &bytes[..8] != SIGNATURE {
        return Err(NtlmError::BadSignature);
    }
    let kind = le_u32(bytes, 8);
    if kind != 2 {
        return Err(NtlmError::WrongType(kind));
    }
    let flags = le_u32(bytes, 20);
    let mut server_challenge = [0u8; 8];
    server_challenge.copy_from_slice(&bytes[24..32]);
    // The target name is informational, and some proxies' helpers (Squid's ntlm_fake_auth)
    // send it with a garbage offset: read it when it is in bounds. Target info is needed for
    // NTLMv2 and must be sound when the flags announce it.
    let target_name = security_buffer(bytes, 12, "target name").unwrap_or(&[]);
    let target_info = match security_buffer(bytes, 40, "target info") {
        Ok(info) => info,
        Err(_) if flags & NEGOTIATE_TARGET_INFO == 0 => &[],
        Err(e) => return Err(e),
    };
    if target_info.len() > MAX_TARGET_INFO {
        return Err(NtlmError::TargetInfoTooLong(target_info.len()));
    }
    av_pairs(target_info)?;
    let target_name = if flags & NEGOTIATE_UNICODE != 0 {
        String::from_utf16_lossy(
            &target_name.chunks_exact(2).map(|p| u16::from_le_bytes([p[0], p[1]])).collect::<Vec<_>>(),
        )
    } else {
        target_name.iter().map(|&b| char::from(b)).collect()
    };
    Ok(Challenge { flags, server_challenge, target_info: target_info.to_vec(), target_name })
}

/// The AUTHENTICATE_MESSAGE (type 3) answering `challenge` with NTLMv2. `timestamp` is a
/// FILETIME; a proxy that sent MsvAvTimestamp gets its own time back instead.
pub fn authenticate_message(
    creds: &NtlmCredentials,
    challenge: &Challenge,
    client_challenge: [u8; 8],
    timestamp: u64,
) -> Vec<u8> {
    let server_time = challenge.server_timestamp();
    let key = ntowf_v2(&creds.password, &creds.user, &creds.domain);
    let temp = ntlmv2_temp(server_time.unwrap_or(timestamp), client_challenge, &challenge.target_info);
    let mut nt = nt_proof_str(&key, &challenge.server_challenge, &temp).to_vec();
    nt.extend_from_slice(&temp);
    // MS-NLMP 3.3.2: with a server timestamp the LMv2 response is all zeros, since it
    // carries no time of its own and could otherwise be replayed.
    let lm = if server_time.is_some() {
        vec![0; 24]
    } else {
        let mut lm = hmac_md5(&key, &[&challenge.server_challenge, &client_challenge]).to_vec();
        lm.extend_from_slice(&client_challenge);
        lm
    };
    // Strings below are UTF-16LE whatever the proxy offered, so the flags must say Unicode.
    let flags = (challenge.flags & CLIENT_FLAGS & !NEGOTIATE_OEM) | NEGOTIATE_UNICODE;
    let (domain, user, workstation) = (utf16le(&creds.domain), utf16le(&creds.user), utf16le(&creds.workstation));
    let fields: [&[u8]; 6] = [&lm, &nt, &domain, &user, &workstation, &[]];

    let mut header = Vec::with_capacity(AUTHENTICATE_HEADER);
    header.extend_from_slice(SIGNATURE);
    header.extend_from_slice(&3u32.to_le_bytes());
    let mut payload = Vec::new();
    for field in fields {
        // Lengths are 16-bit: a field past that (a 32K-character user name) is cut so the
        // message stays well-formed, and the proxy refuses the login instead of misparsing.
        let field = &field[..field.len().min(usize::from(u16::MAX))];
        let len = u16::try_from(field.len()).unwrap_or(u16::MAX).to_le_bytes();
        let offset = u32::try_from(AUTHENTICATE_HEADER + payload.len()).unwrap_or(u32::MAX);
        header.extend_from_slice(&len);
        header.extend_from_slice(&len);
        header.extend_from_slice(&offset.to_le_bytes());
        payload.extend_from_slice(field);
    }
    header.extend_from_slice(&flags.to_le_bytes());
    header.extend_from_slice(&payload);
    header
}

/// [`authenticate_message`] with a random client challenge and the current time.
pub fn authenticate_now(creds: &NtlmCredentials, challenge: &Challenge) -> Vec<u8> {
    authenticate_message(creds, challenge, rand::random::<[u8; 8]>(), filetime_now())
}

/// NTOWFv2 = HMAC_MD5(MD4(UTF16LE(password)), UTF16LE(uppercase(user) + domain)).
pub fn ntowf_v2(password: &Secret, user: &str, domain: &str) -> [u8; 16] {
    let nt_hash: [u8; 16] = Md4::digest(utf16le(password.expose())).into();
    hmac_md5(&nt_hash, &[&utf16le(&(user.to_uppercase() + domain))])
}

/// NTProofStr = HMAC_MD5(NTOWFv2, server challenge + temp), the first 16 bytes of the NT response.
pub fn nt_proof_str(response_key: &[u8; 16], server_challenge: &[u8; 8], temp: &[u8]) -> [u8; 16] {
    hmac_md5(response_key, &[server_challenge, temp])
}

/// `temp` of MS-NLMP 3.3.2: the NTLMv2_CLIENT_CHALLENGE plus the 4 zero bytes after it.
fn ntlmv2_temp(timestamp: u64, client_challenge: [u8; 8], target_info: &[u8]) -> Vec<u8> {
    let mut temp = Vec::with_capacity(BLOB_HEADER + target_info.len() + 4);
    temp.extend_from_slice(&[1, 1, 0, 0, 0, 0, 0, 0]);
    temp.extend_from_slice(&timestamp.to_le_bytes());
    temp.extend_from_slice(&client_challenge);
    temp.extend_from_slice(&[0; 4]);
    temp.extend_from_slice(target_info);
    temp.extend_from_slice(&[0; 4]);
    temp
}

fn hmac_md5(key: &[u8; 16], parts: &[&[u8]]) -> [u8; 16] {
    // HMAC zero-pads a key shorter than MD5's 64-byte block, so padding it here gives the
    // same MAC through the infallible constructor.
    let mut block = [0u8; 64];
    block[..16].copy_from_slice(key);
    let mut mac = <Hmac<Md5> as KeyInit>::new(&block.into());
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

fn filetime_now() -> u64 {
    // FILETIME counts 100 ns ticks from 1601-01-01, 11 644 473 600 s before the Unix epoch.
    const UNIX_EPOCH_TICKS: u64 = 116_444_736_000_000_000;
    let since_unix = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    UNIX_EPOCH_TICKS.saturating_add(u64::try_from(since_unix.as_nanos() / 100).unwrap_or(u64::MAX))
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// Only called at offsets inside the already length-checked header.
fn le_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// The payload a security buffer (len, max len, offset) at `at` points to. An empty buffer
/// is accepted whatever its offset: some servers leave stale offsets in empty fields.
fn security_buffer<'a>(msg: &'a [u8], at: usize, field: &'static str) -> Result<&'a [u8], NtlmError> {
    let len = usize::from(u16::from_le_bytes([msg[at], msg[at + 1]]));
    let offset = le_u32(msg, at + 4) as usize;
    if len == 0 {
        return Ok(&[]);
    }
    offset.checked_add(len).and_then(|end| msg.get(offset..end)).ok_or(NtlmError::OutOfBounds {
        field,
        offset,
        len,
        total: msg.len(),
    })
}

/// The AV pairs before MsvAvEOL; a header or value running off the end is an error.
fn av_pairs(mut info: &[u8]) -> Result<Vec<(u16, &[u8])>, NtlmError> {
    let mut pairs = Vec::new();
    while !info.is_empty() {
        let Some((head, rest)) = info.split_at_checked(4) else {
            return Err(NtlmError::BadTargetInfo("an AV pair header is cut short"));
        };
        let id = u16::from_le_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
        if id == AV_EOL {
            break;
        }
        let Some((value, rest)) = rest.split_at_checked(len) else {
            return Err(NtlmError::BadTargetInfo("an AV pair value runs past the end"));
        };
        pairs.push((id, value));
        info = rest;
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    // MS-NLMP 4.2.4: User "User", UserDom "Domain", Passwd "Password", workstation "COMPUTER",
    // server challenge 0123456789abcdef, client challenge aa×8, time 0.
    const SERVER_CHALLENGE: [u8; 8] = [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef];
    const CLIENT_CHALLENGE: [u8; 8] = [0xaa; 8];
    // 4.2.4.1.1 NTOWFv2.
    const NTOWF: [u8; 16] =
        [0x0c, 0x86, 0x8a, 0x40, 0x3b, 0xfd, 0x7a, 0x93, 0xa3, 0x00, 0x1e, 0xf2, 0x2e, 0xf0, 0x2e, 0x3f];
    // 4.2.4.3 CHALLENGE_MESSAGE: target name "Server", AV pairs NbDomainName "Domain",
    // NbComputerName "Server", EOL; flags e28a8233; with Version.
    #[rustfmt::skip]
    const SPEC_CHALLENGE: [u8; 0x68] = [
        0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0c, 0x00,
        0x38, 0x00, 0x00, 0x00, 0x33, 0x82, 0x8a, 0xe2, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x24, 0x00, 0x24, 0x00, 0x44, 0x00, 0x00, 0x00,
        0x06, 0x00, 0x70, 0x17, 0x00, 0x00, 0x00, 0x0f, 0x53, 0x00, 0x65, 0x00, 0x72, 0x00, 0x76, 0x00,
        0x65, 0x00, 0x72, 0x00, 0x02, 0x00, 0x0c, 0x00, 0x44, 0x00, 0x6f, 0x00, 0x6d, 0x00, 0x61, 0x00,
        0x69, 0x00, 0x6e, 0x00, 0x01, 0x00, 0x0c, 0x00, 0x53, 0x00, 0x65, 0x00, 0x72, 0x00, 0x76, 0x00,
        0x65, 0x00, 0x72, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];
    // 4.2.4.2.1 LMv2 response.
    #[rustfmt::skip]
    const SPEC_LM: [u8; 24] = [
        0x86, 0xc3, 0x50, 0x97, 0xac, 0x9c, 0xec, 0x10, 0x25, 0x54, 0x76, 0x4a, 0x57, 0xcc, 0xcc, 0x19,
        0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
    ];
    // 4.2.4.2.2 NTProofStr, then the rest of 4.2.4.3's 84-byte NtChallengeResponse.
    #[rustfmt::skip]
    const SPEC_NT: [u8; 84] = [
        0x68, 0xcd, 0x0a, 0xb8, 0x51, 0xe5, 0x1c, 0x96, 0xaa, 0xbc, 0x92, 0x7b, 0xeb, 0xef, 0x6a, 0x1c,
        0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x0c, 0x00,
        0x44, 0x00, 0x6f, 0x00, 0x6d, 0x00, 0x61, 0x00, 0x69, 0x00, 0x6e, 0x00, 0x01, 0x00, 0x0c, 0x00,
        0x53, 0x00, 0x65, 0x00, 0x72, 0x00, 0x76, 0x00, 0x65, 0x00, 0x72, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00,
    ];

    fn spec_creds() -> NtlmCredentials {
        let mut creds = NtlmCredentials::parse("Domain\\User", Secret::from("Password"));
        creds.workstation = "COMPUTER".into();
        creds
    }

    /// A type 3 security buffer's payload (tests only: indexes without checks).
    fn field(msg: &[u8], at: usize) -> &[u8] {
        let len = usize::from(u16::from_le_bytes([msg[at], msg[at + 1]]));
        let offset = le_u32(msg, at + 4) as usize;
        &msg[offset..offset + len]
    }

    #[test]
    fn spec_ntowf_v2_and_nt_proof_str() {
        assert_eq!(ntowf_v2(&Secret::from("Password"), "User", "Domain"), NTOWF);
        let temp = ntlmv2_temp(0, CLIENT_CHALLENGE, &SPEC_CHALLENGE[0x44..]);
        assert_eq!(nt_proof_str(&NTOWF, &SERVER_CHALLENGE, &temp), SPEC_NT[..16]);
    }

    #[test]
    fn spec_challenge_message_parses() {
        let challenge = parse_challenge(&SPEC_CHALLENGE).unwrap();
        assert_eq!(challenge.flags, 0xe28a_8233);
        assert_eq!(challenge.server_challenge, SERVER_CHALLENGE);
        assert_eq!(challenge.target_name, "Server");
        assert_eq!(challenge.target_info, SPEC_CHALLENGE[0x44..]);
        assert_eq!(challenge.server_timestamp(), None);
    }

    #[test]
    fn spec_authenticate_message_carries_the_spec_responses() {
        let challenge = parse_challenge(&SPEC_CHALLENGE).unwrap();
        let msg = authenticate_message(&spec_creds(), &challenge, CLIENT_CHALLENGE, 0);
        assert_eq!(&msg[..12], b"NTLMSSP\0\x03\0\0\0");
        assert_eq!(field(&msg, 12), SPEC_LM);
        assert_eq!(field(&msg, 20), SPEC_NT);
        assert_eq!(field(&msg, 28), utf16le("Domain"));
        assert_eq!(field(&msg, 36), utf16le("User"));
        assert_eq!(field(&msg, 44), utf16le("COMPUTER"));
        assert_eq!(field(&msg, 52), b"");
        let flags = le_u32(&msg, 60);
        assert_eq!(flags, 0xe28a_8233 & CLIENT_FLAGS & !NEGOTIATE_OEM);
        assert_eq!(flags & (NEGOTIATE_UNICODE | NEGOTIATE_OEM), NEGOTIATE_UNICODE);
    }

    #[test]
    fn a_server_timestamp_replaces_ours_and_zeroes_the_lm_response() {
        let server_time: u64 = 0x01d9_0000_1234_5678;
        let mut target_info = vec![7, 0, 8, 0];
        target_info.extend_from_slice(&server_time.to_le_bytes());
        target_info.extend_from_slice(&[0; 4]);
        let challenge = Challenge {
            flags: CLIENT_FLAGS,
            server_challenge: SERVER_CHALLENGE,
            target_info,
            target_name: String::new(),
        };
        assert_eq!(challenge.server_timestamp(), Some(server_time));
        let msg = authenticate_message(&spec_creds(), &challenge, CLIENT_CHALLENGE, 42);
        assert_eq!(field(&msg, 12), [0; 24]);
        assert_eq!(field(&msg, 20)[24..32], server_time.to_le_bytes());
    }

    #[test]
    fn negotiate_message_is_a_bare_type_1() {
        let msg = negotiate_message();
        assert_eq!(msg.len(), 32);
        assert_eq!(&msg[..12], b"NTLMSSP\0\x01\0\0\0");
        assert_eq!(le_u32(&msg, 12), 0xa008_8207);
        assert_eq!(&msg[16..], [0, 0, 0, 0, 32, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0]);
    }

    #[test]
    fn hostile_challenges_are_errors() {
        let with = |at: usize, bytes: &[u8]| {
            let mut m = SPEC_CHALLENGE.to_vec();
            m[at..at + bytes.len()].copy_from_slice(bytes);
            m
        };
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("empty", vec![]),
            ("garbage", b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n".to_vec()),
            ("bad signature", with(0, b"NTLMSSPX")),
            ("type 1", with(8, &[1])),
            ("type 3", with(8, &[3])),
            ("info past the end", with(40, &[0x25])),
            ("offset overflow", with(44, &[0xff, 0xff, 0xff, 0xff])),
            ("AV value past the end", with(0x44 + 2, &[0x40])),
            ("AV header cut short", with(40, &[0x12])),
            ("cut short", SPEC_CHALLENGE[..47].to_vec()),
        ];
        for (what, bytes) in cases {
            assert!(parse_challenge(&bytes).is_err(), "{what} was accepted");
        }
        for len in 0..SPEC_CHALLENGE.len() {
            assert!(parse_challenge(&SPEC_CHALLENGE[..len]).is_err(), "cut at {len} was accepted");
        }
        // A target name out of bounds is ignored (Squid's ntlm_fake_auth sends one), as is
        // target info the flags do not announce.
        let name_out = parse_challenge(&with(16, &[0x60])).expect("the name is informational");
        assert_eq!(name_out.target_name, "");
        let mut no_info = with(40, &[0x25]);
        no_info[22] &= !0x80; // clear NEGOTIATE_TARGET_INFO (bit 23 of the flags at 20..24)
        assert_eq!(parse_challenge(&no_info).expect("no target info announced").target_info, Vec::<u8>::new());
    }

    #[test]
    fn credentials_parse_every_user_form() {
        for (text, domain, user) in [
            ("CORP\\alice", "CORP", "alice"),
            ("alice@corp.example", "corp.example", "alice"),
            ("alice", "", "alice"),
            ("CORP\\al@ice", "CORP", "al@ice"),
        ] {
            let creds = NtlmCredentials::parse(text, Secret::from("pw"));
            assert_eq!((creds.domain.as_str(), creds.user.as_str()), (domain, user), "{text}");
        }
    }

    #[test]
    fn debug_never_shows_the_password() {
        let creds = NtlmCredentials::parse("CORP\\alice", Secret::from("hunter2-secret"));
        let text = format!("{creds:?} {creds:#?}");
        assert!(!text.contains("hunter2-secret"), "{text}");
        assert!(text.contains("alice"));
    }

    #[cfg(feature = "testkit")]
    #[test]
    fn round_trip_through_the_testkit_verifier() {
        use crate::testkit::ntlm_server::{NtlmServer, is_negotiate};
        let server = NtlmServer::new("alice", "CORP", "s3cret pässword");
        assert!(is_negotiate(&negotiate_message()));
        let challenge = parse_challenge(&server.challenge_message()).unwrap();
        assert_eq!(challenge.target_name, "CORP");
        let creds = NtlmCredentials::parse("CORP\\alice", Secret::from("s3cret pässword"));
        assert_eq!(server.verify(&authenticate_now(&creds, &challenge)), Ok("CORP\\alice".to_string()));
    }
}
