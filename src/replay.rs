//! Replaying recorded conversations through the trigger engine, so a team
//! can calibrate triggers on its own labelled logs.
//!
//! Input: JSON Lines, one conversation per line (format in
//! `scenarios/README.md`). A *turn* is a customer message and the bot reply
//! that follows it; the engine evaluates each turn with the message and the
//! reply's confidence and intent (a reply without confidence counts as fully
//! confident, so only the other rules can fire). A bot answer followed by
//! another customer message counts as a failed attempt. The first rule to
//! fire ends the replay of that conversation: that is where a live engine
//! would have handed over.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::triggers::{Observation, Reason, TriggerEngine, TurnSignals};

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    Customer,
    Ai,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedTurn {
    pub speaker: Speaker,
    pub text: String,
    #[serde(default)]
    pub confidence: Option<f64>,
    #[serde(default)]
    pub intent: Option<String>,
}

/// Whether, and from which turn, a human was really needed.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Label {
    pub needs_human: bool,
    /// 1-based turn from which a human was needed (default 1).
    #[serde(default)]
    pub from_turn: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedConversation {
    pub id: String,
    pub turns: Vec<RecordedTurn>,
    #[serde(default)]
    pub label: Option<Label>,
    /// Hours since this customer's previous contact, if any.
    #[serde(default)]
    pub previous_contact_hours: Option<f64>,
}

/// What the engine would have done with one conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub id: String,
    pub turns: u32,
    /// The turn at which it would have escalated, with every reason.
    pub escalation: Option<(u32, Vec<Reason>)>,
    /// The label's verdict, when labelled.
    pub truth: Option<Truth>,
}

/// A labelled conversation's outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Truth {
    /// Escalated at or after `from_turn`; delay in turns from `from_turn`.
    Needed {
        delay_turns: u32,
    },
    /// Escalated before `from_turn`: a human was needed, but not yet.
    Premature {
        early_turns: u32,
    },
    Needless,
    Missed,
    CorrectStay,
}

/// Replay of a whole file.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayReport {
    pub verdicts: Vec<Verdict>,
}

impl ReplayReport {
    fn count(&self, f: impl Fn(&Truth) -> bool) -> u64 {
        self.verdicts
            .iter()
            .filter(|v| v.truth.as_ref().is_some_and(&f))
            .count() as u64
    }

    pub fn labelled(&self) -> u64 {
        self.count(|_| true)
    }
    pub fn needed(&self) -> u64 {
        self.count(|t| matches!(t, Truth::Needed { .. }))
    }
    pub fn needless(&self) -> u64 {
        self.count(|t| *t == Truth::Needless)
    }
    pub fn missed(&self) -> u64 {
        self.count(|t| *t == Truth::Missed)
    }
    pub fn premature(&self) -> u64 {
        self.count(|t| matches!(t, Truth::Premature { .. }))
    }

    /// needed / all escalations (a premature one counts against precision:
    /// at that turn a human was not yet needed); `None` with no escalations.
    pub fn precision(&self) -> Option<f64> {
        let fired = self.needed() + self.premature() + self.needless();
        (fired > 0).then(|| self.needed() as f64 / fired as f64)
    }

    /// Escalated conversations (needed or premature) over those that needed
    /// a human; `None` with none needing one.
    pub fn recall(&self) -> Option<f64> {
        let caught = self.needed() + self.premature();
        let positives = caught + self.missed();
        (positives > 0).then(|| caught as f64 / positives as f64)
    }

    /// Mean detection delay in turns over needed escalations.
    pub fn mean_delay_turns(&self) -> Option<f64> {
        let delays: Vec<u32> = self
            .verdicts
            .iter()
            .filter_map(|v| match v.truth {
                Some(Truth::Needed { delay_turns }) => Some(delay_turns),
                _ => None,
            })
            .collect();
        (!delays.is_empty())
            .then(|| delays.iter().map(|d| f64::from(*d)).sum::<f64>() / delays.len() as f64)
    }
}

