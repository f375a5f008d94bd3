//! What the router measures while it decides: slot-time integrals per pool,
//! the queue length over time, and the occupancy and per-interval series
//! made from them.

use crate::stats::{Batching, Estimate};
use handoff_logic::Channel;

use super::*;

/// Occupancy of one pool over the measured window.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolOccupancy {
    pub pool: usize,
    pub agents: u32,
    /// Contact slots per agent (chat concurrency; 1 for voice-only pools).
    pub slots_per_agent: u32,
    /// Slot utilisation: time contacts held slots (handling and wrap-up; a
    /// voice call holds all of an agent's slots) over agents × slots × time,
    /// with its batch-means interval.
    pub occupancy: Estimate,
    /// Fraction of staffed agent time with at least one contact or wrap-up
    /// (not occupancy: an agent with one chat of three counts as engaged).
    pub agents_engaged: f64,
    /// Mean number of contacts an agent held at once.
    pub mean_concurrency: f64,
    /// Agent-seconds present in the measured window (on duty, or finishing a
    /// contact after it): the denominator.
    pub staffed_seconds: f64,
    /// Agent-seconds spent finishing contacts after going off duty.
    pub overtime_seconds: f64,
    /// Contacts handed back to the queue at a shift end.
    pub handed_back: u64,
    /// Drop-offs mid-contact, and the contacts they returned to the queue.
    pub drop_offs: u64,
    pub returned_by_drop_off: u64,
    /// Mean time a contact held a slot (whole run); `None` before any release.
    pub mean_holding_s: Option<f64>,
    /// Per reporting interval from time 0 (zero where nothing was measured
    /// or nobody was present): slot-seconds used and available, the
    /// occupancy's numerator and denominator, for the whole centre's.
    pub used_by_interval: Vec<f64>,
    pub capacity_by_interval: Vec<f64>,
    /// The pool's relaxation time ([`crate::theory::relaxation_time`]) at an
    /// upper bound of its occupancy; infinite when (nearly) saturated.
    pub relaxation_s: Option<f64>,
}

/// Router figures per reporting interval, from time 0.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IntervalSeries {
    /// Time-average number of contacts waiting.
    pub mean_queue: Vec<f64>,
    /// Per pool, per interval: slot utilisation (occupancy) over the measured
    /// part of the interval.
    pub occupancy: Vec<Vec<f64>>,
}

/// Adds `level × dt` over [from, to] to `series`, split at interval bounds.
fn spread(series: &mut [f64], interval: f64, from: f64, to: f64, level: f64) {
    if level == 0.0 || to <= from {
        return;
    }
    let mut t = from;
    while t < to {
        let k = ((t / interval) as usize).min(series.len() - 1);
        let end = ((k + 1) as f64 * interval).min(to);
        let end = if end <= t { to } else { end };
        series[k] += level * (end - t);
        t = end;
    }
}

/// The part of reporting interval `k` inside [measure_from, now].
fn measured_length(k: usize, interval: f64, measure_from: f64, now: f64) -> f64 {
    let start = (k as f64 * interval).max(measure_from);
    let end = ((k + 1) as f64 * interval).min(now);
    (end - start).max(0.0)
}

impl Router {
    pub(super) fn integrate(pool: &mut PoolState, now: f64, measure_from: f64, interval: f64) {
        let from = pool.last_change.max(measure_from);
        if now > from {
            let dt = now - from;
            pool.busy_agent_seconds += f64::from(pool.busy_agents) * dt;
            pool.contact_seconds += f64::from(pool.held_contacts) * dt;
            pool.present_seconds += f64::from(pool.present) * dt;
            pool.overtime_seconds += f64::from(pool.overtime_agents) * dt;
        }
        spread(
            &mut pool.present_by_interval,
            interval,
            from,
            now,
            f64::from(pool.present),
        );
        let since = (now - pool.last_change).max(0.0);
        for c in 0..2 {
            pool.held_seconds_by_channel[c] += f64::from(pool.held_by_channel[c]) * since;
        }
        let busy = f64::from(pool.busy_agents);
        spread(
            &mut pool.busy_by_interval,
            interval,
            pool.last_change,
            now,
            busy,
        );
        spread(
            &mut pool.units_by_interval,
            interval,
            from,
            now,
            f64::from(pool.units_used),
        );
        pool.last_change = now;
    }

    /// Call before the number waiting changes.
    pub(super) fn queue_will_change(&mut self, now: f64) {
        let waiting = self.waiting.len() as f64;
        spread(
            &mut self.queue_by_interval,
            self.interval,
            self.queue_changed,
            now,
            waiting,
        );
        self.queue_changed = now;
    }

    /// Per reporting interval up to `now`: mean number waiting, and per pool
    /// the mean share of agents busy (occupancy over time).
    pub fn interval_series(&mut self, now: f64) -> IntervalSeries {
        self.queue_will_change(now);
        let (interval, measure_from) = (self.interval, self.measure_from);
        for pool in &mut self.pools {
            Self::integrate(pool, now, measure_from, interval);
        }
        let length =
            |k: usize| ((now - k as f64 * interval).clamp(0.0, interval)).max(f64::MIN_POSITIVE);
        let intervals = ((now / interval).ceil() as usize).min(self.queue_by_interval.len());
        IntervalSeries {
            mean_queue: (0..intervals)
                .map(|k| self.queue_by_interval[k] / length(k))
                .collect(),
            occupancy: self
                .pools
                .iter()
                .map(|pool| {
                    (0..intervals)
                        .map(|k| {
                            let capacity =
                                pool.present_by_interval[k] * f64::from(pool.units_per_agent);
                            if capacity > 0.0 {
                                pool.units_by_interval[k] / capacity
                            } else {
                                0.0
                            }
                        })
                        .collect()
                })
                .collect(),
        }
    }

