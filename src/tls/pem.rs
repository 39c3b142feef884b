//! Reading certificate and key files: file access with readable errors, a tolerant PEM block
//! splitter, and decoding of certificate chains and (possibly encrypted) private keys.
//!
//! Owns what a file *contains*; whether a key fits a certificate is `identity.rs`'s job.
//! Error details produced here describe structure only (labels, block numbers), never bytes.

use std::path::Path;

use pkcs8::EncryptedPrivateKeyInfoRef;
use pkcs8::der::Decode;
use rustls_pki_types::pem::{PemObject, SectionKind};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer};

use super::errors::TlsError;

pub(crate) fn read_file(origin: &str, what: &'static str, path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|e| {
        let reason = match e.kind() {
            std::io::ErrorKind::NotFound => "the file does not exist".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            std::io::ErrorKind::IsADirectory => "it is a directory, not a file".to_string(),
            _ => e.to_string(),
        };
        TlsError::Unreadable { origin: origin.to_string(), what, path: path.to_path_buf(), reason }
    })
}

/// One `-----BEGIN LABEL-----` … `-----END LABEL-----` block, body still in base64.
struct Block {
    label: String,
    /// Legacy OpenSSL encryption (`Proc-Type: 4,ENCRYPTED` header inside the block).
    legacy_encrypted: bool,
    body: String,
}

/// Splits PEM text into blocks. Lenient about line widths and stray text between blocks, as
/// files written by hand or by other tools often are.
fn blocks(text: &str) -> Result<Vec<Block>, String> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for line in text.lines().map(str::trim) {
        if let Some(label) = boundary(line, "-----BEGIN ") {
            if let Some(b) = &open {
                return Err(format!("the {} block has no END line", b.label));
            }
            open = Some(Block { label: label.to_string(), legacy_encrypted: false, body: String::new() });
        } else if let Some(label) = boundary(line, "-----END ") {
            match open.take() {
                Some(b) if b.label == label => out.push(b),
                Some(b) => return Err(format!("the {} block ends with END {label}", b.label)),
                None => return Err(format!("END {label} without a BEGIN line")),
            }
        } else if let Some(b) = open.as_mut() {
            if line.contains(':') {
                b.legacy_encrypted |= line.starts_with("Proc-Type:") && line.contains("ENCRYPTED");
            } else {
                b.body.push_str(line);
            }
        }
    }
    match open {
        Some(b) => Err(format!("the {} block has no END line", b.label)),
        None => Ok(out),
    }
}

fn boundary<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    line.strip_prefix(prefix)?.strip_suffix("-----")
}

/// Base64-decodes a block body by handing a normalised block to rustls-pki-types, whose decoder
/// is constant-time for key sections. `as_label` is a label pki-types knows.
fn decode(as_label: &str, body: &str) -> Option<Vec<u8>> {
    let text = format!("-----BEGIN {as_label}-----\n{body}\n-----END {as_label}-----\n");
    <(SectionKind, Vec<u8>)>::from_pem_slice(text.as_bytes()).ok().map(|(_, der)| der)
}

fn text_of(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes).ok().filter(|t| !t.contains('\0'))
}

/// The certificate chain in a PEM file (leaf first, as written), or a single DER certificate.
pub(crate) fn parse_certs(origin: &str, path: &Path, bytes: &[u8]) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let fail =
        |detail: String| TlsError::NotACertificate { origin: origin.to_string(), path: path.to_path_buf(), detail };
    let Some(text) = text_of(bytes) else {
        if x509_parser::parse_x509_certificate(bytes).is_ok_and(|(rest, _)| rest.is_empty()) {
            return Ok(vec![CertificateDer::from(bytes.to_vec())]);
        }
        return Err(fail(
            "the file is binary and not a DER certificate (a PKCS#12 bundle goes in a \
             cert-list entry's \"pfx\")"
                .into(),
        ));
    };
    if text.trim().is_empty() {
        return Err(fail("the file is empty".into()));
    }
    let blocks = blocks(text).map_err(|e| fail(format!("malformed PEM: {e}")))?;
    let mut certs = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        if b.label != "CERTIFICATE" {
            continue;
        }
        let der =
            decode("CERTIFICATE", &b.body).ok_or_else(|| fail(format!("PEM block {} is not valid base64", i + 1)))?;
        if x509_parser::parse_x509_certificate(&der).is_err() {
            return Err(fail(format!("PEM block {} is not a valid X.509 certificate", i + 1)));
        }
        certs.push(CertificateDer::from(der));
    }
    if certs.is_empty() {
        let detail = if blocks.iter().any(|b| b.label.ends_with("PRIVATE KEY")) {
            "it holds a private key but no certificate (are the certificate and key files swapped?)"
        } else if blocks.is_empty() {
            "no PEM block found"
        } else {
            "no CERTIFICATE block found"
        };
        return Err(fail(detail.into()));
    }
    Ok(certs)
}

