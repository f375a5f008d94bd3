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

use crate::{MAX_RUNS, MetricResult, summarise};
use handoff_model::error::{Error, Result};
use handoff_model::overrides::{self, Parameter};
use handoff_model::scenario::Scenario;

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
    let results = super::run_jobs(&refs, replications, &all, jobs, false, progress)?;
    let per_point: Vec<Vec<Value>> = super::group(results, replications)
        .iter()
        .map(|jobs| super::summaries(jobs))
        .collect();
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
    // Every metric some point reports, in report order (the headline, then
    // per pool and per channel).
    let mut names: Vec<String> = Vec::new();
    for r in results {
        for m in &r.metrics {
            if !names.contains(&m.metric.name) {
                names.push(m.metric.name.clone());
            }
        }
    }
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

    use handoff_model::overrides::parse_set;

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
