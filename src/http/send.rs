//! Sending a prepared request through the pooled client for its route, answering digest
//! challenges, and capturing the response (or classifying the failure).

use std::time::{Duration, Instant};

use super::decode::{DecodeError, decode};
use super::diagnose::{classify, proxy_status_error};
use super::digest_exchange::{challenge_fields, read_challenge};
use super::pool::{ClientKey, ClientPool, RouteClients};
use super::prepare::{MultipartValue, PreparedBody, PreparedRequest};
use super::reconnect::tracked;
use super::redirect::{Hop, RedirectRules, next_hop};
use super::response::{Response, SendError, SendErrorKind};
use crate::cookies::CookieJar;

/// Bodies are read up to this size; beyond it the request fails rather than exhausting memory.
const MAX_BODY_BYTES: usize = 256 * 1024 * 1024;

#[derive(Clone, Debug, Default)]
pub struct SendOptions {
    /// For the whole request, redirects and authentication legs included.
    pub timeout: Option<Duration>,
    /// `None`: a redirect is the response.
    pub redirects: Option<RedirectRules>,
    /// Whether the pool's cookie jar is used: cookies sent from it and kept from every
    /// response on the way (off with `disableCookies`: nothing sent, nothing kept).
    pub cookies: bool,
}

fn jar<'p>(pool: &'p ClientPool, opts: &SendOptions) -> Option<&'p CookieJar> {
    opts.cookies.then(|| pool.jar().as_ref())
}

/// Sends a built request; the response's `Set-Cookie` headers go into the jar, redirects
/// and authentication legs included, as Newman's request library keeps them.
async fn dispatch(
    jar: Option<&CookieJar>,
    url: &url::Url,
    builder: reqwest::RequestBuilder,
) -> reqwest::Result<reqwest::Response> {
    let result = builder.send().await;
    if let (Some(jar), Ok(response)) = (jar, &result) {
        for value in response.headers().get_all(reqwest::header::SET_COOKIE) {
            jar.store(&String::from_utf8_lossy(value.as_bytes()), url, None);
        }
    }
    result
}

/// The Cookie header postman-request gives a hop: the request's own header followed by the
/// jar's cookies for the hop's URL; when the jar has none for it, the hop keeps the header it
/// carries (on a redirect, the previous hop's).
fn add_jar_cookies(req: &mut PreparedRequest, jar: &CookieJar, own: Option<&str>) {
    if let Some(cookies) = jar.header_for(&req.url) {
        let value = match own {
            Some(own) if !own.is_empty() => format!("{own}; {cookies}"),
            _ => cookies,
        };
        req.set_header("Cookie", value);
    }
}

fn make_part(value: &MultipartValue) -> reqwest::multipart::Part {
    match value {
        MultipartValue::Text(t) => reqwest::multipart::Part::text(t.clone()),
        MultipartValue::File { file_name, bytes } => {
            reqwest::multipart::Part::bytes(bytes.clone()).file_name(file_name.clone())
        }
    }
}

fn to_reqwest_body(body: &PreparedBody, builder: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    match body {
        PreparedBody::None => builder,
        PreparedBody::Text(t) => builder.body(t.clone()),
        PreparedBody::Bytes(b) => builder.body(b.clone()),
        PreparedBody::Multipart(parts) => {
            let mut form = reqwest::multipart::Form::new();
            for p in parts {
                let part = match &p.content_type {
                    // an unparsable content type is dropped rather than failing the request
                    Some(ct) => make_part(&p.value).mime_str(ct).unwrap_or_else(|_| make_part(&p.value)),
                    None => make_part(&p.value),
                };
                form = form.part(p.name.clone(), part);
            }
            builder.multipart(form)
        }
    }
}

