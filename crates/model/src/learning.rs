//! Closed-loop learning across days (`[learning]`): every escalation the
//! bot needed is an example it learns from, and the next day's bot is
//! better for it. Pure: the actor shell tells the [`Learner`] what happened
//! and, at each day boundary, asks it for the next day's model.
//!
//! The rule, per intent i and simulated day d (days start at time 0 and last
//! 24 h):
//!
//! ```text
//! step(d)    = rate_per_day × min(1, n_i(d) / full_step_escalations)
//! p_i(d + 1) = p_i(d) + step(d) × (ceiling − p_i(d))      when p_i(d) < ceiling
//! ```
//!
//! where `n_i(d)` counts the day's *needed escalations* of intent i: bot
//! conversations handed to a human (by a trigger or the bot's fallback) that
//! needed one — the bot could not solve them. A day with enough examples
//! closes `rate_per_day` of the gap to the ceiling; so p approaches the
//! ceiling geometrically and levels off there. `p_i(0)` is the intent's
//! `ai_resolve_probability`. A customer's own uniform draw decides whether
//! the bot can solve their case (`u < p_i(day of arrival)`), so the same
//! customer meets the same luck with learning on or off (common random
//! numbers): learning only moves the bar.
//!
//! The optional nudge moves the confidence rule's threshold after each day
//! towards a target precision, measured on that day's trigger escalations
//! against ground truth with calibrate's definition (needed / (needed +
//! needless)):
//!
//! ```text
//! θ(d + 1) = clamp(θ(d) + gain × (precision(d) − target), 0, 1)
//! ```
//!
//! A higher threshold escalates more conversations, the needless ones too,
//! so precision above target raises θ (more recall) and below target lowers
//! it. A day without a trigger escalation leaves θ where it was.

use serde::Serialize;

use crate::scenario::{Learning, Scenario};
use crate::stats::Estimate;

/// Seconds in a simulated day (the learning step).
pub const DAY_SECONDS: f64 = 86_400.0;

/// What one day of learning saw and which model it ran.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LearnedDay {
    /// Day index from 0 (the day starting at `day × 24 h`).
    pub day: u32,
    /// The bot's resolve probability per intent during the day.
    pub resolve_probability: Vec<f64>,
    /// The confidence threshold during the day (`None`: the rule is off).
    pub confidence_threshold: Option<f64>,
    /// Needed escalations of each intent handed off during the day: the
    /// examples the next day learns from.
    pub needed_escalations: Vec<u64>,
    /// Precision of the day's trigger escalations (needed / (needed +
    /// needless), by time of escalation), with its Wilson interval and n:
    /// what the nudge steers by.
    pub trigger_precision: Estimate,
}

/// `summary.json`'s `learning`: the parameters and the model day by day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LearningSummary {
    pub rule: &'static str,
    pub rate_per_day: f64,
    pub ceiling: f64,
    pub full_step_escalations: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_precision: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold_gain: Option<f64>,
    /// Intent names, the order of every per-intent list below.
    pub intents: Vec<String>,
    pub days: Vec<LearnedDay>,
}

/// The learning rule in one line (the module documentation has it whole).
pub const LEARNING_RULE: &str = "p(d+1) = p(d) + rate_per_day × min(1, needed escalations(d) / full_step_escalations) × (ceiling − p(d)), per intent; \
θ(d+1) = clamp(θ(d) + threshold_gain × (precision(d) − target_precision), 0, 1) when nudged; days of 24 h from time 0";

/// The learning state of one run.
#[derive(Debug, Clone)]
pub struct Learner {
    learning: Learning,
    resolve: Vec<f64>,
    threshold: Option<f64>,
    needed_escalations: Vec<u64>,
    /// The day's trigger escalations: (needed, needless).
    verdicts: (u64, u64),
    days: Vec<LearnedDay>,
}

