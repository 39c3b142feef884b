//! `postie run`: load, plan, run, report, export; the exit code follows DESIGN.md §7.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::inputs::{load_collection, load_scopes, proxy_policy};
use super::{Failure, Outcome, process_env};
use crate::cli::{ColorChoice, ParallelUnit, RunArgs};
use crate::http::load_ca_bundle;
use crate::plan::{self, LaneUnit};
use crate::report::{
    CliOptions, CliReporter, Dispatcher, Event, JsonReporter, JunitReporter, ProgressReporter, Redactor, Reporter,
    export_path, redact_json,
};
use crate::run::{Cancel, RunOptions};
use crate::vars;

const KNOWN_REPORTERS: &[&str] = &["cli", "junit", "json"];

fn millis(ms: Option<u64>) -> Option<Duration> {
    ms.filter(|&m| m > 0).map(Duration::from_millis)
}

pub fn run(args: RunArgs) -> Result<Outcome, Failure> {
    let collection = load_collection(&args.collection)?;
    let scopes = load_scopes(
        &collection,
        args.environment.as_deref(),
        args.globals.as_deref(),
        &args.env_var,
        &args.global_var,
    )?;
    let data = match &args.iteration_data {
        Some(path) => vars::load_iteration_data(path).map_err(Failure::input)?,
        None => Vec::new(),
    };
    let plan = plan::build(&collection, &args.folder).map_err(Failure::input)?;
    let policy = proxy_policy(&args.proxy)?;

    let mut redactor = Redactor::new(!args.reporter_no_redact);
    for (user, pass) in &policy.secrets {
        redactor.add_credentials(user, pass);
    }
    for secret in scopes.secret_values() {
        redactor.add(&secret);
    }
    for (user, pass) in collection.proxy_credentials() {
        redactor.add_credentials(&user, pass.expose());
    }

    let names: Vec<String> = args.reporters.iter().map(|r| r.trim().to_lowercase()).filter(|r| !r.is_empty()).collect();
    if let Some(unknown) = names.iter().find(|n| !KNOWN_REPORTERS.contains(&n.as_str())) {
        return Err(Failure::input(format!(
            "unknown reporter `{unknown}` in -r/--reporters; available: {}",
            KNOWN_REPORTERS.join(", ")
        )));
    }
    let mut reporters: Vec<Box<dyn Reporter>> = Vec::new();
    let progress = (!args.silent
        && !args.no_progress
        && std::io::stderr().is_terminal()
        && process_env("CI").is_none_or(|v| v.is_empty() || v == "false"))
    .then(ProgressReporter::new);
    if names.iter().any(|n| n == "cli") && !args.silent {
        let color = match args.color {
            ColorChoice::On => true,
            ColorChoice::Off => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal() && process_env("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        let mut cli = CliReporter::new(
            Box::new(std::io::stdout()),
            CliOptions {
                color,
                unicode: !args.disable_unicode,
                no_summary: args.reporter_cli_no_summary,
                no_failures: args.reporter_cli_no_failures,
                no_assertions: args.reporter_cli_no_assertions,
                no_console: args.reporter_cli_no_console,
                verbose: args.verbose,
            },
        );
        if let Some(p) = &progress {
            cli = cli.with_progress(p.handle());
        }
        reporters.push(Box::new(cli));
    }
    if let Some(p) = progress {
        reporters.push(Box::new(p));
    }
    let started = std::time::SystemTime::now();
    if names.iter().any(|n| n == "junit") {
        let path = report_path(args.reporter_junit_export.as_deref(), "junit", "xml", started)?;
        reporters.push(Box::new(JunitReporter::new(&path).map_err(|e| Failure::aborted(e.to_string()))?));
    }
    let mut final_scopes = None;
    if names.iter().any(|n| n == "json") {
        let path = report_path(args.reporter_json_export.as_deref(), "json", "json", started)?;
        let mut raw = collection.raw.clone();
        redact_json(&redactor, &mut raw);
        let json = JsonReporter::new(&path, &raw, args.reporter_json_body_limit)
            .map_err(|e| Failure::aborted(e.to_string()))?;
        final_scopes = Some(json.final_scopes());
        reporters.push(Box::new(json));
    }
    check_export(args.export_environment.as_deref(), "--export-environment")?;
    check_export(args.export_globals.as_deref(), "--export-globals")?;

    let mut dispatcher = Dispatcher::new(reporters, redactor);
    for w in collection.warnings.iter().chain(&policy.warnings) {
        dispatcher.handle(Event::Warning(w.clone()));
    }
    let mut extra_roots = Vec::new();
    if let Some(path) = &args.ssl_extra_ca_certs {
        extra_roots.extend(load_ca_bundle(path, "--ssl-extra-ca-certs").map_err(Failure::input)?);
    }
    let mut trust_notes = Vec::new();
    if let Some(path) = &args.ssl_extra_ca_certs {
        trust_notes.push(format!(
            "{} CA certificate(s) from --ssl-extra-ca-certs {}",
            extra_roots.len(),
            path.display()
        ));
    }
    // Newman users set this for Node; honour it so their CI keeps working.
    if let Some(path) = process_env("NODE_EXTRA_CA_CERTS").filter(|p| !p.is_empty()) {
        let certs = load_ca_bundle(Path::new(&path), "NODE_EXTRA_CA_CERTS").map_err(Failure::input)?;
        trust_notes.push(format!("{} CA certificate(s) from NODE_EXTRA_CA_CERTS={path}", certs.len()));
        extra_roots.extend(certs);
    }
    if args.verbose {
        for var in ["SSL_CERT_FILE", "SSL_CERT_DIR"] {
            if let Some(v) = process_env(var).filter(|v| !v.is_empty()) {
                trust_notes.push(format!("system store read from {var}={v}"));
            }
        }
        let extra = if trust_notes.is_empty() { String::new() } else { format!("; {}", trust_notes.join("; ")) };
        eprintln!("trust: the operating system's CA store{extra}");
    }
    let (client_identity, client_cert_list) = client_certificates(&args)?;
    let base_dir = args.working_dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let mut request_certificates = std::collections::HashMap::new();
    for planned in &plan.requests {
        if let Some((value, at)) = &planned.request.certificate {
            let entry =
                crate::tls::load_certificate_object(value, &args.collection, at, &base_dir).map_err(Failure::input)?;
            request_certificates.insert(planned.position, entry);
        }
    }
    let options = RunOptions {
        iterations: args.iteration_count.map(|n| n as usize),
        data,
        bail: args.bail.is_some(),
        delay_request: millis(args.delay_request),
        timeout_request: millis(args.timeout_request),
        timeout_run: millis(args.timeout),
        timeout_script: millis(args.timeout_script),
        follow_redirects: !args.ignore_redirects,
        insecure: args.insecure,
        protocol: match args.protocol_version {
            crate::cli::ProtocolVersion::Http1 => crate::http::HttpProtocol::Http1,
            crate::cli::ProtocolVersion::Auto => crate::http::HttpProtocol::Auto,
            crate::cli::ProtocolVersion::Http2 => crate::http::HttpProtocol::Http2,
        },
        working_dir: args.working_dir.clone().unwrap_or_else(|| PathBuf::from(".")),
        verbose: args.verbose,
        jobs: args.jobs as usize,
        parallel: match args.parallel {
            ParallelUnit::Iteration => LaneUnit::Iteration,
            ParallelUnit::Folder => LaneUnit::Folder,
            ParallelUnit::Request => LaneUnit::Request,
        },
        max_connections_per_host: args.max_connections_per_host.map(|n| n as usize),
        pool_idle_timeout: args.pool_idle_timeout.map_or(crate::http::DEFAULT_POOL_IDLE_TIMEOUT, Duration::from_millis),
        extra_roots,
        client_identity,
        client_cert_list,
        request_certificates,
        handle_interrupt: true,
    };
    let cancel = Cancel::default();
    let output =
        crate::run::run(&collection, Arc::new(plan), scopes, Arc::new(policy.policy), options, dispatcher, cancel)
            .map_err(|e| Failure::aborted(format!("cannot start the run: {e}")))?;
    let mut dispatcher = output.dispatcher;
    if let Some(scopes) = final_scopes {
        let mut env = output.scopes.environment.to_postman_json("environment");
        let mut globals = output.scopes.globals.to_postman_json("globals");
        redact_json(dispatcher.redactor(), &mut env);
        redact_json(dispatcher.redactor(), &mut globals);
        scopes.set(env, globals);
    }
    dispatcher.handle(Event::Done(Box::new(output.summary.clone())));
    if let Some(path) = &args.export_environment {
        write_json(path, &output.scopes.environment.to_postman_json("environment"), "--export-environment")?;
    }
    if let Some(path) = &args.export_globals {
        write_json(path, &output.scopes.globals.to_postman_json("globals"), "--export-globals")?;
    }
    let errors = dispatcher.take_errors();
    if let Some(first) = errors.first() {
        return Err(Failure::aborted(dispatcher.redactor().text(&first.to_string())));
    }
    if output.summary.failed() && !args.suppress_exit_code { Ok(Outcome::Failed) } else { Ok(Outcome::Passed) }
}

type ClientCertificates = (Option<crate::tls::ClientIdentity>, Vec<crate::tls::CertListEntry>);

/// Loads every client certificate before the first request, so a bad file or passphrase is
/// an input error (exit 2) rather than a failed handshake later.
fn client_certificates(args: &RunArgs) -> Result<ClientCertificates, Failure> {
    let passphrase = args.ssl_client_passphrase.as_deref();
    let single = match (&args.ssl_client_cert, &args.ssl_client_key) {
        (Some(cert), Some(key)) => {
            Some(crate::tls::load_pem_identity(cert, key, passphrase, "--ssl-client-cert").map_err(Failure::input)?)
        }
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
        Some(path) => {
            let base = args.working_dir.clone().unwrap_or_else(|| PathBuf::from("."));
            crate::tls::load_cert_list(path, &base).map_err(Failure::input)?
        }
        None => Vec::new(),
    };
    Ok((single, list))
}

/// Without an export path, reports go to `./postie/` with a timestamped name (as Newman's `./newman/`).
fn report_path(
    given: Option<&Path>,
    reporter: &str,
    ext: &str,
    started: std::time::SystemTime,
) -> Result<PathBuf, Failure> {
    let path = match given {
        Some(p) => p.to_path_buf(),
        None => {
            let dir = PathBuf::from("postie");
            std::fs::create_dir_all(&dir)
                .map_err(|e| Failure::aborted(format!("cannot create the report folder {}: {e}", dir.display())))?;
            dir
        }
    };
    Ok(export_path(&path, reporter, ext, started))
}

/// An export that cannot be written must fail before the run, not after it.
fn check_export(path: Option<&Path>, flag: &str) -> Result<(), Failure> {
    let Some(path) = path else { return Ok(()) };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| Failure::aborted(format!("{flag}: cannot create folder {}: {e}", parent.display())))?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map(|_| ())
        .map_err(|e| Failure::aborted(format!("{flag}: cannot write {}: {e}", path.display())))
}

fn write_json(path: &Path, value: &serde_json::Value, flag: &str) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Failure::aborted(format!("{flag}: {e}")))?;
    std::fs::write(path, text).map_err(|e| Failure::aborted(format!("{flag}: cannot write {}: {e}", path.display())))
}
