//! `postie proxy check`: every case of an expectations file judged against the route the
//! run's sources decide for its URL (or the routes a run recorded, `--from-report`),
//! optionally tried for real (`--probe`), and reported like a run: terminal lines, and a
//! JUnit testsuite "proxy routes" / a JSON report with one assertion per case.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use super::failure::{Failure, Outcome, process_env};
use super::inputs::{load_collection, load_scopes, proxy_policy_with_pac};
use crate::cli::CheckArgs;
use crate::http::{
    ClientKey, ClientPool, HttpProtocol, PoolOptions, PreparedRequest, SendOptions, TrustStore, collection_proxy,
    load_ca_bundle, resolve_url,
};
use crate::plan;
use crate::proxy::{CollectionProxy, Route};
use crate::report::{
    AssertionRecord, AssertionStatus, CliOptions, Cursor, Dispatcher, Event, Execution, Redactor, ReporterSettings,
    ReporterSetupError, RunInfo, Summary, build_reporters,
};
use crate::routecheck::{self, Case, Recorded, Verdict};

const SUITE: &str = "proxy routes";
const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_secs(10);

pub fn check(args: CheckArgs) -> Result<Outcome, Failure> {
    let cases = routecheck::load_file(&args.expectations).map_err(Failure::input)?;
    let mut redactor = Redactor::new(true);
    let started = SystemTime::now();
    let verdicts = match &args.from_report {
        Some(report) => {
            let recorded = recorded_routes(report)?;
            cases.iter().map(|c| (routecheck::judge_recorded(c, &recorded), None)).collect()
        }
        None => decide_and_probe(&args, &cases, &mut redactor)?,
    };
    report(&args, &cases, &verdicts, redactor, started)
}

type Judged = (Verdict, Option<Duration>);

fn decide_and_probe(args: &CheckArgs, cases: &[Case], redactor: &mut Redactor) -> Result<Vec<Judged>, Failure> {
    let extra_roots = match &args.ssl_extra_ca_certs {
        Some(path) => crate::http::load_ca_bundle(path, "--ssl-extra-ca-certs").map_err(Failure::input)?,
        None => Vec::new(),
    };
    let tls = crate::http::fetch::FetchTls { insecure: args.insecure, extra_roots };
    let build = proxy_policy_with_pac(&args.proxy, &tls)?;
    for (user, pass) in &build.secrets {
        redactor.add_credentials(user, pass);
    }
    let request_proxies = match &args.source.collection {
        Some(path) => collection_proxies(path, args, redactor)?,
        None => Vec::new(),
    };
    let prober = if args.probe { Some(Prober::new(args)?) } else { None };
    let mut out = Vec::new();
    for case in cases {
        // Parsed when the file was read; a URL the url crate accepts always parses again.
        let Ok(url) = url::Url::parse(&case.url) else {
            out.push((Verdict::Error(format!("{} is not a valid URL", case.url)), None));
            continue;
        };
        let own = request_proxies.iter().find(|(u, _)| same_target(u, &url)).map(|(_, p)| p);
        let decision = build.policy.explain(&url, own);
        let verdict = routecheck::judge(case, &decision);
        let judged = match (&prober, verdict) {
            (Some(prober), Verdict::Pass(found)) => match prober.probe(&url, &decision.route) {
                Ok((status, took)) => (Verdict::Pass(format!("{found}; probe: HEAD answered {status}")), Some(took)),
                Err((message, took)) => {
                    (Verdict::Fail(format!("{found}, but the route does not work: {message}")), Some(took))
                }
            },
            (_, verdict) => (verdict, None),
        };
        out.push(judged);
    }
    Ok(out)
}

/// The requests of a collection that carry a `proxy` object, by resolved URL.
fn collection_proxies(
    path: &Path,
    args: &CheckArgs,
    redactor: &mut Redactor,
) -> Result<Vec<(url::Url, CollectionProxy)>, Failure> {
    let collection = load_collection(path, false)?;
    let scopes = load_scopes(&collection, args.source.environment.as_deref(), None, &args.source.env_var, &[])?;
    for (user, pass) in collection.proxy_credentials() {
        redactor.add_credentials(&user, pass.expose());
    }
    let plan = plan::build(&collection, &[]).map_err(Failure::input)?;
    Ok(plan
        .requests
        .iter()
        .filter_map(|req| Some((resolve_url(req, &scopes).ok()?, collection_proxy(&req.request)?)))
        .collect())
}

