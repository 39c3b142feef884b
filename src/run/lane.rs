//! One lane: its requests strictly in order, sharing variable scopes. Per request:
//! pre-request scripts → build → route → send → test scripts → one `Execution` event.

use std::sync::Arc;

use crate::http::{ClientKey, ClientPool, PreparedRequest, SendOptions, prepare, send};
use crate::plan::{Lane, Plan, PlannedRequest};
use crate::proxy::{CollectionProxy, ProxyPolicy, Route};
use crate::report::{Cursor, Event, Execution, RequestError, SentRequest};
use crate::vars::{Scopes, VariableScope};

use super::{Cancel, RunOptions};

/// Redirects followed when `maxRedirects` is not set (Postman's default).
const DEFAULT_MAX_REDIRECTS: usize = 10;

/// What every lane shares.
pub struct LaneContext {
    pub plan: Arc<Plan>,
    pub policy: Arc<ProxyPolicy>,
    pub pool: Arc<ClientPool>,
    pub options: RunOptions,
    pub handle: tokio::runtime::Handle,
    pub cancel: Cancel,
}

/// Runs lanes one after another on its thread.
pub struct LaneRunner {
    ctx: Arc<LaneContext>,
}

impl LaneRunner {
    pub fn new(ctx: Arc<LaneContext>) -> Self {
        LaneRunner { ctx }
    }

    /// Runs one lane from `scopes` and returns the scopes it leaves.
    pub fn run_lane(&mut self, _index: usize, lane: &Lane, mut scopes: Scopes, emit: &dyn Fn(Event)) -> Scopes {
        let ctx = self.ctx.clone();
        let opts = &ctx.options;
        scopes.data = data_scope(opts, lane.iteration);
        let mut first = true;
        for &position in &lane.positions {
            if ctx.cancel.stopping() {
                break;
            }
            if !first && let Some(delay) = opts.delay_request {
                std::thread::sleep(delay);
            }
            first = false;
            let planned = &ctx.plan.requests[position];
            let execution = self.execute(planned, lane.iteration, &mut scopes);
            let failed = execution.failed();
            emit(Event::Execution(Box::new(execution)));
            if failed && opts.bail {
                ctx.cancel.stop(None);
                break;
            }
        }
        scopes
    }

    fn execute(&mut self, planned: &PlannedRequest, iteration: usize, scopes: &mut Scopes) -> Execution {
        let ctx = &self.ctx;
        let mut execution = Execution {
            cursor: Cursor { iteration, position: planned.position },
            item_id: planned.id.clone(),
            item_name: planned.name.clone(),
            full_name: planned.full_name(),
            request: None,
            response: None,
            error: None,
            route: "direct".into(),
            assertions: Vec::new(),
            script_errors: Vec::new(),
            console: Vec::new(),
            ran_prerequest: false,
            ran_test: false,
            skipped: false,
            warnings: Vec::new(),
            secrets: scopes.secret_values(),
        };
        let prepared = match prepare(planned, scopes, &ctx.options.working_dir) {
            Ok(p) => p,
            Err(e) => {
                execution.error = Some(RequestError {
                    kind: match e {
                        crate::http::PrepareError::InvalidUrl { .. } => "InvalidUrl".into(),
                        crate::http::PrepareError::File { .. } => "FileError".into(),
                    },
                    message: e.to_string(),
                });
                return execution;
            }
        };
        execution.warnings.extend(prepared.warnings.iter().cloned());
        execution.secrets.extend(prepared.secrets.iter().cloned());
        let route = ctx.policy.route(&prepared.url, collection_proxy(planned).as_ref());
        execution.route = describe_route(&route);
        execution.request = Some(sent_request(&prepared));
        let key = ClientKey {
            route,
            insecure: ctx.options.insecure || planned.profile_bool("strictSSL") == Some(false),
            max_redirects: follow_redirects(planned, &ctx.options),
        };
        let send_opts = SendOptions { timeout: ctx.options.timeout_request };
        let cancel = ctx.cancel.clone();
        let result = ctx.handle.block_on(async {
            tokio::select! {
                r = send(&ctx.pool, &key, &prepared, &send_opts) => r,
                _ = cancel.aborted() => Err(RequestError {
                    kind: "Cancelled".into(),
                    message: cancel.reason().unwrap_or_else(|| "the run was stopped".into()),
                }),
            }
        });
        match result {
            Ok(response) => execution.response = Some(response),
            Err(e) => execution.error = Some(e),
        }
        execution
    }
}

fn data_scope(opts: &RunOptions, iteration: usize) -> VariableScope {
    let mut scope = VariableScope::new();
    // More iterations than rows: the last row is reused, as Newman does.
    if let Some(row) = opts.data.get(iteration).or(opts.data.last()) {
        for (k, v) in row {
            scope.set(k, v.clone());
        }
    }
    scope
}

fn follow_redirects(planned: &PlannedRequest, opts: &RunOptions) -> Option<usize> {
    let follow = planned.profile_bool("followRedirects").unwrap_or(opts.follow_redirects) && opts.follow_redirects;
    follow.then(|| {
        planned
            .profile
            .get("maxRedirects")
            .and_then(serde_json::Value::as_u64)
            .map(|n| n as usize)
            .unwrap_or(DEFAULT_MAX_REDIRECTS)
    })
}

fn collection_proxy(planned: &PlannedRequest) -> Option<CollectionProxy> {
    planned.request.proxy.as_ref().map(|p| CollectionProxy {
        match_pattern: p.match_pattern.clone(),
        host: p.host.clone(),
        port: p.port,
        tunnel: p.tunnel,
        disabled: p.disabled,
    })
}

pub fn describe_route(route: &Route) -> String {
    match route {
        Route::Direct => "direct".to_string(),
        Route::Proxy(endpoint) => format!("proxy {}", endpoint.masked()),
    }
}

fn sent_request(p: &PreparedRequest) -> SentRequest {
    SentRequest {
        method: p.method.clone(),
        url: p.url.to_string(),
        headers: p.headers.clone(),
        body: p.body.describe(),
    }
}
