//! The context package handed to the agent, and its completeness score.
//!
//! Completeness is the fraction of the six fields an agent needs that are
//! present *and correct*: issue summary, identified intent (a wrongly
//! recognised intent is present but not correct), sentiment trajectory,
//! attempts already made, customer and account data, transcript reference.
//! In `transcript_only` mode (platforms that pass the raw log) only the
//! transcript is there, so completeness is 1/6.
//!
//! On voice the customer's words reach the package through a live
//! transcription ([`Transcription`]): the summary, the sentiment trajectory
//! and the transcript are built from it, so a transcription error can spoil
//! them (present but not right), and without a transcription only the
//! bot's own notes (the intent it recognised, the attempts it made) and the
//! account data pass on.

use serde::Serialize;

/// What the platform passes to the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContextMode {
    /// A structured package (summary, intent, sentiment, attempts, account).
    Structured,
    /// Only the raw transcript.
    TranscriptOnly,
}

/// What was known at the handoff.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextFacts<'a> {
    /// Customer messages the bot saw (0 for a direct transfer).
    pub bot_turns: u32,
    /// The intent the bot recognised last, if any.
    pub recognised_intent: Option<&'a str>,
    /// Whether that is the customer's real intent (ground truth).
    pub intent_correct: bool,
    /// Sentiment of each customer message, oldest first.
    pub sentiments: &'a [f64],
    /// Bot answers the customer rejected.
    pub failed_attempts: u32,
    /// The account lookup succeeded.
    pub account_found: bool,
    /// How the customer's words were recorded.
    pub transcription: Transcription,
}

/// How the customer's words were recorded, for the fields built from them
/// (summary, sentiment trajectory, transcript).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Transcription {
    /// Written (chat), or a transcript without errors that matter.
    #[default]
    Exact,
    /// A live voice transcription whose errors spoiled the marked fields.
    Live(Spoiled),
    /// No transcription: only the bot's own notes pass on.
    Missing,
}

/// The fields a live transcription's errors made wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Spoiled {
    pub summary: bool,
    pub sentiment: bool,
    pub transcript: bool,
}

/// The package an agent receives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContextPackage {
    pub summary: Option<String>,
    pub intent: Option<String>,
    /// False when the intent is present but wrong.
    pub intent_correct: bool,
    pub sentiment_trajectory: Vec<f64>,
    pub attempts: Option<u32>,
    pub account_data: bool,
    pub transcript: bool,
    /// Fields present but wrong because of transcription errors.
    pub spoiled: Spoiled,
}

/// The fields an agent needs.
const FIELDS: f64 = 6.0;

impl ContextPackage {
    /// Builds the package the platform would pass in `mode`.
    pub fn build(mode: ContextMode, facts: &ContextFacts<'_>) -> ContextPackage {
        let heard = facts.transcription != Transcription::Missing;
        let spoiled = match facts.transcription {
            Transcription::Live(spoiled) => spoiled,
            Transcription::Exact | Transcription::Missing => Spoiled::default(),
        };
        let transcript = facts.bot_turns > 0 && heard;
        if mode == ContextMode::TranscriptOnly {
            return ContextPackage {
                summary: None,
                intent: None,
                intent_correct: false,
                sentiment_trajectory: Vec::new(),
                attempts: None,
                account_data: false,
                transcript,
                spoiled: Spoiled {
                    transcript: spoiled.transcript,
                    ..Spoiled::default()
                },
            };
        }
        let summary = (facts.bot_turns > 0 && heard).then(|| {
            format!(
                "Customer wrote {} message(s) about {}; {} bot answer(s) rejected.",
                facts.bot_turns,
                facts.recognised_intent.unwrap_or("an unrecognised issue"),
                facts.failed_attempts
            )
        });
        ContextPackage {
            summary,
            intent: facts.recognised_intent.map(str::to_string),
            intent_correct: facts.recognised_intent.is_some() && facts.intent_correct,
            sentiment_trajectory: if heard {
                facts.sentiments.to_vec()
            } else {
                Vec::new()
            },
            attempts: (facts.bot_turns > 0).then_some(facts.failed_attempts),
            account_data: facts.account_found,
            transcript,
            spoiled,
        }
    }

    /// Fraction of the needed fields present and correct, 0 … 1.
    pub fn completeness(&self) -> f64 {
        let present = [
            self.summary.is_some() && !self.spoiled.summary,
            self.intent.is_some() && self.intent_correct,
            !self.sentiment_trajectory.is_empty() && !self.spoiled.sentiment,
            self.attempts.is_some(),
            self.account_data,
            self.transcript && !self.spoiled.transcript,
        ];
        present.iter().filter(|p| **p).count() as f64 / FIELDS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(intent_correct: bool, account_found: bool) -> ContextFacts<'static> {
        ContextFacts {
            bot_turns: 3,
            recognised_intent: Some("billing"),
            intent_correct,
            sentiments: &[0.1, -0.4, -0.7],
            failed_attempts: 2,
            account_found,
            transcription: Transcription::Exact,
        }
    }

    #[test]
    fn a_full_structured_package_is_complete() {
        let p = ContextPackage::build(ContextMode::Structured, &facts(true, true));
        assert_eq!(p.completeness(), 1.0);
        assert!(p.summary.as_deref().unwrap().contains("billing"));
        assert_eq!(p.attempts, Some(2));
    }

    #[test]
    fn a_wrong_intent_is_present_but_not_correct() {
        let p = ContextPackage::build(ContextMode::Structured, &facts(false, true));
        assert_eq!(p.intent.as_deref(), Some("billing"));
        assert!((p.completeness() - 5.0 / 6.0).abs() < 1e-12);
        let q = ContextPackage::build(ContextMode::Structured, &facts(false, false));
        assert!((q.completeness() - 4.0 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn transcript_only_passes_one_field_of_six() {
        let p = ContextPackage::build(ContextMode::TranscriptOnly, &facts(true, true));
        assert!((p.completeness() - 1.0 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn a_direct_transfer_has_only_account_data() {
        let direct = ContextFacts {
            bot_turns: 0,
            recognised_intent: None,
            intent_correct: false,
            sentiments: &[],
            failed_attempts: 0,
            account_found: true,
            transcription: Transcription::Exact,
        };
        let p = ContextPackage::build(ContextMode::Structured, &direct);
        assert!((p.completeness() - 1.0 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn a_live_transcription_spoils_what_it_got_wrong_and_none_leaves_the_bots_notes() {
        let live = |spoiled| ContextFacts {
            transcription: Transcription::Live(spoiled),
            ..facts(true, true)
        };
        let clean = ContextPackage::build(ContextMode::Structured, &live(Spoiled::default()));
        assert_eq!(clean.completeness(), 1.0);
        let garbled = Spoiled {
            summary: true,
            sentiment: true,
            transcript: false,
        };
        let p = ContextPackage::build(ContextMode::Structured, &live(garbled));
        // Present, but two of six wrong.
        assert!(p.summary.is_some());
        assert!((p.completeness() - 4.0 / 6.0).abs() < 1e-12);
        let none = ContextFacts {
            transcription: Transcription::Missing,
            ..facts(true, true)
        };
        let q = ContextPackage::build(ContextMode::Structured, &none);
        // Intent, attempts and account data: the bot's own notes.
        assert_eq!((q.summary.is_none(), q.transcript), (true, false));
        assert!((q.completeness() - 3.0 / 6.0).abs() < 1e-12);
        let only = ContextPackage::build(ContextMode::TranscriptOnly, &none);
        assert_eq!(only.completeness(), 0.0);
    }
}
