//! Durations and random distributions as written in a scenario.
//!
//! A scenario writes durations as strings (`"90s"`, `"15m"`, `"8h"`, `"3d"`,
//! parsed by `humantime`) and distributions as tables such as
//! `{ dist = "lognormal", median = "3m", p95 = "12m" }`. Parsing checks only the
//! shape; [`DistSpec::validate`] turns a spec into a ready-to-sample [`Dist`]
//! whose parameters are in seconds, so the model never re-parses strings.

use std::fmt;
use std::time::Duration;

use rand::Rng;
use rand_distr::{Distribution, Exp, Gamma, LogNormal, Uniform};
use serde::{Deserialize, Deserializer};

/// A duration written as a human string in the scenario (`"90s"`, `"8h"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct HumanDuration(pub Duration);

impl HumanDuration {
    pub fn secs(self) -> f64 {
        self.0.as_secs_f64()
    }
}

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = HumanDuration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(r#"a duration string such as "90s", "15m", "8h" or "3d""#)
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<HumanDuration, E> {
                humantime::parse_duration(text).map(HumanDuration).map_err(|e| {
                    E::custom(format!(
                        r#"`{text}` is not a duration ({e}); write e.g. "90s", "15m", "8h" or "3d""#
                    ))
                })
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// A distribution as written in the scenario (durations in human strings).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum DistSpec {
    /// `{ dist = "exponential", mean = "4m" }`
    Exponential { mean: HumanDuration },
    /// `{ dist = "lognormal", median = "3m", p95 = "12m" }`
    Lognormal {
        median: HumanDuration,
        p95: HumanDuration,
    },
    /// `{ dist = "gamma", mean = "5m", cv = 0.8 }` (cv = standard deviation / mean)
    Gamma { mean: HumanDuration, cv: f64 },
    /// `{ dist = "constant", value = "30s" }`
    Constant { value: HumanDuration },
    /// `{ dist = "uniform", min = "10s", max = "40s" }`
    Uniform {
        min: HumanDuration,
        max: HumanDuration,
    },
}

/// z-score of the 95th percentile of the standard normal distribution.
const Z_95: f64 = 1.644_853_626_951_472_2;

impl DistSpec {
    /// Checks the parameters and builds the sampler. `Err` is a message that
    /// says what is allowed; the caller adds the key path.
    pub fn validate(&self) -> Result<Dist, String> {
        let positive = |name: &str, d: HumanDuration| {
            if d.0.is_zero() {
                Err(format!("`{name}` must be greater than 0s"))
            } else {
                Ok(d.secs())
            }
        };
        match *self {
            DistSpec::Exponential { mean } => {
                let mean = positive("mean", mean)?;
                let exp = Exp::new(1.0 / mean).map_err(|e| e.to_string())?;
                Ok(Dist::Exponential { mean, exp })
            }
            DistSpec::Lognormal { median, p95 } => {
                let median = positive("median", median)?;
                let p95 = p95.secs();
                if p95 <= median {
                    return Err(format!(
                        "`p95` ({p95}s) must be greater than `median` ({median}s)"
                    ));
                }
                let (mu, sigma) = (median.ln(), (p95 / median).ln() / Z_95);
                let lognormal = LogNormal::new(mu, sigma).map_err(|e| e.to_string())?;
                Ok(Dist::LogNormal {
                    mean: (mu + sigma * sigma / 2.0).exp(),
                    lognormal,
                })
            }
            DistSpec::Gamma { mean, cv } => {
                let mean = positive("mean", mean)?;
                if !(cv.is_finite() && cv > 0.0 && cv <= 10.0) {
                    return Err(format!("`cv` must be in (0, 10], got {cv}"));
                }
                let shape = 1.0 / (cv * cv);
                let gamma = Gamma::new(shape, mean / shape).map_err(|e| e.to_string())?;
                Ok(Dist::Gamma { mean, gamma })
            }
            DistSpec::Constant { value } => Ok(Dist::Constant(value.secs())),
            DistSpec::Uniform { min, max } => {
                if max <= min {
                    return Err(format!(
                        "`max` ({}s) must be greater than `min` ({}s)",
                        max.secs(),
                        min.secs()
                    ));
                }
                let uniform = Uniform::new(min.secs(), max.secs()).map_err(|e| e.to_string())?;
                Ok(Dist::Uniform {
                    mean: (min.secs() + max.secs()) / 2.0,
                    uniform,
                })
            }
        }
    }
}

/// A validated distribution of durations, sampled in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    Exponential {
        mean: f64,
        exp: Exp<f64>,
    },
    LogNormal {
        mean: f64,
        lognormal: LogNormal<f64>,
    },
    Gamma {
        mean: f64,
        gamma: Gamma<f64>,
    },
    Constant(f64),
    Uniform {
        mean: f64,
        uniform: Uniform<f64>,
    },
}

impl Dist {
    /// An exponential distribution with the given mean in seconds (> 0).
    pub fn exponential(mean_secs: f64) -> Dist {
        DistSpec::Exponential {
            mean: HumanDuration(Duration::from_secs_f64(mean_secs)),
        }
        .validate()
        .expect("exponential mean must be positive")
    }

