//! What the HTML report's static parts are drawn from, gathered execution by execution in
//! fixed memory: a response-time histogram (for p95 and the distribution chart), a
//! plan-order timeline folded into a bounded number of bins, and per-folder verdicts.

use std::time::Duration;

use crate::report::event::{AssertionStatus, Execution};

/// Timeline bars drawn at most; longer runs fold neighbouring executions into one bar.
pub const MAX_TIMELINE_BINS: usize = 240;

/// Folders shown in the per-folder chart; the rest are summed into one row.
pub const MAX_FOLDERS: usize = 40;

/// Response times bucketed at 0.1 ms below 100 ms, 1 ms below 10 s and 100 ms below
/// 10 min: a p95 within a bucket's width, in about 134 KB whatever the run's size.
#[derive(Clone, Debug)]
pub struct Latency {
    buckets: Vec<u64>,
    count: u64,
}

const FINE_END_US: u64 = 100_000;
const MID_END_US: u64 = 10_000_000;
const COARSE_END_US: u64 = 600_000_000;
const FINE: usize = (FINE_END_US / 100) as usize;
const MID: usize = ((MID_END_US - FINE_END_US) / 1000) as usize;
const COARSE: usize = ((COARSE_END_US - MID_END_US) / 100_000) as usize;

impl Default for Latency {
    fn default() -> Self {
        Latency { buckets: vec![0; FINE + MID + COARSE + 1], count: 0 }
    }
}

impl Latency {
    fn bucket(us: u64) -> usize {
        if us < FINE_END_US {
            (us / 100) as usize
        } else if us < MID_END_US {
            FINE + ((us - FINE_END_US) / 1000) as usize
        } else if us < COARSE_END_US {
            FINE + MID + ((us - MID_END_US) / 100_000) as usize
        } else {
            FINE + MID + COARSE
        }
    }

    /// The upper edge of bucket `i`, in milliseconds.
    fn upper_ms(i: usize) -> f64 {
        let us = if i < FINE {
            (i as u64 + 1) * 100
        } else if i < FINE + MID {
            FINE_END_US + (i - FINE) as u64 * 1000 + 1000
        } else {
            MID_END_US + (i - FINE - MID) as u64 * 100_000 + 100_000
        };
        us as f64 / 1000.0
    }

    pub fn add(&mut self, time: Duration) {
        let us = u64::try_from(time.as_micros()).unwrap_or(u64::MAX);
        self.buckets[Self::bucket(us)] += 1;
        self.count += 1;
    }

    /// The `q`-quantile (nearest rank), as the upper edge of its bucket, capped at `max_ms`
    /// (the true maximum, so a one-response run shows its own time).
    pub fn quantile(&self, q: f64, max_ms: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let rank = ((q * self.count as f64).ceil() as u64).clamp(1, self.count);
        let mut seen = 0;
        for (i, n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= rank {
                let edge = if i == self.buckets.len() - 1 { max_ms } else { Self::upper_ms(i) };
                return Some(edge.min(max_ms));
            }
        }
        Some(max_ms)
    }

    /// Counts per display band (`DISPLAY_EDGES_MS`): how many responses took less than
    /// each edge and at least the previous one; the last band is open-ended.
    pub fn bands(&self) -> Vec<u64> {
        let mut out = vec![0; DISPLAY_EDGES_MS.len() + 1];
        for (i, n) in self.buckets.iter().enumerate().filter(|(_, n)| **n > 0) {
            // a bucket lies wholly inside one band: every edge is a multiple of its width
            let low_ms = if i == 0 { 0.0 } else { Self::upper_ms(i - 1) };
            let band = DISPLAY_EDGES_MS.iter().position(|&edge| low_ms < edge).unwrap_or(DISPLAY_EDGES_MS.len());
            out[band] += n;
        }
        out
    }
}

/// Band edges of the distribution chart, in ms: a 1-2-5 scale reads well from a local
/// server's 0.2 ms to a slow API's seconds.
pub const DISPLAY_EDGES_MS: &[f64] =
    &[1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0];

