//! The printed summary of a run: one table that fits 80 columns, read top
//! down — label, value (with its unit and, where the run allows, its 95 %
//! interval), n — then a short legend. Every label is defined in the
//! glossary of `reports/README.md`; a test holds the two together.

use std::fmt::Write as _;

use handoff_model::metrics::{Estimate, HandoffQuality, ServiceStats, Summary, TriggerQuality};

/// The widest line the table may print.
pub const WIDTH: usize = 80;
/// Columns of a row: two spaces, the label, the value right-aligned, n.
/// The longest label is 34 characters ("context completeness (of 6 fields)");
/// the widest value, a time with its m:ss and an asymmetric interval
/// ("1000.2 s = 16:40 (990.1–1010.5)"), 31. With "  n=1234567" a row is 80.
pub(crate) const LABEL: usize = 34;
pub(crate) const VALUE: usize = 32;

/// Where the full definitions are.
pub const GLOSSARY: &str = "reports/README.md#glossary";

/// A share as "12.3 % ± 1.4" (the ± only where a symmetric CI exists, a
/// range "(10.1–15.2)" for an asymmetric one, the logit-scale interval of a
/// share). A range whose upper end is under 0.1 % gets two decimals, so
/// "0.0 % (0.00–0.02)" still shows how small the share may be.
pub(crate) fn pct(e: &Estimate) -> String {
    let ci = match (e.ci95, e.ci95_range) {
        (Some(h), _) => format!(" ± {:.1}", h * 100.0),
        (None, Some([low, high])) => crate::format::pct_range(low, high),
        (None, None) => String::new(),
    };
    format!("{:.1} %{ci}", e.value * 100.0)
}

/// Seconds as "12.3 s ± 1.4", or "12.3 s (10.1–15.2)" for an asymmetric CI;
/// a time of a minute or more also as m:ss ("450.6 s = 7:31 ± 3.8").
pub(crate) fn secs(e: &Estimate) -> String {
    let ci = match (e.ci95, e.ci95_range) {
        (Some(h), _) => format!(" ± {h:.1}"),
        (None, Some([low, high])) => format!(" ({low:.1}–{high:.1})"),
        (None, None) => String::new(),
    };
    format!("{}{ci}", seconds(e.value, 1))
}

/// "81.5 s = 1:22" for a minute or more, "35.0 s" below; `decimals` of the
/// seconds. Negative times (a signed error) keep their sign on both. The
/// value is rounded once, so both forms show the same time: 81.46 reads
/// "81.5 s = 1:22", 59.96 "60.0 s = 1:00".
pub(crate) fn seconds(s: f64, decimals: usize) -> String {
    let scale = 10f64.powi(decimals as i32);
    let shown = (s * scale).round() / scale;
    let text = format!("{shown:.decimals$} s");
    match mmss(shown) {
        Some(clock) => format!("{text} = {clock}"),
        None => text,
    }
}

/// m:ss (h:mm:ss from an hour) for |s| ≥ 60 s, rounded to the second.
pub(crate) fn mmss(s: f64) -> Option<String> {
    if !s.is_finite() || s.abs() < 60.0 {
        return None;
    }
    let sign = if s < 0.0 { "−" } else { "" };
    let total = s.abs().round() as u64;
    let (h, m, sec) = (total / 3600, total / 60 % 60, total % 60);
    Some(if h > 0 {
        format!("{sign}{h}:{m:02}:{sec:02}")
    } else {
        format!("{sign}{m}:{sec:02}")
    })
}

/// The table being written, with the figures whose interval was withheld.
#[derive(Default)]
struct Table {
    out: String,
    /// Every (figure, where) that could carry an interval, and whether it
    /// was withheld: the note names the places when only some lack one.
    intervals: Vec<Interval>,
    /// The one reason an interval was withheld.
    reason: Option<&'static str>,
}

struct Interval {
    figure: String,
    where_: String,
    withheld: bool,
}

impl Table {
    fn heading(&mut self, text: &str) {
        let _ = writeln!(self.out, "\n{text}");
    }