    /// One draw, in seconds (never negative).
    pub fn sample_secs<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Exponential { exp, .. } => exp.sample(rng),
            Dist::LogNormal { lognormal, .. } => lognormal.sample(rng),
            Dist::Gamma { gamma, .. } => gamma.sample(rng),
            Dist::Constant(value) => *value,
            Dist::Uniform { uniform, .. } => uniform.sample(rng),
        }
    }

    /// One draw as a `Duration` (heavy-tailed draws capped at ~a century).
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Duration {
        let seconds = self.sample_secs(rng);
        Duration::from_secs_f64(if seconds.is_nan() {
            0.0
        } else {
            seconds.clamp(0.0, 3.2e9)
        })
    }

    /// The distribution's mean in seconds.
    pub fn mean_secs(&self) -> f64 {
        match *self {
            Dist::Exponential { mean, .. }
            | Dist::LogNormal { mean, .. }
            | Dist::Gamma { mean, .. }
            | Dist::Uniform { mean, .. } => mean,
            Dist::Constant(value) => value,
        }
    }

    /// True for the exponential distribution (the Erlang models' assumption).
    pub fn is_exponential(&self) -> bool {
        matches!(self, Dist::Exponential { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_pcg::Pcg64Mcg;

    fn spec(text: &str) -> Result<DistSpec, toml::de::Error> {
        #[derive(Deserialize)]
        struct Wrap {
            d: DistSpec,
        }
        toml::from_str::<Wrap>(&format!("d = {text}")).map(|w| w.d)
    }

    fn sample_mean(dist: &Dist, n: usize) -> f64 {
        let mut rng = Pcg64Mcg::new(7);
        (0..n).map(|_| dist.sample_secs(&mut rng)).sum::<f64>() / n as f64
    }

    #[test]
    fn parses_every_documented_form() {
        let exp = spec(r#"{ dist = "exponential", mean = "4m" }"#).unwrap();
        assert_eq!(exp.validate().unwrap().mean_secs(), 240.0);
        let c = spec(r#"{ dist = "constant", value = "90s" }"#).unwrap();
        assert_eq!(c.validate().unwrap().mean_secs(), 90.0);
        let u = spec(r#"{ dist = "uniform", min = "10s", max = "30s" }"#).unwrap();
        assert_eq!(u.validate().unwrap().mean_secs(), 20.0);
        let g = spec(r#"{ dist = "gamma", mean = "5m", cv = 0.5 }"#).unwrap();
        assert_eq!(g.validate().unwrap().mean_secs(), 300.0);
    }

    #[test]
    fn lognormal_matches_median_and_p95() {
        let d = spec(r#"{ dist = "lognormal", median = "3m", p95 = "12m" }"#)
            .unwrap()
            .validate()
            .unwrap();
        let mut rng = Pcg64Mcg::new(11);
        let mut draws: Vec<f64> = (0..200_000).map(|_| d.sample_secs(&mut rng)).collect();
        draws.sort_by(f64::total_cmp);
        let median = draws[100_000];
        let p95 = draws[190_000];
        assert!((median - 180.0).abs() < 3.0, "median {median}");
        assert!((p95 - 720.0).abs() < 15.0, "p95 {p95}");
        // mean of a lognormal = exp(mu + sigma^2 / 2)
        assert!((sample_mean(&d, 200_000) - d.mean_secs()).abs() / d.mean_secs() < 0.02);
    }

    #[test]
    fn gamma_and_exponential_means_hold() {
        let g = spec(r#"{ dist = "gamma", mean = "5m", cv = 0.8 }"#)
            .unwrap()
            .validate()
            .unwrap();
        assert!((sample_mean(&g, 200_000) - 300.0).abs() < 4.0);
        let e = Dist::exponential(60.0);
        assert!((sample_mean(&e, 200_000) - 60.0).abs() < 0.8);
    }

    #[test]
    fn rejects_bad_parameters_with_what_is_allowed() {
        let zero = spec(r#"{ dist = "exponential", mean = "0s" }"#).unwrap();
        assert!(zero.validate().unwrap_err().contains("greater than 0s"));
        let inverted = spec(r#"{ dist = "lognormal", median = "3m", p95 = "1m" }"#).unwrap();
        assert!(inverted.validate().unwrap_err().contains("`p95`"));
        let cv = spec(r#"{ dist = "gamma", mean = "3m", cv = -1.0 }"#).unwrap();
        assert!(cv.validate().unwrap_err().contains("`cv`"));
        let uniform = spec(r#"{ dist = "uniform", min = "3m", max = "1m" }"#).unwrap();
        assert!(uniform.validate().unwrap_err().contains("`max`"));
    }

    #[test]
    fn rejects_unknown_dist_fields_and_bad_durations() {
        assert!(spec(r#"{ dist = "exponential", mean = "4m", sd = "1m" }"#).is_err());
        assert!(spec(r#"{ dist = "weibull", mean = "4m" }"#).is_err());
        let err = spec(r#"{ dist = "exponential", mean = "four minutes" }"#).unwrap_err();
        assert!(err.to_string().contains("not a duration"), "{err}");
    }
}
