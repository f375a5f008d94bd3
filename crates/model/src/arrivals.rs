//! The arrival process: Poisson with a piecewise-constant, repeating intraday
//! profile (a non-homogeneous Poisson process).
//!
//! Arrivals are generated exactly by inverting the cumulative intensity
//! Λ(t) = ∫₀ᵗ λ(s) ds: if E₁, E₂, … are unit exponentials, the arrival times
//! are Λ⁻¹(E₁), Λ⁻¹(E₁ + E₂), … (Çinlar, *Introduction to Stochastic
//! Processes*, 1975, §4.1). No thinning, so no rejected draws, and a zero-rate
//! interval (night) is skipped in one step. Pure: no clock, no actors.

use std::time::Duration;

use rand::Rng;
use rand_distr::{Distribution, Exp1};

/// The arrival process as a scenario configures it: Poisson with a
/// piecewise-constant intraday profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrivals {
    /// Base rate in arrivals per second (the scenario writes per hour).
    pub base_rate: f64,
    /// Multipliers of the base rate, one per `profile_interval`, repeating.
    /// A flat process has the single multiplier 1.
    pub profile: Vec<f64>,
    pub profile_interval: Duration,
    /// From a forecast file with a `channel` column: the chat share of each
    /// profile segment (`None`: `[channels]` applies). Empty otherwise.
    pub chat_share: Vec<Option<f64>>,
    /// From a forecast file with an `aht` column: the average handle time of
    /// each profile segment, in seconds. Empty otherwise.
    pub aht_s: Vec<Option<f64>>,
}

/// Piecewise-constant intensity λ(t), repeating every `rates.len() * segment`.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrivalProcess {
    /// Rate per second in each profile segment.
    rates: Vec<f64>,
    /// Length of one segment in seconds.
    segment: f64,
    /// Expected arrivals in one whole cycle of the profile (> 0).
    cycle_mass: f64,
}

impl ArrivalProcess {
    pub fn new(arrivals: &Arrivals) -> ArrivalProcess {
        let segment = arrivals.profile_interval.as_secs_f64();
        let rates: Vec<f64> = arrivals
            .profile
            .iter()
            .map(|m| m * arrivals.base_rate)
            .collect();
        let cycle_mass = rates.iter().sum::<f64>() * segment;
        ArrivalProcess {
            rates,
            segment,
            cycle_mass,
        }
    }

    fn cycle_len(&self) -> f64 {
        self.segment * self.rates.len() as f64
    }

    /// λ(t) in arrivals per second, `t` in seconds from the start.
    pub fn rate_at(&self, t: f64) -> f64 {
        let k = ((t / self.segment).floor() as usize) % self.rates.len();
        self.rates[k]
    }

    /// Λ(t): expected arrivals in [0, t].
    pub fn cumulative(&self, t: f64) -> f64 {
        let cycles = (t / self.cycle_len()).floor();
        let mut mass = cycles * self.cycle_mass;
        let mut s = cycles * self.cycle_len();
        for rate in &self.rates {
            let end = s + self.segment;
            if t <= end {
                return mass + rate * (t - s);
            }
            mass += rate * self.segment;
            s = end;
        }
        mass
    }

    /// Expected number of arrivals in `[0, horizon]`.
    pub fn expected_count(&self, horizon: Duration) -> f64 {
        self.cumulative(horizon.as_secs_f64())
    }

    /// The index of the profile segment holding `t`, counted from time 0
    /// (not wrapped to the cycle). `floor(t / segment)` alone can land one
    /// segment off when `t` sits on a boundary that is not exactly
    /// representable, so the quotient is corrected against the boundaries.
    fn segment_index(&self, t: f64) -> u64 {
        let mut k = (t / self.segment).floor().max(0.0) as u64;
        while k > 0 && k as f64 * self.segment > t {
            k -= 1;
        }
        while (k + 1) as f64 * self.segment <= t {
            k += 1;
        }
        k
    }

    /// The time `s > t` with Λ(s) − Λ(t) = `mass`: the next arrival after `t`
    /// when `mass` is a unit-exponential draw.
    ///
    /// The segment is tracked as an integer that only moves forward, so the
    /// walk ends after at most one cycle of segments whatever the rounding of
    /// the boundaries (recomputing it from `t` with `floor` could stay on the
    /// same segment for ever).
    pub fn advance(&self, t: f64, mass: f64) -> f64 {
        let mut t = t;
        let mut mass = mass;
        if mass > self.cycle_mass {
            let skipped = (mass / self.cycle_mass).floor();
            t += skipped * self.cycle_len();
            mass -= skipped * self.cycle_mass;
        }
        let mut k = self.segment_index(t);
        loop {
            let end = (k + 1) as f64 * self.segment;
            let rate = self.rates[(k % self.rates.len() as u64) as usize];
            let available = rate * (end - t).max(0.0);
            if mass <= available && rate > 0.0 {
                return t + mass / rate;
            }
            mass -= available;
            t = t.max(end);
            k += 1;
        }
    }

    /// Arrival times (seconds) in `[0, horizon)`, drawn from `rng`.
    pub fn times<R: Rng>(&self, rng: R, horizon: Duration) -> ArrivalTimes<'_, R> {
        ArrivalTimes {
            process: self,
            rng,
            t: 0.0,
            horizon: horizon.as_secs_f64(),
        }
    }
}

/// Iterator over arrival times in seconds; see [`ArrivalProcess::times`].
pub struct ArrivalTimes<'a, R> {
    process: &'a ArrivalProcess,
    rng: R,
    t: f64,
    horizon: f64,
}

