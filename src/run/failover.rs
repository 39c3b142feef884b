//! PAC failover: the order a request's routes are tried in, and the proxies found dead.
//!
//! A PAC may name several routes (`PROXY a:3128; PROXY b:3128; DIRECT`). When one cannot
//! be connected to, the next carries the request, and the dead proxy is skipped by every
//! lane for `--proxy-retry-after` seconds; after that it is tried first again. Dead
//! proxies are still tried, last, when nothing else is left, as browsers do.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::http::{SendError, SendErrorKind};
use crate::proxy::{ProxyScheme, Route};

/// `--proxy-retry-after` when not given.
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(300);

pub struct DeadProxies {
    retry_after: Duration,
    /// Keyed by the proxy without credentials (`http://a:3128`).
    dead: Mutex<HashMap<String, Instant>>,
}

impl DeadProxies {
    pub fn new(retry_after: Duration) -> Self {
        DeadProxies { retry_after, dead: Mutex::new(HashMap::new()) }
    }

    /// `first` then `rest`, with the routes dead right now moved to the end (in order).
    pub fn order(&self, first: Route, rest: Vec<Route>) -> Vec<Route> {
        let all: Vec<Route> = std::iter::once(first).chain(rest).collect();
        if all.len() == 1 {
            return all;
        }
        let (live, dead): (Vec<Route>, Vec<Route>) = all.into_iter().partition(|r| !self.is_dead(r));
        live.into_iter().chain(dead).collect()
    }

    pub fn is_dead(&self, route: &Route) -> bool {
        let Some(key) = key(route) else { return false };
        let dead = self.dead.lock().unwrap_or_else(|p| p.into_inner());
        dead.get(&key).is_some_and(|since| since.elapsed() < self.retry_after)
    }

    pub fn mark(&self, route: &Route) {
        if let Some(key) = key(route) {
            self.dead.lock().unwrap_or_else(|p| p.into_inner()).insert(key, Instant::now());
        }
    }
}

fn key(route: &Route) -> Option<String> {
    match route {
        Route::Direct => None,
        Route::Proxy(endpoint) => Some(endpoint.url_without_credentials()),
    }
}

/// Whether `error` means the proxy of `route` could not be reached at all (refused,
/// unreachable, no TLS with an https proxy), so the next route should carry the request.
/// A proxy that answered (407, a refused CONNECT, an error page) is alive.
pub fn unreachable(error: &SendError, route: &Route) -> bool {
    let Route::Proxy(endpoint) = route else { return false };
    match error.kind {
        SendErrorKind::ProxyConnectFailed => true,
        SendErrorKind::TlsError => endpoint.scheme == ProxyScheme::Https && error.message.contains(&endpoint.host),
        SendErrorKind::ProxySocksFailed => {
            let m = error.message.to_ascii_lowercase();
            m.contains("refused") || m.contains("unreachable") || m.contains("connect")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proxy::ProxyEndpoint;

    fn proxy(text: &str) -> Route {
        Route::Proxy(ProxyEndpoint::parse(text, "test").unwrap().0)
    }

    #[test]
    fn dead_proxies_go_last_until_their_time_is_up() {
        let dead = DeadProxies::new(Duration::from_millis(200));
        let (a, b) = (proxy("http://a:1"), proxy("http://b:1"));
        assert_eq!(dead.order(a.clone(), vec![b.clone(), Route::Direct]), [a.clone(), b.clone(), Route::Direct]);
        dead.mark(&a);
        dead.mark(&Route::Direct);
        assert_eq!(dead.order(a.clone(), vec![b.clone(), Route::Direct]), [b.clone(), Route::Direct, a.clone()]);
        // One route is never reordered or dropped.
        assert_eq!(dead.order(a.clone(), vec![]).len(), 1);
        std::thread::sleep(Duration::from_millis(250));
        assert_eq!(dead.order(a.clone(), vec![b.clone()]), [a, b]);
    }

    #[test]
    fn only_an_unreachable_proxy_fails_over() {
        let a = proxy("http://a:1");
        let refused = SendError::new(SendErrorKind::ProxyConnectFailed, "cannot connect to proxy http://a:1");
        assert!(unreachable(&refused, &a));
        assert!(!unreachable(&refused, &Route::Direct));
        let auth = SendError::new(SendErrorKind::ProxyAuthenticationFailed, "407");
        assert!(!unreachable(&auth, &a));
        let tls = SendError::new(SendErrorKind::TlsError, "TLS with api:443 failed");
        assert!(!unreachable(&tls, &a));
        let https = proxy("https://secure:443");
        let tls = SendError::new(SendErrorKind::TlsError, "TLS with secure:443 failed");
        assert!(unreachable(&tls, &https));
    }
}
