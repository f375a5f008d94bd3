//! Shards: one experiment split over machines. `--shard K/N` runs the jobs
//! whose index is K − 1 modulo N (a deterministic subset) and writes a shard
//! file; `handoff-sim merge` checks that a set of shard files belongs to one
//! experiment and is complete, and writes the same report one machine would.
//!
//! A shard file holds what the statistics consume: every job's full summary
//! (replication r of scenario or point p) and, for `run`, its trace (the
//! series a replicated run's report pools), at full precision — never an
//! already-pooled figure. Pooling across replications (means, ratio
//! estimators, paired differences) starts from per-replication summaries,
//! so the merged result is exactly the unsharded one. The file also carries
//! what is needed to rebuild the experiment — the scenario text, the sweep
//! parameters, the command-line thresholds — and a fingerprint of all of it
//! with the program version, so shards of different experiments never mix.
//!
//! The scheduling is an existing batch engine's (see `deploy/`): a
//! Kubernetes Indexed Job or a Slurm job array gives each task its index.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use handoff_model::error::{Error, Result};

use crate::Job;

/// The shard file layout; 2 adds each replicated run's trace.
pub const FORMAT: u32 = 2;

/// Largest number of shards.
pub const MAX_SHARDS: u32 = 10_000;

/// `K/N`: this is shard K (1-based) of N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    pub fn parse(text: &str) -> std::result::Result<Shard, String> {
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not K/N (e.g. 2/8)"))?;
        let number = |s: &str| {
            s.trim()
                .parse::<u32>()
                .map_err(|_| format!("`{text}` is not K/N with whole numbers (e.g. 2/8)"))
        };
        let (index, count) = (number(k)?, number(n)?);
        if count == 0 || count > MAX_SHARDS {
            return Err(format!(
                "the shard count must be 1 to {MAX_SHARDS}, got {count}"
            ));
        }
        if index == 0 || index > count {
            return Err(format!(
                "the shard index must be 1 to {count} (shards are numbered from 1), got {index}"
            ));
        }
        Ok(Shard { index, count })
    }

    /// The job indices of `0..total` this shard runs.
    pub fn select(&self, total: usize) -> Vec<usize> {
        (0..total)
            .filter(|i| i % self.count as usize == (self.index - 1) as usize)
            .collect()
    }
}

/// Which command the shard belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Run,
    Compare,
    Sweep,
}

/// What rebuilds the experiment (and is fingerprinted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub kind: Kind,
    /// The scenario file as named on the command line (for messages).
    pub file: String,
    /// The scenario text as run (with any `--seed` written in).
    pub source: String,
    pub replications: u32,
    /// `--set` values of a sweep (empty: the scenario's `[sweep]`).
    pub sets: Vec<String>,
    /// `--threshold` values and `--threshold-on`.
    pub thresholds: Vec<String>,
    pub threshold_on: Option<String>,
    /// Jobs in the whole experiment.
    pub total_jobs: usize,
}

impl Plan {
    /// FNV-1a over the plan (but the scenario file's name, which workers
    /// may spell differently) and the program version.
    pub fn fingerprint(&self, shards: u32) -> String {
        let hashed = Plan {
            file: String::new(),
            ..self.clone()
        };
        let text = serde_json::to_string(&hashed).expect("a plan serialises");
        let bytes = text
            .bytes()
            .chain(env!("CARGO_PKG_VERSION").bytes())
            .chain(shards.to_le_bytes());
        format!(
            "{:016x}",
            handoff_model::metrics::fnv1a_bytes(handoff_model::metrics::FNV_OFFSET, bytes)
        )
    }
}

/// A shard file (`shard-K-of-N.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardFile {
    pub format: u32,
    pub fingerprint: String,
    pub shard: u32,
    pub shards: u32,
    pub plan: Plan,
    /// (job index, that run's summary), in job order.
    pub jobs: Vec<(usize, Job)>,
}

impl ShardFile {
    pub fn new(plan: Plan, shard: Shard, jobs: Vec<(usize, Job)>) -> ShardFile {
        ShardFile {
            format: FORMAT,
            fingerprint: plan.fingerprint(shard.count),
            shard: shard.index,
            shards: shard.count,
            plan,
            jobs,
        }
    }

    pub fn file_name(&self) -> String {
        format!("shard-{}-of-{}.json", self.shard, self.shards)
    }
}

fn bad(file: &Path, message: String) -> Error {
    Error::Input {
        file: file.to_path_buf(),
        line: None,
        field: None,
        message,
    }
}

/// Every `shard-*.json` below `dirs` (recursively), sorted by path.
fn shard_paths(dirs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(&path, out)?;
            } else if path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("shard-") && n.ends_with(".json"))
            {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for dir in dirs {
        if !dir.is_dir() {
            return Err(bad(dir, "not a folder of shard files".into()));
        }
        walk(dir, &mut out).map_err(|e| bad(dir, format!("cannot read: {e}")))?;
    }
    out.sort();
    Ok(out)
}