fn same_target(a: &url::Url, b: &url::Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
        && a.path() == b.path()
}

/// Sends a HEAD request over a route, as a run would send a request over it.
struct Prober {
    runtime: tokio::runtime::Runtime,
    pool: ClientPool,
    insecure: bool,
    timeout: Duration,
}

impl Prober {
    fn new(args: &CheckArgs) -> Result<Prober, Failure> {
        let mut roots = Vec::new();
        if let Some(path) = &args.ssl_extra_ca_certs {
            roots = load_ca_bundle(path, "--ssl-extra-ca-certs").map_err(Failure::input)?;
        }
        let timeout = args.timeout_request.filter(|&ms| ms > 0).map_or(DEFAULT_PROBE_TIMEOUT, Duration::from_millis);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Failure::aborted(format!("cannot start the probe runtime: {e}")))?;
        let options =
            PoolOptions { connect_timeout: Some(timeout), trust: TrustStore::new(roots), ..PoolOptions::default() };
        Ok(Prober { runtime, pool: ClientPool::new(options), insecure: args.insecure, timeout })
    }

    /// The status the route answered with, or why it did not, and how long it took.
    fn probe(&self, url: &url::Url, route: &Route) -> Result<(u16, Duration), (String, Duration)> {
        let key = ClientKey {
            route: route.clone(),
            insecure: self.insecure,
            max_redirects: None,
            identity: None,
            protocol: HttpProtocol::Http1,
        };
        let request = PreparedRequest {
            method: "HEAD".to_string(),
            url: url.clone(),
            headers: Vec::new(),
            body: Default::default(),
            digest: None,
            ntlm: None,
            secrets: Vec::new(),
            warnings: Vec::new(),
        };
        let started = Instant::now();
        let opts = SendOptions { timeout: Some(self.timeout), redirects: None, cookies: false };
        let result = self.runtime.block_on(crate::http::send(&self.pool, &key, &request, &opts));
        let took = started.elapsed();
        match result {
            Ok(response) => Ok((response.code, took)),
            Err(e) => Err((format!("{}: {}", e.kind.as_str(), e.message), took)),
        }
    }
}

