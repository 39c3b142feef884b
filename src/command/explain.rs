//! `postie proxy explain`: the route each URL (or each request of a collection) takes and
//! why, so bypass rules and PAC files can be checked before a run; `--json` for machines.
//! Credentials print as `***`.

use std::io::Write;

use super::failure::{Failure, Outcome};
use super::inputs::{load_collection, load_scopes, proxy_policy_with_pac};
use crate::cli::ExplainArgs;
use crate::http::{collection_proxy, parse_url, resolve_url};
use crate::plan;
use crate::proxy::{CollectionProxy, Decision, ProxyPolicy, Route};
use crate::report::Redactor;

/// One explained URL: a heading (the URL, or the request and its URL) and its decision.
struct Explained {
    request: Option<String>,
    url: String,
    outcome: Result<Decision, String>,
}

pub fn explain(args: ExplainArgs) -> Result<Outcome, Failure> {
    if args.urls.is_empty() && args.source.collection.is_none() {
        return Err(Failure::input("give one or more URLs, or -c COLLECTION to explain every request of a collection"));
    }
    let build = proxy_policy_with_pac(&args.proxy, &crate::http::fetch::FetchTls::default())?;
    let mut redactor = Redactor::new(true);
    for (user, pass) in &build.secrets {
        redactor.add_credentials(user, pass);
    }
    let mut explained = Vec::new();
    for text in &args.urls {
        let url = parse_url(text).map_err(Failure::input)?;
        explained.push(Explained {
            request: None,
            url: url.to_string(),
            outcome: Ok(build.policy.explain(&url, None)),
        });
    }
    if let Some(path) = &args.source.collection {
        let collection = load_collection(path, false)?;
        let scopes = load_scopes(&collection, args.source.environment.as_deref(), None, &args.source.env_var, &[])?;
        for secret in scopes.secret_values() {
            redactor.add(&secret);
        }
        for (user, pass) in collection.proxy_credentials() {
            redactor.add_credentials(&user, pass.expose());
        }
        let plan = plan::build(&collection, &[]).map_err(Failure::input)?;
        for req in &plan.requests {
            let proxy = collection_proxy(&req.request);
            let heading = format!("{} — {}", req.full_name(), req.request.method);
            explained.push(match resolve_url(req, &scopes) {
                Ok(url) => Explained {
                    request: Some(heading),
                    url: url.to_string(),
                    outcome: Ok(decide(&build.policy, &url, proxy.as_ref())),
                },
                Err(e) => Explained {
                    request: Some(heading),
                    url: String::new(),
                    outcome: Err(format!("cannot resolve the URL: {e}")),
                },
            });
        }
    }
    let out = if args.json { json(&explained) } else { text(&explained) };
    let mut stdout = std::io::stdout();
    let _ = stdout.write_all(redactor.text(out.trim_end()).as_bytes());
    let _ = stdout.write_all(b"\n");
    Ok(Outcome::Passed)
}

fn decide(policy: &ProxyPolicy, url: &url::Url, proxy: Option<&CollectionProxy>) -> Decision {
    policy.explain(url, proxy)
}

fn text(explained: &[Explained]) -> String {
    let mut out = String::new();
    for e in explained {
        let heading = match &e.request {
            Some(request) if e.url.is_empty() => request.clone(),
            Some(request) => format!("{request} {}", e.url),
            None => e.url.clone(),
        };
        match &e.outcome {
            Ok(decision) => out.push_str(&format!("{heading}\n{}\n\n", indent(&decision.to_string()))),
            Err(why) => out.push_str(&format!("{heading} — {why}\n\n")),
        }
    }
    out
}

fn route_json(route: &Route) -> serde_json::Value {
    match route {
        Route::Direct => serde_json::json!({ "kind": "direct" }),
        Route::Proxy(endpoint) => serde_json::json!({ "kind": "proxy", "proxy": endpoint.masked() }),
    }
}

fn json(explained: &[Explained]) -> String {
    let list: Vec<serde_json::Value> = explained
        .iter()
        .map(|e| {
            let mut object = serde_json::json!({ "url": e.url });
            if let Some(request) = &e.request {
                object["request"] = request.clone().into();
            }
            match &e.outcome {
                Ok(d) => {
                    object["route"] = route_json(&d.route);
                    object["source"] = d.source.to_string().into();
                    object["rule"] = d.rule.to_string().into();
                    object["fallbacks"] = d.fallbacks.iter().map(route_json).collect();
                    object["pac"] = match &d.pac {
                        Some(answer) => serde_json::json!({
                            "returned": answer.returned,
                            "entries": answer.routes.iter().map(route_json).collect::<Vec<_>>(),
                        }),
                        None => serde_json::Value::Null,
                    };
                    if let crate::proxy::Rule::PacFailed(why) = &d.rule {
                        object["error"] = why.clone().into();
                    }
                    object["reasons"] = d.reasons.clone().into();
                    object["warnings"] = d.warnings.clone().into();
                }
                Err(why) => object["error"] = why.clone().into(),
            }
            object
        })
        .collect();
    serde_json::to_string_pretty(&list).unwrap_or_default()
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}
