//! `postie run`: load, plan, run, report, export; the exit code follows DESIGN.md §7.
//! A directory of several v3 collections runs them one after another with
//! `--all-collections`, one report file per collection.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::failure::{Failure, Outcome};
use super::inputs::{
    attach_pac, config_file, load_scopes, load_vault, pac_alerts_to_stderr, proxy_policy_from, several_collections,
};
use super::options::{RunOptionsBuilder, reporter_settings};
use super::shard::plan_shard;
use crate::cli::RunArgs;
use crate::collection::{self, Collection};
use crate::plan;
use crate::report::{Dispatcher, Event, Redactor, ReporterSetupError, build_reporters, redact_json};
use crate::run::Cancel;
use crate::vars;

pub fn run(mut args: RunArgs) -> Result<Outcome, Failure> {
    // Inputs named by URL are read from local copies, removed when the run ends.
    let _downloads = super::remote::fetch_inputs(&mut args)?;
    // A folder of a v3 collection runs inside its collection, as `--folder` would.
    if args.collection.is_dir()
        && let Some((root, folder)) = collection::enclosing_collection(&args.collection)
    {
        if !args.silent {
            eprintln!("running folder {} of the v3 collection {}", args.collection.display(), root.display());
        }
        args.collection = root;
        args.folder.push(folder);
    }
    let sources = collection::locate(&args.collection).map_err(Failure::input)?;
    if sources.len() > 1 && !args.all_collections {
        return Err(Failure::input(several_collections(&args.collection, &sources, "run")));
    }
    // Every collection is checked before the first request of any of them.
    let mut collections = Vec::with_capacity(sources.len());
    for source in &sources {
        collections.push((source.short_name(), source.load(args.strict).map_err(Failure::input)?));
    }
    if collections.len() == 1
        && let Some((_, collection)) = collections.pop()
    {
        return run_collection(&args, collection);
    }
    let mut worst = Outcome::Passed;
    for (name, collection) in unique_names(collections) {
        if !args.silent {
            eprintln!("\n== {name} ==");
        }
        let outcome = run_collection(&per_collection(&args, &name), collection)?;
        if outcome == Outcome::Failed {
            worst = Outcome::Failed;
        }
    }
    Ok(worst)
}