    /// A row: label, value, and n (empty where a figure is a plain count).
    fn row(&mut self, label: &str, value: &str, n: Option<u64>) {
        let n = n.map(|n| format!("n={n}")).unwrap_or_default();
        let line = format!("  {label:<LABEL$} {value:>VALUE$}  {n}");
        let _ = writeln!(self.out, "{}", line.trim_end());
    }

    fn count(&mut self, label: &str, value: u64) {
        self.row(label, &value.to_string(), None);
    }

    /// A row of an estimate; notes where its interval is withheld.
    fn estimate(&mut self, label: &str, e: &Estimate, text: String, where_: &str) {
        self.note_interval(label, e, where_);
        self.row(label, &text, Some(e.n));
    }

    fn note_interval(&mut self, label: &str, e: &Estimate, where_: &str) {
        if let Some(reason) = e.ci_withheld {
            self.reason.get_or_insert(reason);
        }
        self.intervals.push(Interval {
            figure: figure_name(label).to_string(),
            where_: where_.to_string(),
            withheld: e.ci_withheld.is_some(),
        });
    }
}

/// A label without its parenthesised detail: "service level (20 s)" is the
/// figure "service level".
fn figure_name(label: &str) -> &str {
    label.split(" (").next().unwrap_or(label)
}

/// The queue figures of one channel (or all); the signed wait-quote error
/// of all channels is with the other quote figures, under Handoff.
fn service_rows(t: &mut Table, s: &ServiceStats, where_: &str, quote_bias: bool) {
    t.row("offered to humans", &s.offered.to_string(), Some(s.offered));
    if s.still_waiting > 0 {
        t.row(
            "still waiting at the end",
            &s.still_waiting.to_string(),
            Some(s.offered),
        );
    }
    t.estimate(
        &format!("service level ({})", seconds(s.threshold_s, 0)),
        &s.service_level,
        pct(&s.service_level),
        where_,
    );
    t.estimate("ASA", &s.asa_s, secs(&s.asa_s), where_);
    t.estimate(
        "P(wait > 0)",
        &s.probability_wait,
        pct(&s.probability_wait),
        where_,
    );
    t.estimate(
        "abandonment",
        &s.abandonment_rate,
        pct(&s.abandonment_rate),
        where_,
    );
    t.row("AHT", &secs(&s.aht_s), Some(s.aht_s.n));
    t.row(
        "post-handoff FCR",
        &pct(&s.post_handoff_fcr),
        Some(s.post_handoff_fcr.n),
    );
    let w = &s.queue_wait_s;
    for (label, value) in [
        ("queue wait p50", w.p50),
        ("queue wait p90", w.p90),
        ("queue wait p99", w.p99),
        ("queue wait max", w.max),
    ] {
        t.row(label, &seconds(value, 0), Some(w.n));
    }
    if quote_bias && s.wait_estimate_error_s.n > 0 {
        t.row(
            "wait quote bias (actual − quoted)",
            &secs(&s.wait_estimate_error_s),
            Some(s.wait_estimate_error_s.n),
        );
    }
}