fn build(
    client: &reqwest::Client,
    req: &PreparedRequest,
    extra: Option<(&str, String)>,
    opts: &SendOptions,
) -> Result<reqwest::RequestBuilder, SendError> {
    let method = reqwest::Method::from_bytes(req.method.as_bytes()).map_err(|_| {
        SendError::new(SendErrorKind::InvalidMethod, format!("`{}` is not a valid HTTP method", req.method))
    })?;
    // The client turns credentials in the URL into Basic authorization; as in Newman's
    // request library, only when the request has no Authorization of its own.
    let mut url = req.url.clone();
    if req.header("authorization").is_some() && (!url.username().is_empty() || url.password().is_some()) {
        let _ = url.set_username("");
        let _ = url.set_password(None);
    }
    let mut b = client.request(method, url);
    for (k, v) in &req.headers {
        b = b.header(k.as_str(), v.as_str());
    }
    if let Some((k, v)) = extra {
        b = b.header(k, v);
    }
    if let Some(t) = opts.timeout {
        b = b.timeout(t);
    }
    Ok(to_reqwest_body(&req.body, b))
}

/// One exchange up to the response head, on the route's clients. A request that failed on a
/// reused connection before any response arrived is sent once more on a new connection
/// (`reconnect`); the bool says whether that happened.
async fn exchange(
    pool: &ClientPool,
    clients: &RouteClients,
    req: &PreparedRequest,
    extra: Option<(&str, String)>,
    opts: &SendOptions,
) -> Result<(reqwest::Result<reqwest::Response>, bool), SendError> {
    let setup = |e: super::pool::PoolError| SendError::new(SendErrorKind::ClientSetup, e.to_string());
    let client = clients.client(pool).map_err(setup)?;
    let started = Instant::now();
    let jar = jar(pool, opts);
    let (result, tracked) = tracked(dispatch(jar, &req.url, build(&client, req, extra.clone(), opts)?)).await;
    match result {
        Err(e) if tracked.lost_to_stale_connection(&e) => {
            // The re-send gets what is left of --timeout-request, not a new allowance.
            let left = opts.timeout.map(|t| t.saturating_sub(started.elapsed()));
            if left.is_some_and(|t| t.is_zero()) {
                return Ok((Err(e), false));
            }
            let fresh = clients.fresh(pool).map_err(setup)?;
            let opts = SendOptions { timeout: left, ..opts.clone() };
            Ok((dispatch(jar, &req.url, build(&fresh, req, extra, &opts)?).await, true))
        }
        other => Ok((other, false)),
    }
}

