//! Small statistics: estimates with their sample size and confidence interval,
//! and the method of batch means for the error of a single long run.
//!
//! Batch means (Law, *Simulation Modeling and Analysis*, 5th ed., §9.5.3):
//! split the measured run into `b` consecutive batches, take the statistic in
//! each, and treat the `b` batch values as independent; the half-width is
//! t_{b−1, 0.975} · s / √b. That is honest only when a batch outlasts the
//! correlation of the output, so the batch length is sized from the data:
//!
//! 1. The run is a series of reporting intervals; a figure is a ratio
//!    R = Σyₖ / Σxₖ of per-interval sums (answered within the threshold over
//!    offered, …). Its residuals zₖ = yₖ − R·xₖ carry its noise.
//! 2. The integrated autocorrelation time τ = 1 + 2 Σₜ ρ(t) of the residuals
//!    is estimated with Geyer's initial monotone sequence (Geyer, "Practical
//!    Markov chain Monte Carlo", *Statistical Science* 7, 1992, §3.3): sums of
//!    adjacent autocovariances are added while positive and decreasing. τ is
//!    how many intervals one independent observation is worth.
//! 3. A batch spans `BATCH_OVER_TAU · τ` intervals (at least one). Geyer's
//!    estimate runs low on short, noisy series (it stops at the first
//!    negative pair), hence the generous factor. It runs *very* low when the
//!    run is only a few correlation times long — then the series simply does
//!    not show its slow swings. So a batch must also span
//!    [`RELAXATIONS_PER_BATCH`] relaxation times of the queue, a model-based
//!    floor ([`Batching::from_relaxation`], from
//!    [`crate::theory::relaxation_time`]). With fewer than
//!    [`MIN_BATCHES`] batches the run is too short for this load: no interval
//!    is given, and [`TOO_SHORT`] says why. A short run at high load
//!    (relaxation time of hours) is also where the warm-up bias is largest,
//!    so withholding is the honest answer there.
//!    Series longer than 2 048 intervals are summed in blocks first, which
//!    keeps the cost linear and errs towards longer batches.
//! 4. Every interval is used: the batches differ in length by at most one
//!    interval, and the variance is that of the ratio estimator over batches
//!    (Law §9.5.3, the delta method for ratios): Var(R) ≈
//!    Σⱼ (Yⱼ − R·Xⱼ)² / (b (b − 1) X̄²). So the interval describes exactly
//!    the window of the point estimate.
//! 5. Queue output is heavy-tailed (a congestion episode moves a batch a
//!    lot), which makes the variance estimate itself noisier than the
//!    normal theory behind t_{b−1} assumes. The degrees of freedom are cut
//!    to Satterthwaite's effective value for a variance estimate with excess
//!    kurtosis κ of the batch values: Var(s²)/σ⁴ ≈ 2/(b − 1) + κ/b, so
//!    df = 2 / (2/(b − 1) + κ/b).
//!
//! Mean waits (ASA, mean wait) get their interval on the reciprocal scale
//! ([`batch_ratio_ci_reciprocal`]): contacts answered per second of waiting,
//! N / ΣW, is itself a ratio, and much closer to normal than ΣW / N, whose
//! estimate is skewed right (a run without a congestion episode is calm and
//! also reports a small spread). The interval is then inverted, so it is
//! asymmetric: longer above the estimate than below.
//!
//! The coverage of these intervals is measured against Erlang C in
//! `tests/ci_coverage.rs` (figures in ARCHITECTURE.md).

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Longest series the autocorrelation time is estimated on directly;
/// longer ones are summed in blocks first.
const COARSE_SERIES: usize = 2048;

/// The message given instead of an interval when the run is too short.
pub const TOO_SHORT: &str =
    "run too short for a confidence interval at this load: use replications";

/// Fewest batches an interval may rest on. Law recommends 10 to 30 for
/// efficiency; fewer still give a valid interval (Schmeiser, "Batch size
/// effects in the analysis of simulation output", *Operations Research* 30,
/// 1982), only a wider one, through the t quantile.
pub const MIN_BATCHES: usize = 4;

/// Batch length in units of the estimated integrated autocorrelation time
/// (the aim; at least half of it). Measured on M/M/20 (tests/ci_coverage.rs):
/// with Geyer's estimate at 5 τ̂ the half-width of an ASA ran 14 % short of
/// the spread across runs; at 10 τ̂ the average is right.
pub const BATCH_OVER_TAU: f64 = 10.0;

