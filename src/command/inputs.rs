//! Loading what a command needs from disk: collection, scopes, data, config and the proxy
//! policy, each failure turned into an exit-2 message that names the file.

use std::path::Path;

use crate::cli::ProxyArgs;
use crate::collection::{self, Collection};
use crate::config::{self, PolicyBuild, ProxyFlags};
use crate::vars::{self, Scopes, VariableScope, Vault};

use super::failure::{Failure, process_env};

/// The one collection `path` names (a v2.x file or a v3 directory).
pub fn load_collection(path: &Path, strict: bool) -> Result<Collection, Failure> {
    match collection::locate(path).map_err(Failure::input)?.as_slice() {
        [one] => one.load(strict).map_err(Failure::input),
        several => Err(Failure::input(several_collections(path, several, "run"))),
    }
}

/// The `{{vault:…}}` values (`--vault-file`, then `POSTIE_VAULT_*`), with a warning for each
/// reference in the collection that neither supplies: it stays literal, as an unresolved
/// variable does.
pub fn load_vault(collection: &Collection, vault_file: Option<&Path>) -> Result<(Vault, Vec<String>), Failure> {
    let from_file = match vault_file {
        Some(path) => vars::load_vault_file(path).map_err(Failure::input)?,
        None => Default::default(),
    };
    // vars_os: a variable that is not UTF-8 (any, not only ours) must not stop the run.
    let vars = std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)));
    let vault = Vault::new(from_file, vars);
    let warnings = collection
        .vault_refs
        .iter()
        .filter(|name| vault.get(name).is_none())
        .map(|name| {
            format!(
                "{{{{vault:{name}}}}} has no value: give it in --vault-file or as {}; it is sent as written",
                Vault::env_name(name)
            )
        })
        .collect();
    Ok((vault, warnings))
}

/// Scopes at run start: files first, then `--env-var` / `--global-var` on top.
pub fn load_scopes(
    collection: &Collection,
    environment: Option<&Path>,
    globals: Option<&Path>,
    env_vars: &[String],
    global_vars: &[String],
) -> Result<Scopes, Failure> {
    let mut scopes =
        Scopes { collection: VariableScope::from_collection_variables(&collection.variables), ..Scopes::default() };
    if let Some(path) = environment {
        scopes.environment = vars::load_scope_file(path, "environment").map_err(Failure::input)?;
    }
    if let Some(path) = globals {
        scopes.globals = vars::load_scope_file(path, "globals").map_err(Failure::input)?;
    }
    for text in env_vars {
        let (k, v) = vars::parse_assignment("--env-var", text).map_err(Failure::input)?;
        scopes.environment.set(&k, serde_json::Value::String(v));
    }
    for text in global_vars {
        let (k, v) = vars::parse_assignment("--global-var", text).map_err(Failure::input)?;
        scopes.globals.set(&k, serde_json::Value::String(v));
    }
    Ok(scopes)
}

/// The config file `--config` names, or the one found in the usual places, if any.
pub fn config_file(args: &ProxyArgs) -> Result<Option<config::ConfigFile>, Failure> {
    match config::discover(args.config.as_deref(), &process_env) {
        Some(path) => config::load(&path).map(Some).map_err(Failure::input),
        None => Ok(None),
    }
}

pub fn proxy_policy(args: &ProxyArgs) -> Result<PolicyBuild, Failure> {
    proxy_policy_from(args, config_file(args)?.as_ref())
}

/// The proxy policy with its PAC loaded, for commands that do not send requests with
/// run options (`explain`; TLS settings from `tls` for a PAC fetched over https).
pub fn proxy_policy_with_pac(args: &ProxyArgs, tls: &crate::http::fetch::FetchTls) -> Result<PolicyBuild, Failure> {
    let mut build = proxy_policy(args)?;
    attach_pac(&mut build, tls, pac_alerts_to_stderr())?;
    Ok(build)
}

/// Loads the PAC the policy names (read, or fetched directly once) into the policy:
/// exit 2 naming the file when it cannot be read, fetched or run.
pub fn attach_pac(
    build: &mut PolicyBuild,
    tls: &crate::http::fetch::FetchTls,
    alerts: crate::pac::AlertSink,
) -> Result<(), Failure> {
    let Some((text, origin)) = &build.pac_source else { return Ok(()) };
    let source = crate::pac::PacSource::parse(text).map_err(|e| Failure::input(format!("{origin}: {e}")))?;
    let pac = crate::pac::Pac::load(&source, tls, crate::pac::PacLimits::default(), alerts)
        .map_err(|e| Failure::input(format!("{origin}: {e}")))?;
    build.policy.pac = Some(std::sync::Arc::new(pac));
    Ok(())
}

/// `alert(...)` of a PAC, on standard error.
pub fn pac_alerts_to_stderr() -> crate::pac::AlertSink {
    std::sync::Arc::new(|message: &str| eprintln!("PAC alert: {message}"))
}

/// The proxy policy from the flags over an already loaded config file.
pub fn proxy_policy_from(args: &ProxyArgs, file: Option<&config::ConfigFile>) -> Result<PolicyBuild, Failure> {
    let flags = ProxyFlags {
        proxy: args.proxy.clone(),
        proxy_scheme: args.proxy_scheme.clone(),
        proxy_user: args.proxy_user.clone(),
        noproxy: args.noproxy.clone(),
        no_proxy: args.no_proxy,
        no_env_proxy: args.no_env_proxy,
        ignore_collection_proxy: args.ignore_collection_proxy,
        proxy_pac: args.proxy_pac.clone(),
    };
    config::build_policy(&flags, file, &process_env).map_err(Failure::input)
}

/// The exit-2 message for a directory that holds several collections.
pub fn several_collections(dir: &std::path::Path, found: &[collection::Source], command: &str) -> String {
    let list: Vec<String> = found.iter().map(|s| format!("  {}", s.path().display())).collect();
    let all = if command == "run" { ", or run them all with --all-collections" } else { "" };
    format!(
        "{} holds {} collections:\n{}\nName one of them: postie {command} {}{all}",
        dir.display(),
        found.len(),
        list.join("\n"),
        found.first().map(|s| s.path().display().to_string()).unwrap_or_default()
    )
}