/// Replays one conversation.
pub fn replay_conversation(engine: &TriggerEngine, conversation: &RecordedConversation) -> Verdict {
    let mut history: Vec<TurnSignals> = Vec::new();
    let mut failed = 0u32;
    let mut escalation = None;
    let mut turn = 0u32;
    let turns = &conversation.turns;
    let mut i = 0;
    while i < turns.len() {
        if turns[i].speaker != Speaker::Customer {
            i += 1;
            continue;
        }
        turn += 1;
        let reply = turns.get(i + 1).filter(|t| t.speaker == Speaker::Ai);
        let observation = Observation {
            utterance: &turns[i].text,
            ai_confidence: reply.and_then(|r| r.confidence).unwrap_or(1.0),
            recognised_intent: reply.and_then(|r| r.intent.as_deref()),
            failed_attempts: failed,
            failed_in_a_row: failed,
            history: &history,
            previous_contact_age: conversation.previous_contact_hours.map(|h| h * 3600.0),
        };
        let decision = engine.evaluate(&observation);
        if decision.escalate() {
            escalation = Some((turn, decision.reasons));
            break;
        }
        history.push(decision.signals);
        // A bot answer followed by another customer message did not solve it.
        if reply.is_some()
            && turns[i + 2..]
                .iter()
                .any(|t| t.speaker == Speaker::Customer)
        {
            failed += 1;
        }
        i += if reply.is_some() { 2 } else { 1 };
    }
    let total_turns = turns
        .iter()
        .filter(|t| t.speaker == Speaker::Customer)
        .count() as u32;
    let truth = conversation
        .label
        .map(|label| match (&escalation, label.needs_human) {
            (Some((at, _)), true) => {
                let from = label.from_turn.unwrap_or(1);
                if *at >= from {
                    Truth::Needed {
                        delay_turns: at - from,
                    }
                } else {
                    Truth::Premature {
                        early_turns: from - at,
                    }
                }
            }
            (Some(_), false) => Truth::Needless,
            (None, true) => Truth::Missed,
            (None, false) => Truth::CorrectStay,
        });
    Verdict {
        id: conversation.id.clone(),
        turns: total_turns,
        escalation,
        truth,
    }
}

fn bad_line(file: &Path, line: usize, message: String) -> Error {
    Error::Input {
        file: PathBuf::from(file),
        line,
        message,
    }
}

/// Parses JSON Lines text (`file` names it in errors); blank lines and lines
/// starting with `#` are skipped.
pub fn parse(text: &str, file: &Path) -> Result<Vec<RecordedConversation>> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let conversation: RecordedConversation =
            serde_json::from_str(trimmed).map_err(|e| bad_line(file, n + 1, e.to_string()))?;
        if let Some(c) = conversation
            .turns
            .iter()
            .filter_map(|t| t.confidence)
            .find(|c| !(0.0..=1.0).contains(c))
        {
            return Err(bad_line(
                file,
                n + 1,
                format!("`confidence` must be in [0, 1], got {c}"),
            ));
        }
        if let Some(label) = conversation.label
            && label.from_turn == Some(0)
        {
            return Err(bad_line(
                file,
                n + 1,
                "`label.from_turn` counts from 1".into(),
            ));
        }
        out.push(conversation);
    }
    Ok(out)
}