/// Why a key could not be produced; `identity.rs` turns it into a `TlsError`.
pub(crate) enum KeyProblem {
    NotAKey(String),
    Unsupported(String),
    PassphraseRequired,
    WrongPassphrase,
}

/// A key as found in a file; `decrypted` says it came out of an encrypted PKCS#8 block, so a
/// key that then fails to load most likely means a wrong passphrase.
pub(crate) struct ParsedKey {
    pub(crate) der: PrivateKeyDer<'static>,
    pub(crate) decrypted: bool,
}

/// The first private key in a PEM file, decrypted when it is an encrypted PKCS#8 key.
pub(crate) fn parse_key(bytes: &[u8], passphrase: Option<&str>) -> Result<ParsedKey, KeyProblem> {
    let Some(text) = text_of(bytes) else {
        return Err(KeyProblem::NotAKey(
            "the file is binary, not PEM (convert a DER key with `openssl pkey -inform DER`)".into(),
        ));
    };
    if text.trim().is_empty() {
        return Err(KeyProblem::NotAKey("the file is empty".into()));
    }
    let blocks = blocks(text).map_err(|e| KeyProblem::NotAKey(format!("malformed PEM: {e}")))?;
    let Some(b) = blocks.iter().find(|b| b.label.ends_with("PRIVATE KEY")) else {
        let detail = if blocks.iter().any(|b| b.label == "CERTIFICATE") {
            "it holds a certificate but no private key (are the certificate and key files swapped?)"
        } else if blocks.is_empty() {
            "no PEM block found"
        } else {
            "no PRIVATE KEY block found"
        };
        return Err(KeyProblem::NotAKey(detail.into()));
    };
    if b.legacy_encrypted {
        return Err(KeyProblem::Unsupported(
            "the key uses legacy OpenSSL PEM encryption (Proc-Type: 4,ENCRYPTED), which is not \
             supported; convert it to encrypted PKCS#8 with `openssl pkcs8 -topk8 -v2 aes-256-cbc \
             -in OLD -out NEW`"
                .into(),
        ));
    }
    let bad_base64 = || KeyProblem::NotAKey(format!("the {} block is not valid base64", b.label));
    let plain = |der| Ok(ParsedKey { der, decrypted: false });
    match b.label.as_str() {
        "PRIVATE KEY" => plain(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            decode("PRIVATE KEY", &b.body).ok_or_else(bad_base64)?,
        ))),
        "RSA PRIVATE KEY" => plain(PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(
            decode("RSA PRIVATE KEY", &b.body).ok_or_else(bad_base64)?,
        ))),
        "EC PRIVATE KEY" => plain(PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(
            decode("EC PRIVATE KEY", &b.body).ok_or_else(bad_base64)?,
        ))),
        "ENCRYPTED PRIVATE KEY" => {
            // Encrypted bytes are not secret, so the public decoder path is fine here.
            let der = decode("CERTIFICATE", &b.body).ok_or_else(bad_base64)?;
            Ok(ParsedKey { der: decrypt_pkcs8(&der, passphrase)?, decrypted: true })
        }
        other => {
            Err(KeyProblem::Unsupported(format!("{other} keys are not supported (use an RSA, ECDSA or Ed25519 key)")))
        }
    }
}

fn decrypt_pkcs8(der: &[u8], passphrase: Option<&str>) -> Result<PrivateKeyDer<'static>, KeyProblem> {
    let info = EncryptedPrivateKeyInfoRef::from_der(der)
        .map_err(|_| KeyProblem::NotAKey("the ENCRYPTED PRIVATE KEY block is not valid PKCS#8".into()))?;
    let Some(passphrase) = passphrase else {
        return Err(KeyProblem::PassphraseRequired);
    };
    match info.decrypt(passphrase) {
        Ok(doc) => Ok(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(doc.as_bytes().to_vec()))),
        Err(pkcs8::Error::EncryptedPrivateKey(pkcs8::pkcs5::Error::UnsupportedAlgorithm { .. }))
        | Err(pkcs8::Error::EncryptedPrivateKey(pkcs8::pkcs5::Error::NoPbes1CryptSupport)) => {
            Err(KeyProblem::Unsupported(
                "the key is encrypted with an unsupported scheme (PBES1, DES or 3DES); \
                 re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc`"
                    .into(),
            ))
        }
        // A wrong passphrase shows up as a padding failure or as garbage that is not DER.
        Err(_) => Err(KeyProblem::WrongPassphrase),
    }
}
