//! The AI agent's answer model: how long a turn takes, whether the answer is
//! right, and the confidence it reports.
//!
//! The confidence is a noisy signal of correctness: centred on
//! `confidence_when_right` or `confidence_when_wrong`, plus Gaussian noise,
//! clamped to [0, 1]. The further apart the centres and the smaller the
//! noise, the better calibrated the bot. Pure: the actor adds only timing.

use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};

use crate::customer::ConversationId;
use crate::rng::{Purpose, Streams};
use crate::scenario::AiAgent;

/// One bot answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AiAnswer {
    /// Seconds from the customer's message to the bot's reply.
    pub response_time: f64,
    /// Ground truth: did the answer solve the customer's problem?
    pub correct: bool,
    /// What the bot reports, in [0, 1].
    pub confidence: f64,
    /// The intent the bot recognised (index into the scenario's intents).
    pub recognised_intent: usize,
}

/// The bot's answer to turn `turn` of conversation `id`, whose real intent
/// is `intent` among `intents` intents.
pub fn answer(
    ai: &AiAgent,
    streams: &Streams,
    id: ConversationId,
    turn: u32,
    can_solve: bool,
    intent: usize,
    intents: usize,
) -> AiAnswer {
    let mut rng = streams.stream(Purpose::AiTurn, id, u64::from(turn));
    let response_time = ai.response_time.sample_secs(&mut rng);
    let success: f64 = rng.random();
    let noise: f64 = StandardNormal.sample(&mut rng);
    let misread = intents > 1 && rng.random::<f64>() < ai.intent_error_rate;
    // A misread picks one of the other intents uniformly.
    let recognised_intent = if misread {
        (intent + rng.random_range(1..intents)) % intents
    } else {
        intent
    };
    let correct = can_solve && success < ai.turn_success_probability;
    let centre = if correct {
        ai.confidence_when_right
    } else {
        ai.confidence_when_wrong
    };
    AiAnswer {
        response_time,
        correct,
        confidence: (centre + ai.confidence_noise * noise).clamp(0.0, 1.0),
        recognised_intent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Dist;

    fn bot(noise: f64) -> AiAgent {
        AiAgent {
            response_time: Dist::exponential(2.0),
            max_turns: 5,
            turn_success_probability: 0.7,
            confidence_when_right: 0.8,
            confidence_when_wrong: 0.4,
            confidence_noise: noise,
            intent_error_rate: 0.2,
            incidents: Vec::new(),
            incident_processes: Vec::new(),
        }
    }

    #[test]
    fn never_right_when_the_case_is_unsolvable() {
        let streams = Streams::new(3, 0);
        assert!((0..2000).all(|id| !answer(&bot(0.1), &streams, id, 1, false, 0, 3).correct));
    }

    #[test]
    fn success_rate_and_confidence_centres() {
        let streams = Streams::new(3, 0);
        let answers: Vec<_> = (0..20_000)
            .map(|id| answer(&bot(0.0), &streams, id, 1, true, 0, 3))
            .collect();
        let right = answers.iter().filter(|a| a.correct).count() as f64 / answers.len() as f64;
        assert!((right - 0.7).abs() < 0.015, "{right}");
        assert!(
            answers
                .iter()
                .all(|a| a.confidence == if a.correct { 0.8 } else { 0.4 })
        );
        let misread = answers.iter().filter(|a| a.recognised_intent != 0).count() as f64
            / answers.len() as f64;
        assert!((misread - 0.2).abs() < 0.015, "{misread}");
        assert!(answers.iter().all(|a| a.recognised_intent < 3));
        let noisy = answer(&bot(5.0), &streams, 1, 1, true, 0, 3);
        assert!((0.0..=1.0).contains(&noisy.confidence));
    }
}
