//! Sweeps: a Cartesian grid of overrides (`--set agents.general.count=8..16:2
//! --set triggers.confidence_threshold=0.3,0.4,0.5`, or a `[sweep]` table),
//! each point × replications run in parallel, and one row per point with
//! each headline metric's mean and 95 % interval.
//!
//! The grid is ordered with the first parameter varying slowest; runs are
//! collected by (point, replication) index, so the output does not depend
//! on the number of threads. Every point is applied to the scenario text and
//! validated before anything runs.

use std::fmt::Write as _;
use std::path::Path;

use indicatif::ProgressBar;
use serde::Serialize;
use serde_json::Value;

use super::{MAX_RUNS, MetricResult, overrides, summarise};
use crate::error::{Error, Result};
use crate::scenario::Scenario;

/// Most values one parameter may take.
pub const MAX_VALUES: usize = 10_000;

/// One swept parameter: a dotted key path and its values, in order.
#[derive(Debug, Clone)]
pub struct Parameter {
    pub path: String,
    pub values: Vec<toml_edit::Value>,
}

/// Parses `path=spec`, where spec is `a..b:step` (inclusive; integers when
/// a, b and step are), a list `x,y,z`, or one value.
pub fn parse_set(text: &str) -> std::result::Result<Parameter, String> {
    let (path, spec) = text.split_once('=').ok_or_else(|| {
        format!("`{text}` is not path=values (e.g. agents.general.count=8..16:2)")
    })?;
    parse_values(path.trim(), spec.trim())
}

/// The values of `spec` for `path` (see [`parse_set`]).
pub fn parse_values(path: &str, spec: &str) -> std::result::Result<Parameter, String> {
    if path.is_empty() {
        return Err(format!("`{path}={spec}`: the key path is empty"));
    }
    let values = if let Some((from, rest)) = spec.split_once("..") {
        let (to, step) = rest.split_once(':').unwrap_or((rest, "1"));
        range(from.trim(), to.trim(), step.trim()).map_err(|m| format!("`{path}={spec}`: {m}"))?
    } else {
        let items: Vec<&str> = spec.split(',').map(str::trim).collect();
        if items.iter().any(|i| i.is_empty()) {
            return Err(format!(
                "`{path}={spec}`: an empty value in the list (write e.g. 0.3,0.4,0.5)"
            ));
        }
        items.into_iter().map(overrides::parse_value).collect()
    };
    if values.len() > MAX_VALUES {
        return Err(format!(
            "`{path}={spec}`: {} values; at most {MAX_VALUES}",
            values.len()
        ));
    }
    Ok(Parameter {
        path: path.to_string(),
        values,
    })
}

fn range(from: &str, to: &str, step: &str) -> std::result::Result<Vec<toml_edit::Value>, String> {
    let integers = [from, to, step].iter().all(|s| s.parse::<i64>().is_ok());
    let number = |s: &str| {
        s.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("`{s}` is not a number"))
    };
    let (a, b, h) = (number(from)?, number(to)?, number(step)?);
    if h <= 0.0 {
        return Err(format!("the step must be greater than 0, got {step}"));
    }
    if a > b {
        return Err(format!("the range is empty: {from} is above {to}"));
    }
    // Checked as a float first: a tiny step must not overflow the count.
    let steps = ((b - a) / h + 1e-9).floor();
    if !steps.is_finite() || steps >= MAX_VALUES as f64 {
        return Err(format!(
            "more than {MAX_VALUES} values from {from} to {to} in steps of {step}"
        ));
    }
    let count = steps as usize + 1;
    Ok((0..count)
        .map(|k| {
            if integers {
                toml_edit::Value::from(a as i64 + k as i64 * h as i64)
            } else {
                // Rounded to 12 significant digits so 0.1 steps print cleanly.
                let x = a + k as f64 * h;
                toml_edit::Value::from((x * 1e12).round() / 1e12)
            }
        })
        .collect())
}

/// One grid point: the value of each parameter, in parameter order.
pub type Point = Vec<(String, toml_edit::Value)>;