impl Learner {
    /// The learner of a scenario with `[learning]` on (`None` otherwise).
    pub fn new(scenario: &Scenario) -> Option<Learner> {
        let learning = scenario.learning.clone()?;
        Some(Learner {
            resolve: scenario
                .intents
                .iter()
                .map(|i| i.ai_resolve_probability)
                .collect(),
            threshold: learning.nudge.and(scenario.triggers.confidence_threshold),
            needed_escalations: vec![0; scenario.intents.len()],
            verdicts: (0, 0),
            days: Vec::new(),
            learning,
        })
    }

    /// Today's probability that the bot can solve a case of `intent`.
    pub fn resolve_probability(&self, intent: usize) -> f64 {
        self.resolve[intent]
    }

    /// Today's confidence threshold, when the nudge moves it.
    pub fn confidence_threshold(&self) -> Option<f64> {
        self.threshold
    }

    /// A bot conversation of `intent` was handed to a human: `needed` when
    /// it needed one (ground truth), `by_trigger` when a trigger rule
    /// escalated it (not the bot's turn-limit fallback).
    pub fn handed_off(&mut self, intent: usize, needed: bool, by_trigger: bool) {
        self.needed_escalations[intent] += u64::from(needed);
        if by_trigger {
            if needed {
                self.verdicts.0 += 1;
            } else {
                self.verdicts.1 += 1;
            }
        }
    }

    /// The day is over: keeps its record and moves the model for the next
    /// day. Returns the next day's confidence threshold (when nudged).
    pub fn end_day(&mut self) -> Option<f64> {
        self.days.push(self.today());
        let full = f64::from(self.learning.full_step_escalations);
        for (p, &n) in self.resolve.iter_mut().zip(&self.needed_escalations) {
            let step = self.learning.rate_per_day * (n as f64 / full).min(1.0);
            if *p < self.learning.ceiling {
                *p += step * (self.learning.ceiling - *p);
            }
        }
        let (needed, needless) = self.verdicts;
        if let (Some(nudge), Some(theta)) = (self.learning.nudge, &mut self.threshold)
            && needed + needless > 0
        {
            let precision = needed as f64 / (needed + needless) as f64;
            *theta = (*theta + nudge.gain * (precision - nudge.target_precision)).clamp(0.0, 1.0);
        }
        self.needed_escalations.iter_mut().for_each(|n| *n = 0);
        self.verdicts = (0, 0);
        self.threshold
    }

    /// The days learned, the one in progress at the end of the run last.
    pub fn finish(mut self, scenario: &Scenario) -> LearningSummary {
        let today = self.today();
        self.days.push(today);
        let l = &self.learning;
        LearningSummary {
            rule: LEARNING_RULE,
            rate_per_day: l.rate_per_day,
            ceiling: l.ceiling,
            full_step_escalations: l.full_step_escalations,
            target_precision: l.nudge.map(|n| n.target_precision),
            threshold_gain: l.nudge.map(|n| n.gain),
            intents: scenario.intents.iter().map(|i| i.name.clone()).collect(),
            days: self.days,
        }
    }