/// Sends `req` and reads the whole response.
pub async fn send(
    pool: &ClientPool,
    key: &ClientKey,
    req: &PreparedRequest,
    opts: &SendOptions,
) -> Result<Response, SendError> {
    let clients = pool.clients(key).map_err(|e| SendError::new(SendErrorKind::ClientSetup, e.to_string()))?;
    let started = Instant::now();
    let own_cookie = req.header("cookie").map(str::to_string);
    let mut with_cookies = None;
    if let Some(jar) = jar(pool, opts)
        && jar.header_for(&req.url).is_some()
    {
        let mut r = req.clone();
        add_jar_cookies(&mut r, jar, own_cookie.as_deref());
        with_cookies = Some(r);
    }
    let req = with_cookies.as_ref().unwrap_or(req);
    let (response, mut reconnected) = match &req.ntlm {
        Some(credentials) => {
            let leg = NtlmLeg { own_cookie: own_cookie.as_deref(), started };
            (ntlm_exchange(pool, &clients, req, credentials, opts, leg).await?, false)
        }
        None => exchange(pool, &clients, req, None, opts).await?,
    };
    let failed = |e: SendError, reconnected: bool| SendError { reconnected, ..e };
    let setup = |e: super::pool::PoolError| SendError::new(SendErrorKind::ClientSetup, e.to_string());
    let mut response = match response {
        Ok(r) => r,
        Err(e) => {
            let err = transport_error(&e, &clients, key, req).await;
            // A CONNECT refused with an NTLM/Negotiate challenge: answer it through the relay.
            let challenged = err.kind == SendErrorKind::ProxyAuthenticationFailed
                && clients.relay().is_none()
                && connect_challenge_wants_relay(key, &req.url).await;
            if !(challenged && clients.use_relay(pool).map_err(setup)?) {
                return Err(failed(err, reconnected));
            }
            let (again, more) = exchange(pool, &clients, req, None, &time_left(opts, started, reconnected)?).await?;
            reconnected |= more;
            match again {
                Ok(r) => r,
                Err(e) => return Err(failed(transport_error(&e, &clients, key, req).await, reconnected)),
            }
        }
    };
    // Plain http through the proxy: a 407 offering NTLM/Negotiate moves the route to the relay.
    if response.status() == reqwest::StatusCode::PROXY_AUTHENTICATION_REQUIRED
        && clients.relay().is_none()
        && wants_relay(response.headers())
        && clients.use_relay(pool).map_err(setup)?
    {
        let (again, more) = exchange(pool, &clients, req, None, &time_left(opts, started, reconnected)?).await?;
        reconnected |= more;
        response = match again {
            Ok(r) => r,
            Err(e) => return Err(failed(transport_error(&e, &clients, key, req).await, reconnected)),
        };
    }
    let mut hops = Hops { pool, clients: &clients, key, opts, started, reconnected, own_cookie };
    let (mut response, mut url) = hops.follow(req, response).await?;
    let mut challenge = None;
    let mut warnings = Vec::new();
    // As Newman: a 401 or 403 with a Digest challenge among its WWW-Authenticate headers.
    let answer = req.digest.as_ref().filter(|_| matches!(response.status().as_u16(), 401 | 403)).and_then(|digest| {
        let header = response
            .headers()
            .get_all(reqwest::header::WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|h| h.trim_start().to_ascii_lowercase().starts_with("digest"))?;
        let fields = challenge_fields(header, digest)?;
        // Newman replays the request unsigned when it cannot sign (and warns).
        let signed = super::auth::digest_header(digest, &fields, req).map_err(|why| {
            warnings.push(format!("digest auth: {why}; the request is sent again unsigned"));
        });
        Some((fields, signed))
    });
    if let Some((fields, value)) = answer {
        // The answer goes on the request as a header of its own, so a redirect to another
        // host drops it as it drops any Authorization.
        let mut answered = req.clone();
        let signed = value.is_ok();
        if let Ok(value) = value {
            answered.set_header("Authorization", value);
        }
        if let Some(jar) = jar(pool, opts) {
            add_jar_cookies(&mut answered, jar, hops.own_cookie.as_deref());
        }
        let mut read = read_challenge(response, hops.started).await;
        read.answered = signed.then_some(fields);
        challenge = Some(Box::new(read));
        // The answer is a request of its own, as Newman replays it: its own time and its own
        // --timeout-request.
        hops.started = Instant::now();
        let second = match hops.send(&answered).await? {
            Ok(r) => r,
            Err(e) => {
                let err = transport_error(&e, &clients, key, &answered).await;
                return Err(SendError { reconnected: hops.reconnected, ..err });
            }
        };
        (response, url) = hops.follow(&answered, second).await?;
    }
    let reconnected = hops.reconnected;
    // What the relay met at the proxy, on whichever hop it happened.
    if clients.relay().is_some()
        && let Some(kind) = response.headers().get(crate::proxyauth::RELAY_ERROR_HEADER)
    {
        let kind = match kind.as_bytes() {
            b"connect" => SendErrorKind::ProxyConnectFailed,
            b"lost" => SendErrorKind::RequestFailed,
            _ => SendErrorKind::ProxyAuthenticationFailed,
        };
        let message = response.text().await.unwrap_or_default().trim().to_string();
        return Err(failed(SendError::new(kind, message), reconnected));
    }
    // Over a CONNECT tunnel these headers are the origin's, not the proxy's.
    if matches!(key.route, crate::proxy::Route::Proxy(_)) && url.scheme() == "http" && asks_to_close(response.headers())
    {
        clients.stop_reusing();
    }
    let probe = &clients.probe;
    let code = response.status().as_u16();
    // The server's own phrase (`NOT FOUND`), as Newman shows it: hyper keeps one that
    // differs from the canonical phrase as an extension.
    let reason = match response.extensions().get::<hyper::ext::ReasonPhrase>() {
        Some(phrase) => String::from_utf8_lossy(phrase.as_bytes()).into_owned(),
        None => response.status().canonical_reason().unwrap_or("").to_string(),
    };
    let http_version = format!("{:?}", response.version());
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(k, v)| (title_case(k.as_str()), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let tls = response
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(|info| info.peer_certificate())
        .and_then(crate::tls::summarize)
        .map(|c| {
            let version = probe.version().unwrap_or("TLS");
            format!(
                "{version}, {http_version}; server certificate: {}; issuer {}; valid until {}",
                c.subject, c.issuer, c.not_after
            )
        });
    if let Some(err) = proxy_status_error(code, &headers, &key.route) {
        return Err(failed(err, reconnected));
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_BODY_BYTES {
                    let message = format!("the response body is larger than {} MB", MAX_BODY_BYTES / (1024 * 1024));
                    return Err(failed(SendError::new(SendErrorKind::ResponseTooLarge, message), reconnected));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => return Err(failed(classify(&e, &key.route, &url).await, reconnected)),
        }
    }
    let time = hops.started.elapsed();
    let encoding = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("content-encoding")).map(|(_, v)| v.as_str());
    if !body.is_empty() {
        match decode(encoding, &body, MAX_BODY_BYTES) {
            Ok(Some(decoded)) => body = decoded,
            Ok(None) => {}
            Err(e @ DecodeError::TooLarge { .. }) => {
                return Err(failed(SendError::new(SendErrorKind::ResponseTooLarge, e.to_string()), reconnected));
            }
            Err(e) => warnings.push(e.to_string()),
        }
    }
    let size = body.len() as u64;
    Ok(Response { code, reason, headers, body, time, size, http_version, tls, warnings, reconnected, url, challenge })
}

