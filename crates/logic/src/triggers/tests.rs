use super::*;
use proptest::prelude::*;

fn all_rules() -> TriggerConfig {
    TriggerConfig {
        explicit_request: true,
        confidence_threshold: Some(0.5),
        max_failed_attempts: Some(3),
        max_failed_in_a_row: Some(2),
        sentiment_threshold: Some(-0.6),
        sentiment_drop: Some(0.8),
        urgency: true,
        topics: vec![
            TopicRule {
                intent: "dispute".into(),
                action: TopicAction::Always,
            },
            TopicRule {
                intent: "billing".into(),
                action: TopicAction::ConfidenceBelow(0.7),
            },
        ],
        repeat_contact_window: Some(48.0 * 3600.0),
        circular_repeats: Some(3),
        score_sentiment: false,
        sentiment_model: SentimentModel::Support,
    }
}

fn only(config: TriggerConfig) -> TriggerEngine {
    TriggerEngine::new(config)
}

fn none() -> TriggerConfig {
    TriggerConfig::default()
}

fn calm(text: &str) -> Observation<'_> {
    Observation::new(text, 0.9)
}

#[test]
fn explicit_request_fires_and_negation_does_not() {
    let engine = only(TriggerConfig {
        explicit_request: true,
        ..none()
    });
    assert_eq!(
        engine
            .evaluate(&calm("Let me talk to an AGENT!!"))
            .primary(),
        Some(TriggerKind::Explicit)
    );
    assert!(
        !engine
            .evaluate(&calm("I don't need a human, where is my parcel?"))
            .escalate()
    );
    assert!(!engine.evaluate(&calm("no need for a human")).escalate());
    assert!(!engine.evaluate(&calm("where is my order?")).escalate());
}

#[test]
fn confidence_below_threshold_fires_and_equal_does_not() {
    let engine = only(TriggerConfig {
        confidence_threshold: Some(0.5),
        ..none()
    });
    assert_eq!(
        engine.evaluate(&Observation::new("hi", 0.49)).primary(),
        Some(TriggerKind::Confidence)
    );
    assert!(!engine.evaluate(&Observation::new("hi", 0.5)).escalate());
}

#[test]
fn a_moved_confidence_threshold_decides_from_then_on_and_an_off_rule_stays_off() {
    let mut engine = only(TriggerConfig {
        confidence_threshold: Some(0.5),
        ..none()
    });
    engine.set_confidence_threshold(0.3);
    assert_eq!(engine.confidence_threshold(), Some(0.3));
    assert!(!engine.evaluate(&Observation::new("hi", 0.4)).escalate());
    assert!(engine.evaluate(&Observation::new("hi", 0.29)).escalate());
    let mut off = only(none());
    off.set_confidence_threshold(0.9);
    assert_eq!(off.confidence_threshold(), None);
    assert!(!off.evaluate(&Observation::new("hi", 0.1)).escalate());
}

#[test]
fn failed_attempts_in_total_and_in_a_row() {
    let engine = only(TriggerConfig {
        max_failed_attempts: Some(3),
        max_failed_in_a_row: Some(2),
        ..none()
    });
    let with = |total, row| Observation {
        failed_attempts: total,
        failed_in_a_row: row,
        ..calm("hi")
    };
    assert!(!engine.evaluate(&with(1, 1)).escalate());
    assert_eq!(
        engine.evaluate(&with(2, 2)).primary(),
        Some(TriggerKind::FailedInARow)
    );
    let total = engine.evaluate(&with(3, 1));
    assert_eq!(total.primary(), Some(TriggerKind::FailedAttempts));
    assert_eq!(total.reasons[0].score, 3.0);
}

#[test]
fn negative_sentiment_with_capitals_and_exclamations() {
    let engine = only(TriggerConfig {
        sentiment_threshold: Some(-0.6),
        ..none()
    });
    let angry = engine.evaluate(&calm("This is TERRIBLE, the worst service ever!!!"));
    assert_eq!(angry.primary(), Some(TriggerKind::Sentiment));
    // Capitals and exclamation marks make the same words more negative.
    for model in [SentimentModel::Vader, SentimentModel::Support] {
        let plain = sentiment_of(model, "this is terrible");
        let shouted = sentiment_of(model, "this is TERRIBLE!!!");
        assert!(
            shouted < plain && plain < 0.0,
            "{model:?}: {shouted} {plain}"
        );
        // Negation flips: "not bad" is not negative.
        assert!(sentiment_of(model, "not bad at all") > 0.0, "{model:?}");
    }
    assert!(
        !engine
            .evaluate(&calm("Thanks, that helps a lot."))
            .escalate()
    );
}

