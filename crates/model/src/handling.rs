//! The human part of a contact as the model sees it: what the customer
//! carries to the agent, whether they must repeat themselves, how long the
//! agent takes and whether the case is resolved — and the handoff effects
//! (`[handoff.effects]`) that make a warm transfer help or hurt.
//!
//! Every effect is a stated hypothesis with a default of 0 (or, for the
//! one that only changes what is *measured*, a stated assumption), so a
//! scenario without `[handoff.effects]` runs today's model exactly: a warm
//! transfer costs its briefing and halves the clarifying questions, and
//! nothing else. The formulas are in `scenarios/README.md` (`[handoff.effects]`).
//!
//! Pure functions of the scenario and the conversation's own streams. The
//! draws of the old model keep their stream and order (`Handling`, sub 0:
//! base handle time, then resolution), and each new draw has a stream of
//! its own (sub 1: repetition; sub 2 + k: the k-th warm transfer declined),
//! so switching an effect on moves no other draw (common random numbers).

use rand::RngExt;

use crate::customer::ConversationId;
use crate::rng::{Purpose, Streams};
pub use crate::scenario::Effects;
use crate::scenario::{Handoff, Intent};
use handoff_logic::handoff::{TransferMode, TransferPlan};

/// A transfer whose agent was briefed first (warm or priority-specialist).
pub fn briefed(plan: &TransferPlan) -> bool {
    plan.mode != TransferMode::Cold
}

impl Effects {
    /// Frustration the customer takes from the bot to the queue: what the
    /// failed turns built up, plus the time spent in the bot.
    pub fn frustration_at_handoff(&self, bot_frustration: f64, bot_seconds: f64) -> f64 {
        (bot_frustration + self.frustration_per_bot_minute * bot_seconds / 60.0).min(1.0)
    }

    /// Frustration at connection: the carried frustration plus the minutes
    /// waited beyond the quote.
    pub fn frustration_at_connection(&self, at_handoff: f64, minutes_over_quote: f64) -> f64 {
        (at_handoff + self.frustration_per_minute_over_quote * minutes_over_quote).min(1.0)
    }

    /// Whether the `attempt`-th (0-based) agent offered this warm transfer
    /// declines it after the briefing.
    pub fn declines(
        &self,
        plan: &TransferPlan,
        streams: &Streams,
        conversation: ConversationId,
        attempt: u32,
    ) -> bool {
        if !briefed(plan) || self.warm_decline_probability == 0.0 {
            return false;
        }
        let mut rng = streams.stream(Purpose::Handling, conversation, 2 + u64::from(attempt));
        rng.random::<f64>() < self.warm_decline_probability
    }

    /// The repeat-contact probability after an unresolved contact
    /// transferred with `plan` (`None`: never reached a human).
    pub fn repeat_probability(&self, base: f64, plan: Option<&TransferPlan>) -> f64 {
        match plan {
            Some(plan) if briefed(plan) => base * (1.0 - self.warm_repeat_reduction),
            _ => base,
        }
    }
}

/// Minutes waited beyond the quoted wait. A customer who heard no quote
/// (no expectation message, a direct contact) counts every minute.
pub fn minutes_over_quote(waited: f64, quoted: Option<f64>) -> f64 {
    (waited - quoted.unwrap_or(0.0)).max(0.0) / 60.0
}

/// What the agent is handed, and the agent's own factors.
#[derive(Debug, Clone, Copy)]
pub struct Assigned<'a> {
    pub conversation: ConversationId,
    pub intent: &'a Intent,
    /// The agent's proficiency on the intent's skill.
    pub proficiency: f64,
    /// Handle-time multiplier of the forecast (AHT per interval).
    pub aht_factor: f64,
    /// The concurrency stretch of a chat agent (1 for voice).
    pub stretch: f64,
    pub plan: TransferPlan,
    /// `None` for a direct contact: it never talked to the bot.
    pub completeness: Option<f64>,
    /// Frustration at connection ([`Effects::frustration_at_connection`]).
    pub frustration: f64,
    pub minutes_over_quote: f64,
}

/// The human part decided at assignment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Handled {
    pub resolved: bool,
    /// Seconds, briefing, clarifying questions and repetition included.
    pub handle_time: f64,
    /// Of the handle time, clarifying questions (what the package lacked).
    pub clarification: f64,
    /// The customer had to repeat themselves (`None`: a direct contact,
    /// which had told nothing before).
    pub repeated: Option<bool>,
    /// Frustration when the contact ends.
    pub frustration: f64,
}

