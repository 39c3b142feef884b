//! One lane: its requests strictly in order, sharing variable scopes. Per request:
//! pre-request scripts → build → route → send → test scripts → one `Execution` event.
//! `setNextRequest` jumps within the lane. A worker thread runs several lanes at once,
//! interleaved where they wait on the network.

use std::cell::RefCell;
use std::sync::Arc;

use crate::collection::AuthKind;
use crate::http::oauth2::Block;
use crate::http::{
    BodyFiles, ClientKey, ClientPool, FetchedToken, MultipartValue, PreparedBody, SendError, SendErrorKind,
    SendOptions, collection_proxy, prepare,
};
use crate::plan::{Lane, LaneUnit, PlannedRequest};
use crate::proxy::Rule;
use crate::report::{Cursor, Event, Execution, ScriptErrorRecord, ScriptPhase};
use crate::script::{
    NextRequest, ScriptHost, ScriptInfo, ScriptInput, ScriptLimits, ScriptRequest, ScriptResponse, ScriptRoute,
};
use crate::vars::{Scopes, VariableScope};

use super::context::{LaneContext, client_key, redirect_rules};
use super::convert::{
    apply_request_changes, auth_json, challenge_response, describe_route, event_of, prepare_error, record_outcome,
    request_error, response_record, script_form, script_request, script_response, script_route, sent_request, sources,
    template_request,
};
use super::failover;
use super::limit::HostLimits;
use super::network::{SideNetwork, send_cancellable, with_retries};
use super::oauth2;
use super::options::RunOptions;
use super::scripting::{LaneServices, ScopeCache, apply_scope_maps};

/// Memory a lane's JavaScript engine may use; large JSON responses parsed by scripts need room.
const SCRIPT_MEMORY_LIMIT: usize = 256 * 1024 * 1024;

/// One worker thread's state, shared by the lanes it runs concurrently: its script engine
/// (QuickJS is not `Send`; scripts run to completion between awaits, so lanes take turns),
/// its client pool and the side network for `pm.sendRequest`.
pub struct Worker {
    ctx: Arc<LaneContext>,
    pool: Arc<ClientPool>,
    limits: Arc<HostLimits>,
    side: SideNetwork,
    host: RefCell<Option<Result<ScriptHost, String>>>,
    /// Scope caches of finished lanes, handed to the next ones: lanes mostly start from the
    /// same scopes, which then need no conversion for their first script.
    spare_caches: RefCell<Vec<ScopeCache>>,
}

/// One phase's script run: which phase, and the request (and response) its scripts see.
struct ScriptCall {
    phase: ScriptPhase,
    request: ScriptRequest,
    response: Option<ScriptResponse>,
    /// The route, once decided (test scripts).
    route: Option<ScriptRoute>,
}

/// What a request's scripts asked the lane to do next.
enum Flow {
    Next,
    Goto(String),
    Stop,
}

impl Worker {
    pub fn new(ctx: Arc<LaneContext>, pool: Arc<ClientPool>, limits: Arc<HostLimits>, side: SideNetwork) -> Self {
        Worker { ctx, pool, limits, side, host: RefCell::new(None), spare_caches: RefCell::default() }
    }

