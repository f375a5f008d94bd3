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
//!
//! Against a label, an escalation at or after `from_turn` is *needed*, one
//! before it *premature* (a human was needed, but not yet), one of a
//! conversation that needed no human *needless*; no escalation of one that
//! needed a human is *missed*. A premature escalation is an error on both
//! sides: precision = needed / (needed + premature + needless), recall =
//! needed / (needed + premature + missed), and the premature rate is
//! premature / escalations. The simulation uses the same definition; there a
//! human is needed from the first message, so nothing is premature and the
//! formulas reduce to needed / (needed + needless) and needed / (needed +
//! missed).
//!
//! Every input is checked when read: a bad line is an error naming the file,
//! the line and the field; a file without a conversation is an error too.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use handoff_logic::triggers::{Decision, Observation, Reason, TriggerEngine, TurnSignals};
use handoff_model::error::{Error, Result};

use crate::rules::{Direction, Rule};
use crate::score::Score;
pub use crate::score::Truth;

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    Customer,
    Ai,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedTurn {
    pub speaker: Speaker,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
}

/// Whether, and from which turn, a human was really needed.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Label {
    pub needs_human: bool,
    /// 1-based turn from which a human was needed (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_turn: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedConversation {
    pub id: String,
    pub turns: Vec<RecordedTurn>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Label>,
    /// Hours since this customer's previous contact, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_contact_hours: Option<f64>,
    /// What the simulation did with this conversation, in files written by
    /// `handoff-sim transcripts` (replay ignores it; it is there to check
    /// the replay against, and to read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulated: Option<SimulatedDecision>,
}

/// How the simulation's bot phase of a generated conversation ended.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SimulatedDecision {
    /// The customer turn at which a trigger rule escalated, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalated_at_turn: Option<u32>,
    /// The rule reported for that escalation (`TriggerKind::name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// `escalated`, `resolved_by_ai`, `abandoned_in_bot` or `bot_fallback`
    /// (the bot ran out of turns and handed over).
    pub end: String,
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
    /// For a generated conversation: whether the replay escalated at the
    /// same turn, by the same rule, as the simulation did.
    pub matches_simulation: Option<bool>,
    /// When it stayed with the bot: for each thresholded rule that is on,
    /// the turn whose statistic came nearest to firing it (so a missed
    /// escalation shows why it was missed).
    pub nearest: Vec<NearMiss>,
}

