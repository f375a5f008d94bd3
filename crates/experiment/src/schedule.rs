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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use good_lp::{
    Expression, ProblemVariables, ResolutionError, Solution, SolutionStatus, SolverModel, Variable,
    WithInitialSolution, WithMipGap, WithTimeLimit, microlp, variable,
};
use serde::Deserialize;

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

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    templates: Vec<RawTemplate>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    name: String,
    #[serde(default)]
    starts: Option<Vec<String>>,
    #[serde(default)]
    start_every: Option<String>,
    #[serde(default)]
    start_from: Option<String>,
    #[serde(default)]
    start_until: Option<String>,
    length: String,
    #[serde(default)]
    breaks: Vec<RawBreak>,
    #[serde(default)]
    max_count: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBreak {
    earliest: String,
    latest: String,
    length: String,
}

const TEMPLATE_KEYS: &[&str] = &[
    "name",
    "starts",
    "start_every",
    "start_from",
    "start_until",
    "length",
    "breaks",
    "max_count",
];
const BREAK_KEYS: &[&str] = &["earliest", "latest", "length"];

fn terr(file: &Path, key: impl Into<String>, message: impl Into<String>) -> TemplateError {
    TemplateError {
        file: file.to_path_buf(),
        key: key.into(),
        message: message.into(),
    }
}

/// Reads and parses a shift-template file (see [`parse_templates`]).
pub fn load_templates(path: &Path) -> Result<Vec<ShiftTemplate>, TemplateError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| terr(path, "templates", format!("cannot read the file: {e}")))?;
    parse_templates(&text, path)
}

/// Parses shift templates from TOML text. Grid checks need the requirement's
/// interval and are done by [`validate_templates`].
pub fn parse_templates(text: &str, file: &Path) -> Result<Vec<ShiftTemplate>, TemplateError> {
    let raw: RawFile = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => return Err(locate_error(text, file, &e)),
    };
    if raw.templates.is_empty() {
        return Err(terr(file, "templates", "no shift templates are defined"));
    }
    raw.templates
        .iter()
        .enumerate()
        .map(|(i, t)| convert_template(t, &format!("templates[{i}]"), file))
        .collect()
}

/// Turns a serde error into a key path by walking the document again.
fn locate_error(text: &str, file: &Path, err: &toml::de::Error) -> TemplateError {
    let fallback = || terr(file, "templates", err.message().trim().to_string());
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            let line = e
                .span()
                .map(|s| text.get(..s.start).unwrap_or(text).lines().count().max(1));
            let message = match line {
                Some(l) => format!("invalid TOML at line {l}: {}", e.message().trim()),
                None => format!("invalid TOML: {}", e.message().trim()),
            };
            return terr(file, "(document)", message);
        }
    };
    for key in table.keys() {
        if key != "templates" {
            return terr(file, key.clone(), "unknown key; expected `templates`");
        }
    }
    let Some(templates) = table.get("templates") else {
        return terr(
            file,
            "templates",
            "missing: define at least one [[templates]]",
        );
    };
    let Some(list) = templates.as_array() else {
        return terr(
            file,
            "templates",
            "must be an array of tables ([[templates]])",
        );
    };
    for (i, t) in list.iter().enumerate() {
        let path = format!("templates[{i}]");
        let Some(t) = t.as_table() else {
            return terr(file, path, "must be a table");
        };
        if let Some(e) = check_table(t, TEMPLATE_KEYS, &["name", "length"], &path, file) {
            return e;
        }
        let checks: [(&str, FieldCheck); 7] = [
            ("name", check_as::<String>),
            ("starts", check_as::<Vec<String>>),
            ("start_every", check_as::<String>),
            ("start_from", check_as::<String>),
            ("start_until", check_as::<String>),
            ("length", check_as::<String>),
            ("max_count", check_as::<u32>),
        ];
        for (key, check) in checks {
            if let Some(v) = t.get(key)
                && let Err(m) = check(v)
            {
                return terr(file, format!("{path}.{key}"), m);
            }
        }
        if let Some(b) = t.get("breaks") {
            let Some(bl) = b.as_array() else {
                return terr(file, format!("{path}.breaks"), "must be an array of tables");
            };
            for (j, b) in bl.iter().enumerate() {
                let bpath = format!("{path}.breaks[{j}]");
                let Some(bt) = b.as_table() else {
                    return terr(
                        file,
                        bpath,
                        "must be a table like { earliest = \"3h\", latest = \"5h\", length = \"30m\" }",
                    );
                };
                if let Some(e) = check_table(bt, BREAK_KEYS, BREAK_KEYS, &bpath, file) {
                    return e;
                }
                for key in BREAK_KEYS {
                    if let Some(v) = bt.get(*key)
                        && let Err(m) = check_as::<String>(v)
                    {
                        return terr(file, format!("{bpath}.{key}"), m);
                    }
                }
            }
        }
    }
    fallback()
}

/// Checks that one TOML value has the type a field expects.
type FieldCheck = fn(&toml::Value) -> Result<(), String>;

fn check_table(
    t: &toml::Table,
    allowed: &[&str],
    required: &[&str],
    path: &str,
    file: &Path,
) -> Option<TemplateError> {
    for key in t.keys() {
        if !allowed.contains(&key.as_str()) {
            return Some(terr(
                file,
                format!("{path}.{key}"),
                format!("unknown key; expected one of {}", allowed.join(", ")),
            ));
        }
    }
    for key in required {
        if !t.contains_key(*key) {
            return Some(terr(file, format!("{path}.{key}"), "missing"));
        }
    }
    None
}

fn check_as<T: serde::de::DeserializeOwned>(v: &toml::Value) -> Result<(), String> {
    v.clone()
        .try_into::<T>()
        .map(|_| ())
        .map_err(|e| e.message().trim().to_string())
}

