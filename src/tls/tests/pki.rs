//! Test PKI made with rcgen: a server CA with good, expired, future and wrong-name leaves, a
//! client CA with client leaves, and helpers to write keys in every format postie reads.

use std::path::{Path, PathBuf};
use std::process::Command;

use pkcs8::der::Decode;
use pkcs8::{LineEnding, PrivateKeyInfoRef};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, date_time_ymd,
};
use tempfile::TempDir;

pub struct Ca {
    pub der: Vec<u8>,
    pub pem: String,
    issuer: Issuer<'static, KeyPair>,
}

pub struct Leaf {
    pub der: Vec<u8>,
    pub pem: String,
    pub key: KeyPair,
}

impl Leaf {
    /// Unencrypted PKCS#8 PEM.
    pub fn key_pem(&self) -> String {
        self.key.serialize_pem()
    }

    /// SEC1 `EC PRIVATE KEY` PEM (rcgen's default keys are ECDSA P-256).
    pub fn key_sec1_pem(&self) -> String {
        let der = self.key.serialize_der();
        let info = PrivateKeyInfoRef::from_der(&der).expect("rcgen writes valid PKCS#8");
        pkcs8::der::pem::encode_string("EC PRIVATE KEY", LineEnding::LF, info.private_key.as_bytes()).expect("encode")
    }

    /// `ENCRYPTED PRIVATE KEY` PEM (PBES2, PBKDF2-SHA256, AES-256-CBC), as OpenSSL 3 writes.
    pub fn key_encrypted_pem(&self, passphrase: &str) -> String {
        let der = self.key.serialize_der();
        let info = PrivateKeyInfoRef::from_der(&der).expect("rcgen writes valid PKCS#8");
        let params = pkcs8::pkcs5::pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(2048, b"saltsalt", [7; 16])
            .expect("params");
        let doc = info.encrypt_with_params(params, passphrase).expect("encrypt");
        pkcs8::der::pem::encode_string("ENCRYPTED PRIVATE KEY", LineEnding::LF, doc.as_bytes()).expect("encode")
    }

    /// A PKCS#12 bundle (leaf + `chain`) written with p12-keystore.
    pub fn pkcs12(&self, chain: &[&[u8]], passphrase: &str) -> Vec<u8> {
        use p12_keystore::{Certificate, KeyStore, KeyStoreEntry, PrivateKey, PrivateKeyChain};
        let mut certs = vec![Certificate::from_der(&self.der).expect("leaf")];
        for c in chain {
            certs.push(Certificate::from_der(c).expect("chain cert"));
        }
        let key = PrivateKey::from_der(&self.key.serialize_der()).expect("key");
        let mut store = KeyStore::new();
        store.add_entry(
            "client",
            KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(&b"0123456789abcdef0123"[..], key, certs)),
        );
        store.writer(passphrase).write().expect("write pkcs12")
    }
}

fn dn(cn: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    dn.push(DnType::OrganizationName, "postie tests");
    dn
}

impl Ca {
    pub fn new(cn: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.distinguished_name = dn(cn);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().expect("key");
        let cert = params.self_signed(&key).expect("self-signed");
        Ca { der: cert.der().to_vec(), pem: cert.pem(), issuer: Issuer::new(params, key) }
    }

    /// A leaf for `names`, valid from `from` to `until` (years), for server or client use.
    pub fn leaf(&self, cn: &str, names: &[&str], years: (i32, i32), client: bool) -> Leaf {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names).expect("params");
        params.distinguished_name = dn(cn);
        params.not_before = date_time_ymd(years.0, 1, 1);
        params.not_after = date_time_ymd(years.1, 1, 1);
        params.use_authority_key_identifier_extension = true;
        params.extended_key_usages =
            vec![if client { ExtendedKeyUsagePurpose::ClientAuth } else { ExtendedKeyUsagePurpose::ServerAuth }];
        let key = KeyPair::generate().expect("key");
        let cert = params.signed_by(&key, &self.issuer).expect("sign");
        Leaf { der: cert.der().to_vec(), pem: cert.pem(), key }
    }
}

/// Everything the TLS tests need, generated once per test.
pub struct Pki {
    pub server_ca: Ca,
    pub server: Leaf,
    pub expired: Leaf,
    pub future: Leaf,
    pub wrong_name: Leaf,
    pub client_ca: Ca,
    pub client: Leaf,
    /// A client leaf from a CA the client-cert server does not trust.
    pub stranger: Leaf,
    pub dir: TempDir,
}

impl Pki {
    pub fn new() -> Pki {
        let server_ca = Ca::new("postie test server CA");
        let client_ca = Ca::new("postie test client CA");
        let other_ca = Ca::new("postie test other CA");
        Pki {
            server: server_ca.leaf("localhost", &["localhost", "127.0.0.1"], (2020, 2090), false),
            expired: server_ca.leaf("expired", &["localhost"], (2019, 2021), false),
            future: server_ca.leaf("future", &["localhost"], (2090, 2095), false),
            wrong_name: server_ca.leaf("wrong", &["wrong.example", "other.example", "10.9.8.7"], (2020, 2090), false),
            client: client_ca.leaf("postie client", &["client.example"], (2020, 2090), true),
            stranger: other_ca.leaf("stranger", &["stranger.example"], (2020, 2090), true),
            server_ca,
            client_ca,
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// Writes `contents` to a file in the test folder and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write fixture");
        path
    }
}

/// Runs the openssl CLI when it exists; `None` (with a notice) when it does not.
pub fn openssl(dir: &Path, args: &[&str]) -> Option<()> {
    match Command::new("openssl").args(args).current_dir(dir).output() {
        Ok(out) if out.status.success() => Some(()),
        Ok(out) => panic!("openssl {args:?} failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(_) => {
            eprintln!("notice: openssl CLI not found; skipping the openssl-made fixture");
            None
        }
    }
}
