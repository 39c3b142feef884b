//! `postie run`'s flags turned into the option values the run and the reporters take: each
//! default computed in one place (the working directory once), trust and client
//! certificates loaded before the first request so a bad file is an input error (exit 2).

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use super::failure::{Failure, process_env};
use crate::cli::{ColorChoice, ParallelUnit, ProtocolVersion, RunArgs};
use crate::config::ConfigFile;
use crate::http::{DEFAULT_POOL_IDLE_TIMEOUT, HttpProtocol, load_ca_bundle};
use crate::plan::{LaneUnit, Plan};
use crate::report::{CliOptions, ReporterSettings};
use crate::run::{RetryOn, RetryPolicy, RunOptions};
use crate::tls::{CertListEntry, ClientIdentity};

fn millis(ms: Option<u64>) -> Option<Duration> {
    ms.filter(|&m| m > 0).map(Duration::from_millis)
}

/// The reporters' settings: names, terminal decisions (colour, progress bar) and export paths.
pub fn reporter_settings(args: &RunArgs, started: SystemTime) -> ReporterSettings {
    let color = match args.color {
        ColorChoice::On => true,
        ColorChoice::Off => false,
        ColorChoice::Auto => std::io::stdout().is_terminal() && process_env("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let progress = !args.no_progress
        && std::io::stderr().is_terminal()
        && process_env("CI").is_none_or(|v| v.is_empty() || v == "false");
    ReporterSettings {
        names: args.output.reporters.clone(),
        silent: args.silent,
        progress,
        cli: CliOptions {
            color,
            unicode: !args.disable_unicode,
            no_summary: args.reporter_cli_no_summary,
            no_failures: args.reporter_cli_no_failures,
            no_assertions: args.reporter_cli_no_assertions,
            no_console: args.reporter_cli_no_console,
            verbose: args.verbose,
        },
        junit_export: args.output.reporter_junit_export.clone(),
        json_export: args.output.reporter_json_export.clone(),
        json_body_limit: args.reporter_json_body_limit,
        started,
        shard: None,
        collection_name: String::new(),
        html_export: args.output.reporter_html_export.clone(),
        html_body_limit: args.output.reporter_html_body_limit,
        suppress_exit_code: args.suppress_exit_code,
        github_step_summary: process_env("GITHUB_STEP_SUMMARY").filter(|v| !v.is_empty()).map(PathBuf::from),
    }
}

/// Builds `RunOptions` from the flags; loads what the run needs from files first.
pub struct RunOptionsBuilder<'a> {
    args: &'a RunArgs,
    /// `[run]` of the config file: defaults the flags override.
    file: Option<&'a ConfigFile>,
    /// `--working-dir`, or the current folder: where relative body files and certificates are.
    working_dir: PathBuf,
}

impl<'a> RunOptionsBuilder<'a> {
    pub fn new(args: &'a RunArgs, file: Option<&'a ConfigFile>) -> Self {
        let working_dir = args.working_dir.clone().unwrap_or_else(|| PathBuf::from("."));
        RunOptionsBuilder { args, file, working_dir }
    }

    pub fn build(self, plan: &Plan, data: Vec<Map<String, Value>>) -> Result<RunOptions, Failure> {
        let args = self.args;
        let (client_identity, client_cert_list) = self.client_certificates()?;
        Ok(RunOptions {
            iterations: args.iteration_count.map(|n| n as usize),
            data,
            bail: args.bail.is_some(),
            delay_request: millis(args.delay_request),
            timeout_request: millis(args.timeout_request),
            proxy_retry_after: self.proxy_retry_after(),
            proxy_auth: self.proxy_auth()?,
            oauth2_fetch: args.oauth2_fetch == crate::cli::OAuth2Fetch::Auto,
            oauth2_client_secret: self.oauth2_client_secret()?,
            timeout_run: millis(args.timeout),
            timeout_script: millis(args.timeout_script),
            follow_redirects: !args.ignore_redirects,
            cookies: self.cookie_jar()?,
            insecure: args.insecure,
            protocol: match args.protocol_version {
                ProtocolVersion::Http1 => HttpProtocol::Http1,
                ProtocolVersion::Auto => HttpProtocol::Auto,
                ProtocolVersion::Http2 => HttpProtocol::Http2,
            },
            verbose: args.verbose,
            jobs: args.jobs as usize,
            parallel: match args.parallel {
                ParallelUnit::Iteration => LaneUnit::Iteration,
                ParallelUnit::Folder => LaneUnit::Folder,
                ParallelUnit::Request => LaneUnit::Request,
            },
            max_connections_per_host: args.max_connections_per_host.map(|n| n as usize),
            pool_idle_timeout: args.pool_idle_timeout.map_or(DEFAULT_POOL_IDLE_TIMEOUT, Duration::from_millis),
            extra_roots: self.extra_roots()?,
            client_identity,
            client_cert_list,
            request_certificates: self.request_certificates(plan)?,
            handle_interrupt: true,
            retry: self.retry()?,
            shard_lanes: None,
            working_dir: self.working_dir,
            confine_files: self.args.no_insecure_file_read,
        })
    }

    /// The client secret named by `--oauth2-client-secret-env`: an unset variable is an
    /// input error (exit 2), not a silently empty secret.
    fn oauth2_client_secret(&self) -> Result<Option<crate::secret::Secret>, Failure> {
        let Some(name) = &self.args.oauth2_client_secret_env else { return Ok(None) };
        match std::env::var(name) {
            Ok(value) if !value.is_empty() => Ok(Some(crate::secret::Secret::new(value))),
            _ => Err(Failure::input(format!(
                "--oauth2-client-secret-env names `{name}`, which is not set (or empty); export it or drop the flag"
            ))),
        }
    }

    /// The jar `--cookie-jar` names, read before the run (exit 2 when it cannot be); an
    /// empty one without it.
    fn cookie_jar(&self) -> Result<std::sync::Arc<crate::cookies::CookieJar>, Failure> {
        let jar = crate::cookies::CookieJar::new();
        if let Some(path) = &self.args.cookie_jar {
            let shown = path.display();
            let bytes =
                std::fs::read(path).map_err(|e| Failure::input(format!("--cookie-jar: cannot read {shown}: {e}")))?;
            let text = match crate::text::utf16_with_bom(&bytes) {
                Some(text) => text,
                None => String::from_utf8_lossy(&bytes).trim_start_matches('\u{feff}').to_string(),
            };
            crate::cookies::tough::load(&jar, &text).map_err(|e| {
                Failure::input(format!(
                    "--cookie-jar {shown} {e}; give a jar written by --export-cookie-jar (postie or Newman)"
                ))
            })?;
        }
        Ok(std::sync::Arc::new(jar))
    }

    /// `--proxy-auth` over config `[proxy].auth`; `any` when neither is given.
    fn proxy_auth(&self) -> Result<crate::proxyauth::ProxyAuthMode, Failure> {
        match (&self.args.proxy.proxy_auth, self.file.and_then(|f| f.proxy.auth.as_ref())) {
            (Some(flag), _) => flag.parse().map_err(|e| Failure::input(format!("--proxy-auth {e}"))),
            (None, Some(key)) => key.parse().map_err(|e| {
                let file = self.file.map(|f| f.path.display().to_string()).unwrap_or_default();
                Failure::input(format!("{file} [proxy].auth {e}"))
            }),
            (None, None) => Ok(Default::default()),
        }
    }

    /// `--proxy-retry-after` over config `[proxy].retry_after`, in seconds.
    fn proxy_retry_after(&self) -> Duration {
        let key = self.file.and_then(|f| f.proxy.retry_after);
        self.args.proxy.proxy_retry_after.or(key).map_or(crate::run::DEFAULT_PROXY_RETRY_AFTER, Duration::from_secs)
    }

    /// `--retry` and its settings: each flag over the config file's `[run]` key, over
    /// `RetryPolicy`'s default.
    fn retry(&self) -> Result<RetryPolicy, Failure> {
        let args = self.args;
        let table = self.file.map(|f| f.run.clone()).unwrap_or_default();
        let defaults = RetryPolicy::default();
        let on = match (&args.retry_on, &table.retry_on, self.file) {
            (Some(flag), _, _) => RetryOn::parse(flag).map_err(Failure::input)?,
            (None, Some(list), Some(file)) => RetryOn::parse(list)
                .map_err(|e| Failure::input(format!("{} [run].retry_on: {e}", file.path.display())))?,
            _ => defaults.on,
        };
        let millis = |flag: Option<u64>, key: Option<u64>, default: Duration| {
            flag.or(key).map_or(default, Duration::from_millis)
        };
        Ok(RetryPolicy {
            retries: args.retry.or(table.retry).unwrap_or(defaults.retries),
            base_delay: millis(args.retry_delay, table.retry_delay, defaults.base_delay),
            max_delay: millis(args.retry_max_delay, table.retry_max_delay, defaults.max_delay),
            on,
            non_idempotent: args.retry_non_idempotent || table.retry_non_idempotent.unwrap_or(false),
        })
    }

    /// `--ssl-extra-ca-certs` and `NODE_EXTRA_CA_CERTS`, on top of the system store.
    fn extra_roots(&self) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, Failure> {
        let mut roots = Vec::new();
        let mut notes = Vec::new();
        if let Some(path) = &self.args.ssl_extra_ca_certs {
            roots.extend(load_ca_bundle(path, "--ssl-extra-ca-certs").map_err(Failure::input)?);
            notes.push(format!("{} CA certificate(s) from --ssl-extra-ca-certs {}", roots.len(), path.display()));
        }
        // Newman users set this for Node; honour it so their CI keeps working.
        if let Some(path) = process_env("NODE_EXTRA_CA_CERTS").filter(|p| !p.is_empty()) {
            let certs = load_ca_bundle(Path::new(&path), "NODE_EXTRA_CA_CERTS").map_err(Failure::input)?;
            notes.push(format!("{} CA certificate(s) from NODE_EXTRA_CA_CERTS={path}", certs.len()));
            roots.extend(certs);
        }
        if self.args.verbose {
            for var in ["SSL_CERT_FILE", "SSL_CERT_DIR"] {
                if let Some(v) = process_env(var).filter(|v| !v.is_empty()) {
                    notes.push(format!("system store read from {var}={v}"));
                }
            }
            let extra = if notes.is_empty() { String::new() } else { format!("; {}", notes.join("; ")) };
            eprintln!("trust: the operating system's CA store{extra}");
        }
        Ok(roots)
    }

    /// `--ssl-client-cert` (with its key, or a PKCS#12 bundle) and `--ssl-client-cert-list`.
    fn client_certificates(&self) -> Result<(Option<ClientIdentity>, Vec<CertListEntry>), Failure> {
        let args = self.args;
        let passphrase = args.ssl_client_passphrase.as_deref();
        let single = match (&args.ssl_client_cert, &args.ssl_client_key) {
            (Some(cert), Some(key)) => Some(
                crate::tls::load_pem_identity(cert, key, passphrase, "--ssl-client-cert").map_err(Failure::input)?,
            ),
            (Some(cert), None)
                if cert.extension().is_some_and(|e| e.eq_ignore_ascii_case("pfx") || e.eq_ignore_ascii_case("p12")) =>
            {
                Some(crate::tls::load_pkcs12_identity(cert, passphrase, "--ssl-client-cert").map_err(Failure::input)?)
            }
            (Some(_), None) => {
                return Err(Failure::input(
                    "--ssl-client-cert needs --ssl-client-key (or give a PKCS#12 .pfx/.p12 bundle that holds both)",
                ));
            }
            (None, Some(_)) => return Err(Failure::input("--ssl-client-key needs --ssl-client-cert")),
            (None, None) => None,
        };
        let list = match &args.ssl_client_cert_list {
            Some(path) => crate::tls::load_cert_list(path, &self.working_dir).map_err(Failure::input)?,
            None => Vec::new(),
        };
        Ok((single, list))
    }

    /// Requests' own `certificate` objects, by plan position.
    fn request_certificates(&self, plan: &Plan) -> Result<HashMap<usize, CertListEntry>, Failure> {
        let mut out = HashMap::new();
        for planned in &plan.requests {
            if let Some(certificate) = &planned.request.certificate {
                let (value, at) = &**certificate;
                let entry = crate::tls::load_certificate_object(value, &self.args.collection, at, &self.working_dir)
                    .map_err(Failure::input)?;
                out.insert(planned.position, entry);
            }
        }
        Ok(out)
    }
}
