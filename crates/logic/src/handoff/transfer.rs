//! Transfer policy: cold, warm, or priority-specialist.
//!
//! The intent-aware policy (DESIGN.md, "intent-aware transfer design"):
//! regulated or risky topics go priority-specialist (ahead in the queue,
//! warm); high emotion (sentiment below a threshold) or high complexity go
//! warm — the agent is briefed before engaging, and on voice the briefing is
//! a short live whisper; everything else goes cold.

use serde::Serialize;

use crate::channel::Channel;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferMode {
    Cold,
    Warm,
    PrioritySpecialist,
}

impl TransferMode {
    pub const ALL: [TransferMode; 3] = [
        TransferMode::Cold,
        TransferMode::Warm,
        TransferMode::PrioritySpecialist,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TransferMode::Cold => "cold",
            TransferMode::Warm => "warm",
            TransferMode::PrioritySpecialist => "priority_specialist",
        }
    }
}

/// Which rule picks the mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyRule {
    IntentAware,
    AlwaysCold,
    AlwaysWarm,
}

/// The configured policy (`[handoff]` in the scenario).
#[derive(Debug, Clone, PartialEq)]
pub struct TransferPolicy {
    pub rule: PolicyRule,
    /// Warm when the latest sentiment is below this.
    pub warm_sentiment_below: f64,
    /// Warm when the intent's complexity is above this.
    pub warm_complexity_above: f64,
    /// Seconds an agent spends reading the brief of a warm chat transfer.
    pub warm_briefing: f64,
    /// Seconds of the live whisper of a warm voice transfer.
    pub voice_whisper: f64,
}

/// What the policy looks at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TransferInputs {
    pub channel: Channel,
    /// Latest sentiment, −1 … 1 (0 when unknown).
    pub sentiment: f64,
    /// The intent's complexity, 0 … 1.
    pub complexity: f64,
    /// A regulated or risky topic.
    pub regulated: bool,
}

/// The decision: mode, queue priority, and the agent's briefing time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TransferPlan {
    pub mode: TransferMode,
    /// Higher is served first.
    pub priority: u8,
    /// Seconds the agent is briefed before engaging (0 for cold).
    pub briefing: f64,
}

impl TransferPlan {
    /// A contact that never talked to the bot: no transfer, no briefing.
    pub fn direct() -> TransferPlan {
        TransferPlan {
            mode: TransferMode::Cold,
            priority: 0,
            briefing: 0.0,
        }
    }
}

impl TransferPolicy {
    pub fn decide(&self, inputs: &TransferInputs) -> TransferPlan {
        let mode = match self.rule {
            PolicyRule::AlwaysCold => TransferMode::Cold,
            PolicyRule::AlwaysWarm => TransferMode::Warm,
            PolicyRule::IntentAware if inputs.regulated => TransferMode::PrioritySpecialist,
            PolicyRule::IntentAware
                if inputs.sentiment < self.warm_sentiment_below
                    || inputs.complexity > self.warm_complexity_above =>
            {
                TransferMode::Warm
            }
            PolicyRule::IntentAware => TransferMode::Cold,
        };
        let briefing = match (mode, inputs.channel) {
            (TransferMode::Cold, _) => 0.0,
            (_, Channel::Voice) => self.voice_whisper,
            (_, Channel::Chat) => self.warm_briefing,
        };
        TransferPlan {
            mode,
            priority: u8::from(mode == TransferMode::PrioritySpecialist),
            briefing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(rule: PolicyRule) -> TransferPolicy {
        TransferPolicy {
            rule,
            warm_sentiment_below: -0.3,
            warm_complexity_above: 0.6,
            warm_briefing: 30.0,
            voice_whisper: 15.0,
        }
    }

    fn inputs(
        sentiment: f64,
        complexity: f64,
        regulated: bool,
        channel: Channel,
    ) -> TransferInputs {
        TransferInputs {
            channel,
            sentiment,
            complexity,
            regulated,
        }
    }

    #[test]
    fn intent_aware_policy() {
        let p = policy(PolicyRule::IntentAware);
        let calm_simple = p.decide(&inputs(0.2, 0.3, false, Channel::Chat));
        assert_eq!(
            (calm_simple.mode, calm_simple.briefing),
            (TransferMode::Cold, 0.0)
        );
        let upset = p.decide(&inputs(-0.6, 0.3, false, Channel::Chat));
        assert_eq!((upset.mode, upset.briefing), (TransferMode::Warm, 30.0));
        let complex_voice = p.decide(&inputs(0.0, 0.8, false, Channel::Voice));
        assert_eq!(
            (complex_voice.mode, complex_voice.briefing),
            (TransferMode::Warm, 15.0)
        );
        let regulated = p.decide(&inputs(0.5, 0.1, true, Channel::Voice));
        assert_eq!(
            (regulated.mode, regulated.priority),
            (TransferMode::PrioritySpecialist, 1)
        );
    }

    #[test]
    fn fixed_policies_ignore_the_case() {
        let upset_regulated = inputs(-0.9, 0.9, true, Channel::Chat);
        assert_eq!(
            policy(PolicyRule::AlwaysCold).decide(&upset_regulated).mode,
            TransferMode::Cold
        );
        let warm = policy(PolicyRule::AlwaysWarm).decide(&upset_regulated);
        assert_eq!((warm.mode, warm.priority), (TransferMode::Warm, 0));
    }
}
