//! `load_pkcs12_identity`: a client identity from a PKCS#12 (`.pfx`/`.p12`) bundle.
//!
//! Picks the first private key, the certificate that belongs to it (by local key id, else by
//! public key) and orders the bundle's other certificates into its issuer chain.

use std::path::Path;

use p12_keystore::error::Error as P12Error;
use p12_keystore::{CertificateBag, Pkcs12Archive};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use super::errors::TlsError;
use super::identity::{AssembleProblem, ClientIdentity, UNUSABLE_KEY, assemble, file_label};
use super::pem::read_file;

/// PKCS#12 bundle with passphrase.
pub fn load_pkcs12_identity(pfx: &Path, passphrase: Option<&str>, origin: &str) -> Result<ClientIdentity, TlsError> {
    let bad = |detail: String| TlsError::BadPkcs12 { origin: origin.to_string(), path: pfx.to_path_buf(), detail };
    let bytes = read_file(origin, "PKCS#12 file", pfx)?;
    let archive = Pkcs12Archive::from_pkcs12(&bytes, passphrase.unwrap_or("")).map_err(|e| match e {
        // Without a MAC, a wrong passphrase surfaces as a decryption failure instead.
        P12Error::MacError(_) | P12Error::UnpadError | P12Error::Pkcs5Error(_) => {
            if passphrase.is_none_or(str::is_empty) {
                TlsError::PassphraseRequired { origin: origin.to_string(), path: pfx.to_path_buf() }
            } else {
                TlsError::WrongPassphrase { origin: origin.to_string(), path: pfx.to_path_buf() }
            }
        }
        P12Error::DerError(_) | P12Error::InvalidVersion => bad("the file is not PKCS#12 data".into()),
        P12Error::UnsupportedEncryptionScheme | P12Error::UnsupportedMacAlgorithm => {
            bad("it uses an unsupported encryption or MAC algorithm; re-export it with \
                 `openssl pkcs12 -export` (OpenSSL 3 defaults: AES-256, SHA-256)"
                .into())
        }
        other => bad(other.to_string()),
    })?;
    let Some(key_bag) = archive.keys.first() else {
        return Err(bad("it holds no private key".into()));
    };
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_bag.key.as_der().to_vec()));
    let leaf_index = key_bag
        .local_key_id
        .as_ref()
        .and_then(|id| archive.certs.iter().position(|c| c.local_key_id.as_deref() == Some(id.0.as_slice())))
        .or_else(|| matching_public_key(&archive.certs, &key));
    let Some(leaf_index) = leaf_index else {
        return Err(bad("it holds no certificate for its private key".into()));
    };
    let chain = issuer_chain(&archive.certs, leaf_index);
    assemble(file_label(pfx), chain, key).map_err(|p| match p {
        AssembleProblem::KeyUnusable => bad(UNUSABLE_KEY.into()),
        AssembleProblem::Mismatch => bad("its certificate does not match its private key".into()),
        AssembleProblem::Encoding(detail) => bad(detail),
    })
}

fn matching_public_key(certs: &[CertificateBag], key: &PrivateKeyDer<'_>) -> Option<usize> {
    let signing = rustls::crypto::ring::sign::any_supported_type(key).ok()?;
    let spki = signing.public_key()?;
    certs.iter().position(|c| {
        x509_parser::parse_x509_certificate(c.cert.as_der())
            .is_ok_and(|(_, x)| x.tbs_certificate.subject_pki.raw == spki.as_ref())
    })
}

/// The leaf followed by its issuers as far as the bundle has them; unrelated certificates
/// (other roots a bundle may carry) are left out.
fn issuer_chain(certs: &[CertificateBag], leaf: usize) -> Vec<CertificateDer<'static>> {
    let mut used = vec![leaf];
    let mut current = leaf;
    while let Some(next) = certs.iter().enumerate().position(|(i, c)| {
        !used.contains(&i)
            && certs[current].cert.issuer() == c.cert.subject()
            && c.cert.subject() != certs[current].cert.subject()
    }) {
        used.push(next);
        current = next;
    }
    used.iter().map(|&i| CertificateDer::from(certs[i].cert.as_der().to_vec())).collect()
}