/// Reads and replays a transcripts file.
pub fn replay_file(engine: &TriggerEngine, file: &Path) -> Result<ReplayReport> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| bad_line(file, 0, format!("cannot read: {e}")))?;
    let conversations = parse(&text, file)?;
    Ok(ReplayReport {
        verdicts: conversations
            .iter()
            .map(|c| replay_conversation(engine, c))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triggers::{TriggerConfig, TriggerKind};

    fn engine() -> TriggerEngine {
        TriggerEngine::new(TriggerConfig::basic(0.5, 3))
    }

    /// Parses one conversation written over several lines for readability.
    fn conversation(text: &str) -> RecordedConversation {
        parse(&text.replace('\n', ""), Path::new("t.jsonl"))
            .unwrap()
            .remove(0)
    }

    #[test]
    fn escalates_at_the_turn_where_a_rule_fires() {
        let c = conversation(
            r#"{"id":"a","label":{"needs_human":true},"turns":[
            {"speaker":"customer","text":"where is my refund"},
            {"speaker":"ai","text":"Refunds take 5 days.","confidence":0.8,"intent":"refund"},
            {"speaker":"customer","text":"I want to talk to an agent"},
            {"speaker":"ai","text":"Let me help.","confidence":0.9}]}"#,
        );
        let v = replay_conversation(&engine(), &c);
        let (turn, reasons) = v.escalation.unwrap();
        assert_eq!(turn, 2);
        assert_eq!(reasons[0].kind, TriggerKind::Explicit);
        assert_eq!(v.truth, Some(Truth::Needed { delay_turns: 1 }));
    }

    #[test]
    fn an_escalation_before_a_human_was_needed_is_premature() {
        let c = conversation(
            r#"{"id":"p","label":{"needs_human":true,"from_turn":3},"turns":[
            {"speaker":"customer","text":"agent"},
            {"speaker":"ai","text":"ok","confidence":0.9}]}"#,
        );
        let v = replay_conversation(&engine(), &c);
        assert_eq!(v.escalation.as_ref().unwrap().0, 1);
        assert_eq!(v.truth, Some(Truth::Premature { early_turns: 2 }));
    }

    #[test]
    fn counts_failed_attempts_from_the_log() {
        let turn = |text: &str| {
            format!(
                r#"{{"speaker":"customer","text":"{text}"}},{{"speaker":"ai","text":"try this","confidence":0.9}}"#
            )
        };
        let line = format!(
            r#"{{"id":"b","label":{{"needs_human":false}},"turns":[{},{},{},{}]}}"#,
            turn("hi"),
            turn("no"),
            turn("still no"),
            turn("nope")
        );
        let v = replay_conversation(&engine(), &conversation(&line));
        // Three rejected answers before turn 4: the failed-attempts rule fires.
        assert_eq!(v.escalation.as_ref().unwrap().0, 4);
        assert_eq!(v.truth, Some(Truth::Needless));
    }

    #[test]
    fn report_precision_and_recall() {
        let report = ReplayReport {
            verdicts: [
                Some(Truth::Needed { delay_turns: 0 }),
                Some(Truth::Needed { delay_turns: 2 }),
                Some(Truth::Needless),
                Some(Truth::Missed),
                Some(Truth::CorrectStay),
                None,
            ]
            .into_iter()
            .map(|truth| Verdict {
                id: "x".into(),
                turns: 1,
                escalation: None,
                truth,
            })
            .collect(),
        };
        assert_eq!(report.labelled(), 5);
        assert_eq!(report.precision(), Some(2.0 / 3.0));
        assert_eq!(report.recall(), Some(2.0 / 3.0));
        let with_premature = ReplayReport {
            verdicts: [
                Truth::Needed { delay_turns: 0 },
                Truth::Premature { early_turns: 1 },
                Truth::Missed,
            ]
            .into_iter()
            .map(|truth| Verdict {
                id: "y".into(),
                turns: 2,
                escalation: None,
                truth: Some(truth),
            })
            .collect(),
        };
        assert_eq!(with_premature.precision(), Some(0.5));
        assert_eq!(with_premature.recall(), Some(2.0 / 3.0));
        assert_eq!(report.mean_delay_turns(), Some(1.0));
    }

    #[test]
    fn bad_lines_name_the_line() {
        let err = parse(
            "\n{\"id\":\"a\",\"turns\":[]}\n{\"id\": 3}\n",
            Path::new("t.jsonl"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("t.jsonl:3"), "{err}");
        let err = parse(
            r#"{"id":"a","turns":[{"speaker":"ai","text":"x","confidence":1.5}]}"#,
            Path::new("t.jsonl"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("confidence"), "{err}");
    }
}
