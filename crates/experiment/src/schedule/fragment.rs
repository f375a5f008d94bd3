//! The plan written as a scenario fragment (`[[agents.shifts]]`) to paste
//! into a pool.

use std::fmt::Write as _;

use super::clock::{fmt_dur, fmt_hours, fmt_tod, tod_after};
use super::*;

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
