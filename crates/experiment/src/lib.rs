//! Experiments and planning on top of runs: replications, comparisons on
//! common random numbers, sweeps, shards, thresholds judged, staffing
//! (`staff`) and shift schedules (`schedule`). Produces analyses, never
//! report pages or charts (that is `handoff-report`), and never changes the
//! model or the actors for an experiment.
//!
//! Experiments on top of [`handoff_actors::run`]: replications, variants and
//! their paired comparison on common random numbers, and thresholds (SLOs)
//! that gate a run with an exit code. The actors and the pure core do not
//! change for it: an experiment is a set of ordinary runs, each with its
//! own replication index, and statistics across their summaries.
//!
//! - [`overrides`]: dotted key paths applied to the scenario text, then
//!   validated exactly like a file (variants, `--set`).
//! - [`metrics`]: the headline metrics and the statistics across
//!   replications (ratio estimator, t intervals, paired differences, Holm).
//! - [`thresholds`]: `service_level >= 0.8` and friends.
//!
//! Common random numbers: replication r of every variant uses the streams
//! of replication r ([`handoff_model::rng`]), keyed by purpose and entity, so the
//! variants see the same customers — arrival times, channels, intents,
//! ground truth, patience, utterances and bot answers (streams `Arrivals`,
//! `Customer`, `CustomerTurn`, `AiTurn`, keyed by conversation id) — and the
//! same base handle time and resolution draw for a conversation
//! (`Handling`, keyed by conversation id, whichever agent takes it). What
//! differs between variants is only what the variant changes (a transfer
//! adds a briefing, staffing changes who waits) and what follows from it:
//! repeat contacts (they exist only after an unresolved outcome) and
//! agents' wrap-up draws (`Agent`, keyed by agent and its contact count).
//! `tests/experiments.rs` checks the shared draws.
//!
//! Runs go in parallel on a rayon pool of `jobs` threads, one actix system
//! per run on its worker thread; results are collected in replication
//! order, so they do not depend on the number of threads.

pub mod parts;
pub mod pooling;
pub mod schedule;
pub mod session;
pub mod shard;
pub mod shift_plan;
pub mod staff;
pub mod sweep;
pub mod thresholds;
pub mod trace;

use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use handoff_model::error::{Error, Result};
use handoff_model::figures::{self, Metric, Observation};
use handoff_model::overrides;
use handoff_model::scenario::Scenario;
use parts::Parts;
use pooling::{Aggregate, Difference};
use trace::{PooledRun, Trace};

/// Most runs (points × replications × variants) one command may ask for.
pub const MAX_RUNS: u64 = 100_000;

/// What one run of an experiment hands back: its summary as JSON and, when
/// asked for, its [`Trace`] (the series a replicated run's report pools).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub summary: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<Trace>,
}

/// Runs the jobs `selected` of an experiment on `jobs` threads: job `i` is
/// replication `i mod replications` of `scenarios[i / replications]`.
/// Returns (job index, result) in job order, each with its trace when
/// `traces` is set; `progress` (if any) ticks once per finished run.
pub fn run_jobs(
    scenarios: &[&Scenario],
    replications: u32,
    selected: &[usize],
    jobs: usize,
    traces: bool,
    progress: Option<&indicatif::ProgressBar>,
) -> Result<Vec<(usize, Job)>> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()
        .map_err(|e| Error::Runtime(format!("cannot start {jobs} worker threads: {e}")))?;
    let r = replications.max(1) as usize;
    pool.install(|| {
        selected
            .par_iter()
            .map(|&i| {
                let output = handoff_actors::run(scenarios[i / r], (i % r) as u64)?;
                if let Some(bar) = progress {
                    bar.inc(1);
                }
                let summary =
                    serde_json::to_value(&output.summary).expect("a summary always serialises");
                let trace = traces.then(|| Trace::of(&output.data));
                Ok((i, Job { summary, trace }))
            })
            .collect()
    })
}

/// Every job of an experiment of `scenarios` × `replications`.
pub fn all_jobs(scenarios: usize, replications: u32) -> Vec<usize> {
    (0..scenarios * replications as usize).collect()
}

/// Results in job order, grouped per scenario (chunks of `replications`).
pub fn group(results: Vec<(usize, Job)>, replications: u32) -> Vec<Vec<Job>> {
    let mut sorted = results;
    sorted.sort_by_key(|(i, _)| *i);
    let mut groups: Vec<Vec<Job>> = Vec::new();
    for (k, (_, job)) in sorted.into_iter().enumerate() {
        if k % replications.max(1) as usize == 0 {
            groups.push(Vec::new());
        }
        groups.last_mut().expect("pushed above").push(job);
    }
    groups
}

