//! The relay's side toward the real proxy: opening a connection to it, sending a request
//! on it, and answering its 407 with the handshake `--proxy-auth` and the proxy agree on
//! (Basic per request, NTLM and Negotiate once per connection).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;
use hyper::{HeaderMap, Method, Request, Response, StatusCode, Uri, Version};
use hyper_util::rt::TokioIo;

use super::super::negotiate::{Gssapi, NegotiateError};
use super::super::ntlm;
use super::super::scheme::{Abilities, Scheme, challenges, choose};
use super::{CONNECT_TIMEOUT, Failure, FailureKind, RELAY_USER, Shared};

/// One connection to the proxy and what it is authenticated with.
pub(super) struct Upstream {
    pub(super) send: SendRequest<Full<Bytes>>,
    auth: ConnAuth,
}

#[derive(Clone)]
enum ConnAuth {
    None,
    /// NTLM or Negotiate done: the connection itself is trusted.
    Connection,
    /// Basic goes with every request.
    Basic(String),
}

/// The parts of a request the relay resends on each leg of a handshake.
pub(super) struct Head {
    pub(super) method: Method,
    pub(super) uri: Uri,
    pub(super) version: Version,
    pub(super) headers: HeaderMap,
}

impl Head {
    fn request(&self, body: &Bytes, authorization: Option<&str>) -> Request<Full<Bytes>> {
        let mut request = Request::new(Full::new(body.clone()));
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.uri.clone();
        *request.version_mut() = self.version;
        *request.headers_mut() = self.headers.clone();
        if let Some(value) = authorization.and_then(|v| hyper::header::HeaderValue::from_str(v).ok()) {
            request.headers_mut().insert(hyper::header::PROXY_AUTHORIZATION, value);
        }
        request
    }
}

pub(super) async fn open(shared: &Shared) -> Result<Upstream, Failure> {
    let proxy = &shared.proxy;
    let connect = tokio::net::TcpStream::connect((proxy.host.as_str(), proxy.port));
    let tcp = match tokio::time::timeout(CONNECT_TIMEOUT, connect).await {
        Ok(Ok(tcp)) => tcp,
        Ok(Err(e)) => {
            let message = format!("cannot connect to proxy {}: {}", proxy.masked(), io_reason(&e));
            return Err(Failure { kind: FailureKind::Connect, message });
        }
        Err(_) => {
            let message = format!("cannot connect to proxy {}: connect timeout", proxy.masked());
            return Err(Failure { kind: FailureKind::Connect, message });
        }
    };
    let _ = tcp.set_nodelay(true);
    let (send, connection) = hyper::client::conn::http1::Builder::new()
        .title_case_headers(true)
        .handshake(TokioIo::new(tcp))
        .await
        .map_err(|e| Failure { kind: FailureKind::Connect, message: format!("proxy {}: {e}", proxy.masked()) })?;
    tokio::spawn(connection.with_upgrades());
    Ok(Upstream { send, auth: ConnAuth::None })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::ConnectionRefused => "connection refused (ECONNREFUSED)".into(),
        _ => e.to_string(),
    }
}

async fn send(up: &mut Upstream, head: &Head, body: &Bytes, auth: Option<&str>) -> Result<Response<Incoming>, String> {
    up.send.ready().await.map_err(|e| e.to_string())?;
    up.send.send_request(head.request(body, auth)).await.map_err(|e| e.to_string())
}

/// Reads a 407's body so the connection can carry the next leg.
pub(super) async fn drain(response: Response<Incoming>) -> (hyper::http::response::Parts, Bytes) {
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    (parts, bytes)
}

/// `Connection: close` or `Proxy-Connection: close`.
fn closes(headers: &HeaderMap) -> bool {
    ["connection", "proxy-connection"].iter().any(|name| {
        headers
            .get_all(*name)
            .iter()
            .any(|v| v.to_str().is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("close"))))
    })
}

fn header_values(headers: &HeaderMap) -> Vec<&str> {
    headers.get_all(hyper::header::PROXY_AUTHENTICATE).iter().filter_map(|v| v.to_str().ok()).collect()
}

