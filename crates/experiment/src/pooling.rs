//! The statistics across replications: means with Student-t intervals,
//! ratios with the ratio-estimator interval, paired and unpaired
//! differences, and Holm's correction. Pure: works on `summary.json`
//! values read through [`handoff_model::figures`], no actors.
//!
//! A metric is read from each replication's summary by its JSON path. An
//! *estimate* there (`{value, n}`) is a ratio Σnum / Σden over the run
//! (answered within the threshold over offered, …), so across replications
//! it is pooled as Σᵣ nᵣ·vᵣ / Σᵣ nᵣ — the ratio estimator — with the
//! delta-method variance Σᵣ uᵣ² / (R (R − 1)), uᵣ = nᵣ (vᵣ − R̂) / n̄
//! (Law, *Simulation Modeling and Analysis*, 5th ed., §9.5.3 on ratio
//! estimators; the same linearisation as the batch means of a single run).
//! A plain number (CSAT delta, a percentile) is averaged, uᵣ = vᵣ − v̄, which
//! is the usual t interval. Paired differences use the difference of the
//! two linearised values per replication (common random numbers make them
//! correlated, which is the point); unpaired ones add the two variances
//! (Welch).
//!
//! A *share* (service level, abandonment, occupancy, …) gets no symmetric
//! t interval, which reaches past 0 or 1 where the share is near a bound:
//! its interval is built from the same standard error on the logit scale
//! ([`handoff_model::stats::share_interval`]), so it stays inside [0, 1] and
//! is longer towards ½.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

use handoff_model::figures::{Metric, Observation, Unit};
use handoff_model::stats::{share_interval, t975};

/// A metric over replications: the pooled value and its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Aggregate {
    pub mean: f64,
    /// Half-width of a symmetric 95 % Student-t interval; `None` for fewer
    /// than 2 replications or an asymmetric interval.
    pub ci95: Option<f64>,
    /// Bounds of the 95 % interval, symmetric or not; `None` for fewer than
    /// 2 replications.
    pub ci95_range: Option<[f64; 2]>,
    /// Replications with the figure.
    pub n: usize,
    /// What the interval was built from, for bounds at other confidence
    /// levels ([`Aggregate::one_sided`]).
    #[serde(skip)]
    pub spread: Option<Spread>,
}

/// The standard error behind an [`Aggregate`]'s interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub se: f64,
    /// Degrees of freedom of its t quantile.
    pub df: usize,
    pub scale: Scale,
}

/// How an interval is built from a standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// mean ± t·se.
    Plain,
    /// [`share_interval`]: on the logit scale, the standard error at least
    /// the binomial one of `trials` (the counted outcomes; `None` for a
    /// share of time).
    Share { trials: Option<f64> },
}

impl Aggregate {
    /// The lower and upper one-sided bounds at `confidence` (0.9: each
    /// bound holds with 90 %); the mean for both without a spread.
    pub fn one_sided(&self, confidence: f64) -> [f64; 2] {
        let Some(spread) = self.spread else {
            return [self.mean, self.mean];
        };
        let Ok(t) = StudentsT::new(0.0, 1.0, spread.df.max(1) as f64) else {
            return [self.mean, self.mean];
        };
        let q = t.inverse_cdf(confidence.clamp(0.5, 1.0 - 1e-12));
        match spread.scale {
            Scale::Plain => [self.mean - q * spread.se, self.mean + q * spread.se],
            Scale::Share { trials } => share_interval(self.mean, spread.se, q, trials),
        }
    }

    /// The interval cut at 0, for a figure that cannot be negative (a
    /// count, a wait): a t interval near 0 reaches below it. A cut
    /// interval is no longer symmetric, so it loses its half-width.
    pub fn at_least_zero(self) -> Aggregate {
        match self.ci95_range {
            Some([low, high]) if low < 0.0 => Aggregate {
                ci95: None,
                ci95_range: Some([0.0, high]),
                ..self
            },
            _ => self,
        }
    }

    /// The low end of the interval (the mean without one).
    pub fn low(&self) -> f64 {
        self.ci95_range.map_or(self.mean, |[low, _]| low)
    }

    /// The high end of the interval (the mean without one).
    pub fn high(&self) -> f64 {
        self.ci95_range.map_or(self.mean, |[_, high]| high)
    }
}

/// True for a mean wait (ΣW / N), whose estimate is skewed right: pooled on
/// the reciprocal scale ([`aggregate_metric`]).
pub fn is_mean_wait(path: &str) -> bool {
    path.ends_with("asa_s") || path.ends_with("mean_wait_s")
}