/// Each execution's URL and route in a run's JSON report.
fn recorded_routes(path: &Path) -> Result<Vec<Recorded>, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::input(format!("cannot read the report {}: {e}", path.display())))?;
    let report: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        Failure::input(format!(
            "{}:{}:{}: not a JSON report ({e}); give the file a run wrote with -r json",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    let Some(executions) = report["run"]["executions"].as_array() else {
        return Err(Failure::input(format!(
            "{}: no run.executions; give the JSON report of a postie run (-r json)",
            path.display()
        )));
    };
    Ok(executions
        .iter()
        .filter_map(|e| {
            Some(Recorded { url: e["request"]["url"].as_str()?.to_string(), route: e["route"].as_str()?.to_string() })
        })
        .collect())
}

fn report(
    args: &CheckArgs,
    cases: &[Case],
    verdicts: &[Judged],
    redactor: Redactor,
    started: SystemTime,
) -> Result<Outcome, Failure> {
    let names: Vec<String> = args.output.reporters.iter().map(|r| r.trim().to_lowercase()).collect();
    let terminal = names.iter().any(|n| n == "cli") && !args.silent;
    let settings = ReporterSettings {
        names: names.iter().filter(|n| *n != "cli").cloned().collect(),
        silent: true,
        progress: false,
        cli: CliOptions::default(),
        junit_export: args.output.reporter_junit_export.clone(),
        json_export: args.output.reporter_json_export.clone(),
        json_body_limit: 0,
        started,
        shard: None,
        collection_name: SUITE.to_string(),
        html_export: args.output.reporter_html_export.clone(),
        html_body_limit: args.output.reporter_html_body_limit,
        suppress_exit_code: args.suppress_exit_code,
        github_step_summary: process_env("GITHUB_STEP_SUMMARY").filter(|v| !v.is_empty()).map(PathBuf::from),
    };
    let collection = crate::collection::RawDocument::from_value(
        &serde_json::json!({ "info": { "name": SUITE, "schema": "postie proxy check" }, "item": [] }),
    );
    let reporters = build_reporters(&settings, &collection, &redactor).map_err(|e| match e {
        ReporterSetupError::Unknown { .. } => Failure::input(e),
        _ => Failure::aborted(e),
    })?;
    let mut dispatcher = Dispatcher::new(reporters.list, redactor);
    dispatcher.handle(Event::Start(RunInfo {
        collection_name: SUITE.to_string(),
        collection_id: String::new(),
        started,
        iterations: 1,
        planned: 1,
    }));
    let execution = execution(cases, verdicts);
    let failed = execution.assertions.iter().filter(|a| a.status == AssertionStatus::Failed).count();
    dispatcher.handle(Event::Execution(Box::new(execution.clone())));
    let mut summary = dispatcher.summary().cloned().unwrap_or_else(|| Summary::new(started));
    summary.stats.iterations.total = 1;
    summary.completed = SystemTime::now();
    dispatcher.handle(Event::Done(Box::new(summary)));
    if terminal {
        print_terminal(args, cases, verdicts, dispatcher.redactor());
    }
    if let Some(e) = dispatcher.take_errors().first() {
        return Err(Failure::aborted(dispatcher.redactor().text(&e.to_string())));
    }
    if failed > 0 && !args.suppress_exit_code { Ok(Outcome::Failed) } else { Ok(Outcome::Passed) }
}

/// The whole check as one execution of a "proxy routes" item: a case is an assertion.
fn execution(cases: &[Case], verdicts: &[Judged]) -> Execution {
    let assertions = cases
        .iter()
        .zip(verdicts)
        .map(|(case, (verdict, _))| {
            let (status, error) = match verdict {
                Verdict::Pass(_) => (AssertionStatus::Passed, None),
                Verdict::Fail(m) => (AssertionStatus::Failed, Some(("AssertionError".to_string(), m.clone()))),
                Verdict::Error(m) => (AssertionStatus::Failed, Some(("RouteError".to_string(), m.clone()))),
            };
            AssertionRecord { name: case.label(), status, error }
        })
        .collect();
    let mut execution = Execution::new(Cursor { iteration: 0, position: 0 }, SUITE, SUITE, SUITE.to_string());
    execution.assertions = assertions;
    execution.ran_test = true;
    execution
}

fn print_terminal(args: &CheckArgs, cases: &[Case], verdicts: &[Judged], redactor: &Redactor) {
    let (pass, fail, error) = if args.disable_unicode { ("ok  ", "FAIL", "ERR ") } else { ("✓", "✗", "!") };
    let mut out = format!("{SUITE} ({}, {} cases)\n", args.expectations.display(), cases.len());
    let mut counts = [0usize; 3];
    for (case, (verdict, took)) in cases.iter().zip(verdicts) {
        let took = took.map(|t| format!(" [{} ms]", t.as_millis())).unwrap_or_default();
        let tags = if case.tags.is_empty() { String::new() } else { format!(" [{}]", case.tags.join(", ")) };
        let (mark, text, slot) = match verdict {
            Verdict::Pass(found) => (pass, found.clone(), 0),
            Verdict::Fail(m) => (fail, m.clone(), 1),
            Verdict::Error(m) => (error, format!("error: {m}"), 2),
        };
        counts[slot] += 1;
        out.push_str(&format!("  {mark}  {}{tags}\n       {text}{took}\n", case.label()));
    }
    out.push_str(&format!(
        "\n{} cases: {} passed, {} failed, {} errors\n",
        cases.len(),
        counts[0],
        counts[1],
        counts[2]
    ));
    let mut stdout = std::io::stdout();
    let _ = stdout.write_all(redactor.text(&out).as_bytes());
}