/// Batch length floor in relaxation times of the slowest pool (taken at an
/// upper bound of its load). Output of a queue is correlated over about two
/// relaxation times (its integrated autocorrelation time); batches of eight
/// keep the runs that pass this floor from being only the calm ones (a run
/// that saw a little less load than offered looks faster-mixing than it
/// is). Measured: with 4, one-day runs at 0.85 Erl/agent got an interval in
/// a fifth of the runs, and those covered only 77 %.
pub const RELAXATIONS_PER_BATCH: f64 = 8.0;

/// What the model says about batch length: the shortest batch, in
/// reporting intervals, that the queue's relaxation time allows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Batching {
    pub min_intervals: f64,
}

impl Default for Batching {
    /// No floor beyond one interval.
    fn default() -> Self {
        Batching { min_intervals: 1.0 }
    }
}

impl Batching {
    /// Batches of at least [`RELAXATIONS_PER_BATCH`] relaxation times
    /// (`relaxation_s`, infinite for a saturated queue: no interval at
    /// all), in reporting intervals of `interval_s`.
    pub fn from_relaxation(relaxation_s: Option<f64>, interval_s: f64) -> Batching {
        let min = relaxation_s.map_or(1.0, |r| RELAXATIONS_PER_BATCH * r / interval_s);
        Batching {
            min_intervals: if min.is_nan() { 1.0 } else { min.max(1.0) },
        }
    }

    /// Interval for a share or other ratio Σnum / Σden.
    pub fn ratio(&self, num: &[f64], den: &[f64]) -> BatchCi {
        batch_ratio_ci_with(num, den, MIN_BATCHES, BATCH_OVER_TAU, self.min_intervals)
    }

    /// Interval for a share Σnum / Σden of `trials` counted outcomes
    /// (`None` for a share of time): the batch-means standard error turned
    /// into a [`share_interval`] (logit scale), which stays inside [0, 1].
    pub fn share(&self, num: &[f64], den: &[f64], trials: Option<f64>) -> BatchCi {
        match self.ratio(num, den) {
            BatchCi::Interval {
                half_width,
                t,
                batches,
                tau,
            } => {
                let p = num.iter().sum::<f64>() / den.iter().sum::<f64>();
                let [low, high] = share_interval(p, half_width / t, t, trials);
                BatchCi::Range {
                    low,
                    high,
                    batches,
                    tau,
                }
            }
            other => other,
        }
    }

    /// Interval for a mean wait ΣW / N, on the reciprocal scale.
    pub fn mean_wait(&self, waits: &[f64], count: &[f64]) -> BatchCi {
        let total_waits: f64 = waits.iter().sum();
        if total_waits <= 0.0 {
            // No waiting at all: nothing skewed to correct; a zero-width
            // interval on the direct scale, if the data allow one.
            return self.ratio(waits, count);
        }
        match self.ratio(count, waits) {
            BatchCi::Interval {
                half_width,
                batches,
                tau,
                ..
            } => {
                let rate = count.iter().sum::<f64>() / total_waits;
                if half_width >= rate {
                    // The reciprocal interval reaches 0 (a wide interval
                    // on few batches): fall back to the direct scale.
                    return self.ratio(waits, count);
                }
                BatchCi::Range {
                    low: 1.0 / (rate + half_width),
                    high: 1.0 / (rate - half_width),
                    batches,
                    tau,
                }
            }
            other => other,
        }
    }
}

/// A figure as reported: its value, the number of observations it rests on,
/// and, where the run allows one, its 95 % confidence interval — or why
/// there is none.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub value: f64,
    pub n: u64,
    /// Half-width of a symmetric 95 % interval (`value ± ci95`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci95: Option<f64>,
    /// Bounds of the 95 % interval, symmetric or not (mean waits have
    /// asymmetric ones, see [`batch_ratio_ci_reciprocal`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci95_range: Option<[f64; 2]>,
    /// Why no interval is given where one was sought (e.g. [`TOO_SHORT`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci_withheld: Option<&'static str>,
}

