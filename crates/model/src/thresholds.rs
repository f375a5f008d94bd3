//! Thresholds (SLOs) as a scenario file or a command line declares them:
//! `service_level >= 0.8`, `abandonment <= 0.05`, `p95_queue_wait <= 60s`.
//! A threshold names a headline metric or a `summary.json` path
//! ([`crate::figures`]), a comparison and a bound (a number, or a duration
//! in seconds); a [`Verdict`] is one judged. Plain data: the experiment
//! crate judges runs and replications against them.

use serde::Serialize;

use crate::figures;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Op {
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = "<")]
    Lt,
}

impl Op {
    pub fn holds(self, value: f64, bound: f64) -> bool {
        match self {
            Op::Ge => value >= bound,
            Op::Gt => value > bound,
            Op::Le => value <= bound,
            Op::Lt => value < bound,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Op::Ge => ">=",
            Op::Gt => ">",
            Op::Le => "<=",
            Op::Lt => "<",
        }
    }
}

/// What a replicated run is judged on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum On {
    /// The mean over replications (the default).
    #[default]
    Mean,
    /// The pessimistic end of the 95 % interval.
    Ci,
}

impl On {
    pub fn parse(text: &str) -> Result<On, String> {
        match text {
            "mean" => Ok(On::Mean),
            "ci" => Ok(On::Ci),
            other => Err(format!("must be \"mean\" or \"ci\", got \"{other}\"")),
        }
    }
}

/// The unit a threshold's metric is known to have: a headline name's, or
/// a headline path's; `None` for any other path (nothing is assumed).
fn known_unit(metric: &str) -> Option<figures::Unit> {
    figures::HEADLINE
        .iter()
        .find(|(name, path, _)| *name == metric || *path == metric)
        .map(|&(_, _, unit)| unit)
}

/// A bound must be in its metric's unit: a share is a fraction in [0, 1]
/// (so `abandonment<=5` is refused, with the fraction it probably meant:
/// a gate must not pass by mistake), a time has its unit written ("60s",
/// "1m"), and a duration is for times only.
fn check_unit(metric: &str, written: &str, bound: f64, is_duration: bool) -> Result<(), String> {
    match known_unit(metric) {
        Some(figures::Unit::Share) => {
            if is_duration {
                return Err(format!(
                    "`{metric}` is a share, not a time: write a fraction in [0, 1], e.g. 0.8"
                ));
            }
            if !(0.0..=1.0).contains(&bound) {
                let hint = if bound > 1.0 && bound <= 100.0 {
                    format!(": did you mean {}?", bound / 100.0)
                } else {
                    String::new()
                };
                return Err(format!(
                    "`{metric}` is a share: the share must be in [0, 1], got {bound}{hint}"
                ));
            }
        }
        Some(figures::Unit::Seconds) if !is_duration => {
            return Err(format!(
                "`{metric}` is a time: `{written}` needs its unit, e.g. {written}s or 1m"
            ));
        }
        _ => {}
    }
    Ok(())
}

/// One threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Threshold {
    /// The metric as written: a headline name or a `summary.json` path.
    pub metric: String,
    pub op: Op,
    pub bound: f64,
}

impl Threshold {
    /// `metric` and a condition such as `">= 0.8"` or `"<= 60s"`.
    pub fn parse(metric: &str, condition: &str) -> Result<Threshold, String> {
        let metric = metric.trim();
        if !figures::is_known(metric) {
            let names: Vec<&str> = figures::HEADLINE.iter().map(|m| m.0).collect();
            return Err(format!(
                "unknown metric `{metric}`: use one of {} or a summary.json path (measured.…, pools[i].…)",
                names.join(", ")
            ));
        }
        let condition = condition.trim();
        let (op, rest) = [(">=", Op::Ge), ("<=", Op::Le), (">", Op::Gt), ("<", Op::Lt)]
            .iter()
            .find_map(|(s, op)| condition.strip_prefix(s).map(|rest| (*op, rest.trim())))
            .ok_or_else(|| {
                format!("`{condition}` is not a comparison: write e.g. \">= 0.8\" or \"<= 60s\"")
            })?;
        let (bound, is_duration) = match rest.parse::<f64>() {
            Ok(v) if v.is_finite() => (v, false),
            _ => (
                humantime::parse_duration(rest)
                    .map(|d| d.as_secs_f64())
                    .map_err(|_| {
                        format!("`{rest}` is not a number or a duration (e.g. 0.8, 60s)")
                    })?,
                true,
            ),
        };
        check_unit(metric, rest, bound, is_duration)?;
        Ok(Threshold {
            metric: metric.to_string(),
            op,
            bound,
        })
    }

    /// `--threshold "service_level>=0.8"`.
    pub fn parse_flag(text: &str) -> Result<Threshold, String> {
        let at = text.find(['<', '>']).ok_or_else(|| {
            format!("`{text}` has no comparison: write e.g. \"service_level>=0.8\"")
        })?;
        Threshold::parse(&text[..at], &text[at..])
    }

    pub fn describe(&self) -> String {
        format!("{} {} {}", self.metric, self.op.symbol(), self.bound)
    }
}

/// A threshold judged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub threshold: Threshold,
    /// The measured value (the mean, for replications).
    pub measured: f64,
    /// The value judged: `measured`, or the pessimistic end of the interval.
    pub judged: f64,
    pub pass: bool,
}

impl Verdict {
    pub fn line(&self) -> String {
        let judged = if self.judged != self.measured {
            format!(" (judged on {:.4})", self.judged)
        } else {
            String::new()
        };
        format!(
            "{} {}: measured {:.4}{judged}",
            if self.pass { "PASS" } else { "FAIL" },
            self.threshold.describe(),
            self.measured
        )
    }
}
