//! OAuth 2.0 tokens fetched by the runner: one cache for the run (every lane, every
//! worker), keyed by token URL, client id, scope and grant; a token is fetched once however
//! many requests wait for it, refreshed when it expires (`expires_in`) or when the API
//! answers 401, through the same routes, TLS settings and client pool as the API.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::http::oauth2::{Block, Token, parse_token_response};
use crate::http::{ClientPool, PreparedBody, PreparedRequest, SendError, SendErrorKind, SendOptions};
use crate::proxy::Rule;

use super::context::{LaneContext, client_key, redirect_rules};
use super::network::send_cancellable;

type Slot = Arc<tokio::sync::Mutex<Held>>;

/// What a key holds: the last token, or the last failure and when it happened (a token
/// endpoint that is down is not asked again by every waiting lane in turn).
#[derive(Default)]
enum Held {
    #[default]
    Nothing,
    Token(Token),
    Failed(SendError, Instant),
}

/// How long a failed token request answers for its key before it is tried again.
const FAILURE_MEMORY: std::time::Duration = std::time::Duration::from_secs(10);

/// The run's tokens.
#[derive(Default)]
pub struct TokenCache {
    slots: Mutex<HashMap<String, Slot>>,
}

impl TokenCache {
    fn slot(&self, key: &str) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.entry(key.to_string()).or_default().clone()
    }
}

/// A usable token for `block`: the cached one unless it expired or is `rejected` (the API
/// answered 401 with it), else a refreshed one (with a refresh token), else a new one from
/// the block's grant. Concurrent callers for the same key wait for one fetch.
pub async fn token(
    ctx: &LaneContext,
    pool: &ClientPool,
    block: &Block,
    rejected: Option<&str>,
) -> Result<(Token, bool), SendError> {
    let slot = ctx.tokens.slot(&block.cache_key());
    let mut held = slot.lock().await;
    match &*held {
        Held::Token(token) if token.fresh(Instant::now()) && rejected != Some(token.access_token.as_str()) => {
            return Ok((token.clone(), false));
        }
        Held::Failed(e, at) if rejected.is_none() && at.elapsed() < FAILURE_MEMORY => return Err(e.clone()),
        _ => {}
    }
    let previous_refresh = match &*held {
        Held::Token(t) => t.refresh_token.clone(),
        _ => None,
    };
    let refresh =
        previous_refresh.clone().or_else(|| (!block.refresh_token.is_empty()).then(|| block.refresh_token.clone()));
    let fetched = match refresh {
        Some(refresh) => match request(ctx, pool, block, Some(&refresh)).await {
            Ok(token) => Ok(token),
            // A refresh token the server no longer takes: start over with the grant.
            Err(_) if block.grant.headless() => request(ctx, pool, block, None).await,
            Err(e) => Err(e),
        },
        None => request(ctx, pool, block, None).await,
    };
    let mut token = match fetched {
        Ok(token) => token,
        Err(e) => {
            *held = Held::Failed(e.clone(), Instant::now());
            return Err(e);
        }
    };
    // A refresh answer without a new refresh token keeps the old one (RFC 6749 §6).
    if token.refresh_token.is_none() {
        token.refresh_token = previous_refresh;
    }
    *held = Held::Token(token.clone());
    Ok((token, true))
}

fn failure(url: &str, why: &str) -> SendError {
    SendError::new(SendErrorKind::OAuth2TokenFailed, format!("OAuth 2.0 token request to {url} failed: {why}"))
}

async fn request(
    ctx: &LaneContext,
    pool: &ClientPool,
    block: &Block,
    refresh: Option<&str>,
) -> Result<Token, SendError> {
    let spec = block.token_request(refresh);
    let shown = spec.url.split('?').next().unwrap_or_default().to_string();
    let mut url =
        crate::http::parse_url(&spec.url).map_err(|e| failure(&shown, &format!("bad accessTokenUrl: {e}")))?;
    if !spec.url_params.is_empty() {
        url.query_pairs_mut().extend_pairs(spec.url_params.iter());
    }
    let (route, _, rule) = ctx.policy.routes_with_rule(&url, None);
    if let Rule::PacFailed(why) = rule {
        return Err(failure(&shown, &why));
    }
    let key = client_key(&ctx.options, None, &url, route, &mut Vec::new());
    let prepared = PreparedRequest {
        method: "POST".into(),
        url,
        headers: spec.headers,
        body: PreparedBody::Text(spec.body),
        digest: None,
        ntlm: None,
        secrets: Vec::new(),
        warnings: Vec::new(),
    };
    let opts = SendOptions {
        timeout: ctx.options.timeout_request,
        redirects: redirect_rules(None, &ctx.options),
        cookies: true,
    };
    let response = send_cancellable(pool, None, &key, &prepared, &opts, &ctx.cancel)
        .await
        .map_err(|e| failure(&shown, &e.message))?;
    parse_token_response(response.code, &response.body, Instant::now()).map_err(|why| failure(&shown, &why))
}