impl Estimate {
    /// A ratio `num / den` over `den` observations (0 when there are none).
    pub fn ratio(num: f64, den: u64) -> Estimate {
        Estimate {
            value: if den > 0 { num / den as f64 } else { 0.0 },
            n: den,
            ci95: None,
            ci95_range: None,
            ci_withheld: None,
        }
    }

    /// The share `part / whole` with its 95 % Wilson interval ([`wilson`]),
    /// which stays in [0, 1]; no interval when `whole` is 0.
    pub fn wilson(part: u64, whole: u64) -> Estimate {
        let share = Estimate::ratio(part as f64, whole);
        if whole == 0 {
            return share;
        }
        let (low, high) = wilson(part, whole);
        Estimate {
            ci95_range: Some([low, high]),
            ..share
        }
    }

    /// With a symmetric interval `value ± ci95`.
    pub fn with_ci(self, ci95: Option<f64>) -> Estimate {
        Estimate {
            ci95,
            ci95_range: ci95.map(|h| [self.value - h, self.value + h]),
            ..self
        }
    }

    /// Attaches a batch-means result: the half-width, or the reason there
    /// is none.
    pub fn with_batch_means(self, ci: BatchCi) -> Estimate {
        let none = Estimate {
            ci95: None,
            ci95_range: None,
            ci_withheld: None,
            ..self
        };
        match ci {
            BatchCi::Interval { half_width, .. } => none.with_ci(Some(half_width)),
            BatchCi::Range { low, high, .. } => Estimate {
                ci95_range: Some([low, high]),
                ..none
            },
            BatchCi::Withheld(reason) => Estimate {
                ci_withheld: Some(reason),
                ..none
            },
            BatchCi::NoData => none,
        }
    }

    /// True when `target` lies within the interval, each side stretched by
    /// `widen` (1 for the 95 % interval itself).
    pub fn covers(&self, target: f64, widen: f64) -> bool {
        self.ci95_range.is_some_and(|[low, high]| {
            target >= self.value - (self.value - low) * widen
                && target <= self.value + (high - self.value) * widen
        })
    }
}

impl Default for Estimate {
    /// No observations.
    fn default() -> Self {
        Estimate::ratio(0.0, 0)
    }
}

/// The batch-means interval of a ratio, or why there is none.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BatchCi {
    Interval {
        /// Half-width of the 95 % interval.
        half_width: f64,
        /// The 0.975 quantile it was built with (half-width / t is the
        /// standard error).
        t: f64,
        batches: usize,
        /// Estimated integrated autocorrelation time, in intervals.
        tau: f64,
    },
    /// An asymmetric interval (from [`batch_ratio_ci_reciprocal`]).
    Range {
        low: f64,
        high: f64,
        batches: usize,
        tau: f64,
    },
    /// The run is too short for an honest interval.
    Withheld(&'static str),
    /// Nothing to estimate (no observations).
    NoData,
}

impl BatchCi {
    pub fn half_width(&self) -> Option<f64> {
        match self {
            BatchCi::Interval { half_width, .. } => Some(*half_width),
            _ => None,
        }
    }

    /// Batches the interval rests on, when there is one.
    pub fn batches(&self) -> Option<usize> {
        match self {
            BatchCi::Interval { batches, .. } | BatchCi::Range { batches, .. } => Some(*batches),
            _ => None,
        }
    }
}