/// The summaries of `jobs`, in order.
pub fn summaries(jobs: &[Job]) -> Vec<Value> {
    jobs.iter().map(|j| j.summary.clone()).collect()
}

/// Runs replications `0..n` of `scenario` on `jobs` threads; their
/// summaries as JSON, in replication order.
pub fn replicate(scenario: &Scenario, n: u32, jobs: usize) -> Result<Vec<Value>> {
    let results = run_jobs(&[scenario], n, &all_jobs(1, n), jobs, false, None)?;
    Ok(results.into_iter().map(|(_, job)| job.summary).collect())
}

/// One metric over the replications of one scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricResult {
    pub metric: Metric,
    pub aggregate: Aggregate,
    /// The value in each replication, in order (`None`: not in that run).
    pub per_replication: Vec<Option<f64>>,
}

/// The observations of `metric` in each summary (in order); `None` where a
/// run lacks it.
pub fn observations(summaries: &[Value], metric: &Metric) -> Vec<Option<Observation>> {
    summaries
        .iter()
        .map(|s| figures::observe(s, &metric.path))
        .collect()
}

fn present(obs: &[Option<Observation>]) -> Vec<Observation> {
    obs.iter().flatten().copied().collect()
}

/// The headline metrics over replications (those present in some run),
/// with each pool's and channel's where there are several
/// ([`figures::reported`]).
pub fn summarise(summaries: &[Value]) -> Vec<MetricResult> {
    figures::reported(summaries)
        .into_iter()
        .filter_map(|metric| {
            let obs = observations(summaries, &metric);
            let present = present(&obs);
            (!present.is_empty()).then(|| MetricResult {
                aggregate: pooling::aggregate_reported(&metric, &present),
                per_replication: obs.iter().map(|o| o.map(|o| o.value)).collect(),
                metric,
            })
        })
        .collect()
}

/// The result of replicating one scenario (`replications.json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Replicated {
    pub schema_version: u32,
    pub scenario: String,
    pub seed: u64,
    pub replications: u32,
    /// How intervals are computed (see [`metrics`]).
    pub method: &'static str,
    pub metrics: Vec<MetricResult>,
    /// Every channel's, pool's and rule's figures pooled.
    pub parts: Parts,
    /// The replications' per-interval series and waits pooled, where the
    /// runs kept their traces (report.html, intervals.csv).
    #[serde(skip)]
    pub series: Option<PooledRun>,
}

/// How replicated figures are pooled, for the outputs.
pub const METHOD: &str = "mean over replications with a 95 % Student-t interval; \
estimates (ratios such as service level) pooled as sum(n*value)/sum(n) with the delta-method \
(ratio-estimator) variance; mean waits (ASA) on the reciprocal scale, so their interval is \
asymmetric; warm-up deleted in every replication";

impl Replicated {
    /// From the replications' summaries as JSON (in order).
    pub fn new(scenario: &Scenario, summaries: &[Value]) -> Replicated {
        Replicated {
            schema_version: 1,
            scenario: scenario.name.clone(),
            seed: scenario.seed,
            replications: summaries.len() as u32,
            method: METHOD,
            metrics: summarise(summaries),
            parts: Parts::of(summaries),
            series: None,
        }
    }

    /// From the replications' results (in order); their series are pooled
    /// when every run kept its trace. Takes the results, so no trace is
    /// copied.
    pub fn of_jobs(scenario: &Scenario, jobs: Vec<Job>) -> Replicated {
        let (summaries, traces): (Vec<Value>, Vec<Option<Trace>>) =
            jobs.into_iter().map(|j| (j.summary, j.trace)).unzip();
        let traces: Option<Vec<Trace>> = traces.into_iter().collect();
        Replicated {
            series: traces.and_then(|t| PooledRun::of(&t)),
            ..Replicated::new(scenario, &summaries)
        }
    }
}

/// A scenario variant: its name and the validated scenario it runs.
#[derive(Debug, Clone)]
pub struct Variant {
    pub name: String,
    pub scenario: Scenario,
}

/// The variants declared in `scenario` (`[[variants]]`), each applied to the
/// scenario text and validated like a scenario file. With none declared,
/// an error: there is nothing to compare.
pub fn variants(scenario: &Scenario, file: &Path) -> Result<Vec<Variant>> {
    if scenario.experiment.variants.len() < 2 {
        return Err(Error::InvalidArgument {
            name: "variants",
            message: format!(
                "{} declares {} [[variants]]; compare needs at least two (the first is the baseline)",
                file.display(),
                scenario.experiment.variants.len()
            ),
        });
    }
    scenario
        .experiment
        .variants
        .iter()
        .map(|spec| {
            let mut doc: toml_edit::DocumentMut = scenario
                .source
                .parse()
                .expect("a validated scenario's text parses");
            for (path, value) in &spec.overrides {
                overrides::set(&mut doc, path, value.clone()).map_err(|e| Error::Variant {
                    file: file.to_path_buf(),
                    variant: spec.name.clone(),
                    path: path.to_string(),
                    line: spec.line,
                    message: e.0,
                })?;
            }
            let text = doc.to_string();
            let parsed = Scenario::parse(&text, file).map_err(|e| Error::Variant {
                file: file.to_path_buf(),
                variant: spec.name.clone(),
                path: e.key.clone(),
                line: spec.line,
                message: e.message,
            })?;
            Ok(Variant {
                name: spec.name.clone(),
                scenario: parsed,
            })
        })
        .collect()
}