    /// Runs one lane from `scopes` and returns the scopes it leaves; `pace` is awaited after
    /// each execution (the reporter's back-pressure).
    pub async fn run_lane<P: Future<Output = ()>>(
        &self,
        lane: &Lane,
        mut scopes: Scopes,
        emit: &dyn Fn(Event),
        pace: &dyn Fn() -> P,
    ) -> Scopes {
        let ctx = self.ctx.clone();
        let opts = &ctx.options;
        let mut cache = self.spare_caches.borrow_mut().pop().unwrap_or_default();
        scopes.data = data_scope(opts, lane.iteration);
        let mut at = 0;
        let mut first = true;
        while let Some(&position) = lane.positions.get(at) {
            if ctx.cancel.stopping() {
                break;
            }
            if !first && let Some(delay) = opts.delay_request {
                tokio::time::sleep(delay).await;
            }
            first = false;
            let planned = &ctx.plan.requests[position];
            let (mut execution, flow) = self.execute(planned, lane.iteration, &mut scopes, &mut cache).await;
            at = match flow {
                Flow::Next => at + 1,
                Flow::Stop => lane.positions.len(),
                Flow::Goto(target) if opts.parallel == LaneUnit::Request => {
                    execution.warnings.push(format!(
                        "setNextRequest(\"{target}\") is ignored with --parallel request: every request is its own lane"
                    ));
                    at + 1
                }
                Flow::Goto(target) => {
                    let found = lane.positions.iter().position(|&p| {
                        let r = &ctx.plan.requests[p];
                        r.name == target || r.id == target
                    });
                    match found {
                        Some(i) => i,
                        None => {
                            execution.warnings.push(format!(
                                "setNextRequest(\"{target}\"): no request of that name or id in this run; the lane stops here"
                            ));
                            lane.positions.len()
                        }
                    }
                }
            };
            let failed = execution.failed();
            emit(Event::Execution(Box::new(execution)));
            if failed && opts.bail {
                ctx.cancel.stop(None);
                break;
            }
            pace().await;
        }
        self.spare_caches.borrow_mut().push(cache);
        scopes
    }

    /// Builds the script engine now when the plan has scripts, so that start-up work is
    /// not counted in the first request's time.
    pub fn warm_up(&self) {
        if self.ctx.plan.requests.iter().any(|r| !r.prerequest.is_empty() || !r.test.is_empty()) {
            self.with_host(|_| ()).ok();
        }
    }

    fn with_host<T>(&self, f: impl FnOnce(&mut ScriptHost) -> T) -> Result<T, String> {
        let mut slot = self.host.borrow_mut();
        let timeout = self.ctx.options.timeout_script;
        let host = slot.get_or_insert_with(|| {
            ScriptHost::new(ScriptLimits { timeout, memory_limit_bytes: SCRIPT_MEMORY_LIMIT })
                .map_err(|e| e.to_string())
        });
        match host {
            Ok(h) => Ok(f(h)),
            Err(e) => Err(e.clone()),
        }
    }

    /// Runs one phase's scripts; `None` when there are none.
    fn run_scripts(
        &self,
        call: ScriptCall,
        planned: &PlannedRequest,
        scopes: &mut Scopes,
        cache: &mut ScopeCache,
        execution: &mut Execution,
    ) -> Option<crate::script::ScriptOutcome> {
        let ScriptCall { phase, request, response, route } = call;
        let refs = match phase {
            ScriptPhase::PreRequest => &planned.prerequest,
            ScriptPhase::Test => &planned.test,
        };
        if refs.is_empty() {
            return None;
        }
        match phase {
            ScriptPhase::PreRequest => execution.ran_prerequest = true,
            ScriptPhase::Test => execution.ran_test = true,
        }
        let input = ScriptInput {
            event: event_of(phase),
            scripts: sources(refs),
            vars: cache.maps(scopes),
            request,
            response,
            info: ScriptInfo {
                iteration: execution.cursor.iteration,
                iteration_count: self.ctx.iterations,
                request_name: planned.name.clone(),
                request_id: planned.id.clone(),
                route,
            },
        };
        let services = LaneServices { ctx: self.ctx.clone(), side: &self.side, sent: Default::default(), phase };
        let ran = self.with_host(|host| host.run(input, &services));
        for side in services.sent.borrow().iter() {
            if let Ok(url) = url::Url::parse(&side.url) {
                execution.secrets.extend(url_password(&url));
            }
        }
        execution.side_requests.append(&mut services.sent.borrow_mut());
        let mut outcome = match ran {
            Ok(outcome) => outcome,
            Err(message) => {
                execution.script_errors.push(ScriptErrorRecord {
                    phase,
                    origin: "postie".into(),
                    name: "Error".into(),
                    message,
                    line: None,
                });
                return None;
            }
        };
        apply_scope_maps(scopes, &outcome.vars, outcome.changed_scopes);
        cache.keep(std::mem::take(&mut outcome.vars));
        record_outcome(execution, phase, &outcome);
        Some(outcome)
    }