fn convert_template(
    t: &RawTemplate,
    path: &str,
    file: &Path,
) -> Result<ShiftTemplate, TemplateError> {
    let length_s =
        parse_duration(&t.length).map_err(|m| terr(file, format!("{path}.length"), m))?;
    let starts_s = match (&t.starts, &t.start_every) {
        (Some(_), Some(_)) => {
            return Err(terr(
                file,
                format!("{path}.start_every"),
                "give either `starts` or `start_every`/`start_from`/`start_until`, not both",
            ));
        }
        (Some(list), None) => {
            for key in ["start_from", "start_until"] {
                let given = if key == "start_from" {
                    &t.start_from
                } else {
                    &t.start_until
                };
                if given.is_some() {
                    return Err(terr(
                        file,
                        format!("{path}.{key}"),
                        "only allowed with `start_every`",
                    ));
                }
            }
            let mut out = Vec::with_capacity(list.len());
            for (j, s) in list.iter().enumerate() {
                out.push(
                    parse_time_of_day(s)
                        .map_err(|m| terr(file, format!("{path}.starts[{j}]"), m))?,
                );
            }
            out
        }
        (None, Some(every)) => {
            let every_s =
                parse_duration(every).map_err(|m| terr(file, format!("{path}.start_every"), m))?;
            if every_s == 0 {
                return Err(terr(
                    file,
                    format!("{path}.start_every"),
                    "must be longer than 0s",
                ));
            }
            let from = t.start_from.as_deref().ok_or_else(|| {
                terr(
                    file,
                    format!("{path}.start_from"),
                    "missing (needed with `start_every`)",
                )
            })?;
            let until = t.start_until.as_deref().ok_or_else(|| {
                terr(
                    file,
                    format!("{path}.start_until"),
                    "missing (needed with `start_every`)",
                )
            })?;
            let from =
                parse_time_of_day(from).map_err(|m| terr(file, format!("{path}.start_from"), m))?;
            let until = parse_time_of_day(until)
                .map_err(|m| terr(file, format!("{path}.start_until"), m))?;
            // `until` before `from` runs through midnight.
            let end = if until >= from { until } else { until + DAY_S };
            (from..=end)
                .step_by(every_s as usize)
                .map(|s| s % DAY_S)
                .collect()
        }
        (None, None) => {
            return Err(terr(
                file,
                format!("{path}.starts"),
                "missing: give `starts` or `start_every`/`start_from`/`start_until`",
            ));
        }
    };
    let mut breaks = Vec::with_capacity(t.breaks.len());
    for (j, b) in t.breaks.iter().enumerate() {
        let bp = format!("{path}.breaks[{j}]");
        let d = |key: &str, v: &str| {
            parse_duration(v).map_err(|m| terr(file, format!("{bp}.{key}"), m))
        };
        breaks.push(BreakWindow {
            earliest_s: d("earliest", &b.earliest)?,
            latest_s: d("latest", &b.latest)?,
            length_s: d("length", &b.length)?,
        });
    }
    Ok(ShiftTemplate {
        name: t.name.clone(),
        starts_s,
        length_s,
        breaks,
        max_count: t.max_count,
    })
}

/// Parses "8h30m", "30m", "90s", "1h 15m": a sequence of `<int>h`, `<int>m`,
/// `<int>s`, optionally separated by spaces.
fn parse_duration(text: &str) -> Result<u32, String> {
    let bad = |why: &str| {
        format!("invalid duration {text:?}: {why} (write e.g. \"8h30m\", \"30m\", \"90s\")")
    };
    let mut total: u64 = 0;
    let mut digits = String::new();
    let mut parts = 0;
    for c in text.trim().chars() {
        match c {
            '0'..='9' => digits.push(c),
            'h' | 'm' | 's' => {
                if digits.is_empty() {
                    return Err(bad("a unit without a number"));
                }
                let n: u64 = digits.parse().map_err(|_| bad("number too large"))?;
                let unit = match c {
                    'h' => 3600,
                    'm' => 60,
                    _ => 1,
                };
                total = n
                    .checked_mul(unit)
                    .and_then(|v| total.checked_add(v))
                    .ok_or_else(|| bad("too long"))?;
                digits.clear();
                parts += 1;
            }
            ' ' if digits.is_empty() => {}
            _ => return Err(bad(&format!("unexpected {c:?}"))),
        }
    }
    if !digits.is_empty() {
        return Err(bad("a number without a unit (h, m or s)"));
    }
    if parts == 0 {
        return Err(bad("empty"));
    }
    u32::try_from(total).map_err(|_| bad("too long"))
}

/// Parses "HH:MM" or "HH:MM:SS" (00:00 to 23:59:59) into seconds after midnight.
fn parse_time_of_day(text: &str) -> Result<u32, String> {
    let bad = || format!("invalid time of day {text:?} (write e.g. \"08:00\" or \"22:30\")");
    let fields: Vec<&str> = text.trim().split(':').collect();
    if !(2..=3).contains(&fields.len()) {
        return Err(bad());
    }
    let mut nums = [0u32; 3];
    for (n, f) in nums.iter_mut().zip(&fields) {
        if f.is_empty() || f.len() > 2 || !f.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        *n = f.parse().map_err(|_| bad())?;
    }
    let [h, m, s] = nums;
    if h > 23 || m > 59 || s > 59 {
        return Err(bad());
    }
    Ok(h * 3600 + m * 60 + s)
}

fn fmt_tod(s: u32) -> String {
    let s = s % DAY_S;
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if sec == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{sec:02}")
    }
}

/// Time of day `offset_s` after `start_s` (modulo 24 h).
fn tod_after(start_s: u32, offset_s: u32) -> u32 {
    ((u64::from(start_s) + u64::from(offset_s)) % u64::from(DAY_S)) as u32
}

fn fmt_dur(s: u32) -> String {
    if s == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if h > 0 {
        let _ = write!(out, "{h}h");
    }
    if m > 0 {
        let _ = write!(out, "{m}m");
    }
    if sec > 0 {
        let _ = write!(out, "{sec}s");
    }
    out
}

fn fmt_hours(h: f64) -> String {
    format!("{}", (h * 100.0).round() / 100.0)
}

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

/// All ways to place a template's breaks on the grid without overlap, each as
/// a time-ordered list of (offset, length); duplicates removed.
fn break_placements(breaks: &[BreakWindow], interval_s: u32) -> Vec<Vec<(u32, u32)>> {
    let mut out = BTreeSet::new();
    let mut current = Vec::with_capacity(breaks.len());
    fn rec(
        breaks: &[BreakWindow],
        step: u32,
        current: &mut Vec<(u32, u32)>,
        out: &mut BTreeSet<Vec<(u32, u32)>>,
    ) {
        let Some((b, rest)) = breaks.split_first() else {
            let mut placed = current.clone();
            placed.sort_unstable();
            out.insert(placed);
            return;
        };
        let mut at = b.earliest_s;
        while at <= b.latest_s {
            let overlaps = current
                .iter()
                .any(|&(o, l)| at < o + l && o < at + b.length_s);
            if !overlaps {
                current.push((at, b.length_s));
                rec(rest, step, current, out);
                current.pop();
            }
            at += step;
        }
    }
    rec(breaks, interval_s.max(1), &mut current, &mut out);
    out.into_iter().collect()
}