/// A confidence interval for a share p̂ ∈ [0, 1] with standard error `se`
/// (from batch means or replications), at quantile `q` (t or z), that stays
/// inside [0, 1] and always holds p̂:
///
/// - with spread (0 < p̂ < 1, se > 0): the interval on the logit scale,
///   logit p̂ ± q·se / (p̂ (1 − p̂)) mapped back (the delta method on the log
///   odds; Agresti, *Categorical Data Analysis*, 3rd ed., §1.4 and §16.1).
///   Near a bound a share's estimate is skewed — misses near SL = 1 come in
///   congestion episodes, and a set of runs without one looks both better
///   and more precise — and the log odds are much closer to normal. Measured
///   over 400 sets of 10 replications against Erlang A
///   (`tests/experiments.rs`, ignored): see ARCHITECTURE.md. The standard
///   error is never taken below the binomial one of the `trials` counted,
///   √(p̂ (1 − p̂) / trials): outcomes clustered in time are never worth more
///   than independent ones (Korn & Graubard, *Survey Methodology* 24, 1998,
///   cap their effective sample size the same way).
/// - without (p̂ = 0 or 1, or no spread at all): Wilson's score interval on
///   the trials, so 0 abandoned of 400 gives [0, q² / (400 + q²)], not
///   [0, 0]. A share of time (`trials: None`) without spread has the point
///   as its interval.
pub fn share_interval(p: f64, se: f64, q: f64, trials: Option<f64>) -> [f64; 2] {
    let p = p.clamp(0.0, 1.0);
    let spread = p * (1.0 - p);
    let trials = trials.filter(|t| *t > 0.0);
    if spread > 0.0 && se > 0.0 {
        let se = trials.map_or(se, |n| se.max((spread / n).sqrt()));
        let log_odds = (p / (1.0 - p)).ln();
        let half = q * se / spread;
        let expit = |x: f64| 1.0 / (1.0 + (-x).exp());
        // Rounding can put a bound a hair past p̂.
        return [expit(log_odds - half).min(p), expit(log_odds + half).max(p)];
    }
    let Some(n) = trials else {
        return [p, p];
    };
    let q2 = q * q;
    let denominator = 1.0 + q2 / n;
    let centre = (p + q2 / (2.0 * n)) / denominator;
    let half = q * (spread / n + q2 / (4.0 * n * n)).sqrt() / denominator;
    [(centre - half).clamp(0.0, p), (centre + half).clamp(p, 1.0)]
}

/// The 95 % Wilson score interval of `part` successes in `whole` trials
/// (Wilson 1927; Brown, Cai & DasGupta 2001 on why it, and not the normal
/// or a percentile bootstrap, holds its coverage at small n).
pub fn wilson(part: u64, whole: u64) -> (f64, f64) {
    const Z: f64 = 1.959_963_984_540_054;
    let n = whole as f64;
    let p = part as f64 / n;
    let z2 = Z * Z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At p = 0 or 1 one bound is p itself; rounding must not cut it off.
    ((centre - half).clamp(0.0, p), (centre + half).clamp(p, 1.0))
}

/// 0.975 quantile of Student's t with `df` degrees of freedom.
pub fn t975(df: usize) -> Option<f64> {
    Some(StudentsT::new(0.0, 1.0, df as f64).ok()?.inverse_cdf(0.975))
}

/// Half-width of the 95 % confidence interval of the mean of `values`
/// (Student t with `len − 1` degrees of freedom); `None` for fewer than 2.
pub fn mean_ci95(values: &[f64]) -> Option<f64> {
    let n = values.len();
    if n < 2 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    Some(t975(n - 1)? * (var / n as f64).sqrt())
}

/// Integrated autocorrelation time τ = 1 + 2 Σ ρ(t) of a series whose mean
/// is zero, by Geyer's initial monotone sequence estimator. 1 for a series
/// without variance. The sum stops early once τ passes `stop_above` (the
/// caller only needs to know that it is that large) or at lag `max_lag`,
/// which keeps the cost linear in the length for a trending series.
pub fn integrated_autocorrelation_time(z: &[f64], max_lag: usize, stop_above: f64) -> f64 {
    let n = z.len();
    let autocov = |lag: usize| -> f64 {
        if lag >= n {
            return 0.0;
        }
        z[..n - lag]
            .iter()
            .zip(&z[lag..])
            .map(|(a, b)| a * b)
            .sum::<f64>()
            / n as f64
    };
    let gamma0 = autocov(0);
    if gamma0 <= 0.0 {
        return 1.0;
    }
    // Γᵢ = γ(2i) + γ(2i + 1): positive and decreasing for a reversible
    // chain; stop at the first that is not positive, clip to monotone.
    let mut sum = 0.0;
    let mut previous = f64::INFINITY;
    for i in 0..n.div_ceil(2).min(max_lag / 2 + 1) {
        let pair = autocov(2 * i) + autocov(2 * i + 1);
        if pair <= 0.0 {
            break;
        }
        let pair = pair.min(previous);
        sum += pair;
        previous = pair;
        if (2.0 * sum - gamma0) / gamma0 > stop_above {
            break;
        }
    }
    ((2.0 * sum - gamma0) / gamma0).max(1.0)
}

/// Splits `0..n` into `b` consecutive ranges whose lengths differ by at most
/// one, in order; every index is used.
fn batch_bounds(n: usize, b: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    (0..b).map(move |j| j * n / b..(j + 1) * n / b)
}

