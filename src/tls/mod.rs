//! TLS for postie: client identities (PEM, encrypted PKCS#8, PKCS#12), Newman's
//! `--ssl-client-cert-list` with Postman's URL match patterns, server-certificate summaries for
//! `--verbose`, and plain-language explanations of TLS failures. The patterns themselves are
//! `crate::urlmatch`'s, parsed strictly when a list or `certificate` object is loaded.
//!
//! Everything here loads or inspects; building clients and pooling them is `http`'s job.

mod cert_list;
mod errors;
mod explain;
mod identity;
mod inspect;
mod pem;
mod pkcs12;

#[cfg(test)]
mod tests;

pub use cert_list::{CertListEntry, load_cert_list, load_certificate_object, select};
pub use errors::TlsError;
pub use explain::{error_chain_text, explain_tls_error};
pub use identity::{ClientIdentity, load_pem_identity};
pub use inspect::{CertSummary, summarize};
pub use pkcs12::load_pkcs12_identity;

pub use crate::urlmatch::MatchPattern;
