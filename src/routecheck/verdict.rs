//! A case's verdict: the route decided now (`judge`) or the routes a run recorded
//! (`judge_recorded`) against what the case expects.

use crate::proxy::{Decision, ProxyEndpoint, Route};

use super::expectations::Case;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The route, as it was found.
    Pass(String),
    /// Expected X, got Y, and the rule that decided.
    Fail(String),
    /// The case could not be judged (an unusable URL, a report without that request).
    Error(String),
}

fn describe(route: &Route) -> String {
    match route {
        Route::Direct => "direct".to_string(),
        Route::Proxy(endpoint) => format!("proxy {}", endpoint.masked()),
    }
}

/// The decided route against the case.
pub fn judge(case: &Case, decision: &Decision) -> Verdict {
    if let crate::proxy::Rule::PacFailed(why) = &decision.rule {
        return Verdict::Error(why.clone());
    }
    let got = describe(&decision.route);
    if case.expect.matches(&decision.route) {
        Verdict::Pass(format!("{got} (rule: {})", decision.rule))
    } else {
        Verdict::Fail(format!(
            "expected {}, got {got} (rule: {}; source: {})",
            case.expect, decision.rule, decision.source
        ))
    }
}

/// One request of a run's JSON report: its URL and its `route` text.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub url: String,
    /// `direct` or `proxy http://***:***@host:port`.
    pub route: String,
}

/// The same request target: scheme, host, port and path (the query is ignored).
fn same_target(a: &url::Url, b: &url::Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
        && a.path() == b.path()
}

fn parse_route(text: &str) -> Option<Route> {
    if text == "direct" {
        return Some(Route::Direct);
    }
    let proxy = text.strip_prefix("proxy ")?;
    ProxyEndpoint::parse(proxy, "report").ok().map(|(endpoint, _)| Route::Proxy(endpoint))
}

/// The routes a run recorded for the case's URL against the case.
pub fn judge_recorded(case: &Case, recorded: &[Recorded]) -> Verdict {
    let Ok(want) = url::Url::parse(&case.url) else {
        return Verdict::Error(format!("{} is not a valid URL", case.url));
    };
    let matching: Vec<&Recorded> =
        recorded.iter().filter(|r| url::Url::parse(&r.url).is_ok_and(|u| same_target(&u, &want))).collect();
    if matching.is_empty() {
        return Verdict::Error(format!("the report has no request to {}", case.url));
    }
    let mut wrong: Vec<&str> = Vec::new();
    for r in &matching {
        match parse_route(&r.route) {
            Some(route) if case.expect.matches(&route) => {}
            Some(_) => wrong.push(&r.route),
            None => return Verdict::Error(format!("the report's route {:?} cannot be read", r.route)),
        }
    }
    let n = matching.len();
    match wrong.first() {
        None => Verdict::Pass(format!("{n} request(s), all {}", matching[0].route)),
        Some(first) => Verdict::Fail(format!(
            "expected {}, got {first} for {} of {n} request(s) in the report",
            case.expect,
            wrong.len()
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::routecheck::parse_str;

    fn case(expect: &str) -> Case {
        let text = format!("[[case]]\nurl = \"https://api.corp.example/v1/orders?x=1\"\nexpect = \"{expect}\"\n");
        parse_str(&text, Path::new("t.toml")).unwrap().remove(0)
    }

    #[test]
    fn recorded_routes_are_judged_per_request() {
        let rec = |url: &str, route: &str| Recorded { url: url.into(), route: route.into() };
        let report = [
            rec("https://api.corp.example/v1/orders?x=2", "direct"),
            rec("https://api.corp.example/v1/orders", "proxy http://***:***@127.0.0.1:3128"),
            rec("https://other.example/v1/orders", "proxy http://127.0.0.1:3128"),
        ];
        assert_eq!(
            judge_recorded(&case("direct"), &report),
            Verdict::Fail(
                "expected direct, got proxy http://***:***@127.0.0.1:3128 for 1 of 2 request(s) in the report".into()
            )
        );
        assert!(matches!(judge_recorded(&case("proxy:*:*"), &report[1..2]), Verdict::Pass(_)));
        assert!(matches!(judge_recorded(&case("direct"), &report[2..]), Verdict::Error(_)));
        assert!(matches!(
            judge_recorded(&case("direct"), &[rec("https://api.corp.example/v1/orders", "sideways")]),
            Verdict::Error(_)
        ));
    }

    #[test]
    fn decided_routes_name_the_rule_when_they_fail() {
        let mut policy = crate::proxy::ProxyPolicy::default();
        let decision = policy.explain(&url::Url::parse("https://api.corp.example/").unwrap(), None);
        assert_eq!(judge(&case("direct"), &decision), Verdict::Pass("direct (rule: no proxy configured)".into()));
        policy.force_direct = true;
        let decision = policy.explain(&url::Url::parse("https://api.corp.example/").unwrap(), None);
        assert_eq!(
            judge(&case("proxy"), &decision),
            Verdict::Fail("expected a proxy, got direct (rule: --no-proxy; source: --no-proxy)".into())
        );
    }
}
