//! One experiment from a command line to its outputs: the design (a
//! replicated run, a comparison of variants, a sweep), its jobs, and the
//! analysis the report writes — shared by the direct commands and by `merge`, so a
//! merged set of shards writes exactly what one machine would.

use std::path::{Path, PathBuf};

use serde_json::Value;

use handoff_model::error::{Error, Result};
use handoff_model::output::write_atomic;
use handoff_model::overrides::{self, Parameter};
use handoff_model::scenario::Scenario;
use handoff_model::thresholds::{On, Threshold, Verdict};

use crate::shard::{Kind, Plan, Shard, ShardFile};
use crate::sweep::{self, Point, PointResult};
use crate::thresholds;
use crate::{Comparison, Job, Replicated, Variant, analyse_comparison, group, summaries, variants};

/// What is run.
#[derive(Debug, Clone)]
pub enum Design {
    /// Replications of the scenario.
    Run,
    Compare(Vec<Variant>),
    Sweep {
        parameters: Vec<Parameter>,
        points: Vec<Point>,
        scenarios: Vec<Scenario>,
    },
}

/// An experiment ready to run: the scenario, the design, replications and
/// thresholds, and the plan that fingerprints it.
#[derive(Debug, Clone)]
pub struct Session {
    pub scenario: Scenario,
    pub design: Design,
    pub replications: u32,
    pub thresholds: Vec<Threshold>,
    pub on: On,
    pub plan: Plan,
}

/// The command-line part of a session.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub replications: Option<u32>,
    pub sets: Vec<String>,
    pub thresholds: Vec<String>,
    pub threshold_on: Option<String>,
}

impl Options {
    /// The scenario's thresholds plus the flags', and what replications are
    /// judged on; every threshold checked against the scenario's summary
    /// shape (nothing runs).
    pub fn thresholds(&self, scenario: &Scenario) -> Result<(Vec<Threshold>, On)> {
        let mut all = scenario.experiment.thresholds.clone();
        for text in &self.thresholds {
            all.push(
                Threshold::parse_flag(text).map_err(|message| Error::InvalidArgument {
                    name: "--threshold",
                    message,
                })?,
            );
        }
        let on = match &self.threshold_on {
            Some(text) => On::parse(text).map_err(|message| Error::InvalidArgument {
                name: "--threshold-on",
                message,
            })?,
            None => scenario.experiment.threshold_on,
        };
        thresholds::check_paths(scenario, &all).map_err(Error::Threshold)?;
        Ok((all, on))
    }
}

impl Session {
    /// Builds and validates a session (nothing runs). `file` names the
    /// scenario in messages.
    pub fn new(kind: Kind, scenario: Scenario, file: &Path, options: &Options) -> Result<Session> {
        let (all, on) = options.thresholds(&scenario)?;
        let declared = scenario.experiment.replications;
        let replications = options.replications.unwrap_or(match kind {
            Kind::Compare if declared == 1 => 10,
            _ => declared,
        });
        let design = match kind {
            Kind::Run => Design::Run,
            Kind::Compare => Design::Compare(variants(&scenario, file)?),
            Kind::Sweep => {
                let parameters = if options.sets.is_empty() {
                    scenario.experiment.sweep.clone()
                } else {
                    options
                        .sets
                        .iter()
                        .map(|text| {
                            overrides::parse_set(text).map_err(|message| Error::InvalidArgument {
                                name: "--set",
                                message,
                            })
                        })
                        .collect::<Result<Vec<_>>>()?
                };
                if parameters.is_empty() {
                    return Err(Error::InvalidArgument {
                        name: "--set",
                        message: format!(
                            "nothing to sweep: give --set PATH=VALUES or a [sweep] table in {}",
                            file.display()
                        ),
                    });
                }
                sweep::check_grid(&parameters, replications)?;
                let points = sweep::grid(&parameters);
                let scenarios = sweep::scenarios(&scenario, file, &points)?;
                Design::Sweep {
                    parameters,
                    points,
                    scenarios,
                }
            }
        };
        let count = match &design {
            Design::Run => 1,
            Design::Compare(v) => v.len(),
            Design::Sweep { points, .. } => points.len(),
        };
        let total = count as u64 * u64::from(replications);
        if total > super::MAX_RUNS {
            return Err(Error::InvalidArgument {
                name: "--replications",
                message: format!(
                    "{count} scenarios × {replications} replications = {total} runs; at most {}",
                    super::MAX_RUNS
                ),
            });
        }
        let plan = Plan {
            kind,
            file: file.display().to_string(),
            source: scenario.source.clone(),
            replications,
            sets: options.sets.clone(),
            thresholds: options.thresholds.clone(),
            threshold_on: options.threshold_on.clone(),
            total_jobs: total as usize,
        };
        Ok(Session {
            scenario,
            design,
            replications,
            thresholds: all,
            on,
            plan,
        })
    }

