//! `handoff-sim calibrate`: the sweep agrees with full replays, the
//! recommended threshold meets its target on the data it was chosen on,
//! recall moves monotonically with the confidence threshold, and bad input
//! is refused (exit 2, a message that names the problem, nothing written).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use handoff_sim::calibrate::{self, Counts, Rule, Target};
use handoff_sim::replay::{self, RecordedConversation, Truth};
use handoff_sim::transcripts;
use handoff_sim::triggers::TriggerEngine;

fn generated(n: usize) -> (handoff_sim::Scenario, Vec<RecordedConversation>) {
    let scenario = common::bundled("basic.toml");
    let conversations = transcripts::generate(&scenario, n, 0)
        .unwrap()
        .iter()
        .map(|t| handoff_sim::transcripts::to_recorded(t, &scenario))
        .collect();
    (scenario, conversations)
}

fn sample() -> Vec<RecordedConversation> {
    replay::read_file(&manifest("scenarios/transcripts/sample.jsonl")).unwrap()
}

fn manifest(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The verdict counts of a full replay with `rule` at `threshold`.
fn replayed(
    config: &handoff_sim::triggers::TriggerConfig,
    rule: Rule,
    threshold: f64,
    conversations: &[RecordedConversation],
) -> Counts {
    let engine = TriggerEngine::new(rule.with(config, Some(threshold)));
    let mut counts = Counts::default();
    for c in conversations.iter().filter(|c| c.label.is_some()) {
        match replay::replay_conversation(&engine, c).truth.unwrap() {
            Truth::Needed { .. } => counts.needed += 1,
            Truth::Premature { .. } => counts.premature += 1,
            Truth::Needless => counts.needless += 1,
            Truth::Missed => counts.missed += 1,
            Truth::CorrectStay => counts.correct_stay += 1,
        }
    }
    counts
}

#[test]
fn every_swept_threshold_gives_what_a_replay_with_it_gives() {
    let (scenario, conversations) = generated(400);
    let basic = scenario.triggers.clone();
    let mut checked = 0;
    for (conversations, label) in [(conversations, "generated"), (sample(), "sample")] {
        let calibration = calibrate::calibrate(
            &conversations,
            Path::new(label),
            &basic,
            &Rule::ALL
                .into_iter()
                .filter(|r| r.setting(&basic).is_some())
                .collect::<Vec<_>>(),
            Target::Precision(0.5),
        )
        .unwrap();
        assert!(calibration.sweeps.len() >= 6);
        for sweep in &calibration.sweeps {
            // Every fourth threshold and both ends.
            let n = sweep.points.len();
            for (k, point) in sweep.points.iter().enumerate() {
                if k % 4 != 0 && k != n - 1 {
                    continue;
                }
                let expected = replayed(&basic, sweep.rule, point.threshold, &conversations);
                assert_eq!(
                    point.counts,
                    expected,
                    "{label}: {} at {}",
                    sweep.rule.name(),
                    point.threshold
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 60, "{checked}");
}

#[test]
fn recall_rises_with_the_confidence_threshold_and_the_pick_meets_its_target() {
    let (scenario, conversations) = generated(2000);
    // The confidence rule alone (with the explicit rule), so the sweep
    // spans the whole curve.
    let mut config = handoff_sim::triggers::TriggerConfig::basic(0.4, 0);
    config.max_failed_attempts = None;
    let _ = scenario;
    for target in [Target::Recall(0.8), Target::Precision(0.6)] {
        let calibration = calibrate::calibrate(
            &conversations,
            Path::new("generated"),
            &config,
            &[Rule::ConfidenceThreshold],
            target,
        )
        .unwrap();
        let sweep = &calibration.sweeps[0];
        assert!(sweep.points.len() >= 60, "{}", sweep.points.len());
        // Recall never falls as the threshold rises (every label has
        // from_turn = 1, so an earlier escalation is never premature).
        let recalls: Vec<f64> = sweep
            .points
            .iter()
            .map(|p| p.recall.unwrap().value)
            .collect();
        assert!(
            recalls.windows(2).all(|w| w[1] >= w[0]),
            "recall not monotone: {recalls:?}"
        );
        assert!(recalls[0] < 0.5 && *recalls.last().unwrap() > 0.99);
        // The recommended point meets the target on this data.
        let op = sweep.recommended.as_ref().expect("the target is reachable");
        match target {
            Target::Recall(r) => {
                assert!(op.point.recall.unwrap().value >= r);
                // … and no other point meeting it has a better precision.
                let best = sweep
                    .points
                    .iter()
                    .filter(|p| p.recall.unwrap().value >= r)
                    .map(|p| p.precision.unwrap().value)
                    .fold(0.0, f64::max);
                assert_eq!(op.point.precision.unwrap().value, best);
            }
            Target::Precision(p) => assert!(op.point.precision.unwrap().value >= p),
        }
        // The conservative pick meets it at the lower bound.
        if let Some(c) = &sweep.conservative {
            let i = match target {
                Target::Recall(_) => c.point.recall.unwrap(),
                Target::Precision(_) => c.point.precision.unwrap(),
            };
            let level = match target {
                Target::Recall(v) | Target::Precision(v) => v,
            };
            assert!(i.low >= level - 1e-12);
        }
        // Intervals contain their estimate and carry n.
        for p in &sweep.points {
            let r = p.recall.unwrap();
            assert!(r.low <= r.value && r.value <= r.high && r.n > 800);
        }
    }
}

fn calibrate_cli(args: &[&str], out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_handoff-sim"))
        .arg("calibrate")
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn nothing_written(out: &Path) -> bool {
    !out.exists() || std::fs::read_dir(out).unwrap().next().is_none()
}

#[test]
fn cli_writes_json_html_and_charts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    let sample = manifest("scenarios/transcripts/sample.jsonl");
    let scenario = manifest("scenarios/basic.toml");
    let output = calibrate_cli(
        &[
            sample.to_str().unwrap(),
            "--scenario",
            scenario.to_str().unwrap(),
            "--rule",
            "confidence_threshold",
            "--rule",
            "sentiment_threshold",
            "--target-recall",
            "0.8",
        ],
        &out,
    );
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("confidence_threshold (") && stdout.contains("recommended"),
        "{stdout}"
    );
    let folder = std::fs::read_dir(out.join("basic-calibration"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    for file in [
        "calibration.json",
        "calibration.html",
        "pr_confidence_threshold.svg",
        "pr_confidence_threshold.png",
        "threshold_confidence_threshold.svg",
        "pr_sentiment_threshold.png",
        "threshold_sentiment_threshold.png",
    ] {
        assert!(folder.join(file).exists(), "{file}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("calibration.json")).unwrap())
            .unwrap();
    assert_eq!(json["labelled"], 14);
    assert_eq!(json["sweeps"].as_array().unwrap().len(), 2);
    assert_eq!(json["target"]["metric"], "recall");
}

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let unlabelled = dir.path().join("unlabelled.jsonl");
    std::fs::write(
        &unlabelled,
        "{\"id\":\"a\",\"turns\":[{\"speaker\":\"customer\",\"text\":\"hi\"},{\"speaker\":\"ai\",\"text\":\"ok\",\"confidence\":0.3}]}\n",
    )
    .unwrap();
    let sample = manifest("scenarios/transcripts/sample.jsonl");
    let basic = manifest("scenarios/basic.toml");
    let (sample, basic) = (sample.to_str().unwrap(), basic.to_str().unwrap());
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![unlabelled.to_str().unwrap(), "--scenario", basic],
            "no conversation has a label; calibration needs labelled conversations",
        ),
        (
            vec![sample, "--scenario", basic, "--rule", "confidence"],
            "unknown rule `confidence`; thresholded rules: confidence_threshold,",
        ),
        (
            vec![sample, "--scenario", basic, "--rule", "max_failed_in_a_row"],
            "rule `max_failed_in_a_row` is off in",
        ),
        (
            vec![sample, "--scenario", basic, "--target-precision", "0"],
            "`target-precision`: must be in (0, 1], got 0",
        ),
        (
            vec![sample, "--scenario", basic, "--target-recall", "1.5"],
            "`target-recall`: must be in (0, 1], got 1.5",
        ),
        (
            vec![sample, "--scenario", basic, "--target-precision=-0.2"],
            "`target-precision`: must be in (0, 1], got -0.2",
        ),
    ];
    for (k, (args, message)) in cases.iter().enumerate() {
        let out = dir.path().join(format!("out{k}"));
        let output = calibrate_cli(args, &out);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(
            nothing_written(&out),
            "{args:?} wrote into {}",
            out.display()
        );
    }
}