    /// Occupancy per pool from the start of measurement to `now`, with a
    /// batch-means interval over the reporting intervals.
    pub fn occupancy(&mut self, now: f64) -> Vec<PoolOccupancy> {
        let (measure_from, interval) = (self.measure_from, self.interval);
        let intervals = ((now / interval).ceil() as usize).min(self.queue_by_interval.len());
        self.pools
            .iter_mut()
            .enumerate()
            .map(|(p, pool)| {
                Self::integrate(pool, now, measure_from, interval);
                // Staffed time: agents present (on duty, or finishing a
                // contact after it), as workforce tools count logged-in time.
                let staffed = pool.present_seconds;
                let ratio = |x: f64| if staffed > 0.0 { x / staffed } else { 0.0 };
                let per_agent = f64::from(pool.units_per_agent);
                // Intervals with nobody present have no capacity to use.
                let (used_by_interval, capacity_by_interval): (Vec<f64>, Vec<f64>) = (0..intervals)
                    .map(|k| {
                        let length = measured_length(k, interval, measure_from, now);
                        let capacity = pool.present_by_interval[k] * per_agent;
                        if length > 0.0 && capacity > 0.0 {
                            (pool.units_by_interval[k], capacity)
                        } else {
                            (0.0, 0.0)
                        }
                    })
                    .unzip();
                let (used, capacity): (Vec<f64>, Vec<f64>) = used_by_interval
                    .iter()
                    .zip(&capacity_by_interval)
                    .filter(|(_, c)| **c > 0.0)
                    .map(|(u, c)| (*u, *c))
                    .unzip();
                // Mean agents present over the measured window.
                let window = (now - measure_from).max(f64::MIN_POSITIVE);
                let mean_present = staffed / window;
                let units = mean_present * per_agent;
                let used_total: f64 = used.iter().sum();
                let capacity_total: f64 = capacity.iter().sum();
                let utilisation = if capacity_total > 0.0 {
                    used_total / capacity_total
                } else {
                    0.0
                };
                let releases: u64 = pool.releases_by_channel.iter().sum();
                let mean_holding_s = (releases > 0)
                    .then(|| pool.held_seconds_by_channel.iter().sum::<f64>() / releases as f64);
                // Near saturation the relaxation time is steep in the load,
                // and a run that happened to see a little less load than
                // the model offers would get too short a floor. So take it
                // at an upper bound of the load: two standard errors of a
                // load estimate from N served contacts (Poisson arrivals,
                // holding times with a coefficient of variation near 1:
                // relative variance ≈ 2 / N).
                let load_high = utilisation * (1.0 + 2.0 * (2.0 / releases.max(1) as f64).sqrt());
                // A voice call needs an agent with no chats: for voice the
                // servers are the agents, not the chat slots, and the queue
                // relaxes more slowly. Take the slower of the two.
                let servers = if pool.channels.contains(&Channel::Voice) {
                    mean_present
                } else {
                    units
                };
                let relaxation_s = mean_holding_s
                    .and_then(|h| crate::theory::relaxation_time(h, servers, load_high));
                let occupancy = Estimate {
                    value: utilisation,
                    // Observations: the measured reporting intervals.
                    n: used.len() as u64,
                    ci95: None,
                    ci95_range: None,
                    ci_withheld: None,
                }
                .with_batch_means(
                    Batching::from_relaxation(relaxation_s, interval).share(&used, &capacity, None),
                );
                PoolOccupancy {
                    pool: p,
                    agents: pool.count,
                    slots_per_agent: pool.units_per_agent,
                    occupancy,
                    agents_engaged: ratio(pool.busy_agent_seconds),
                    mean_concurrency: ratio(pool.contact_seconds),
                    staffed_seconds: staffed,
                    overtime_seconds: pool.overtime_seconds,
                    handed_back: pool.handed_back,
                    drop_offs: pool.drop_offs,
                    returned_by_drop_off: pool.returned_by_drop_off,
                    mean_holding_s,
                    relaxation_s,
                    used_by_interval,
                    capacity_by_interval,
                }
            })
            .collect()
    }
}

/// The whole centre's occupancy: slot-seconds used over slot-seconds
/// available, summed over every pool (so a pool counts by its slots), with
/// a batch-means interval over the reporting intervals at the slowest
/// pool's relaxation time. `None` without pools or capacity.
pub fn centre_occupancy(pools: &[PoolOccupancy], interval: f64) -> Option<Estimate> {
    let intervals = pools.iter().map(|p| p.used_by_interval.len()).max()?;
    let sum = |pick: fn(&PoolOccupancy) -> &Vec<f64>, k: usize| -> f64 {
        pools.iter().filter_map(|p| pick(p).get(k)).sum()
    };
    let (used, capacity): (Vec<f64>, Vec<f64>) = (0..intervals)
        .map(|k| {
            (
                sum(|p| &p.used_by_interval, k),
                sum(|p| &p.capacity_by_interval, k),
            )
        })
        .filter(|(_, c)| *c > 0.0)
        .unzip();
    let total: f64 = capacity.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let relaxation = pools
        .iter()
        .map(|p| p.relaxation_s)
        .try_fold(0.0_f64, |m, r| r.map(|r| m.max(r)));
    Some(
        Estimate {
            value: used.iter().sum::<f64>() / total,
            n: used.len() as u64,
            ci95: None,
            ci95_range: None,
            ci_withheld: None,
        }
        .with_batch_means(
            Batching::from_relaxation(relaxation, interval).share(&used, &capacity, None),
        ),
    )
}