    /// Rebuilds the session a set of shards was made from.
    pub fn from_plan(plan: &Plan) -> Result<Session> {
        let file = PathBuf::from(&plan.file);
        let scenario = Scenario::parse(&plan.source, &file)?;
        Session::new(
            plan.kind,
            scenario,
            &file,
            &Options {
                replications: Some(plan.replications),
                sets: plan.sets.clone(),
                thresholds: plan.thresholds.clone(),
                threshold_on: plan.threshold_on.clone(),
            },
        )
    }

    /// The scenarios the jobs run (job i: replication i mod R of scenario
    /// i / R).
    pub fn scenarios(&self) -> Vec<&Scenario> {
        match &self.design {
            Design::Run => vec![&self.scenario],
            Design::Compare(variants) => variants.iter().map(|v| &v.scenario).collect(),
            Design::Sweep { scenarios, .. } => scenarios.iter().collect(),
        }
    }

    /// The name of the output folder: `<scenario>`, `-compare`, `-sweep`.
    pub fn folder_name(&self) -> String {
        match self.plan.kind {
            Kind::Run => self.scenario.name.clone(),
            Kind::Compare => format!("{}-compare", self.scenario.name),
            Kind::Sweep => format!("{}-sweep", self.scenario.name),
        }
    }

    /// Runs the jobs `selected` (all, or a shard's).
    pub fn run(
        &self,
        selected: &[usize],
        jobs: usize,
        progress: Option<&indicatif::ProgressBar>,
    ) -> Result<Vec<(usize, Job)>> {
        // A replicated run's report pools every replication's series.
        let traces = matches!(self.design, Design::Run);
        super::run_jobs(
            &self.scenarios(),
            self.replications,
            selected,
            jobs,
            traces,
            progress,
        )
    }

    /// Runs shard `shard` and writes its file into `dir`; returns its path.
    pub fn run_shard(
        &self,
        shard: Shard,
        dir: &Path,
        jobs: usize,
        progress: Option<&indicatif::ProgressBar>,
    ) -> Result<PathBuf> {
        let selected = shard.select(self.plan.total_jobs);
        let results = self.run(&selected, jobs, progress)?;
        let file = ShardFile::new(self.plan.clone(), shard, results);
        let path = dir.join(file.file_name());
        let mut text = serde_json::to_string(&file).expect("a shard file serialises");
        text.push('\n');
        write_atomic(&path, text.as_bytes())?;
        Ok(path)
    }

    /// Judges the thresholds and analyses the results: what the report
    /// writes (`handoff_report::session::write_experiment`).
    pub fn analyse(&self, results: Vec<(usize, Job)>) -> Result<(Analysis, Vec<Verdict>)> {
        let mut jobs = group(results, self.replications);
        let per_scenario: Vec<Vec<Value>> = jobs.iter().map(|j| summaries(j)).collect();
        let judge = |label: Option<String>, summaries: &[Value], verdicts: &mut Vec<Verdict>| {
            for mut v in thresholds::judge_replications(summaries, &self.thresholds, self.on)
                .map_err(Error::Threshold)?
            {
                if let Some(label) = &label {
                    v.threshold.metric = format!("{label}: {}", v.threshold.metric);
                }
                verdicts.push(v);
            }
            Ok::<_, Error>(())
        };
        let mut verdicts = Vec::new();
        let analysis = match &self.design {
            Design::Run => {
                judge(None, &per_scenario[0], &mut verdicts)?;
                Analysis::Replicated(Replicated::of_jobs(&self.scenario, jobs.swap_remove(0)))
            }
            Design::Compare(variants) => {
                for (variant, summaries) in variants.iter().zip(&per_scenario) {
                    judge(Some(variant.name.clone()), summaries, &mut verdicts)?;
                }
                let compared = analyse_comparison(variants, self.replications, per_scenario);
                Analysis::Compared(compared.result)
            }
            Design::Sweep { points, .. } => {
                for (point, summaries) in points.iter().zip(&per_scenario) {
                    judge(Some(sweep::describe(point)), summaries, &mut verdicts)?;
                }
                Analysis::Swept(sweep::analyse(points, &per_scenario))
            }
        };
        Ok((analysis, verdicts))
    }
}

/// A finished experiment's results, one kind per [`Design`].
#[derive(Debug, Clone)]
pub enum Analysis {
    Replicated(Replicated),
    Compared(Comparison),
    Swept(Vec<PointResult>),
}
