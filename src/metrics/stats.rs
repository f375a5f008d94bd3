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
//! 3. A batch spans `BATCH_OVER_TAU · τ` intervals (at least one). With
//!    fewer than [`MIN_BATCHES`] batches the run is too short for this load:
//!    no interval is given, and [`TOO_SHORT`] says why. A short run at high
//!    load (relaxation time of hours) is also where the warm-up bias is
//!    largest, so withholding is the honest answer there.
//! 4. Every interval is used: the batches differ in length by at most one
//!    interval, and the variance is that of the ratio estimator over batches
//!    (Law §9.5.3 and Welch's delta method for ratios): Var(R) ≈
//!    Σⱼ (Yⱼ − R·Xⱼ)² / (b (b − 1) X̄²). So the interval describes exactly
//!    the window of the point estimate.
//!
//! The coverage of this interval is measured against Erlang C in
//! `tests/ci_coverage.rs`.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// The message given instead of an interval when the run is too short.
pub const TOO_SHORT: &str = "run too short for a confidence interval at this load: use replications";

/// Fewest batches an interval may rest on (Law recommends 10 to 30).
pub const MIN_BATCHES: usize = 10;

/// Batch length in units of the estimated integrated autocorrelation time.
/// Batch means of `m` intervals have a lag-1 correlation of roughly
/// τ / (2m); at 5 τ that is about 0.1, which costs at most a few points of
/// coverage.
pub const BATCH_OVER_TAU: f64 = 5.0;

/// A figure as reported: its value, the number of observations it rests on,
/// and, where the run allows one, the half-width of its 95 % confidence
/// interval — or why there is none.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub value: f64,
    pub n: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci95: Option<f64>,
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
            ci_withheld: None,
        }
    }

    pub fn with_ci(self, ci95: Option<f64>) -> Estimate {
        Estimate { ci95, ..self }
    }

    /// Attaches a batch-means result: the half-width, or the reason there
    /// is none.
    pub fn with_batch_means(self, ci: BatchCi) -> Estimate {
        match ci {
            BatchCi::Interval { half_width, .. } => Estimate {
                ci95: Some(half_width),
                ci_withheld: None,
                ..self
            },
            BatchCi::Withheld(reason) => Estimate {
                ci95: None,
                ci_withheld: Some(reason),
                ..self
            },
            BatchCi::NoData => Estimate {
                ci95: None,
                ci_withheld: None,
                ..self
            },
        }
    }

    /// True when `target` lies within `value ± ci95 · widen`.
    pub fn covers(&self, target: f64, widen: f64) -> bool {
        self.ci95
            .is_some_and(|h| (self.value - target).abs() <= h * widen)
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
        batches: usize,
        /// Estimated integrated autocorrelation time, in intervals.
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
}

/// 0.975 quantile of Student's t with `df` degrees of freedom.
fn t975(df: usize) -> Option<f64> {
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
/// without variance.
pub fn integrated_autocorrelation_time(z: &[f64]) -> f64 {
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
    for i in 0..n.div_ceil(2) {
        let pair = autocov(2 * i) + autocov(2 * i + 1);
        if pair <= 0.0 {
            break;
        }
        let pair = pair.min(previous);
        sum += pair;
        previous = pair;
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
pub fn batch_ratio_ci(num: &[f64], den: &[f64]) -> BatchCi {
    batch_ratio_ci_with(num, den, MIN_BATCHES, BATCH_OVER_TAU)
}

/// [`batch_ratio_ci`] with its two constants given: the fewest batches and
/// the batch length in autocorrelation times.
pub fn batch_ratio_ci_with(
    num: &[f64],
    den: &[f64],
    min_batches: usize,
    batch_over_tau: f64,
) -> BatchCi {
    assert_eq!(num.len(), den.len());
    let n = num.len();
    let total: f64 = den.iter().sum();
    if total <= 0.0 {
        return BatchCi::NoData;
    }
    let ratio = num.iter().sum::<f64>() / total;
    let residuals: Vec<f64> = num.iter().zip(den).map(|(y, x)| y - ratio * x).collect();
    let tau = integrated_autocorrelation_time(&residuals);
    let length = (batch_over_tau * tau).ceil().max(1.0) as usize;
    let batches = n / length;
    if batches < min_batches.max(2) {
        return BatchCi::Withheld(TOO_SHORT);
    }
    let mut sum_sq = 0.0;
    for range in batch_bounds(n, batches) {
        let z: f64 = residuals[range].iter().sum();
        sum_sq += z * z;
    }
    let mean_den = total / batches as f64;
    let b = batches as f64;
    let variance = sum_sq / (b * (b - 1.0)) / (mean_den * mean_den);
    match t975(batches - 1) {
        Some(t) => BatchCi::Interval {
            half_width: t * variance.sqrt(),
            batches,
            tau,
        },
        None => BatchCi::Withheld(TOO_SHORT),
    }
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
        let BatchCi::Interval { tau, half_width, .. } = batch_ratio_ci(&long, &vec![1.0; 20_000])
        else {
            panic!("20 000 intervals are long enough");
        };
        assert!((tau - 19.0).abs() < 5.0, "τ {tau}");
        // True sd of the mean: sqrt(τ · σ² / n), σ² = 1 / (1 − φ²).
        let sd = (19.0 / (1.0 - 0.81) / 20_000.0_f64).sqrt();
        assert!((half_width / (1.96 * sd) - 1.0).abs() < 0.3, "{half_width}");
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
        let withheld = e.with_batch_means(BatchCi::Withheld(TOO_SHORT));
        assert_eq!((withheld.ci95, withheld.ci_withheld), (None, Some(TOO_SHORT)));
    }
}
