//! Fetching one document by URL before a run: a PAC (always direct: a PAC is never
//! fetched through the proxies it chooses) and inputs named by URL, with the run's TLS
//! settings.

use std::time::Duration;

use rustls::pki_types::CertificateDer;

use super::{ClientKey, ClientPool, HttpProtocol, PoolOptions, TrustStore};
use crate::proxy::Route;

/// The TLS settings of the run, for an https URL.
#[derive(Clone, Debug, Default)]
pub struct FetchTls {
    pub insecure: bool,
    pub extra_roots: Vec<CertificateDer<'static>>,
}

/// Larger than any PAC, and than the inputs runs fetch by URL are expected to be.
const MAX_BYTES: usize = 512 * 1024 * 1024;
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

/// The body of `url`, fetched directly, as text (a byte-order mark dropped).
pub fn fetch_text(url: &url::Url, tls: &FetchTls) -> Result<String, String> {
    let bytes = fetch_bytes(url, Route::Direct, tls, &[])?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(text.trim_start_matches('\u{feff}').to_string())
}

/// The body of `url` on `route`, sent with `headers`, or the transport error / status that
/// stopped it (with the `error.message` of a JSON error body, as the Postman API sends).
pub fn fetch_bytes(
    url: &url::Url,
    route: Route,
    tls: &FetchTls,
    headers: &[(&str, &crate::secret::Secret)],
) -> Result<Vec<u8>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let options = PoolOptions {
            connect_timeout: Some(Duration::from_secs(10)),
            trust: TrustStore::new(tls.extra_roots.clone()),
            ..PoolOptions::default()
        };
        let pool = ClientPool::new(options);
        let key = ClientKey {
            route,
            insecure: tls.insecure,
            // A key sent with the request must not follow a redirect to another host.
            max_redirects: if headers.is_empty() { Some(5) } else { None },
            identity: None,
            protocol: HttpProtocol::Http1,
        };
        let client = pool.clients(&key).map_err(|e| e.to_string())?.client(&pool).map_err(|e| e.to_string())?;
        // With a key: redirects are followed here, and only on the same host and scheme.
        let mut at = url.clone();
        let mut hops = 0;
        let response = loop {
            let mut request = client.get(at.clone()).timeout(FETCH_TIMEOUT);
            for (name, value) in headers {
                request = request.header(*name, value.expose());
            }
            let response = request.send().await.map_err(|e| chain(&e))?;
            let location = response.headers().get(reqwest::header::LOCATION).and_then(|l| l.to_str().ok());
            let next = match location {
                Some(location) if response.status().is_redirection() && !headers.is_empty() => {
                    at.join(location).map_err(|e| format!("the server redirected to `{location}`: {e}"))?
                }
                _ => break response,
            };
            if next.host_str() != at.host_str() || next.scheme() != at.scheme() {
                return Err(format!(
                    "the server redirected to another host or scheme ({}://{}); the API key is not sent there",
                    next.scheme(),
                    next.host_str().unwrap_or_default()
                ));
            }
            hops += 1;
            if hops > 5 {
                return Err("too many redirects (more than 5)".to_string());
            }
            at = next;
        };
        let status = response.status();
        if !status.is_success() {
            let mut response = response;
            let mut body = Vec::new();
            while let Ok(Some(chunk)) = response.chunk().await {
                body.extend_from_slice(&chunk);
                if body.len() > 64 * 1024 {
                    break;
                }
            }
            let said = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.pointer("/error/message").and_then(|m| m.as_str()).map(str::to_string));
            return Err(match said {
                Some(message) => format!("the server answered {status}: {message}"),
                None => format!("the server answered {status}"),
            });
        }
        let bytes = response.bytes().await.map_err(|e| chain(&e))?;
        if bytes.len() > MAX_BYTES {
            return Err(format!("it is larger than {} MB", MAX_BYTES / (1024 * 1024)));
        }
        Ok(bytes.to_vec())
    })
}

fn chain(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}
