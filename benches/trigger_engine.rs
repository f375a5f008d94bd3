//! `cargo bench --bench trigger_engine`: one evaluation of the trigger
//! engine with every rule on, on realistic utterances with a 10-turn
//! history. Targets: under 2 µs for a typical message and under 3 µs for
//! the heaviest, on one core.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use handoff_sim::triggers::{
    Observation, SentimentModel, TopicAction, TopicRule, TriggerConfig, TriggerEngine, TurnSignals,
};

fn engine() -> TriggerEngine {
    TriggerEngine::new(TriggerConfig {
        explicit_request: true,
        confidence_threshold: Some(0.5),
        max_failed_attempts: Some(3),
        max_failed_in_a_row: Some(2),
        sentiment_threshold: Some(-0.6),
        sentiment_drop: Some(0.8),
        urgency: true,
        topics: vec![TopicRule {
            intent: "dispute".into(),
            action: TopicAction::ConfidenceBelow(0.7),
        }],
        repeat_contact_window: Some(48.0 * 3600.0),
        circular_repeats: Some(3),
        score_sentiment: false,
        sentiment_model: SentimentModel::Support,
    })
}

fn history(engine: &TriggerEngine) -> Vec<TurnSignals> {
    [
        "Hi, I have a question about my bill.",
        "I was charged twice for the same order.",
        "That's not what I asked.",
        "Could you check again?",
        "It still doesn't work.",
        "No, my question is about something else.",
        "This is not helpful.",
        "You're not understanding me.",
        "I already tried that, any other idea?",
        "It still doesn't work.",
    ]
    .iter()
    .map(|text| engine.evaluate(&Observation::new(text, 0.6)).signals)
    .collect()
}

fn bench(c: &mut Criterion) {
    let engine = engine();
    let history = history(&engine);
    let observation = Observation {
        utterance: "This is useless, I was charged TWICE and nobody helps me!!",
        ai_confidence: 0.55,
        recognised_intent: Some("billing"),
        failed_attempts: 2,
        failed_in_a_row: 1,
        history: &history,
        previous_contact_age: Some(30.0 * 3600.0),
    };
    assert!(engine.evaluate(&observation).escalate());
    c.bench_function(
        "evaluate: all rules, 10-turn history, angry 11-word message",
        |b| b.iter(|| engine.evaluate(black_box(&observation))),
    );
    // A message with a human target: the request parser does its whole
    // clause analysis (the heavy message has no target and stops early).
    let request = Observation {
        utterance: "Get me a real person NOW, I have asked three times already!!",
        ..observation
    };
    assert!(
        engine
            .evaluate(&request)
            .fired(handoff_sim::triggers::TriggerKind::Explicit)
    );
    c.bench_function(
        "evaluate: all rules, 10-turn history, angry request for a human",
        |b| b.iter(|| engine.evaluate(black_box(&request))),
    );
    let parse = handoff_sim::triggers::text::normalize(request.utterance);
    let tokens = handoff_sim::triggers::text::tokens(&parse);
    c.bench_function(
        "request detector alone (rules + learned layer), angry request",
        |b| b.iter(|| handoff_sim::triggers::request::asks_for_human(black_box(&tokens))),
    );
    c.bench_function("request rules alone, angry request", |b| {
        b.iter(|| handoff_sim::triggers::request::rule_asks(black_box(&tokens)))
    });
    // A long request in other words than "talk to a human" (a callback on
    // someone's behalf): the layer's whole work on 24 words.
    let callback = Observation {
        utterance: "I'm writing for my dad, he can't type well, could somebody from your billing team ring him back this afternoon about the double charge?",
        ..observation
    };
    assert!(
        engine
            .evaluate(&callback)
            .fired(handoff_sim::triggers::TriggerKind::Explicit)
    );
    c.bench_function(
        "evaluate: all rules, 10-turn history, 24-word callback on behalf",
        |b| b.iter(|| engine.evaluate(black_box(&callback))),
    );
    let typical = Observation {
        utterance: "I was charged twice for the same order last week.",
        ai_confidence: 0.62,
        recognised_intent: Some("billing"),
        failed_attempts: 1,
        failed_in_a_row: 1,
        history: &history,
        previous_contact_age: None,
    };
    c.bench_function(
        "evaluate: all rules, 10-turn history, typical 10-word message",
        |b| b.iter(|| engine.evaluate(black_box(&typical))),
    );
    let calm = Observation {
        utterance: "Where is my parcel? It was due yesterday.",
        ai_confidence: 0.8,
        recognised_intent: Some("order_status"),
        failed_attempts: 0,
        failed_in_a_row: 0,
        history: &history[..2],
        previous_contact_age: None,
    };
    c.bench_function("evaluate: calm first turns", |b| {
        b.iter(|| engine.evaluate(black_box(&calm)))
    });
    // The same heavy turn without the sentiment rules: the cost of VADER is
    // the difference.
    let no_sentiment = TriggerEngine::new(TriggerConfig {
        sentiment_threshold: None,
        sentiment_drop: None,
        ..engine.config().clone()
    });
    c.bench_function("evaluate: all rules but sentiment, 10-turn history", |b| {
        b.iter(|| no_sentiment.evaluate(black_box(&observation)))
    });
    c.bench_function("sentiment alone (VADER)", |b| {
        b.iter(|| handoff_sim::triggers::sentiment::vader(black_box(observation.utterance)))
    });
    c.bench_function("sentiment alone (support layer over VADER)", |b| {
        b.iter(|| {
            handoff_sim::triggers::sentiment_of(
                SentimentModel::Support,
                black_box(observation.utterance),
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
