//! `ClientIdentity`: a client certificate chain with its key, checked and ready for reqwest,
//! and `load_pem_identity` for the `--ssl-client-cert`/`--ssl-client-key` pair.
//!
//! Loading proves up front what the handshake would otherwise discover late: the key is usable
//! by the ring provider and belongs to the leaf certificate. Key bytes live only inside the
//! `reqwest::Identity`; nothing here prints them.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::path::Path;

use pkcs8::LineEnding;
use pkcs8::der::pem::encode_string;
use rustls::crypto::ring::sign::any_supported_type;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::errors::TlsError;
use super::inspect::{CertSummary, summarize};
use super::pem::{KeyProblem, parse_certs, parse_key, read_file};

/// A loaded client identity, ready for reqwest; `Debug` never prints key material.
#[derive(Clone)]
pub struct ClientIdentity {
    /// Where it came from, for messages: the certificate file name or the cert-list entry name.
    pub label: String,
    fingerprint: String,
    leaf: CertificateDer<'static>,
    identity: reqwest::Identity,
    /// The same material for a rustls configuration built by postie itself.
    chain: Vec<CertificateDer<'static>>,
    key: std::sync::Arc<PrivateKeyDer<'static>>,
}

impl ClientIdentity {
    /// The identity for `reqwest::ClientBuilder::identity`.
    pub fn to_reqwest(&self) -> reqwest::Identity {
        self.identity.clone()
    }

    /// Certificate chain and key for `rustls::ClientConfig::with_client_auth_cert`.
    pub fn rustls_parts(&self) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        (self.chain.clone(), self.key.clone_key())
    }

    /// SHA-256 of the leaf certificate's DER, lower-case hex: a stable key for client pools.
    pub fn fingerprint(&self) -> String {
        self.fingerprint.clone()
    }

    /// Subject, issuer, expiry and names of the leaf certificate, for `--verbose`.
    pub fn summary(&self) -> Option<CertSummary> {
        summarize(&self.leaf)
    }
}

impl fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("label", &self.label)
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

impl PartialEq for ClientIdentity {
    fn eq(&self, other: &Self) -> bool {
        self.fingerprint == other.fingerprint
    }
}

impl Eq for ClientIdentity {}

impl Hash for ClientIdentity {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.fingerprint.hash(state);
    }
}

/// Why a chain and key could not be put together.
pub(crate) enum AssembleProblem {
    /// The ring provider cannot use the key (unsupported type or size, or not a key at all).
    KeyUnusable,
    Mismatch,
    /// Encoding for reqwest failed; a description without key bytes.
    Encoding(String),
}

/// Checks the key against the leaf and builds the reqwest identity.
pub(crate) fn assemble(
    label: String,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<ClientIdentity, AssembleProblem> {
    let Some(leaf) = chain.first().cloned() else {
        return Err(AssembleProblem::Encoding("no certificate".into()));
    };
    let signing = any_supported_type(&key).map_err(|_| AssembleProblem::KeyUnusable)?;
    // Compare SubjectPublicKeyInfo ourselves: rustls's own check needs webpki to parse the
    // certificate, which some legacy (X.509 v1) client certificates fail.
    if let (Some(key_spki), Ok((_, cert))) = (signing.public_key(), x509_parser::parse_x509_certificate(&leaf))
        && key_spki.as_ref() != cert.tbs_certificate.subject_pki.raw
    {
        return Err(AssembleProblem::Mismatch);
    }
    let mut pem = String::new();
    for cert in &chain {
        pem.push_str(&pem_block("CERTIFICATE", cert)?);
    }
    let key_label = match &key {
        PrivateKeyDer::Pkcs1(_) => "RSA PRIVATE KEY",
        PrivateKeyDer::Sec1(_) => "EC PRIVATE KEY",
        _ => "PRIVATE KEY",
    };
    pem.push_str(&pem_block(key_label, key.secret_der())?);
    let identity = reqwest::Identity::from_pem(pem.as_bytes())
        .map_err(|e| AssembleProblem::Encoding(format!("reqwest refused the identity: {e}")))?;
    Ok(ClientIdentity { label, fingerprint: sha256_hex(&leaf), leaf, identity, chain, key: std::sync::Arc::new(key) })
}

fn pem_block(label: &str, der: &[u8]) -> Result<String, AssembleProblem> {
    encode_string(label, LineEnding::LF, der)
        .map_err(|_| AssembleProblem::Encoding(format!("cannot encode the {label} as PEM")))
}

fn sha256_hex(data: &[u8]) -> String {
    use rustls::crypto::ring::cipher_suite::TLS13_AES_128_GCM_SHA256;
    let hash = match TLS13_AES_128_GCM_SHA256 {
        rustls::SupportedCipherSuite::Tls13(suite) => suite.common.hash_provider.hash(data),
        #[allow(unreachable_patterns)]
        _ => return String::new(),
    };
    hash.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn file_label(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

/// PEM cert (chain) + PEM key (PKCS#8, PKCS#1 RSA or SEC1 EC; encrypted PKCS#8 with passphrase).
/// `origin` names where the setting came from (e.g. `--ssl-client-cert`) for error messages.
pub fn load_pem_identity(
    cert: &Path,
    key: &Path,
    passphrase: Option<&str>,
    origin: &str,
) -> Result<ClientIdentity, TlsError> {
    let cert_bytes = read_file(origin, "certificate file", cert)?;
    let chain = parse_certs(origin, cert, &cert_bytes)?;
    let key_bytes = read_file(origin, "key file", key)?;
    let key_err = |p: KeyProblem| match p {
        KeyProblem::NotAKey(detail) => {
            TlsError::NotAKey { origin: origin.to_string(), path: key.to_path_buf(), detail }
        }
        KeyProblem::Unsupported(detail) => {
            TlsError::UnsupportedKey { origin: origin.to_string(), path: key.to_path_buf(), detail }
        }
        KeyProblem::PassphraseRequired => {
            TlsError::PassphraseRequired { origin: origin.to_string(), path: key.to_path_buf() }
        }
        KeyProblem::WrongPassphrase => {
            TlsError::WrongPassphrase { origin: origin.to_string(), path: key.to_path_buf() }
        }
    };
    let parsed = parse_key(&key_bytes, passphrase).map_err(key_err)?;
    assemble(file_label(cert), chain, parsed.der).map_err(|p| match p {
        // Garbage that decrypted "successfully" is the usual face of a wrong passphrase.
        AssembleProblem::KeyUnusable if parsed.decrypted => key_err(KeyProblem::WrongPassphrase),
        AssembleProblem::KeyUnusable => key_err(KeyProblem::Unsupported(UNUSABLE_KEY.into())),
        AssembleProblem::Mismatch => {
            TlsError::KeyMismatch { origin: origin.to_string(), cert: cert.to_path_buf(), key: key.to_path_buf() }
        }
        AssembleProblem::Encoding(detail) => key_err(KeyProblem::NotAKey(detail)),
    })
}

pub(crate) const UNUSABLE_KEY: &str = "the key cannot be used (supported: RSA of 2048 bits or \
     more, ECDSA P-256 or P-384, Ed25519), or the file is damaged";