/// The exchanges of one request after its first: redirect hops and authentication legs,
/// sharing the request's time allowance.
struct Hops<'a> {
    pool: &'a ClientPool,
    clients: &'a RouteClients,
    key: &'a ClientKey,
    opts: &'a SendOptions,
    started: Instant,
    reconnected: bool,
    /// The request's own Cookie header, which every hop's jar cookies follow.
    own_cookie: Option<String>,
}

impl Hops<'_> {
    /// What is left of --timeout-request for the next exchange.
    fn left(&self) -> Result<SendOptions, SendError> {
        time_left(self.opts, self.started, self.reconnected)
    }

    async fn send(&mut self, req: &PreparedRequest) -> Result<reqwest::Result<reqwest::Response>, SendError> {
        let opts = self.left()?;
        let (result, again) = exchange(self.pool, self.clients, req, None, &opts).await?;
        self.reconnected |= again;
        Ok(result)
    }

    /// Follows `response`'s redirects from `first` as the rules say; the last response and
    /// the URL it came from.
    async fn follow(
        &mut self,
        first: &PreparedRequest,
        mut response: reqwest::Response,
    ) -> Result<(reqwest::Response, url::Url), SendError> {
        let Some(rules) = self.opts.redirects else { return Ok((response, first.url.clone())) };
        let mut current = std::borrow::Cow::Borrowed(first);
        let mut followed = 0;
        loop {
            // Bytes that are not UTF-8 are followed as the URL parser encodes them, as in Newman.
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            let next = match next_hop(&rules, &current, response.status().as_u16(), location.as_deref(), followed) {
                Hop::Done => return Ok((response, current.url.clone())),
                Hop::TooMany(message) => {
                    let err = SendError::new(SendErrorKind::TooManyRedirects, message);
                    return Err(SendError { reconnected: self.reconnected, ..err });
                }
                Hop::BadLocation(message) => {
                    let err = SendError::new(SendErrorKind::RequestFailed, message);
                    return Err(SendError { reconnected: self.reconnected, ..err });
                }
                Hop::Follow(mut next) => {
                    if let Some(jar) = jar(self.pool, self.opts) {
                        add_jar_cookies(&mut next, jar, self.own_cookie.as_deref());
                    }
                    next
                }
            };
            drain(response).await;
            followed += 1;
            response = match self.send(&next).await? {
                Ok(r) => r,
                Err(e) => {
                    let err = transport_error(&e, self.clients, self.key, &next).await;
                    return Err(SendError { reconnected: self.reconnected, ..err });
                }
            };
            current = std::borrow::Cow::Owned(*next);
        }
    }
}

