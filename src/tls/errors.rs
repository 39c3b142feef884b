//! `TlsError`: everything that can go wrong while loading client identities and the cert list.
//!
//! Every message names where the setting came from (`origin`: a flag or a cert-list entry), the
//! file involved and what to do. No variant ever carries a passphrase or key bytes: callers hand
//! in only paths, names and descriptions of what was found.

use std::path::PathBuf;

use crate::urlmatch::PatternError;

#[derive(thiserror::Error, Debug)]
pub enum TlsError {
    #[error("{origin}: cannot read {what} {}: {reason}", path.display())]
    Unreadable {
        origin: String,
        /// "certificate file", "key file", "PKCS#12 file", "cert list".
        what: &'static str,
        path: PathBuf,
        reason: String,
    },

    #[error(
        "{origin}: {} holds no certificate: {detail}; expected PEM text with \
         -----BEGIN CERTIFICATE----- blocks",
        path.display()
    )]
    NotACertificate { origin: String, path: PathBuf, detail: String },

    #[error(
        "{origin}: {} holds no usable private key: {detail}; expected a PEM key \
         (PRIVATE KEY, ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)",
        path.display()
    )]
    NotAKey { origin: String, path: PathBuf, detail: String },

    #[error("{origin}: {}: {detail}", path.display())]
    UnsupportedKey { origin: String, path: PathBuf, detail: String },

    #[error(
        "{origin}: the key in {} does not belong to the certificate in {} (their public keys \
         differ); pass the key that was issued with this certificate",
        key.display(),
        cert.display()
    )]
    KeyMismatch { origin: String, cert: PathBuf, key: PathBuf },

    #[error(
        "{origin}: {} is encrypted; give its passphrase (--ssl-client-passphrase, or \
         \"passphrase\" in the --ssl-client-cert-list entry)",
        path.display()
    )]
    PassphraseRequired { origin: String, path: PathBuf },

    #[error("{origin}: wrong passphrase for {}", path.display())]
    WrongPassphrase { origin: String, path: PathBuf },

    #[error("{origin}: {} is not a usable PKCS#12 (.pfx/.p12) file: {detail}", path.display())]
    BadPkcs12 { origin: String, path: PathBuf, detail: String },

    #[error("--ssl-client-cert-list: {}:{line}:{column}: invalid JSON: {detail}", path.display())]
    CertListSyntax { path: PathBuf, line: usize, column: usize, detail: String },

    #[error("--ssl-client-cert-list: {}: at {at}: {detail}", path.display())]
    CertListEntry {
        path: PathBuf,
        /// JSON path of the offending value, e.g. `[1].cert.src`.
        at: String,
        detail: String,
    },

    #[error("{origin}: invalid URL match pattern {pattern:?}: {reason}")]
    InvalidPattern { origin: String, pattern: String, reason: PatternError },
}
