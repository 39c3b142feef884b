//! The proxy's side of NTLMv2 for tests: issues a CHALLENGE_MESSAGE and checks an
//! AUTHENTICATE_MESSAGE against a password it knows (MS-NLMP 3.2.5.1.2 and 3.3.2).
//!
//! Owns: challenge bytes and the server's half of NTLMv2. Shares no code with
//! `proxyauth::ntlm` on purpose: HMAC-MD5 is spelled out here from MD5 and the messages are
//! read by hand, so a mistake on one side fails the login instead of agreeing with itself.
//! Must not: panic on any bytes a client sends, or print the password in `Debug` output.

use md4::{Digest as _, Md4};
use md5::Md5;

use crate::secret::Secret;

const SIGNATURE: &[u8; 8] = b"NTLMSSP\0";
const UNICODE: u32 = 0x0000_0001;
/// UNICODE, REQUEST_TARGET, NTLM, ALWAYS_SIGN, TARGET_TYPE_DOMAIN, EXTENDED_SESSIONSECURITY,
/// TARGET_INFO, 128, 56: what a Windows proxy answers a modern client with.
const CHALLENGE_FLAGS: u32 = 0xa089_8205;
const COMPUTER_NAME: &str = "PROXY";
/// The AUTHENTICATE_MESSAGE fields up to NegotiateFlags; Version and MIC may follow.
const AUTHENTICATE_HEADER: usize = 64;
/// NTProofStr, then the NTLMv2_CLIENT_CHALLENGE up to its AV pairs.
const NTLMV2_MIN: usize = 16 + 28;

/// A proxy account and the challenge it hands out.
#[derive(Clone, Debug)]
pub struct NtlmServer {
    pub user: String,
    pub domain: String,
    pub password: Secret,
    pub server_challenge: [u8; 8],
    /// Sent as MsvAvTimestamp when set: the client must then sign this time, not its own.
    pub timestamp: Option<u64>,
}

/// A NEGOTIATE_MESSAGE (type 1)?
pub fn is_negotiate(bytes: &[u8]) -> bool {
    bytes.len() >= 16 && bytes.starts_with(SIGNATURE) && bytes[8..12] == [1, 0, 0, 0]
}

impl NtlmServer {
    /// An account with a fresh random challenge and no server timestamp.
    pub fn new(user: &str, domain: &str, password: &str) -> NtlmServer {
        NtlmServer {
            user: user.to_string(),
            domain: domain.to_string(),
            password: Secret::from(password),
            server_challenge: rand::random(),
            timestamp: None,
        }
    }

    /// The CHALLENGE_MESSAGE (type 2): target name = domain, no Version.
    pub fn challenge_message(&self) -> Vec<u8> {
        let name = utf16(&self.domain);
        let info = self.target_info();
        let mut m = Vec::with_capacity(48 + name.len() + info.len());
        m.extend_from_slice(SIGNATURE);
        m.extend_from_slice(&2u32.to_le_bytes());
        push_buffer(&mut m, name.len(), 48);
        m.extend_from_slice(&CHALLENGE_FLAGS.to_le_bytes());
        m.extend_from_slice(&self.server_challenge);
        m.extend_from_slice(&[0; 8]);
        push_buffer(&mut m, info.len(), 48 + name.len());
        m.extend_from_slice(&name);
        m.extend_from_slice(&info);
        m
    }

    /// MsvAvNbDomainName, MsvAvNbComputerName "PROXY", MsvAvTimestamp if set, MsvAvEOL.
    fn target_info(&self) -> Vec<u8> {
        let mut info = Vec::new();
        let mut pair = |id: u16, value: &[u8]| {
            info.extend_from_slice(&id.to_le_bytes());
            info.extend_from_slice(&(value.len() as u16).to_le_bytes());
            info.extend_from_slice(value);
        };
        pair(2, &utf16(&self.domain));
        pair(1, &utf16(COMPUTER_NAME));
        if let Some(time) = self.timestamp {
            pair(7, &time.to_le_bytes());
        }
        pair(0, &[]);
        info
    }

