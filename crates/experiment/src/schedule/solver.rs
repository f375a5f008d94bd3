//! The whole solve: LP bound, rounded start, branch and bound within the time
//! limit, and the plan it returns.

use std::path::Path;
use std::time::{Duration, Instant};

use good_lp::{
    ResolutionError, Solution, SolutionStatus, SolverModel, WithInitialSolution, WithMipGap,
    WithTimeLimit, microlp,
};

use super::columns::{
    Column, build_columns, coverage_of, first_deficit, hours_of, interval_label, respects_caps,
};
use super::model::build_model;
use super::rounding::round_lp;
use super::*;

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Plans the day: the fewest paid agent-hours whose shifts cover
/// `requirement[k]` agents in every interval `[k·interval_s, (k+1)·interval_s)`
/// (`requirement.len() · interval_s` must be 24 h). `time_limit` bounds the
/// whole call (the LP relaxation always gets at least one second); when branch
/// and bound runs out of time the best plan so far is returned.
pub fn solve(
    requirement: &[u32],
    interval_s: u32,
    templates: &[ShiftTemplate],
    time_limit: Duration,
) -> Result<Plan, ScheduleError> {
    let started = Instant::now();
    if interval_s == 0 || requirement.len() as u64 * u64::from(interval_s) != u64::from(DAY_S) {
        return Err(ScheduleError::Input(format!(
            "{} intervals of {}s do not make a 24h day",
            requirement.len(),
            interval_s
        )));
    }
    validate_templates(templates, interval_s, Path::new("<shift templates>"))?;
    let n = requirement.len();
    let columns = build_columns(templates, interval_s);

    // Per-interval capacity: can any plan reach requirement[k] at all?
    let mut works = vec![vec![false; n]; templates.len()];
    for c in &columns {
        for &k in &c.covers {
            works[c.template][k] = true;
        }
    }
    for (k, &req) in requirement.iter().enumerate() {
        if req == 0 {
            continue;
        }
        let mut capacity: Option<u64> = Some(0);
        let mut any = false;
        for (ti, t) in templates.iter().enumerate() {
            if works[ti][k] {
                any = true;
                capacity = match (capacity, t.max_count) {
                    (Some(a), Some(cap)) => Some(a + u64::from(cap)),
                    _ => None,
                };
            }
        }
        if !any {
            return Err(ScheduleError::Infeasible {
                interval: k,
                required: req,
                message: format!(
                    "no shift template is on duty (outside its breaks) in {}",
                    interval_label(k, interval_s)
                ),
            });
        }
        if let Some(cap) = capacity
            && cap < u64::from(req)
        {
            return Err(ScheduleError::Infeasible {
                interval: k,
                required: req,
                message: format!(
                    "the templates' max_count caps allow at most {cap} agents in {}",
                    interval_label(k, interval_s)
                ),
            });
        }
    }

    let empty = || Plan {
        shifts: Vec::new(),
        coverage: vec![0; n],
        agent_hours: 0.0,
        lp_bound_hours: 0.0,
        method: "branch and bound (optimal)".to_string(),
    };
    if requirement.iter().all(|&r| r == 0) {
        return Ok(empty());
    }

    // 1. LP relaxation: lower bound and the values to round.
    let lp_limit = time_limit.max(Duration::from_secs(1)).as_secs_f64();
    let m = build_model(&columns, requirement, templates, false, false);
    let mut problem = m
        .vars
        .minimise(m.objective)
        .using(microlp)
        .with_time_limit(lp_limit);
    for c in m.constraints {
        problem.add_constraint(c);
    }
    let lp_values: Vec<f64> = match problem.solve() {
        Ok(sol) => m.x.iter().map(|&v| sol.value(v).max(0.0)).collect(),
        Err(ResolutionError::Infeasible) => {
            return Err(name_infeasible_interval(
                &columns,
                requirement,
                templates,
                interval_s,
                lp_limit,
            ));
        }
        Err(e) => {
            return Err(ScheduleError::Solver(format!("LP relaxation: {}", e)));
        }
    };
    let lp_bound_hours: f64 = columns
        .iter()
        .zip(&lp_values)
        .map(|(c, v)| c.cost_h * v)
        .sum();

    // 2. Rounded plan: the fallback and the warm start.
    let rounded = round_lp(&columns, &lp_values, requirement, templates);

    // 3. Branch and bound for what is left of the time limit.
    let remaining = time_limit.saturating_sub(started.elapsed());
    let mut best: Option<(Vec<u32>, &'static str)> = None;
    let mut mip_infeasible = false;
    if !remaining.is_zero() {
        let m = build_model(&columns, requirement, templates, true, false);
        let mut problem = m
            .vars
            .minimise(m.objective)
            .using(microlp)
            .with_time_limit(remaining.as_secs_f64());
        for c in m.constraints {
            problem.add_constraint(c);
        }
        if let Ok(x0) = &rounded {
            problem =
                problem.with_initial_solution(m.x.iter().zip(x0).map(|(&v, &n)| (v, f64::from(n))));
            // Plans' agent-hours are multiples of `step_h`; an incumbent within
            // one step of the bound is optimal.
            let step_s = templates.iter().fold(0, |g, t| gcd(g, t.length_s));
            let step_h = f64::from(step_s) / 3600.0;
            let incumbent = hours_of(&columns, x0);
            if incumbent > 0.0 {
                let gap = (0.999 * step_h / incumbent) as f32;
                if let Ok(p) = problem.with_mip_gap(gap) {
                    problem = p;
                } else {
                    return Err(ScheduleError::Solver("invalid MIP gap".to_string()));
                }
            }
        }
        match problem.solve() {
            Ok(sol) => {
                let x: Vec<u32> =
                    m.x.iter()
                        .map(|&v| sol.value(v).round().clamp(0.0, f64::from(u32::MAX)) as u32)
                        .collect();
                let method = match sol.status() {
                    SolutionStatus::Optimal | SolutionStatus::GapLimit => {
                        "branch and bound (optimal)"
                    }
                    SolutionStatus::TimeLimit => "branch and bound (time limit)",
                };
                if first_deficit(&columns, &x, requirement).is_none()
                    && respects_caps(&columns, &x, templates)
                {
                    best = Some((x, method));
                }
            }
            Err(ResolutionError::Infeasible) => mip_infeasible = true,
            Err(_) => {}
        }
    }
    if let Ok(x0) = &rounded {
        let better = match &best {
            None => true,
            Some((x, _)) => hours_of(&columns, x0) < hours_of(&columns, x) - EPS,
        };
        if better {
            best = Some((x0.clone(), "LP rounding"));
        }
    }
    let Some((x, method)) = best else {
        return Err(match rounded {
            Err(k) => ScheduleError::Infeasible {
                interval: k,
                required: requirement[k],
                message: format!(
                    "no whole-number plan within the templates' max_count caps covers {}{}",
                    interval_label(k, interval_s),
                    if mip_infeasible {
                        " (proven by branch and bound)"
                    } else {
                        ""
                    }
                ),
            },
            Ok(_) => ScheduleError::Solver("no plan found".to_string()),
        });
    };
    Ok(make_plan(
        &columns,
        &x,
        templates,
        requirement.len(),
        lp_bound_hours,
        method,
    ))
}

/// Finds an interval that no plan can cover, by minimising total shortfall.
fn name_infeasible_interval(
    columns: &[Column],
    requirement: &[u32],
    templates: &[ShiftTemplate],
    interval_s: u32,
    limit_s: f64,
) -> ScheduleError {
    let m = build_model(columns, requirement, templates, false, true);
    let mut problem = m
        .vars
        .minimise(m.objective)
        .using(microlp)
        .with_time_limit(limit_s);
    for c in m.constraints {
        problem.add_constraint(c);
    }
    match problem.solve() {
        Ok(sol) => {
            let short = m.shortfall.iter().find(|&&(_, s)| sol.value(s) > EPS);
            match short {
                Some(&(k, s)) => ScheduleError::Infeasible {
                    interval: k,
                    required: requirement[k],
                    message: format!(
                        "the templates' max_count caps leave {} short by {:.2} agents even in the best plan",
                        interval_label(k, interval_s),
                        sol.value(s)
                    ),
                },
                None => ScheduleError::Solver("LP relaxation reported infeasible".to_string()),
            }
        }
        Err(e) => ScheduleError::Solver(format!("LP relaxation infeasible; {}", e)),
    }
}

fn make_plan(
    columns: &[Column],
    x: &[u32],
    templates: &[ShiftTemplate],
    n: usize,
    lp_bound_hours: f64,
    method: &str,
) -> Plan {
    let mut shifts: Vec<PlannedShift> = columns
        .iter()
        .zip(x)
        .filter(|&(_, &count)| count > 0)
        .map(|(c, &count)| PlannedShift {
            template: templates[c.template].name.clone(),
            start_s: c.start_s,
            breaks_at_s: c.breaks.iter().map(|b| b.0).collect(),
            break_lengths_s: c.breaks.iter().map(|b| b.1).collect(),
            count,
            length_s: templates[c.template].length_s,
        })
        .collect();
    shifts.sort_by(|a, b| {
        (a.start_s, &a.template, &a.breaks_at_s, &a.break_lengths_s).cmp(&(
            b.start_s,
            &b.template,
            &b.breaks_at_s,
            &b.break_lengths_s,
        ))
    });
    let agent_hours = shifts
        .iter()
        .map(|s| f64::from(s.count) * f64::from(s.length_s) / 3600.0)
        .sum();
    Plan {
        shifts,
        coverage: coverage_of(columns, x, n),
        agent_hours,
        lp_bound_hours,
        method: method.to_string(),
    }
}
