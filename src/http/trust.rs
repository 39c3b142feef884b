//! Trust for the client pool: the operating system's roots plus extra CA bundles, loaded
//! once per run and only when a TLS connection first needs them, shared by every client.
//!
//! reqwest would load the whole system store again for every client it builds (a few
//! milliseconds each); postie builds one rustls configuration source instead and hands each
//! client a preconfigured `ClientConfig`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

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
pub fn load_ca_bundle(path: &Path, origin: &str) -> Result<Vec<CertificateDer<'static>>, TlsFileError> {
    let bytes = std::fs::read(path).map_err(|source| TlsFileError::Read {
        origin: origin.to_string(),
        path: path.to_path_buf(),
        source,
    })?;
    let mut certs = Vec::new();
    let mut detail = String::new();
    for item in CertificateDer::pem_slice_iter(&bytes) {
        match item {
            Ok(der) => certs.push(der),
            Err(e) => detail = format!(": {e}"),
        }
    }
    if certs.is_empty() {
        return Err(TlsFileError::NoCertificate { origin: origin.to_string(), path: path.to_path_buf(), detail });
    }
    Ok(certs)
}

/// The TLS version of the last handshake a client made (its verifier sees it happen).
/// A worker uses its clients one request at a time, so this is the version of the
/// connection that carried the worker's latest response.
#[derive(Clone, Debug, Default)]
pub struct HandshakeProbe(Arc<std::sync::atomic::AtomicU8>);

impl HandshakeProbe {
    fn saw(&self, version: u8) {
        self.0.store(version, std::sync::atomic::Ordering::Relaxed);
    }

    /// `TLS 1.2` / `TLS 1.3`, or `None` before any handshake.
    pub fn version(&self) -> Option<&'static str> {
        match self.0.load(std::sync::atomic::Ordering::Relaxed) {
            12 => Some("TLS 1.2"),
            13 => Some("TLS 1.3"),
            _ => None,
        }
    }
}

/// The run's trust: built lazily, once, on the first certificate to verify.
#[derive(Debug)]
pub struct TrustStore {
    provider: Arc<CryptoProvider>,
    extra: Vec<CertificateDer<'static>>,
    verifier: OnceLock<Result<Arc<rustls_platform_verifier::Verifier>, String>>,
}

impl TrustStore {
    pub fn new(extra: Vec<CertificateDer<'static>>) -> Arc<TrustStore> {
        let provider = CryptoProvider::get_default()
            .cloned()
            .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
        Arc::new(TrustStore { provider, extra, verifier: OnceLock::new() })
    }

    /// Loads the store now (on a side thread at start-up), so the first handshake need not.
    pub fn preload(&self) {
        let _ = self.verifier();
    }

    fn verifier(&self) -> Result<&Arc<rustls_platform_verifier::Verifier>, rustls::Error> {
        self.verifier
            .get_or_init(|| {
                rustls_platform_verifier::Verifier::new_with_extra_roots(
                    self.extra.iter().cloned(),
                    self.provider.clone(),
                )
                .map(Arc::new)
                .map_err(|e| format!("cannot load the trusted CA certificates: {e}"))
            })
            .as_ref()
            .map_err(|e| rustls::Error::General(e.clone()))
    }

    /// A client configuration offering `alpn`: verified against the store, or (`insecure`)
    /// accepting any certificate while still checking handshake signatures.
    pub fn client_config(
        self: &Arc<Self>,
        insecure: bool,
        identity: Option<&crate::tls::ClientIdentity>,
        alpn: Vec<Vec<u8>>,
        probe: HandshakeProbe,
    ) -> Result<rustls::ClientConfig, rustls::Error> {
        let verifier: Arc<dyn ServerCertVerifier> =
            Arc::new(StoreVerifier { store: self.clone(), accept_any: insecure, probe });
        let builder = rustls::ClientConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()?
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        let mut config = match identity {
            Some(id) => {
                let (chain, key) = id.rustls_parts();
                builder.with_client_auth_cert(chain, key)?
            }
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = alpn;
        Ok(config)
    }
}

/// Verifies with the shared store (loading it on first use), or, for `-k/--insecure` and
/// `strictSSL: false`, accepts any certificate; handshake signatures are checked either way.
#[derive(Debug)]
struct StoreVerifier {
    store: Arc<TrustStore>,
    accept_any: bool,
    probe: HandshakeProbe,
}

impl ServerCertVerifier for StoreVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if self.accept_any {
            return Ok(ServerCertVerified::assertion());
        }
        self.store.verifier()?.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.probe.saw(12);
        let algorithms = &self.store.provider.signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(message, cert, dss, algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.probe.saw(13);
        let algorithms = &self.store.provider.signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(message, cert, dss, algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.store.provider.signature_verification_algorithms.supported_schemes()
    }
}
