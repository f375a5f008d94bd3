//! `handoff-sim staff`: the staffing requirement of one pool per interval,
//! three ways — Erlang C, Erlang A, and by simulation.
//!
//! **Load.** A first pass simulates the scenario as written (`replications`
//! runs) and measures, per reporting interval, the contacts offered to the
//! queues the pool serves (after the bot: handoffs, not arrivals) and their
//! mean holding time (handle time with briefing and clarification, measured;
//! plus the pool's mean wrap-up). That is the load workforce tools feed to
//! Erlang, but measured rather than assumed. To keep the arrival noise out,
//! the rate to humans is the measured share (offered ÷ first contacts, a
//! ratio estimator over the replications) times the arrival process's
//! *expected* first contacts in the interval; the holding time is the
//! run-wide mean per channel, or the interval's own where a forecast file
//! gives an AHT per interval.
//!
//! **Erlang.** Per interval and channel, the smallest head count meeting the
//! targets in the stationary M/M/c (Erlang C) and M/M/c+M (Erlang A, with
//! the customers' mean patience — lengthened by the expectation message
//! when the bot sends one) models. Chat is staffed in slots (agents ×
//! concurrency) and rounded up to agents; a pool taking both channels needs
//! the sum. Erlang C has no abandonment: an abandonment target applies to
//! Erlang A only. Neither includes shrinkage (absence, off-phone time),
//! which the simulation does. With several pools the Erlang figures treat
//! the staffed pool as the only server of every contact on its channels (the
//! single-queue view of workforce tools); the other pools keep their
//! staffing in the simulation, so overflow between pools shows only there.
//! The service level of an interval is that of the contacts that joined a
//! queue of the pool's channels in it.
//!
//! **Simulation** — an iterative staffing algorithm in the spirit of
//! Feldman, Mandelbaum, Massey & Whitt, "Staffing of time-varying queues to
//! achieve time-stable performance", *Management Science* 54(2), 2008. Start
//! from the Erlang requirement (A with patience, else C); simulate the whole
//! horizon with the pool staffed per interval, `replications` times on the
//! same streams (common random numbers, so two iterations differ only by
//! the staffing); then per interval:
//!
//! - a target missed ⇒ one more agent, and that head count is remembered
//!   as too few. "Met" means met at the one-sided `confidence` the planner
//!   asks for (`--confidence`, default 0.9: the pooled estimate minus 1.3
//!   standard errors must clear the target; 0.5 is the bare point
//!   estimate). The requirement is then the smallest staffing whose
//!   *expected* service level meets the target with that confidence,
//!   given the replications — at the bare point estimate a staffing that
//!   just meets the target in expectation fails on fresh seeds about half
//!   the time;
//! - every target cleared by more than the noise (the whole 95 % interval
//!   on the good side) ⇒ one agent fewer, unless that head count already
//!   failed.
//!
//! Backlog carries over between intervals, which is why the intervals are
//! simulated together, not one by one. An interval where no contact
//! arrives needs nobody: contacts the bot hands over after the day's last
//! arrivals are reported in it but do not staff it. **Stable** means an iteration that
//! changes no interval; the search stops there or after `max_iterations`
//! (reported either way). Intervals in the warm-up keep their Erlang
//! figure; intervals without a contact need nobody.
//!
//! **Robustness round.** A staffing tuned on one set of replications fits
//! their noise: the smallest head count whose *sample* meets the target is
//! often just short of it in truth (the optimiser's curse). So the staffing
//! is simulated once more on a new, twice as large set of seeds, and an
//! agent is added wherever an interval misses there; nothing is lowered.
//! (Repeated rounds on small sets ratchet upwards: each one adds agents
//! wherever noise alone dips below the target.)
//!
//! **Verification.** The final staffing and the Erlang C staffing are then
//! simulated on *fresh* seeds (a set never used above), and each interval's
//! achieved service level and abandonment is reported with a 95 % interval
//! over replications (ratio estimator, as `run --replications`).

use serde::Serialize;

use crate::pooling::Aggregate;
use handoff_logic::Channel;
use handoff_model::error::{Error, Result};
use handoff_model::progress::{Progress, Silent};
use handoff_model::roster::Staffing;
use handoff_model::scenario::Scenario;
use handoff_model::theory::{StaffingCurve, StaffingTarget};

mod csv;
mod measure;

pub use csv::csv;
pub(crate) use csv::csv_estimate;
pub(crate) use measure::{Cell, Standing, achieved, intervals, simulate, standing};

