//! The LP-rounding heuristic: round up or down, trim to the caps, patch,
//! prune, then a short local search (see the module doc of `schedule`).

use super::columns::{Column, coverage_of, hours_of};
use super::*;

/// Rounds an LP solution to a feasible whole-number plan (see the module
/// doc): round up or down, trim to the caps, patch, prune, local search.
/// `Err(k)` names an interval that could not be covered within the caps.
pub(super) fn round_lp(
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
