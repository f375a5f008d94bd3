//! Customers as the model sees them: who arrives (channel, intent, hidden
//! ground truth, patience) and how they behave between bot turns.
//!
//! Pure functions of the scenario and the customer's own random streams, so a
//! customer is the same person in every variant of a scenario (common random
//! numbers). The customer actor calls these; it adds only timing.

use rand::RngExt;

use crate::rng::{Purpose, Streams};
use crate::routing::ConversationId;
use crate::scenario::{Channel, Scenario};

/// Everything drawn about a customer at arrival.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerProfile {
    pub id: ConversationId,
    pub channel: Channel,
    pub intent: usize,
    /// Ground truth, hidden from the trigger engine: can the AI really solve
    /// this instance?
    pub ai_can_solve: bool,
    /// Seconds this customer will wait for a human; `None` = forever.
    pub patience: Option<f64>,
}

impl CustomerProfile {
    /// Draws the customer with id `id` from its own stream.
    pub fn draw(scenario: &Scenario, streams: &Streams, id: ConversationId) -> CustomerProfile {
        let mut rng = streams.stream(Purpose::Customer, id, 0);
        let channel = if rng.random::<f64>() < scenario.chat_share {
            Channel::Chat
        } else {
            Channel::Voice
        };
        let u: f64 = rng.random();
        let mut acc = 0.0;
        let mut intent = scenario.intents.len() - 1;
        for (i, it) in scenario.intents.iter().enumerate() {
            acc += it.share;
            if u < acc {
                intent = i;
                break;
            }
        }
        let ai_can_solve = rng.random::<f64>() < scenario.intents[intent].ai_resolve_probability;
        // Drawn last, so switching patience on or off shifts no other draw.
        let patience_draw = scenario.customers.patience.map(|p| p.sample_secs(&mut rng));
        CustomerProfile {
            id,
            channel,
            intent,
            ai_can_solve,
            patience: patience_draw,
        }
    }
}

/// What the customer does after a bot answer that did not solve the problem.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NextStep {
    /// Leaves the bot, unresolved.
    GiveUp,
    /// Writes again after `think_time` seconds, saying `utterance`.
    Reply {
        think_time: f64,
        utterance: &'static str,
    },
}

/// Phrases a customer uses to ask for a human.
pub const ASK_FOR_HUMAN: [&str; 4] = [
    "Can I talk to a real person please?",
    "agent",
    "I want to speak to a human.",
    "Get me a representative!",
];

/// Phrases a customer uses to restate the problem.
pub const RESTATE: [&str; 4] = [
    "That's not what I asked.",
    "It still doesn't work.",
    "No, my problem is something else.",
    "I already tried that, any other idea?",
];

/// Opening messages.
pub const OPENING: [&str; 3] = [
    "Hi, I need help with my account.",
    "Hello, something is wrong with my order.",
    "I have a question about my bill.",
];

/// The customer's first message.
pub fn opening(streams: &Streams, id: ConversationId) -> &'static str {
    let mut rng = streams.stream(Purpose::CustomerTurn, id, 0);
    OPENING[rng.random_range(0..OPENING.len())]
}

/// The customer's reaction after failed turn `turn` (1-based).
pub fn after_failed_turn(
    scenario: &Scenario,
    streams: &Streams,
    id: ConversationId,
    turn: u32,
) -> NextStep {
    let mut rng = streams.stream(Purpose::CustomerTurn, id, u64::from(turn));
    let customers = &scenario.customers;
    let give_up = rng.random::<f64>() < customers.bot_give_up_probability;
    let ask_human = rng.random::<f64>() < customers.request_human_probability;
    let think_time = customers.think_time.sample_secs(&mut rng);
    let phrase: usize = rng.random_range(0..4);
    if give_up {
        NextStep::GiveUp
    } else if ask_human {
        NextStep::Reply {
            think_time,
            utterance: ASK_FOR_HUMAN[phrase],
        }
    } else {
        NextStep::Reply {
            think_time,
            utterance: RESTATE[phrase],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn scenario(extra: &str) -> Scenario {
        let text = format!(
            r#"
[simulation]
name = "c"
duration = "1h"
[arrivals]
rate_per_hour = 10
[channels]
chat = 0.25
voice = 0.75
[[intents]]
name = "a"
share = 0.2
ai_resolve_probability = 1.0
handle_time = {{ dist = "exponential", mean = "5m" }}
skill = "s"
[[intents]]
name = "b"
share = 0.8
handle_time = {{ dist = "exponential", mean = "5m" }}
skill = "s"
[[agents]]
name = "p"
count = {extra}
skills = ["s"]
"#
        );
        Scenario::parse(&text, Path::new("c.toml")).unwrap()
    }

    #[test]
    fn profiles_follow_the_shares() {
        let s = scenario("3");
        let streams = Streams::new(s.seed, 0);
        let n = 40_000;
        let profiles: Vec<_> = (0..n)
            .map(|id| CustomerProfile::draw(&s, &streams, id))
            .collect();
        let chat = profiles
            .iter()
            .filter(|p| p.channel == Channel::Chat)
            .count() as f64
            / n as f64;
        let intent_a = profiles.iter().filter(|p| p.intent == 0).count() as f64 / n as f64;
        // Binomial standard errors ≈ 0.0022 and 0.0020; allow 4.
        assert!((chat - 0.25).abs() < 0.009, "{chat}");
        assert!((intent_a - 0.2).abs() < 0.008, "{intent_a}");
        // Ground truth follows the intent: a is always solvable, b never.
        assert!(profiles.iter().all(|p| p.ai_can_solve == (p.intent == 0)));
    }

    #[test]
    fn a_customer_does_not_depend_on_staffing() {
        let (small, large) = (scenario("3"), scenario("300"));
        let streams = Streams::new(7, 0);
        for id in 0..100 {
            assert_eq!(
                CustomerProfile::draw(&small, &streams, id),
                CustomerProfile::draw(&large, &streams, id)
            );
            assert_eq!(
                after_failed_turn(&small, &streams, id, 2),
                after_failed_turn(&large, &streams, id, 2)
            );
        }
    }
}