use measure::{cells_of, simulate_rows};

/// Robustness rounds after the search, and their size in multiples of
/// `replications`: one large unbiased sample, so that noise alone rarely
/// adds an agent.
pub const ROBUSTNESS_ROUNDS: usize = 1;
pub const ROBUSTNESS_SIZE: u64 = 2;

/// What the staffing must achieve in every interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "metric", content = "value", rename_all = "snake_case")]
pub enum Target {
    /// Answered within the scenario's threshold, at least this share.
    ServiceLevel(f64),
    /// Abandoned, at most this share of the offered contacts.
    Abandonment(f64),
}

impl Target {
    /// `service_level >= 0.8` or `abandonment <= 0.05`, read as any
    /// threshold is ([`Threshold::parse_flag`]: one check of the value
    /// against the metric's unit for `run`, `compare`, `sweep` and
    /// `staff`), then limited to what staffing can target.
    pub fn parse(text: &str) -> std::result::Result<Target, String> {
        let help = "write `service_level >= 0.8` or `abandonment <= 0.05`";
        let metric = text.split(['<', '>']).next().unwrap_or("").trim();
        if !matches!(metric, "service_level" | "abandonment") {
            return Err(format!("`{text}`: {help}"));
        }
        let threshold = handoff_model::thresholds::Threshold::parse_flag(text)
            .map_err(|e| format!("`{text}`: {e}"))?;
        let make: fn(f64) -> Target = match (threshold.metric.as_str(), threshold.op.symbol()) {
            ("service_level", ">=") => Target::ServiceLevel,
            ("abandonment", "<=") => Target::Abandonment,
            _ => return Err(format!("`{text}`: {help}")),
        };
        if threshold.bound == 0.0 {
            return Err(format!("`{text}`: the share must be in (0, 1], got 0"));
        }
        Ok(make(threshold.bound))
    }

    pub fn describe(&self) -> String {
        match self {
            Target::ServiceLevel(v) => format!("service_level >= {v}"),
            Target::Abandonment(v) => format!("abandonment <= {v}"),
        }
    }

    fn erlang(&self) -> StaffingTarget {
        match *self {
            Target::ServiceLevel(v) => StaffingTarget::ServiceLevelAtLeast(v),
            Target::Abandonment(v) => StaffingTarget::AbandonmentAtMost(v),
        }
    }
}

/// How to search.
#[derive(Debug, Clone)]
pub struct StaffOptions {
    pub targets: Vec<Target>,
    /// The pool to staff (`None`: the scenario must have exactly one).
    pub pool: Option<String>,
    pub replications: u32,
    pub jobs: usize,
    pub max_iterations: u32,
    /// One-sided confidence with which the search requires each interval
    /// to meet its targets (0.5: the point estimate).
    pub confidence: f64,
}

/// One interval's achieved figure over replications.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Achieved {
    pub value: f64,
    /// 95 % interval over replications (`None` with fewer than two
    /// replications holding the figure).
    pub ci95_range: Option<[f64; 2]>,
    /// Replications with the figure.
    pub n: usize,
}

impl From<Aggregate> for Achieved {
    fn from(a: Aggregate) -> Self {
        Achieved {
            value: a.mean,
            ci95_range: a.ci95_range,
            n: a.n,
        }
    }
}

/// One reporting interval of the staffing report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntervalStaffing {
    pub start_s: f64,
    /// Date and time of day, e.g. "mon 08:30".
    pub label: String,
    /// Mean contacts offered to the pool's queues per replication.
    pub offered: f64,
    /// Mean holding time (handle time + wrap-up), seconds.
    pub holding_s: Option<f64>,
    pub erlang_c: u32,
    /// `None` without customer patience.
    pub erlang_a: Option<u32>,
    pub simulated: u32,
    /// In the warm-up: not measured, the Erlang figure stands.
    pub warm_up: bool,
    /// With the simulated requirement, on fresh seeds.
    pub service_level: Option<Achieved>,
    pub abandonment: Option<Achieved>,
    /// With the Erlang C requirement, on the same fresh seeds.
    pub erlang_c_service_level: Option<Achieved>,
    pub erlang_c_abandonment: Option<Achieved>,
    /// With the Erlang A requirement (when customers have patience).
    pub erlang_a_service_level: Option<Achieved>,
}

/// One iteration of the search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Iteration {
    pub raised: usize,
    pub lowered: usize,
    pub agent_hours: f64,
}

