//! Small statistics: estimates with their sample size and confidence interval,
//! and the method of batch means for the error of a single long run.
//!
//! Batch means (Law, *Simulation Modeling and Analysis*, 5th ed., §9.5.3):
//! split the measured run into `B` consecutive batches of equal length, take
//! the statistic in each, and treat the `B` batch values as roughly
//! independent; the half-width is t_{B−1, 0.975} · s / √B.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// A figure as reported: its value, the number of observations it rests on,
/// and, where the run allows one, the half-width of its 95 % confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub value: f64,
    pub n: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci95: Option<f64>,
}

impl Estimate {
    /// A ratio `num / den` over `den` observations (0 when there are none).
    pub fn ratio(num: f64, den: u64) -> Estimate {
        Estimate {
            value: if den > 0 { num / den as f64 } else { 0.0 },
            n: den,
            ci95: None,
        }
    }

    pub fn with_ci(self, ci95: Option<f64>) -> Estimate {
        Estimate { ci95, ..self }
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

/// Default number of batches.
pub const BATCHES: usize = 20;

/// Half-width of the 95 % confidence interval of the mean of `values`
/// (Student t with `len − 1` degrees of freedom); `None` for fewer than 2.
pub fn mean_ci95(values: &[f64]) -> Option<f64> {
    let n = values.len();
    if n < 2 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let t = StudentsT::new(0.0, 1.0, (n - 1) as f64)
        .ok()?
        .inverse_cdf(0.975);
    Some(t * (var / n as f64).sqrt())
}

/// Batch-means half-width for a ratio statistic Σnum / Σden, given per-period
/// numerators and denominators in time order. The periods are grouped into
/// `batches` consecutive batches of equal length; the `n mod batches`
/// periods left over are dropped at the start (next to the warm-up), so the
/// end of the run always counts. `None` when there are fewer than `batches`
/// periods or a batch has no observations.
pub fn batch_ratio_ci95(num: &[f64], den: &[f64], batches: usize) -> Option<f64> {
    assert_eq!(num.len(), den.len());
    if batches < 2 || num.len() < batches {
        return None;
    }
    // Equal batches; the remainder is dropped at the start (next to the
    // warm-up), never at the end.
    let per_batch = num.len() / batches;
    let offset = num.len() - per_batch * batches;
    let mut values = Vec::with_capacity(batches);
    for b in 0..batches {
        let range = offset + b * per_batch..offset + (b + 1) * per_batch;
        let d: f64 = den[range.clone()].iter().sum();
        if d <= 0.0 {
            return None;
        }
        values.push(num[range].iter().sum::<f64>() / d);
    }
    mean_ci95(&values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_of_known_sample() {
        // mean 3, sd sqrt(2.5), n = 5, t_{4, 0.975} = 2.776445.
        let h = mean_ci95(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert!((h - 2.776_445 * (2.5_f64 / 5.0).sqrt()).abs() < 1e-5, "{h}");
        assert_eq!(mean_ci95(&[1.0]), None);
    }

    #[test]
    fn batch_ratio_groups_consecutive_periods() {
        // 4 periods, 2 batches: ratios (1+1)/(2+2) = 0.5 and (3+3)/(2+2) = 1.5.
        let h = batch_ratio_ci95(&[1.0, 1.0, 3.0, 3.0], &[2.0, 2.0, 2.0, 2.0], 2).unwrap();
        let expected = mean_ci95(&[0.5, 1.5]).unwrap();
        assert!((h - expected).abs() < 1e-12);
        assert_eq!(batch_ratio_ci95(&[1.0], &[1.0], 2), None);
        // 5 periods, 2 batches: the first period is dropped, then [1, 3), [3, 5).
        let h = batch_ratio_ci95(&[9.0, 1.0, 1.0, 2.0, 2.0], &[1.0; 5], 2).unwrap();
        assert!((h - mean_ci95(&[1.0, 2.0]).unwrap()).abs() < 1e-12);
        assert_eq!(batch_ratio_ci95(&[1.0, 1.0], &[0.0, 1.0], 2), None);
    }

    #[test]
    fn estimate_ratio_and_cover() {
        let e = Estimate::ratio(3.0, 4).with_ci(Some(0.1));
        assert_eq!(e.value, 0.75);
        assert!(e.covers(0.8, 1.0));
        assert!(!e.covers(0.9, 1.0));
        assert_eq!(Estimate::ratio(1.0, 0).value, 0.0);
    }
}