/// `opts` with what is left of --timeout-request since `started`, for the next exchange of
/// the same request (a redirect hop, an authentication leg, a re-send through the relay).
fn time_left(opts: &SendOptions, started: Instant, reconnected: bool) -> Result<SendOptions, SendError> {
    let timeout = match opts.timeout {
        Some(t) => match t.checked_sub(started.elapsed()) {
            Some(left) if !left.is_zero() => Some(left),
            _ => {
                let message = format!("the request took longer than {} ms", t.as_millis());
                return Err(SendError { reconnected, ..SendError::new(SendErrorKind::Timeout, message) });
            }
        },
        None => None,
    };
    Ok(SendOptions { timeout, ..opts.clone() })
}

/// Reads a redirect's body so its connection can carry the next hop. Newman follows at
/// once, so a large or slow body is not waited for: its connection is dropped instead.
async fn drain(mut response: reqwest::Response) {
    let read_all = async {
        let mut read = 0usize;
        while let Ok(Some(chunk)) = response.chunk().await {
            read += chunk.len();
            if read > 64 * 1024 {
                return;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_millis(250), read_all).await;
}

/// NTLM against the server, as Newman's runtime runs it: the request as is, and when the
/// server answers 401/403 offering NTLM, again with a Type 1 message, then with the Type 3
/// answer to its challenge, all on one connection (NTLM authenticates the connection).
async fn ntlm_exchange(
    pool: &ClientPool,
    clients: &RouteClients,
    req: &PreparedRequest,
    credentials: &crate::proxyauth::ntlm::NtlmCredentials,
    opts: &SendOptions,
    leg: NtlmLeg<'_>,
) -> Result<reqwest::Result<reqwest::Response>, SendError> {
    use crate::proxyauth::ntlm;
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let setup = |e: super::pool::PoolError| SendError::new(SendErrorKind::ClientSetup, e.to_string());
    let client = clients.dedicated(pool).map_err(setup)?;
    // The handshake owns the Authorization header on every leg, as in Newman.
    let mut bare = req.clone();
    bare.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
    let req = &bare;
    let offers = |r: &reqwest::Response, with_token: bool| {
        matches!(r.status().as_u16(), 401 | 403)
            && r.headers().get_all(reqwest::header::WWW_AUTHENTICATE).iter().filter_map(|v| v.to_str().ok()).any(|v| {
                if with_token {
                    v.trim().starts_with("NTLM ")
                } else {
                    // `NTLM`, `Negotiate`, or both in one header.
                    v.split(',').any(|c| {
                        let scheme = c.split_whitespace().next().unwrap_or("");
                        scheme.eq_ignore_ascii_case("ntlm") || scheme.eq_ignore_ascii_case("negotiate")
                    })
                }
            })
    };
    // A drained connection goes back to the client's pool from hyper's own task: give it a
    // moment so the next leg finds it rather than opening a second connection.
    let settle = || tokio::time::sleep(Duration::from_millis(2));
    let jar = jar(pool, opts);
    // Each leg goes with the jar's cookies as they are by then (a load balancer's sticky
    // cookie from the 401 included) and with what is left of the request's time.
    let client = &client;
    let send_leg = |authorization: Option<String>| {
        let mut this = req.clone();
        if let Some(jar) = jar {
            add_jar_cookies(&mut this, jar, leg.own_cookie);
        }
        async move {
            let opts = time_left(opts, leg.started, false)?;
            let extra = authorization.map(|a| ("Authorization", a));
            Ok::<_, SendError>(dispatch(jar, &this.url, build(client, &this, extra, &opts)?).await)
        }
    };
    let first = match send_leg(None).await? {
        Ok(r) if offers(&r, false) => r,
        other => return Ok(other),
    };
    // The body is read so the connection carries the next leg.
    let _ = first.bytes().await;
    settle().await;
    let type1 = format!("NTLM {}", b64.encode(ntlm::negotiate_message()));
    let second = match send_leg(Some(type1)).await? {
        Ok(r) if offers(&r, true) => r,
        other => return Ok(other),
    };
    let challenge = second
        .headers()
        .get_all(reqwest::header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.trim().strip_prefix("NTLM "))
        .and_then(|t| b64.decode(t.trim()).ok())
        .and_then(|bytes| ntlm::parse_challenge(&bytes).ok());
    let Some(challenge) = challenge else {
        return Err(SendError::new(
            SendErrorKind::RequestFailed,
            "ntlm: the server did not send a valid NTLM challenge (type 2 message)".to_string(),
        ));
    };
    let _ = second.bytes().await;
    settle().await;
    let type3 = format!("NTLM {}", b64.encode(ntlm::authenticate_now(credentials, &challenge)));
    send_leg(Some(type3)).await
}

/// What the NTLM handshake needs of its request beyond the request: its own Cookie header
/// and when it started.
#[derive(Clone, Copy)]
struct NtlmLeg<'a> {
    own_cookie: Option<&'a str>,
    started: Instant,
}

/// Why a request got no response; on the relay's route, what the relay met at the proxy
/// (reqwest only sees that its CONNECT to the relay was refused).
async fn transport_error(
    e: &reqwest::Error,
    clients: &RouteClients,
    key: &ClientKey,
    req: &PreparedRequest,
) -> SendError {
    if let (Some(relay), crate::proxy::Route::Proxy(proxy)) = (clients.relay(), &key.route) {
        let text = e.to_string().to_ascii_lowercase();
        if text.contains("tunnel") || text.contains("proxy authorization required") {
            let target =
                format!("{}:{}", req.url.host_str().unwrap_or(""), req.url.port_or_known_default().unwrap_or(0));
            return match relay.take_failure(&target) {
                Some(failure) => {
                    let kind = match failure.kind {
                        crate::proxyauth::FailureKind::Connect => SendErrorKind::ProxyConnectFailed,
                        crate::proxyauth::FailureKind::Authentication => SendErrorKind::ProxyAuthenticationFailed,
                        crate::proxyauth::FailureKind::Lost => SendErrorKind::RequestFailed,
                    };
                    SendError::new(kind, failure.message)
                }
                // The proxy itself refused the CONNECT (a policy block): never probe it again
                // with credentials the relay keeps to itself.
                None => SendError::new(
                    SendErrorKind::ProxyConnectRefused,
                    format!("proxy {} refused CONNECT {target}", proxy.masked()),
                ),
            };
        }
    }
    classify(e, &key.route, &req.url).await
}

/// Whether a 407's challenges ask for a connection-bound scheme (NTLM, Negotiate).
fn wants_relay(headers: &reqwest::header::HeaderMap) -> bool {
    let values = headers.get_all(reqwest::header::PROXY_AUTHENTICATE).iter().filter_map(|v| v.to_str().ok());
    crate::proxyauth::scheme::challenges(values).iter().any(|c| c.scheme == "ntlm" || c.scheme == "negotiate")
}

/// reqwest hides a refused CONNECT's headers: ask the proxy for its challenge by hand.
async fn connect_challenge_wants_relay(key: &ClientKey, url: &url::Url) -> bool {
    let crate::proxy::Route::Proxy(proxy) = &key.route else { return false };
    let Some((_, challenges)) = super::diagnose::probe_connect(proxy, url).await else { return false };
    crate::proxyauth::scheme::challenges(challenges.iter().map(String::as_str))
        .iter()
        .any(|c| c.scheme == "ntlm" || c.scheme == "negotiate")
}

/// `Proxy-Connection: close` from a proxy forwarding plain http: hyper honours `Connection:
/// close` itself but not this older header, which some proxies send instead.
fn asks_to_close(headers: &reqwest::header::HeaderMap) -> bool {
    headers
        .get_all("proxy-connection")
        .iter()
        .any(|v| v.to_str().is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("close"))))
}

/// `content-type` → `Content-Type`, as Newman shows response headers.
pub(super) fn title_case(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut c = part.chars();
            match c.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}
