//! What a replicated run's report needs beyond each replication's summary:
//! the per-interval series and the queue waits of every replication
//! ([`Trace`]), and those pooled across replications ([`PooledRun`]) —
//! each interval's figures and each point of the waits' distribution as a
//! mean with its 95 % interval and n, pooled exactly as the headline
//! figures are ([`crate::pooling`]). Pure: no actors, no drawing.
//!
//! A trace is small (about thirty numbers per interval and the waits
//! counted by whole second: some 30 KB for a day of 15-minute intervals),
//! so a replicated run keeps one per replication, and a shard file carries
//! them, so a merged run writes the same report.

use serde::{Deserialize, Serialize};

use handoff_model::figures::{Metric, Observation, Unit};
use handoff_model::metrics::{IntervalChannel, IntervalRow, ReportData};

use crate::pooling::{self, Aggregate};

/// One replication's series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    pub interval_s: f64,
    pub threshold_s: f64,
    pub warm_up_s: f64,
    /// Measured intervals in time order.
    pub intervals: Vec<IntervalRow>,
    /// Per channel (chat, voice): the queue waits of the measured window
    /// (answered, and censored at the end, still waiting).
    pub waits: [Waits; 2],
}

/// Queue waits counted by whole second, with waits of zero apart (the
/// contacts answered at once), so the share answered at once is exact.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Waits {
    /// Waits of exactly 0 ms.
    pub zero: u64,
    /// (whole seconds waited, count) for the other waits, ascending, no
    /// zero counts: a wait of 0.2 s is in second 0, one of 61.9 s in 61.
    pub by_second: Vec<(u64, u64)>,
}

