//! The README's figures against the commands it quotes them from: each
//! command is run as the README shows it and the figures it gives now are
//! formatted as the README words them; the README must contain every one.
//! A figure that goes stale fails here, with the text it should read.
//!
//! Covered: the replicated run's excerpt (`run --replications 20`), the
//! capacity-planning paragraph (`staff` and `schedule` on the telco centre), the warm-vs-cold AHT difference (`compare`), the
//! calibration example (`transcripts` + `calibrate` on 2 000 generated
//! conversations, and the bundled sample), and the `replay` lines quoted.
//! Not re-run here: wall-clock timings and the benchmark tables (their
//! commands are beside them), coverage figures from `--ignored` tests, and
//! the trigger corpora's held-out rounds, measured once by design.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The README with every run of whitespace made one space, so a figure
/// may wrap across lines.
fn readme() -> String {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn handoff_sim(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_handoff-sim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "handoff-sim {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The one file named `name` under `dir`.
fn find(dir: &Path, name: &str) -> PathBuf {
    fn walk(dir: &Path, name: &str, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, name, found);
            } else if path.file_name().is_some_and(|f| f == name) {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(dir, name, &mut found);
    assert_eq!(found.len(), 1, "{name} under {}", dir.display());
    found.remove(0)
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Every fragment must be in the README; all misses are listed at once.
fn quoted(fragments: &[String]) {
    let readme = readme();
    let missing: Vec<&String> = fragments
        .iter()
        .filter(|f| !readme.contains(f.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "the README no longer says what its commands give; it should read:\n{}",
        missing
            .iter()
            .map(|m| format!("  «{m}»"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A count as the README writes it: "2 549", "909".
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// "68.8 % (66.2–71.3, n=1272)", as calibrate prints an interval.
fn interval(i: &Value) -> String {
    format!(
        "{:.1} % ({:.1}–{:.1}, n={})",
        f(&i["value"]) * 100.0,
        f(&i["low"]) * 100.0,
        f(&i["high"]) * 100.0,
        i["n"]
    )
}

#[test]
fn capacity_planning_figures() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    handoff_sim(&[
        "staff",
        "scenarios/telco_voice.toml",
        "--jobs",
        "2",
        "--quiet",
        "--out",
        out,
    ]);
    let s = json(&find(dir.path(), "staffing.json"));
    let csv = find(dir.path(), "staffing.csv");
    let (c, a, sim) = (
        f(&s["agent_hours_erlang_c"]),
        f(&s["agent_hours_erlang_a"]),
        f(&s["agent_hours_simulated"]),
    );
    let (c_gross, a_gross) = (
        f(&s["agent_hours_erlang_c_gross"]),
        f(&s["agent_hours_erlang_a_gross"]),
    );
    let meets = |key: &str| {
        (
            s[key]["met"].as_u64().unwrap(),
            s[key]["intervals"].as_u64().unwrap(),
        )
    };
    let (sm, sn) = meets("meets_simulated");
    let (cm, cn) = meets("meets_erlang_c");
    let (am, an) = meets("meets_erlang_a");
    let percent = |x: f64| format!("{:.0} %", x * 100.0);
    let schedule_dir = dir.path().join("schedule");
    handoff_sim(&[
        "schedule",
        "scenarios/telco_voice.toml",
        "--requirement",
        csv.to_str().unwrap(),
        "--shift-templates",
        "scenarios/telco_shift_templates.toml",
        "--jobs",
        "2",
        "--quiet",
        "--out",
        schedule_dir.to_str().unwrap(),
    ]);
    let plan = json(&find(&schedule_dir, "schedule.json"));
    assert_eq!(f(&plan["gap"]), 0.0, "the README says the plan is optimal");
    quoted(&[
        format!(
            "Erlang C asks for {c:.1} agent-hours, Erlang A for {a:.1} and the simulation for {sim:.1}"
        ),
        format!(
            "the simulated requirement meets 80/20 in {sm} of {sn} staffed intervals ({})",
            percent(sm as f64 / sn as f64)
        ),
        format!(
            "the Erlang C staffing in {cm} of {cn} — it over-staffs by {}",
            percent(c / sim - 1.0)
        ),
        format!("the Erlang A staffing in only {am} of {an}"),
        format!(
            "Grossed up for that shrinkage ({:.1} %), as workforce tools do, Erlang C asks for {c_gross:.1} agent-hours — {} more than the simulation finds enough — and Erlang A for {a_gross:.1} ({} more)",
            f(&s["shrinkage"]) * 100.0,
            percent(c_gross / sim - 1.0),
            percent(a_gross / sim - 1.0)
        ),
        format!(
            "`schedule` covers the simulated requirement with {:.1} paid agent-hours",
            f(&plan["agent_hours"])
        ),
        format!(
            "the simulated plan meets 80/20 in {} of {} intervals",
            plan["meets"]["met"], plan["meets"]["intervals"]
        ),
    ]);
}

#[test]
fn warm_vs_cold_figure() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    handoff_sim(&[
        "compare",
        "scenarios/warm_vs_cold.toml",
        "--jobs",
        "2",
        "--quiet",
        "--out",
        out,
    ]);
    let c = json(&find(dir.path(), "comparison.json"));
    let variants: Vec<&str> = c["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let warm = variants.iter().position(|v| *v == "always_warm").unwrap() - 1;
    let aht = c["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"]["name"] == "aht")
        .unwrap();
    let d = &aht["differences"][warm];
    quoted(&[format!(
        "the AHT difference of always-warm against always-cold is {:+.1} s ± {:.1} paired against ± {:.1} unpaired",
        f(&d["difference"]),
        f(&d["paired_ci95"]),
        f(&d["unpaired_ci95"])
    )]);
}

#[test]
fn calibration_figures() {
    let dir = tempfile::tempdir().unwrap();
    let conversations = dir.path().join("conversations.jsonl");
    let file = conversations.to_str().unwrap();
    handoff_sim(&[
        "transcripts",
        "scenarios/basic.toml",
        "--out",
        file,
        "--conversations",
        "2000",
    ]);
    let out = dir.path().join("generated");
    handoff_sim(&[
        "calibrate",
        file,
        "--scenario",
        "scenarios/basic.toml",
        "--rule",
        "confidence_threshold",
        "--rule",
        "sentiment_threshold",
        "--rule",
        "sentiment_drop",
        "--target-recall",
        "0.95",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let c = json(&find(&out, "calibration.json"));
    let sweep = &c["sweeps"][0];
    assert_eq!(sweep["rule"], "confidence_threshold");
    let at = &sweep["at_current"];
    let rec = &sweep["recommended"];
    let (p, r) = (&rec["point"]["precision"], &rec["point"]["recall"]);
    let counts = |point: &Value, key: &str| point["counts"][key].as_i64().unwrap();
    let fewer_needless = counts(at, "needless") - counts(&rec["point"], "needless");
    let fewer_needed = counts(at, "needed") - counts(&rec["point"], "needed");
    // The tied range, as calibrate prints it.
    let range = &rec["range"];
    let tied = handoff_sim::calibrate::TiedRange {
        low: f(&range["low"]),
        high: f(&range["high"]),
        low_included: range["low_included"].as_bool().unwrap(),
        high_included: range["high_included"].as_bool().unwrap(),
    }
    .describe(handoff_sim::calibrate::Rule::ConfidenceThreshold);
    let replay = handoff_sim(&["replay", file, "--scenario", "scenarios/basic.toml"]);
    let agreement = replay
        .lines()
        .find(|l| l.starts_with("the replay escalates at the simulation's turn"))
        .unwrap()
        .to_string();
    let (same, of) = {
        let words: Vec<&str> = agreement.split_whitespace().collect();
        let k = words.iter().position(|w| *w == "of").unwrap();
        (words[k - 1].to_string(), words[k + 1].to_string())
    };
    let sample_out = dir.path().join("sample");
    handoff_sim(&[
        "calibrate",
        "scenarios/transcripts/sample.jsonl",
        "--scenario",
        "scenarios/basic.toml",
        "--quiet",
        "--out",
        sample_out.to_str().unwrap(),
    ]);
    let sample = json(&find(&sample_out, "calibration.json"));
    let sp = &sample["sweeps"][0]["at_current"]["precision"];
    let only = handoff_sim(&[
        "replay",
        "scenarios/transcripts/sample.jsonl",
        "--scenario",
        "scenarios/basic.toml",
        "--only",
        "confidence_threshold",
    ]);
    let nearest = only
        .lines()
        .find(|l| l.starts_with("explicit-1:"))
        .and_then(|l| l.split_once("nearest: "))
        .map(|(_, n)| n.to_string())
        .unwrap();
    quoted(&[
        format!("in {same} of {of} generated conversations"),
        format!(
            "the scenario's confidence threshold (< {:.2}) gives precision {} and recall {}",
            f(&sweep["current"]),
            interval(&at["precision"]),
            interval(&at["recall"])
        ),
        format!(
            "Of the {} thresholds the data tells apart, the highest precision with recall ≥ 0.95 is < {:.4}: {:.1} % ({:.1}–{:.1}), recall {:.1} % — {fewer_needless} fewer needless escalations for {fewer_needed} fewer needed ones",
            grouped(sweep["counted"].as_u64().unwrap()),
            f(&rec["threshold"]),
            f(&p["value"]) * 100.0,
            f(&p["low"]) * 100.0,
            f(&p["high"]) * 100.0,
            f(&r["value"]) * 100.0,
        ),
        format!("every threshold in {tied} gives these figures"),
        format!(
            "On the {} labelled sample conversations the intervals span about {:.0} points (precision {:.1} %, {:.1}–{:.1}, n={})",
            sample["labelled"],
            // To the nearest ten points.
            ((f(&sp["high"]) - f(&sp["low"])) * 10.0).round() * 10.0,
            f(&sp["value"]) * 100.0,
            f(&sp["low"]) * 100.0,
            f(&sp["high"]) * 100.0,
            sp["n"]
        ),
        format!("`nearest: {nearest}`"),
    ]);
}

#[test]
fn erlang_target_figure() {
    let text = handoff_sim(&[
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
    let number_after = |prefix: &str| -> String {
        let at = text
            .find(prefix)
            .unwrap_or_else(|| panic!("{prefix} in {text}"))
            + prefix.len();
        text[at..].split_whitespace().next().unwrap().to_string()
    };
    quoted(&[format!(
        "({} here; {} scheduled at 30 % shrinkage)",
        number_after("agents needed: "),
        number_after("shrinkage: ")
    )]);
}

#[test]
fn replication_figures() {
    // The README's excerpt of `run basic.toml --replications 20`: each of
    // its lines as the command prints it now.
    let out = tempfile::tempdir().unwrap();
    let printed = handoff_sim(&[
        "run",
        "scenarios/basic.toml",
        "--replications",
        "20",
        "--jobs",
        "2",
        "--quiet",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let keys = [
        "[service_level]",
        "[abandonment]",
        "[occupancy]",
        "[occupancy[general]]",
        "[occupancy[specialists]]",
        "[service_level[chat]]",
        "[service_level[voice]]",
        "[abandonment[voice]]",
    ];
    let mut lines: Vec<String> = printed.lines().take(1).map(String::from).collect();
    lines.extend(keys.iter().map(|key| {
        printed
            .lines()
            .find(|l| l.trim_end().ends_with(key))
            .unwrap_or_else(|| panic!("no line for {key} in\n{printed}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }));
    quoted(&lines);
    // The per-channel table of the report it writes.
    let html = std::fs::read_to_string(find(out.path(), "report.html")).unwrap();
    assert!(html.contains("<h2>Per channel</h2>"));
}