/// Intervals meeting every target out of those staffed and measured.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Meets {
    pub met: usize,
    pub intervals: usize,
}

impl Meets {
    pub fn share(&self) -> f64 {
        if self.intervals == 0 {
            1.0
        } else {
            self.met as f64 / self.intervals as f64
        }
    }
}

/// The result of `staff`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffingReport {
    pub scenario: String,
    pub pool: String,
    pub targets: Vec<Target>,
    pub confidence: f64,
    pub threshold_s: f64,
    pub interval_s: f64,
    pub replications: u32,
    pub intervals: Vec<IntervalStaffing>,
    pub iterations: Vec<Iteration>,
    /// The search ended with an iteration that changed nothing.
    pub stable: bool,
    /// Intervals raised in each robustness round (fresh seeds each).
    pub robustness_rounds: Vec<usize>,
    /// The pool's planned shrinkage: 1 − (1 − absence)(1 − off-phone
    /// share), the share of scheduled time not on the phone.
    pub shrinkage: f64,
    /// Erlang C and A grossed up for it, as workforce tools do: ⌈net ÷
    /// (1 − shrinkage)⌉ per interval, in agent-hours.
    pub agent_hours_erlang_c_gross: f64,
    pub agent_hours_erlang_a_gross: Option<f64>,
    /// Agent-hours of each requirement (Erlang: net, on the phone;
    /// simulated: scheduled, shrinkage included).
    pub agent_hours_erlang_c: f64,
    pub agent_hours_erlang_a: Option<f64>,
    pub agent_hours_simulated: f64,
    /// On fresh seeds: intervals meeting the targets with each staffing.
    pub meets_simulated: Meets,
    pub meets_erlang_c: Meets,
    /// `None` without customer patience (no Erlang A figure).
    pub meets_erlang_a: Option<Meets>,
    /// The method, for the report.
    pub method: &'static str,
}

pub const METHOD: &str = "Erlang C and Erlang A per interval on the load measured after the bot (contacts offered, handle time with briefing and clarification, plus wrap-up); chat in slots. Simulated: iterative staffing (Feldman, Mandelbaum, Massey & Whitt 2008): +1 where an interval misses a target at the requested one-sided confidence, −1 where its whole 95 % interval clears every target and the lower head count has not failed; stable = an iteration changing nothing. Then one robustness round on 2R new seeds (+1 where an interval misses). Verified on seeds used nowhere else.";
/// Smallest head count meeting every target for one channel's load, in
/// agents (chat: slots rounded up to agents).
fn erlang_requirement(
    rate: f64,
    holding: f64,
    patience: Option<f64>,
    threshold: f64,
    slots_per_agent: u32,
    targets: &[Target],
) -> u32 {
    if rate <= 0.0 || holding <= 0.0 {
        return 0;
    }
    let load = rate * holding;
    let mut hi = (load + 10.0 * load.sqrt() + 20.0).ceil() as u32;
    loop {
        let curve = StaffingCurve::compute(rate, holding, patience, 1..=hi, threshold);
        let needed = targets
            .iter()
            .filter(|t| patience.is_some() || matches!(t, Target::ServiceLevel(_)))
            .map(|t| curve.first_meeting(t.erlang()).map(|i| curve.rows[i].0))
            .try_fold(0u32, |acc, n| n.map(|n| acc.max(n)));
        if let Some(slots) = needed {
            return slots.div_ceil(slots_per_agent.max(1));
        }
        if hi > handoff_model::theory::MAX_CURVE_AGENTS / 2 {
            return hi.div_ceil(slots_per_agent.max(1));
        }
        hi *= 2;
    }
}

/// The pool named `name`, or the only one.
pub(crate) fn pool_index(scenario: &Scenario, name: Option<&str>) -> Result<usize> {
    match name {
        Some(name) => scenario
            .pools
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| Error::InvalidArgument {
                name: "pool",
                message: format!(
                    "no pool named `{name}`; the scenario has: {}",
                    pool_names(scenario)
                ),
            }),
        None if scenario.pools.len() == 1 => Ok(0),
        None => Err(Error::InvalidArgument {
            name: "pool",
            message: format!(
                "the scenario has several pools; name one with --pool ({})",
                pool_names(scenario)
            ),
        }),
    }
}

/// Finds the staffing requirement of one pool; see the module doc.
pub fn staff(scenario: &Scenario, options: &StaffOptions) -> Result<StaffingReport> {
    staff_with_progress(scenario, options, &Silent)
}

