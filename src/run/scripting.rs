//! Glue between a lane and its script host: scopes in and out of scripts (cached between
//! runs), and `pm.sendRequest` through the same routes and client settings as the lane.

use std::sync::Arc;

use serde_json::Value;

use crate::http::{PreparedBody, PreparedRequest, SendOptions, parse_url};
use crate::script::{Map, ScopeMaps, ScriptRequest, ScriptResponse, ScriptServices, SendRequestError};
use crate::vars::{Scopes, VariableScope, dynamic};

use super::context::{LaneContext, client_key, redirect_rules};
use super::convert::{response_record, script_response};
use super::network::SideNetwork;

/// The scope maps of a lane's last script run, reused for the next one: a scope that still
/// mirrors its map is not converted again (most requests change no variable).
#[derive(Default)]
pub struct ScopeCache {
    maps: Option<ScopeMaps>,
}

impl ScopeCache {
    /// The scopes as scripts see them, as `VariableScope::to_object` would build them.
    pub fn maps(&mut self, scopes: &Scopes) -> ScopeMaps {
        let mut maps = self.maps.take().unwrap_or_default();
        refresh(&mut maps.local, &scopes.local);
        refresh(&mut maps.data, &scopes.data);
        refresh(&mut maps.environment, &scopes.environment);
        refresh(&mut maps.collection, &scopes.collection);
        refresh(&mut maps.globals, &scopes.globals);
        maps.environment_name.clone_from(&scopes.environment.name);
        for (types, scope) in maps.types.iter_mut().zip(scopes.layers_in_script_order()) {
            *types = declared_types(scope);
        }
        maps
    }

    /// Keeps what a run handed back (after `apply_scope_maps`) for the next run.
    pub fn keep(&mut self, maps: ScopeMaps) {
        self.maps = Some(maps);
    }
}

/// The types scripts cast values to (postman-collection's `string`, `number`, `boolean`);
/// others (`any`, `default`, `secret`, ...) leave values as they are.
fn declared_types(scope: &VariableScope) -> std::collections::BTreeMap<String, String> {
    scope
        .variables()
        .iter()
        .filter(|v| v.enabled)
        .filter_map(|v| {
            v.var_type
                .as_deref()
                .filter(|t| matches!(*t, "string" | "number" | "boolean"))
                .map(|t| (v.key.clone(), t.to_string()))
        })
        .collect()
}

fn refresh(map: &mut Map, scope: &VariableScope) {
    if !mirrors(map, scope) {
        *map = scope.to_object();
    }
}

/// Whether `map` is exactly what `scope.to_object()` gives: the enabled entries in order,
/// with identical values. A scope with enabled duplicates never mirrors a map.
fn mirrors(map: &Map, scope: &VariableScope) -> bool {
    let mut entries = map.iter();
    for v in scope.variables().iter().filter(|v| v.enabled) {
        match entries.next() {
            Some((key, value)) if *key == v.key && identical(value, &v.value) => {}
            _ => return false,
        }
    }
    entries.next().is_none()
}

/// `==`, except that floats must match bit for bit (`0.0 == -0.0`, yet they print apart).
fn identical(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y && x.as_f64().map(f64::to_bits) == y.as_f64().map(f64::to_bits),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| identical(a, b)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((ka, a), (kb, b))| ka == kb && identical(a, b))
        }
        _ => a == b,
    }
}

/// Writes back the scopes the scripts changed; an unchanged map equals its scope's
/// `to_object()`, for which `replace_all_from_object` is a no-op.
pub fn apply_scope_maps(scopes: &mut Scopes, maps: &ScopeMaps, changed: [bool; 5]) {
    let targets = [
        (&mut scopes.local, &maps.local),
        (&mut scopes.data, &maps.data),
        (&mut scopes.environment, &maps.environment),
        (&mut scopes.collection, &maps.collection),
        (&mut scopes.globals, &maps.globals),
    ];
    for ((scope, map), changed) in targets.into_iter().zip(changed) {
        if changed {
            scope.replace_all_from_object(map);
        }
    }
}

/// What scripts may ask of the runner: `pm.sendRequest` goes through the same proxy policy,
/// cookie jar and host limits as ordinary requests.
pub struct LaneServices<'a> {
    pub ctx: Arc<LaneContext>,
    pub side: &'a SideNetwork,
    /// What the scripts sent, for the execution's record (`Execution::side_requests`).
    pub sent: std::cell::RefCell<Vec<crate::report::SideRequest>>,
    pub phase: crate::report::ScriptPhase,
}