    fn today(&self) -> LearnedDay {
        let (needed, needless) = self.verdicts;
        LearnedDay {
            day: self.days.len() as u32,
            resolve_probability: self.resolve.clone(),
            confidence_threshold: self.threshold,
            needed_escalations: self.needed_escalations.clone(),
            trigger_precision: Estimate::wilson(needed, needed + needless),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Nudge;

    fn scenario(learning: Learning) -> Scenario {
        let mut s = Scenario::parse(
            r#"
[simulation]
name = "t"
duration = "3d"
[arrivals]
rate_per_hour = 10
[channels]
chat = 1.0
voice = 0.0
[[intents]]
name = "a"
share = 0.5
ai_resolve_probability = 0.3
handle_time = { dist = "exponential", mean = "5m" }
skill = "s"
[[intents]]
name = "b"
share = 0.5
ai_resolve_probability = 0.9
handle_time = { dist = "exponential", mean = "5m" }
skill = "s"
[triggers]
confidence_threshold = 0.5
[[agents]]
name = "p"
count = 2
skills = ["s"]
"#,
            std::path::Path::new("t.toml"),
        )
        .expect("valid");
        s.learning = Some(learning);
        s
    }

    fn learning(nudge: Option<Nudge>) -> Learning {
        Learning {
            rate_per_day: 0.5,
            ceiling: 0.7,
            full_step_escalations: 10,
            nudge,
        }
    }

    #[test]
    fn a_full_day_closes_the_rate_of_the_gap_and_a_thin_day_a_part_of_it() {
        let mut l = Learner::new(&scenario(learning(None))).unwrap();
        for _ in 0..12 {
            l.handed_off(0, true, true);
        }
        l.handed_off(0, false, true);
        l.end_day();
        // 0.3 + 0.5 × (0.7 − 0.3) = 0.5; intent b is above the ceiling.
        assert!((l.resolve_probability(0) - 0.5).abs() < 1e-12);
        assert_eq!(l.resolve_probability(1), 0.9);
        for _ in 0..5 {
            l.handed_off(0, true, false);
        }
        l.end_day();
        // Half the examples: a quarter of the gap, 0.5 + 0.25 × 0.2.
        assert!((l.resolve_probability(0) - 0.55).abs() < 1e-12);
        // A day without examples learns nothing.
        l.end_day();
        assert!((l.resolve_probability(0) - 0.55).abs() < 1e-12);
        let summary = l.finish(&scenario(learning(None)));
        assert_eq!(summary.intents, vec!["a", "b"]);
        let days = summary.days;
        assert_eq!(days.len(), 4);
        assert_eq!(days[0].needed_escalations, vec![12, 0]);
        assert_eq!(days[0].resolve_probability, vec![0.3, 0.9]);
        assert_eq!(days[0].trigger_precision.n, 13);
        assert!((days[0].trigger_precision.value - 12.0 / 13.0).abs() < 1e-12);
        assert_eq!(
            days[1].trigger_precision.n, 0,
            "fallback handoffs are not verdicts"
        );
        assert_eq!(days[3].day, 3);
    }

    #[test]
    fn the_resolve_probability_levels_off_at_the_ceiling_and_never_passes_it() {
        let mut l = Learner::new(&scenario(learning(None))).unwrap();
        let mut last = l.resolve_probability(0);
        for _ in 0..40 {
            for _ in 0..10 {
                l.handed_off(0, true, true);
            }
            l.end_day();
            let p = l.resolve_probability(0);
            assert!(p > last && p <= 0.7, "{last} → {p}");
            last = p;
        }
        // 0.7 − 0.4 × 0.5^40
        assert!((last - 0.7).abs() < 1e-9);
    }

    #[test]
    fn the_nudge_raises_the_threshold_above_target_precision_and_lowers_it_below() {
        let nudge = Some(Nudge {
            target_precision: 0.8,
            gain: 0.5,
        });
        let mut l = Learner::new(&scenario(learning(nudge))).unwrap();
        assert_eq!(l.confidence_threshold(), Some(0.5));
        // 9 of 10 needed: precision 0.9, θ + 0.5 × 0.1.
        for i in 0..10 {
            l.handed_off(0, i < 9, true);
        }
        assert_eq!(l.end_day(), Some(0.55));
        // 6 of 10: θ − 0.5 × 0.2.
        for i in 0..10 {
            l.handed_off(1, i < 6, true);
        }
        let theta = l.end_day().unwrap();
        assert!((theta - 0.45).abs() < 1e-12);
        // No trigger escalation: unchanged.
        assert_eq!(l.end_day(), Some(theta));
        // Without a nudge the threshold is not the learner's to move.
        let plain = Learner::new(&scenario(learning(None))).unwrap();
        assert_eq!(plain.confidence_threshold(), None);
    }

    #[test]
    fn no_learner_without_learning() {
        let mut s = scenario(learning(None));
        s.learning = None;
        assert!(Learner::new(&s).is_none());
    }
}