#[test]
fn sarcasm_fools_vader_but_not_the_support_layer() {
    // Pinned behaviour: a lexicon scorer cannot see sarcasm; the support
    // layer reads the marker ("thanks for nothing").
    let text = "Great, just great. Thanks for nothing.";
    let score = sentiment_of(SentimentModel::Vader, text);
    assert!(score > 0.5, "{score}");
    let rules = TriggerConfig {
        sentiment_threshold: Some(-0.6),
        sentiment_drop: Some(0.8),
        ..none()
    };
    let vader = only(TriggerConfig {
        sentiment_model: SentimentModel::Vader,
        ..rules.clone()
    });
    assert!(!vader.evaluate(&calm(text)).escalate());
    let support = only(rules);
    assert_eq!(
        support.evaluate(&calm(text)).primary(),
        Some(TriggerKind::Sentiment)
    );
    // Praise of an answer with nothing to thank for can read as irony now
    // (a sentence in no labelled set); sincere thanks stays praise. Short
    // unmarked irony still reads as praise (a known limit).
    let ironic = "Oh fantastic, super useful answer.";
    assert!(sentiment_of(SentimentModel::Support, ironic) < -0.6);
    assert!(sentiment_of(SentimentModel::Support, "Thanks, that was super helpful!") > 0.5);
    assert!(sentiment_of(SentimentModel::Support, "Amazing, so helpful.") > 0.0);
}

#[test]
fn sentiment_trend_fires_on_a_fall_to_negative() {
    let engine = only(TriggerConfig {
        sentiment_drop: Some(0.8),
        ..none()
    });
    let history = [
        TurnSignals {
            sentiment: Some(0.6),
            ..TurnSignals::default()
        },
        TurnSignals {
            sentiment: Some(0.1),
            ..TurnSignals::default()
        },
    ];
    let text = "This is useless and annoying";
    assert!(sentiment_of(SentimentModel::Vader, text) < -0.2);
    let fell = engine.evaluate(&Observation {
        history: &history,
        ..calm(text)
    });
    assert_eq!(fell.primary(), Some(TriggerKind::SentimentTrend));
    // Without a better earlier message there is no fall.
    assert!(
        !engine
            .evaluate(&calm(text))
            .fired(TriggerKind::SentimentTrend)
    );
}

#[test]
fn urgency_words() {
    let engine = only(TriggerConfig {
        urgency: true,
        ..none()
    });
    assert_eq!(
        engine
            .evaluate(&calm("someone used my card, this is fraud"))
            .primary(),
        Some(TriggerKind::Urgency)
    );
    assert!(
        engine
            .evaluate(&calm("I need this fixed right now"))
            .escalate()
    );
    assert!(
        !engine
            .evaluate(&calm("no rush, whenever you can"))
            .escalate()
    );
}

#[test]
fn topic_rules_on_the_recognised_intent() {
    let engine = only(TriggerConfig {
        topics: all_rules().topics,
        ..none()
    });
    let with = |intent, confidence| Observation {
        recognised_intent: Some(intent),
        ..Observation::new("about my account", confidence)
    };
    assert_eq!(
        engine.evaluate(&with("dispute", 0.99)).primary(),
        Some(TriggerKind::Topic)
    );
    assert!(engine.evaluate(&with("billing", 0.65)).escalate());
    assert!(!engine.evaluate(&with("billing", 0.75)).escalate());
    assert!(!engine.evaluate(&with("order_status", 0.1)).escalate());
}

#[test]
fn repeat_contact_just_inside_and_just_outside_the_window() {
    let engine = only(TriggerConfig {
        repeat_contact_window: Some(48.0 * 3600.0),
        ..none()
    });
    let with = |age| Observation {
        previous_contact_age: age,
        ..calm("hello again")
    };
    assert!(
        engine
            .evaluate(&with(Some(48.0 * 3600.0 - 1.0)))
            .fired(TriggerKind::RepeatContact)
    );
    assert!(
        engine
            .evaluate(&with(Some(48.0 * 3600.0)))
            .fired(TriggerKind::RepeatContact)
    );
    assert!(!engine.evaluate(&with(Some(48.0 * 3600.0 + 1.0))).escalate());
    assert!(!engine.evaluate(&with(None)).escalate());
}

#[test]
fn circular_conversation_on_repeated_utterances_or_intent() {
    let engine = only(TriggerConfig {
        circular_repeats: Some(3),
        ..none()
    });
    let said = |text: &str| engine.evaluate(&calm(text)).signals;
    let history = [said("It still doesn't work."), said("it still DOESNT work")];
    let third = engine.evaluate(&Observation {
        history: &history,
        ..calm("It still doesn't work!")
    });
    assert_eq!(third.primary(), Some(TriggerKind::Circular));
    assert_eq!(third.reasons[0].score, 3.0);
    // Twice is not yet circular.
    let second = engine.evaluate(&Observation {
        history: &history[..1],
        ..calm("It still doesn't work!")
    });
    assert!(!second.escalate());
    // Different words, same recognised intent three times.
    let intent = |text: &'static str| Observation {
        recognised_intent: Some("billing"),
        ..calm(text)
    };
    let h = [
        engine.evaluate(&intent("my bill")).signals,
        engine.evaluate(&intent("the invoice")).signals,
    ];
    assert!(
        engine
            .evaluate(&Observation {
                history: &h,
                ..intent("charges on my statement")
            })
            .fired(TriggerKind::Circular)
    );
}

