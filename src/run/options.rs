//! What a run is told: iterations, data, timeouts, concurrency, TLS material, and the
//! defaults of each.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Map, Value};

use super::retry::RetryPolicy;
use crate::http::HttpProtocol;
use crate::plan::LaneUnit;

#[derive(Clone, Debug)]
pub struct RunOptions {
    pub iterations: Option<usize>,
    pub data: Vec<Map<String, Value>>,
    pub bail: bool,
    pub delay_request: Option<Duration>,
    pub timeout_request: Option<Duration>,
    /// `--proxy-retry-after`: how long a proxy that could not be connected to is skipped.
    pub proxy_retry_after: Duration,
    /// `--proxy-auth`: which proxy authentication schemes answer a 407.
    pub proxy_auth: crate::proxyauth::ProxyAuthMode,
    /// `--oauth2-fetch auto`: fetch tokens for oauth2 blocks without one.
    pub oauth2_fetch: bool,
    /// `--oauth2-client-secret-env NAME`: the client secret every oauth2 block uses.
    pub oauth2_client_secret: Option<crate::secret::Secret>,
    pub timeout_run: Option<Duration>,
    pub timeout_script: Option<Duration>,
    pub follow_redirects: bool,
    /// The run's cookie jar: empty, or read from `--cookie-jar`; `--export-cookie-jar`
    /// writes it after the run.
    pub cookies: std::sync::Arc<crate::cookies::CookieJar>,
    pub insecure: bool,
    pub working_dir: PathBuf,
    /// `--no-insecure-file-read`: body files outside `working_dir` are not read.
    pub confine_files: bool,
    pub verbose: bool,
    pub jobs: usize,
    pub parallel: LaneUnit,
    pub max_connections_per_host: Option<usize>,
    /// `--pool-idle-timeout`: how long an idle keep-alive connection may be reused.
    pub pool_idle_timeout: Duration,
    /// `--protocol-version`: requests without a `protocolVersion` of their own use it.
    pub protocol: HttpProtocol,
    pub extra_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
    /// `--ssl-client-cert`/`--ssl-client-key`: the fallback client certificate.
    pub client_identity: Option<crate::tls::ClientIdentity>,
    /// `--ssl-client-cert-list`: chosen per request by the first matching pattern.
    pub client_cert_list: Vec<crate::tls::CertListEntry>,
    /// Requests' own `certificate` objects, by plan position.
    pub request_certificates: std::collections::HashMap<usize, crate::tls::CertListEntry>,
    /// Ctrl-C stops after the current requests (a second one cancels them); reports are completed.
    pub handle_interrupt: bool,
    /// `--retry` and its settings.
    pub retry: RetryPolicy,
    /// `--shard`: the indices (into the plan's lane list) this process runs; lanes then
    /// always start from the run-start scopes, as they would on separate machines.
    pub shard_lanes: Option<Vec<usize>>,
}

impl RunOptions {
    /// `-n`, else the data file's row count, else 1.
    pub fn iteration_count(&self) -> usize {
        self.iterations.unwrap_or(if self.data.is_empty() { 1 } else { self.data.len() })
    }
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            iterations: None,
            data: Vec::new(),
            bail: false,
            delay_request: None,
            timeout_request: None,
            proxy_retry_after: super::failover::DEFAULT_RETRY_AFTER,
            proxy_auth: Default::default(),
            oauth2_fetch: true,
            oauth2_client_secret: None,
            timeout_run: None,
            timeout_script: None,
            follow_redirects: true,
            cookies: Default::default(),
            insecure: false,
            working_dir: PathBuf::from("."),
            confine_files: false,
            verbose: false,
            jobs: 1,
            parallel: LaneUnit::Iteration,
            max_connections_per_host: None,
            pool_idle_timeout: crate::http::DEFAULT_POOL_IDLE_TIMEOUT,
            protocol: HttpProtocol::Http1,
            extra_roots: Vec::new(),
            client_identity: None,
            client_cert_list: Vec::new(),
            request_certificates: Default::default(),
            handle_interrupt: false,
            retry: RetryPolicy::default(),
            shard_lanes: None,
        }
    }
}