/// [`staff`], telling `progress` each phase (measuring the load, each
/// search iteration, the robustness round, the verification) and each
/// replication run.
pub fn staff_with_progress(
    scenario: &Scenario,
    options: &StaffOptions,
    progress: &dyn Progress,
) -> Result<StaffingReport> {
    let p = pool_index(scenario, options.pool.as_deref())?;
    if !(0.5..1.0).contains(&options.confidence) {
        return Err(Error::InvalidArgument {
            name: "confidence",
            message: format!("must be in [0.5, 1), got {}", options.confidence),
        });
    }
    if options.targets.is_empty() {
        return Err(Error::InvalidArgument {
            name: "target",
            message: "give at least one --target, e.g. \"service_level >= 0.8\"".into(),
        });
    }
    let reps = u64::from(options.replications.max(2));
    let pool = &scenario.pools[p];
    let channels = pool.channels.clone();
    let interval = scenario.interval.as_secs_f64();
    let threshold = scenario.service_level_threshold.as_secs_f64();
    let n = intervals(scenario);
    let warm_up = scenario.warm_up.as_secs_f64();
    let in_warm_up = |k: usize| (k as f64 + 1.0) * interval <= warm_up;

    // 1. The load, measured per interval and channel on the scenario as written.
    // Every pass runs with `when_closed = "wait"`: a contact reaching an
    // interval the staffing leaves empty must count against the target, not
    // be turned away unseen. The load is measured with the pool on duty all
    // run (its largest head count, at least one agent), so that the draft
    // schedule's closed hours do not hide their demand.
    let mut open = scenario.clone();
    open.handoff.when_closed = handoff_model::scenario::WhenClosed::Wait;
    let mut measuring = open.clone();
    let fixed = measuring.pools[p].count().max(1);
    measuring.pools[p].staffing = Staffing::Fixed(fixed);
    // One set of runs, read per channel.
    progress.phase("measuring the load", Some(reps));
    let measuring_runs = simulate_rows(&measuring, 0..reps, options.jobs, progress)?;
    let measured: Vec<_> = channels
        .iter()
        .map(|&channel| cells_of(&measuring, &measuring_runs, &[channel]))
        .collect();
    let wrap_up = pool.wrap_up.map_or(0.0, |d| d.mean_secs());
    let patience = scenario.customers.patience.map(|d| {
        let boost = if scenario.ai.is_some() && scenario.handoff.expectation_message {
            scenario.handoff.expectation_patience_boost
        } else {
            1.0
        };
        d.mean_secs() * boost
    });
    // Whole-run mean handle time per channel, for intervals with no
    // finished handling of their own.
    let run_mean = |runs: &[Vec<Option<Cell>>]| {
        let (h, s) = runs
            .iter()
            .flatten()
            .flatten()
            .fold((0u64, 0.0), |(h, s), c| (h + c.handled, s + c.handle_s));
        (h > 0).then(|| s / h as f64)
    };
    let process = handoff_model::arrivals::ArrivalProcess::new(&scenario.arrivals);
    let mut erlang_c = vec![0u32; n];
    let mut erlang_a = vec![0u32; n];
    let mut offered = vec![0.0; n];
    let mut holding = vec![None; n];
    for (ci, &channel) in channels.iter().enumerate() {
        let runs = &measured[ci];
        let fallback = run_mean(runs);
        let slots = match channel {
            Channel::Voice => 1,
            Channel::Chat => pool.chat_concurrency,
        };
        let per_interval_aht = !scenario.arrivals.aht_s.is_empty();
        // The run-wide share of first contacts that reach this channel's
        // queue, for intervals without a measurement (the warm-up).
        let (all_first, all_sent) = runs
            .iter()
            .flatten()
            .flatten()
            .fold((0u64, 0u64), |(f, s), c| {
                (f + c.first_contacts, s + c.offered)
            });
        let run_share = if all_first > 0 {
            all_sent as f64 / all_first as f64
        } else {
            0.0
        };
        for k in 0..n {
            let cells: Vec<Cell> = runs.iter().filter_map(|r| r[k]).collect();
            let first: u64 = cells.iter().map(|c| c.first_contacts).sum();
            let sent: u64 = cells.iter().map(|c| c.offered).sum();
            let (from, to) = (
                k as f64 * interval,
                ((k + 1) as f64 * interval).min(scenario.duration.as_secs_f64()),
            );
            let expected = process.cumulative(to) - process.cumulative(from);
            let share = if first > 0 {
                sent as f64 / first as f64
            } else {
                run_share
            };
            let mean_offered = share * expected;
            let (h, s) = cells
                .iter()
                .fold((0u64, 0.0), |(h, s), c| (h + c.handled, s + c.handle_s));
            let handle = if per_interval_aht && h > 0 {
                Some(s / h as f64)
            } else {
                fallback
            };
            let Some(handle) = handle else { continue };
            let hold = handle + wrap_up;
            // Holding time over the channels, weighted by their contacts.
            let before = offered[k];
            offered[k] += mean_offered;
            holding[k] = Some(match holding[k] {
                Some(x) if offered[k] > 0.0 => (x * before + hold * mean_offered) / offered[k],
                _ => hold,
            });
            let length = (((k + 1) as f64 * interval).min(scenario.duration.as_secs_f64())
                - k as f64 * interval)
                .max(1.0);
            let rate = mean_offered / length;
            erlang_c[k] += erlang_requirement(rate, hold, None, threshold, slots, &options.targets);
            erlang_a[k] +=
                erlang_requirement(rate, hold, patience, threshold, slots, &options.targets);
        }
    }

    // 2. The iterative search.
    let mut staffed = open.clone();
    let start: Vec<u32> = if patience.is_some() {
        erlang_a.clone()
    } else {
        erlang_c.clone()
    };
    let mut counts = start.clone();
    let mut failed_below = vec![0u32; n]; // head counts below this failed
    let mut iterations = Vec::new();
    let mut stable = false;
    let most = options.max_iterations.max(1);
    for iteration in 1..=most {
        set_staffing(&mut staffed, p, &counts, interval);
        progress.phase(
            &format!("search iteration {iteration} (at most {most})"),
            Some(reps),
        );
        let runs = simulate(&staffed, 0..reps, &channels, options.jobs, progress)?;
        let (mut raised, mut lowered) = (0, 0);
        let mut next = counts.clone();
        for k in 0..n {
            // An interval where no contact arrives needs nobody: the few
            // that the bot hands over after the day's last arrivals are
            // reported (staffing.csv) but do not staff it — at one-sided
            // confidence their handful of observations would ask for a
            // crowd.
            if in_warm_up(k) || offered[k] == 0.0 {
                continue;
            }
            let (sl, ab) = achieved(&runs, k);
            match standing(&options.targets, sl, ab, options.confidence) {
                Standing::Missed => {
                    failed_below[k] = failed_below[k].max(counts[k] + 1);
                    next[k] = counts[k] + 1;
                    raised += 1;
                }
                // Never down to nobody: contacts arrive here.
                Standing::Clear if counts[k] > 1 && counts[k] > failed_below[k] => {
                    next[k] = counts[k] - 1;
                    lowered += 1;
                }
                _ => {}
            }
        }
        iterations.push(Iteration {
            raised,
            lowered,
            agent_hours: hours(&counts, interval),
        });
        if raised == 0 && lowered == 0 {
            stable = true;
            break;
        }
        counts = next;
    }

    // 3. Robustness rounds: a staffing tuned on one set of replications
    // fits their noise (the smallest head count whose *sample* clears the
    // target is often just short of it in truth). Each round simulates the
    // staffing on a new set of seeds and adds an agent where an interval
    // misses; nothing is lowered.
    let mut next_seed = reps;
    let mut robustness = Vec::new();
    for _ in 0..ROBUSTNESS_ROUNDS {
        set_staffing(&mut staffed, p, &counts, interval);
        let size = ROBUSTNESS_SIZE * reps;
        progress.phase("robustness round on new seeds", Some(size));
        let runs = simulate(
            &staffed,
            next_seed..next_seed + size,
            &channels,
            options.jobs,
            progress,
        )?;
        next_seed += size;
        let mut raised = 0;
        for k in (0..n).filter(|&k| !in_warm_up(k) && offered[k] > 0.0) {
            let (sl, ab) = achieved(&runs, k);
            if standing(&options.targets, sl, ab, options.confidence) == Standing::Missed {
                counts[k] += 1;
                raised += 1;
            }
        }
        robustness.push(raised);
        if raised == 0 {
            break;
        }
    }

    // 4. Verification on fresh seeds, never used above, for the simulated,
    // the Erlang C and the Erlang A staffing.
    let fresh = next_seed..next_seed + reps;
    set_staffing(&mut staffed, p, &counts, interval);
    let staffings = if patience.is_some() { 3 } else { 2 };
    progress.phase(
        "verifying the simulated and the Erlang staffing on fresh seeds",
        Some(staffings * reps),
    );
    let verify = simulate(&staffed, fresh.clone(), &channels, options.jobs, progress)?;
    let mut erlang_staffed = open.clone();
    set_staffing(&mut erlang_staffed, p, &erlang_c, interval);
    let verify_c = simulate(
        &erlang_staffed,
        fresh.clone(),
        &channels,
        options.jobs,
        progress,
    )?;
    let verify_a = match patience {
        Some(_) => {
            set_staffing(&mut erlang_staffed, p, &erlang_a, interval);
            Some(simulate(
                &erlang_staffed,
                fresh,
                &channels,
                options.jobs,
                progress,
            )?)
        }
        None => None,
    };
    let mut meets_simulated = Meets {
        met: 0,
        intervals: 0,
    };
    let mut meets_erlang_c = meets_simulated;
    let mut meets_erlang_a = meets_simulated;
    let rows: Vec<IntervalStaffing> = (0..n)
        .map(|k| {
            let (sl, ab) = achieved(&verify, k);
            let (sl_c, ab_c) = achieved(&verify_c, k);
            let (sl_a, ab_a) = verify_a.as_ref().map_or((None, None), |v| achieved(v, k));
            if !in_warm_up(k) {
                for (count, (s, a), meets) in [
                    (counts[k], (sl, ab), &mut meets_simulated),
                    (erlang_c[k], (sl_c, ab_c), &mut meets_erlang_c),
                    (erlang_a[k], (sl_a, ab_a), &mut meets_erlang_a),
                ] {
                    // Verification judges the point estimate: does the staffing
                    // meet the target on seeds it never saw?
                    let judged = standing(&options.targets, s, a, 0.5);
                    if count > 0 && judged != Standing::Empty {
                        meets.intervals += 1;
                        meets.met += usize::from(judged != Standing::Missed);
                    }
                }
            }
            let start_s = k as f64 * interval;
            IntervalStaffing {
                start_s,
                label: scenario.calendar.label(start_s),
                offered: offered[k],
                holding_s: holding[k],
                erlang_c: erlang_c[k],
                erlang_a: patience.map(|_| erlang_a[k]),
                simulated: counts[k],
                warm_up: in_warm_up(k),
                service_level: sl.map(Achieved::from),
                abandonment: ab.map(Achieved::from),
                erlang_c_service_level: sl_c.map(Achieved::from),
                erlang_c_abandonment: ab_c.map(Achieved::from),
                erlang_a_service_level: sl_a.map(Achieved::from),
            }
        })
        .collect();
    let shrinkage = 1.0 - (1.0 - pool.absence) * (1.0 - pool.off_phone_per_hour_s / 3600.0);
    let gross = |net: &[u32]| -> Vec<u32> {
        net.iter()
            .map(|&c| (f64::from(c) / (1.0 - shrinkage) - 1e-9).ceil() as u32)
            .collect()
    };
    Ok(StaffingReport {
        shrinkage,
        agent_hours_erlang_c_gross: hours(&gross(&erlang_c), interval),
        agent_hours_erlang_a_gross: patience.map(|_| hours(&gross(&erlang_a), interval)),
        scenario: scenario.name.clone(),
        pool: pool.name.clone(),
        targets: options.targets.clone(),
        confidence: options.confidence,
        threshold_s: threshold,
        interval_s: interval,
        replications: reps as u32,
        agent_hours_erlang_c: hours(&erlang_c, interval),
        agent_hours_erlang_a: patience.map(|_| hours(&erlang_a, interval)),
        agent_hours_simulated: hours(&counts, interval),
        intervals: rows,
        iterations,
        stable,
        robustness_rounds: robustness,
        meets_simulated,
        meets_erlang_c,
        meets_erlang_a: patience.map(|_| meets_erlang_a),
        method: METHOD,
    })
}

pub(crate) fn pool_names(scenario: &Scenario) -> String {
    scenario
        .pools
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn hours(counts: &[u32], interval: f64) -> f64 {
    counts.iter().map(|&c| f64::from(c)).sum::<f64>() * interval / 3600.0
}

/// Staffs pool `p` with `counts` per interval.
fn set_staffing(scenario: &mut Scenario, p: usize, counts: &[u32], interval: f64) {
    let pool = &mut scenario.pools[p];
    pool.staffing = Staffing::ByInterval {
        interval_s: interval,
        counts: counts.to_vec(),
    };
}

#[cfg(test)]
mod tests;