/// Batch-means 95 % interval for the ratio Σnum / Σden, given per-interval
/// numerators and denominators in time order (the module doc has the method).
/// No model floor on the batch length ([`Batching::default`]).
pub fn batch_ratio_ci(num: &[f64], den: &[f64]) -> BatchCi {
    Batching::default().ratio(num, den)
}

/// [`batch_ratio_ci`] with its constants given: the fewest batches, the
/// batch length in autocorrelation times, and the shortest batch in
/// intervals.
pub fn batch_ratio_ci_with(
    num: &[f64],
    den: &[f64],
    min_batches: usize,
    batch_over_tau: f64,
    min_length: f64,
) -> BatchCi {
    assert_eq!(num.len(), den.len());
    let n = num.len();
    let total: f64 = den.iter().sum();
    if total <= 0.0 {
        return BatchCi::NoData;
    }
    let ratio = num.iter().sum::<f64>() / total;
    let residuals: Vec<f64> = num.iter().zip(den).map(|(y, x)| y - ratio * x).collect();
    // A τ above `too_long` withholds the interval whatever its exact value,
    // and a lag beyond the longest admissible batch is beyond what batching
    // can handle: the estimate stops there.
    let longest = n / min_batches.max(2);
    let too_long = 2.0 * longest as f64 / batch_over_tau.max(1e-9);
    // A very long series (fine intervals over many days) is first summed in
    // blocks of `k` intervals, so the estimate costs O(n + 2048²), not
    // O(n²). τ of the block sums times `k` is τ in intervals when τ ≫ k, and
    // an upper bound (k) when τ ≪ k: longer batches, never shorter.
    let k = n.div_ceil(COARSE_SERIES).max(1);
    let tau = if k == 1 {
        integrated_autocorrelation_time(&residuals, longest.max(2), too_long)
    } else {
        let blocks: Vec<f64> = residuals.chunks(k).map(|c| c.iter().sum()).collect();
        k as f64
            * integrated_autocorrelation_time(&blocks, (longest / k).max(2), too_long / k as f64)
    };
    // The batch length aims at `batch_over_tau` τ̂; where the run is too
    // short for that, as long as `min_batches` allow, but never under
    // half the aim nor under the model floor.
    let min_batches = min_batches.max(2);
    let floor = (0.5 * batch_over_tau * tau).max(min_length).ceil().max(1.0);
    let longest = (n / min_batches) as f64;
    if !floor.is_finite() || floor > longest {
        return BatchCi::Withheld(TOO_SHORT);
    }
    let length = (batch_over_tau * tau).ceil().clamp(floor, longest);
    let batches = n / length as usize;
    let z: Vec<f64> = batch_bounds(n, batches)
        .map(|range| residuals[range].iter().sum())
        .collect();
    let b = batches as f64;
    let m2 = z.iter().map(|z| z * z).sum::<f64>() / b;
    let m4 = z.iter().map(|z| z.powi(4)).sum::<f64>() / b;
    let excess_kurtosis = if m2 > 0.0 {
        (m4 / (m2 * m2) - 3.0).max(0.0)
    } else {
        0.0
    };
    let df = (2.0 / (2.0 / (b - 1.0) + excess_kurtosis / b)).floor() as usize;
    let mean_den = total / b;
    let variance = m2 * b / (b * (b - 1.0)) / (mean_den * mean_den);
    match t975(df.clamp(1, batches - 1)) {
        Some(t) => BatchCi::Interval {
            half_width: t * variance.sqrt(),
            t,
            batches,
            tau,
        },
        None => BatchCi::Withheld(TOO_SHORT),
    }
}