/// The pooled value and the linearised values uᵣ (module doc).
fn linearise(obs: &[Observation]) -> (f64, Vec<f64>) {
    let total: f64 = obs.iter().map(|o| o.weight).sum();
    if total <= 0.0 {
        return (0.0, vec![0.0; obs.len()]);
    }
    let pooled = obs.iter().map(|o| o.weight * o.value).sum::<f64>() / total;
    let mean_weight = total / obs.len() as f64;
    let u = obs
        .iter()
        .map(|o| o.weight * (o.value - pooled) / mean_weight)
        .collect();
    (pooled, u)
}

fn variance_of_mean(u: &[f64]) -> f64 {
    let n = u.len() as f64;
    let mean = u.iter().sum::<f64>() / n;
    u.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n * (n - 1.0))
}

/// Pools one metric over replications, with the symmetric t interval.
pub fn aggregate(obs: &[Observation]) -> Aggregate {
    aggregate_on(obs, Scale::Plain)
}

/// Pools a share over replications; `trials` counted outcomes in all
/// (`None` for a share of time): the logit-scale interval (module doc).
pub fn aggregate_share(obs: &[Observation], trials: Option<f64>) -> Aggregate {
    aggregate_on(obs, Scale::Share { trials })
}

fn aggregate_on(obs: &[Observation], scale: Scale) -> Aggregate {
    let (mean, u) = linearise(obs);
    let n = obs.len();
    let spread = (n >= 2).then(|| Spread {
        se: variance_of_mean(&u).sqrt(),
        df: n - 1,
        scale,
    });
    let mut a = Aggregate {
        mean,
        ci95: None,
        ci95_range: None,
        n,
        spread,
    };
    // The 95 % interval is the pair of one-sided 97.5 % bounds.
    if let Some(spread) = spread {
        let [low, high] = a.one_sided(0.975);
        a.ci95_range = Some([low, high]);
        if spread.scale == Scale::Plain {
            a.ci95 = Some(high - mean);
        }
    }
    a
}

/// Pools `metric` over replications: mean waits on the reciprocal scale —
/// contacts answered per second of waiting, N / ΣW, pooled with the ratio
/// estimator and the interval inverted (as for a single run, see
/// [`handoff_model::stats`]) — everything else with [`aggregate`].
/// Measured on M/M/20 over one day at 0.95 Erl/agent, 200 sets of 10
/// replications: the symmetric ASA interval covered in 86 %, this one in
/// 90.5 % (`tests/experiments.rs`, ignored). Shares get
/// [`aggregate_share`]: a share of contacts with the contacts counted as
/// its trials; occupancy and agents engaged (shares of agent time, an
/// occupancy's n its reporting intervals) and the Erlang prediction (a
/// plain number) without.
pub fn aggregate_metric(metric: &Metric, obs: &[Observation]) -> Aggregate {
    if metric.unit == Unit::Share {
        let of_time = ["occupancy", "agents_engaged"]
            .iter()
            .any(|p| metric.path.ends_with(p));
        let counted = !of_time && !metric.path.starts_with("theory.");
        let trials = counted.then(|| obs.iter().map(|o| o.weight).sum());
        return aggregate_share(obs, trials);
    }
    let direct = aggregate(obs);
    if !is_mean_wait(&metric.path) || obs.iter().any(|o| o.value <= 0.0) {
        return direct;
    }
    let rates: Vec<Observation> = obs
        .iter()
        .map(|o| Observation {
            value: 1.0 / o.value,
            weight: o.value * o.weight,
        })
        .collect();
    let rate = aggregate(&rates);
    match rate.ci95 {
        // The inverse has an upper bound only while the rate's interval
        // stays above 0; otherwise keep the direct interval.
        Some(h) if h < rate.mean => Aggregate {
            ci95: None,
            ci95_range: Some([1.0 / (rate.mean + h), 1.0 / (rate.mean - h)]),
            ..direct
        },
        _ => direct,
    }
}

/// [`aggregate_metric`] for a figure the outputs report (a headline or a
/// part's figure, [`handoff_model::figures::reported`]): a time or a count
/// cannot be negative, so its interval is cut at 0
/// ([`Aggregate::at_least_zero`]).
pub fn aggregate_reported(metric: &Metric, obs: &[Observation]) -> Aggregate {
    let a = aggregate_metric(metric, obs);
    match metric.unit {
        Unit::Seconds | Unit::Count => a.at_least_zero(),
        Unit::Share | Unit::Score => a,
    }
}

