//! `handoff-sim transcripts`: simulated conversations in the replay format,
//! and the round trip — replaying a generated file with the same scenario
//! gives the escalation decision the simulation made, at the same turn.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use handoff_sim::replay::{self, Truth};
use handoff_sim::sim::transcript::BotEnd;
use handoff_sim::transcripts;
use handoff_sim::triggers::TriggerEngine;

#[test]
fn replaying_generated_conversations_gives_the_simulations_decisions() {
    let scenario = common::bundled("basic.toml");
    let generated = transcripts::generate(&scenario, 1200, 0).unwrap();
    assert_eq!(generated.len(), 1200);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("generated.jsonl");
    transcripts::write_file(&path, &scenario, &generated).unwrap();

    let engine = TriggerEngine::new(scenario.triggers.clone());
    let report = replay::replay_file(&engine, &path).unwrap();
    assert_eq!(report.verdicts.len(), generated.len());
    for (simulated, replayed) in generated.iter().zip(&report.verdicts) {
        let replayed_decision = replayed
            .escalation
            .as_ref()
            .map(|(turn, reasons)| (*turn, reasons[0].kind));
        assert_eq!(
            replayed_decision,
            simulated.escalated_at(),
            "conversation {}: {:?}",
            replayed.id,
            simulated
        );
        assert_eq!(replayed.turns as usize, simulated.turns.len());
        assert_eq!(replayed.matches_simulation, Some(true));
        // The label is the simulation's ground truth.
        let needed = matches!(
            replayed.truth,
            Some(Truth::Needed { .. } | Truth::Missed | Truth::Premature { .. })
        );
        assert_eq!(needed, simulated.needs_human);
    }
    assert_eq!(report.simulation_agreement(), Some((1200, 1200)));
    assert_eq!(
        report.premature(),
        0,
        "a human is needed from turn 1 or never"
    );

    // The check is not vacuous: many rules, later turns and repeat contacts.
    let rules: BTreeSet<_> = generated
        .iter()
        .filter_map(|t| t.escalated_at().map(|(_, kind)| kind.name()))
        .collect();
    assert!(rules.len() >= 5, "{rules:?}");
    let late = generated
        .iter()
        .filter(|t| t.escalated_at().is_some_and(|(turn, _)| turn >= 2))
        .count();
    assert!(late > 200, "{late} escalations after turn 1");
    let ends: BTreeSet<_> = generated.iter().map(|t| t.end.name()).collect();
    assert!(ends.contains(BotEnd::ResolvedByAi.name()) && ends.contains("escalated"));
    let repeats = generated.iter().filter(|t| t.contact > 1).count();
    assert!(repeats > 20, "{repeats} repeat contacts");
}

#[test]
fn generation_is_deterministic_and_in_arrival_order() {
    let scenario = common::bundled("basic.toml");
    let a = transcripts::generate(&scenario, 300, 0).unwrap();
    let b = transcripts::generate(&scenario, 300, 0).unwrap();
    assert_eq!(a, b);
    assert!(a.windows(2).all(|w| w[0].arrived_at <= w[1].arrived_at));
    let other = transcripts::generate(&scenario, 300, 1).unwrap();
    assert_ne!(a, other);
}

#[test]
fn cli_writes_the_file_and_replay_reports_agreement() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.jsonl");
    let bin = env!("CARGO_BIN_EXE_handoff-sim");
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/basic.toml");
    let status = Command::new(bin)
        .args(["transcripts", scenario.to_str().unwrap(), "--out"])
        .arg(&out)
        .args(["--conversations", "150"])
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let stdout = String::from_utf8_lossy(&status.stdout);
    assert!(stdout.starts_with("150 conversations ("), "{stdout}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().filter(|l| l.starts_with('{')).count(), 150);
    let replayed = Command::new(bin)
        .args(["replay"])
        .arg(&out)
        .args(["--scenario", scenario.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(replayed.status.success());
    let stdout = String::from_utf8_lossy(&replayed.stdout);
    assert!(
        stdout.contains("by its rule, in 150 of 150 generated conversations"),
        "{stdout}"
    );
}

#[test]
fn a_scenario_without_the_bot_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.jsonl");
    let bin = env!("CARGO_BIN_EXE_handoff-sim");
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/erlang_c.toml");
    let output = Command::new(bin)
        .args(["transcripts", scenario.to_str().unwrap(), "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bot switched off"), "{stderr}");
    assert!(!out.exists());
}