impl<R: Rng> Iterator for ArrivalTimes<'_, R> {
    type Item = f64;

    fn next(&mut self) -> Option<f64> {
        let mass: f64 = Exp1.sample(&mut self.rng);
        self.t = self.process.advance(self.t, mass);
        (self.t < self.horizon).then_some(self.t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_pcg::Pcg64Mcg;

    fn process(per_hour: f64, profile: &[f64]) -> ArrivalProcess {
        ArrivalProcess::new(&Arrivals {
            base_rate: per_hour / 3600.0,
            profile: profile.to_vec(),
            profile_interval: Duration::from_secs(3600),
            chat_share: Vec::new(),
            aht_s: Vec::new(),
        })
    }

    #[test]
    fn cumulative_intensity_of_a_profile() {
        let p = process(100.0, &[1.0, 0.0, 2.0]);
        assert_eq!(p.cumulative(3600.0), 100.0);
        assert_eq!(p.cumulative(2.0 * 3600.0), 100.0);
        assert_eq!(p.cumulative(2.5 * 3600.0), 200.0);
        // The profile repeats: one cycle holds 300 expected arrivals.
        assert!((p.cumulative(6.0 * 3600.0) - 600.0).abs() < 1e-9);
        assert_eq!(p.rate_at(3.5 * 3600.0), 100.0 / 3600.0);
    }

    #[test]
    fn advance_inverts_the_cumulative_intensity() {
        let p = process(100.0, &[1.0, 0.0, 2.0, 0.5]);
        for (t, mass) in [(0.0, 0.5), (100.0, 150.0), (3599.0, 1.0), (5000.0, 1234.5)] {
            let s = p.advance(t, mass);
            assert!(s > t);
            assert!(
                (p.cumulative(s) - p.cumulative(t) - mass).abs() < 1e-6,
                "t={t} mass={mass} s={s}"
            );
        }
        // Never lands inside the zero-rate hour.
        let s = p.advance(3599.9, 10.0);
        assert!(s >= 7200.0);
    }

    #[test]
    fn counts_per_segment_match_the_profile() {
        let p = process(600.0, &[0.5, 0.0, 1.5]);
        let horizon = Duration::from_secs(3 * 3600 * 200);
        let mut counts = [0u64; 3];
        for t in p.times(Pcg64Mcg::new(99), horizon) {
            counts[((t / 3600.0) as usize) % 3] += 1;
        }
        // Expected 60 000 and 180 000; Poisson sd ≈ 245 and 424.
        assert!(
            (counts[0] as f64 - 60_000.0).abs() < 4.0 * 245.0,
            "{counts:?}"
        );
        assert_eq!(counts[1], 0);
        assert!(
            (counts[2] as f64 - 180_000.0).abs() < 4.0 * 424.0,
            "{counts:?}"
        );
    }

    fn process_with(per_hour: f64, profile: &[f64], segment: Duration) -> ArrivalProcess {
        ArrivalProcess::new(&Arrivals {
            base_rate: per_hour / 3600.0,
            profile: profile.to_vec(),
            profile_interval: segment,
            chat_share: Vec::new(),
            aht_s: Vec::new(),
        })
    }

    /// Counts the arrivals in `[0, horizon)` on a watchdog thread: a walk
    /// that never leaves a segment boundary fails the test instead of hanging.
    fn count_with_watchdog(process: ArrivalProcess, seed: u64, horizon: Duration) -> u64 {
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let n = process.times(Pcg64Mcg::new(seed.into()), horizon).count() as u64;
            let _ = done.send(n);
        });
        finished
            .recv_timeout(Duration::from_secs(60))
            .expect("the arrival walk must terminate")
    }

    #[test]
    fn odd_segment_lengths_do_not_stall_at_a_boundary() {
        // Both used to hang: `floor(t / segment)` landed back on the segment
        // just finished, whose remaining mass is 0.
        for (segment, days) in [
            (Duration::from_millis(3_600_300), 3),
            (Duration::from_millis(700), 1),
        ] {
            let p = process_with(600.0, &[1.0, 0.5, 2.0], segment);
            let horizon = Duration::from_secs(days * 86_400);
            let expected = p.expected_count(horizon);
            let n = count_with_watchdog(p, 7, horizon) as f64;
            assert!(
                (n - expected).abs() < 6.0 * expected.sqrt(),
                "{n} vs {expected}"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// Any segment length (to the millisecond) and profile over days:
        /// the walk ends and the count is Poisson around Λ(horizon).
        #[test]
        fn arrivals_terminate_with_the_expected_count(
            segment_ms in 1u64..20_000_000,
            profile in proptest::collection::vec(
                proptest::prop_oneof![proptest::strategy::Just(0.0), 0.05f64..3.0], 1..7),
            days in 1u64..8,
            seed in 0u64..1_000,
        ) {
            proptest::prop_assume!(profile.iter().any(|&m| m > 0.0));
            let p = process_with(120.0, &profile, Duration::from_millis(segment_ms));
            let horizon = Duration::from_secs(days * 86_400);
            let expected = p.expected_count(horizon);
            let n = count_with_watchdog(p, seed, horizon) as f64;
            proptest::prop_assert!((n - expected).abs() <= 6.0 * expected.sqrt() + 3.0,
                "{} arrivals, expected {}", n, expected);
        }
    }

    #[test]
    fn inter_arrival_times_are_exponential_for_a_flat_profile() {
        let p = process(3600.0, &[1.0]);
        let times: Vec<f64> = p
            .times(Pcg64Mcg::new(5), Duration::from_secs(100_000))
            .collect();
        let gaps: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
        let n = gaps.len() as f64;
        let mean = gaps.iter().sum::<f64>() / n;
        let var = gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / n;
        assert!((mean - 1.0).abs() < 0.02, "mean {mean}");
        // Exponential: variance = mean².
        assert!((var - 1.0).abs() < 0.05, "var {var}");
    }
}