#[test]
fn every_reason_is_reported_in_order() {
    let engine = TriggerEngine::new(all_rules());
    let history = [TurnSignals {
        sentiment: Some(0.9),
        ..TurnSignals::default()
    }];
    let decision = engine.evaluate(&Observation {
        utterance: "URGENT: this is the WORST, get me a human NOW!!!",
        ai_confidence: 0.1,
        recognised_intent: Some("dispute"),
        failed_attempts: 4,
        failed_in_a_row: 4,
        history: &history,
        previous_contact_age: Some(3600.0),
    });
    let kinds: Vec<_> = decision.reasons.iter().map(|r| r.kind).collect();
    let mut sorted = kinds.clone();
    sorted.sort();
    assert_eq!(kinds, sorted);
    for kind in [
        TriggerKind::Explicit,
        TriggerKind::Topic,
        TriggerKind::Urgency,
        TriggerKind::RepeatContact,
        TriggerKind::Sentiment,
        TriggerKind::SentimentTrend,
        TriggerKind::Confidence,
        TriggerKind::FailedAttempts,
        TriggerKind::FailedInARow,
    ] {
        assert!(decision.fired(kind), "{kind:?} did not fire: {kinds:?}");
    }
}

#[test]
fn switched_off_rules_never_fire() {
    let engine = only(none());
    let decision = engine.evaluate(&Observation {
        utterance: "URGENT human please, this is awful",
        ai_confidence: 0.0,
        recognised_intent: Some("dispute"),
        failed_attempts: 50,
        failed_in_a_row: 50,
        history: &[],
        previous_contact_age: Some(1.0),
    });
    assert!(!decision.escalate());
}

#[test]
fn sentiment_is_scored_only_when_something_uses_it() {
    let off = only(none()).evaluate(&calm("This is terrible"));
    assert_eq!(off.signals.sentiment, None);
    let scored = only(TriggerConfig {
        score_sentiment: true,
        ..none()
    })
    .evaluate(&calm("This is terrible"));
    assert!(scored.signals.sentiment.unwrap() < -0.3);
    assert!(!scored.escalate(), "scoring alone fires no rule");
}

#[test]
fn categories_group_the_rules() {
    assert_eq!(TriggerKind::Explicit.category(), TriggerCategory::Explicit);
    assert_eq!(
        TriggerKind::FailedInARow.category(),
        TriggerCategory::Confidence
    );
    assert_eq!(
        TriggerKind::Circular.category(),
        TriggerCategory::Contextual
    );
}

fn any_history() -> impl Strategy<Value = Vec<TurnSignals>> {
    prop::collection::vec(
        (-1.0f64..=1.0, any::<u64>(), 0u64..3).prop_map(|(sentiment, fingerprint, intent)| {
            TurnSignals {
                sentiment: Some(sentiment),
                fingerprint,
                intent,
            }
        }),
        0..12,
    )
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_unicode(
        text in "\\PC{0,200}",
        confidence in 0.0f64..=1.0,
        history in any_history(),
        intent in prop::option::of("\\PC{0,20}"),
    ) {
        let engine = TriggerEngine::new(all_rules());
        let decision = engine.evaluate(&Observation {
            utterance: &text,
            ai_confidence: confidence,
            recognised_intent: intent.as_deref(),
            failed_attempts: 1,
            failed_in_a_row: 1,
            history: &history,
            previous_contact_age: None,
        });
        let score = decision.signals.sentiment.expect("sentiment rules are on");
        prop_assert!((-1.0..=1.0).contains(&score));
    }

    #[test]
    fn a_decision_is_a_pure_function_of_its_input(
        text in "\\PC{0,120}",
        confidence in 0.0f64..=1.0,
        failed in 0u32..6,
        history in any_history(),
        age in prop::option::of(0.0f64..400_000.0),
    ) {
        let observation = Observation {
            utterance: &text,
            ai_confidence: confidence,
            recognised_intent: Some("billing"),
            failed_attempts: failed,
            failed_in_a_row: failed,
            history: &history,
            previous_contact_age: age,
        };
        let a = TriggerEngine::new(all_rules()).evaluate(&observation);
        let b = TriggerEngine::new(all_rules()).evaluate(&observation);
        prop_assert_eq!(a, b);
    }

    /// Lowering the confidence threshold never produces more confidence
    /// escalations on the same conversation (equivalently: raising it never
    /// produces fewer).
    #[test]
    fn a_higher_threshold_never_escalates_less_on_confidence(
        confidences in prop::collection::vec(0.0f64..=1.0, 1..12),
        low in 0.0f64..=1.0,
        delta in 0.0f64..=1.0,
    ) {
        let high = (low + delta).min(1.0);
        let count = |threshold: f64| {
            let engine = TriggerEngine::new(TriggerConfig {
                confidence_threshold: Some(threshold),
                ..none()
            });
            confidences
                .iter()
                .filter(|c| engine.evaluate(&Observation::new("where is my order", **c)).fired(TriggerKind::Confidence))
                .count()
        };
        prop_assert!(count(low) <= count(high));
    }
}