/// Reads the shard files below `dirs`, checks that they are one complete
/// experiment, and returns its plan and every job's summary in job order.
pub fn merge(dirs: &[PathBuf]) -> Result<(Plan, Vec<(usize, Job)>)> {
    let paths = shard_paths(dirs)?;
    let Some(first_path) = paths.first() else {
        return Err(Error::InvalidArgument {
            name: "merge",
            message: format!(
                "no shard files (shard-K-of-N.json) under {}",
                dirs.iter()
                    .map(|d| d.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    };
    let mut shards: BTreeMap<u32, ShardFile> = BTreeMap::new();
    let mut reference: Option<(PathBuf, String, u32)> = None;
    for path in &paths {
        let text =
            std::fs::read_to_string(path).map_err(|e| bad(path, format!("cannot read: {e}")))?;
        #[derive(Deserialize)]
        struct Header {
            format: u32,
        }
        let header: Header =
            serde_json::from_str(&text).map_err(|e| bad(path, format!("not a shard file: {e}")))?;
        if header.format != FORMAT {
            return Err(bad(
                path,
                format!(
                    "a shard file of format {}; this version reads format {FORMAT}: run the shard again",
                    header.format
                ),
            ));
        }
        let shard: ShardFile =
            serde_json::from_str(&text).map_err(|e| bad(path, format!("not a shard file: {e}")))?;
        if shard.fingerprint != shard.plan.fingerprint(shard.shards) {
            return Err(bad(
                path,
                "its fingerprint does not match its contents (edited, or written by another version)"
                    .into(),
            ));
        }
        match &reference {
            None => reference = Some((path.clone(), shard.fingerprint.clone(), shard.shards)),
            Some((first, fingerprint, _)) if *fingerprint != shard.fingerprint => {
                return Err(bad(
                    path,
                    format!(
                        "belongs to another experiment than {} (fingerprint {} ≠ {fingerprint}): a different scenario, grid, seed, replication count, shard count or program version",
                        first.display(),
                        shard.fingerprint
                    ),
                ));
            }
            Some(_) => {}
        }
        shards.entry(shard.shard).or_insert(shard);
    }
    let (_, _, count) = reference.expect("at least one shard file was read");
    let missing: Vec<String> = (1..=count)
        .filter(|k| !shards.contains_key(k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(bad(
            first_path.parent().unwrap_or(Path::new(".")),
            format!("incomplete shard set: missing {}", missing.join(", ")),
        ));
    }
    let plan = shards
        .values()
        .next()
        .expect("a complete set has shard 1")
        .plan
        .clone();
    let mut jobs: Vec<(usize, Job)> = shards.into_values().flat_map(|s| s.jobs).collect();
    jobs.sort_by_key(|(i, _)| *i);
    let complete =
        jobs.len() == plan.total_jobs && jobs.iter().enumerate().all(|(k, (i, _))| k == *i);
    if !complete {
        return Err(bad(
            first_path,
            format!(
                "the shards hold {} of {} jobs, or some twice",
                jobs.len(),
                plan.total_jobs
            ),
        ));
    }
    Ok((plan, jobs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_the_jobs_exactly() {
        let shards: Vec<Vec<usize>> = (1..=3)
            .map(|k| Shard { index: k, count: 3 }.select(10))
            .collect();
        assert_eq!(shards[0], vec![0, 3, 6, 9]);
        let mut all: Vec<usize> = shards.concat();
        all.sort();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn shard_specs_say_what_is_wrong() {
        assert_eq!(Shard::parse("2/8"), Ok(Shard { index: 2, count: 8 }));
        assert!(Shard::parse("0/8").unwrap_err().contains("numbered from 1"));
        assert!(Shard::parse("9/8").unwrap_err().contains("must be 1 to 8"));
        assert!(Shard::parse("1/0").unwrap_err().contains("shard count"));
        assert!(Shard::parse("two/8").unwrap_err().contains("whole numbers"));
        assert!(Shard::parse("2").unwrap_err().contains("not K/N"));
    }

    #[test]
    fn the_fingerprint_covers_the_plan() {
        let plan = Plan {
            kind: Kind::Run,
            file: "s.toml".into(),
            source: "x".into(),
            replications: 4,
            sets: vec![],
            thresholds: vec![],
            threshold_on: None,
            total_jobs: 4,
        };
        let other = Plan {
            replications: 5,
            ..plan.clone()
        };
        assert_ne!(plan.fingerprint(2), other.fingerprint(2));
        assert_ne!(plan.fingerprint(2), plan.fingerprint(3));
        assert_eq!(plan.fingerprint(2), plan.clone().fingerprint(2));
        let elsewhere = Plan {
            file: "./s.toml".into(),
            ..plan.clone()
        };
        assert_eq!(plan.fingerprint(2), elsewhere.fingerprint(2));
    }
}
