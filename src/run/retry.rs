//! `--retry`: which outcomes of a request are worth another attempt, and how long to wait
//! before it (exponential backoff with jitter, `Retry-After` honoured up to the cap). Pure:
//! the sending loop lives in `network`.

use std::time::{Duration, SystemTime};

use crate::http::{Response, SendError, SendErrorKind};

/// What `--retry-on` lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RetryOn {
    /// Connection refused or reset, DNS failure, timeout, a proxy that cannot be reached.
    pub network: bool,
    /// Any 5xx status.
    pub server_errors: bool,
    /// These statuses (429 among them when listed).
    pub statuses: Vec<u16>,
}

impl RetryOn {
    /// `network,5xx,429,502` (case-insensitive); `Err` names the bad entry.
    pub fn parse(list: &str) -> Result<RetryOn, String> {
        let mut on = RetryOn::default();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            match entry.to_ascii_lowercase().as_str() {
                "network" => on.network = true,
                "5xx" => on.server_errors = true,
                code => match code.parse::<u16>() {
                    Ok(c) if (100..=999).contains(&c) => on.statuses.push(c),
                    _ => {
                        return Err(format!(
                            "--retry-on: `{entry}` is not `network`, `5xx` or a status code such as 429"
                        ));
                    }
                },
            }
        }
        Ok(on)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts after the first; 0 turns retrying off.
    pub retries: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    pub on: RetryOn,
    /// Also retry POST, PATCH and other methods that are not idempotent.
    pub non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            retries: 0,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            on: RetryOn { network: true, ..RetryOn::default() },
            non_idempotent: false,
        }
    }
}

/// RFC 9110's idempotent methods: repeating them changes nothing a single call would not.
fn idempotent(method: &str) -> bool {
    matches!(method.to_ascii_uppercase().as_str(), "GET" | "HEAD" | "OPTIONS" | "PUT" | "DELETE" | "TRACE")
}

impl RetryPolicy {
    /// Whether an attempt that ended this way should be followed by another (attempt counts
    /// from 1: the first send).
    pub fn should_retry(&self, method: &str, attempt: u32, outcome: &Result<Response, SendError>) -> bool {
        if attempt > self.retries || !(self.non_idempotent || idempotent(method)) {
            return false;
        }
        match outcome {
            Ok(response) => {
                (self.on.server_errors && (500..600).contains(&response.code))
                    || self.on.statuses.contains(&response.code)
            }
            Err(e) => {
                self.on.network
                    && matches!(
                        e.kind,
                        SendErrorKind::ConnectionFailed
                            | SendErrorKind::Timeout
                            | SendErrorKind::DnsError
                            | SendErrorKind::ProxyConnectFailed
                            | SendErrorKind::RequestFailed
                    )
            }
        }
    }

    /// How long to wait before attempt `attempt + 1`: the server's `Retry-After` when it
    /// gave one, else `base × 2^(attempt-1)` with up to half of it taken off at random
    /// (so that many lanes do not retry in step); never more than the cap. `jitter` is in
    /// [0, 1).
    pub fn delay(&self, attempt: u32, retry_after: Option<&str>, now: SystemTime, jitter: f64) -> Duration {
        if let Some(wait) = retry_after.and_then(|v| parse_retry_after(v, now)) {
            return wait.min(self.max_delay);
        }
        let exponent = attempt.saturating_sub(1).min(20);
        let full = self.base_delay.saturating_mul(1 << exponent).min(self.max_delay);
        full.mul_f64(1.0 - 0.5 * jitter.clamp(0.0, 1.0))
    }
}

/// `Retry-After`: delay seconds, or an HTTP date (a date in the past means now).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let when = SystemTime::from(when.with_timezone(&chrono::Utc));
    Some(when.duration_since(now).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(code: u16) -> Result<Response, SendError> {
        Ok(Response {
            code,
            reason: String::new(),
            headers: Vec::new(),
            body: Vec::new(),
            time: Duration::ZERO,
            size: 0,
            http_version: String::new(),
            tls: None,
            warnings: Vec::new(),
            reconnected: false,
            url: url::Url::parse("http://127.0.0.1/").expect("literal URL"),
            challenge: None,
        })
    }

    fn failure(kind: SendErrorKind) -> Result<Response, SendError> {
        Err(SendError::new(kind, "x"))
    }

    #[test]
    fn what_is_retried() {
        let policy = |on: &str| RetryPolicy { retries: 2, on: RetryOn::parse(on).unwrap(), ..RetryPolicy::default() };
        type Outcome = Result<Response, SendError>;
        let cases: &[(&str, &str, u32, Outcome, bool)] = &[
            ("network", "GET", 1, failure(SendErrorKind::ConnectionFailed), true),
            ("network", "GET", 2, failure(SendErrorKind::Timeout), true),
            ("network", "GET", 3, failure(SendErrorKind::Timeout), false),
            ("network", "POST", 1, failure(SendErrorKind::ConnectionFailed), false),
            ("network", "GET", 1, failure(SendErrorKind::TlsError), false),
            ("network", "GET", 1, failure(SendErrorKind::ProxyAuthenticationFailed), false),
            ("network", "GET", 1, response(503), false),
            ("5xx", "DELETE", 1, response(503), true),
            ("5xx", "GET", 1, response(429), false),
            ("5xx,429", "get", 1, response(429), true),
            ("network,5xx", "PUT", 1, response(404), false),
            ("502", "GET", 1, response(503), false),
            ("502", "GET", 1, response(502), true),
        ];
        for (on, method, attempt, outcome, expected) in cases {
            assert_eq!(policy(on).should_retry(method, *attempt, outcome), *expected, "{on} {method} {attempt}");
        }
        let post = RetryPolicy { non_idempotent: true, ..policy("network") };
        assert!(post.should_retry("POST", 1, &failure(SendErrorKind::ConnectionFailed)));
        assert!(!RetryPolicy::default().should_retry("GET", 1, &failure(SendErrorKind::ConnectionFailed)));
        assert!(RetryOn::parse("network, 5XX ,429").is_ok());
        assert!(RetryOn::parse("networks").unwrap_err().contains("`networks`"));
        assert!(RetryOn::parse("42").is_err());
    }

    #[test]
    fn backoff_doubles_with_jitter_and_honours_retry_after_up_to_the_cap() {
        let p = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            ..RetryPolicy::default()
        };
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let ms = |d: Duration| d.as_millis();
        assert_eq!([1, 2, 3, 4, 5].map(|a| ms(p.delay(a, None, now, 0.0))), [100, 200, 400, 800, 1000]);
        assert_eq!(ms(p.delay(2, None, now, 0.999_999)), 100);
        assert_eq!(ms(p.delay(1, Some("0"), now, 0.0)), 0);
        assert_eq!(ms(p.delay(1, Some("30"), now, 0.0)), 1000, "capped");
        assert_eq!(ms(p.delay(1, Some("Tue, 14 Nov 2023 22:13:20 GMT"), now, 0.0)), 0, "a date at now");
        assert_eq!(parse_retry_after("Tue, 14 Nov 2023 22:13:21 GMT", now), Some(Duration::from_secs(1)));
        assert_eq!(ms(p.delay(1, Some("soon"), now, 0.0)), 100, "unreadable: the backoff");
    }
}