/// Batch-means 95 % interval for a mean wait ΣW / N (`waits`, `count` per
/// interval), built on the reciprocal scale N / ΣW and inverted (module doc),
/// with no model floor on the batch length. Where the reciprocal interval
/// reaches 0 (its inverse would have no upper bound), the direct-scale
/// interval is given instead.
pub fn batch_ratio_ci_reciprocal(waits: &[f64], count: &[f64]) -> BatchCi {
    Batching::default().mean_wait(waits, count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Distribution, StandardNormal};
    use rand_pcg::Pcg64Mcg;

    #[test]
    fn ci_of_known_sample() {
        // mean 3, sd sqrt(2.5), n = 5, t_{4, 0.975} = 2.776445.
        let h = mean_ci95(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert!((h - 2.776_445 * (2.5_f64 / 5.0).sqrt()).abs() < 1e-5, "{h}");
        assert_eq!(mean_ci95(&[1.0]), None);
    }

    #[test]
    fn batches_use_every_interval() {
        let bounds: Vec<_> = batch_bounds(23, 10).collect();
        assert_eq!(bounds.first().unwrap().start, 0);
        assert_eq!(bounds.last().unwrap().end, 23);
        assert!(bounds.windows(2).all(|w| w[0].end == w[1].start));
        assert!(bounds.iter().all(|r| r.len() == 2 || r.len() == 3));
    }

    #[test]
    fn independent_intervals_give_the_textbook_interval() {
        // White noise: τ ≈ 1, batches of 5 intervals; the half-width matches
        // t · sd / √n of the per-interval values within sampling error.
        let mut rng = Pcg64Mcg::seed_from_u64(3);
        let num: Vec<f64> = (0..400)
            .map(|_| 10.0 + Distribution::<f64>::sample(&StandardNormal, &mut rng))
            .collect();
        let den = vec![1.0; 400];
        let BatchCi::Interval {
            half_width,
            batches,
            tau,
            ..
        } = batch_ratio_ci(&num, &den)
        else {
            panic!("400 independent intervals are plenty");
        };
        assert!(tau < 1.5, "τ {tau}");
        assert!(batches >= 40, "{batches}");
        let expected = 1.96 / 20.0;
        assert!((half_width / expected - 1.0).abs() < 0.35, "{half_width}");
    }

    #[test]
    fn correlated_intervals_get_longer_batches_or_none() {
        // AR(1) with φ = 0.9: τ = (1 + φ) / (1 − φ) = 19 intervals.
        let ar1 = |n: usize, seed: u64| -> Vec<f64> {
            let mut rng = Pcg64Mcg::seed_from_u64(seed);
            let mut x = 0.0;
            (0..n)
                .map(|_| {
                    x = 0.9 * x + Distribution::<f64>::sample(&StandardNormal, &mut rng);
                    5.0 + x
                })
                .collect()
        };
        let short = ar1(100, 1);
        assert_eq!(
            batch_ratio_ci(&short, &vec![1.0; 100]),
            BatchCi::Withheld(TOO_SHORT)
        );
        let long = ar1(20_000, 2);
        let BatchCi::Interval {
            tau, half_width, ..
        } = batch_ratio_ci(&long, &vec![1.0; 20_000])
        else {
            panic!("20 000 intervals are long enough");
        };
        // Summed in blocks of 10 first: an estimate at or above the truth.
        assert!((15.0..40.0).contains(&tau), "τ {tau}");
        // True sd of the mean: sqrt(τ · σ² / n), σ² = 1 / (1 − φ²).
        let sd = (19.0 / (1.0 - 0.81) / 20_000.0_f64).sqrt();
        assert!((half_width / (1.96 * sd) - 1.0).abs() < 0.3, "{half_width}");
    }

    #[test]
    fn very_long_series_are_estimated_in_blocks_and_never_too_narrow() {
        // 200 000 intervals of AR(1), φ = 0.9 (τ = 19): summed in blocks of
        // 98, so τ̂ ≈ 98 (an upper bound) and batches are longer than needed.
        let mut rng = Pcg64Mcg::seed_from_u64(4);
        let mut x = 0.0;
        let num: Vec<f64> = (0..200_000)
            .map(|_| {
                x = 0.9 * x + Distribution::<f64>::sample(&StandardNormal, &mut rng);
                3.0 + x
            })
            .collect();
        let BatchCi::Interval {
            tau, half_width, ..
        } = batch_ratio_ci(&num, &vec![1.0; 200_000])
        else {
            panic!("200 000 intervals are long enough");
        };
        assert!(tau >= 19.0 * 0.8, "τ̂ {tau} must not fall below the truth");
        let sd = (19.0 / (1.0 - 0.81) / 200_000.0_f64).sqrt();
        let ratio = half_width / (1.96 * sd);
        assert!((0.75..1.5).contains(&ratio), "{ratio}");
    }

    #[test]
    fn coverage_on_ar1_series() {
        // 400 runs of 2 000 AR(1) intervals (φ = 0.8) around 1: the 95 %
        // interval covers in 88–99 % of the runs.
        let mut covered = 0;
        let mut given = 0;
        for seed in 0..400 {
            let mut rng = Pcg64Mcg::seed_from_u64(seed);
            let mut x = 0.0;
            let num: Vec<f64> = (0..2_000)
                .map(|_| {
                    x = 0.8 * x + Distribution::<f64>::sample(&StandardNormal, &mut rng);
                    1.0 + x
                })
                .collect();
            if let Some(h) = batch_ratio_ci(&num, &vec![1.0; 2_000]).half_width() {
                given += 1;
                let mean = num.iter().sum::<f64>() / 2_000.0;
                covered += usize::from((mean - 1.0).abs() <= h);
            }
        }
        assert_eq!(given, 400);
        let coverage = covered as f64 / 400.0;
        assert!((0.88..=0.99).contains(&coverage), "coverage {coverage}");
    }

    #[test]
    fn the_relaxation_floor_lengthens_batches_or_withholds() {
        let num: Vec<f64> = (0..100).map(|k| (k % 2) as f64).collect();
        let den = vec![1.0; 100];
        // Alternating values: τ̂ = 1, so batches of 10 intervals.
        assert_eq!(batch_ratio_ci(&num, &den).batches(), Some(10));
        // Half an hour of relaxation, 15-minute intervals: at least 16.
        let floor = Batching::from_relaxation(Some(1800.0), 900.0);
        assert_eq!(floor.min_intervals, 16.0);
        assert_eq!(floor.ratio(&num, &den).batches(), Some(100 / 16));
        // An hour: 32 intervals, fewer than 4 batches fit.
        let too_slow = Batching::from_relaxation(Some(3600.0), 900.0);
        assert_eq!(too_slow.ratio(&num, &den), BatchCi::Withheld(TOO_SHORT));
        let saturated = Batching::from_relaxation(Some(f64::INFINITY), 900.0);
        assert_eq!(saturated.ratio(&num, &den), BatchCi::Withheld(TOO_SHORT));
        assert_eq!(Batching::from_relaxation(None, 900.0), Batching::default());
    }

    #[test]
    fn ratio_with_uneven_denominators() {
        assert_eq!(batch_ratio_ci(&[0.0; 30], &[0.0; 30]), BatchCi::NoData);
        // A constant ratio has no error at all.
        let den: Vec<f64> = (0..60).map(|k| 1.0 + (k % 7) as f64).collect();
        let num: Vec<f64> = den.iter().map(|d| 0.25 * d).collect();
        assert_eq!(batch_ratio_ci(&num, &den).half_width(), Some(0.0));
    }

    #[test]
    fn estimate_ratio_and_cover() {
        let e = Estimate::ratio(3.0, 4).with_ci(Some(0.1));
        assert_eq!(e.value, 0.75);
        assert!(e.covers(0.8, 1.0));
        assert!(!e.covers(0.9, 1.0));
        assert_eq!(Estimate::ratio(1.0, 0).value, 0.0);
        assert_eq!(e.ci95_range, Some([0.65, 0.85]));
        let withheld = e.with_batch_means(BatchCi::Withheld(TOO_SHORT));
        assert_eq!(
            (withheld.ci95, withheld.ci_withheld),
            (None, Some(TOO_SHORT))
        );
        assert!(!withheld.covers(0.75, 1.0));
        let skewed = Estimate::ratio(30.0, 1).with_batch_means(BatchCi::Range {
            low: 25.0,
            high: 40.0,
            batches: 10,
            tau: 1.0,
        });
        assert_eq!(skewed.ci95, None);
        assert!(skewed.covers(39.0, 1.0) && !skewed.covers(24.0, 1.0));
    }

    #[test]
    fn mean_wait_interval_is_the_inverted_reciprocal_interval() {
        let mut rng = Pcg64Mcg::seed_from_u64(9);
        let count = vec![10.0; 200];
        let waits: Vec<f64> = (0..200)
            .map(|_| {
                300.0 * (1.0 + 0.3 * Distribution::<f64>::sample(&StandardNormal, &mut rng)).abs()
            })
            .collect();
        let BatchCi::Range { low, high, .. } = batch_ratio_ci_reciprocal(&waits, &count) else {
            panic!("200 independent intervals are plenty");
        };
        let rate = 2000.0 / waits.iter().sum::<f64>();
        let h = batch_ratio_ci(&count, &waits).half_width().unwrap();
        assert!((low - 1.0 / (rate + h)).abs() < 1e-12);
        assert!((high - 1.0 / (rate - h)).abs() < 1e-12);
        let mean = 1.0 / rate;
        assert!(low < mean && mean < high);
        assert!(high - mean > mean - low, "longer above than below");
    }

    #[test]
    fn share_intervals_stay_in_the_unit_interval() {
        // Far from the bounds it is close to the normal interval.
        let [low, high] = share_interval(0.5, 0.02, 1.96, Some(1e6));
        assert!((low - 0.4608).abs() < 1e-3 && (high - 0.5392).abs() < 1e-3);
        // The log odds: logit 0.2 = −1.386, ± 1.96 · 0.05 / 0.16.
        let [low, high] = share_interval(0.2, 0.05, 1.96, None);
        let expit = |x: f64| 1.0 / (1.0 + f64::exp(-x));
        assert!((low - expit(-1.386_294 - 0.6125)).abs() < 1e-6);
        assert!((high - expit(-1.386_294 + 0.6125)).abs() < 1e-6);
        // Near 1 the normal interval reaches past 1 (0.992 ± 0.009); this
        // one is longer below than above and stops short of 1.
        let [low, high] = share_interval(0.992, 0.0045, 2.26, Some(2_000.0));
        assert!(high < 1.0 && 0.992 - low > high - 0.992, "{low} {high}");
        // No spread: 0 of 400 is [0, q² / (400 + q²)].
        let [low, high] = share_interval(0.0, 0.0, 1.96, Some(400.0));
        assert_eq!(low, 0.0);
        assert!((high - 1.96_f64.powi(2) / (400.0 + 1.96_f64.powi(2))).abs() < 1e-12);
        assert_eq!(share_interval(1.0, 0.0, 1.96, None), [1.0, 1.0]);
        // A standard error below the binomial one of the trials counts as
        // the binomial one.
        assert_eq!(
            share_interval(0.1, 1e-6, 1.96, Some(100.0)),
            share_interval(0.1, 0.03, 1.96, None)
        );
    }

    proptest::proptest! {
        #[test]
        fn a_share_interval_holds_the_estimate_inside_zero_one(
            p in 0.0..=1.0_f64,
            se in 0.0..0.5_f64,
            q in 1.0..13.0_f64,
            trials in proptest::option::of(1.0..1e7_f64),
        ) {
            let [low, high] = share_interval(p, se, q, trials);
            proptest::prop_assert!(0.0 <= low && low <= p && p <= high && high <= 1.0);
        }
    }

    #[test]
    fn batch_shares_are_logit_intervals_on_the_batch_standard_error() {
        // 2 % of 50 contacts per interval, a little noise between intervals.
        let den = vec![50.0; 200];
        let num: Vec<f64> = (0..200)
            .map(|k| f64::from(u8::from(k % 50 == 0)) * 1.0 + f64::from(u8::from(k % 3 == 0)))
            .collect();
        let direct = batch_ratio_ci(&num, &den);
        let BatchCi::Range {
            low, high, batches, ..
        } = Batching::default().share(&num, &den, None)
        else {
            panic!("a range");
        };
        assert_eq!(Some(batches), direct.batches());
        let p = num.iter().sum::<f64>() / 10_000.0;
        assert!(0.0 <= low && low < p && p < high && high <= 1.0);
        // Close to the symmetric interval, and longer above.
        let h = direct.half_width().unwrap();
        assert!((high - low - 2.0 * h).abs() < 0.2 * h, "{low} {high} ± {h}");
        assert!(high - p > p - low);
        // These periodic data vary less than binomial counts would: with
        // the 10 000 contacts counted, the binomial standard error is used.
        let BatchCi::Range { low, high, .. } =
            Batching::default().share(&num, &den, Some(10_000.0))
        else {
            panic!("a range");
        };
        let BatchCi::Interval { t, .. } = direct else {
            panic!("an interval");
        };
        let binomial = (p * (1.0 - p) / 10_000.0).sqrt();
        assert_eq!([low, high], share_interval(p, binomial, t, None));
    }
}