/// One timeline bar: a run of consecutive executions in plan order.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Bin {
    /// Index (0-based, in report order) of the first execution in the bar.
    pub first: u64,
    pub count: u64,
    pub failed: u64,
    /// Executions that got a response: the average is theirs.
    pub responded: u64,
    pub total_ms: f64,
    pub max_ms: f64,
}

impl Bin {
    fn merge(&mut self, other: &Bin) {
        self.count += other.count;
        self.failed += other.failed;
        self.responded += other.responded;
        self.total_ms += other.total_ms;
        self.max_ms = self.max_ms.max(other.max_ms);
    }

    pub fn average_ms(&self) -> f64 {
        if self.responded == 0 { 0.0 } else { self.total_ms / self.responded as f64 }
    }
}

/// Executions in plan order folded into at most `MAX_TIMELINE_BINS` bars of equal width:
/// when the bars are full, neighbours merge in pairs and the width doubles.
#[derive(Clone, Debug)]
pub struct Timeline {
    bins: Vec<Bin>,
    width: u64,
    seen: u64,
}

impl Default for Timeline {
    fn default() -> Self {
        Timeline { bins: Vec::new(), width: 1, seen: 0 }
    }
}

impl Timeline {
    /// One execution: its response time, or `None` when nothing came back.
    pub fn add(&mut self, ms: Option<f64>, failed: bool) {
        if self.seen.is_multiple_of(self.width) {
            if self.bins.len() == MAX_TIMELINE_BINS {
                self.fold();
            }
            if self.seen.is_multiple_of(self.width) {
                self.bins.push(Bin { first: self.seen, ..Bin::default() });
            }
        }
        let last = self.bins.len() - 1;
        let (responded, ms) = (u64::from(ms.is_some()), ms.unwrap_or(0.0));
        let one = Bin { first: 0, count: 1, failed: u64::from(failed), responded, total_ms: ms, max_ms: ms };
        self.bins[last].merge(&one);
        self.seen += 1;
    }

    fn fold(&mut self) {
        let folded: Vec<Bin> = self
            .bins
            .chunks(2)
            .map(|pair| {
                let mut bin = pair[0];
                if let Some(next) = pair.get(1) {
                    bin.merge(next);
                }
                bin
            })
            .collect();
        self.bins = folded;
        self.width *= 2;
    }

    pub fn bins(&self) -> &[Bin] {
        &self.bins
    }

    #[cfg(test)]
    pub fn width(&self) -> u64 {
        self.width
    }
}

/// Requests passed and failed under one top-level folder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FolderTally {
    pub name: String,
    pub passed: u64,
    pub failed: u64,
}

/// Everything the static page needs beyond the run's `Summary`.
#[derive(Clone, Debug, Default)]
pub struct Digest {
    pub latency: Latency,
    pub timeline: Timeline,
    pub folders: Vec<FolderTally>,
    /// Executions past `MAX_FOLDERS` distinct folders, summed.
    pub other_folders: FolderTally,
    pub assertions_passed: u64,
    pub assertions_skipped: u64,
    pub executions: u64,
}

/// The top-level folder of an execution (`Folder / Sub / Request` → `Folder`), or `None`
/// for a request at the collection's root.
pub fn top_folder(full_name: &str, item_name: &str) -> Option<String> {
    let parents = full_name.strip_suffix(item_name)?.strip_suffix(" / ")?;
    // a folder's own name may hold " / ": the item name is cut off whole, the first
    // separator then splits the top folder from the rest
    Some(parents.split(" / ").next().unwrap_or(parents).to_string())
}

/// The folder an execution is counted and filtered under.
pub fn folder_label(full_name: &str, item_name: &str) -> String {
    top_folder(full_name, item_name).unwrap_or_else(|| ROOT.to_string())
}

/// Requests at the collection's root, in the folder chart and filter.
pub const ROOT: &str = "(collection root)";

