//! `--max-connections-per-host`: at most N requests in flight to one origin (scheme, host,
//! port) across every worker of the run. A request holds its host's slot from the moment
//! it is sent until its response body is read, so with keep-alive the host never sees
//! more than N busy connections from postie.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Default)]
pub struct HostLimits {
    max: Option<usize>,
    hosts: Mutex<HashMap<(String, String, u16), Arc<Semaphore>>>,
}

impl HostLimits {
    /// `None`: no limit beyond `--jobs`.
    pub fn new(max: Option<usize>) -> Self {
        HostLimits { max, hosts: Mutex::default() }
    }

    /// Waits for a free slot for `url`'s origin; the slot is given back when the permit drops.
    pub async fn acquire(&self, url: &url::Url) -> Option<OwnedSemaphorePermit> {
        let max = self.max?;
        let origin = (
            url.scheme().to_string(),
            url.host_str().unwrap_or_default().to_ascii_lowercase(),
            url.port_or_known_default().unwrap_or(0),
        );
        let semaphore = {
            let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
            hosts.entry(origin).or_insert_with(|| Arc::new(Semaphore::new(max.max(1)))).clone()
        };
        // The semaphore is never closed, so this only fails if that changes.
        semaphore.acquire_owned().await.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> url::Url {
        url::Url::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[tokio::test]
    async fn slots_are_per_origin_and_come_back() {
        let limits = HostLimits::new(Some(1));
        let held = limits.acquire(&url("http://a.test/x")).await;
        assert!(held.is_some());
        // Another origin (host, port or scheme) is not held back by the first.
        for other in ["http://b.test/", "http://a.test:8080/", "https://a.test/"] {
            let got = tokio::time::timeout(std::time::Duration::from_secs(1), limits.acquire(&url(other))).await;
            assert!(matches!(got, Ok(Some(_))), "{other}");
        }
        // The same origin (any case, default port spelled out) waits until the slot is back.
        let same = url("http://A.TEST:80/y");
        let waited = tokio::time::timeout(std::time::Duration::from_millis(50), limits.acquire(&same)).await;
        assert!(waited.is_err(), "a second request to a.test got a slot while the first held it");
        drop(held);
        let got = tokio::time::timeout(std::time::Duration::from_secs(1), limits.acquire(&same)).await;
        assert!(matches!(got, Ok(Some(_))));
    }

    #[tokio::test]
    async fn no_limit_means_no_waiting() {
        let limits = HostLimits::new(None);
        for _ in 0..100 {
            assert!(limits.acquire(&url("http://a.test/")).await.is_none());
        }
    }
}
