//! `postie proxy explain`: the route each URL (or each request of a collection) takes and
//! why, so bypass rules can be checked before a run. Credentials print as `***`.

use std::io::Write;

use super::failure::{Failure, Outcome};
use super::inputs::{load_collection, load_scopes, proxy_policy};
use crate::cli::ExplainArgs;
use crate::http::{collection_proxy, parse_url, resolve_url};
use crate::plan;
use crate::report::Redactor;

pub fn explain(args: ExplainArgs) -> Result<Outcome, Failure> {
    if args.urls.is_empty() && args.source.collection.is_none() {
        return Err(Failure::input("give one or more URLs, or -c COLLECTION to explain every request of a collection"));
    }
    let build = proxy_policy(&args.proxy)?;
    let mut redactor = Redactor::new(true);
    for (user, pass) in &build.secrets {
        redactor.add_credentials(user, pass);
    }
    let mut out = String::new();
    for w in &build.warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    for text in &args.urls {
        let url = parse_url(text).map_err(Failure::input)?;
        let decision = build.policy.explain(&url, None);
        out.push_str(&format!("{url}\n{}\n\n", indent(&decision.to_string())));
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
            match resolve_url(req, &scopes) {
                Ok(url) => {
                    let decision = build.policy.explain(&url, proxy.as_ref());
                    out.push_str(&format!(
                        "{} — {} {url}\n{}\n\n",
                        req.full_name(),
                        req.request.method,
                        indent(&decision.to_string())
                    ));
                }
                Err(e) => out.push_str(&format!("{} — cannot resolve the URL: {e}\n\n", req.full_name())),
            }
        }
    }
    let mut stdout = std::io::stdout();
    let _ = stdout.write_all(redactor.text(out.trim_end()).as_bytes());
    let _ = stdout.write_all(b"\n");
    Ok(Outcome::Passed)
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}
