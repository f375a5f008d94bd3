//! The quality panel: headline rates and the per-intent and per-channel
//! breakdowns.

use plotters::coord::Shift;
use plotters::prelude::*;

use handoff_model::metrics::Summary;

use super::bars::horizontal_bars;
use super::*;
use super::{DrawResult, GREEN};

pub(super) fn quality<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    summary: &Summary,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let m = &summary.measured;
    let h = &m.handoff;
    let (left, right) = root.split_horizontally(430);
    let halves = right.split_evenly((1, 2));
    let panels = [left, halves[0].clone(), halves[1].clone()];
    let bot = m.bot.as_ref();
    let rates = [
        ("handoff rate", bot.map_or(0.0, |b| b.handoff_rate.value)),
        ("containment", bot.map_or(0.0, |b| b.containment_rate.value)),
        ("context completeness", h.context_completeness.value),
        ("post-handoff FCR", m.human_queue.post_handoff_fcr.value),
        ("repeat contacts", h.repeat_contact_rate.value),
    ];
    horizontal_bars(&panels[0], "Headline rates", &rates)?;
    let handoffs = h.handoffs.max(1) as f64;
    category_bars(
        &panels[1],
        "Context completeness (of 6 fields)",
        "handoffs (%)",
        100.0,
        &(0..=6).map(|k| format!("{k}/6")).collect::<Vec<_>>(),
        &[(
            "handoffs",
            CHAT,
            h.completeness_sixths
                .iter()
                .map(|n| *n as f64 / handoffs * 100.0)
                .collect(),
        )],
    )?;
    let c = &h.csat;
    let share = |counts: &[u64; 9]| {
        let total = counts.iter().sum::<u64>().max(1) as f64;
        counts
            .iter()
            .map(|n| *n as f64 / total * 100.0)
            .collect::<Vec<f64>>()
    };
    let automated = format!(
        "automated (mean {:.2}, n={})",
        c.automated.value, c.automated.n
    );
    let escalated = format!(
        "escalated (mean {:.2}, n={})",
        c.escalated.value, c.escalated.n
    );
    let (sa, se) = (
        share(&c.automated_by_half_point),
        share(&c.escalated_by_half_point),
    );
    let top = (sa.iter().chain(&se).fold(0.0f64, |a, b| a.max(*b)) * 1.1).min(100.0);
    category_bars(
        &panels[2],
        "CSAT score: automated vs escalated",
        "conversations (%)",
        top.max(10.0),
        &(0..9)
            .map(|k| format!("{:.1}", 1.0 + k as f64 / 2.0))
            .collect::<Vec<_>>(),
        &[(&automated, GREEN, sa), (&escalated, VOICE, se)],
    )?;
    Ok(())
}