impl Waits {
    /// All waits.
    pub fn len(&self) -> u64 {
        self.zero + self.by_second.iter().map(|(_, n)| n).sum::<u64>()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Waits under `t` seconds (`t` ≥ 1), or of zero at `t` = 0: the
    /// empirical distribution function at the grid's points (for a
    /// continuous wait, under t and at most t are the same share).
    pub fn under(&self, t: u64) -> u64 {
        self.under_each(&[t])[0]
    }

    /// [`Waits::under`] at every point of an ascending `grid`, in one pass.
    pub fn under_each(&self, grid: &[u64]) -> Vec<u64> {
        let mut out = Vec::with_capacity(grid.len());
        let mut seconds = self.by_second.iter().peekable();
        let mut below = self.zero;
        for &t in grid {
            if t == 0 {
                out.push(self.zero);
                continue;
            }
            while let Some((_, n)) = seconds.next_if(|(s, _)| *s < t) {
                below += n;
            }
            out.push(below);
        }
        out
    }

    /// The longest wait, to the whole second (0 without waits).
    pub fn longest_s(&self) -> u64 {
        self.by_second.last().map_or(0, |(s, _)| *s + 1)
    }

    /// From a run's wait histogram (ms, 3 significant digits). A bucket
    /// counts in the second of its top value, so a wait within 0.1 % below
    /// a whole second (16.992 s) may count in the next one: the
    /// distribution is exact to the histogram's precision, not to the ms.
    fn of(h: &hdrhistogram::Histogram<u64>) -> Waits {
        let mut out = Waits::default();
        for v in h.iter_recorded() {
            let ms = v.value_iterated_to();
            let n = v.count_at_value();
            if ms == 0 {
                out.zero += n;
                continue;
            }
            let s = ms / 1000;
            match out.by_second.last_mut() {
                Some((last, count)) if *last == s => *count += n,
                _ => out.by_second.push((s, n)),
            }
        }
        out
    }
}

impl Trace {
    /// From a run's report data.
    pub fn of(data: &ReportData) -> Trace {
        Trace {
            interval_s: data.interval_s,
            threshold_s: data.threshold_s,
            warm_up_s: data.warm_up_s,
            intervals: data.intervals.clone(),
            waits: [Waits::of(&data.wait_ms[0]), Waits::of(&data.wait_ms[1])],
        }
    }
}

/// The replications' series pooled.
#[derive(Debug, Clone, PartialEq)]
pub struct PooledRun {
    pub replications: usize,
    pub interval_s: f64,
    pub threshold_s: f64,
    pub warm_up_s: f64,
    pub intervals: Vec<PooledInterval>,
    /// Per channel (chat, voice).
    pub waits: [PooledWaits; 2],
}

/// One interval over the replications. Counts are per replication (their
/// mean and its t interval); the shares and ASA are pooled with the ratio
/// estimator, weighted by each replication's denominator, like the
/// headline figures; `None` where no replication has the figure.
#[derive(Debug, Clone, PartialEq)]
pub struct PooledInterval {
    pub start_s: f64,
    pub measured_s: f64,
    /// Arrivals the profile predicts (the same in every replication).
    pub expected_arrivals: f64,
    /// First contacts of all channels (per replication).
    pub first_contacts: Aggregate,
    /// Chat, voice.
    pub channels: [PooledChannel; 2],
    pub mean_queue: Aggregate,
    /// Per pool.
    pub occupancy: Vec<Aggregate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PooledChannel {
    pub arrivals: Aggregate,
    pub first_contacts: Aggregate,
    pub offered: Aggregate,
    pub answered: Aggregate,
    pub abandoned: Aggregate,
    pub still_waiting: Aggregate,
    pub asa_s: Option<Aggregate>,
    pub service_level: Option<Aggregate>,
    pub abandonment_rate: Option<Aggregate>,
}

/// A channel's wait distribution over the replications: at each grid
/// point t (a whole-second service-level threshold among them), the share
/// of waits under t (of zero at t = 0), the waits being counted by whole
/// second.
#[derive(Debug, Clone, PartialEq)]
pub struct PooledWaits {
    /// Waits in all replications.
    pub n: u64,
    /// The longest wait in any replication, to the whole second.
    pub longest_s: u64,
    /// (t in seconds, the share's pooled value and interval).
    pub cdf: Vec<(u64, Aggregate)>,
}

/// Points of the pooled wait distribution, at most.
const CDF_POINTS: u64 = 240;

fn metric(path: &str, unit: Unit) -> Metric {
    Metric {
        name: path.to_string(),
        path: path.to_string(),
        unit,
    }
}

/// Pools `values` (one per replication where present, with its weight)
/// as `metric`, the interval cut at 0 (every figure of a trace is a count,
/// a share or a time); `None` where no replication has it.
fn pooled(metric: &Metric, values: impl Iterator<Item = Option<Observation>>) -> Option<Aggregate> {
    let obs: Vec<Observation> = values.flatten().filter(|o| o.weight > 0.0).collect();
    (!obs.is_empty()).then(|| pooling::aggregate_metric(metric, &obs).at_least_zero())
}

fn count(values: impl Iterator<Item = u64>) -> Aggregate {
    let obs: Vec<Observation> = values
        .map(|v| Observation {
            value: v as f64,
            weight: 1.0,
        })
        .collect();
    pooling::aggregate(&obs).at_least_zero()
}

impl PooledRun {
    /// Pools the traces of a scenario's replications (in order); `None`
    /// without any.
    pub fn of(traces: &[Trace]) -> Option<PooledRun> {
        let first = traces.first()?;
        let rows = traces.iter().map(|t| t.intervals.len()).min().unwrap_or(0);
        let asa = metric("intervals.asa_s", Unit::Seconds);
        let share = metric("intervals.service_level", Unit::Share);
        let occupancy = metric("intervals.occupancy", Unit::Share);
        let mean_queue = metric("intervals.mean_queue", Unit::Score);
        let intervals = (0..rows)
            .map(|i| {
                fn at(t: &Trace, i: usize) -> &IntervalRow {
                    &t.intervals[i]
                }
                let channel = |c: usize| {
                    let ch = |t: &Trace| at(t, i).channels[c];
                    let by =
                        |f: fn(&IntervalChannel) -> u64| count(traces.iter().map(|t| f(&ch(t))));
                    // A ratio: (its value, its denominator) per replication.
                    let rate = |metric: &Metric, f: fn(&IntervalChannel) -> (Option<f64>, u64)| {
                        pooled(
                            metric,
                            traces.iter().map(|t| {
                                let (value, n) = f(&ch(t));
                                value.map(|value| Observation {
                                    value,
                                    weight: n as f64,
                                })
                            }),
                        )
                    };
                    PooledChannel {
                        arrivals: by(|x| x.arrivals),
                        first_contacts: by(|x| x.first_contacts),
                        offered: by(|x| x.offered),
                        answered: by(|x| x.answered),
                        abandoned: by(|x| x.abandoned),
                        still_waiting: by(|x| x.still_waiting),
                        asa_s: rate(&asa, |x| (x.asa_s, x.answered)),
                        service_level: rate(&share, |x| (x.service_level, x.service_level_base)),
                        abandonment_rate: rate(&share, |x| (x.abandonment_rate, x.offered)),
                    }
                };
                let pools = at(first, i).occupancy.len();
                let row = at(first, i);
                PooledInterval {
                    start_s: row.start_s,
                    measured_s: row.measured_s,
                    expected_arrivals: row.expected_arrivals,
                    first_contacts: count(traces.iter().map(|t| {
                        let c = &at(t, i).channels;
                        c[0].first_contacts + c[1].first_contacts
                    })),
                    channels: [channel(0), channel(1)],
                    mean_queue: pooled(
                        &mean_queue,
                        traces.iter().map(|t| {
                            Some(Observation {
                                value: at(t, i).mean_queue,
                                weight: 1.0,
                            })
                        }),
                    )
                    .expect("every replication has a mean queue"),
                    occupancy: (0..pools)
                        .map(|p| {
                            pooled(
                                &occupancy,
                                traces.iter().map(|t| {
                                    Some(Observation {
                                        value: at(t, i).occupancy.get(p).copied()?,
                                        weight: 1.0,
                                    })
                                }),
                            )
                            .unwrap_or(Aggregate {
                                mean: 0.0,
                                ci95: None,
                                ci95_range: None,
                                n: 0,
                                spread: None,
                            })
                        })
                        .collect(),
                }
            })
            .collect();
        // A threshold between whole seconds has no point of its own.
        let threshold = (first.threshold_s.fract() == 0.0).then_some(first.threshold_s as u64);
        let waits = [0, 1].map(|c| pool_waits(traces, c, threshold));
        Some(PooledRun {
            replications: traces.len(),
            interval_s: first.interval_s,
            threshold_s: first.threshold_s,
            warm_up_s: first.warm_up_s,
            intervals,
            waits,
        })
    }
}

/// The share of waits under t at up to [`CDF_POINTS`] + 1 points from 0 to
/// past the longest wait, and at the service-level threshold when it is a
/// whole number of seconds: per replication F_r(t) with weight n_r, pooled
/// as a share whose trials are all the waits.
fn pool_waits(traces: &[Trace], c: usize, threshold_s: Option<u64>) -> PooledWaits {
    let n: u64 = traces.iter().map(|t| t.waits[c].len()).sum();
    let longest_s = traces
        .iter()
        .map(|t| t.waits[c].longest_s())
        .max()
        .unwrap_or(0);
    let step = longest_s.div_ceil(CDF_POINTS).max(1);
    let mut grid: Vec<u64> = (0..)
        .map(|k| k * step)
        .take_while(|&t| t <= longest_s + step)
        .collect();
    grid.extend(threshold_s);
    grid.sort_unstable();
    grid.dedup();
    // Per replication: its waits under each point, and all its waits.
    let counts: Vec<(Vec<u64>, u64)> = traces
        .iter()
        .map(|t| (t.waits[c].under_each(&grid), t.waits[c].len()))
        .collect();
    let share = metric("waits.under", Unit::Share);
    let cdf = grid
        .iter()
        .enumerate()
        .filter_map(|(k, &t)| {
            let a = pooled(
                &share,
                counts.iter().map(|(under, all)| {
                    (*all > 0).then(|| Observation {
                        value: under[k] as f64 / *all as f64,
                        weight: *all as f64,
                    })
                }),
            )?;
            Some((t, a))
        })
        .collect();
    PooledWaits { n, longest_s, cdf }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hdrhistogram::Histogram;

    fn histogram(ms: &[u64]) -> Histogram<u64> {
        let mut h = Histogram::new_with_bounds(1, 3_600_000, 3).unwrap();
        for &v in ms {
            h.record(v).unwrap();
        }
        h
    }

    #[test]
    fn waits_keep_zeros_apart_and_count_whole_seconds() {
        let w = Waits::of(&histogram(&[0, 0, 0, 200, 900, 1_500, 61_900]));
        assert_eq!(w.zero, 3);
        assert_eq!(w.by_second, vec![(0, 2), (1, 1), (61, 1)]);
        assert_eq!(w.len(), 7);
        assert_eq!(w.under(0), 3);
        assert_eq!(w.under(1), 5);
        assert_eq!(w.under(2), 6);
        assert_eq!(w.under(61), 6);
        assert_eq!(w.under(62), 7);
        assert_eq!(w.longest_s(), 62);
        assert_eq!(
            w.under_each(&[0, 1, 2, 61, 62, 100]),
            vec![3, 5, 6, 6, 7, 7]
        );
    }

    fn channel(offered: u64, answered: u64, within: u64, asa: f64) -> IntervalChannel {
        IntervalChannel {
            arrivals: offered * 2,
            first_contacts: offered * 2,
            offered,
            answered,
            abandoned: offered - answered,
            still_waiting: 0,
            asa_s: (answered > 0).then_some(asa),
            answered_within: within,
            service_level_base: offered,
            handled: answered,
            handle_s: answered as f64 * 300.0,
            service_level: (offered > 0).then(|| within as f64 / offered as f64),
            abandonment_rate: (offered > 0).then(|| (offered - answered) as f64 / offered as f64),
        }
    }

    fn trace(chat: IntervalChannel, occupancy: f64, zero: u64) -> Trace {
        Trace {
            interval_s: 1800.0,
            threshold_s: 20.0,
            warm_up_s: 0.0,
            intervals: vec![IntervalRow {
                start_s: 0.0,
                measured_s: 1800.0,
                expected_arrivals: 100.0,
                channels: [chat, channel(0, 0, 0, 0.0)],
                mean_queue: occupancy * 4.0,
                occupancy: vec![occupancy],
            }],
            waits: [
                Waits {
                    zero,
                    by_second: vec![(10, 10 - zero), (30, 10)],
                },
                Waits::default(),
            ],
        }
    }

    #[test]
    fn intervals_pool_shares_by_their_denominators_and_counts_per_replication() {
        let traces = [
            trace(channel(40, 38, 30, 12.0), 0.7, 4),
            trace(channel(60, 50, 30, 20.0), 0.9, 6),
        ];
        let pooled = PooledRun::of(&traces).unwrap();
        assert_eq!(pooled.replications, 2);
        let row = &pooled.intervals[0];
        let chat = &row.channels[0];
        assert_eq!(chat.offered.mean, 50.0);
        assert_eq!(chat.offered.n, 2);
        // 60 answered in time of 100 offered, not the mean of 0.75 and 0.5.
        let sl = chat.service_level.unwrap();
        assert!((sl.mean - 0.6).abs() < 1e-12, "{sl:?}");
        let [low, high] = sl.ci95_range.unwrap();
        assert!((0.0..0.6).contains(&low) && 0.6 < high && high <= 1.0);
        // ASA weighted by the answered: (38·12 + 50·20) / 88.
        assert!((chat.asa_s.unwrap().mean - (38.0 * 12.0 + 1000.0) / 88.0).abs() < 1e-9);
        // Voice had nothing offered: no share, no ASA.
        assert_eq!(row.channels[1].service_level, None);
        assert_eq!(row.channels[1].asa_s, None);
        assert!((row.occupancy[0].mean - 0.8).abs() < 1e-12);
        assert!((row.mean_queue.mean - 3.2).abs() < 1e-12);
        // Waits: 4 + 6 of 40 at zero, 6 + 4 in second 10, 10 + 10 in second 30.
        let cdf = &pooled.waits[0].cdf;
        assert_eq!(pooled.waits[0].n, 40);
        assert_eq!(pooled.waits[0].longest_s, 31);
        assert_eq!(cdf[0].0, 0);
        assert!((cdf[0].1.mean - 10.0 / 40.0).abs() < 1e-12);
        let at = |t: u64| cdf.iter().find(|(x, _)| *x == t).unwrap().1.mean;
        assert!((at(10) - 0.25).abs() < 1e-12);
        assert!((at(11) - 0.5).abs() < 1e-12);
        assert!((at(31) - 1.0).abs() < 1e-12);
        assert!(cdf.last().unwrap().0 >= 31);
        assert_eq!(pooled.waits[1].n, 0);
        assert!(pooled.waits[1].cdf.is_empty());
    }
}