/// Checks templates against the requirement's interval grid: every start,
/// length, break offset and break length must be a multiple of `interval_s`;
/// length in (0, 24h]; every break window must lie inside the shift and have
/// earliest ≤ latest; a template's breaks must fit without overlapping in at
/// least one way; names must be unique and non-empty; a template that can
/// never be used (no start, `max_count = 0`, breaks filling the whole shift)
/// is an error naming `templates[i]...` and why.
pub fn validate_templates(
    templates: &[ShiftTemplate],
    interval_s: u32,
    file: &Path,
) -> Result<(), TemplateError> {
    if interval_s == 0 || !DAY_S.is_multiple_of(interval_s) {
        return Err(terr(
            file,
            "templates",
            format!("the requirement's interval ({interval_s}s) must divide the 24h day"),
        ));
    }
    if templates.is_empty() {
        return Err(terr(file, "templates", "no shift templates are defined"));
    }
    let grid = fmt_dur(interval_s);
    let on_grid = |s: u32| s.is_multiple_of(interval_s);
    let mut names = BTreeMap::new();
    for (i, t) in templates.iter().enumerate() {
        let p = format!("templates[{i}]");
        if t.name.trim().is_empty() {
            return Err(terr(file, format!("{p}.name"), "must not be empty"));
        }
        if let Some(first) = names.insert(t.name.as_str(), i) {
            return Err(terr(
                file,
                format!("{p}.name"),
                format!(
                    "duplicate template name {:?} (also templates[{first}])",
                    t.name
                ),
            ));
        }
        if t.length_s == 0 || t.length_s > DAY_S {
            return Err(terr(
                file,
                format!("{p}.length"),
                format!("{} is not in (0, 24h]", fmt_dur(t.length_s)),
            ));
        }
        if !on_grid(t.length_s) {
            return Err(terr(
                file,
                format!("{p}.length"),
                format!(
                    "{} is not a multiple of the {grid} interval",
                    fmt_dur(t.length_s)
                ),
            ));
        }
        if t.starts_s.is_empty() {
            return Err(terr(
                file,
                format!("{p}.starts"),
                "no start times: the template can never be used",
            ));
        }
        for (j, &s) in t.starts_s.iter().enumerate() {
            if s >= DAY_S {
                return Err(terr(
                    file,
                    format!("{p}.starts[{j}]"),
                    format!("{s}s is not a time of day"),
                ));
            }
            if !on_grid(s) {
                return Err(terr(
                    file,
                    format!("{p}.starts[{j}]"),
                    format!("{} is not on the {grid} interval grid", fmt_tod(s)),
                ));
            }
        }
        if t.max_count == Some(0) {
            return Err(terr(
                file,
                format!("{p}.max_count"),
                "0 means the template can never be used",
            ));
        }
        let mut total_break = 0u64;
        for (j, b) in t.breaks.iter().enumerate() {
            let bp = format!("{p}.breaks[{j}]");
            for (key, v) in [
                ("earliest", b.earliest_s),
                ("latest", b.latest_s),
                ("length", b.length_s),
            ] {
                if !on_grid(v) {
                    return Err(terr(
                        file,
                        format!("{bp}.{key}"),
                        format!("{} is not a multiple of the {grid} interval", fmt_dur(v)),
                    ));
                }
            }
            if b.length_s == 0 {
                return Err(terr(
                    file,
                    format!("{bp}.length"),
                    "a break must be longer than 0s",
                ));
            }
            if b.earliest_s > b.latest_s {
                return Err(terr(
                    file,
                    format!("{bp}.latest"),
                    format!(
                        "{} is before earliest {}",
                        fmt_dur(b.latest_s),
                        fmt_dur(b.earliest_s)
                    ),
                ));
            }
            if b.earliest_s == 0 {
                return Err(terr(
                    file,
                    format!("{bp}.earliest"),
                    "a break cannot open the shift (start the shift later instead): must be > 0s",
                ));
            }
            if u64::from(b.latest_s) + u64::from(b.length_s) >= u64::from(t.length_s) {
                return Err(terr(
                    file,
                    format!("{bp}.latest"),
                    format!(
                        "a break starting at {} for {} does not end before the {} shift does (end the shift earlier instead)",
                        fmt_dur(b.latest_s),
                        fmt_dur(b.length_s),
                        fmt_dur(t.length_s)
                    ),
                ));
            }
            total_break += u64::from(b.length_s);
        }
        if total_break >= u64::from(t.length_s) {
            return Err(terr(
                file,
                format!("{p}.breaks"),
                "the breaks fill the whole shift: the template can never cover anything",
            ));
        }
        let combos = t.breaks.iter().fold(1u64, |acc, b| {
            acc.saturating_mul(u64::from((b.latest_s - b.earliest_s) / interval_s) + 1)
        });
        let starts = t.starts_s.iter().collect::<BTreeSet<_>>().len() as u64;
        if combos.saturating_mul(starts) > MAX_COLUMNS_PER_TEMPLATE {
            return Err(terr(
                file,
                format!("{p}.breaks"),
                format!(
                    "{starts} starts × {combos} break placements is more than {MAX_COLUMNS_PER_TEMPLATE} shift variants; narrow the break windows or the starts"
                ),
            ));
        }
        if !t.breaks.is_empty() && break_placements(&t.breaks, interval_s).is_empty() {
            return Err(terr(
                file,
                format!("{p}.breaks"),
                "the breaks cannot be placed without overlapping each other",
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Solving
// ---------------------------------------------------------------------------

/// One shift variant: a template, a start and a break placement.
#[derive(Debug, Clone)]
struct Column {
    template: usize,
    start_s: u32,
    breaks: Vec<(u32, u32)>,
    cost_h: f64,
    /// Intervals in which an agent on this shift is on duty and not on break.
    covers: Vec<usize>,
}

fn build_columns(templates: &[ShiftTemplate], interval_s: u32) -> Vec<Column> {
    let mut columns = Vec::new();
    for (ti, t) in templates.iter().enumerate() {
        let placements = if t.breaks.is_empty() {
            vec![Vec::new()]
        } else {
            break_placements(&t.breaks, interval_s)
        };
        let starts: BTreeSet<u32> = t.starts_s.iter().copied().collect();
        for &start_s in &starts {
            for placement in &placements {
                let covers = (0..t.length_s)
                    .step_by(interval_s as usize)
                    .filter(|&o| !placement.iter().any(|&(at, len)| o >= at && o < at + len))
                    .map(|o| ((start_s + o) % DAY_S / interval_s) as usize)
                    .collect();
                columns.push(Column {
                    template: ti,
                    start_s,
                    breaks: placement.clone(),
                    cost_h: f64::from(t.length_s) / 3600.0,
                    covers,
                });
            }
        }
    }
    columns
}

fn interval_label(k: usize, interval_s: u32) -> String {
    let from = k as u32 * interval_s;
    format!("{}–{}", fmt_tod(from), fmt_tod(from + interval_s))
}

fn coverage_of(columns: &[Column], x: &[u32], n: usize) -> Vec<u32> {
    let mut cov = vec![0u32; n];
    for (c, &count) in columns.iter().zip(x) {
        if count > 0 {
            for &k in &c.covers {
                cov[k] += count;
            }
        }
    }
    cov
}

/// First interval left short by `x`, if any.
fn first_deficit(columns: &[Column], x: &[u32], requirement: &[u32]) -> Option<usize> {
    let cov = coverage_of(columns, x, requirement.len());
    (0..requirement.len()).find(|&k| cov[k] < requirement[k])
}

fn respects_caps(columns: &[Column], x: &[u32], templates: &[ShiftTemplate]) -> bool {
    let mut used = vec![0u64; templates.len()];
    for (c, &count) in columns.iter().zip(x) {
        used[c.template] += u64::from(count);
    }
    templates
        .iter()
        .zip(&used)
        .all(|(t, &u)| t.max_count.is_none_or(|cap| u <= u64::from(cap)))
}

fn hours_of(columns: &[Column], x: &[u32]) -> f64 {
    columns
        .iter()
        .zip(x)
        .map(|(c, &n)| c.cost_h * f64::from(n))
        .sum()
}

/// Builds the covering model over `columns`; `integer` chooses the MIP or
/// its LP relaxation; `elastic` adds a shortfall variable per interval and
/// minimises the total shortfall instead (used to name an infeasible interval).
struct Model {
    vars: ProblemVariables,
    x: Vec<Variable>,
    shortfall: Vec<(usize, Variable)>,
    objective: Expression,
    constraints: Vec<good_lp::Constraint>,
}

fn build_model(
    columns: &[Column],
    requirement: &[u32],
    templates: &[ShiftTemplate],
    integer: bool,
    elastic: bool,
) -> Model {
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = columns
        .iter()
        .map(|c| {
            let mut def = variable().min(0);
            if let Some(cap) = templates[c.template].max_count {
                def = def.max(cap);
            }
            if integer {
                def = def.integer();
            }
            vars.add(def)
        })
        .collect();
    let mut rows: Vec<Expression> = vec![Expression::with_capacity(0); requirement.len()];
    for (c, &v) in columns.iter().zip(&x) {
        for &k in &c.covers {
            rows[k].add_mul(1.0, v);
        }
    }
    let mut shortfall = Vec::new();
    let mut objective = Expression::with_capacity(columns.len());
    if !elastic {
        for (c, &v) in columns.iter().zip(&x) {
            objective.add_mul(c.cost_h, v);
        }
    }
    let mut constraints = Vec::new();
    for (k, row) in rows.into_iter().enumerate() {
        if requirement[k] == 0 {
            continue;
        }
        let mut row = row;
        if elastic {
            let s = vars.add(variable().min(0));
            row.add_mul(1.0, s);
            objective.add_mul(1.0, s);
            shortfall.push((k, s));
        }
        constraints.push(row.geq(f64::from(requirement[k])));
    }
    for (ti, t) in templates.iter().enumerate() {
        if let Some(cap) = t.max_count {
            let mut sum = Expression::with_capacity(0);
            for (c, &v) in columns.iter().zip(&x) {
                if c.template == ti {
                    sum.add_mul(1.0, v);
                }
            }
            constraints.push(sum.leq(f64::from(cap)));
        }
    }
    Model {
        vars,
        x,
        shortfall,
        objective,
        constraints,
    }
}

/// Rounds an LP solution to a feasible whole-number plan (see the module
/// doc): round up or down, trim to the caps, patch, prune, local search.
/// `Err(k)` names an interval that could not be covered within the caps.
fn round_lp(
    columns: &[Column],
    lp: &[f64],
    requirement: &[u32],
    templates: &[ShiftTemplate],
) -> Result<Vec<u32>, usize> {
    // Rounding everything up, then trimming, is the textbook heuristic;
    // rounding down and patching greedily is often tighter. Keep the better.
    let up = round_from(columns, lp, requirement, templates, f64::ceil)?;
    let best = match round_from(columns, lp, requirement, templates, f64::floor) {
        Ok(down) if hours_of(columns, &down) < hours_of(columns, &up) - EPS => down,
        _ => up,
    };
    Ok(improve(columns, lp, requirement, templates, best))
}

fn round_from(
    columns: &[Column],
    lp: &[f64],
    requirement: &[u32],
    templates: &[ShiftTemplate],
    round: fn(f64) -> f64,
) -> Result<Vec<u32>, usize> {
    let mut x: Vec<u32> = lp
        .iter()
        .map(|&v| {
            // Values within EPS of a whole number count as that number.
            let v = if (v - v.round()).abs() < EPS {
                v.round()
            } else {
                v
            };
            round(v).clamp(0.0, f64::from(u32::MAX)) as u32
        })
        .collect();
    // Trim templates back to their caps, dropping the most rounded-up first.
    let mut used = vec![0u64; templates.len()];
    for (c, &count) in columns.iter().zip(&x) {
        used[c.template] += u64::from(count);
    }
    for (ti, t) in templates.iter().enumerate() {
        let Some(cap) = t.max_count else { continue };
        let mut idx: Vec<usize> = (0..columns.len())
            .filter(|&c| columns[c].template == ti)
            .collect();
        idx.sort_by(|&a, &b| {
            let fa = f64::from(x[a]) - lp[a];
            let fb = f64::from(x[b]) - lp[b];
            fb.total_cmp(&fa)
        });
        let mut i = 0;
        while used[ti] > u64::from(cap) && !idx.is_empty() {
            let c = idx[i % idx.len()];
            if x[c] > 0 {
                x[c] -= 1;
                used[ti] -= 1;
            }
            i += 1;
        }
    }
    patch_and_prune(columns, lp, requirement, templates, x, None)
}

/// Patches shortfalls greedily within the caps (shifts the LP wanted more of
/// first, then most short intervals covered per paid hour), then drops
/// redundant agents (most expensive shifts first, least LP weight first).
fn patch_and_prune(
    columns: &[Column],
    lp: &[f64],
    requirement: &[u32],
    templates: &[ShiftTemplate],
    mut x: Vec<u32>,
    forbid: Option<usize>,
) -> Result<Vec<u32>, usize> {
    let n = requirement.len();
    let mut used = vec![0u64; templates.len()];
    for (c, &count) in columns.iter().zip(&x) {
        used[c.template] += u64::from(count);
    }
    let mut cov = coverage_of(columns, &x, n);
    loop {
        let short: Vec<bool> = (0..n).map(|k| cov[k] < requirement[k]).collect();
        let Some(first) = short.iter().position(|&s| s) else {
            break;
        };
        let best = columns
            .iter()
            .enumerate()
            .filter(|&(i, c)| {
                Some(i) != forbid
                    && templates[c.template]
                        .max_count
                        .is_none_or(|cap| used[c.template] < u64::from(cap))
            })
            .map(|(i, c)| {
                let useful = c.covers.iter().filter(|&&k| short[k]).count() as f64;
                (i, lp[i] > f64::from(x[i]) + EPS, useful / c.cost_h)
            })
            .filter(|&(_, _, score)| score > 0.0)
            .max_by(|a, b| a.1.cmp(&b.1).then(a.2.total_cmp(&b.2)).then(b.0.cmp(&a.0)));
        let Some((c, _, _)) = best else {
            return Err(first);
        };
        x[c] += 1;
        used[columns[c].template] += 1;
        for &k in &columns[c].covers {
            cov[k] += 1;
        }
    }
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by(|&a, &b| {
        columns[b]
            .cost_h
            .total_cmp(&columns[a].cost_h)
            .then(lp[a].total_cmp(&lp[b]))
    });
    for c in order {
        while x[c] > 0 && columns[c].covers.iter().all(|&k| cov[k] > requirement[k]) {
            x[c] -= 1;
            for &k in &columns[c].covers {
                cov[k] -= 1;
            }
        }
    }
    Ok(x)
}

/// Local search on a feasible plan: take one agent off a shift, patch and
/// prune again, keep the result if it is cheaper; repeat until no single
/// removal helps (bounded number of rounds).
fn improve(
    columns: &[Column],
    lp: &[f64],
    requirement: &[u32],
    templates: &[ShiftTemplate],
    mut x: Vec<u32>,
) -> Vec<u32> {
    let mut hours = hours_of(columns, &x);
    for _ in 0..20 {
        let mut used: Vec<usize> = (0..columns.len()).filter(|&c| x[c] > 0).collect();
        used.sort_by(|&a, &b| columns[b].cost_h.total_cmp(&columns[a].cost_h));
        let mut better = false;
        for c in used {
            let mut y = x.clone();
            y[c] -= 1;
            if let Ok(y) = patch_and_prune(columns, lp, requirement, templates, y, Some(c)) {
                let h = hours_of(columns, &y);
                if h < hours - EPS {
                    x = y;
                    hours = h;
                    better = true;
                }
            }
        }
        if !better {
            break;
        }
    }
    x
}

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

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

/// The plan as a scenario fragment to paste into a pool: one
/// `[[agents.shifts]]` entry per planned shift (start, end = start + length
/// modulo 24 h, `overnight = true` when it runs past midnight, count, breaks at
/// absolute times of day), under a comment header naming the template and its
/// agent-hours.
pub fn fragment(plan: &Plan) -> String {
    let mut out = String::new();
    let agents: u32 = plan.shifts.iter().map(|s| s.count).sum();
    let _ = writeln!(
        out,
        "# Shift plan: {agents} agents, {} paid agent-hours (LP lower bound {} h; {}).",
        fmt_hours(plan.agent_hours),
        fmt_hours(plan.lp_bound_hours),
        plan.method
    );
    let _ = writeln!(
        out,
        "# Paste into the pool (replacing its `count`, `staffing` or other shifts)."
    );
    if plan.shifts.is_empty() {
        let _ = writeln!(out, "# No shifts are needed.");
    }
    for s in &plan.shifts {
        let name: String = s
            .template
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let _ = writeln!(
            out,
            "\n# template {name:?}: {} × {} = {} agent-hours",
            s.count,
            fmt_dur(s.length_s),
            fmt_hours(f64::from(s.count) * f64::from(s.length_s) / 3600.0)
        );
        let _ = writeln!(out, "[[agents.shifts]]");
        let _ = writeln!(out, "start = \"{}\"", fmt_tod(s.start_s));
        let _ = writeln!(
            out,
            "end = \"{}\"",
            fmt_tod(tod_after(s.start_s, s.length_s))
        );
        if u64::from(s.start_s) + u64::from(s.length_s) > u64::from(DAY_S) {
            let _ = writeln!(out, "overnight = true");
        }
        let _ = writeln!(out, "count = {}", s.count);
        if !s.breaks_at_s.is_empty() {
            let breaks: Vec<String> = s
                .breaks_at_s
                .iter()
                .zip(&s.break_lengths_s)
                .map(|(&at, &len)| {
                    format!(
                        "{{ at = \"{}\", length = \"{}\" }}",
                        fmt_tod(tod_after(s.start_s, at)),
                        fmt_dur(len)
                    )
                })
                .collect();
            let _ = writeln!(out, "breaks = [{}]", breaks.join(", "));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    const H: u32 = 3600;
    const Q: u32 = 900; // 15 minutes

    fn file() -> &'static Path {
        Path::new("shifts.toml")
    }

    fn tpl(name: &str, starts: &[u32], length_s: u32) -> ShiftTemplate {
        ShiftTemplate {
            name: name.to_string(),
            starts_s: starts.to_vec(),
            length_s,
            breaks: Vec::new(),
            max_count: None,
        }
    }

    /// Requirement of `level` agents in [from_h, to_h) hours on a grid of `interval_s`.
    fn flat(level: u32, from_s: u32, to_s: u32, interval_s: u32) -> Vec<u32> {
        (0..DAY_S / interval_s)
            .map(|k| {
                let t = k * interval_s;
                if t >= from_s && t < to_s { level } else { 0 }
            })
            .collect()
    }

    fn assert_feasible(plan: &Plan, requirement: &[u32]) {
        assert_eq!(plan.coverage.len(), requirement.len());
        for (k, (&c, &r)) in plan.coverage.iter().zip(requirement).enumerate() {
            assert!(c >= r, "interval {k}: coverage {c} < requirement {r}");
        }
        assert!(plan.agent_hours + 1e-6 >= plan.lp_bound_hours, "{plan:?}");
    }

    fn limit() -> Duration {
        Duration::from_secs(10)
    }

    #[test]
    fn flat_day_needs_exactly_five_eight_hour_agents() {
        let req = flat(5, 8 * H, 16 * H, Q);
        let plan = solve(&req, Q, &[tpl("day", &[8 * H], 8 * H)], limit()).unwrap();
        assert_feasible(&plan, &req);
        assert_eq!(plan.shifts.len(), 1);
        assert_eq!(plan.shifts[0].count, 5);
        assert_eq!(plan.shifts[0].start_s, 8 * H);
        assert!((plan.agent_hours - 40.0).abs() < 1e-9);
        assert!((plan.lp_bound_hours - 40.0).abs() < 1e-6);
        assert_eq!(plan.coverage, req);
        assert_eq!(plan.method, "branch and bound (optimal)");
    }

    #[test]
    fn breaks_remove_agents_so_a_tight_requirement_needs_an_extra_one() {
        let half = 1800;
        let mut t = tpl("day", &[8 * H], 8 * H);
        t.breaks = vec![BreakWindow {
            earliest_s: 3 * H,
            latest_s: 4 * H,
            length_s: half,
        }];
        let req = flat(2, 8 * H, 16 * H, half);
        let plan = solve(&req, half, &[t], limit()).unwrap();
        assert_feasible(&plan, &req);
        let agents: u32 = plan.shifts.iter().map(|s| s.count).sum();
        assert_eq!(agents, 3, "{plan:?}");
        assert!((plan.agent_hours - 24.0).abs() < 1e-9);
        assert!((plan.lp_bound_hours - 24.0).abs() < 1e-6);
        // Three different break slots, each leaving exactly 2 on duty.
        assert_eq!(plan.shifts.len(), 3);
        for s in &plan.shifts {
            let k = ((s.start_s + s.breaks_at_s[0]) / half) as usize;
            assert_eq!(plan.coverage[k], 2);
        }
        assert_eq!(plan.coverage[(10 * H / half) as usize], 3);
    }

    #[test]
    fn overnight_shift_wraps_to_the_start_of_the_day() {
        let mut req = flat(3, 22 * H, 24 * H, Q);
        for (k, r) in req.iter_mut().enumerate() {
            if (k as u32) * Q < 6 * H {
                *r = 3;
            }
        }
        let plan = solve(&req, Q, &[tpl("night", &[22 * H], 8 * H)], limit()).unwrap();
        assert_feasible(&plan, &req);
        assert_eq!(plan.shifts.len(), 1);
        assert_eq!(plan.shifts[0].count, 3);
        assert_eq!(plan.coverage[0], 3);
        assert_eq!(plan.coverage[(5 * H / Q) as usize], 3);
        assert_eq!(plan.coverage[(6 * H / Q) as usize], 0);
        assert_eq!(plan.coverage[(23 * H / Q) as usize], 3);
        assert!((plan.agent_hours - 24.0).abs() < 1e-9);
    }

    #[test]
    fn max_count_is_respected() {
        let mut cheap = tpl("cheap", &[8 * H], 8 * H);
        cheap.max_count = Some(2);
        let pricey = tpl("pricey", &[7 * H + 1800], 9 * H);
        let req = flat(5, 8 * H, 16 * H, Q);
        let plan = solve(&req, Q, &[cheap, pricey], limit()).unwrap();
        assert_feasible(&plan, &req);
        let count = |name: &str| -> u32 {
            plan.shifts
                .iter()
                .filter(|s| s.template == name)
                .map(|s| s.count)
                .sum()
        };
        assert_eq!(count("cheap"), 2);
        assert_eq!(count("pricey"), 3);
        assert!((plan.agent_hours - 43.0).abs() < 1e-9);
    }

    #[test]
    fn uncovered_interval_is_named() {
        let mut req = flat(2, 8 * H, 16 * H, Q);
        req[12] = 1; // 03:00–03:15
        let err = solve(&req, Q, &[tpl("day", &[8 * H], 8 * H)], limit()).unwrap_err();
        match err {
            ScheduleError::Infeasible {
                interval,
                required,
                message,
            } => {
                assert_eq!((interval, required), (12, 1));
                assert!(message.contains("03:00–03:15"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn caps_too_small_for_one_interval_are_named() {
        let mut t = tpl("day", &[8 * H], 8 * H);
        t.max_count = Some(2);
        let req = flat(5, 8 * H, 16 * H, Q);
        let err = solve(&req, Q, &[t], limit()).unwrap_err();
        assert!(
            matches!(
                err,
                ScheduleError::Infeasible {
                    interval: 32,
                    required: 5,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("at most 2"), "{err}");
    }

    #[test]
    fn caps_that_only_fail_jointly_are_named() {
        // One agent could cover either half of 08:00–24:00, but not both.
        let mut t = tpl("day", &[8 * H, 16 * H], 8 * H);
        t.max_count = Some(1);
        let req = flat(1, 8 * H, 24 * H, Q);
        let err = solve(&req, Q, &[t], limit()).unwrap_err();
        match err {
            ScheduleError::Infeasible {
                interval, required, ..
            } => {
                assert!((32..96).contains(&interval), "{interval}");
                assert_eq!(required, 1);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_requirement_length_is_an_input_error() {
        let err = solve(&[1; 10], Q, &[tpl("day", &[8 * H], 8 * H)], limit()).unwrap_err();
        assert!(matches!(err, ScheduleError::Input(_)), "{err:?}");
    }

    #[test]
    fn zero_requirement_gives_an_empty_plan() {
        let plan = solve(&[0; 96], Q, &[tpl("day", &[8 * H], 8 * H)], limit()).unwrap();
        assert!(plan.shifts.is_empty());
        assert_eq!(plan.agent_hours, 0.0);
        assert!(toml::from_str::<toml::Table>(&fragment(&plan)).is_ok());
    }

    #[test]
    fn no_time_for_branch_and_bound_falls_back_to_rounding() {
        let req = realistic_requirement();
        let plan = solve(&req, Q, &realistic_templates(), Duration::ZERO).unwrap();
        assert_eq!(plan.method, "LP rounding");
        assert_feasible(&plan, &req);
        let gap = plan.agent_hours / plan.lp_bound_hours - 1.0;
        println!(
            "LP rounding alone: {:.2} h, LP bound {:.2} h, gap {:.2} %",
            plan.agent_hours,
            plan.lp_bound_hours,
            gap * 100.0
        );
        assert!(gap <= 0.05, "rounding gap {:.2} %", gap * 100.0);
    }

    #[test]
    fn rounding_is_feasible_and_respects_caps() {
        let mut templates = realistic_templates();
        templates[2].max_count = Some(6);
        let req = realistic_requirement();
        let columns = build_columns(&templates, Q);
        // Fractional "LP" values, deliberately poor.
        let lp: Vec<f64> = (0..columns.len()).map(|i| (i % 7) as f64 * 0.13).collect();
        let x = round_lp(&columns, &lp, &req, &templates).unwrap();
        assert!(first_deficit(&columns, &x, &req).is_none());
        assert!(respects_caps(&columns, &x, &templates));
        // And from nothing at all.
        let x = round_lp(&columns, &vec![0.0; columns.len()], &req, &templates).unwrap();
        assert!(first_deficit(&columns, &x, &req).is_none());
    }

    #[test]
    fn pseudo_random_requirements_are_always_covered() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as u32
        };
        let templates = vec![
            ShiftTemplate {
                name: "full".into(),
                starts_s: (0..24).map(|h| h * H).collect(),
                length_s: 8 * H,
                breaks: vec![BreakWindow {
                    earliest_s: 3 * H,
                    latest_s: 4 * H,
                    length_s: 1800,
                }],
                max_count: None,
            },
            {
                let mut t = tpl(
                    "part",
                    &(0..48).map(|h| h * 1800).collect::<Vec<_>>(),
                    4 * H,
                );
                t.max_count = Some(10);
                t
            },
        ];
        for _ in 0..4 {
            let req: Vec<u32> = (0..48).map(|_| next() % 9).collect();
            let plan = solve(&req, 1800, &templates, Duration::from_secs(2)).unwrap();
            assert_feasible(&plan, &req);
            let part: u32 = plan
                .shifts
                .iter()
                .filter(|s| s.template == "part")
                .map(|s| s.count)
                .sum();
            assert!(part <= 10);
        }
    }

    fn realistic_requirement() -> Vec<u32> {
        // 2 at 07:00 rising to 30 at 12:00, down to 5 at 20:00, none at night.
        (0..96)
            .map(|k| {
                let h = f64::from(k) * 0.25;
                let v = if !(7.0..20.0).contains(&h) {
                    0.0
                } else if h <= 12.0 {
                    2.0 + (h - 7.0) / 5.0 * 28.0
                } else {
                    30.0 - (h - 12.0) / 8.0 * 25.0
                };
                v.round() as u32
            })
            .collect()
    }

    fn realistic_templates() -> Vec<ShiftTemplate> {
        let starts: Vec<u32> = (0..30).map(|i| 5 * H + i * 1800).collect(); // 05:00..19:30
        let window = |earliest_s: u32, length_s: u32| BreakWindow {
            earliest_s,
            latest_s: earliest_s + 7 * Q, // 8 positions
            length_s,
        };
        vec![
            ShiftTemplate {
                name: "full".into(),
                starts_s: starts.clone(),
                length_s: 8 * H + 1800,
                breaks: vec![window(3 * H, 1800)],
                max_count: None,
            },
            ShiftTemplate {
                name: "short".into(),
                starts_s: starts.clone(),
                length_s: 6 * H,
                breaks: vec![window(2 * H, Q)],
                max_count: None,
            },
            ShiftTemplate {
                name: "part".into(),
                starts_s: starts,
                length_s: 4 * H,
                breaks: vec![window(H + 1800, Q)],
                max_count: Some(20),
            },
        ]
    }

    #[test]
    fn realistic_lunch_peak_solves_fast_and_close_to_the_lp_bound() {
        let req = realistic_requirement();
        let templates = realistic_templates();
        assert_eq!(build_columns(&templates, Q).len(), 720);
        let t0 = Instant::now();
        let plan = solve(&req, Q, &templates, Duration::from_secs(8)).unwrap();
        let took = t0.elapsed();
        assert_feasible(&plan, &req);
        let gap = (plan.agent_hours - plan.lp_bound_hours) / plan.lp_bound_hours;
        println!(
            "realistic case: {} shifts, {:.2} h, LP bound {:.2} h, gap {:.2} %, {:?}, method {}",
            plan.shifts.len(),
            plan.agent_hours,
            plan.lp_bound_hours,
            gap * 100.0,
            took,
            plan.method
        );
        assert!(took < Duration::from_secs(10), "{took:?}");
        assert!(gap <= 0.05, "gap {:.2} %", gap * 100.0);
    }

    // --- parsing -----------------------------------------------------------

    const EXAMPLE: &str = r#"
# Allowed shift templates.
[[templates]]
name = "early"
starts = ["06:00", "06:30", "07:00", "07:30", "08:00"]
length = "8h30m"
breaks = [{ earliest = "3h", latest = "5h", length = "30m" }]
[[templates]]
name = "part_time"
start_every = "30m"
start_from = "10:00"
start_until = "18:00"
length = "4h"
max_count = 20
"#;

    #[test]
    fn parses_the_example_file() {
        let t = parse_templates(EXAMPLE, file()).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].name, "early");
        assert_eq!(
            t[0].starts_s,
            vec![6 * H, 6 * H + 1800, 7 * H, 7 * H + 1800, 8 * H]
        );
        assert_eq!(t[0].length_s, 8 * H + 1800);
        assert_eq!(
            t[0].breaks,
            vec![BreakWindow {
                earliest_s: 3 * H,
                latest_s: 5 * H,
                length_s: 1800
            }]
        );
        assert_eq!(t[1].starts_s.len(), 17);
        assert_eq!(t[1].starts_s[0], 10 * H);
        assert_eq!(t[1].starts_s[16], 18 * H);
        assert_eq!(t[1].max_count, Some(20));
        validate_templates(&t, Q, file()).unwrap();
    }

    #[test]
    fn start_every_may_run_through_midnight() {
        let text = "[[templates]]\nname = \"n\"\nstart_every = \"1h\"\nstart_from = \"22:00\"\nstart_until = \"01:00\"\nlength = \"8h\"\n";
        let t = parse_templates(text, file()).unwrap();
        assert_eq!(t[0].starts_s, vec![22 * H, 23 * H, 0, H]);
    }

    #[test]
    fn durations_and_times_parse() {
        assert_eq!(parse_duration("8h30m"), Ok(8 * H + 1800));
        assert_eq!(parse_duration("8h 30m"), Ok(8 * H + 1800));
        assert_eq!(parse_duration("90s"), Ok(90));
        assert_eq!(parse_duration("0m"), Ok(0));
        for bad in ["", "8", "h", "8x", "-1h", "99999999999h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_time_of_day("06:30"), Ok(6 * H + 1800));
        assert_eq!(parse_time_of_day("23:59:30"), Ok(86_370));
        for bad in ["24:00", "6", "06:60", "aa:bb", "06:00:00:00", "-1:00"] {
            assert!(parse_time_of_day(bad).is_err(), "{bad}");
        }
        assert_eq!(fmt_dur(8 * H + 1800), "8h30m");
        assert_eq!(fmt_dur(90), "1m30s");
        assert_eq!(fmt_tod(22 * H + 8 * H), "06:00");
    }

    fn parse_err(text: &str) -> TemplateError {
        parse_templates(text, file()).unwrap_err()
    }

    #[test]
    fn parse_errors_name_the_key() {
        let base = "[[templates]]\nname = \"a\"\nstarts = [\"08:00\"]\nlength = \"8h\"\n";
        let e = parse_err(&format!("{base}colour = \"red\"\n"));
        assert_eq!(e.key, "templates[0].colour");
        assert!(e.message.contains("unknown key"), "{e}");
        assert_eq!(e.file, PathBuf::from("shifts.toml"));
        assert!(
            e.to_string()
                .starts_with("shifts.toml: `templates[0].colour`: unknown key"),
            "{e}"
        );

        let e = parse_err(&format!(
            "{base}[[templates]]\nname = \"b\"\nstarts = [\"08:00\"]\nlength = \"8h\"\nbreaks = [{{ earliest = \"1h\", latest = \"2h\", length = \"15m\", paid = true }}]\n"
        ));
        assert_eq!(e.key, "templates[1].breaks[0].paid");

        let e = parse_err("[[templates]]\nname = \"a\"\nstarts = [\"08:00\"]\n");
        assert_eq!(e.key, "templates[0].length");
        let e = parse_err("[[templates]]\nname = \"a\"\nstarts = [\"08:00\"]\nlength = 8\n");
        assert_eq!(e.key, "templates[0].length");
        let e =
            parse_err("[[templates]]\nname = \"a\"\nstarts = [\"08:00\"]\nlength = \"8 hours\"\n");
        assert_eq!(e.key, "templates[0].length");
        let e = parse_err(
            "[[templates]]\nname = \"a\"\nstarts = [\"08:00\", \"25:00\"]\nlength = \"8h\"\n",
        );
        assert_eq!(e.key, "templates[0].starts[1]");
        let e = parse_err("[[templates]]\nname = \"a\"\nlength = \"8h\"\n");
        assert_eq!(e.key, "templates[0].starts");
        let e = parse_err(
            "[[templates]]\nname = \"a\"\nstart_every = \"30m\"\nstart_from = \"08:00\"\nlength = \"8h\"\n",
        );
        assert_eq!(e.key, "templates[0].start_until");
        let e = parse_err(
            "[[templates]]\nname = \"a\"\nstarts = [\"08:00\"]\nstart_every = \"30m\"\nlength = \"8h\"\n",
        );
        assert_eq!(e.key, "templates[0].start_every");
        let e = parse_err(&format!("{base}max_count = -1\n"));
        assert_eq!(e.key, "templates[0].max_count");
        let e = parse_err(&format!(
            "{base}breaks = [{{ earliest = \"1h\", latest = \"soon\", length = \"15m\" }}]\n"
        ));
        assert_eq!(e.key, "templates[0].breaks[0].latest");
        let e = parse_err("shifts = 1\n");
        assert_eq!(e.key, "shifts");
        let e = parse_err("templates = []\n");
        assert_eq!(e.key, "templates");
        let e = parse_err("[[templates]\nname = ");
        assert_eq!(e.key, "(document)");
    }

    #[test]
    fn load_reports_missing_file() {
        let e = load_templates(Path::new("/nonexistent/shifts.toml")).unwrap_err();
        assert_eq!(e.key, "templates");
        assert!(e.message.contains("cannot read"));
    }

    // --- validation --------------------------------------------------------

    fn validate_err(t: ShiftTemplate) -> TemplateError {
        let ok = tpl("ok", &[8 * H], 8 * H);
        validate_templates(&[ok, t], Q, file()).unwrap_err()
    }

    fn with_break(earliest_s: u32, latest_s: u32, length_s: u32) -> ShiftTemplate {
        let mut t = tpl("b", &[8 * H], 8 * H);
        t.breaks = vec![BreakWindow {
            earliest_s,
            latest_s,
            length_s,
        }];
        t
    }

    #[test]
    fn validation_errors_name_the_key() {
        let e = validate_err(with_break(7 * H, 8 * H, 1800));
        assert_eq!(e.key, "templates[1].breaks[0].latest");
        assert!(e.message.contains("does not end before"), "{e}");

        let e = validate_err(with_break(4 * H, 3 * H, 1800));
        assert_eq!(e.key, "templates[1].breaks[0].latest");
        assert!(e.message.contains("before earliest"), "{e}");

        let e = validate_err(with_break(3 * H + 60, 4 * H, 1800));
        assert_eq!(e.key, "templates[1].breaks[0].earliest");

        let e = validate_err(with_break(3 * H, 4 * H, 0));
        assert_eq!(e.key, "templates[1].breaks[0].length");

        let e = validate_err(tpl("b", &[8 * H, 8 * H + 600], 8 * H));
        assert_eq!(e.key, "templates[1].starts[1]");
        assert!(e.message.contains("08:10"), "{e}");

        let e = validate_err(tpl("b", &[8 * H], 0));
        assert_eq!(e.key, "templates[1].length");
        let e = validate_err(tpl("b", &[8 * H], 25 * H));
        assert_eq!(e.key, "templates[1].length");
        let e = validate_err(tpl("b", &[8 * H], 8 * H + 600));
        assert_eq!(e.key, "templates[1].length");

        let e = validate_err(tpl("b", &[], 8 * H));
        assert_eq!(e.key, "templates[1].starts");

        let e = validate_err(tpl("ok", &[8 * H], 8 * H));
        assert_eq!(e.key, "templates[1].name");

        let mut t = tpl("b", &[8 * H], 8 * H);
        t.max_count = Some(0);
        assert_eq!(validate_err(t).key, "templates[1].max_count");

        // Two 1h breaks that must both start exactly at 3h: always overlap.
        let mut t = with_break(3 * H, 3 * H, H);
        t.breaks.push(t.breaks[0]);
        let e = validate_err(t);
        assert_eq!(e.key, "templates[1].breaks");
        assert!(e.message.contains("overlap"), "{e}");

        // A break opening or closing the shift: a shorter shift instead.
        assert_eq!(
            validate_err(with_break(0, 0, H)).key,
            "templates[1].breaks[0].earliest"
        );
        assert_eq!(
            validate_err(with_break(7 * H, 7 * H, H)).key,
            "templates[1].breaks[0].latest"
        );

        // Full-day shift and a 24h length are fine.
        validate_templates(&[tpl("day", &[0], 24 * H)], Q, file()).unwrap();
        assert_eq!(
            validate_templates(&[tpl("day", &[0], 8 * H)], 7 * 60 + 1, file())
                .unwrap_err()
                .key,
            "templates"
        );
    }

    #[test]
    fn solve_rejects_templates_off_the_grid() {
        let err = solve(&[1; 96], Q, &[tpl("b", &[600], 8 * H)], limit()).unwrap_err();
        match err {
            ScheduleError::Template(e) => assert_eq!(e.key, "templates[0].starts[0]"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn overlapping_windows_are_placed_without_overlap_and_deduplicated() {
        let w = BreakWindow {
            earliest_s: 2 * H,
            latest_s: 3 * H,
            length_s: 1800,
        };
        let p = break_placements(&[w, w], 1800);
        // Positions 2h, 2h30, 3h: pairs {2h,2h30}, {2h,3h}, {2h30,3h}.
        assert_eq!(p.len(), 3);
        assert!(p.iter().all(|b| b[0].0 + b[0].1 <= b[1].0));
    }

    // --- fragment ----------------------------------------------------------

    #[test]
    fn fragment_parses_back_with_overnight_end() {
        let mut night = tpl("night", &[22 * H], 8 * H);
        night.breaks = vec![BreakWindow {
            earliest_s: 4 * H,
            latest_s: 4 * H,
            length_s: 1800,
        }];
        let mut req = flat(1, 22 * H, 24 * H, 1800);
        for r in req.iter_mut().take(12) {
            *r = 1;
        }
        // 02:00–02:30 is the break: make no demand there.
        req[4] = 0;
        let day = tpl("day", &[8 * H], 8 * H + 1800);
        for r in req.iter_mut().skip(16).take(17) {
            *r = 2;
        }
        let plan = solve(&req, 1800, &[night, day], limit()).unwrap();
        assert_feasible(&plan, &req);
        let text = fragment(&plan);
        let doc: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let shifts = doc["agents"]["shifts"].as_array().unwrap();
        assert_eq!(shifts.len(), 2, "{text}");
        let day = &shifts[0];
        assert_eq!(day["start"].as_str(), Some("08:00"));
        assert_eq!(day["end"].as_str(), Some("16:30"));
        assert_eq!(day["count"].as_integer(), Some(2));
        assert!(day.get("overnight").is_none());
        let night = &shifts[1];
        assert_eq!(night["start"].as_str(), Some("22:00"));
        assert_eq!(night["end"].as_str(), Some("06:00"));
        assert_eq!(night["overnight"].as_bool(), Some(true));
        assert_eq!(night["count"].as_integer(), Some(1));
        let b = &night["breaks"].as_array().unwrap()[0];
        assert_eq!(b["at"].as_str(), Some("02:00"));
        assert_eq!(b["length"].as_str(), Some("30m"));
        assert!(
            text.contains("# template \"night\": 1 × 8h = 8 agent-hours"),
            "{text}"
        );
        assert!(text.contains("25 paid agent-hours"), "{text}");
    }
}
