//! A customer-satisfaction (CSAT) model: the score, 1 to 5, a customer
//! would give at the end of a conversation.
//!
//! A modelling assumption, stated so it can be argued with: start from the
//! outcome (resolved 4.6, handled but unresolved 2.2, gave up on the bot 1.6,
//! abandoned the queue 1.2), then subtract up to 1 for frustration built up
//! with the bot, up to 1.5 for waiting (one point per five minutes), and up
//! to 1 for having to repeat what the bot was already told (the missing share
//! of the context package). Clamped to [1, 5]. Deterministic, so the CSAT
//! delta between escalated and automated conversations reflects the handoff,
//! not noise.

use super::{ConversationRecord, Outcome};

/// The score of one ended conversation, 1 … 5.
pub fn csat(record: &ConversationRecord) -> f64 {
    let base = match record.outcome {
        Outcome::ResolvedByAi | Outcome::ResolvedByHuman => 4.6,
        Outcome::Unresolved => 2.2,
        Outcome::AbandonedInBot => 1.6,
        Outcome::AbandonedInQueue => 1.2,
        // Told to come back later: better than waiting in vain.
        Outcome::Closed => 1.5,
        // Cut off mid-transfer (assumed: as bad as giving up in the queue).
        Outcome::Dropped => 1.2,
        // Promised a call that never came (assumed: as bad as a drop).
        Outcome::CallbackMissed => 1.2,
    };
    let frustration = record.frustration.clamp(0.0, 1.0);
    let waiting = (record.queue_wait.unwrap_or(0.0) / 300.0).min(1.5);
    let repeating = record.context_completeness.map_or(0.0, |c| 1.0 - c);
    (base - frustration - waiting - repeating).clamp(1.0, 5.0)
}

/// Scores of 4 and 5 count as satisfied.
pub fn satisfied(score: f64) -> bool {
    score >= 4.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use handoff_logic::Channel;

    fn record(outcome: Outcome) -> ConversationRecord {
        ConversationRecord {
            outcome,
            ..ConversationRecord::new(1, Channel::Chat, 0, 0.0)
        }
    }

    #[test]
    fn outcome_then_frustration_waiting_and_repetition() {
        assert_eq!(csat(&record(Outcome::ResolvedByAi)), 4.6);
        let mut r = record(Outcome::ResolvedByHuman);
        r.frustration = 0.4;
        r.queue_wait = Some(150.0);
        r.context_completeness = Some(0.5);
        assert!((csat(&r) - (4.6 - 0.4 - 0.5 - 0.5)).abs() < 1e-12);
        assert!(!satisfied(csat(&r)));
        let mut worst = record(Outcome::AbandonedInQueue);
        worst.frustration = 1.0;
        worst.queue_wait = Some(3600.0);
        assert_eq!(csat(&worst), 1.0);
    }
}
