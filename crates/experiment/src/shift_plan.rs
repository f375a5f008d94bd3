//! `handoff-sim schedule`: from a per-interval requirement to shifts, and
//! back through the simulator.
//!
//! 1. Read the requirement from a `staffing.csv` written by `staff` (the
//!    `simulated` column by default; `erlang_c` or `erlang_a` on request).
//!    The shift plan covers one day that repeats: a requirement over several
//!    days is folded onto the time of day, taking the largest figure.
//! 2. Cover it with the fewest paid agent-hours from the allowed shift
//!    templates ([`crate::schedule::solve`]: an integer programme through
//!    `good_lp` with the pure-Rust microlp solver), and report the LP
//!    relaxation's bound beside the plan's agent-hours.
//! 3. Staff the pool with the plan (shifts, breaks) and simulate it on
//!    fresh seeds: each interval's achieved service level and abandonment,
//!    with 95 % intervals over replications. Shift plans cover the
//!    requirement on paper; this closes the loop.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::schedule::{self, Plan, ShiftTemplate};
use crate::staff::{self, Achieved, Meets, Standing, Target};
use handoff_model::error::{Error, Result};
use handoff_model::roster::{DAY, HeadCounts, Shift, Staffing};
use handoff_model::scenario::Scenario;

/// First replication index of the plan's simulation: far above any the
/// staffing search uses, so the plan is judged on seeds it never saw.
pub const SEEDS_FROM: u64 = 1 << 32;

/// Which requirement column of `staffing.csv` to cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    Simulated,
    ErlangC,
    ErlangA,
}

impl Column {
    pub fn parse(text: &str) -> std::result::Result<Column, String> {
        match text {
            "simulated" => Ok(Column::Simulated),
            "erlang_c" => Ok(Column::ErlangC),
            "erlang_a" => Ok(Column::ErlangA),
            other => Err(format!("`{other}`: use simulated, erlang_c or erlang_a")),
        }
    }

    fn header(self) -> &'static str {
        match self {
            Column::Simulated => "simulated",
            Column::ErlangC => "erlang_c",
            Column::ErlangA => "erlang_a",
        }
    }
}

/// A requirement for one day on the grid of `interval_s`, from midnight.
#[derive(Debug, Clone, PartialEq)]
pub struct DayRequirement {
    pub interval_s: u32,
    pub agents: Vec<u32>,
}

/// Reads `column` of a `staffing.csv` and folds it onto one day (times of
/// day from `scenario`'s calendar). Errors name the file and line.
pub fn read_requirement(
    path: &Path,
    column: Column,
    scenario: &Scenario,
) -> Result<DayRequirement> {
    let input = |line: Option<usize>, field: Option<&str>, message: String| Error::Input {
        file: path.to_path_buf(),
        line,
        field: field.map(str::to_string),
        message,
    };
    let HeadCounts {
        interval_s: width,
        rows,
    } = HeadCounts::read(path, column.header())
        .map_err(|e| input(e.line, e.column.as_deref(), e.message))?;
    let interval_s = width.round() as u32;
    if interval_s == 0 || 86_400 % interval_s != 0 || (width - f64::from(interval_s)).abs() > 1e-6 {
        return Err(input(
            None,
            Some("interval_start_s"),
            format!("the interval ({width} s) must divide a day into whole intervals"),
        ));
    }
    let per_day = (86_400 / interval_s) as usize;
    let mut agents = vec![0u32; per_day];
    let offset = scenario.calendar.start_of_day_s();
    for (start, value) in rows {
        let of_day = (start + offset).rem_euclid(DAY);
        let k = ((of_day / f64::from(interval_s)).round() as usize) % per_day;
        agents[k] = agents[k].max(value);
    }
    Ok(DayRequirement { interval_s, agents })
}

/// The scenario's pool `p` staffed with `plan` (every day).
pub fn staffed_with(scenario: &Scenario, p: usize, plan: &Plan) -> Scenario {
    let mut out = scenario.clone();
    let shifts = plan
        .shifts
        .iter()
        .map(|s| Shift {
            start_s: f64::from(s.start_s),
            length_s: f64::from(s.length_s),
            count: s.count,
            days: [true; 7],
            breaks: s
                .breaks_at_s
                .iter()
                .zip(&s.break_lengths_s)
                .map(|(&at, &len)| (f64::from(at), f64::from(len)))
                .collect(),
        })
        .collect();
    out.pools[p].staffing = Staffing::Shifts(shifts);
    out
}

/// One reporting interval of the simulated plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanInterval {
    pub start_s: f64,
    pub label: String,
    /// Required agents at this time of day.
    pub required: u32,
    /// Agents the plan has on duty (not on break), before shrinkage.
    pub scheduled: u32,
    pub service_level: Option<Achieved>,
    pub abandonment: Option<Achieved>,
}

/// The result of `schedule`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScheduleReport {
    pub scenario: String,
    pub pool: String,
    pub requirement: PathBuf,
    pub column: Column,
    pub agent_hours: f64,
    pub lp_bound_hours: f64,
    /// (agent-hours − bound) / bound.
    pub gap: f64,
    pub method: String,
    pub replications: u32,
    pub targets: Vec<Target>,
    pub meets: Meets,
    pub intervals: Vec<PlanInterval>,
    /// The plan as a scenario fragment (`[[agents.shifts]]`).
    pub fragment: String,
}

