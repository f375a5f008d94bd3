//! `handoff-sim calibrate`: the sweep agrees with full replays, the
//! recommended threshold meets its target on the data it was chosen on,
//! recall moves monotonically with the confidence threshold, and bad input
//! is refused (exit 2, a message that names the problem, nothing written).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use handoff_sim::calibrate::{self, AnyRule, Counts, PointRule, Rule, Score, Target};
use handoff_sim::progress::Silent;
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
            &Silent,
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
                    point.score.counts,
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
            &Silent,
        )
        .unwrap();
        let sweep = &calibration.sweeps[0];
        assert!(sweep.points.len() >= 60, "{}", sweep.points.len());
        // Recall never falls as the threshold rises (every label has
        // from_turn = 1, so an earlier escalation is never premature).
        let recalls: Vec<f64> = sweep
            .points
            .iter()
            .map(|p| p.score.recall.unwrap().value)
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
                assert!(op.point.score.recall.unwrap().value >= r);
                // … and no other point meeting it has a better precision.
                let best = sweep
                    .points
                    .iter()
                    .filter(|p| p.score.recall.unwrap().value >= r)
                    .map(|p| p.score.precision.unwrap().value)
                    .fold(0.0, f64::max);
                assert_eq!(op.point.score.precision.unwrap().value, best);
            }
            Target::Precision(p) => assert!(op.point.score.precision.unwrap().value >= p),
        }
        // The conservative pick meets it at the lower bound.
        if let Some(c) = &sweep.conservative {
            let i = match target {
                Target::Recall(_) => c.point.score.recall.unwrap(),
                Target::Precision(_) => c.point.score.precision.unwrap(),
            };
            let level = match target {
                Target::Recall(v) | Target::Precision(v) => v,
            };
            assert!(i.low >= level - 1e-12);
        }
        // Intervals contain their estimate and carry n.
        for p in &sweep.points {
            let r = p.score.recall.unwrap();
            assert!(r.low <= r.value && r.value <= r.high && r.n > 800);
        }
    }
}

/// The counts of a full replay with `config` as it is.
fn replayed_as_is(
    config: &handoff_sim::triggers::TriggerConfig,
    conversations: &[RecordedConversation],
) -> Counts {
    let engine = TriggerEngine::new(config.clone());
    Score::of(
        conversations
            .iter()
            .filter_map(|c| replay::replay_conversation(&engine, c).truth),
    )
    .counts
}

#[test]
fn only_measures_one_rule_with_every_other_rule_off() {
    let sample = sample();
    let basic = common::bundled("basic.toml").triggers;
    // A rule without a threshold: one point, what a replay of it alone gives.
    let explicit = AnyRule::Point(PointRule::ExplicitRequest);
    let c = calibrate::calibrate_only(
        &sample,
        Path::new("sample"),
        &basic,
        explicit,
        Target::Precision(0.9),
        &Silent,
    )
    .unwrap();
    assert!(c.sweeps.is_empty());
    assert_eq!(c.only, Some(explicit));
    let point = &c.points[0];
    assert_eq!(
        point.score.counts,
        replayed_as_is(&explicit.alone(&basic), &sample)
    );
    // On the sample: 2 of its 3 escalations needed (one is premature), 2 of
    // the 10 who needed a human asked for one in words.
    let (p, r) = (point.score.precision.unwrap(), point.score.recall.unwrap());
    assert_eq!((p.n, r.n), (3, 10));
    assert!((p.value - 2.0 / 3.0).abs() < 1e-12 && (r.value - 0.2).abs() < 1e-12);
    assert!(p.low > 0.0 && p.high < 1.0 && r.low > 0.0 && r.high < 1.0);
    // A thresholded rule alone: its sweep runs with every other rule off,
    // so at the setting it is a replay of that rule alone.
    let confidence = AnyRule::Swept(Rule::ConfidenceThreshold);
    let alone = confidence.alone(&basic);
    assert!(!alone.explicit_request && alone.sentiment_threshold.is_none());
    let c = calibrate::calibrate_only(
        &sample,
        Path::new("sample"),
        &basic,
        confidence,
        Target::Precision(0.9),
        &Silent,
    )
    .unwrap();
    assert!(c.points.is_empty());
    let sweep = &c.sweeps[0];
    assert_eq!(
        sweep.at_current.score.counts,
        replayed_as_is(&alone, &sample)
    );
    for point in &sweep.points {
        assert_eq!(
            point.score.counts,
            replayed(&alone, Rule::ConfidenceThreshold, point.threshold, &sample)
        );
    }
    // With the other rules on, the same setting catches more.
    let together = replayed_as_is(&basic, &sample);
    assert!(together.needed > sweep.at_current.score.counts.needed);
}

