//! The columns of the covering programme: every way a template can be worked
//! (start × break placement), what each covers, and the template checks
//! against the interval grid.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::clock::{fmt_dur, fmt_tod};
use super::template::terr;
use super::*;

/// All ways to place a template's breaks on the grid without overlap, each as
/// a time-ordered list of (offset, length); duplicates removed.
pub(super) fn break_placements(breaks: &[BreakWindow], interval_s: u32) -> Vec<Vec<(u32, u32)>> {
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

/// One shift variant: a template, a start and a break placement.
#[derive(Debug, Clone)]
pub(super) struct Column {
    pub(super) template: usize,
    pub(super) start_s: u32,
    pub(super) breaks: Vec<(u32, u32)>,
    pub(super) cost_h: f64,
    /// Intervals in which an agent on this shift is on duty and not on break.
    pub(super) covers: Vec<usize>,
}

pub(super) fn build_columns(templates: &[ShiftTemplate], interval_s: u32) -> Vec<Column> {
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

pub(super) fn interval_label(k: usize, interval_s: u32) -> String {
    let from = k as u32 * interval_s;
    format!("{}–{}", fmt_tod(from), fmt_tod(from + interval_s))
}

pub(super) fn coverage_of(columns: &[Column], x: &[u32], n: usize) -> Vec<u32> {
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
pub(super) fn first_deficit(columns: &[Column], x: &[u32], requirement: &[u32]) -> Option<usize> {
    let cov = coverage_of(columns, x, requirement.len());
    (0..requirement.len()).find(|&k| cov[k] < requirement[k])
}

pub(super) fn respects_caps(columns: &[Column], x: &[u32], templates: &[ShiftTemplate]) -> bool {
    let mut used = vec![0u64; templates.len()];
    for (c, &count) in columns.iter().zip(x) {
        used[c.template] += u64::from(count);
    }
    templates
        .iter()
        .zip(&used)
        .all(|(t, &u)| t.max_count.is_none_or(|cap| u <= u64::from(cap)))
}

pub(super) fn hours_of(columns: &[Column], x: &[u32]) -> f64 {
    columns
        .iter()
        .zip(x)
        .map(|(c, &n)| c.cost_h * f64::from(n))
        .sum()
}
