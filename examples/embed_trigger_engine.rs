//! The trigger engine as a plain library, outside the simulation: build it
//! from a scenario's `[triggers]` (or by hand), feed it each customer
//! message with the bot's confidence and the conversation so far, and act on
//! its decision.
//!
//! `cargo run --release --example embed_trigger_engine`

use handoff_sim::triggers::{Observation, TriggerConfig, TriggerEngine, TurnSignals};

fn main() {
    // Explicit requests, and a confidence threshold of 0.5 with at most three
    // failed attempts; every other rule off.
    let engine = TriggerEngine::new(TriggerConfig::basic(0.5, 3));
    let conversation = [
        ("Where is my order 4411?", 0.82),
        ("That is not what I asked, the order from last week", 0.61),
        ("this is useless, get me a real person!", 0.44),
    ];
    let mut history: Vec<TurnSignals> = Vec::new();
    for (turn, (text, confidence)) in conversation.iter().enumerate() {
        let observation = Observation {
            failed_attempts: turn as u32,
            failed_in_a_row: turn as u32,
            history: &history,
            ..Observation::new(text, *confidence)
        };
        let decision = engine.evaluate(&observation);
        let reasons: Vec<&str> = decision.reasons.iter().map(|r| r.kind.name()).collect();
        println!(
            "turn {}: {:<55} → {}",
            turn + 1,
            format!("\"{text}\" ({confidence})"),
            if decision.escalate() {
                format!("hand over ({})", reasons.join(", "))
            } else {
                "the bot answers".into()
            }
        );
        if decision.escalate() {
            break;
        }
        history.push(decision.signals);
    }
}
