//! Per-run cost of the script engine: `ScriptHost::run` with a realistic input (5 scopes of
//! 10 variables, a ~300-byte JSON response, headers), plus the scope conversions the lane
//! does around it, and the start-up and teardown of one engine (`ScriptHost::new`, drop).
//! `cargo run --release --example script_bench [-- N]`

use std::time::{Duration, Instant};

use postie::script::*;
use postie::vars::{Scopes, VariableScope};
use serde_json::Value;

struct NoServices;
impl ScriptServices for NoServices {
    fn send_request(&self, _: ScriptRequest) -> Result<ScriptResponse, SendRequestError> {
        Err(SendRequestError::InvalidUrl("no".into()))
    }
    fn dynamic_variable(&self, _: &str) -> Option<String> {
        None
    }
}

const SCRIPT: &str = "pm.test('status 200', () => pm.response.to.have.status(200));\npm.test('echoes n', () => pm.expect(pm.response.json().args.n).to.eql(pm.info.requestName.slice(2)));";

fn scope(prefix: &str) -> VariableScope {
    let mut s = VariableScope::new();
    for i in 0..10 {
        s.set(&format!("{prefix}_var_{i}"), Value::String(format!("value number {i} of {prefix}")));
    }
    s
}

fn maps(scopes: &Scopes) -> ScopeMaps {
    ScopeMaps {
        local: scopes.local.to_object(),
        data: scopes.data.to_object(),
        environment: scopes.environment.to_object(),
        collection: scopes.collection.to_object(),
        globals: scopes.globals.to_object(),
        environment_name: Some("env".into()),
        types: Default::default(),
    }
}

/// One engine per lane: what creating one and dropping it costs. Medians, so that other
/// work on the machine does not skew the figure.
fn engine_lifecycle(limits: ScriptLimits) {
    // ENGINES=n to profile the lifecycle on its own.
    let engines: usize = std::env::var("ENGINES").ok().and_then(|n| n.parse().ok()).unwrap_or(200);
    let mut created = Vec::with_capacity(engines);
    let mut dropped = Vec::with_capacity(engines);
    for i in 0..engines + 10 {
        let t = Instant::now();
        let host = ScriptHost::new(limits).expect("host");
        let c = t.elapsed();
        let t = Instant::now();
        drop(host);
        let d = t.elapsed();
        if i >= 10 {
            created.push(c);
            dropped.push(d);
        }
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1e6
    };
    let (c, d) = (median(&mut created), median(&mut dropped));
    println!("engine (median of {engines}): {c:.0} us new + {d:.0} us drop = {:.0} us", c + d);
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(2000);
    let code = std::env::var("SCRIPT").unwrap_or_else(|_| SCRIPT.to_string());
    let mut scopes = Scopes {
        local: scope("local"),
        data: scope("data"),
        environment: scope("env"),
        collection: scope("coll"),
        globals: scope("glob"),
        ..Scopes::default()
    };
    let limits = ScriptLimits { timeout: None, memory_limit_bytes: 256 << 20 };
    engine_lifecycle(limits);
    let mut host = ScriptHost::new(limits).expect("host");
    let headers: Vec<(String, String)> = [
        ("Content-Type", "application/json"),
        ("Content-Length", "312"),
        ("Date", "Sat, 28 Nov 2026 18:00:00 GMT"),
        ("Connection", "keep-alive"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let mut total = Duration::ZERO;
    let mut host_only = Duration::ZERO;
    let mut failures = 0;
    for i in 0..n + 200 {
        let body = format!(
            r#"{{"args":{{"n":"{i}"}},"headers":{{"host":"127.0.0.1:40000","user-agent":"postie/0.1","accept":"*/*","accept-encoding":"gzip, br, deflate","x-request-id":"0c1f7d2e-8a51-4a7b-9d3e-5b2f9c1a6e4d"}},"url":"http://127.0.0.1:40000/get?n={i}","method":"GET","origin":"127.0.0.1"}}"#
        );
        let started = Instant::now();
        let input = ScriptInput {
            event: ScriptEvent::Test,
            scripts: vec![ScriptSource { origin: "request r".into(), code: code.clone() }],
            vars: maps(&scopes),
            request: ScriptRequest {
                method: "GET".into(),
                url: format!("http://127.0.0.1:40000/get?n={i}"),
                headers: vec![("User-Agent".into(), "postie/0.1".into()), ("Accept".into(), "*/*".into())],
                ..ScriptRequest::default()
            },
            response: Some(ScriptResponse {
                code: 200,
                status: "OK".into(),
                headers: headers.clone(),
                body: body.into_bytes(),
                response_time_ms: 1,
                response_size: 400,
                cookies: None,
            }),
            info: ScriptInfo {
                iteration: 0,
                iteration_count: 1,
                request_name: format!("r {i}"),
                request_id: format!("id-{i}"),
                route: None,
            },
        };
        let t = Instant::now();
        let outcome = host.run(input, &NoServices);
        let h = t.elapsed();
        let c = outcome.changed_scopes;
        let v = &outcome.vars;
        for (i, (scope, map)) in [
            (&mut scopes.local, &v.local),
            (&mut scopes.data, &v.data),
            (&mut scopes.environment, &v.environment),
            (&mut scopes.collection, &v.collection),
            (&mut scopes.globals, &v.globals),
        ]
        .into_iter()
        .enumerate()
        {
            if c[i] {
                scope.replace_all_from_object(map);
            }
        }
        let e = started.elapsed();
        failures +=
            outcome.assertions.iter().filter(|a| a.status != AssertionStatus::Passed).count() + outcome.errors.len();
        if i >= 200 {
            total += e;
            host_only += h;
        }
    }
    println!(
        "{n} runs: {:.1} us per run incl. conversions, {:.1} us in host.run; failures: {failures}",
        total.as_secs_f64() * 1e6 / n as f64,
        host_only.as_secs_f64() * 1e6 / n as f64
    );
}
