//! `handoff-sim replay` on the bundled sample transcripts.

use std::process::Command;

fn replay(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_handoff-sim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("replay")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn replays_the_sample_and_reports_precision_and_recall() {
    let output = replay(&[
        "scenarios/transcripts/sample.jsonl",
        "--scenario",
        "scenarios/basic.toml",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    for needle in [
        "explicit-1: escalate at turn 2/2: explicit_request",
        "negated-1: stays with the bot (2 turns)  [correct stay]",
        "typo-1: escalate at turn 2/2: explicit_request",
        "low-confidence-1: escalate at turn 1/1: low_confidence (0.31)",
        "dispute-topic-1: escalate at turn 1/1: topic",
        "repeat-1: escalate at turn 1/1: repeat_contact",
        "repeat-old-1: stays with the bot",
        "needless-1: escalate at turn 1/2: low_confidence (0.38)  [NEEDLESS]",
        "unlabelled-1: stays with the bot (1 turns)\n",
        "premature-1: escalate at turn 1/2: explicit_request (1.00)  [PREMATURE, 2 turn(s) before a human was needed]",
        "15 conversations, 14 labelled: 8 needed, 1 premature, 1 needless, 1 missed escalations",
        "precision 80.0 % (n=10), recall 90.0 % (n=10), mean detection delay 0.50 turn(s)",
    ] {
        assert!(text.contains(needle), "`{needle}` missing from:\n{text}");
    }
}

#[test]
fn a_malformed_transcript_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.jsonl");
    std::fs::write(&file, "{\"id\":\"ok\",\"turns\":[]}\n{\"id\":\"x\",\"turns\":[{\"speaker\":\"robot\",\"text\":\"hi\"}]}\n").unwrap();
    let output = replay(&[file.to_str().unwrap(), "--scenario", "scenarios/basic.toml"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.jsonl:2"), "{stderr}");
    assert!(stderr.contains("robot"), "{stderr}");
}
