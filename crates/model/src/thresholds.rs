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
        let bound = match rest.parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => humantime::parse_duration(rest)
                .map(|d| d.as_secs_f64())
                .map_err(|_| format!("`{rest}` is not a number or a duration (e.g. 0.8, 60s)"))?,
        };
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
