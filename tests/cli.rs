//! The binary as a user drives it: the README's run command, `validate`,
//! `erlang`, help, and the run-folder rules.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn handoff_sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_handoff-sim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn run_dirs(out: &Path, scenario: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(out.join(scenario))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn run_prints_the_summary_and_writes_a_new_folder_each_time() {
    let out = tempfile::tempdir().unwrap();
    let out_arg = out.path().to_str().unwrap();
    let first = handoff_sim(&["run", "scenarios/basic.toml", "--out", out_arg]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let text = stdout(&first);
    for needle in [
        "handoff-sim · basic · seed 42",
        "service level (20 s)",
        "handoff rate",
        "peak concurrency",
        "report: ",
    ] {
        assert!(text.contains(needle), "`{needle}` missing:\n{text}");
    }
    let second = handoff_sim(&["run", "scenarios/basic.toml", "--out", out_arg]);
    assert!(second.status.success());
    let dirs = run_dirs(out.path(), "basic");
    assert_eq!(dirs.len(), 2, "{dirs:?}");
    for dir in &dirs {
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap())
                .unwrap();
        assert_eq!(summary["schema_version"], 2);
        assert_eq!(summary["scenario"], "basic");
        assert!(summary["conversations"]["arrivals"].as_u64().unwrap() > 2000);
        // The trigger figures against ground truth are part of the summary.
        let triggers = &summary["measured"]["triggers"];
        let precision = triggers["precision"]["value"].as_f64().unwrap();
        let recall = triggers["recall"]["value"].as_f64().unwrap();
        assert!(precision > 0.3 && precision < 1.0, "{precision}");
        assert!(recall > 0.5 && recall <= 1.0, "{recall}");
        let needed = triggers["needed_escalations"].as_u64().unwrap();
        let needless = triggers["needless_escalations"].as_u64().unwrap();
        assert_eq!(triggers["escalations"].as_u64().unwrap(), needed + needless);
        let rule = &triggers["by_rule"]["low_confidence"];
        assert!(rule["detection_delay_s"]["n"].as_u64().unwrap() > 0);
        assert!(rule["detection_delay_turns"]["p50"].as_f64().unwrap() >= 1.0);
        assert!(
            summary["measured"]["handoff"]["context_completeness"]["value"]
                .as_f64()
                .unwrap()
                > 0.5
        );
        // Decision latency is wall-clock, so it lives in timing.json.
        let timing: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("timing.json")).unwrap())
                .unwrap();
        assert!(timing["decision_latency_ns"]["n"].as_u64().unwrap() > 1000);
        assert!(timing["decision_latency_ns"]["p50"].as_u64().unwrap() > 0);
        assert!(dir.join("scenario.toml").exists());
        // No temporary files are left behind.
        assert!(
            std::fs::read_dir(dir)
                .unwrap()
                .all(|e| { e.unwrap().path().extension().is_none_or(|x| x != "tmp") })
        );
    }
    // The path printed at the end is the report of the run.
    let printed = text.lines().last().unwrap().trim_start_matches("report: ");
    assert!(printed.ends_with("report.html"), "{printed}");
    assert!(Path::new(printed).exists(), "{printed}");
}

#[test]
fn seed_flag_overrides_the_scenario_seed() {
    let out = tempfile::tempdir().unwrap();
    let out_arg = out.path().to_str().unwrap();
    let run = handoff_sim(&[
        "run",
        "scenarios/basic.toml",
        "--seed",
        "5",
        "--out",
        out_arg,
    ]);
    assert!(run.status.success());
    assert!(stdout(&run).contains("seed 5"));
    let dirs = run_dirs(out.path(), "basic");
    assert!(
        dirs[0]
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .ends_with("-seed5")
    );
}

#[test]
fn validate_accepts_every_bundled_scenario() {
    for scenario in ["basic", "erlang_c", "stress"] {
        let output = handoff_sim(&["validate", &format!("scenarios/{scenario}.toml")]);
        assert!(
            output.status.success(),
            "{scenario}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout(&output).contains(": ok ("));
    }
}

#[test]
fn erlang_prints_a_staffing_curve() {
    // 360 per half hour, 4-minute calls = 48 Erl; at 55 agents the factorial
    // form gives P(wait) = 23.87 %, mean wait 8.2 s, SL(15 s) = 84.59 %.
    let output = handoff_sim(&[
        "erlang",
        "--rate",
        "720",
        "--aht",
        "4m",
        "--agents",
        "47..55",
        "--threshold",
        "15s",
    ]);
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(text.contains("offered load 48.000 Erl"), "{text}");
    assert!(
        text.contains("unstable"),
        "47 agents cannot carry 48 Erl:\n{text}"
    );
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("55 "))
        .unwrap();
    for needle in ["23.87%", "8.2s", "84.59%"] {
        assert!(row.contains(needle), "`{needle}` missing from `{row}`");
    }
}

#[test]
fn erlang_a_with_patience_reports_abandonment() {
    let output = handoff_sim(&[
        "erlang",
        "--rate",
        "1200",
        "--aht",
        "1m",
        "--agents",
        "20",
        "--patience",
        "2m",
    ]);
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(text.starts_with("Erlang A"), "{text}");
    // Same queue as the Erlang A validation test: P(abandon) = 7.37 %.
    assert!(text.contains("7.37%"), "{text}");
}

#[test]
fn bad_arguments_exit_with_code_2() {
    let output = handoff_sim(&["erlang", "--rate", "-1", "--aht", "4m", "--agents", "10"]);
    assert_eq!(output.status.code(), Some(2));
    let output = handoff_sim(&["erlang", "--rate", "10", "--aht", "4m", "--agents", "ten"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--agents"));
}

#[test]
fn help_is_available_everywhere() {
    for args in [
        vec!["--help"],
        vec!["run", "--help"],
        vec!["validate", "--help"],
        vec!["erlang", "--help"],
    ] {
        let output = handoff_sim(&args);
        assert!(output.status.success(), "{args:?}");
        assert!(stdout(&output).contains("Usage:"), "{args:?}");
    }
}