/// The Cartesian grid, first parameter slowest.
pub fn grid(parameters: &[Parameter]) -> Vec<Point> {
    let mut points: Vec<Point> = vec![Vec::new()];
    for p in parameters {
        points = points
            .into_iter()
            .flat_map(|point| {
                p.values.iter().map(move |v| {
                    let mut next = point.clone();
                    next.push((p.path.clone(), v.clone()));
                    next
                })
            })
            .collect();
    }
    points
}

/// Every point applied to the scenario and validated (before anything runs).
pub fn scenarios(scenario: &Scenario, file: &Path, points: &[Point]) -> Result<Vec<Scenario>> {
    points
        .iter()
        .map(|point| {
            let label = describe(point);
            let mut doc: toml_edit::DocumentMut = scenario
                .source
                .parse()
                .expect("a validated scenario's text parses");
            for (path, value) in point {
                overrides::set(&mut doc, path, value.clone()).map_err(|e| Error::Variant {
                    file: file.to_path_buf(),
                    variant: label.clone(),
                    path: path.clone(),
                    line: None,
                    message: e.0,
                })?;
            }
            Scenario::parse(&doc.to_string(), file).map_err(|e| Error::Variant {
                file: file.to_path_buf(),
                variant: label.clone(),
                path: e.key,
                line: e.line,
                message: e.message,
            })
        })
        .collect()
}