impl Digest {
    pub fn add(&mut self, e: &Execution) {
        let failed = e.failed();
        self.executions += 1;
        let ms = e.response.as_ref().map(|r| {
            self.latency.add(r.time);
            r.time.as_secs_f64() * 1000.0
        });
        self.timeline.add(ms, failed);
        for a in &e.assertions {
            match a.status {
                AssertionStatus::Passed => self.assertions_passed += 1,
                AssertionStatus::Skipped => self.assertions_skipped += 1,
                AssertionStatus::Failed => {}
            }
        }
        let name = folder_label(&e.full_name, &e.item_name);
        let tally = match self.folders.iter().position(|f| f.name == name) {
            Some(i) => &mut self.folders[i],
            None if self.folders.len() < MAX_FOLDERS => {
                self.folders.push(FolderTally { name, ..FolderTally::default() });
                let last = self.folders.len() - 1;
                &mut self.folders[last]
            }
            None => &mut self.other_folders,
        };
        if failed {
            tally.failed += 1;
        } else {
            tally.passed += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p95_is_nearest_rank_within_a_bucket() {
        let mut l = Latency::default();
        for ms in 1..=100u64 {
            l.add(Duration::from_millis(ms));
        }
        // 95th of 100 sorted values is 95 ms: its bucket is [95.0, 95.1)
        let p95 = l.quantile(0.95, 100.0).unwrap();
        assert!((95.0..=95.1).contains(&p95), "{p95}");
        let mut one = Latency::default();
        one.add(Duration::from_micros(1234));
        assert_eq!(one.quantile(0.95, 1.234), Some(1.234));
        assert_eq!(Latency::default().quantile(0.95, 0.0), None);
        let mut slow = Latency::default();
        slow.add(Duration::from_secs(3600));
        assert_eq!(slow.quantile(0.5, 3_600_000.0), Some(3_600_000.0));
    }

    #[test]
    fn bands_follow_the_display_edges() {
        let mut l = Latency::default();
        for us in [200, 999, 1000, 1500, 4999, 5000, 250_000, 12_000_000] {
            l.add(Duration::from_micros(us));
        }
        let bands = l.bands();
        assert_eq!(bands.len(), DISPLAY_EDGES_MS.len() + 1);
        assert_eq!(bands[0], 2, "< 1 ms");
        assert_eq!(bands[1], 2, "1-2 ms");
        assert_eq!(bands[2], 1, "2-5 ms");
        assert_eq!(bands[3], 1, "5-10 ms");
        assert_eq!(bands[8], 1, "200-500 ms");
        assert_eq!(bands[13], 1, "10 s and more");
        assert_eq!(bands.iter().sum::<u64>(), 8);
    }

    #[test]
    fn the_timeline_folds_into_bounded_bins_and_keeps_every_execution() {
        let mut t = Timeline::default();
        for i in 0..1000u64 {
            t.add(Some(i as f64), i % 100 == 0);
        }
        assert!(t.bins().len() <= MAX_TIMELINE_BINS);
        assert_eq!(t.bins().iter().map(|b| b.count).sum::<u64>(), 1000);
        assert_eq!(t.bins().iter().map(|b| b.failed).sum::<u64>(), 10);
        assert_eq!(t.width(), 8);
        // bars are consecutive and start where the previous one ended
        for pair in t.bins().windows(2) {
            assert_eq!(pair[0].first + pair[0].count, pair[1].first);
        }
        assert_eq!(t.bins().last().unwrap().max_ms, 999.0);
        let mut small = Timeline::default();
        small.add(Some(3.0), false);
        small.add(Some(5.0), true);
        assert_eq!(small.bins().len(), 2);
        assert_eq!(small.bins()[1], Bin { first: 1, count: 1, failed: 1, responded: 1, total_ms: 5.0, max_ms: 5.0 });
        // a request error has no time: it does not pull its bar's average down
        let mut bin = Bin::default();
        bin.merge(&Bin { count: 1, responded: 1, total_ms: 8.0, max_ms: 8.0, ..Bin::default() });
        bin.merge(&Bin { count: 1, failed: 1, ..Bin::default() });
        assert_eq!(bin.average_ms(), 8.0);
    }

    #[test]
    fn the_top_folder_comes_from_the_path() {
        assert_eq!(top_folder("Users / Admin / Get", "Get").as_deref(), Some("Users"));
        assert_eq!(top_folder("Users / Get", "Get").as_deref(), Some("Users"));
        assert_eq!(top_folder("Get", "Get"), None);
        assert_eq!(top_folder("A/B / x / y", "x / y").as_deref(), Some("A/B"));
    }
}