    async fn execute(
        &self,
        planned: &PlannedRequest,
        iteration: usize,
        scopes: &mut Scopes,
        cache: &mut ScopeCache,
    ) -> (Execution, Flow) {
        // Test-only: a panic on demand, to check that a failing worker loses no lane.
        #[cfg(feature = "testkit")]
        if std::env::var("POSTIE_TEST_PANIC_AT").is_ok_and(|name| name == planned.name) {
            panic!("injected panic at {}", planned.name);
        }
        let cursor = Cursor { iteration, position: planned.position };
        let mut execution = Execution::new(cursor, &planned.id, &planned.name, planned.full_name());
        execution.route = "direct".into();
        let mut flow = Flow::Next;
        let note_flow = |next: &NextRequest, flow: &mut Flow| match next {
            NextRequest::Unchanged => {}
            NextRequest::Stop => *flow = Flow::Stop,
            NextRequest::Goto(t) => *flow = Flow::Goto(t.clone()),
        };

        let before = template_request(planned);
        let call = ScriptCall { phase: ScriptPhase::PreRequest, request: before.clone(), response: None, route: None };
        let pre = self.run_scripts(call, planned, scopes, cache, &mut execution);
        let changed;
        let planned_now = match &pre {
            Some(outcome) => {
                note_flow(&outcome.next_request, &mut flow);
                if outcome.skip_request {
                    execution.skipped = true;
                    execution.secrets = scopes.secret_values();
                    return (execution, flow);
                }
                changed = apply_request_changes(planned, &before, &outcome.request);
                &changed
            }
            None => planned,
        };

        execution.secrets = scopes.secret_values();
        let files = BodyFiles { dir: &self.ctx.options.working_dir, confined: self.ctx.options.confine_files };
        let (fetched, oauth2_block, token_error, token_was_new) =
            self.oauth2_token(planned_now, scopes, &mut execution).await;
        let mut prepared = match prepare(planned_now, scopes, files, &fetched) {
            Ok(p) => p,
            Err(e) => {
                execution.error = Some(prepare_error(&e));
                // Newman runs the test scripts of a request that could not be sent, with an
                // empty response; their verdicts are part of the run.
                let call = ScriptCall {
                    phase: ScriptPhase::Test,
                    request: template_request(planned_now),
                    response: None,
                    route: None,
                };
                if let Some(outcome) = self.run_scripts(call, planned, scopes, cache, &mut execution) {
                    note_flow(&outcome.next_request, &mut flow);
                }
                execution.secrets.extend(scopes.secret_values());
                return (execution, flow);
            }
        };
        let digest_owner = planned_now.shared_auth.as_deref();
        let digest_ahead = self.ctx.digests.sign_ahead(digest_owner, &mut prepared);
        execution.warnings.extend(prepared.warnings.iter().cloned());
        execution.secrets.extend(prepared.secrets.iter().cloned());
        execution.secrets.extend(url_password(&prepared.url));
        let request_proxy = collection_proxy(&planned.request);
        if let Some(pac) = self.ctx.policy.pac.clone() {
            // The PAC may resolve names (dnsResolve) and is bounded only by its own timeout:
            // ask it off the runtime; the answer is cached for the decision below.
            let url = prepared.url.clone();
            let _ = tokio::task::spawn_blocking(move || pac.find(&url)).await;
        }
        let (first, fallbacks, rule) = self.ctx.policy.routes_with_rule(&prepared.url, request_proxy.as_ref());
        let routes = self.ctx.dead_proxies.order(first, fallbacks);
        let pac_failed = match &rule {
            Rule::PacFailed(why) => Some(why.clone()),
            _ => None,
        };
        execution.request = Some(sent_request(&prepared));
        let opts = &self.ctx.options;
        let mut ignored = Vec::new();
        let keys: Vec<ClientKey> = routes
            .iter()
            .enumerate()
            .map(|(i, route)| {
                let warnings = if i == 0 { &mut execution.warnings } else { &mut ignored };
                client_key(opts, Some(planned), &prepared.url, route.clone(), warnings)
            })
            .collect();
        let send_opts = SendOptions {
            timeout: opts.timeout_request,
            redirects: redirect_rules(Some(planned), opts),
            cookies: planned.profile_bool("disableCookies") != Some(true),
        };
        let cancel = &self.ctx.cancel;
        let carried = std::sync::Mutex::new((0usize, Vec::<String>::new()));
        // A retry of a signed request is signed again: nonces, timestamps and token ids are
        // single-use for the servers that check them.
        let resign = planned_now.auth.as_ref().is_some_and(|a| {
            matches!(
                a.kind,
                AuthKind::AwsV4
                    | AuthKind::Hawk
                    | AuthKind::OAuth1
                    | AuthKind::EdgeGrid
                    | AuthKind::Asap
                    | AuthKind::Jwt
            )
        });
        let tries = std::sync::atomic::AtomicUsize::new(0);
        let frozen_scopes: &Scopes = scopes;
        let (mut result, attempts) = with_retries(&prepared.method, cancel, &opts.retry, || async {
            if let Some(why) = &pac_failed {
                return Err(SendError::new(SendErrorKind::ProxyPacFailed, why.clone()));
            }
            if let Some(e) = &token_error {
                return Err(e.clone());
            }
            let again = (tries.fetch_add(1, std::sync::atomic::Ordering::Relaxed) > 0 && resign)
                .then(|| {
                    let files = BodyFiles { dir: &opts.working_dir, confined: opts.confine_files };
                    prepare(planned_now, frozen_scopes, files, &fetched).ok()
                })
                .flatten();
            let this = again.as_ref().unwrap_or(&prepared);
            let mut index = 0;
            loop {
                let sent =
                    send_cancellable(&self.pool, Some(&self.limits), &keys[index], this, &send_opts, cancel).await;
                let mut note = carried.lock().unwrap_or_else(|p| p.into_inner());
                note.0 = index;
                match sent {
                    Err(e) if index + 1 < routes.len() && failover::unreachable(&e, &routes[index]) => {
                        self.ctx.dead_proxies.mark(&routes[index]);
                        note.1.push(format!("{}; trying the next PAC entry, {}", e.message, routes[index + 1]));
                        index += 1;
                    }
                    other => return other,
                }
            }
        })
        .await;
        let (index, notes) = carried.into_inner().unwrap_or_else(|p| p.into_inner());
        // A 401 with a cached token the runner fetched earlier: it may have been revoked, so
        // refresh it once and send again. A token issued for this very request is not
        // refreshed: the API rejects it (a negative test), and asking again would not help.
        if let (Ok(response), Some(block), FetchedToken::Token(old)) = (&result, &oauth2_block, &fetched)
            && response.code == 401
            && !token_was_new
        {
            match oauth2::token(&self.ctx, &self.pool, block, Some(old)).await {
                Ok((token, _)) if token.access_token != *old => {
                    execution.secrets.push(token.access_token.clone());
                    execution.secrets.extend(token.refresh_token.clone());
                    let files = BodyFiles { dir: &opts.working_dir, confined: opts.confine_files };
                    if let Ok(again) = prepare(planned_now, scopes, files, &FetchedToken::Token(token.access_token)) {
                        let key = &keys[index.min(keys.len() - 1)];
                        result =
                            send_cancellable(&self.pool, Some(&self.limits), key, &again, &send_opts, cancel).await;
                        execution.request = Some(sent_request(&again));
                        execution.warnings.push(
                            "the API answered 401; the OAuth 2.0 token was refreshed and the request sent again".into(),
                        );
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    execution.warnings.push(format!("the API answered 401 and a new token could not be had: {e}"))
                }
            }
        }
        execution.warnings.extend(notes);
        let route = &routes[index.min(routes.len() - 1)];
        execution.route = describe_route(route);
        execution.route_rule = match rule {
            Rule::Pac(_) => Rule::Pac(route.to_string()).to_string(),
            other => other.to_string(),
        };
        let script_route = script_route(route, &execution.route_rule);
        if attempts.len() > 1 {
            execution.attempts = attempts;
        }
        let mut jar_cookies = None;
        match result {
            Ok(mut response) => {
                self.ctx.digests.learn(digest_owner, digest_ahead, &response);
                execution.warnings.append(&mut response.warnings);
                execution.challenge = response.challenge.take().map(|c| challenge_response(*c));
                jar_cookies = Some(self.pool.jar().for_url(&response.url));
                execution.response = Some(response_record(response));
            }
            Err(e) => execution.error = Some(request_error(e)),
        }

        // Test scripts run after a response, and after a request error too (with an empty
        // `pm.response`), as in Newman.
        let mut after = script_request(&prepared);
        let token = match &fetched {
            FetchedToken::Token(t) => Some(t.as_str()),
            _ => None,
        };
        after.auth = planned_now.auth.as_ref().map(|a| auth_json(a, &|t| scopes.replace_in(t), token));
        after.form = script_form(planned_now.request.body.as_ref(), &|t| scopes.replace_in(t));
        if let (Some(form), PreparedBody::Multipart(parts)) = (&mut after.form, &prepared.body) {
            // A file part whose file was missing was not sent: the request Newman's test
            // scripts see lacks it.
            form.params.retain(|p| {
                p.src.is_empty()
                    || parts.iter().any(|part| part.name == p.key && matches!(part.value, MultipartValue::File { .. }))
            });
        }
        match &planned_now.request.body {
            // A form is read parameter by parameter, as in Newman, not as the encoded text.
            _ if after.form.is_some() => after.body = None,
            // An empty raw body is still a raw body (`pm.request.body.mode` is 'raw').
            Some(crate::collection::Body::Raw { .. }) if after.body.is_none() => after.body = Some(String::new()),
            _ => {}
        }
        after.description = planned_now.request.description.clone();
        let call = ScriptCall {
            phase: ScriptPhase::Test,
            request: after,
            response: execution
                .response
                .as_ref()
                .map(|r| ScriptResponse { cookies: jar_cookies, ..script_response(r) }),
            route: Some(script_route),
        };
        if let Some(outcome) = self.run_scripts(call, planned, scopes, cache, &mut execution) {
            note_flow(&outcome.next_request, &mut flow);
        }
        execution.secrets.extend(scopes.secret_values());
        (execution, flow)
    }
}

impl Worker {
    /// The OAuth 2.0 token for the request's auth block when the runner fetches one
    /// (`--oauth2-fetch auto`, no stored token, a headless grant or a refresh token): the
    /// token for `prepare`, the block (for a refresh on 401), and the error that stops the
    /// request when no token could be had.
    async fn oauth2_token(
        &self,
        planned: &PlannedRequest,
        scopes: &Scopes,
        execution: &mut Execution,
    ) -> (FetchedToken, Option<Block>, Option<SendError>, bool) {
        let none = (FetchedToken::None, None, None, false);
        let Some(auth) = planned.auth.as_ref().filter(|a| a.kind == AuthKind::OAuth2) else { return none };
        let opts = &self.ctx.options;
        let secret = opts.oauth2_client_secret.as_ref().map(|s| s.expose());
        let block = Block::from_auth(auth, &|text| scopes.replace_in(text), secret);
        let secrets = [&block.client_secret, &block.password, &block.refresh_token];
        execution.secrets.extend(secrets.into_iter().filter(|s| !s.is_empty()).cloned());
        if !opts.oauth2_fetch || !block.access_token.is_empty() {
            return none;
        }
        if !block.wants_fetch() {
            return match block.why_not() {
                Some(why) => {
                    execution.warnings.push(why);
                    (FetchedToken::Withheld, None, None, false)
                }
                None => none,
            };
        }
        // Values of extra token request parameters may be credentials (a client assertion).
        execution.secrets.extend(block.extra.iter().map(|(_, v, _)| v.clone()).filter(|v| v.len() > 3));
        match oauth2::token(&self.ctx, &self.pool, &block, None).await {
            Ok((token, new)) => {
                execution.secrets.push(token.access_token.clone());
                execution.secrets.extend(token.refresh_token.clone());
                (FetchedToken::Token(token.access_token), Some(block), None, new)
            }
            Err(e) => (FetchedToken::Withheld, Some(block), Some(e), false),
        }
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

/// A password written in a URL (`user:pw@host`) is a credential: reports mask it.
fn url_password(url: &url::Url) -> Option<String> {
    let password = url.password()?;
    let decoded = percent_encoding::percent_decode_str(password).decode_utf8_lossy().into_owned();
    (!decoded.is_empty()).then_some(decoded)
}