/// `a.b=1, c=0.5`.
pub fn describe(point: &Point) -> String {
    point
        .iter()
        .map(|(path, value)| format!("{path}={}", value.to_string().trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks the size of the grid × replications from the parameters, before
/// the grid is built (a grid too large for memory must not be built).
pub fn check_grid(parameters: &[Parameter], replications: u32) -> Result<()> {
    let points = parameters
        .iter()
        .try_fold(1u64, |n, p| n.checked_mul(p.values.len() as u64))
        .unwrap_or(u64::MAX);
    check_size(points.min(usize::MAX as u64) as usize, replications)
}

/// Checks the size of the grid × replications.
pub fn check_size(points: usize, replications: u32) -> Result<()> {
    let runs = (points as u64).saturating_mul(u64::from(replications));
    if runs > MAX_RUNS {
        return Err(Error::InvalidArgument {
            name: "--set",
            message: format!(
                "{points} grid points × {replications} replications = {runs} runs; at most {MAX_RUNS}"
            ),
        });
    }
    Ok(())
}

/// One grid point's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointResult {
    /// (path, value as TOML text), in parameter order.
    pub settings: Vec<(String, String)>,
    pub metrics: Vec<MetricResult>,
}

/// Runs every point × replication on `jobs` threads; `progress` (if any)
/// ticks once per finished run. Also returns each point's summaries.
pub fn run(
    points: &[Point],
    scenarios: &[Scenario],
    replications: u32,
    jobs: usize,
    progress: Option<&ProgressBar>,
) -> Result<(Vec<PointResult>, Vec<Vec<Value>>)> {
    let refs: Vec<&Scenario> = scenarios.iter().collect();
    let all = super::all_jobs(scenarios.len(), replications);
    let results = super::run_jobs(&refs, replications, &all, jobs, progress)?;
    let per_point = super::group(results, replications);
    Ok((analyse(points, &per_point), per_point))
}

/// Each point's results from its summaries (no runs).
pub fn analyse(points: &[Point], per_point: &[Vec<Value>]) -> Vec<PointResult> {
    points
        .iter()
        .zip(per_point)
        .map(|(point, json)| PointResult {
            settings: point
                .iter()
                .map(|(path, v)| (path.clone(), v.to_string().trim().to_string()))
                .collect(),
            metrics: summarise(json),
        })
        .collect()
}

/// `sweep.csv`: one row per point — the parameters, then per headline metric
/// `<name>_mean, <name>_ci_low, <name>_ci_high, <name>_n` (empty where a
/// point lacks the metric).
pub fn csv(parameters: &[Parameter], results: &[PointResult]) -> String {
    let names: Vec<String> = super::metrics::headline()
        .into_iter()
        .map(|m| m.name)
        .filter(|name| {
            results
                .iter()
                .any(|r| r.metrics.iter().any(|m| &m.metric.name == name))
        })
        .collect();
    let mut out = String::new();
    let mut header: Vec<String> = parameters.iter().map(|p| p.path.clone()).collect();
    for n in &names {
        header.extend([
            format!("{n}_mean"),
            format!("{n}_ci_low"),
            format!("{n}_ci_high"),
            format!("{n}_n"),
        ]);
    }
    let _ = writeln!(out, "{}", header.join(","));
    for r in results {
        let mut row: Vec<String> = r
            .settings
            .iter()
            .map(|(_, v)| v.trim_matches('"').to_string())
            .collect();
        for n in &names {
            match r.metrics.iter().find(|m| &m.metric.name == n) {
                Some(m) => {
                    let a = &m.aggregate;
                    row.push(a.mean.to_string());
                    row.push(
                        a.ci95_range
                            .map(|[low, _]| low.to_string())
                            .unwrap_or_default(),
                    );
                    row.push(
                        a.ci95_range
                            .map(|[_, high]| high.to_string())
                            .unwrap_or_default(),
                    );
                    row.push(a.n.to_string());
                }
                None => row.extend([String::new(), String::new(), String::new(), String::new()]),
            }
        }
        let _ = writeln!(out, "{}", row.join(","));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(p: &Parameter) -> Vec<String> {
        p.values
            .iter()
            .map(|v| v.to_string().trim().to_string())
            .collect()
    }

    #[test]
    fn ranges_lists_and_single_values() {
        let p = parse_set("agents.general.count=8..16:2").unwrap();
        assert_eq!(p.path, "agents.general.count");
        assert_eq!(text(&p), ["8", "10", "12", "14", "16"]);
        let p = parse_set("triggers.confidence_threshold=0.3..0.5:0.1").unwrap();
        assert_eq!(text(&p), ["0.3", "0.4", "0.5"]);
        let p = parse_set("handoff.policy=always_cold,always_warm").unwrap();
        assert_eq!(text(&p), ["\"always_cold\"", "\"always_warm\""]);
        assert_eq!(text(&parse_set("x=3").unwrap()), ["3"]);
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        assert!(
            parse_set("x=1..5:0")
                .unwrap_err()
                .contains("step must be greater than 0")
        );
        assert!(parse_set("x=5..1").unwrap_err().contains("range is empty"));
        assert!(parse_set("x=1,,2").unwrap_err().contains("empty value"));
        assert!(parse_set("x=").unwrap_err().contains("empty value"));
        assert!(parse_set("x").unwrap_err().contains("not path=values"));
        assert!(
            parse_set("x=1..100000")
                .unwrap_err()
                .contains("more than 10000 values")
        );
        assert!(parse_set("x=a..b").unwrap_err().contains("not a number"));
        // A step so small that the count would overflow.
        assert!(
            parse_set("x=0..1:1e-320")
                .unwrap_err()
                .contains("more than")
        );
        assert!(
            parse_set("x=0..1e300:1e-300")
                .unwrap_err()
                .contains("more than")
        );
    }

    #[test]
    fn the_grid_is_cartesian_first_parameter_slowest() {
        let params = vec![parse_set("a=1,2").unwrap(), parse_set("b=x,y,z").unwrap()];
        let g = grid(&params);
        assert_eq!(g.len(), 6);
        assert_eq!(describe(&g[0]), "a=1, b=\"x\"");
        assert_eq!(describe(&g[5]), "a=2, b=\"z\"");
        assert!(check_size(200_000, 1).is_err());
        let huge = vec![
            parse_set("a=1..9000").unwrap(),
            parse_set("b=1..9000").unwrap(),
        ];
        assert!(
            check_grid(&huge, 1).is_err(),
            "checked before the grid is built"
        );
        assert!(check_size(10, 10).is_ok());
    }
}
