//! Run totals in Newman's `run.stats` / `run.timings` shape, accumulated execution by
//! execution so nothing but counters is kept.

use std::time::SystemTime;

use super::event::{AssertionStatus, Execution, ScriptPhase};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counter {
    pub total: u64,
    pub pending: u64,
    pub failed: u64,
}

impl Counter {
    fn add(&mut self, failed: bool) {
        self.total += 1;
        if failed {
            self.failed += 1;
        }
    }
}

#[derive(Clone, Debug, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    pub iterations: Counter,
    pub items: Counter,
    pub scripts: Counter,
    pub prerequests: Counter,
    pub requests: Counter,
    pub tests: Counter,
    pub assertions: Counter,
    pub test_scripts: Counter,
    pub prerequest_scripts: Counter,
    /// Requests sent per route, in order of first use: each proxy (masked), and direct
    /// per rule that sent requests there.
    pub routes: Vec<RouteCount>,
}

/// One row of the routes table.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RouteCount {
    /// `direct` or `proxy http://***:***@host:port`.
    pub route: String,
    /// For direct: the rule that sent requests there (`NO_PROXY .corp`); `None` for a proxy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    pub requests: u64,
}

impl RouteCount {
    /// `direct (NO_PROXY .corp)` or the proxy.
    pub fn label(&self) -> String {
        match &self.rule {
            Some(rule) => format!("{} ({rule})", self.route),
            None => self.route.clone(),
        }
    }
}

impl Stats {
    fn count_route(&mut self, route: &str, rule: &str) {
        let rule = (route == "direct").then(|| rule.to_string());
        match self.routes.iter_mut().find(|r| r.route == route && r.rule == rule) {
            Some(row) => row.requests += 1,
            None => self.routes.push(RouteCount { route: route.to_string(), rule, requests: 1 }),
        }
    }
}

/// One line of the failure list: what failed, and where.
#[derive(Clone, Debug)]
pub struct FailureRecord {
    pub iteration: usize,
    pub position: usize,
    pub full_name: String,
    /// `assertion`, `request`, `prerequest-script`, `test-script`.
    pub at: String,
    /// For an assertion: its place among the execution's assertions (Newman's
    /// `assertion:N in test-script`); 0 otherwise.
    pub index: usize,
    pub name: String,
    pub message: String,
}

#[derive(Clone, Debug)]
pub struct Summary {
    pub stats: Stats,
    pub started: SystemTime,
    pub completed: SystemTime,
    pub response_count: u64,
    pub response_total_ms: f64,
    pub response_min_ms: f64,
    pub response_max_ms: f64,
    response_sq_sum: f64,
    /// Bytes of response bodies received.
    pub transfer_total: u64,
    pub failures: Vec<FailureRecord>,
    /// Why the run stopped early, if it did (timeout, interrupt, a fatal error).
    pub error: Option<String>,
}

impl Summary {
    pub fn new(started: SystemTime) -> Self {
        Summary {
            stats: Stats::default(),
            started,
            completed: started,
            response_count: 0,
            response_total_ms: 0.0,
            response_min_ms: 0.0,
            response_max_ms: 0.0,
            response_sq_sum: 0.0,
            transfer_total: 0,
            failures: Vec::new(),
            error: None,
        }
    }

    pub fn response_average_ms(&self) -> f64 {
        if self.response_count == 0 { 0.0 } else { self.response_total_ms / self.response_count as f64 }
    }

    /// Population standard deviation, as Newman reports it.
    pub fn response_sd_ms(&self) -> f64 {
        if self.response_count == 0 {
            return 0.0;
        }
        let mean = self.response_average_ms();
        (self.response_sq_sum / self.response_count as f64 - mean * mean).max(0.0).sqrt()
    }

    pub fn failed(&self) -> bool {
        !self.failures.is_empty() || self.error.is_some()
    }

    fn add_response(&mut self, time: std::time::Duration, counted: u64) {
        let ms = time.as_secs_f64() * 1000.0;
        if self.response_count == 0 || ms < self.response_min_ms {
            self.response_min_ms = ms;
        }
        if ms > self.response_max_ms {
            self.response_max_ms = ms;
        }
        self.response_count += 1;
        self.response_total_ms += ms;
        self.response_sq_sum += ms * ms;
        self.transfer_total += counted;
    }

