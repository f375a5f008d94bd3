//! Simulated conversations in the replay format (`handoff-sim transcripts`),
//! so a team can calibrate triggers on simulated data and hold the result
//! against its own logs.
//!
//! A transcript is the bot phase of one simulated conversation as the
//! simulation ran it: each customer message, the bot's reply with the
//! confidence and recognised intent it reported, the ground-truth label
//! (`needs_human`, with `from_turn` 1: in the model a human is needed from
//! the first message or not at all), the age of the previous contact for a
//! repeat contact (in hours; `age ≤ window` could differ from the
//! simulation's only for an age within a rounding error of the window), and what the simulation decided (`simulated`: the turn
//! and rule of a trigger escalation, or how the bot phase ended otherwise).
//!
//! The simulation records the turns ([`BotTranscript`], collected by the
//! customer actors when [`handoff_actors::RunOptions::transcripts`] is on); this
//! module turns them into [`RecordedConversation`]s and writes JSON Lines.
//! *Round trip:* replaying a generated file with the same scenario's
//! trigger configuration gives the same escalation decision at the same turn
//! (the engine is pure and sees what the file holds; floats are written
//! shortest-round-trip and read back exactly).

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use crate::replay::{Label, RecordedConversation, RecordedTurn, SimulatedDecision, Speaker};
use handoff_actors::RunOptions;
use handoff_actors::transcript::BotTranscript;
use handoff_model::arrivals::ArrivalProcess;
use handoff_model::customer::ConversationId;
use handoff_model::error::{Error, Result};
use handoff_model::scenario::Scenario;

/// The bot phase of a simulated conversation in the replay format.
pub fn to_recorded(transcript: &BotTranscript, scenario: &Scenario) -> RecordedConversation {
    let mut turns = Vec::with_capacity(2 * transcript.turns.len());
    for (i, turn) in transcript.turns.iter().enumerate() {
        let intent = &scenario.intents[turn.recognised_intent].name;
        turns.push(RecordedTurn {
            speaker: Speaker::Customer,
            text: turn.utterance.to_string(),
            confidence: None,
            intent: None,
        });
        turns.push(RecordedTurn {
            speaker: Speaker::Ai,
            text: bot_reply(intent, turn.correct, transcript.id, i),
            confidence: Some(turn.confidence),
            intent: Some(intent.clone()),
        });
    }
    let escalated = transcript.escalated_at();
    RecordedConversation {
        id: format!(
            "sim-r{}-{}-{}",
            transcript.replication, transcript.customer, transcript.contact
        ),
        turns,
        label: Some(Label {
            needs_human: transcript.needs_human,
            from_turn: Some(1),
        }),
        previous_contact_hours: transcript.previous_contact_age.map(|s| s / 3600.0),
        simulated: Some(SimulatedDecision {
            escalated_at_turn: escalated.map(|(turn, _)| turn),
            rule: escalated.map(|(_, kind)| kind.name().to_string()),
            end: transcript.end.name().to_string(),
        }),
    }
}

/// The bot's reply text: the trigger engine never reads it, so a few
/// templates per outcome are enough for a human reading the file.
fn bot_reply(intent: &str, correct: bool, id: ConversationId, turn: usize) -> String {
    const RIGHT: [&str; 3] = [
        "Here is how to sort out your {}: follow the steps in your account page.",
        "I have fixed the {} issue on your account.",
        "Your {} question: this is done now, nothing else is needed.",
    ];
    const WRONG: [&str; 3] = [
        "I think this is about {}. Have you tried the help centre article?",
        "For {}, please check the details in the app and try again.",
        "Let me help with {}. Could you describe the problem again?",
    ];
    let templates = if correct { &RIGHT } else { &WRONG };
    let pick = (id as usize).wrapping_add(turn) % templates.len();
    templates[pick].replace("{}", &intent.replace('_', " "))
}

/// How long a bot phase may last at most: conversations that arrived within
/// this of the end of a run are left out, so none is cut short (a quarter
/// of a run shorter than four hours).
const BOT_PHASE_MARGIN_S: f64 = 3600.0;

