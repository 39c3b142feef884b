//! Splitting a run across CI machines (`--shard i/n`): which shard this process is, and
//! which of the plan's lanes it runs. Pure: the environment comes in as a lookup, timings
//! as numbers.
//!
//! The split is deterministic (same lanes and weights, same split on every machine) and
//! balanced: by lane count (lane k goes to shard k mod n), or, with weights from an
//! earlier run, longest lanes first onto the least loaded shard.

use std::fmt;

/// Shard `index` of `total`, 1-based as users write it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardSpec {
    pub index: usize,
    pub total: usize,
}

impl fmt::Display for ShardSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.total)
    }
}

impl ShardSpec {
    /// `i/n` with 1 ≤ i ≤ n.
    pub fn parse(text: &str) -> Result<ShardSpec, String> {
        let fix = "write it as i/n with 1 <= i <= n, e.g. --shard 2/4, or --shard auto";
        let (i, n) = text.trim().split_once('/').ok_or_else(|| format!("`{text}` is not a shard: {fix}"))?;
        let number = |s: &str| s.trim().parse::<usize>().map_err(|_| format!("`{text}` is not a shard: {fix}"));
        let (index, total) = (number(i)?, number(n)?);
        if index == 0 || total == 0 || index > total {
            return Err(format!("`{text}` is not a shard: {fix}"));
        }
        Ok(ShardSpec { index, total })
    }

    /// `--shard auto`: postie's own `POSTIE_SHARD=i/n`, then GitLab's `CI_NODE_INDEX` /
    /// `CI_NODE_TOTAL` (1-based), then Buildkite's `BUILDKITE_PARALLEL_JOB` (0-based) /
    /// `BUILDKITE_PARALLEL_JOB_COUNT`. Returns the shard and where it came from.
    pub fn from_ci(env: &dyn Fn(&str) -> Option<String>) -> Result<(ShardSpec, &'static str), String> {
        if let Some(text) = env("POSTIE_SHARD") {
            return ShardSpec::parse(&text).map(|s| (s, "POSTIE_SHARD")).map_err(|e| format!("POSTIE_SHARD: {e}"));
        }
        let number = |name: &str| -> Result<Option<usize>, String> {
            env(name)
                .map(|v| v.trim().parse::<usize>().map_err(|_| format!("{name}=`{v}` is not a number")))
                .transpose()
        };
        let pairs: [(&str, &str, usize, &'static str); 2] = [
            ("CI_NODE_INDEX", "CI_NODE_TOTAL", 0, "GitLab CI_NODE_INDEX/CI_NODE_TOTAL"),
            ("BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT", 1, "Buildkite BUILDKITE_PARALLEL_JOB/_COUNT"),
        ];
        for (index_var, total_var, offset, source) in pairs {
            if let (Some(index), Some(total)) = (number(index_var)?, number(total_var)?) {
                let spec =
                    ShardSpec::parse(&format!("{}/{total}", index + offset)).map_err(|e| format!("{source}: {e}"))?;
                return Ok((spec, source));
            }
        }
        Err("--shard auto: no shard in the environment; set POSTIE_SHARD=i/n, or run under GitLab `parallel:` (CI_NODE_INDEX, CI_NODE_TOTAL) or Buildkite parallelism (BUILDKITE_PARALLEL_JOB, BUILDKITE_PARALLEL_JOB_COUNT)".into())
    }
}

/// The lanes (indices into the plan's lane list) each shard runs, in lane order.
/// `weights[k]` is lane k's expected duration when known from an earlier run.
pub fn split(lanes: usize, total: usize, weights: Option<&[f64]>) -> Vec<Vec<usize>> {
    let total = total.max(1);
    let mut shards = vec![Vec::new(); total];
    match weights {
        None => {
            for lane in 0..lanes {
                shards[lane % total].push(lane);
            }
        }
        Some(weights) => {
            // Longest first onto the least loaded shard; ties by lane index, then shard index.
            let weight = |k: usize| weights.get(k).copied().filter(|w| w.is_finite() && *w >= 0.0).unwrap_or(0.0);
            let mut order: Vec<usize> = (0..lanes).collect();
            order.sort_by(|&a, &b| weight(b).total_cmp(&weight(a)).then(a.cmp(&b)));
            let mut load = vec![0.0f64; total];
            let mut count = vec![0usize; total];
            for lane in order {
                let target = (0..total)
                    .min_by(|&x, &y| load[x].total_cmp(&load[y]).then(count[x].cmp(&count[y])).then(x.cmp(&y)))
                    .unwrap_or(0);
                load[target] += weight(lane);
                count[target] += 1;
                shards[target].push(lane);
            }
            for shard in &mut shards {
                shard.sort_unstable();
            }
        }
    }
    shards
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses_shards() {
        assert_eq!(ShardSpec::parse("2/4"), Ok(ShardSpec { index: 2, total: 4 }));
        assert_eq!(ShardSpec::parse(" 1 / 1 "), Ok(ShardSpec { index: 1, total: 1 }));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", "", "-1/2"] {
            assert!(ShardSpec::parse(bad).unwrap_err().contains("i/n"), "{bad}");
        }
    }