    /// Checks an AUTHENTICATE_MESSAGE (type 3): `DOMAIN\user` as the client spelled them,
    /// or why the login fails.
    pub fn verify(&self, authenticate: &[u8]) -> Result<String, String> {
        let msg = Authenticate::read(authenticate)?;
        if msg.nt.len() == 24 {
            return Err("a 24-byte NT response is NTLMv1; only NTLMv2 is accepted".into());
        }
        if msg.nt.len() < NTLMV2_MIN {
            return Err(format!("a {}-byte NT response is too short for NTLMv2", msg.nt.len()));
        }
        if msg.user.to_uppercase() != self.user.to_uppercase() {
            return Err(format!("unknown user {:?}", msg.user));
        }
        if msg.domain.to_uppercase() != self.domain.to_uppercase() {
            return Err(format!("user {:?} is not in domain {:?}", msg.user, msg.domain));
        }
        let (proof, blob) = msg.nt.split_at(16);
        if blob[..2] != [1, 1] {
            return Err(format!("NTLMv2 blob version {:?}, expected [1, 1]", &blob[..2]));
        }
        if let Some(time) = self.timestamp {
            if blob[8..16] != time.to_le_bytes() {
                return Err("the response ignores the server's MsvAvTimestamp".into());
            }
            if msg.lm.iter().any(|&b| b != 0) {
                return Err("with MsvAvTimestamp the LMv2 response must be all zeros".into());
            }
        }
        // Hashed with the names as the client sent them: the user's case does not matter
        // (it is uppercased), the domain's does, exactly as for the client.
        let nt_hash: [u8; 16] = Md4::digest(utf16(self.password.expose())).into();
        let key = hmac_md5(&nt_hash, &[&utf16(&(msg.user.to_uppercase() + &msg.domain))]);
        if proof != hmac_md5(&key, &[&self.server_challenge, blob]) {
            return Err("NTProofStr does not match: wrong password".into());
        }
        if msg.lm.len() == 24 && msg.lm.iter().any(|&b| b != 0) {
            let (response, client_challenge) = msg.lm.split_at(16);
            if response != hmac_md5(&key, &[&self.server_challenge, client_challenge]) {
                return Err("LMv2 response does not match".into());
            }
        }
        Ok(format!("{}\\{}", msg.domain, msg.user))
    }
}

/// The parts of an AUTHENTICATE_MESSAGE the verifier reads.
struct Authenticate<'a> {
    lm: &'a [u8],
    nt: &'a [u8],
    domain: String,
    user: String,
}

impl<'a> Authenticate<'a> {
    fn read(bytes: &'a [u8]) -> Result<Authenticate<'a>, String> {
        if bytes.len() < AUTHENTICATE_HEADER {
            return Err(format!("{} bytes is too short for an AUTHENTICATE_MESSAGE", bytes.len()));
        }
        if !bytes.starts_with(SIGNATURE) {
            return Err("no NTLMSSP signature".into());
        }
        let kind = u32_at(bytes, 8);
        if kind != 3 {
            return Err(format!("message type {kind}, expected 3"));
        }
        let unicode = u32_at(bytes, 60) & UNICODE != 0;
        let text = |at: usize, name: &str| -> Result<String, String> {
            let raw = payload(bytes, at, name)?;
            if !unicode {
                return Ok(raw.iter().map(|&b| char::from(b)).collect());
            }
            if raw.len() % 2 != 0 {
                return Err(format!("{name} has an odd number of UTF-16 bytes"));
            }
            let units: Vec<u16> = raw.chunks_exact(2).map(|p| u16::from_le_bytes([p[0], p[1]])).collect();
            String::from_utf16(&units).map_err(|_| format!("{name} is not valid UTF-16"))
        };
        Ok(Authenticate {
            lm: payload(bytes, 12, "LM response")?,
            nt: payload(bytes, 20, "NT response")?,
            domain: text(28, "domain")?,
            user: text(36, "user name")?,
        })
    }
}

/// Only called inside the length-checked header.
fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fn payload<'a>(msg: &'a [u8], at: usize, name: &str) -> Result<&'a [u8], String> {
    let len = usize::from(u16::from_le_bytes([msg[at], msg[at + 1]]));
    let offset = u32_at(msg, at + 4) as usize;
    if len == 0 {
        return Ok(&[]);
    }
    let end = offset.checked_add(len).ok_or_else(|| format!("{name} offset overflows"))?;
    msg.get(offset..end).ok_or_else(|| format!("{name} ({len} bytes at {offset}) lies outside the message"))
}

fn push_buffer(m: &mut Vec<u8>, len: usize, offset: usize) {
    m.extend_from_slice(&(len as u16).to_le_bytes());
    m.extend_from_slice(&(len as u16).to_le_bytes());
    m.extend_from_slice(&(offset as u32).to_le_bytes());
}

/// RFC 2104 by hand, not the `hmac` crate the client uses: the two sides share no HMAC code.
fn hmac_md5(key: &[u8; 16], parts: &[&[u8]]) -> [u8; 16] {
    let mut inner_pad = [0x36u8; 64];
    let mut outer_pad = [0x5cu8; 64];
    for (i, k) in key.iter().enumerate() {
        inner_pad[i] ^= k;
        outer_pad[i] ^= k;
    }
    let mut inner = Md5::new();
    inner.update(inner_pad);
    for part in parts {
        inner.update(part);
    }
    let mut outer = Md5::new();
    outer.update(outer_pad);
    outer.update(inner.finalize());
    outer.finalize().into()
}