/// File-name-safe names, unique without regard to case (`My API` and `My_API` would
/// otherwise write the same report).
fn unique_names(collections: Vec<(String, Collection)>) -> Vec<(String, Collection)> {
    let mut used: Vec<String> = Vec::new();
    collections
        .into_iter()
        .map(|(name, collection)| {
            let safe: String =
                name.chars().map(|c| if c.is_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
            let mut unique = safe.clone();
            let mut n = 2;
            while used.contains(&unique.to_lowercase()) {
                unique = format!("{safe}-{n}");
                n += 1;
            }
            used.push(unique.to_lowercase());
            (unique, collection)
        })
        .collect()
}

/// The flags of one collection of an `--all-collections` run: every file it writes gets the
/// collection's name, so no run overwrites another's report.
fn per_collection(args: &RunArgs, name: &str) -> RunArgs {
    let mut args = args.clone();
    let named = |path: &Option<PathBuf>, kind: &str| path.as_deref().map(|p| named_path(p, name, kind));
    args.output.reporter_junit_export = named(&args.output.reporter_junit_export, "xml");
    args.output.reporter_json_export = named(&args.output.reporter_json_export, "json");
    args.export_environment = named(&args.export_environment, "environment.json");
    args.export_globals = named(&args.export_globals, "globals.json");
    args.export_cookie_jar = named(&args.export_cookie_jar, "cookies.json");
    args.export_collection = named(&args.export_collection, "collection.json");
    args
}

/// `out/report.xml` → `out/report-<name>.xml`; a directory `out/` → `out/<name>.<kind>`.
fn named_path(path: &Path, name: &str, kind: &str) -> PathBuf {
    if path.is_dir() {
        return path.join(format!("{name}.{kind}"));
    }
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let file = match path.extension() {
        Some(e) => format!("{stem}-{name}.{}", e.to_string_lossy()),
        None => format!("{stem}-{name}"),
    };
    path.with_file_name(file)
}

/// A PAC that throws, loops or answers nonsense for a request's URL stops the run before
/// any request (exit 2), for every URL known before the run; URLs that scripts build are
/// checked when they are sent.
fn check_pac_answers(
    policy: &crate::proxy::ProxyPolicy,
    plan: &crate::plan::Plan,
    scopes: &crate::vars::Scopes,
) -> Result<(), Failure> {
    if policy.pac.is_none() {
        return Ok(());
    }
    for planned in &plan.requests {
        let Ok(url) = crate::http::resolve_url(planned, scopes) else { continue };
        let proxy = crate::http::collection_proxy(&planned.request);
        if let crate::proxy::Rule::PacFailed(why) = policy.explain(&url, proxy.as_ref()).rule {
            // Scheme, host and port only: the URL may carry credentials or secret query values.
            let shown = format!("{}://{}", url.scheme(), url.host_str().unwrap_or(""));
            return Err(Failure::input(format!("{} ({shown}): {why}; fix the PAC file", planned.full_name())));
        }
    }
    Ok(())
}

fn run_collection(args: &RunArgs, mut collection: Collection) -> Result<Outcome, Failure> {
    let (vault, vault_warnings) = load_vault(&collection, args.vault_file.as_deref())?;
    let mut scopes = load_scopes(
        &collection,
        args.environment.as_deref(),
        args.globals.as_deref(),
        &args.env_var,
        &args.global_var,
    )?;
    scopes.vault = Arc::new(vault);
    let (data, data_warnings) = match &args.iteration_data {
        Some(path) => vars::load_iteration_data_noting(path).map_err(Failure::input)?,
        None => (Vec::new(), Vec::new()),
    };
    let plan = plan::build(&collection, &args.folder).map_err(Failure::input)?;
    let config = config_file(&args.proxy)?;
    let mut policy = proxy_policy_from(&args.proxy, config.as_ref())?;

    let mut redactor = Redactor::new(!args.reporter_no_redact);
    for (user, pass) in &policy.secrets {
        redactor.add_credentials(user, pass);
    }
    for secret in scopes.secret_values() {
        redactor.add(&secret);
    }
    if let Some(key) = args.postman_api_key.as_deref().filter(|k| !k.is_empty()) {
        redactor.add(key);
    }
    for (user, pass) in collection.proxy_credentials() {
        redactor.add_credentials(&user, pass.expose());
    }
    // Credentials typed into the collection's auth blocks are secrets from the start, in
    // every sink, not only once the request that uses them is built.
    for secret in &collection.secrets {
        redactor.add(secret);
    }

    // Every input is checked before a report file is created.
    let mut options = RunOptionsBuilder::new(args, config.as_ref()).build(&plan, data)?;
    let tls = crate::http::fetch::FetchTls { insecure: options.insecure, extra_roots: options.extra_roots.clone() };
    let alerts = if args.verbose { pac_alerts_to_stderr() } else { crate::pac::no_alerts() };
    attach_pac(&mut policy, &tls, alerts)?;
    check_pac_answers(&policy.policy, &plan, &scopes)?;
    let mut settings = reporter_settings(args, std::time::SystemTime::now());
    settings.collection_name = collection.name.clone();
    let shard = plan_shard(args, &collection, &plan, &options)?;
    if let Some(shard) = &shard {
        options.shard_lanes = Some(shard.lanes.clone());
        settings.shard = Some(shard.block.clone());
    }
    let reporters = build_reporters(&settings, &collection.raw, &redactor).map_err(|e| match e {
        ReporterSetupError::Unknown { .. } => Failure::input(e),
        _ => Failure::aborted(e),
    })?;
    let final_scopes = reporters.final_scopes;
    // Kept only when it is to be exported: a large collection's run holds only the model.
    let exported = args.export_collection.as_ref().map(|_| collection.raw.value());
    // The JSON report has its copy; the run needs only the model.
    collection.release_raw();
    check_export(args.export_environment.as_deref(), "--export-environment")?;
    check_export(args.export_globals.as_deref(), "--export-globals")?;
    check_export(args.export_cookie_jar.as_deref(), "--export-cookie-jar")?;
    check_export(args.export_collection.as_deref(), "--export-collection")?;
    let jar = options.cookies.clone();

    let mut dispatcher = Dispatcher::new(reporters.list, redactor);
    let shard_notes = shard.iter().flat_map(|s| s.notes.iter());
    let inputs = collection.warnings.iter().chain(&data_warnings).chain(&policy.warnings).chain(&vault_warnings);
    for w in inputs.chain(shard_notes) {
        dispatcher.handle(Event::Warning(w.clone()));
    }
    let cancel = Cancel::default();
    let stopped = cancel.clone();
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
        if shard.is_some() {
            // Which lane changed each variable last (names only: merge-reports takes the
            // values from this shard's own, masked, final scopes).
            let writes: Vec<serde_json::Value> = output
                .writes
                .iter()
                .map(
                    |w| serde_json::json!({"scope": w.scope, "key": w.key, "lane": w.lane, "unset": w.value.is_none()}),
                )
                .collect();
            scopes.set_shard_writes(serde_json::Value::Array(writes), !stopped.stopping());
        }
    }
    dispatcher.handle(Event::Done(Box::new(output.summary.clone())));
    if let Some(path) = &args.export_environment {
        write_json(path, &output.scopes.environment.to_postman_json("environment"), "--export-environment")?;
    }
    if let Some(path) = &args.export_globals {
        write_json(path, &output.scopes.globals.to_postman_json("globals"), "--export-globals")?;
    }
    if let (Some(path), Some(mut document)) = (&args.export_collection, exported) {
        with_collection_variables(&mut document, &output.scopes.collection);
        write_json(path, &document, "--export-collection")?;
    }
    if let Some(path) = &args.export_cookie_jar {
        write_json(path, &crate::cookies::tough::to_json(&jar.all()), "--export-cookie-jar")?;
    }
    let errors = dispatcher.take_errors();
    if let Some(first) = errors.first() {
        return Err(Failure::aborted(dispatcher.redactor().text(&first.to_string())));
    }
    if output.summary.failed() && !args.suppress_exit_code { Ok(Outcome::Failed) } else { Ok(Outcome::Passed) }
}

/// The collection's `variable` list as the run left it (Newman 6.2.2 writes the values it
/// loaded, contrary to its documentation): values, types and `disabled` as v2.1 has them,
/// in the scope's order; variables a script unset are gone, new ones added.
fn with_collection_variables(document: &mut serde_json::Value, scope: &vars::VariableScope) {
    let values = scope.to_postman_json("collection")["values"].as_array().cloned().unwrap_or_default();
    let list: Vec<serde_json::Value> = values
        .into_iter()
        .map(|v| {
            let mut out = serde_json::Map::new();
            out.insert("key".into(), v["key"].clone());
            out.insert("value".into(), v["value"].clone());
            if let Some(t) = v["type"].as_str().filter(|t| *t != "default") {
                out.insert("type".into(), t.into());
            }
            if v["enabled"] == false {
                out.insert("disabled".into(), true.into());
            }
            serde_json::Value::Object(out)
        })
        .collect();
    if let Some(o) = document.as_object_mut() {
        o.insert("variable".into(), serde_json::Value::Array(list));
    }
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
