//! What a staffing run measures: per interval and replication, the contacts
//! offered to the pool's queues and how they were served, pooled over the
//! replications and judged against the targets.

use rayon::prelude::*;

use crate::pooling::Aggregate;
use crate::pooling::aggregate_share;
use handoff_logic::Channel;
use handoff_model::error::{Error, Result};
use handoff_model::figures::Observation;
use handoff_model::metrics::IntervalRow;
use handoff_model::scenario::Scenario;

use super::*;

/// Per interval, per replication: the pool's channels summed.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Cell {
    /// First contacts that arrived (all channels).
    pub(super) first_contacts: u64,
    pub(super) offered: u64,
    abandoned: u64,
    pub(super) within: u64,
    base: u64,
    pub(super) handled: u64,
    pub(super) handle_s: f64,
}

pub(super) fn cells(
    rows: &[IntervalRow],
    channels: &[Channel],
    n: usize,
    interval: f64,
) -> Vec<Option<Cell>> {
    let mut out = vec![None; n];
    for row in rows {
        let k = (row.start_s / interval).round() as usize;
        if k < n {
            out[k] = Some(cell(row, channels));
        }
    }
    out
}

pub(super) fn cell(row: &IntervalRow, channels: &[Channel]) -> Cell {
    let mut c = Cell {
        first_contacts: row.channels.iter().map(|x| x.first_contacts).sum(),
        ..Cell::default()
    };
    for &channel in channels {
        let x = &row.channels[channel.index()];
        c.offered += x.offered;
        c.abandoned += x.abandoned;
        c.within += x.answered_within;
        c.base += x.service_level_base;
        c.handled += x.handled;
        c.handle_s += x.handle_s;
    }
    c
}

/// Runs replications `reps` of `scenario` in parallel; per replication the
/// interval rows of its report data.
pub(super) fn simulate_rows(
    scenario: &Scenario,
    reps: std::ops::Range<u64>,
    jobs: usize,
    progress: &dyn Progress,
) -> Result<Vec<Vec<IntervalRow>>> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()
        .map_err(|e| Error::Runtime(format!("cannot start {jobs} worker threads: {e}")))?;
    pool.install(|| {
        reps.into_par_iter()
            .map(|r| {
                let rows = handoff_actors::run(scenario, r)?.data.intervals;
                progress.advance(1);
                Ok(rows)
            })
            .collect()
    })
}

/// Per replication, the interval cells of `channels` (summed) from runs'
/// interval rows.
pub(super) fn cells_of(
    scenario: &Scenario,
    runs: &[Vec<IntervalRow>],
    channels: &[Channel],
) -> Vec<Vec<Option<Cell>>> {
    let (n, interval) = (intervals(scenario), scenario.interval.as_secs_f64());
    runs.iter()
        .map(|rows| cells(rows, channels, n, interval))
        .collect()
}

/// Runs replications `reps` of `scenario` in parallel; per replication the
/// pool's interval cells over `channels`.
pub(crate) fn simulate(
    scenario: &Scenario,
    reps: std::ops::Range<u64>,
    channels: &[Channel],
    jobs: usize,
    progress: &dyn Progress,
) -> Result<Vec<Vec<Option<Cell>>>> {
    Ok(cells_of(
        scenario,
        &simulate_rows(scenario, reps, jobs, progress)?,
        channels,
    ))
}

pub(crate) fn intervals(scenario: &Scenario) -> usize {
    (scenario.duration.as_secs_f64() / scenario.interval.as_secs_f64()).ceil() as usize
}

/// Pooled service level and abandonment of interval `k` over replications.
pub(crate) fn achieved(
    runs: &[Vec<Option<Cell>>],
    k: usize,
) -> (Option<Aggregate>, Option<Aggregate>) {
    let obs = |num: &dyn Fn(&Cell) -> u64, den: &dyn Fn(&Cell) -> u64| {
        let o: Vec<Observation> = runs
            .iter()
            .filter_map(|r| r[k])
            .filter(|c| den(c) > 0)
            .map(|c| Observation {
                value: num(&c) as f64 / den(&c) as f64,
                weight: den(&c) as f64,
            })
            .collect();
        let trials = o.iter().map(|o| o.weight).sum();
        (!o.is_empty()).then(|| aggregate_share(&o, Some(trials)))
    };
    (
        obs(&|c| c.within, &|c| c.base),
        obs(&|c| c.abandoned, &|c| c.offered),
    )
}

/// How an interval stands against the targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing {
    Missed,
    Met,
    /// Every target met with its whole interval on the good side.
    Clear,
    /// Nothing to judge (no contacts).
    Empty,
}

/// How an interval stands against the targets, where a target counts as
/// met when the estimate clears it at one-sided `confidence` (0.5: the
/// point estimate; 0.9: its one-sided 90 % bound, on the logit scale for these
/// shares, [`Aggregate::one_sided`]).
pub(crate) fn standing(
    targets: &[Target],
    sl: Option<Aggregate>,
    ab: Option<Aggregate>,
    confidence: f64,
) -> Standing {
    let mut clear = true;
    let mut any = false;
    for target in targets {
        let (good, clears) = match *target {
            Target::ServiceLevel(t) => match &sl {
                Some(a) => (
                    a.one_sided(confidence)[0] >= t,
                    a.ci95_range.is_some_and(|r| r[0] > t),
                ),
                None => continue,
            },
            Target::Abandonment(t) => match &ab {
                Some(a) => (
                    a.one_sided(confidence)[1] <= t,
                    a.ci95_range.is_some_and(|r| r[1] < t),
                ),
                None => continue,
            },
        };
        any = true;
        if !good {
            return Standing::Missed;
        }
        clear &= clears;
    }
    match (any, clear) {
        (false, _) => Standing::Empty,
        (true, true) => Standing::Clear,
        (true, false) => Standing::Met,
    }
}