fn margin(duration: f64) -> f64 {
    BOT_PHASE_MARGIN_S.min(duration / 4.0)
}

/// The most replications [`generate`] runs before it gives up.
const MAX_RUNS: u64 = 1000;

/// Simulates until `conversations` conversations have finished their bot
/// phase and returns them in arrival order (replication by replication).
///
/// Each run lasts the scenario's duration, or less when fewer arrivals are
/// needed; conversations that arrived in the last hour of a run are left out,
/// so no bot phase is cut short by the end of the run. When one run does not
/// give enough, further replications (on their own streams) add more.
pub fn generate(
    scenario: &Scenario,
    conversations: usize,
    first_replication: u64,
) -> Result<Vec<BotTranscript>> {
    if scenario.ai.is_none() {
        return Err(Error::InvalidArgument {
            name: "scenario",
            message: format!(
                "`{}` has the bot switched off (no [ai] table): no conversation goes through the trigger engine, so there is nothing to write",
                scenario.name
            ),
        });
    }
    let mut run_scenario = scenario.clone();
    run_scenario.duration = run_length(scenario, conversations);
    let length = run_scenario.duration.as_secs_f64();
    let cut_off = length - margin(length);
    let mut out = Vec::with_capacity(conversations);
    for replication in first_replication..first_replication + MAX_RUNS {
        let options = RunOptions {
            replication,
            transcripts: true,
            ..RunOptions::default()
        };
        let mut run = handoff_actors::run_with(&run_scenario, &options)?.transcripts;
        run.retain(|t| t.arrived_at < cut_off);
        for t in &mut run {
            t.replication = replication;
        }
        run.sort_by(|a, b| a.arrived_at.total_cmp(&b.arrived_at).then(a.id.cmp(&b.id)));
        let wanted = conversations - out.len();
        out.extend(run.into_iter().take(wanted));
        if out.len() == conversations {
            return Ok(out);
        }
    }
    Err(Error::Runtime(format!(
        "{MAX_RUNS} runs of `{}` gave only {} conversations through the bot; ask for fewer",
        scenario.name,
        out.len()
    )))
}

/// A run long enough for 10 % more than `conversations` first contacts
/// (plus the margin), and no longer than the scenario.
fn run_length(scenario: &Scenario, conversations: usize) -> Duration {
    let process = ArrivalProcess::new(&scenario.arrivals);
    let wanted = conversations as f64 * 1.1 + 20.0;
    let full = scenario.duration.as_secs_f64();
    let enough = |t: f64| process.cumulative(t) >= wanted;
    let usable = full - margin(full);
    if !enough(usable) {
        return scenario.duration;
    }
    let (mut lo, mut hi) = (0.0, usable);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if enough(mid) { hi = mid } else { lo = mid }
    }
    // The margin of the shortened run: hi + margin(hi + m) ≤ hi + m.
    Duration::from_secs_f64((hi + BOT_PHASE_MARGIN_S.min(hi / 3.0)).ceil().min(full))
}

/// Writes the transcripts as JSON Lines, with a comment line that says what
/// the file is.
pub fn write_jsonl(
    out: &mut impl Write,
    scenario: &Scenario,
    transcripts: &[BotTranscript],
) -> std::io::Result<()> {
    writeln!(
        out,
        "# Simulated by handoff-sim from scenario `{}` (seed {}): {} conversations. Replay: handoff-sim replay FILE --scenario SCENARIO",
        scenario.name,
        scenario.seed,
        transcripts.len()
    )?;
    for transcript in transcripts {
        let line = serde_json::to_string(&to_recorded(transcript, scenario))
            .map_err(std::io::Error::other)?;
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// Generates and writes `path` (atomically: a temporary file renamed into
/// place, so a failed run leaves nothing behind).
pub fn write_file(path: &Path, scenario: &Scenario, transcripts: &[BotTranscript]) -> Result<()> {
    let mut bytes = Vec::new();
    write_jsonl(&mut bytes, scenario, transcripts).map_err(|source| Error::Output {
        path: path.to_path_buf(),
        source,
    })?;
    handoff_model::output::write_atomic(path, &bytes)
}