fn trigger_rows(t: &mut Table, q: &TriggerQuality) {
    t.heading("Triggers against ground truth");
    t.row(
        "needed a human",
        &q.needed_human.to_string(),
        Some(q.judged_conversations),
    );
    t.row(
        "escalations",
        &q.escalations.to_string(),
        Some(q.judged_conversations),
    );
    t.row(
        "  needed",
        &q.needed_escalations.to_string(),
        Some(q.escalations),
    );
    t.row(
        "  needless",
        &q.needless_escalations.to_string(),
        Some(q.escalations),
    );
    if q.premature_escalations > 0 {
        t.row(
            "  premature",
            &q.premature_escalations.to_string(),
            Some(q.escalations),
        );
    }
    let m = &q.missed_escalations;
    t.row("missed", &m.total.to_string(), Some(q.needed_human));
    t.row(
        "  gave up in the bot",
        &m.gave_up_in_bot.to_string(),
        Some(q.needed_human),
    );
    t.row(
        "  bot fallback (turns ran out)",
        &m.bot_fallback.to_string(),
        Some(q.needed_human),
    );
    t.row("precision", &pct(&q.precision), Some(q.precision.n));
    t.row("recall", &pct(&q.recall), Some(q.recall.n));

    // Per rule: its own columns, under the same 80.
    let _ = writeln!(
        t.out,
        "\n  {:<22} {:>6} {:>6} {:>9}   {:>19}",
        "by primary rule", "fired", "needed", "precision", "detection delay p50"
    );
    let _ = writeln!(
        t.out,
        "  {:<22} {:>6} {:>6} {:>9}   {:>9} {:>9}",
        "", "", "", "", "seconds", "turns"
    );
    for (rule, r) in &q.by_rule {
        let _ = writeln!(
            t.out,
            "  {:<22} {:>6} {:>6} {:>7.1} %   {:>7.0} s {:>9.0}",
            rule,
            r.fired,
            r.needed,
            r.precision.value * 100.0,
            r.detection_delay_s.p50,
            r.detection_delay_turns.p50,
        );
    }
}

fn handoff_rows(t: &mut Table, h: &HandoffQuality, queue: &ServiceStats) {
    t.heading("Handoff");
    t.row("transfers", &h.handoffs.to_string(), Some(h.handoffs));
    for (mode, n) in &h.by_mode {
        t.row(&format!("  {mode}"), &n.to_string(), Some(h.handoffs));
    }
    t.row(
        "context completeness (of 6 fields)",
        &format!("{:.1} %", h.context_completeness.value * 100.0),
        Some(h.context_completeness.n),
    );
    let w = &h.wait_estimate.abs_error_s;
    let bias = &queue.wait_estimate_error_s;
    if bias.n > 0 {
        t.row(
            "wait quote bias (actual − quoted)",
            &secs(bias),
            Some(bias.n),
        );
    }
    if w.n > 0 {
        t.row("wait quote |error| p50", &seconds(w.p50, 0), Some(w.n));
        t.row("wait quote |error| p90", &seconds(w.p90, 0), Some(w.n));
    }
    // Every estimator in shadow on the same contacts (biases in the report).
    if queue.wait_quotes.values().any(|q| q.n > 0) {
        t.row("wait quote MAE, by estimator", "", None);
        for (name, q) in &queue.wait_quotes {
            let label = if q.heard {
                format!("  {name} (heard)")
            } else {
                format!("  {name}")
            };
            t.row(&label, &secs(&q.mae_s), Some(q.n));
        }
    }
    t.row(
        "repeat contacts (48 h)",
        &pct(&h.repeat_contact_rate),
        Some(h.repeat_contact_rate.n),
    );
    let c = &h.csat;
    if let Some(delta) = c.delta {
        t.row(
            "CSAT delta (escalated − automated)",
            &format!("{delta:+.2} of 5"),
            Some(c.automated.n + c.escalated.n),
        );
        t.row(
            "  CSAT automated",
            &format!("{:.2} of 5", c.automated.value),
            Some(c.automated.n),
        );
        t.row(
            "  CSAT escalated",
            &format!("{:.2} of 5", c.escalated.value),
            Some(c.escalated.n),
        );
    }
}