    #[test]
    fn reads_each_ci_and_says_which() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
        };
        type Vars = &'static [(&'static str, &'static str)];
        type Expected = Result<(usize, usize, &'static str), &'static str>;
        let cases: [(Vars, Expected); 6] = [
            (&[("POSTIE_SHARD", "2/3"), ("CI_NODE_INDEX", "1"), ("CI_NODE_TOTAL", "2")], Ok((2, 3, "POSTIE_SHARD"))),
            (&[("CI_NODE_INDEX", "1"), ("CI_NODE_TOTAL", "4")], Ok((1, 4, "GitLab"))),
            (&[("BUILDKITE_PARALLEL_JOB", "0"), ("BUILDKITE_PARALLEL_JOB_COUNT", "2")], Ok((1, 2, "Buildkite"))),
            (&[("BUILDKITE_PARALLEL_JOB", "2"), ("BUILDKITE_PARALLEL_JOB_COUNT", "2")], Err("Buildkite")),
            (&[("CI_NODE_INDEX", "x"), ("CI_NODE_TOTAL", "2")], Err("CI_NODE_INDEX=`x`")),
            (&[], Err("no shard in the environment")),
        ];
        for (vars, expected) in cases {
            let lookup = env(vars);
            match (ShardSpec::from_ci(&lookup), expected) {
                (Ok((spec, source)), Ok((i, n, from))) => {
                    assert_eq!((spec.index, spec.total), (i, n));
                    assert!(source.contains(from), "{source}");
                }
                (Err(e), Err(part)) => assert!(e.contains(part), "{e}"),
                (got, want) => panic!("{vars:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn count_split_is_balanced_complete_and_disjoint() {
        for (lanes, total) in [(0, 3), (1, 3), (7, 3), (9, 3), (100, 7)] {
            let shards = split(lanes, total, None);
            assert_eq!(shards.len(), total);
            let mut all: Vec<usize> = shards.concat();
            all.sort_unstable();
            assert_eq!(all, (0..lanes).collect::<Vec<_>>());
            let sizes: Vec<usize> = shards.iter().map(Vec::len).collect();
            assert!(sizes.iter().max().unwrap_or(&0) - sizes.iter().min().unwrap_or(&0) <= 1, "{sizes:?}");
        }
    }

    #[test]
    fn weighted_split_gives_a_slow_lane_a_shard_of_its_own() {
        // Lane 0 takes as long as the other nine together.
        let weights = [90.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0];
        let shards = split(10, 2, Some(&weights));
        assert_eq!(shards[0], vec![0]);
        assert_eq!(shards[1], (1..10).collect::<Vec<_>>());
        assert_eq!(split(10, 2, Some(&weights)), shards, "deterministic");
        // Equal weights: balanced by count.
        let even = split(6, 3, Some(&[1.0; 6]));
        assert!(even.iter().all(|s| s.len() == 2), "{even:?}");
    }
}