    pub fn record(&mut self, e: &Execution) {
        let s = &mut self.stats;
        s.items.add(e.failed());
        if !e.skipped {
            s.requests.add(e.error.is_some());
        }
        // Newman counts a digest challenge's exchange as a request, and its response in the
        // timings and transfers.
        if e.challenge.is_some() {
            s.requests.add(false);
        }
        for side in &e.side_requests {
            s.requests.add(side.outcome.is_err());
            if !side.route_rule.is_empty() {
                s.count_route(&side.route, &side.route_rule);
            }
        }
        if e.request.is_some() && !e.route_rule.is_empty() {
            s.count_route(&e.route, &e.route_rule);
        }
        let pre_failed = e.script_errors.iter().any(|x| x.phase == ScriptPhase::PreRequest);
        let test_failed = e.script_errors.iter().any(|x| x.phase == ScriptPhase::Test);
        if e.ran_prerequest {
            s.prerequests.add(pre_failed);
            s.prerequest_scripts.add(pre_failed);
            s.scripts.add(pre_failed);
        }
        if e.ran_test {
            s.tests.add(test_failed);
            s.test_scripts.add(test_failed);
            s.scripts.add(test_failed);
        }
        for a in &e.assertions {
            s.assertions.add(a.status == AssertionStatus::Failed);
        }
        if let Some(r) = &e.response {
            self.add_response(r.time, counted_size(&r.headers, r.size));
        }
        if let Some(c) = &e.challenge {
            self.add_response(c.time, c.counted_size);
        }
        // Newman's timings and transfers count the responses scripts got too.
        for side in &e.side_requests {
            if let Ok(r) = &side.outcome {
                self.add_response(r.time, r.counted_size);
            }
        }
        let base = |at: &str, name: &str, message: &str| FailureRecord {
            iteration: e.cursor.iteration,
            position: e.cursor.position,
            full_name: e.full_name.clone(),
            at: at.to_string(),
            index: 0,
            name: name.to_string(),
            message: message.to_string(),
        };
        // In the order Newman meets them (and the CLI prints them): the pre-request script's
        // errors and requests, the item's request, then the test script's.
        for phase in [ScriptPhase::PreRequest, ScriptPhase::Test] {
            if phase == ScriptPhase::Test
                && let Some(err) = &e.error
            {
                self.failures.push(base("request", &err.kind, &err.message));
            }
            for x in e.script_errors.iter().filter(|x| x.phase == phase) {
                let at = format!("{}-script", x.phase.as_str());
                self.failures.push(base(&at, &x.name, &x.message));
            }
            for err in e.side_requests.iter().filter(|x| x.phase == phase).filter_map(|x| x.outcome.as_ref().err()) {
                self.failures.push(base("request", &err.kind, &err.message));
            }
        }
        for (index, a) in e.assertions.iter().enumerate().filter(|(_, a)| a.status == AssertionStatus::Failed) {
            let message = a.error.as_ref().map(|(_, m)| m.as_str()).unwrap_or_default();
            let failure = base("assertion", "AssertionError", message);
            self.failures.push(FailureRecord { name: a.name.clone(), index, ..failure });
        }
    }
}

/// The body size Newman adds to `responseTotal` (postman-collection's `Response#size`): the
/// declared `Content-Length` of a gzip or deflate body, else the bytes as decoded (a
/// brotli body counts decoded, as there).
pub fn counted_size(headers: &[(String, String)], decoded: u64) -> u64 {
    let header = |name: &str| headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
    let compressed = header("content-encoding").is_some_and(|e| {
        let e = e.to_ascii_lowercase();
        e.contains("gzip") || e.contains("deflate")
    });
    match header("content-length").map(str::trim).and_then(|l| l.parse::<u64>().ok()) {
        Some(declared) if compressed => declared,
        _ => decoded,
    }
}

#[cfg(test)]
mod tests {
    use super::counted_size;

    #[test]
    fn compressed_bodies_count_their_declared_length_as_in_newman() {
        let h = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
        assert_eq!(counted_size(&h(&[("Content-Encoding", "gzip"), ("Content-Length", "40")]), 120), 40);
        assert_eq!(counted_size(&h(&[("content-encoding", "Deflate"), ("content-length", "7")]), 9), 7);
        assert_eq!(counted_size(&h(&[("Content-Encoding", "br"), ("Content-Length", "40")]), 120), 120);
        assert_eq!(counted_size(&h(&[("Content-Encoding", "gzip")]), 120), 120, "chunked: decoded");
        assert_eq!(counted_size(&h(&[("Content-Length", "5")]), 5), 5);
    }
}