/// A variant against the baseline on one metric.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Difference {
    /// Variant minus baseline.
    pub difference: f64,
    /// Half-width of the paired 95 % interval (per-replication differences).
    pub paired_ci95: f64,
    /// Half-width of the unpaired (Welch) 95 % interval, for contrast.
    pub unpaired_ci95: f64,
    /// Two-sided p-value of the paired t test.
    pub p_value: f64,
    /// Significant at 5 % after Holm's correction across the metrics.
    pub significant: bool,
    /// Replications in which both runs have the figure (the pairs the
    /// difference rests on; below the replication count when some run lacks
    /// it, and then the difference is taken over those pairs only).
    pub pairs: usize,
}

/// Paired and unpaired intervals of `variant − base`; replication r of both
/// ran on the same random numbers. `None` with fewer than 2 pairs.
pub fn difference(base: &[Observation], variant: &[Observation]) -> Option<Difference> {
    let n = base.len().min(variant.len());
    if n < 2 {
        return None;
    }
    let (b, ub) = linearise(&base[..n]);
    let (v, uv) = linearise(&variant[..n]);
    let paired: Vec<f64> = uv.iter().zip(&ub).map(|(x, y)| x - y).collect();
    let paired_se = variance_of_mean(&paired).sqrt();
    let (var_b, var_v) = (variance_of_mean(&ub), variance_of_mean(&uv));
    let unpaired_se = (var_b + var_v).sqrt();
    // Welch–Satterthwaite degrees of freedom.
    let df_welch = if var_b + var_v > 0.0 {
        (var_b + var_v).powi(2) / ((var_b.powi(2) + var_v.powi(2)) / (n - 1) as f64)
    } else {
        (n - 1) as f64
    };
    let t_paired = t975(n - 1)?;
    let t_welch = StudentsT::new(0.0, 1.0, df_welch.max(1.0))
        .ok()?
        .inverse_cdf(0.975);
    let difference = v - b;
    let p_value = if paired_se > 0.0 {
        let t = StudentsT::new(0.0, 1.0, (n - 1) as f64).ok()?;
        2.0 * (1.0 - t.cdf((difference / paired_se).abs()))
    } else if difference == 0.0 {
        1.0
    } else {
        0.0
    };
    Some(Difference {
        difference,
        paired_ci95: t_paired * paired_se,
        unpaired_ci95: t_welch * unpaired_se,
        p_value,
        significant: false,
        pairs: n,
    })
}

/// Holm's step-down procedure (Holm, "A simple sequentially rejective
/// multiple test procedure", *Scand. J. Statist.* 6, 1979): which of the
/// p-values are significant at family-wise level `alpha`.
pub fn holm(p_values: &[f64], alpha: f64) -> Vec<bool> {
    let mut order: Vec<usize> = (0..p_values.len()).collect();
    order.sort_by(|&a, &b| p_values[a].total_cmp(&p_values[b]));
    let m = p_values.len();
    let mut significant = vec![false; m];
    for (rank, &i) in order.iter().enumerate() {
        if p_values[i] <= alpha / (m - rank) as f64 {
            significant[i] = true;
        } else {
            break;
        }
    }
    significant
}

#[cfg(test)]
mod tests {
    use super::*;
    use handoff_model::figures::resolve;

    fn plain(values: &[f64]) -> Vec<Observation> {
        values
            .iter()
            .map(|&value| Observation { value, weight: 1.0 })
            .collect()
    }

    #[test]
    fn plain_numbers_get_the_t_interval() {
        let a = aggregate(&plain(&[1.0, 2.0, 3.0, 4.0, 5.0]));
        assert_eq!(a.mean, 3.0);
        assert!((a.ci95.unwrap() - 2.776_445 * (2.5_f64 / 5.0).sqrt()).abs() < 1e-5);
        assert_eq!(aggregate(&plain(&[1.0])).ci95, None);
    }

    #[test]
    fn mean_waits_get_the_inverted_reciprocal_interval() {
        let asa = resolve("asa");
        let obs = [
            Observation {
                value: 20.0,
                weight: 100.0,
            },
            Observation {
                value: 30.0,
                weight: 120.0,
            },
            Observation {
                value: 45.0,
                weight: 90.0,
            },
        ];
        let a = aggregate_metric(&asa, &obs);
        // Same pooled mean: Σ n·v / Σ n.
        assert!((a.mean - (2000.0 + 3600.0 + 4050.0) / 310.0).abs() < 1e-9);
        let [low, high] = a.ci95_range.unwrap();
        assert_eq!(a.ci95, None);
        assert!(low < a.mean && a.mean < high);
        assert!(high - a.mean > a.mean - low, "longer above: {low} {high}");
        // A plain figure keeps the symmetric interval.
        let aht = aggregate_metric(&resolve("aht"), &obs);
        assert!(aht.ci95.is_some());
    }