/// Voice, callbacks and AI incidents, where the scenario has them.
fn fault_rows(t: &mut Table, summary: &Summary) {
    let m = &summary.measured;
    if let Some(v) = &m.voice {
        t.heading("Voice (calls that entered the bot)");
        t.row(
            "dead air per call",
            &secs(&v.dead_air_per_call_s),
            Some(v.calls),
        );
        t.row(
            "hung up on dead air",
            &pct(&v.hung_up_on_dead_air),
            Some(v.hung_up_on_dead_air.n),
        );
        t.row(
            "transfers that dropped",
            &pct(&v.transfer_failure_rate),
            Some(v.transfers),
        );
    }
    if let Some(c) = &m.callbacks {
        t.heading("Callbacks (out of the service level)");
        t.row("callbacks offered", &c.offered.to_string(), None);
        t.row("  accepted", &pct(&c.acceptance_rate), Some(c.offered));
        t.row("  reached", &c.reached.to_string(), Some(c.accepted));
        t.row(
            "  never reached",
            &c.never_reached.to_string(),
            Some(c.accepted),
        );
        t.row(
            "  pending at end",
            &c.pending_at_end.to_string(),
            Some(c.accepted),
        );
        t.row(
            "unanswered attempts",
            &c.unanswered_attempts.to_string(),
            None,
        );
        let w = &c.time_to_callback_s;
        if w.n > 0 {
            t.row("time to callback p50", &seconds(w.p50, 0), Some(w.n));
            t.row("time to callback p90", &seconds(w.p90, 0), Some(w.n));
        }
    }
    if let Some(i) = &summary.incidents {
        t.heading(&format!(
            "AI incidents ({} windows, {:.1} h inside · {:.1} h outside)",
            i.windows.len(),
            i.inside.hours,
            i.outside.hours
        ));
        for (label, side) in [("inside", &i.inside), ("outside", &i.outside)] {
            t.row(
                &format!("handoff rate {label}"),
                &pct(&side.handoff_rate),
                Some(side.bot_conversations),
            );
            t.row(
                &format!("ASA {label}"),
                &secs(&side.asa_s),
                Some(side.answered),
            );
            t.row(
                &format!("abandonment {label}"),
                &pct(&side.abandonment_rate),
                Some(side.answered + side.abandoned),
            );
        }
    }
}

/// The human-readable summary table. Deterministic (no wall-clock values).
pub fn summary_table(summary: &Summary) -> String {
    let mut t = Table::default();
    let c = &summary.conversations;
    let m = &summary.measured;
    t.heading("Conversations (all, warm-up included)");
    for (label, n) in [
        ("arrivals", c.arrivals),
        ("resolved by AI", c.resolved_by_ai),
        ("resolved by human", c.resolved_by_human),
        ("unresolved", c.unresolved),
        ("abandoned in bot", c.abandoned_in_bot),
        ("abandoned in queue", c.abandoned_in_queue),
        ("closed (nobody on duty)", c.closed),
        ("dropped (transfer failed)", c.dropped),
        ("callback never reached", c.callback_missed),
        ("in progress at end", c.in_progress),
        ("peak concurrency", summary.peak_concurrency),
    ] {
        t.count(label, n);
    }
    t.heading("Measured (arrived after warm-up)");
    t.count("arrivals", m.arrivals);
    if let Some(bot) = &m.bot {
        let n = Some(bot.conversations);
        t.row("containment (AI resolved)", &pct(&bot.containment_rate), n);
        t.row("handoff rate", &pct(&bot.handoff_rate), n);
        t.row("abandoned in bot", &pct(&bot.abandonment_rate), n);
        if bot.still_in_bot > 0 {
            t.row(
                "still in the bot at the end",
                &bot.still_in_bot.to_string(),
                n,
            );
        }
        // With ground truth the rule table below has these as "fired".
        if m.triggers.is_none() {
            t.row("handoffs by primary rule", "", None);
            for (reason, count) in &bot.handoffs_by_reason {
                t.row(&format!("  {reason}"), &count.to_string(), n);
            }
        }
    }
    if let Some(q) = &m.triggers {
        trigger_rows(&mut t, q);
    }
    handoff_rows(&mut t, &m.handoff, &m.human_queue);
    let channels: Vec<_> = m.by_channel.iter().filter(|(_, s)| s.offered > 0).collect();
    match channels[..] {
        // One channel: its block is the whole queue's, printed once.
        [(channel, stats)] => {
            // Its wait-quote bias is the one under Handoff.
            t.heading(&format!("Human queue ({channel}, the only channel)"));
            service_rows(&mut t, stats, channel, false);
        }
        _ => {
            t.heading("Human queue, all channels");
            service_rows(&mut t, &m.human_queue, "all", false);
            for (channel, stats) in channels {
                t.heading(&format!("Human queue, {channel}"));
                service_rows(&mut t, stats, channel, true);
            }
        }
    }
    fault_rows(&mut t, summary);
    pool_rows(&mut t, summary);
    crate::format::threshold_lines(&mut t.out, &summary.thresholds);
    if let Some(e) = &summary.theory {
        let model = if e.probability_abandon > 0.0 {
            "A"
        } else {
            "C"
        };
        t.heading(&format!(
            "Erlang {model} reference ({:.2} Erl offered, {:.3} per agent)",
            e.offered_load, e.load_per_agent
        ));
        t.row(
            "P(wait > 0)",
            &format!("{:.1} %", e.probability_wait * 100.0),
            None,
        );
        t.row("mean wait", &seconds(e.mean_wait, 1), None);
        t.row(
            &format!("service level ({})", seconds(e.threshold, 0)),
            &format!("{:.1} %", e.service_level * 100.0),
            None,
        );
        t.row(
            "abandonment",
            &format!("{:.1} %", e.probability_abandon * 100.0),
            None,
        );
    }

    let mut out = String::new();
    let _ = writeln!(
        out,
        "handoff-sim · {} · seed {} · {} simulated ({} warm-up)",
        summary.scenario,
        summary.seed,
        hours(summary.duration_s),
        hours(summary.warm_up_s)
    );
    intervals_note(&mut out, &t);
    out.push_str(&t.out);
    legend(&mut out, summary);
    out
}

