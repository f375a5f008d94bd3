use super::*;
use crate::triggers::text::{normalize, tokens};

fn support_score(text: &str) -> f64 {
    let normalized = normalize(text);
    score(SentimentModel::Support, text, &tokens(&normalized))
}

#[test]
fn support_complaints_vader_misses_score_frustrated() {
    for text in [
        "This is the third time I'm asking the same question.",
        "That doesn't answer my question.",
        "Why is this so hard?",
        "I'll switch to another provider.",
        "I've been on hold for over an hour.",
        "Great, just great. Thanks for nothing.",
        "It still doesn't work.",
        "This is not helpful.",
    ] {
        let v = vader(text);
        let s = support_score(text);
        assert!(s <= -0.6, "{text}: support {s:.2} (vader {v:.2})");
    }
}

#[test]
fn calm_and_positive_messages_stay_above_frustration() {
    for text in [
        "My package arrived damaged, can I get a replacement?",
        "My card was stolen, please block it right away.",
        "Thanks, that fixed it!",
        "THANK YOU so much!!",
        "Cancel my order please.",
    ] {
        let s = support_score(text);
        assert!(s > -0.4, "{text}: {s:.2}");
    }
}

#[test]
fn shouting_intensifies_only_negative_evidence() {
    let plain = support_score("this is terrible");
    let shouted = support_score("this is TERRIBLE!!!");
    assert!(shouted < plain);
    assert!(support_score("GREAT, THANK YOU!!") > 0.5);
}

#[test]
fn scores_stay_in_range() {
    for text in [
        "",
        "!!!",
        "WHY WHY WHY!!! again again again useless waste ffs",
        "ok",
    ] {
        let s = support_score(text);
        assert!((-1.0..=1.0).contains(&s), "{text}: {s}");
    }
}
