//! The binary as a user drives it: the README's run command, `validate`,
//! `erlang`, help, the run-folder rules and the answers to bad arguments.

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
        assert_eq!(summary["schema_version"], 7);
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
        // Every 8th decision is evaluated in full and timed.
        let decisions = timing["decisions"].as_u64().unwrap();
        let every = timing["decision_latency_sample_every"].as_u64().unwrap();
        assert_eq!(every, 8);
        assert!(decisions > 1000, "{decisions}");
        assert_eq!(
            timing["decision_latency_ns"]["n"].as_u64().unwrap(),
            decisions.div_ceil(every)
        );
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

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every entry under `dir`, recursively, sorted.
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            entries.extend(tree(&path));
        }
        entries.push(path);
    }
    entries.sort();
    entries
}

#[test]
fn out_naming_a_file_is_bad_input_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("results.txt");
    std::fs::write(&file, "keep me").unwrap();
    for (out, blocker) in [(file.clone(), &file), (file.join("sub"), &file)] {
        let output = handoff_sim(&[
            "run",
            "scenarios/basic.toml",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        let text = stderr(&output);
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(
            text.starts_with("error: cannot create the run folder in "),
            "{text}"
        );
        assert!(text.contains(out.to_str().unwrap()), "{text}");
        assert!(
            text.contains(&format!("{} is a file, not a folder", blocker.display()))
                || text.contains("it is a file, not a folder"),
            "{text}"
        );
        assert!(stdout(&output).is_empty());
        // Nothing written, the file untouched.
        assert_eq!(tree(dir.path()), vec![file.clone()]);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    }
}

#[test]
fn erlang_agents_errors_say_which_rule_was_broken() {
    for (agents, message) in [
        ("0", "the number of agents must be at least 1, got 0"),
        ("0..5", "the number of agents must be at least 1, got 0"),
        ("10..5", "the range start (10) must not exceed its end (5)"),
        ("1000000", "at most 100000 agents, got 1000000"),
        ("1..100001", "at most 100000 agents, got 100001"),
        (
            "ten",
            "`ten` is not a count (e.g. 25) or a range (e.g. 20..30)",
        ),
        ("-3", "`-3` is not a count"),
    ] {
        let agents_arg = format!("--agents={agents}");
        let output = handoff_sim(&["erlang", "--rate", "720", "--aht", "4m", &agents_arg]);
        assert_eq!(output.status.code(), Some(2), "{agents}");
        let text = stderr(&output);
        assert!(text.contains("--agents"), "{agents}: {text}");
        assert!(
            text.contains(message),
            "{agents}: `{message}` missing from {text}"
        );
        assert!(stdout(&output).is_empty());
    }
    let help = stdout(&handoff_sim(&["erlang", "--help"]));
    assert!(help.contains("1 to 100 000"), "{help}");
    assert!(help.contains("start ≤ end ≤ 100 000"), "{help}");
}

#[test]
fn a_long_erlang_curve_prints_the_rows_around_the_targets() {
    // 48 000 Erl over 1..100 000 agents with patience: quadratic before,
    // linear now; it prints a bounded table, not 100 000 rows.
    let output = handoff_sim(&[
        "erlang",
        "--rate",
        "720000",
        "--aht",
        "4m",
        "--agents",
        "1..100000",
        "--patience",
        "3m",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() <= 30, "{} lines:\n{text}", lines.len());
    assert!(text.starts_with("Erlang A"), "{text}");
    assert!(text.contains("offered load 48000.000 Erl"), "{text}");
    let row = |agents: &str| {
        lines
            .iter()
            .find(|l| l.split_whitespace().next() == Some(agents))
            .unwrap_or_else(|| panic!("no row for {agents}:\n{text}"))
    };
    // The first and last rows, and the targets with two rows either side.
    assert!(row("1").contains("100.00%"), "{text}");
    assert!(row("100000").contains("48.00%"), "{text}");
    for agents in ["43241", "43245", "45599", "45603", "56469", "56473"] {
        row(agents);
    }
    assert!(row("43243").ends_with("← SL(20s) ≥ 80%"), "{text}");
    assert!(row("43243").contains("80.02%"), "{text}");
    assert!(row("45601").ends_with("← abandon ≤ 5%"), "{text}");
    assert!(row("56471").ends_with("← occupancy ≤ 85%"), "{text}");
    // Each gap says how many rows it skipped; together with the printed
    // rows they make up the range.
    let skipped: usize = lines
        .iter()
        .filter_map(|l| l.trim().strip_prefix("… "))
        .map(|l| {
            l.strip_suffix(" rows skipped")
                .unwrap()
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    assert!(text.contains("Printed 17 of 100000 rows"), "{text}");
    assert_eq!(skipped + 17, 100_000);
    assert!(
        text.contains(
            "Smallest staffing: SL(20s) ≥ 80% from 43243 agents; abandon ≤ 5% from 45601 agents; \
             occupancy ≤ 85% from 56471 agents"
        ),
        "{text}"
    );
}

#[test]
fn a_short_erlang_curve_prints_every_row() {
    let output = handoff_sim(&[
        "erlang", "--rate", "720", "--aht", "4m", "--agents", "1..60",
    ]);
    assert!(output.status.success());
    let text = stdout(&output);
    let rows = text
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .next()
                .is_some_and(|w| w.parse::<u32>().is_ok())
        })
        .count();
    assert_eq!(rows, 60, "{text}");
    assert!(!text.contains("skipped"), "{text}");
    // Erlang C: SL(20s) 80 % first at 54 agents, occupancy 85 % at 57.
    assert!(
        text.contains(
            "Smallest staffing: SL(20s) ≥ 80% from 54 agents; occupancy ≤ 85% from 57 agents"
        ),
        "{text}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn an_output_failure_reports_the_os_error_once() {
    // No folder can be made under /proc, not even by root.
    let output = handoff_sim(&["run", "scenarios/basic.toml", "--out", "/proc/self/no-such"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.starts_with("error: cannot write /proc/self/no-such/basic: "),
        "{text}"
    );
    assert_eq!(text.matches("os error").count(), 1, "{text}");
}

#[test]
fn erlang_target_gives_the_fewest_agents_the_curve_gives() {
    use handoff_sim::theory::{StaffingCurve, StaffingTarget};
    let stdout = |args: &[&str]| {
        let o = handoff_sim(args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let needed = |text: &str| -> u32 {
        let line = text
            .lines()
            .find(|l| l.starts_with("agents needed: "))
            .unwrap_or_else(|| panic!("{text}"));
        line["agents needed: ".len()..]
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    // Erlang C: 720 calls/h of 4 minutes, 80 % within 20 s.
    let text = stdout(&[
        "erlang",
        "--rate",
        "720",
        "--aht",
        "4m",
        "--target",
        "service_level>=0.8",
        "--shrinkage",
        "0.3",
    ]);
    let curve = StaffingCurve::compute(720.0 / 3600.0, 240.0, None, 1..=200, 20.0);
    let c = curve.rows[curve
        .first_meeting(StaffingTarget::ServiceLevelAtLeast(0.8))
        .unwrap()]
    .0;
    assert_eq!(needed(&text), c);
    assert_eq!(c, 54);
    // Grossed up: ⌈54 / 0.7⌉ = 78 scheduled.
    assert!(
        text.contains("with 30.0 % shrinkage: 78 scheduled"),
        "{text}"
    );
    // Several targets: the first head count meeting all of them.
    let text = stdout(&[
        "erlang",
        "--rate",
        "720",
        "--aht",
        "4m",
        "--target",
        "service_level>=0.8",
        "--target",
        "occupancy<=0.85",
        "--target",
        "asa<=10s",
    ]);
    let both = curve
        .rows
        .iter()
        .find(|(_, p)| {
            p.as_ref().is_some_and(|p| {
                p.service_level >= 0.8 && p.occupancy <= 0.85 && p.mean_wait <= 10.0
            })
        })
        .unwrap()
        .0;
    assert_eq!(needed(&text), both);
    assert!(both > c);
    // Erlang A with patience: abandonment as a target.
    let text = stdout(&[
        "erlang",
        "--rate",
        "720",
        "--aht",
        "4m",
        "--patience",
        "3m",
        "--target",
        "abandonment<=0.02",
    ]);
    let a = StaffingCurve::compute(720.0 / 3600.0, 240.0, Some(180.0), 1..=200, 20.0);
    let first = a
        .first_meeting(StaffingTarget::AbandonmentAtMost(0.02))
        .unwrap();
    assert_eq!(needed(&text), a.rows[first].0);
    // Refused: a percentage, abandonment without patience, ASA with it.
    for (args, message) in [
        (vec!["--target", "service_level>=80"], "did you mean 0.8?"),
        (
            vec!["--target", "abandonment<=0.05"],
            "without --patience nobody abandons",
        ),
        (
            vec!["--target", "asa<=20s", "--patience", "3m"],
            "not the ASA of answered contacts",
        ),
        (
            vec!["--target", "service_level>=0.8", "--shrinkage", "1"],
            "must be in [0, 1)",
        ),
    ] {
        let mut all = vec!["erlang", "--rate", "720", "--aht", "4m"];
        all.extend(args.iter());
        let o = handoff_sim(&all);
        assert_eq!(o.status.code(), Some(2), "{all:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(message),
            "{all:?}"
        );
    }
}