fn pool_rows(t: &mut Table, summary: &Summary) {
    for p in &summary.pools {
        let slots = match p.slots_per_agent {
            1 => "1 slot".to_string(),
            k => format!("{k} slots"),
        };
        t.heading(&format!("Pool {} ({} agents × {slots})", p.name, p.agents));
        // Its n is reporting intervals, not contacts: not printed.
        t.note_interval("occupancy", &p.occupancy, &p.name);
        t.row("occupancy", &pct(&p.occupancy), None);
        t.row(
            "agents engaged",
            &format!("{:.1} %", p.agents_engaged * 100.0),
            None,
        );
        t.row(
            "mean concurrent contacts per agent",
            &format!("{:.2}", p.mean_concurrency),
            None,
        );
        if p.overtime_hours > 0.0 || p.handed_back > 0 {
            t.row("staffed", &format!("{:.1} agent-h", p.staffed_hours), None);
            t.row("overtime", &format!("{:.1} h", p.overtime_hours), None);
            t.row("handed back", &p.handed_back.to_string(), None);
        }
        if p.drop_offs > 0 {
            t.row("agent drop-offs", &p.drop_offs.to_string(), None);
            t.row(
                "  contacts returned to the queue",
                &p.returned_by_drop_off.to_string(),
                None,
            );
        }
    }
}

/// "8 h", "30 min", "1.5 h".
fn hours(s: f64) -> String {
    if s < 3600.0 {
        format!("{:.0} min", s / 60.0)
    } else if (s / 3600.0).fract() == 0.0 {
        format!("{:.0} h", s / 3600.0)
    } else {
        format!("{:.1} h", s / 3600.0)
    }
}

