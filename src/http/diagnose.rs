//! Turning transport failures into one clear message a person can act on: which proxy
//! (masked), what it answered, what to try. Proxy credentials never appear.

use std::error::Error as _;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use url::Url;

use super::response::{SendError, SendErrorKind};
use crate::proxy::{ProxyScheme, Route};

fn err(kind: SendErrorKind, message: String) -> SendError {
    SendError::new(kind, message)
}

/// The whole cause chain of an error as one line.
fn chain(e: &reqwest::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

fn target(url: &Url) -> String {
    format!("{}:{}", url.host_str().unwrap_or("?"), url.port_or_known_default().unwrap_or(0))
}

/// Why a request got no response.
pub async fn classify(e: &reqwest::Error, route: &Route, url: &Url) -> SendError {
    let detail = chain(e);
    let lower = detail.to_lowercase();
    if e.is_timeout() {
        return err(
            SendErrorKind::Timeout,
            format!("no response from {} within the request timeout (--timeout-request)", target(url)),
        );
    }
    if let Route::Proxy(proxy) = route {
        let masked = proxy.masked();
        if lower.contains("proxy authorization required") {
            return err(
                SendErrorKind::ProxyAuthenticationFailed,
                format!(
                    "proxy authentication failed at {masked}: it answered 407 to CONNECT {}; check --proxy-user or the credentials in the proxy URL",
                    target(url)
                ),
            );
        }
        if lower.contains("tunnel error: unsuccessful") {
            let status = probe_connect_status(proxy, url).await;
            return match status {
                Some(code @ (401 | 407)) => err(
                    SendErrorKind::ProxyAuthenticationFailed,
                    format!(
                        "proxy authentication failed at {masked}: it answered {code} to CONNECT {}; check --proxy-user or the credentials in the proxy URL",
                        target(url)
                    ),
                ),
                Some(code) => err(
                    SendErrorKind::ProxyConnectRefused,
                    format!("proxy {masked} refused CONNECT {} with status {code}", target(url)),
                ),
                None => {
                    err(SendErrorKind::ProxyConnectRefused, format!("proxy {masked} refused CONNECT {}", target(url)))
                }
            };
        }
        if matches!(
            proxy.scheme,
            ProxyScheme::Socks4 | ProxyScheme::Socks4a | ProxyScheme::Socks5 | ProxyScheme::Socks5h
        ) && lower.contains("socks")
        {
            return err(
                SendErrorKind::ProxySocksFailed,
                format!("SOCKS handshake with proxy {masked} failed: {detail}"),
            );
        }
        if let Some(message) = crate::tls::explain_tls_error(&detail, url.host_str().unwrap_or("?")) {
            return err(SendErrorKind::TlsError, message);
        }
        if e.is_connect() && !lower.contains("tls") && !lower.contains("certificate") {
            return err(
                SendErrorKind::ProxyConnectFailed,
                format!("cannot connect to proxy {masked}: {}", io_reason(&lower, &detail)),
            );
        }
    }
    if let Some(message) = crate::tls::explain_tls_error(&detail, url.host_str().unwrap_or("?")) {
        return err(SendErrorKind::TlsError, message);
    }
    if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        return err(SendErrorKind::TlsError, format!("TLS with {} failed: {detail}", target(url)));
    }
    if lower.contains("dns error") || lower.contains("failed to lookup address") {
        return err(
            SendErrorKind::DnsError,
            format!("cannot resolve host `{}`: {detail}", url.host_str().unwrap_or("?")),
        );
    }
    if e.is_connect() {
        return err(
            SendErrorKind::ConnectionFailed,
            format!("cannot connect to {}: {}", target(url), io_reason(&lower, &detail)),
        );
    }
    if e.is_redirect() {
        return err(SendErrorKind::TooManyRedirects, format!("too many redirects from {url}: {detail}"));
    }
    err(SendErrorKind::RequestFailed, detail)
}

