//! Trust material for the client pool: extra CA certificates added on top of the
//! operating system's store (which reqwest's rustls verifier already uses).

use std::path::{Path, PathBuf};

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

#[derive(Debug, thiserror::Error)]
pub enum TlsFileError {
    #[error("{origin}: cannot read {}: {source}", path.display())]
    Read {
        origin: String,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{origin}: {} holds no PEM certificate (expected -----BEGIN CERTIFICATE----- blocks){detail}", path.display())]
    NoCertificate { origin: String, path: PathBuf, detail: String },
}

/// Reads every certificate of a PEM bundle. `origin` names the flag or variable for messages.
pub fn load_ca_bundle(path: &Path, origin: &str) -> Result<Vec<reqwest::Certificate>, TlsFileError> {
    let bytes = std::fs::read(path).map_err(|source| TlsFileError::Read {
        origin: origin.to_string(),
        path: path.to_path_buf(),
        source,
    })?;
    let mut certs = Vec::new();
    let mut detail = String::new();
    for item in CertificateDer::pem_slice_iter(&bytes) {
        match item.map(|der| reqwest::Certificate::from_der(&der)) {
            Ok(Ok(cert)) => certs.push(cert),
            Ok(Err(e)) => detail = format!(": {e}"),
            Err(e) => detail = format!(": {e}"),
        }
    }
    if certs.is_empty() {
        return Err(TlsFileError::NoCertificate { origin: origin.to_string(), path: path.to_path_buf(), detail });
    }
    Ok(certs)
}