/// How to plan.
#[derive(Debug, Clone)]
pub struct ScheduleOptions {
    pub requirement: PathBuf,
    pub column: Column,
    pub templates: PathBuf,
    pub pool: Option<String>,
    pub targets: Vec<Target>,
    pub replications: u32,
    pub jobs: usize,
    pub time_limit: Duration,
}

/// Checks every input, covers the requirement with shifts, and simulates
/// the plan.
pub fn plan(scenario: &Scenario, options: &ScheduleOptions) -> Result<ScheduleReport> {
    plan_with_progress(scenario, options, &handoff_model::progress::Silent)
}

/// [`plan`], telling `progress` its two phases (solving, then simulating
/// the plan) and each replication run.
pub fn plan_with_progress(
    scenario: &Scenario,
    options: &ScheduleOptions,
    progress: &dyn handoff_model::progress::Progress,
) -> Result<ScheduleReport> {
    let p = staff::pool_index(scenario, options.pool.as_deref())?;
    let requirement = read_requirement(&options.requirement, options.column, scenario)?;
    let templates = load_templates(&options.templates, requirement.interval_s)?;
    progress.phase(
        &format!(
            "solving the shift plan (at most {:.0} s)",
            options.time_limit.as_secs_f64()
        ),
        None,
    );
    let plan = schedule::solve(
        &requirement.agents,
        requirement.interval_s,
        &templates,
        options.time_limit,
    )
    .map_err(|e| match e {
        schedule::ScheduleError::Template(t) => template_error(t),
        other => Error::Input {
            file: options.requirement.clone(),
            line: None,
            field: None,
            message: other.to_string(),
        },
    })?;
    let staffed = staffed_with(scenario, p, &plan);
    let reps = u64::from(options.replications.max(2));
    let channels = scenario.pools[p].channels.clone();
    // Seeds the staffing search never uses (it takes replications below 4R).
    let fresh = SEEDS_FROM..SEEDS_FROM + reps;
    progress.phase("simulating the plan on fresh seeds", Some(reps));
    let runs = staff::simulate(&staffed, fresh, &channels, options.jobs, progress)?;
    let interval = scenario.interval.as_secs_f64();
    let n = staff::intervals(scenario);
    let mut meets = Meets {
        met: 0,
        intervals: 0,
    };
    let offset = scenario.calendar.start_of_day_s();
    let at_time = |v: &[u32], t: f64| {
        let of_day = (t + offset).rem_euclid(DAY);
        v[((of_day / f64::from(requirement.interval_s)).floor() as usize) % v.len()]
    };
    let intervals: Vec<PlanInterval> = (0..n)
        .map(|k| {
            let start_s = k as f64 * interval;
            let (sl, ab) = staff::achieved(&runs, k);
            let judged = staff::standing(&options.targets, sl, ab, 0.5);
            let scheduled = at_time(&plan.coverage, start_s);
            if scheduled > 0
                && judged != Standing::Empty
                && start_s >= scenario.warm_up.as_secs_f64()
            {
                meets.intervals += 1;
                meets.met += usize::from(judged != Standing::Missed);
            }
            PlanInterval {
                start_s,
                label: scenario.calendar.label(start_s),
                required: at_time(&requirement.agents, start_s),
                scheduled,
                service_level: sl.map(Achieved::from),
                abandonment: ab.map(Achieved::from),
            }
        })
        .collect();
    let gap = if plan.lp_bound_hours > 0.0 {
        plan.agent_hours / plan.lp_bound_hours - 1.0
    } else {
        0.0
    };
    Ok(ScheduleReport {
        scenario: scenario.name.clone(),
        pool: scenario.pools[p].name.clone(),
        requirement: options.requirement.clone(),
        column: options.column,
        agent_hours: plan.agent_hours,
        lp_bound_hours: plan.lp_bound_hours,
        gap,
        method: plan.method.clone(),
        replications: reps as u32,
        targets: options.targets.clone(),
        meets,
        intervals,
        fragment: schedule::fragment(&plan),
    })
}

fn template_error(e: schedule::TemplateError) -> Error {
    Error::Input {
        file: e.file,
        line: None,
        field: Some(e.key),
        message: e.message,
    }
}

fn load_templates(path: &Path, interval_s: u32) -> Result<Vec<ShiftTemplate>> {
    let templates = schedule::load_templates(path).map_err(template_error)?;
    schedule::validate_templates(&templates, interval_s, path).map_err(template_error)?;
    Ok(templates)
}

/// `schedule.csv`: one row per reporting interval.
pub fn csv(report: &ScheduleReport) -> String {
    let mut out = String::from(
        "interval_start_s,interval,required,scheduled,service_level,service_level_low,service_level_high,service_level_n,abandonment,abandonment_low,abandonment_high,abandonment_n\n",
    );
    let est = staff::csv_estimate;
    for row in &report.intervals {
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            row.start_s,
            row.label,
            row.required,
            row.scheduled,
            est(row.service_level),
            est(row.abandonment)
        ));
    }
    out
}
