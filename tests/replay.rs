//! `handoff-sim replay` on the bundled sample transcripts, and every kind of
//! bad transcript file: each is exit code 2 with the file, line and field.

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
        "low-confidence-1: escalate at turn 1/1: negative_sentiment (-0.63), low_confidence (0.31)",
        "dispute-topic-1: escalate at turn 1/1: topic",
        "repeat-1: escalate at turn 1/1: repeat_contact",
        "repeat-old-1: stays with the bot",
        "needless-1: escalate at turn 1/2: low_confidence (0.38)  [NEEDLESS]",
        "unlabelled-1: stays with the bot (1 turns)\n",
        "premature-1: escalate at turn 1/2: explicit_request (1.00)  [PREMATURE, 1 turn(s) before a human was needed]",
        // Sarcasm: VADER read it as praise and missed it; the support
        // sentiment model catches it where a human was needed.
        "sarcasm-1: escalate at turn 2/3: negative_sentiment",
        "15 conversations, 14 labelled: 9 needed, 1 premature, 1 needless, 0 missed escalations",
        // The premature escalation counts against both: 9 / (9 + 1 + 1) and
        // 9 / (9 + 1 + 0).
        "precision 81.8 % (52.3–94.9, n=11), recall 90.0 % (59.6–98.2, n=10), F1 0.857; 95 % Wilson intervals",
        "premature 9.1 % of escalations, needless escalations 25.0 % of conversations that needed no human, mean detection delay 0.33 turn(s)",
        // The one definition, word for word the simulation's.
        handoff_sim::metrics::quality::DEFINITION,
    ] {
        assert!(text.contains(needle), "`{needle}` missing from:\n{text}");
    }
}

#[test]
fn one_rule_alone_shows_why_each_miss_was_missed() {
    let output = replay(&[
        "scenarios/transcripts/sample.jsonl",
        "--scenario",
        "scenarios/basic.toml",
        "--only",
        "sentiment_threshold",
    ]);
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8_lossy(&output.stdout);
    for needle in [
        // Alone, the sentiment rule catches the angry conversations…
        "angry-1: escalate at turn 2/2: negative_sentiment (-1.00)  [needed",
        "sarcasm-1: escalate at turn 2/3: negative_sentiment (-1.00)",
        // … and each miss says how near its sentiment came to the threshold.
        "explicit-1: stays with the bot (2 turns)  [MISSED]  nearest: sentiment_threshold 0.15 at turn 2 (fires ≤ -0.6000)",
        "dispute-topic-1: stays with the bot (1 turns)  [MISSED]  nearest: sentiment_threshold -0.44 at turn 1 (fires ≤ -0.6000)",
        // No other rule is on: the explicit request is not seen.
        "typo-1: stays with the bot (2 turns)  [MISSED]",
        "15 conversations, 14 labelled: 4 needed, 0 premature, 0 needless, 6 missed escalations",
        "precision 100.0 % (51.0–100.0, n=4), recall 40.0 % (16.8–68.7, n=10), F1 0.571",
    ] {
        assert!(text.contains(needle), "`{needle}` missing from:\n{text}");
    }
    let unknown = replay(&[
        "scenarios/transcripts/sample.jsonl",
        "--scenario",
        "scenarios/basic.toml",
        "--only",
        "sentiment",
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&unknown.stderr)
            .contains("unknown rule `sentiment`; --only takes one of:")
    );
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

/// Writes `text` as a transcripts file and replays it.
fn replay_text(name: &str, text: &str) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, text).unwrap();
    let output = replay(&[file.to_str().unwrap(), "--scenario", "scenarios/basic.toml"]);
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_file_without_conversations_is_bad_input() {
    for (name, text) in [
        ("empty.jsonl", ""),
        ("blank.jsonl", "\n  \n\n"),
        ("comments.jsonl", "# recorded 2026-03-01\n\n# nothing yet\n"),
    ] {
        let (code, stdout, stderr) = replay_text(name, text);
        assert_eq!(code, Some(2), "{name}: {stderr}");
        assert!(stdout.is_empty(), "{name}: {stdout}");
        assert!(
            stderr.starts_with("error: no conversations in "),
            "{stderr}"
        );
        assert!(stderr.trim_end().ends_with(name), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

#[test]
fn out_of_range_values_name_the_file_line_and_field() {
    let ok = r#"{"id":"ok","turns":[{"speaker":"customer","text":"hi"}]}"#;
    for (bad, expected) in [
        (
            r#"{"id":"neg","previous_contact_hours":-5,"turns":[{"speaker":"customer","text":"my internet is down"}]}"#,
            "bad.jsonl:3: `previous_contact_hours`: must be ≥ 0 hours since the previous contact, got -5",
        ),
        (
            r#"{"id":"conf","turns":[{"speaker":"customer","text":"hi"},{"speaker":"ai","text":"x","confidence":1.2}]}"#,
            "bad.jsonl:3: `turns[1].confidence`: must be in [0, 1], got 1.2",
        ),
        (
            r#"{"id":"conf","turns":[{"speaker":"customer","text":"hi"},{"speaker":"ai","text":"x","confidence":-0.5}]}"#,
            "bad.jsonl:3: `turns[1].confidence`: must be in [0, 1], got -0.5",
        ),
        (
            r#"{"id":"who","turns":[{"speaker":"customer","text":"hi"},{"speaker":"robot","text":"x"}]}"#,
            "bad.jsonl:3: `turns[1].speaker`: unknown variant `robot`, expected `customer` or `ai`",
        ),
        (
            r#"{"id":"late","label":{"needs_human":true,"from_turn":4},"turns":[{"speaker":"customer","text":"hi"},{"speaker":"ai","text":"x"},{"speaker":"customer","text":"agent"}]}"#,
            "bad.jsonl:3: `label.from_turn`: turn 4 is beyond the conversation, which has 2 customer turn(s)",
        ),
    ] {
        let (code, stdout, stderr) = replay_text("bad.jsonl", &format!("{ok}\n\n{bad}\n{ok}\n"));
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stdout.is_empty(),
            "nothing is replayed from a bad file: {stdout}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        let message = stderr.trim_end().trim_start_matches("error: ");
        let (path, rest) = message.split_at(message.find("bad.jsonl").unwrap());
        assert!(path.ends_with('/'), "{message}");
        assert!(
            rest.starts_with(expected),
            "`{expected}` expected, got:\n{message}"
        );
    }
}

#[test]
fn a_missing_file_is_bad_input_with_one_line() {
    let output = replay(&["no/such/file.jsonl", "--scenario", "scenarios/basic.toml"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: no/such/file.jsonl: cannot read: "),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