#[test]
fn the_recommendation_is_the_middle_of_the_thresholds_tied_with_it() {
    let (scenario, generated) = generated(400);
    let basic = scenario.triggers.clone();
    let mut checked = 0;
    for (conversations, target) in [
        (generated, Target::Recall(0.7)),
        (sample(), Target::Precision(0.9)),
        (sample(), Target::Recall(0.5)),
    ] {
        let rules = calibrate::select_rules(&[], &basic, Path::new("basic.toml")).unwrap();
        let c = calibrate::calibrate(
            &conversations,
            Path::new("t"),
            &basic,
            &rules,
            target,
            &Silent,
        )
        .unwrap();
        for sweep in &c.sweeps {
            for op in sweep.recommended.iter().chain(&sweep.conservative) {
                let rule = sweep.rule;
                let range = op.range;
                let (lo, hi) = rule.valid();
                // The whole score (counts and the detection delay).
                let counts = |t: f64| {
                    let engine = TriggerEngine::new(rule.with(&basic, Some(t)));
                    Score::of(
                        conversations
                            .iter()
                            .filter_map(|c| replay::replay_conversation(&engine, c).truth),
                    )
                };
                let want = op.point.score.clone();
                assert!(range.contains(op.threshold), "{}: {range:?}", rule.name());
                if op.threshold != sweep.current && !rule.integer() {
                    assert_eq!(
                        op.threshold,
                        range.round_middle(),
                        "{}: not the range's middle",
                        rule.name()
                    );
                    let middle = 0.5 * (range.low + range.high);
                    assert!((op.threshold - middle).abs() <= 0.5 * (range.high - range.low));
                }
                // The printed threshold is the threshold: typed back in, it
                // gives the same figures.
                let printed = calibrate::describe_threshold(rule, op.threshold);
                let typed: f64 = printed
                    .trim_start_matches(['<', '≤', '≥', ' '])
                    .parse()
                    .unwrap();
                assert!(
                    range.contains(typed),
                    "{}: {printed} outside {range:?}",
                    rule.name()
                );
                // Inside: both ends and the middle give the figures.
                let eps = if rule.integer() { 1.0 } else { 1e-9 };
                let inner_low = if range.low_included {
                    range.low
                } else {
                    range.low + eps
                };
                let inner_high = if range.high_included {
                    range.high
                } else {
                    range.high - eps
                };
                for t in [inner_low, op.threshold, inner_high] {
                    assert_eq!(counts(t), want, "{} at {t} in {range:?}", rule.name());
                }
                // Just outside (where the key allows a value): other figures.
                let outer_low = if range.low_included {
                    range.low - eps
                } else {
                    range.low
                };
                let outer_high = if range.high_included {
                    range.high + eps
                } else {
                    range.high
                };
                let lowest = if rule.integer() {
                    lo.max(f64::from(u8::from(rule == Rule::CircularRepeats) + 1))
                } else {
                    lo
                };
                if range.low > lowest && outer_low >= lowest {
                    assert_ne!(
                        counts(outer_low),
                        want,
                        "{} at {outer_low}: {range:?}",
                        rule.name()
                    );
                }
                if range.high < hi && !rule.integer() {
                    assert_ne!(
                        counts(outer_high),
                        want,
                        "{} at {outer_high}: {range:?}",
                        rule.name()
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 4, "{checked}");
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
    // "Operating points" is a table, not a terminal dump: one row per
    // operating point and rule without a threshold, 15 cells each, the
    // exact JSON numbers in data-value.
    let html = std::fs::read_to_string(folder.join("calibration.html")).unwrap();
    assert!(
        !html.contains("<h2>Operating points</h2>\n<pre>"),
        "a <pre> dump"
    );
    let table = &html[html.find("<table class=\"data\">").expect("a data table")..];
    let table = &table[..table.find("</table>").unwrap()];
    let rows: Vec<&str> = table.split("<tr>").skip(2).collect();
    let sweeps = json["sweeps"].as_array().unwrap();
    let expected_rows: usize = sweeps
        .iter()
        .map(|s| {
            1 + usize::from(s["decides"] == true)
                * (usize::from(!s["recommended"].is_null())
                    + usize::from(!s["conservative"].is_null()))
        })
        .sum::<usize>()
        + json["points"].as_array().unwrap().len();
    assert_eq!(rows.len(), expected_rows, "{table}");
    for row in &rows {
        assert_eq!(row.matches("<td").count(), 15, "{row}");
    }
    let recommended = &sweeps[0]["recommended"];
    let row = rows
        .iter()
        .find(|r| r.starts_with("<td>confidence_threshold</td><td>recommended</td>"))
        .expect("the recommended row");
    assert!(
        row.contains(&format!("data-value=\"{}\"", recommended["threshold"])),
        "{row} vs {recommended}"
    );
    assert!(row.contains(&format!(
        "data-value=\"{}\"",
        recommended["point"]["recall"]["value"]
    )));
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
            "unknown thresholded rule `confidence`; thresholded rules: confidence_threshold,",
        ),
        (
            vec![sample, "--scenario", basic, "--rule", "max_failed_in_a_row"],
            "rule `max_failed_in_a_row` is off in",
        ),
        (
            vec![sample, "--scenario", basic, "--rule", "explicit_request"],
            "`explicit_request` has no threshold to sweep: `--only explicit_request` measures it alone",
        ),
        (
            vec![sample, "--scenario", basic, "--only", "explicit"],
            "unknown rule `explicit`; --only takes one of: confidence_threshold,",
        ),
        (
            vec![sample, "--scenario", basic, "--only", "max_failed_in_a_row"],
            "rule `max_failed_in_a_row` is off in",
        ),
        (
            vec![
                sample,
                "--scenario",
                basic,
                "--only",
                "explicit_request",
                "--rule",
                "confidence_threshold",
            ],
            "cannot be used with",
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
