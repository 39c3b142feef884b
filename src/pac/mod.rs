//! PAC files (`--proxy-pac`, config `[proxy].pac`): loading one from a path, a `file://`
//! URL or an http(s) URL, running its `FindProxyForURL` in a QuickJS runtime of its own,
//! and caching each answer per (scheme, host, port) for the run.
//!
//! `Pac` is what the proxy policy asks through `proxy::PacLookup`; the result text is
//! parsed by `proxy::parse_pac_result`. Browser semantics: an https URL is shown to the
//! script as `https://host[:port]/` only (Chrome strips path and query), an http URL whole
//! (without credentials or fragment).

mod engine;
mod net;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::http::fetch::{FetchTls, fetch_text};
pub use engine::{AlertSink, PacLimits};

use crate::proxy::{PacAnswer, PacLookup, parse_pac_result};

#[derive(Debug, thiserror::Error)]
pub enum PacError {
    #[error("PAC file {origin} cannot be read: {message}; check the path given to --proxy-pac or [proxy].pac")]
    Unreadable { origin: String, message: String },
    #[error("PAC file {origin} cannot be fetched: {message}")]
    Unfetchable { origin: String, message: String },
    #[error("PAC file {origin} does not run: {message}; fix the script")]
    Script { origin: String, message: String },
    #[error("PAC file {origin} defines no function FindProxyForURL(url, host); a PAC file must define it")]
    NoEntryPoint { origin: String },
    #[error("PAC file {origin} did not finish loading within {} ms (an endless loop at the top level?)", timeout.as_millis())]
    Timeout { origin: String, timeout: Duration },
    #[error("PAC file {origin}: {message}")]
    Engine { origin: String, message: String },
    #[error("PAC file {origin} gives no usable answer for {url}: {message}")]
    Answer { origin: String, url: String, message: String },
}

/// Where a PAC comes from, as the user wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PacSource {
    Path(std::path::PathBuf),
    Url(url::Url),
}

impl PacSource {
    /// `http(s)://...` and `file://...` are URLs; anything else is a path.
    pub fn parse(text: &str) -> Result<PacSource, PacError> {
        let trimmed = text.trim();
        let lower = trimmed.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            let url = url::Url::parse(trimmed).map_err(|e| PacError::Unfetchable {
                // The text may hold credentials: name the flag's value by its scheme only.
                origin: format!("{}://…", &trimmed[..trimmed.find("://").unwrap_or(0)]),
                message: format!("not a valid URL ({e})"),
            })?;
            return Ok(PacSource::Url(url));
        }
        if lower.starts_with("file:") {
            let path = url::Url::parse(trimmed).ok().and_then(|u| u.to_file_path().ok()).ok_or_else(|| {
                PacError::Unreadable {
                    origin: trimmed.to_string(),
                    message: "not a file:// URL of a local path (file:///abs/path.pac)".into(),
                }
            })?;
            return Ok(PacSource::Path(path));
        }
        Ok(PacSource::Path(std::path::PathBuf::from(trimmed)))
    }

    pub fn origin(&self) -> String {
        match self {
            PacSource::Path(p) => p.display().to_string(),
            PacSource::Url(u) => {
                // Credentials in a PAC URL are never printed.
                let mut shown = u.clone();
                if shown.password().is_some() || !shown.username().is_empty() {
                    let _ = shown.set_username(crate::secret::MASK);
                    let _ = shown.set_password(Some(crate::secret::MASK));
                }
                shown.to_string()
            }
        }
    }
}

type CacheKey = (String, String, u16);

/// A loaded PAC. Answers are cached for the run, errors too: per (scheme, host, port) for
/// https, per URL for http (whose path the script sees).
pub struct Pac {
    origin: String,
    engine: engine::Engine,
    cache: Mutex<HashMap<CacheKey, Result<PacAnswer, String>>>,
}

impl Pac {
    /// Reads (or fetches, directly and once) the PAC, then loads it.
    pub fn load(source: &PacSource, tls: &FetchTls, limits: PacLimits, alerts: AlertSink) -> Result<Pac, PacError> {
        let origin = source.origin();
        let text = match source {
            PacSource::Path(path) => std::fs::read_to_string(path)
                .map(|t| t.trim_start_matches('\u{feff}').to_string())
                .map_err(|e| PacError::Unreadable { origin: origin.clone(), message: e.to_string() })?,
            PacSource::Url(url) => {
                fetch_text(url, tls).map_err(|message| PacError::Unfetchable { origin: origin.clone(), message })?
            }
        };
        Pac::from_source(text, origin, limits, alerts)
    }

    /// Loads PAC text named `origin` in messages.
    pub fn from_source(text: String, origin: String, limits: PacLimits, alerts: AlertSink) -> Result<Pac, PacError> {
        let engine = engine::Engine::start(text, origin.clone(), limits, alerts)?;
        Ok(Pac { origin, engine, cache: Mutex::new(HashMap::new()) })
    }

    /// Evaluates the PAC for `url`, or says why it gives no usable answer (for the checks
    /// made before a run starts).
    pub fn check(&self, url: &url::Url) -> Result<PacAnswer, PacError> {
        self.find(url).map_err(|message| PacError::Answer {
            origin: self.origin.clone(),
            url: script_url(url),
            message,
        })
    }
}

/// The URL the script sees: https reduced to scheme, host and port; others whole, without
/// credentials and fragment.
pub fn script_url(url: &url::Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_fragment(None);
    if url.scheme() == "https" || url.scheme() == "wss" {
        shown.set_path("/");
        shown.set_query(None);
    }
    shown.to_string()
}

impl PacLookup for Pac {
    fn find(&self, url: &url::Url) -> Result<PacAnswer, String> {
        let host = match url.host() {
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            Some(h) => h.to_string(),
            None => return Err(format!("{url} has no host")),
        };
        let shown = script_url(url);
        // An https URL reaches the script as scheme, host and port only; an http URL
        // whole, so its answer may differ by path.
        let key = match url.scheme() {
            "https" | "wss" => (url.scheme().to_string(), host.clone(), url.port_or_known_default().unwrap_or(0)),
            _ => (url.scheme().to_string(), shown.clone(), url.port_or_known_default().unwrap_or(0)),
        };
        if let Some(hit) = self.cache.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return hit.clone();
        }
        let answer = self.engine.call(&shown, &host).and_then(|returned| {
            parse_pac_result(&returned)
                .map(|routes| PacAnswer {
                    call: format!("FindProxyForURL(\"{shown}\", \"{host}\")"),
                    returned: returned.clone(),
                    routes,
                })
                .map_err(|e| format!("FindProxyForURL(\"{shown}\", \"{host}\") returned `{returned}`: {e}"))
        });
        self.cache.lock().unwrap_or_else(|p| p.into_inner()).insert(key, answer.clone());
        answer
    }

    fn origin(&self) -> &str {
        &self.origin
    }
}

/// An alert sink that drops messages.
pub fn no_alerts() -> AlertSink {
    Arc::new(|_: &str| {})
}

#[cfg(test)]
mod tests;
