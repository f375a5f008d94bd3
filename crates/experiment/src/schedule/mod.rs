//! Shift scheduling: turn a per-interval staffing requirement for one day into
//! a set of shifts (start, breaks, head count) with the fewest paid
//! agent-hours.
//!
//! This is the classic shift-scheduling set-covering integer programme
//! (Dantzig 1954) with explicit break placement (in the spirit of Aykin 1996):
//!
//! - **Variables.** One whole number `x ≥ 0` per *column*: a shift template, one
//!   of its allowed start times and one way of placing its breaks (each break
//!   may start anywhere on the interval grid inside its window; placements
//!   whose breaks overlap are left out). `x` is how many agents work exactly
//!   that shift.
//! - **Constraints.** For every interval `k` of the day, the agents on duty and
//!   not on break must reach the requirement: `Σ x (columns working k) ≥
//!   requirement[k]`. A template with `max_count` also gets `Σ x (its columns)
//!   ≤ max_count`.
//! - **Objective.** Minimise the paid agent-hours `Σ length_h · x` (breaks are
//!   paid, so they count in the length).
//!
//! The day is cyclic: a shift running past midnight covers the first intervals
//! of the same requirement day, because the day repeats.
//!
//! **Why the LP bound.** Solving the same programme with `x` allowed to be
//! fractional (the linear-programme relaxation) is fast and its optimum can
//! never be worse than that of any whole-number plan, so it is a lower bound:
//! the gap between a plan's agent-hours and this bound says how far from
//! optimal the plan can at most be. It is reported as
//! [`Plan::lp_bound_hours`].
//!
//! **How the integer plan is found.** First a quick heuristic plan is built
//! from the LP solution ("LP rounding"): round every column up, trim templates
//! back to their `max_count`, patch any interval still short greedily (shifts
//! the LP wanted more of first, then most short intervals per paid hour), then
//! remove agents again, the most expensive shifts first, as long as every
//! interval stays covered. The same is tried from the LP values rounded down,
//! the cheaper result is kept, and a short local search (take one agent off a
//! shift, patch without that shift, keep it if cheaper) polishes it. That plan
//! is handed as a starting solution to microlp's branch and bound, which runs
//! for what is left of the time limit. Because all shift lengths are whole
//! multiples of a common step, a plan within one step of the LP bound is
//! already proven optimal, and branch and bound is told to stop there. If
//! branch and bound does not finish it returns its best plan so far (never
//! worse than the starting one); if it fails or there is no time left, the
//! rounded plan is used. Every plan returned covers every interval.

use std::path::PathBuf;

mod clock;
mod columns;
mod fragment;
mod model;
mod rounding;
mod solver;
mod template;

pub use columns::validate_templates;
pub use fragment::fragment;
pub use solver::solve;
pub use template::{load_templates, parse_templates};

/// Seconds in a day.
const DAY_S: u32 = 86_400;
/// Most columns (shift variants) one template may generate.
const MAX_COLUMNS_PER_TEMPLATE: u64 = 20_000;
/// Tolerance when reading fractional solver values.
const EPS: f64 = 1e-6;

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

/// A problem with a shift-template file, naming the offending key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}: `{key}`: {message}", file.display())]
pub struct TemplateError {
    pub file: PathBuf,
    /// Path of the offending key, e.g. `templates[1].breaks[0].latest`.
    pub key: String,
    pub message: String,
}

/// One allowed shift shape.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftTemplate {
    pub name: String,
    /// Allowed start times, seconds after midnight.
    pub starts_s: Vec<u32>,
    /// Paid length, breaks included, seconds.
    pub length_s: u32,
    pub breaks: Vec<BreakWindow>,
    /// At most this many agents on this template, over all its starts.
    pub max_count: Option<u32>,
}

/// Where one break may start, as offsets from the shift start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakWindow {
    pub earliest_s: u32,
    pub latest_s: u32,
    pub length_s: u32,
}

/// One line of a plan: `count` agents working the same shift.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedShift {
    pub template: String,
    /// Seconds after midnight.
    pub start_s: u32,
    /// Break starts, offsets from the shift start, in time order.
    pub breaks_at_s: Vec<u32>,
    /// Break lengths, parallel to `breaks_at_s`.
    pub break_lengths_s: Vec<u32>,
    pub count: u32,
    pub length_s: u32,
}

/// A staffing plan for the day.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Shifts with `count > 0`, sorted by (start, template, breaks).
    pub shifts: Vec<PlannedShift>,
    /// Agents on duty (not on break) per interval under the plan.
    pub coverage: Vec<u32>,
    /// Σ count × length (paid hours, breaks included).
    pub agent_hours: f64,
    /// The LP relaxation's optimum (a lower bound on any integer plan's agent-hours).
    pub lp_bound_hours: f64,
    /// How the integer plan was found: "branch and bound (optimal)",
    /// "branch and bound (time limit)", or "LP rounding".
    pub method: String,
}

/// Why no plan could be made.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    /// No plan can cover this interval (no template works it, or the
    /// `max_count` caps leave too few agents).
    #[error("cannot staff interval {interval} ({required} agents needed): {message}")]
    Infeasible {
        interval: usize,
        required: u32,
        message: String,
    },
    /// The solver failed in a way that left no plan.
    #[error("shift scheduling solver: {0}")]
    Solver(String),
    /// The requirement vector does not fit the interval grid.
    #[error("invalid staffing requirement: {0}")]
    Input(String),
    /// The templates do not fit the requirement's interval grid.
    #[error(transparent)]
    Template(#[from] TemplateError),
}

#[cfg(test)]
mod tests;