/// Once, at the top: which figures carry no interval, why, and how to get
/// one.
fn intervals_note(out: &mut String, t: &Table) {
    let Some(reason) = t.reason else {
        let _ = writeln!(
            out,
            "95 % intervals (batch means): ± a half-width, (a–b) asymmetric bounds."
        );
        return;
    };
    // Group by figure; name the places only where some of a figure's places
    // do have an interval: "service level (voice), ASA".
    let mut figures: Vec<(&str, Vec<&str>)> = Vec::new();
    for i in t.intervals.iter().filter(|i| i.withheld) {
        let (figure, where_) = (i.figure.as_str(), i.where_.as_str());
        match figures.iter_mut().find(|(f, _)| *f == figure) {
            Some((_, places)) => places.push(where_),
            None => figures.push((figure, vec![where_])),
        }
    }
    let listed = figures
        .iter()
        .map(|(figure, places)| {
            let everywhere = t.intervals.iter().filter(|i| i.figure == *figure).count();
            if places.len() == everywhere {
                figure.to_string()
            } else {
                format!("{figure} ({})", places.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let text = format!("No 95 % interval on {listed}: {reason} (e.g. --replications 20).");
    for line in wrap(&text, WIDTH) {
        let _ = writeln!(out, "{line}");
    }
}

fn legend(out: &mut String, summary: &Summary) {
    let sl = seconds(summary.measured.human_queue.threshold_s, 0);
    let mut lines = vec![
        "n: the observations behind a figure. m:ss beside times of a minute or more.".to_string(),
        format!(
            "service level: answered within {sl} / (answered + abandoned + still waiting past {sl}). \
             ASA: mean wait of answered contacts. occupancy: slot time in use / slot time staffed."
        ),
    ];
    if summary.measured.triggers.is_some() {
        lines.push(
            "needed: escalated and a human was needed; needless: the bot could have resolved it; \
             missed: needed a human and never escalated. precision = needed / escalations; \
             recall = needed / needed a human."
                .to_string(),
        );
    }
    lines.push(format!("Every term: {GLOSSARY}"));
    let _ = writeln!(out);
    for line in lines {
        for wrapped in wrap(&line, WIDTH) {
            let _ = writeln!(out, "{wrapped}");
        }
    }
}

/// Words of `text` in lines of at most `width` characters.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_a_minute_or_more_read_as_mmss() {
        assert_eq!(seconds(35.04, 1), "35.0 s");
        assert_eq!(seconds(81.5, 1), "81.5 s = 1:22");
        assert_eq!(
            seconds(81.46, 1),
            "81.5 s = 1:22",
            "rounded once, for both forms"
        );
        assert_eq!(seconds(59.96, 1), "60.0 s = 1:00");
        assert_eq!(seconds(59.4, 0), "59 s");
        assert_eq!(seconds(450.6, 1), "450.6 s = 7:31");
        assert_eq!(seconds(688.0, 0), "688 s = 11:28");
        assert_eq!(seconds(-90.0, 0), "-90 s = −1:30");
        assert_eq!(seconds(3725.0, 0), "3725 s = 1:02:05");
        assert_eq!(mmss(59.4), None);
        assert_eq!(mmss(59.6), None, "below a minute stays in seconds");
    }

    #[test]
    fn wrapping_keeps_every_word_and_the_width() {
        let text = "one two three four five six seven eight nine ten eleven twelve";
        let lines = wrap(text, 20);
        assert!(lines.iter().all(|l| l.chars().count() <= 20), "{lines:?}");
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn the_withheld_note_names_places_only_when_some_have_an_interval() {
        let mut t = Table::default();
        let with = Estimate::ratio(1.0, 10);
        let without = Estimate {
            ci_withheld: Some("too short"),
            ..with
        };
        t.estimate("service level (20 s)", &with, String::new(), "all");
        t.estimate("service level (20 s)", &without, String::new(), "voice");
        t.estimate("ASA", &without, String::new(), "all");
        t.estimate("ASA", &without, String::new(), "voice");
        let mut out = String::new();
        intervals_note(&mut out, &t);
        assert_eq!(
            out,
            "No 95 % interval on service level (voice), ASA: too short (e.g. --replications\n\
             20).\n"
        );
    }

    #[test]
    fn a_time_with_its_interval_fits_the_value_column() {
        let e = Estimate {
            value: 1000.2,
            n: 5,
            ci95: None,
            ci95_range: Some([990.1, 1010.5]),
            ci_withheld: None,
        };
        assert!(secs(&e).chars().count() <= VALUE, "{}", secs(&e));
        assert!(2 + LABEL + 1 + VALUE + 2 + "n=1234567".len() <= WIDTH);
    }

    #[test]
    fn durations_in_the_title() {
        assert_eq!(hours(8.0 * 3600.0), "8 h");
        assert_eq!(hours(1800.0), "30 min");
        assert_eq!(hours(5400.0), "1.5 h");
    }
}