fn io_reason(lower: &str, detail: &str) -> String {
    if lower.contains("connection refused") {
        "connection refused (ECONNREFUSED)".to_string()
    } else if lower.contains("connection reset") {
        "connection reset (ECONNRESET)".to_string()
    } else {
        detail.to_string()
    }
}

/// reqwest hides the status of a refused CONNECT; ask the proxy once more by hand to tell
/// "wrong credentials" from "destination not allowed". Only on failure, only for HTTP proxies.
async fn probe_connect_status(proxy: &crate::proxy::ProxyEndpoint, url: &Url) -> Option<u16> {
    probe_connect(proxy, url).await.map(|(status, _)| status)
}

/// The status and `Proxy-Authenticate` values an HTTP proxy answers a CONNECT to `url` with
/// (with the proxy's Basic credentials, if any).
pub async fn probe_connect(proxy: &crate::proxy::ProxyEndpoint, url: &Url) -> Option<(u16, Vec<String>)> {
    if proxy.scheme != ProxyScheme::Http {
        return None;
    }
    let probe = async {
        let mut stream = tokio::net::TcpStream::connect((proxy.host.as_str(), proxy.port)).await.ok()?;
        let dest = target(url);
        let mut request = format!("CONNECT {dest} HTTP/1.1\r\nHost: {dest}\r\n");
        if let Some(c) = &proxy.credentials {
            use base64::Engine;
            let pair = format!("{}:{}", c.username, c.password.expose());
            request.push_str(&format!(
                "Proxy-Authorization: Basic {}\r\n",
                base64::engine::general_purpose::STANDARD.encode(pair)
            ));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).await.ok()?;
        // The head only: read until the blank line (or 16 KB).
        let mut head = Vec::new();
        let mut buf = [0u8; 2048];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
            let n = stream.read(&mut buf).await.ok()?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        let text = String::from_utf8_lossy(&head);
        let mut lines = text.split("\r\n");
        let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
        let challenges = lines
            .take_while(|l| !l.is_empty())
            .filter_map(|l| l.split_once(':'))
            .filter(|(k, _)| k.trim().eq_ignore_ascii_case("proxy-authenticate"))
            .map(|(_, v)| v.trim().to_string())
            .collect();
        Some((status, challenges))
    };
    tokio::time::timeout(Duration::from_secs(5), probe).await.ok().flatten()
}

/// A response that came from the proxy rather than the server (plain-HTTP targets).
pub fn proxy_status_error(code: u16, headers: &[(String, String)], route: &Route) -> Option<SendError> {
    let Route::Proxy(proxy) = route else { return None };
    let proxy_auth =
        headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("proxy-authenticate")).map(|(_, v)| v.as_str());
    // A 401 is the proxy's only when it asks for proxy credentials (tinyproxy does this).
    if code != 407 && !(code == 401 && proxy_auth.is_some()) {
        return None;
    }
    let masked = proxy.masked();
    let scheme = proxy_auth.unwrap_or("").split_whitespace().next().unwrap_or("").to_ascii_lowercase();
    let message = if scheme == "ntlm" || scheme == "negotiate" {
        // Reaching here means the relay was not used: --proxy-auth basic, or a TLS proxy.
        let name = if scheme == "ntlm" { "NTLM" } else { "Negotiate (Kerberos)" };
        let how = match proxy.scheme {
            ProxyScheme::Http => {
                "postie answers it with --proxy-auth any (the default) or --proxy-auth ".to_string() + &scheme
            }
            _ => format!("postie speaks {name} to plain-http proxies only; use the proxy's http:// address"),
        };
        format!("proxy authentication failed at {masked}: the proxy asks for {name} authentication; {how}")
    } else if proxy.credentials.is_none() {
        format!(
            "proxy authentication failed at {masked}: the proxy answered {code} and no credentials were given; pass --proxy-user USER (password in POSTIE_PROXY_PASSWORD)"
        )
    } else {
        format!("proxy authentication failed at {masked}: the proxy answered {code}; check the user name and password")
    };
    Some(err(SendErrorKind::ProxyAuthenticationFailed, message))
}