/// One metric across variants.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricComparison {
    pub metric: Metric,
    /// Per variant, in declaration order.
    pub variants: Vec<Aggregate>,
    /// Per variant after the first: the difference to the baseline.
    pub differences: Vec<Option<Difference>>,
}

/// `comparison.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub schema_version: u32,
    pub scenario: String,
    pub seed: u64,
    pub replications: u32,
    pub variants: Vec<String>,
    /// The first variant, against which differences are taken.
    pub baseline: String,
    pub method: &'static str,
    pub metrics: Vec<MetricComparison>,
}

/// How comparisons are made, for the outputs.
pub const COMPARE_METHOD: &str = "replication r of every variant runs on the same random \
numbers (common random numbers); differences to the baseline with a paired 95 % t interval \
over replications (and, for contrast, the unpaired Welch interval); significant = paired \
t test at 5 % after Holm's correction across the metrics of each variant";

/// A comparison and the summaries behind it (per variant, per replication,
/// as JSON), for thresholds.
#[derive(Debug, Clone)]
pub struct Compared {
    pub result: Comparison,
    pub summaries: Vec<Vec<Value>>,
}

/// Runs every variant × replication (on common random numbers) and compares
/// each variant with the first.
pub fn compare(variants: &[Variant], replications: u32, jobs: usize) -> Result<Compared> {
    let scenarios: Vec<&Scenario> = variants.iter().map(|v| &v.scenario).collect();
    let all = all_jobs(variants.len(), replications);
    let results = run_jobs(&scenarios, replications, &all, jobs, false, None)?;
    let by_variant = group(results, replications)
        .iter()
        .map(|jobs| summaries(jobs))
        .collect();
    Ok(analyse_comparison(variants, replications, by_variant))
}

/// The comparison of variants from their summaries (per variant, per
/// replication, as JSON): no runs, so shards can be merged into it.
pub fn analyse_comparison(
    variants: &[Variant],
    replications: u32,
    by_variant: Vec<Vec<Value>>,
) -> Compared {
    let all: Vec<Value> = by_variant.iter().flatten().cloned().collect();
    let mut metrics_out: Vec<MetricComparison> = figures::reported(&all)
        .into_iter()
        .filter_map(|metric| {
            let obs: Vec<Vec<Option<Observation>>> = by_variant
                .iter()
                .map(|s| observations(s, &metric))
                .collect();
            if obs.iter().all(|o| o.iter().all(Option::is_none)) {
                return None;
            }
            let aggregates = obs
                .iter()
                .map(|o| pooling::aggregate_reported(&metric, &present(o)))
                .collect();
            // Pairs: replications where both runs have the figure.
            let differences = obs[1..]
                .iter()
                .map(|o| {
                    let (base, other): (Vec<Observation>, Vec<Observation>) = obs[0]
                        .iter()
                        .zip(o)
                        .filter_map(|(b, v)| Some(((*b)?, (*v)?)))
                        .unzip();
                    pooling::difference(&base, &other)
                })
                .collect();
            Some(MetricComparison {
                metric,
                variants: aggregates,
                differences,
            })
        })
        .collect();
    // Holm across the metrics, for each variant.
    for v in 0..variants.len().saturating_sub(1) {
        let tested: Vec<(usize, f64)> = metrics_out
            .iter()
            .enumerate()
            .filter_map(|(i, m)| Some((i, m.differences[v]?.p_value)))
            .collect();
        let p: Vec<f64> = tested.iter().map(|(_, p)| *p).collect();
        for ((i, _), significant) in tested.iter().zip(pooling::holm(&p, 0.05)) {
            if let Some(d) = metrics_out[*i].differences[v].as_mut() {
                d.significant = significant;
            }
        }
    }
    let base = &variants[0].scenario;
    let result = Comparison {
        schema_version: 1,
        scenario: base.name.clone(),
        seed: base.seed,
        replications,
        variants: variants.iter().map(|v| v.name.clone()).collect(),
        baseline: variants[0].name.clone(),
        method: COMPARE_METHOD,
        metrics: metrics_out,
    };
    Compared {
        result,
        summaries: by_variant,
    }
}