/// The probability that the customer repeats themselves: what the package
/// lacks plus, on a cold transfer, `cold_repetition`; a briefed agent
/// spares `warm_repetition_relief` of it.
pub fn repetition_probability(effects: &Effects, plan: &TransferPlan, completeness: f64) -> f64 {
    let missing = 1.0 - completeness;
    if briefed(plan) {
        missing * (1.0 - effects.warm_repetition_relief)
    } else {
        missing + (1.0 - missing) * effects.cold_repetition
    }
}

/// The human handling of one contact: handle time, repetition, resolution
/// and the frustration it ends with.
pub fn handle(handoff: &Handoff, streams: &Streams, a: &Assigned) -> Handled {
    let effects = &handoff.effects;
    let mut rng = streams.stream(Purpose::Handling, a.conversation, 0);
    let briefed = briefed(&a.plan);
    let base =
        a.intent.handle_time.sample_secs(&mut rng) * a.aht_factor * a.stretch / a.proficiency;
    // Only a handoff from the bot can lose context: the customer already
    // explained once. A direct contact is the handle-time baseline.
    let missing = a.completeness.map_or(0.0, |c| 1.0 - c);
    let repeated = a.completeness.map(|c| {
        let p = repetition_probability(effects, &a.plan, c);
        let mut rng = streams.stream(Purpose::Handling, a.conversation, 1);
        rng.random::<f64>() < p
    });
    let relieved = if briefed {
        a.frustration * (1.0 - effects.warm_frustration_relief)
    } else {
        a.frustration
    };
    // A briefed agent asks fewer clarifying questions.
    let clarify_share = if briefed { 0.5 } else { 1.0 };
    let clarification = missing * handoff.clarification_time * clarify_share;
    let repetition = if repeated == Some(true) {
        effects.repetition_time
    } else {
        0.0
    };
    let handle_time = base * (1.0 + effects.frustration_handle_factor * relieved)
        + effects.handle_time_per_minute_over_quote * a.minutes_over_quote
        + a.plan.briefing
        + clarification
        + repetition;
    let mut resolve = (a.intent.human_resolve_probability * a.proficiency).min(1.0)
        * (1.0 - handoff.missing_context_resolution_penalty * missing);
    if briefed {
        let need = 1.0 - (1.0 - a.intent.complexity) * (1.0 - a.frustration);
        resolve += effects.warm_resolution_uplift * need * (1.0 - resolve);
    }
    let resolved = rng.random::<f64>() < resolve;
    let frustration = if repeated == Some(true) {
        (relieved + effects.repetition_frustration).min(1.0)
    } else {
        relieved
    };
    Handled {
        resolved,
        handle_time,
        clarification,
        repeated,
        frustration,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use std::path::Path;

    fn scenario(effects: &str) -> Scenario {
        let text = format!(
            r#"
[simulation]
name = "h"
duration = "1h"
[arrivals]
rate_per_hour = 10
[channels]
chat = 1
voice = 0
[[intents]]
name = "hard"
share = 1
human_resolve_probability = 0.6
complexity = 0.8
handle_time = {{ dist = "exponential", mean = "5m" }}
skill = "s"
[[agents]]
name = "p"
count = 3
skills = ["s"]
[handoff.effects]
{effects}
"#
        );
        Scenario::parse(&text, Path::new("h.toml")).unwrap()
    }

    fn plan(mode: TransferMode) -> TransferPlan {
        TransferPlan {
            mode,
            priority: 0,
            briefing: if mode == TransferMode::Cold {
                0.0
            } else {
                30.0
            },
        }
    }

    fn assigned<'a>(s: &'a Scenario, id: u64, mode: TransferMode, f: f64) -> Assigned<'a> {
        Assigned {
            conversation: id,
            intent: &s.intents[0],
            proficiency: 1.0,
            aht_factor: 1.0,
            stretch: 1.0,
            plan: plan(mode),
            completeness: Some(4.0 / 6.0),
            frustration: f,
            minutes_over_quote: 2.0,
        }
    }

    /// Mean of `v` over the handling of conversations 0 … n − 1.
    fn mean(s: &Scenario, mode: TransferMode, f: f64, v: impl Fn(&Handled) -> f64) -> f64 {
        let streams = Streams::new(4, 0);
        let n = 20_000;
        (0..n)
            .map(|id| v(&handle(&s.handoff, &streams, &assigned(s, id, mode, f))))
            .sum::<f64>()
            / n as f64
    }

    #[test]
    fn with_every_effect_off_the_handling_is_todays() {
        let s = scenario("");
        let streams = Streams::new(3, 0);
        for id in 0..200 {
            for mode in TransferMode::ALL {
                let a = assigned(&s, id, mode, 0.4);
                let h = handle(&s.handoff, &streams, &a);
                // Today's formula, written out.
                let mut rng = streams.stream(Purpose::Handling, id, 0);
                let base = s.intents[0].handle_time.sample_secs(&mut rng);
                let share = if mode == TransferMode::Cold { 1.0 } else { 0.5 };
                let missing = 1.0 - 4.0 / 6.0;
                let clarification = missing * 120.0 * share;
                let resolve = 0.6 * (1.0 - 0.3 * missing);
                assert_eq!(h.handle_time, base + a.plan.briefing + clarification);
                assert_eq!(h.clarification, clarification);
                assert_eq!(h.resolved, rng.random::<f64>() < resolve);
                assert_eq!(h.frustration, 0.4);
            }
        }
    }

    #[test]
    fn carried_frustration_and_waiting_past_the_quote_lengthen_the_handling() {
        let s = scenario(
            "frustration_handle_factor = 0.4\nhandle_time_per_minute_over_quote = \"21s\"",
        );
        let cold = TransferMode::Cold;
        let calm = mean(&s, cold, 0.0, |h| h.handle_time);
        let angry = mean(&s, cold, 1.0, |h| h.handle_time);
        // Fixed parts: 2 minutes past the quote × 21 s, clarification 1/3 × 120 s.
        let base = mean(&s, cold, 0.0, |h| h.handle_time - 42.0 - 40.0);
        // The same base draws: the difference is exactly 0.4 × the mean base.
        assert!((angry - calm - 0.4 * base).abs() < 1e-6, "{calm} {angry}");
        // Exponential, mean 5 min, n = 20 000: standard error 2.1 s.
        assert!((base - 300.0).abs() < 9.0, "{base}");
    }

    #[test]
    fn a_briefed_agent_relieves_resolves_more_and_spares_repetition() {
        let s = scenario(
            "warm_frustration_relief = 0.5\nwarm_resolution_uplift = 0.5\nrepetition_frustration = 0.2\ncold_repetition = 0.3",
        );
        let resolved = |h: &Handled| f64::from(u8::from(h.resolved));
        let repeated = |h: &Handled| f64::from(u8::from(h.repeated == Some(true)));
        let (cold, warm) = (TransferMode::Cold, TransferMode::Warm);
        // p = 0.6 × (1 − 0.3 / 3) = 0.54; g = 1 − 0.2 × 0.4 = 0.92;
        // warm p = 0.54 + 0.5 × 0.92 × 0.46 = 0.7516. n = 20 000: se ≤ 0.0035.
        assert!((mean(&s, cold, 0.6, resolved) - 0.54).abs() < 0.014);
        assert!((mean(&s, warm, 0.6, resolved) - 0.7516).abs() < 0.014);
        // Repetition: cold 1/3 + 2/3 × 0.3 = 0.5333; warm 1/3 × 0.5.
        assert!((mean(&s, cold, 0.6, repeated) - 0.5333).abs() < 0.014);
        assert!((mean(&s, warm, 0.6, repeated) - 0.1667).abs() < 0.014);
        // Relief halves 0.6; a repetition adds 0.2.
        let ended = |h: &Handled| h.frustration - 0.2 * repeated(h);
        assert!((mean(&s, warm, 0.6, ended) - 0.3).abs() < 1e-9);
        assert!((mean(&s, cold, 0.6, ended) - 0.6).abs() < 1e-9);
    }

    #[test]
    fn frustration_grows_with_the_bot_and_the_wait_past_the_quote() {
        let s =
            scenario("frustration_per_bot_minute = 0.05\nfrustration_per_minute_over_quote = 0.1");
        let e = &s.handoff.effects;
        assert!((e.frustration_at_handoff(0.2, 120.0) - 0.3).abs() < 1e-12);
        assert_eq!(e.frustration_at_handoff(0.9, 6000.0), 1.0);
        assert_eq!(minutes_over_quote(200.0, Some(80.0)), 2.0);
        assert_eq!(minutes_over_quote(60.0, Some(80.0)), 0.0);
        assert_eq!(minutes_over_quote(90.0, None), 1.5);
        assert!((e.frustration_at_connection(0.3, 2.0) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn declines_only_warm_transfers_at_the_stated_rate() {
        let s = scenario("warm_decline_probability = 0.25");
        let e = &s.handoff.effects;
        let streams = Streams::new(6, 0);
        let warm = plan(TransferMode::Warm);
        let declined = (0..20_000)
            .filter(|&id| e.declines(&warm, &streams, id, 0))
            .count() as f64
            / 20_000.0;
        assert!((declined - 0.25).abs() < 0.012, "{declined}");
        let cold = plan(TransferMode::Cold);
        assert!((0..1000).all(|id| !e.declines(&cold, &streams, id, 0)));
        // A second offer draws afresh.
        assert!(
            (0..1000)
                .any(|id| e.declines(&warm, &streams, id, 0) != e.declines(&warm, &streams, id, 1))
        );
    }
}