fn utf16(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proxyauth::ntlm::{self, NtlmCredentials};

    fn login(server: &NtlmServer, user_text: &str, password: &str) -> Vec<u8> {
        let challenge = ntlm::parse_challenge(&server.challenge_message()).unwrap();
        ntlm::authenticate_now(&NtlmCredentials::parse(user_text, Secret::from(password)), &challenge)
    }

    #[test]
    fn accepts_the_right_password_and_any_user_name_case() {
        let server = NtlmServer::new("alice", "CORP", "correct horse");
        assert_eq!(server.verify(&login(&server, "CORP\\alice", "correct horse")), Ok("CORP\\alice".into()));
        assert_eq!(server.verify(&login(&server, "ALICE@corp", "correct horse")), Ok("corp\\ALICE".into()));
    }

    #[test]
    fn rejects_a_wrong_password_user_or_domain() {
        let server = NtlmServer::new("alice", "CORP", "correct horse");
        for (user, password, why) in [
            ("CORP\\alice", "Correct horse", "wrong password"),
            ("CORP\\bob", "correct horse", "unknown user"),
            ("OTHER\\alice", "correct horse", "not in domain"),
            ("alice", "correct horse", "not in domain"),
        ] {
            let err = server.verify(&login(&server, user, password)).unwrap_err();
            assert!(err.contains(why), "{user}/{password}: {err}");
        }
    }

    #[test]
    fn a_response_to_another_challenge_fails() {
        let server = NtlmServer::new("alice", "CORP", "pw");
        let other = NtlmServer { server_challenge: [9; 8], ..server.clone() };
        assert!(server.verify(&login(&other, "CORP\\alice", "pw")).is_err());
    }

    #[test]
    fn the_server_timestamp_must_come_back() {
        let server = NtlmServer { timestamp: Some(0x01dc_0000_0000_0001), ..NtlmServer::new("alice", "CORP", "pw") };
        let msg = login(&server, "CORP\\alice", "pw");
        assert_eq!(server.verify(&msg), Ok("CORP\\alice".into()));
        let without = NtlmServer { timestamp: Some(7), ..server };
        assert!(without.verify(&msg).unwrap_err().contains("MsvAvTimestamp"));
    }

    #[test]
    fn rejects_garbage_and_ntlmv1() {
        let server = NtlmServer::new("alice", "CORP", "pw");
        let good = login(&server, "CORP\\alice", "pw");
        let with = |at: usize, bytes: &[u8]| {
            let mut m = good.clone();
            m[at..at + bytes.len()].copy_from_slice(bytes);
            m
        };
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("empty", vec![]),
            ("a type 1", ntlm::negotiate_message()),
            ("a type 2", server.challenge_message()),
            ("text", b"NTLM TlRMTVNTUAADAAAAGAAYAEgAAAAYABgAYAAAAA==".to_vec()),
            ("NTLMv1-sized NT response", with(20, &[24, 0, 24, 0])),
            ("NT response past the end", with(24, &[0xff, 0xff, 0, 0])),
            ("domain past the end", with(32, &[0xff, 0xff, 0xff, 0xff])),
            ("tampered blob", with(u32_at(&good, 24) as usize + 16 + 20, &[0x55])),
        ];
        for (what, bytes) in cases {
            assert!(server.verify(&bytes).is_err(), "{what} was accepted");
        }
        assert!(server.verify(&with(20, &[24, 0, 24, 0])).unwrap_err().contains("NTLMv1"));
        for len in 0..good.len() {
            assert!(server.verify(&good[..len]).is_err(), "cut at {len} was accepted");
        }
    }

    #[test]
    fn the_challenge_carries_domain_and_proxy_names() {
        let server = NtlmServer::new("alice", "CORP", "pw");
        let challenge = ntlm::parse_challenge(&server.challenge_message()).unwrap();
        assert_eq!(challenge.target_name, "CORP");
        assert_eq!(challenge.server_challenge, server.server_challenge);
        assert!(challenge.target_info.windows(10).any(|w| w == utf16(COMPUTER_NAME)));
        assert!(is_negotiate(&ntlm::negotiate_message()));
        assert!(!is_negotiate(&server.challenge_message()) && !is_negotiate(b"NTLMSSP"));
        let secretive = NtlmServer::new("alice", "CORP", "hunter2-secret");
        assert!(!format!("{secretive:?}").contains("hunter2"), "{secretive:?}");
    }
}