impl ScriptServices for LaneServices<'_> {
    fn send_request(&self, request: ScriptRequest) -> Result<ScriptResponse, SendRequestError> {
        // A request that cannot even be sent still counts, and fails the run, as in Newman.
        let unsent = |url: &str, kind: &str, message: &str| {
            self.sent.borrow_mut().push(crate::report::SideRequest {
                phase: self.phase,
                method: request.method.to_uppercase(),
                url: url.to_string(),
                route: String::new(),
                route_rule: String::new(),
                outcome: Err(crate::report::RequestError {
                    kind: kind.to_string(),
                    message: message.to_string(),
                    reconnected: false,
                }),
            });
        };
        let url = match parse_url(&request.url) {
            Ok(url) => url,
            Err(e) => {
                unsent(&request.url, "InvalidUrl", &e.to_string());
                return Err(SendRequestError::InvalidUrl(e.to_string()));
            }
        };
        let method = request.method.to_uppercase();
        let mut headers = request.headers.clone();
        crate::http::add_system_headers(&mut headers);
        let prepared = PreparedRequest {
            method,
            url: url.clone(),
            headers,
            body: request.body.map(PreparedBody::Text).unwrap_or_default(),
            digest: None,
            ntlm: None,
            secrets: Vec::new(),
            warnings: Vec::new(),
        };
        let (route, _, rule) = self.ctx.policy.routes_with_rule(&url, None);
        if let crate::proxy::Rule::PacFailed(why) = rule {
            unsent(url.as_str(), "ProxyPacFailed", &why);
            return Err(SendRequestError::Failed { kind: "ProxyPacFailed".to_string(), message: why });
        }
        let (shown_route, shown_rule) = (super::convert::describe_route(&route), rule.to_string());
        let key = client_key(&self.ctx.options, None, &url, route, &mut Vec::new());
        let opts = SendOptions {
            timeout: self.ctx.options.timeout_request,
            redirects: redirect_rules(None, &self.ctx.options),
            cookies: true,
        };
        let result = self.side.send_blocking(&key, &prepared, &opts, &self.ctx.cancel).map(response_record);
        let outcome = match &result {
            Ok(r) => Ok(super::convert::side_response(r)),
            Err(e) => Err(crate::report::RequestError {
                kind: e.kind.as_str().to_string(),
                message: e.message.clone(),
                reconnected: e.reconnected,
            }),
        };
        self.sent.borrow_mut().push(crate::report::SideRequest {
            phase: self.phase,
            method: prepared.method.clone(),
            url: url.to_string(),
            route: shown_route,
            route_rule: shown_rule,
            outcome,
        });
        result
            .map(|r| script_response(&r))
            .map_err(|e| SendRequestError::Failed { kind: e.kind.as_str().to_string(), message: e.message })
    }

    fn dynamic_variable(&self, name: &str) -> Option<String> {
        dynamic::generate(name)
    }

    fn cookie_jar(&self) -> Option<Arc<crate::cookies::CookieJar>> {
        Some(self.ctx.options.cookies.clone())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::vars::Variable;

    fn scope(entries: &[(&str, Value, bool)]) -> VariableScope {
        VariableScope::from_variables(
            entries
                .iter()
                .map(|(k, v, enabled)| Variable { enabled: *enabled, ..Variable::new(*k, v.clone()) })
                .collect(),
        )
    }

    #[test]
    fn cached_maps_always_equal_a_fresh_conversion() {
        // (what the cache holds for `local`, the scope now)
        let cases = [
            (json!({"a": 1}), scope(&[("a", json!(1), true)])),
            (json!({"a": 1}), scope(&[("a", json!(2), true)])),
            (json!({"a": 1, "b": 2}), scope(&[("b", json!(2), true), ("a", json!(1), true)])),
            (json!({"a": 2}), scope(&[("a", json!(1), true), ("a", json!(2), true)])),
            (json!({"a": 1}), scope(&[("a", json!(1), true), ("x", json!(0), false)])),
            (json!({"a": 1}), scope(&[("a", json!(1), false)])),
            (json!({"z": 0.0}), scope(&[("z", json!(-0.0), true)])),
            (json!({"z": {"n": [0.0]}}), scope(&[("z", json!({"n": [-0.0]}), true)])),
        ];
        for (held, local) in cases {
            let mut cache = ScopeCache::default();
            let held = held.as_object().cloned().unwrap_or_default();
            cache.keep(ScopeMaps { local: held.clone(), ..ScopeMaps::default() });
            let scopes = Scopes { local: local.clone(), ..Scopes::default() };
            let maps = cache.maps(&scopes);
            let fresh = local.to_object();
            assert_eq!(serde_json::to_string(&maps.local).ok(), serde_json::to_string(&fresh).ok(), "held {held:?}");
        }
    }
}