impl Shared {
    pub(super) fn fail(&self, kind: FailureKind, message: String) -> Failure {
        Failure { kind, message }
    }

    pub(super) fn note_failure(&self, target: &str, failure: &Failure) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Bounded: a failure nobody asked for is dropped rather than kept for the run.
        if failures.len() > 1024 {
            failures.clear();
        }
        failures.insert(target.to_string(), failure.clone());
    }

    pub(super) fn authorized(&self, headers: &HeaderMap) -> bool {
        let expected = format!("{RELAY_USER}:{}", self.client_token);
        headers
            .get(hyper::header::PROXY_AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Basic "))
            .and_then(|t| STANDARD.decode(t.trim()).ok())
            .is_some_and(|given| given == expected.as_bytes())
    }

    fn gss(&self) -> Result<Arc<Gssapi>, NegotiateError> {
        self.gss.get_or_init(|| Gssapi::load().map(Arc::new)).clone()
    }

    fn abilities(&self) -> Abilities {
        let password = self.proxy.credentials.as_ref().is_some_and(|c| !c.username.is_empty());
        Abilities { password, kerberos: self.gss().is_ok() }
    }

    fn ntlm_credentials(&self) -> Option<ntlm::NtlmCredentials> {
        let c = self.proxy.credentials.as_ref()?;
        Some(ntlm::NtlmCredentials::parse(&c.username, c.password.clone()))
    }

    /// The Kerberos principal and password for a login without a ticket cache:
    /// `user@REALM` as given, `DOMAIN\\user` as `user@DOMAIN` (realms are upper case).
    fn kerberos_login(&self) -> Option<(String, crate::secret::Secret)> {
        let c = self.proxy.credentials.as_ref().filter(|c| !c.username.is_empty() && !c.password.is_empty())?;
        let principal = match c.username.split_once('\\') {
            Some((domain, user)) => format!("{user}@{}", domain.to_ascii_uppercase()),
            None => c.username.clone(),
        };
        Some((principal, c.password.clone()))
    }

    fn basic(&self) -> Option<String> {
        let c = self.proxy.credentials.as_ref()?;
        Some(format!("Basic {}", STANDARD.encode(format!("{}:{}", c.username, c.password.expose()))))
    }

    /// Sends `head` on `up`, answering a 407 with the handshake the proxy and `--proxy-auth`
    /// agree on. A response other than 407 is the request's answer.
    pub(super) async fn exchange(
        &self,
        up: &mut Upstream,
        head: &Head,
        body: &Bytes,
    ) -> Result<Response<Incoming>, Failure> {
        let masked = self.proxy.masked();
        let lost = |e: String| self.fail(FailureKind::Lost, format!("proxy {masked} closed the connection: {e}"));
        let basic = match &up.auth {
            ConnAuth::Basic(value) => Some(value.clone()),
            _ => None,
        };
        let first = send(up, head, body, basic.as_deref()).await.map_err(lost)?;
        if first.status() != StatusCode::PROXY_AUTHENTICATION_REQUIRED {
            return Ok(first);
        }
        let (parts, _) = drain(first).await;
        up.auth = ConnAuth::None;
        // A proxy that closes after its first 407 gets the handshake on a new connection.
        if closes(&parts.headers) || up.send.is_closed() {
            *up = open(self).await?;
        }
        let offered = challenges(header_values(&parts.headers));
        let plan = choose(self.mode, &offered, self.abilities()).map_err(|why| {
            self.fail(FailureKind::Authentication, format!("proxy authentication failed at {masked}: {why}"))
        })?;
        let mut reasons = Vec::new();
        for scheme in plan {
            match self.authenticate(up, head, body, scheme).await {
                Ok(response) => return Ok(response),
                Err(Step::Retry(why)) => reasons.push(why),
                Err(Step::Fatal(failure)) => return Err(failure),
            }
        }
        Err(self.fail(
            FailureKind::Authentication,
            format!("proxy authentication failed at {masked}: {}", reasons.join("; ")),
        ))
    }

    async fn authenticate(
        &self,
        up: &mut Upstream,
        head: &Head,
        body: &Bytes,
        scheme: Scheme,
    ) -> Result<Response<Incoming>, Step> {
        let masked = self.proxy.masked();
        let lost = |e: String| {
            Step::Fatal(
                self.fail(FailureKind::Connect, format!("proxy {masked} closed the connection during {scheme}: {e}")),
            )
        };
        let rejected = |what: &str| Step::Retry(format!("{scheme}: {what}"));
        match scheme {
            Scheme::Basic => {
                let value = self.basic().ok_or_else(|| rejected("no user name"))?;
                let response = send(up, head, body, Some(&value)).await.map_err(lost)?;
                if response.status() == StatusCode::PROXY_AUTHENTICATION_REQUIRED {
                    drain(response).await;
                    return Err(rejected("the proxy rejected the user name or password"));
                }
                up.auth = ConnAuth::Basic(value);
                Ok(response)
            }
            Scheme::Ntlm => {
                let credentials = self.ntlm_credentials().ok_or_else(|| rejected("no user name"))?;
                let type1 = format!("NTLM {}", STANDARD.encode(ntlm::negotiate_message()));
                let response = send(up, head, body, Some(&type1)).await.map_err(lost)?;
                if response.status() != StatusCode::PROXY_AUTHENTICATION_REQUIRED {
                    up.auth = ConnAuth::Connection;
                    return Ok(response);
                }
                let (parts, _) = drain(response).await;
                let challenge = challenges(header_values(&parts.headers))
                    .into_iter()
                    .find(|c| c.scheme == "ntlm")
                    .and_then(|c| c.token)
                    .and_then(|t| STANDARD.decode(t).ok())
                    .ok_or_else(|| rejected("the proxy did not answer the NTLM negotiation with a challenge"))?;
                let challenge = ntlm::parse_challenge(&challenge)
                    .map_err(|e| rejected(&format!("the proxy's NTLM challenge is not valid ({e})")))?;
                let type3 = format!("NTLM {}", STANDARD.encode(ntlm::authenticate_now(&credentials, &challenge)));
                let response = send(up, head, body, Some(&type3)).await.map_err(lost)?;
                if response.status() == StatusCode::PROXY_AUTHENTICATION_REQUIRED {
                    drain(response).await;
                    return Err(rejected(&format!(
                        "the proxy rejected the credentials of {} (wrong user name, domain or password, or the account is locked)",
                        credentials.display_name()
                    )));
                }
                up.auth = ConnAuth::Connection;
                self.handshakes.fetch_add(1, Ordering::Relaxed);
                Ok(response)
            }
            Scheme::Negotiate => {
                let gss = self.gss().map_err(|e| rejected(&e.to_string()))?;
                let host = self.proxy.host.clone();
                let login = self.kerberos_login();
                let token = tokio::task::spawn_blocking(move || {
                    gss.initial_token(&host, login.as_ref().map(|(p, s)| (p.as_str(), s)))
                })
                .await
                .map_err(|e| rejected(&e.to_string()))?
                .map_err(|e| rejected(&e.to_string()))?;
                let value = format!("Negotiate {}", STANDARD.encode(token));
                let response = send(up, head, body, Some(&value)).await.map_err(lost)?;
                if response.status() == StatusCode::PROXY_AUTHENTICATION_REQUIRED {
                    drain(response).await;
                    return Err(rejected(&format!(
                        "the proxy rejected the Kerberos ticket for HTTP@{} (is the proxy's service principal in its keytab, and the clock in sync?)",
                        self.proxy.host
                    )));
                }
                up.auth = ConnAuth::Connection;
                self.handshakes.fetch_add(1, Ordering::Relaxed);
                Ok(response)
            }
        }
    }
}

/// How one scheme's attempt ended, when it did not succeed.
enum Step {
    /// Try the next scheme, if any.
    Retry(String),
    /// The connection is gone: stop.
    Fatal(Failure),
}