/// The nearest a thresholded rule came to firing in a conversation that
/// stayed with the bot: its most extreme statistic (the lowest
/// confidence or sentiment, the highest count or fall) and the turn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearMiss {
    pub rule: Rule,
    pub turn: u32,
    pub statistic: f64,
    pub threshold: f64,
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

    /// Precision and recall with 95 % Wilson intervals, F1, the
    /// needless-escalation rate and the detection delay: the figures
    /// `calibrate` gives for one setting.
    pub fn score(&self) -> Score {
        Score::of(self.verdicts.iter().filter_map(|v| v.truth))
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

    /// Labelled conversations the engine escalated: needed + premature +
    /// needless.
    pub fn escalations(&self) -> u64 {
        self.needed() + self.premature() + self.needless()
    }

    /// Labelled conversations that needed a human: needed + premature +
    /// missed.
    pub fn needed_human(&self) -> u64 {
        self.needed() + self.premature() + self.missed()
    }

    /// needed / (needed + premature + needless): a premature escalation is a
    /// false positive (at that turn a human was not yet needed). `None` with
    /// no escalations.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.needed(), self.escalations())
    }

    /// needed / (needed + premature + missed): a premature escalation is not
    /// a catch either (it handed over before the need arose). `None` with no
    /// conversation that needed a human.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.needed(), self.needed_human())
    }

    /// premature / escalations; `None` with no escalations.
    pub fn premature_rate(&self) -> Option<f64> {
        ratio(self.premature(), self.escalations())
    }

    /// For generated files: conversations whose replay matches the
    /// simulation's decision (turn and rule), of those that carry one.
    pub fn simulation_agreement(&self) -> Option<(u64, u64)> {
        let checked: Vec<bool> = self
            .verdicts
            .iter()
            .filter_map(|v| v.matches_simulation)
            .collect();
        (!checked.is_empty()).then(|| {
            (
                checked.iter().filter(|m| **m).count() as u64,
                checked.len() as u64,
            )
        })
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

fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Walks a conversation turn by turn as a live engine would see it: for
/// each customer turn (1-based) the observation and the engine's decision.
/// `visit` returns whether to go on; the history grows with every turn
/// visited (a live engine stops at its first escalation; calibration walks
/// on to see every turn).
pub fn walk(
    engine: &TriggerEngine,
    conversation: &RecordedConversation,
    mut visit: impl FnMut(u32, &Observation<'_>, &Decision) -> bool,
) {
    let mut history: Vec<TurnSignals> = Vec::new();
    let mut failed = 0u32;
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
        if !visit(turn, &observation, &decision) {
            return;
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
}

/// The label's verdict on an escalation at `escalated_at` (or none).
pub fn judge(label: Label, escalated_at: Option<u32>) -> Truth {
    match (escalated_at, label.needs_human) {
        (Some(at), true) => {
            let from = label.from_turn.unwrap_or(1);
            if at >= from {
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
    }
}

/// Replays one conversation.
pub fn replay_conversation(engine: &TriggerEngine, conversation: &RecordedConversation) -> Verdict {
    let mut escalation = None;
    let config = engine.config();
    let watched: Vec<(Rule, f64)> = Rule::ALL
        .into_iter()
        .filter_map(|r| Some((r, r.setting(config)?)))
        .collect();
    let mut nearest: Vec<Option<NearMiss>> = vec![None; watched.len()];
    walk(engine, conversation, |turn, observation, decision| {
        if decision.escalate() {
            escalation = Some((turn, decision.reasons.clone()));
        }
        for ((rule, threshold), near) in watched.iter().zip(&mut nearest) {
            let Some(statistic) = rule.statistic(config, observation, &decision.signals) else {
                continue;
            };
            let nearer = near.is_none_or(|n| match rule.direction() {
                Direction::Below | Direction::AtOrBelow => statistic < n.statistic,
                Direction::AtOrAbove => statistic > n.statistic,
            });
            if nearer {
                *near = Some(NearMiss {
                    rule: *rule,
                    turn,
                    statistic,
                    threshold: *threshold,
                });
            }
        }
        escalation.is_none()
    });
    let nearest = if escalation.is_none() {
        nearest.into_iter().flatten().collect()
    } else {
        Vec::new()
    };
    let total_turns = customer_turns(conversation);
    let truth = conversation
        .label
        .map(|label| judge(label, escalation.as_ref().map(|(at, _)| *at)));
    let matches_simulation = conversation.simulated.as_ref().map(|simulated| {
        let replayed = escalation
            .as_ref()
            .map(|(turn, reasons)| (*turn, reasons[0].kind.name()));
        let recorded = simulated.escalated_at_turn.zip(simulated.rule.as_deref());
        replayed == recorded
    });
    Verdict {
        id: conversation.id.clone(),
        turns: total_turns,
        escalation,
        truth,
        matches_simulation,
        nearest,
    }
}

fn bad_line(file: &Path, line: usize, field: Option<String>, message: String) -> Error {
    Error::Input {
        file: PathBuf::from(file),
        line: Some(line),
        field,
        message,
    }
}

/// Parses JSON Lines text (`file` names it in errors); blank lines and lines
/// starting with `#` are skipped. Every line is checked: a bad one is
/// [`Error::Input`] with its line and the field at fault (JSON errors, a
/// confidence outside [0, 1], a negative `previous_contact_hours`, a
/// `label.from_turn` of 0 or beyond the customer turns); text without a
/// conversation is [`Error::NoConversations`].
pub fn parse(text: &str, file: &Path) -> Result<Vec<RecordedConversation>> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let conversation = parse_line(trimmed)
            .and_then(|c| check(&c).map(|()| c))
            .map_err(|(field, message)| bad_line(file, n + 1, field, message))?;
        out.push(conversation);
    }
    if out.is_empty() {
        return Err(Error::NoConversations {
            file: file.to_path_buf(),
        });
    }
    Ok(out)
}

/// A problem in one line: the field's path (`None` for the line as a whole)
/// and what is wrong.
type LineError = (Option<String>, String);

/// One JSON object, with the path of the field at fault on error.
fn parse_line(line: &str) -> std::result::Result<RecordedConversation, LineError> {
    let mut deserializer = serde_json::Deserializer::from_str(line);
    let conversation: RecordedConversation = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| {
            let field = Some(e.path().to_string()).filter(|p| p != ".");
            (field, json_message(e.inner()))
        })?;
    deserializer.end().map_err(|e| (None, json_message(&e)))?;
    Ok(conversation)
}

/// serde_json's message with the position as a column of the line (its own
/// "line 1" would contradict the file's line number in front of it).
fn json_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let message = text
        .rfind(" at line ")
        .map_or(text.as_str(), |at| &text[..at]);
    format!("{message} (column {})", error.column())
}

/// The checks serde cannot make: values in range, and a label that fits the
/// conversation.
fn check(conversation: &RecordedConversation) -> std::result::Result<(), LineError> {
    for (i, turn) in conversation.turns.iter().enumerate() {
        if let Some(c) = turn.confidence
            && !(0.0..=1.0).contains(&c)
        {
            return Err((
                Some(format!("turns[{i}].confidence")),
                format!("must be in [0, 1], got {c}"),
            ));
        }
    }
    if let Some(hours) = conversation.previous_contact_hours
        && hours < 0.0
    {
        return Err((
            Some("previous_contact_hours".into()),
            format!("must be ≥ 0 hours since the previous contact, got {hours}"),
        ));
    }
    if let Some(from_turn) = conversation.label.and_then(|l| l.from_turn) {
        let customer_turns = customer_turns(conversation);
        if from_turn == 0 {
            return Err((
                Some("label.from_turn".into()),
                "turns count from 1, got 0".into(),
            ));
        }
        if from_turn > customer_turns {
            return Err((
                Some("label.from_turn".into()),
                format!(
                    "turn {from_turn} is beyond the conversation, which has {customer_turns} customer turn(s)"
                ),
            ));
        }
    }
    Ok(())
}

fn customer_turns(conversation: &RecordedConversation) -> u32 {
    conversation
        .turns
        .iter()
        .filter(|t| t.speaker == Speaker::Customer)
        .count() as u32
}

/// Reads and replays a transcripts file.
pub fn replay_file(engine: &TriggerEngine, file: &Path) -> Result<ReplayReport> {
    let conversations = read_file(file)?;
    Ok(ReplayReport {
        verdicts: conversations
            .iter()
            .map(|c| replay_conversation(engine, c))
            .collect(),
    })
}

/// Reads and checks a transcripts file ([`parse`]).
pub fn read_file(file: &Path) -> Result<Vec<RecordedConversation>> {
    let text = std::fs::read_to_string(file).map_err(|e| Error::Input {
        file: file.to_path_buf(),
        line: None,
        field: None,
        message: format!("cannot read: {e}"),
    })?;
    parse(&text, file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use handoff_logic::triggers::{TriggerConfig, TriggerKind};

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
            {"speaker":"ai","text":"ok","confidence":0.9},
            {"speaker":"customer","text":"my plan"},
            {"speaker":"customer","text":"it is broken"}]}"#,
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
                matches_simulation: None,
                nearest: Vec::new(),
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
                matches_simulation: None,
                nearest: Vec::new(),
            })
            .collect(),
        };
        // One definition with the simulation: a premature escalation is a
        // false positive for precision and not a catch for recall.
        assert_eq!(with_premature.escalations(), 2);
        assert_eq!(with_premature.needed_human(), 3);
        assert_eq!(with_premature.precision(), Some(0.5));
        assert_eq!(with_premature.recall(), Some(1.0 / 3.0));
        // The score `replay` prints is calibrate's, on the same counts.
        let score = with_premature.score();
        assert_eq!(score.precision.map(|i| (i.value, i.n)), Some((0.5, 2)));
        assert_eq!(score.recall.map(|i| (i.value, i.n)), Some((1.0 / 3.0, 3)));
        assert!((score.f1.unwrap() - 0.4).abs() < 1e-12);
        let r = score.recall.unwrap();
        assert!(r.low < r.value && r.value < r.high && r.low > 0.0 && r.high < 1.0);
        assert_eq!(with_premature.premature_rate(), Some(0.5));
        assert_eq!(report.premature_rate(), Some(0.0));
        assert_eq!(report.mean_delay_turns(), Some(1.0));
        // Without premature escalations the formulas are the simulation's:
        // needed / (needed + needless) and needed / (needed + missed).
        assert_eq!(
            report.precision(),
            Some(report.needed() as f64 / (report.needed() + report.needless()) as f64)
        );
        assert_eq!(
            report.recall(),
            Some(report.needed() as f64 / (report.needed() + report.missed()) as f64)
        );
        let empty = ReplayReport { verdicts: vec![] };
        assert_eq!(empty.precision(), None);
        assert_eq!(empty.recall(), None);
        assert_eq!(empty.premature_rate(), None);
    }

    /// The error for one bad line, as printed.
    fn line_error(text: &str) -> String {
        parse(text, Path::new("t.jsonl")).unwrap_err().to_string()
    }

    #[test]
    fn a_file_without_conversations_is_an_error() {
        for text in ["", "\n\n", "# only a comment\n\n   # another\n"] {
            let err = parse(text, Path::new("t.jsonl")).unwrap_err();
            assert!(err.is_bad_input());
            assert_eq!(err.to_string(), "no conversations in t.jsonl");
        }
    }

    #[test]
    fn out_of_range_values_name_line_and_field() {
        let ok = r#"{"id":"ok","turns":[{"speaker":"customer","text":"hi"}]}"#;
        for (line, expected) in [
            (
                r#"{"id":"a","turns":[{"speaker":"customer","text":"hi"},{"speaker":"ai","text":"x","confidence":1.5}]}"#,
                "t.jsonl:3: `turns[1].confidence`: must be in [0, 1], got 1.5",
            ),
            (
                r#"{"id":"a","turns":[{"speaker":"ai","text":"x","confidence":-0.1}]}"#,
                "t.jsonl:3: `turns[0].confidence`: must be in [0, 1], got -0.1",
            ),
            (
                r#"{"id":"a","previous_contact_hours":-2,"turns":[{"speaker":"customer","text":"hi"}]}"#,
                "t.jsonl:3: `previous_contact_hours`: must be ≥ 0 hours since the previous contact, got -2",
            ),
            (
                r#"{"id":"a","label":{"needs_human":true,"from_turn":3},"turns":[{"speaker":"customer","text":"hi"},{"speaker":"ai","text":"x"},{"speaker":"customer","text":"agent"}]}"#,
                "t.jsonl:3: `label.from_turn`: turn 3 is beyond the conversation, which has 2 customer turn(s)",
            ),
            (
                r#"{"id":"a","label":{"needs_human":true,"from_turn":0},"turns":[{"speaker":"customer","text":"hi"}]}"#,
                "t.jsonl:3: `label.from_turn`: turns count from 1, got 0",
            ),
        ] {
            assert_eq!(line_error(&format!("{ok}\n# comment\n{line}\n")), expected);
        }
    }

    #[test]
    fn schema_errors_name_line_and_field() {
        let err = line_error(
            r#"{"id":"a","turns":[{"speaker":"customer","text":"hi"},{"speaker":"robot","text":"x"}]}"#,
        );
        assert!(
            err.starts_with("t.jsonl:1: `turns[1].speaker`: unknown variant `robot`, expected `customer` or `ai`"),
            "{err}"
        );
        let err = line_error(r#"{"id":"a","turns":[],"labels":{}}"#);
        assert!(
            err.starts_with("t.jsonl:1: `labels`: unknown field `labels`"),
            "{err}"
        );
        let err = line_error(r#"{"id":"a","turns":[]} {"id":"b"}"#);
        assert!(err.starts_with("t.jsonl:1: trailing characters"), "{err}");
        let err = line_error(r#"{"id":"a","turns":[{"speaker":"customer"}]}"#);
        assert!(
            err.starts_with("t.jsonl:1: `turns[0]`: missing field `text`"),
            "{err}"
        );
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
