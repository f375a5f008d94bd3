//! A session's results written out: judged, analysed
//! ([`Session::analyse`]) and handed to the writer of its kind — a
//! replicated run, a comparison or a sweep.

use std::path::{Path, PathBuf};

use handoff_experiment::Job;
use handoff_experiment::session::{Analysis, Design, Session};
use handoff_model::error::Result;
use handoff_model::thresholds::Verdict;

use crate::experiment::{comparison_table, sweep_table, write_comparison, write_sweep};
use crate::format::threshold_lines;
use crate::replicated::{replicated_table, write_replicated};

/// Writes an analysed experiment into `dir` ([`Session::analyse`]) and
/// returns the table to print and the main output's path.
pub fn write_experiment(
    dir: &Path,
    session: &Session,
    analysis: &Analysis,
    verdicts: &[Verdict],
) -> Result<(String, PathBuf)> {
    match analysis {
        Analysis::Replicated(result) => {
            let table = replicated_table(result, verdicts);
            let path = write_replicated(dir, result, verdicts, &session.scenario)?;
            Ok((table, path))
        }
        Analysis::Compared(result) => {
            let mut table = comparison_table(result);
            threshold_lines(&mut table, verdicts);
            let path = write_comparison(dir, result, verdicts, &session.scenario)?;
            Ok((table, path))
        }
        Analysis::Swept(results) => {
            let Design::Sweep { parameters, .. } = &session.design else {
                unreachable!("a sweep's analysis comes from a sweep design");
            };
            let mut table = sweep_table(&session.scenario.name, session.replications, results);
            threshold_lines(&mut table, verdicts);
            let path = write_sweep(
                dir,
                parameters,
                results,
                session.replications,
                verdicts,
                &session.scenario,
            )?;
            Ok((table, path))
        }
    }
}

/// A session's results judged, analysed and written into `dir`: the table
/// to print, the main output's path and the verdicts.
pub fn finish(
    dir: &Path,
    session: &Session,
    results: Vec<(usize, Job)>,
) -> Result<(String, PathBuf, Vec<Verdict>)> {
    let (analysis, verdicts) = session.analyse(results)?;
    let (table, path) = write_experiment(dir, session, &analysis, &verdicts)?;
    Ok((table, path, verdicts))
}