    #[test]
    fn shares_get_wilson_intervals_inside_zero_one() {
        // Abandonment 0.1 % over replications of 1 000 contacts, all in one:
        // the symmetric interval reaches below 0, this one does not.
        let values = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.01];
        let obs: Vec<Observation> = values
            .iter()
            .map(|&value| Observation {
                value,
                weight: 1_000.0,
            })
            .collect();
        let plain = aggregate(&obs);
        assert!(plain.low() < 0.0, "{plain:?}");
        let share = aggregate_metric(&resolve("abandonment"), &obs);
        assert_eq!(share.mean, plain.mean);
        assert_eq!(share.ci95, None);
        let [low, high] = share.ci95_range.unwrap();
        assert!(
            0.0 < low && low < share.mean && share.mean < high,
            "{low} {high}"
        );
        // Longer above: towards ½.
        assert!(high - share.mean > share.mean - low);
        // No abandonment at all in 10 × 1 000 contacts: Wilson's
        // [0, t² / (10 000 + t²)].
        let none: Vec<Observation> = obs
            .iter()
            .map(|o| Observation { value: 0.0, ..*o })
            .collect();
        let zero = aggregate_metric(&resolve("abandonment"), &none);
        let t2 = t975(9).unwrap().powi(2);
        assert_eq!(zero.low(), 0.0);
        assert!((zero.high() - t2 / (10_000.0 + t2)).abs() < 1e-12);
        // Occupancy has no trials: without spread its interval is the point.
        let flat = aggregate_metric(&resolve("occupancy"), &none);
        assert_eq!(flat.ci95_range, Some([0.0, 0.0]));
    }

    #[test]
    fn ratios_pool_by_weight() {
        // 30 of 100 and 10 of 50: pooled 40 / 150, not the mean of 0.3, 0.2.
        let obs = [
            Observation {
                value: 0.3,
                weight: 100.0,
            },
            Observation {
                value: 0.2,
                weight: 50.0,
            },
        ];
        let a = aggregate(&obs);
        assert!((a.mean - 40.0 / 150.0).abs() < 1e-12);
        // Linearised: u = n (v − R) / n̄ = 100·(0.3 − 0.2667)/75, 50·(0.2 − 0.2667)/75.
        let u: [f64; 2] = [
            100.0 * (0.3 - 40.0 / 150.0) / 75.0,
            50.0 * (0.2 - 40.0 / 150.0) / 75.0,
        ];
        let var = (u[0] - u[1]).powi(2) / 2.0 / 2.0;
        assert!((a.ci95.unwrap() - 12.706_2 * var.sqrt()).abs() < 1e-3);
    }

    #[test]
    fn pairing_removes_the_shared_noise() {
        // Both variants share a big per-replication swing; the variant is
        // 1.0 higher with small noise of its own.
        let swing = [10.0, -8.0, 3.0, -5.0, 7.0, 0.0, -2.0, 6.0];
        let own = [0.1, -0.1, 0.05, 0.0, -0.05, 0.1, -0.1, 0.0];
        let base = plain(&swing);
        let variant: Vec<Observation> = swing
            .iter()
            .zip(own)
            .map(|(s, e)| Observation {
                value: s + 1.0 + e,
                weight: 1.0,
            })
            .collect();
        let d = difference(&base, &variant).unwrap();
        assert!((d.difference - 1.0).abs() < 1e-9);
        assert!(d.paired_ci95 < 0.1, "{d:?}");
        assert!(d.unpaired_ci95 > 10.0 * d.paired_ci95, "{d:?}");
        assert!(d.p_value < 1e-6);
    }

    #[test]
    fn holm_steps_down() {
        // m = 4: thresholds 0.0125, 0.0167, 0.025, 0.05.
        assert_eq!(
            holm(&[0.01, 0.04, 0.015, 0.5], 0.05),
            vec![true, false, true, false]
        );
        // The smallest fails: nothing is significant.
        assert_eq!(holm(&[0.03, 0.04], 0.05), vec![false, false]);
        assert_eq!(holm(&[0.02, 0.04], 0.05), vec![true, true]);
    }
}
