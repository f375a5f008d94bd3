//! Experiments: replications with honest intervals, variants compared on
//! common random numbers, thresholds with exit codes, and bad input.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use handoff_sim::experiment::{self, pooling};
use handoff_sim::figures;
use handoff_sim::metrics::erlang_reference;
use handoff_sim::sim;

fn handoff_sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_handoff-sim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn bundled_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

#[test]
fn variants_share_customers_and_pairing_narrows_the_intervals() {
    let path = bundled_path("warm_vs_cold.toml");
    let scenario = common::bundled("warm_vs_cold.toml");
    let variants = experiment::variants(&scenario, &path).unwrap();
    assert_eq!(
        variants.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(),
        ["always_cold", "always_warm", "intent_aware"]
    );
    // Replication r of every variant sees the same customers (arrival
    // times, channels, intents: the fingerprint), replications differ.
    let fingerprint = |v: usize, r: u64| {
        sim::run(&variants[v].scenario, r)
            .unwrap()
            .summary
            .arrival_fingerprint
    };
    assert_eq!(fingerprint(0, 3), fingerprint(1, 3));
    assert_eq!(fingerprint(0, 3), fingerprint(2, 3));
    assert_ne!(fingerprint(0, 3), fingerprint(0, 4));

    let compared = experiment::compare(&variants, 10, 2).unwrap().result;
    for name in ["aht", "clarification_time"] {
        let m = compared
            .metrics
            .iter()
            .find(|m| m.metric.name == name)
            .unwrap();
        for d in m.differences.iter().flatten() {
            eprintln!(
                "{name}: Δ {:.3} paired ± {:.3}, unpaired ± {:.3}",
                d.difference, d.paired_ci95, d.unpaired_ci95
            );
            // AHT: ≥ 8× narrower. Clarification time is a multiplicative
            // effect on a small quantity: 1.8× with the support sentiment
            // model (2.2× with VADER alone), so at least 1.5×.
            let factor = if name == "aht" { 4.0 } else { 1.5 };
            assert!(
                factor * d.paired_ci95 <= d.unpaired_ci95,
                "{name}: common random numbers should narrow the interval {factor}×: {d:?}"
            );
        }
    }
    // Warm transfer halves the clarifying questions, and pays a briefing.
    let clarification = compared
        .metrics
        .iter()
        .find(|m| m.metric.name == "clarification_time")
        .unwrap();
    let warm = clarification.differences[0].unwrap();
    assert!(warm.difference < 0.0 && warm.significant, "{warm:?}");
}

#[test]
fn replications_cover_erlang_c() {
    // 40 sets of 10 replications of a one-day M/M/20 at 0.85 Erl/agent (the
    // ignored test below runs the bundled 5-day scenario, 200 sets).
    let scenario = common::SingleQueue {
        rate_per_hour: 204.0,
        aht: "5m",
        agents: 20,
        duration: "1d",
        warm_up: "2h",
        interval: "1h",
        seed: 3,
        extra: "",
        pool_extra: "",
    }
    .scenario();
    let (covered, sets) = coverage(&scenario, 40, 10);
    assert!(covered >= 34, "covered in {covered} of {sets} sets");
}

/// How many of `sets` sets of `n` replications have a P(wait) interval
/// covering Erlang C.
fn coverage(scenario: &handoff_sim::Scenario, sets: u32, n: u32) -> (u32, u32) {
    let summaries = experiment::replicate(scenario, sets * n, 2).unwrap();
    let truth = erlang_reference(scenario).unwrap().probability_wait;
    coverage_of(&summaries, n, "probability_wait", truth)
}

/// Of the sets of `n` consecutive summaries, how many have an interval of
/// `metric` covering `truth` (and how many sets there are).
fn coverage_of(summaries: &[serde_json::Value], n: u32, metric: &str, truth: f64) -> (u32, u32) {
    let metric = figures::resolve(metric);
    let mut covered = 0;
    let mut sets = 0;
    for set in summaries.chunks(n as usize) {
        let obs: Vec<_> = set
            .iter()
            .filter_map(|s| figures::observe(s, &metric.path))
            .collect();
        let a = pooling::aggregate_metric(&metric, &obs);
        covered += u32::from(a.low() <= truth && truth <= a.high());
        sets += 1;
    }
    eprintln!(
        "{} {truth:.4}: covered in {covered} of {sets} sets of {n}",
        metric.name
    );
    (covered, sets)
}

#[test]
#[ignore = "2 000 five-day runs (~2 min on 2 cores); the figure in ARCHITECTURE.md"]
fn replications_cover_erlang_c_on_the_bundled_scenario() {
    let scenario = common::bundled("erlang_c.toml");
    let (covered, sets) = coverage(&scenario, 200, 10);
    let rate = f64::from(covered) / f64::from(sets);
    assert!((0.90..=0.98).contains(&rate), "coverage {rate}");
}

#[test]
fn comparisons_do_not_depend_on_the_number_of_threads() {
    let scenario = common::bundled("warm_vs_cold.toml");
    let variants = experiment::variants(&scenario, &bundled_path("warm_vs_cold.toml")).unwrap();
    let one = experiment::compare(&variants, 3, 1).unwrap().result;
    let two = experiment::compare(&variants, 3, 2).unwrap().result;
    assert_eq!(
        serde_json::to_string(&one).unwrap(),
        serde_json::to_string(&two).unwrap()
    );
}

#[test]
fn thresholds_exit_3_with_one_line_per_failure() {
    let out = tempfile::tempdir().unwrap();
    let out_s = out.path().to_str().unwrap();
    // Single run: one passes, two fail.
    let o = handoff_sim(&[
        "run",
        "scenarios/erlang_c.toml",
        "--out",
        out_s,
        "--threshold",
        "service_level>=0.5",
        "--threshold",
        "asa<=10s",
        "--threshold",
        "abandonment<0",
    ]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        text.lines()
            .filter(|l| l.trim_start().starts_with("FAIL"))
            .count(),
        2,
        "{text}"
    );
    assert!(text.contains("PASS service_level >= 0.5"), "{text}");
    // The verdicts are in summary.json.
    let summary = files_under(out.path())
        .into_iter()
        .find(|p| p.ends_with("summary.json"))
        .unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(summary).unwrap()).unwrap();
    assert_eq!(json["thresholds"].as_array().unwrap().len(), 3);
    // Passing: exit 0.
    let o = handoff_sim(&[
        "run",
        "scenarios/erlang_c.toml",
        "--out",
        out_s,
        "--threshold",
        "service_level>=0.5",
    ]);
    assert_eq!(o.status.code(), Some(0));
    // Replicated, judged on the mean and on the pessimistic CI end.
    let o = handoff_sim(&[
        "run",
        "scenarios/erlang_c.toml",
        "--out",
        out_s,
        "--replications",
        "3",
        "--threshold",
        "probability_wait<=0.9",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = handoff_sim(&[
        "run",
        "scenarios/erlang_c.toml",
        "--out",
        out_s,
        "--replications",
        "3",
        "--threshold",
        "probability_wait<=0.05",
    ]);
    assert_eq!(o.status.code(), Some(3));
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        text.lines()
            .filter(|l| l.trim_start().starts_with("FAIL"))
            .count(),
        1,
        "{text}"
    );
}

#[test]
fn bad_experiment_input_is_exit_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let base = std::fs::read_to_string(bundled_path("erlang_c.toml")).unwrap();
    let cases: Vec<(String, Vec<&str>, &str)> = vec![
        (
            format!(
                "{base}\n[[variants]]\nname = \"a\"\n\n[[variants]]\nname = \"b\"\n\"agents.nobody.count\" = 3\n"
            ),
            vec!["compare"],
            "variant `b`: `agents.nobody.count`: `agents` has no element named `nobody`",
        ),
        (
            format!(
                "{base}\n[[variants]]\nname = \"a\"\n\n[[variants]]\nname = \"b\"\n\"agents.agents.count\" = -3\n"
            ),
            vec!["compare"],
            "variant `b`",
        ),
        (base.clone(), vec!["compare"], "needs at least two"),
        (
            format!("{base}\n[thresholds]\nspeed = \">= 1\"\n"),
            vec!["run"],
            "unknown metric `speed`",
        ),
        (
            format!("{base}\n[thresholds]\nservice_level = \"about 0.8\"\n"),
            vec!["run"],
            "not a comparison",
        ),
        (
            base.clone(),
            vec!["run", "--threshold", "asa"],
            "no comparison",
        ),
        (
            base.clone(),
            vec!["run", "--replications", "0"],
            "replications",
        ),
        (
            base.clone(),
            vec!["run", "--replications", "2", "--conversations"],
            "cannot be combined with replications",
        ),
        (
            format!("{base}\n[experiment]\nreplications = 0\n"),
            vec!["run"],
            "experiment.replications",
        ),
    ];
    for (i, (text, args, needle)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("case{i}.toml"));
        std::fs::write(&file, text).unwrap();
        let mut full: Vec<&str> = vec![
            args[0],
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        full.extend(&args[1..]);
        let o = handoff_sim(&full);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "case {i}: {stderr}");
        assert!(
            stderr.contains(needle),
            "case {i}: `{needle}` not in {stderr}"
        );
        assert!(
            files_under(&out).is_empty(),
            "case {i} wrote {:?}",
            files_under(&out)
        );
    }
}

#[test]
fn compare_writes_its_report() {
    let out = tempfile::tempdir().unwrap();
    let o = handoff_sim(&[
        "compare",
        "scenarios/warm_vs_cold.toml",
        "--replications",
        "3",
        "--threshold",
        "aht<=100000s",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let html = std::fs::read_to_string(find(out.path(), "compare.html")).unwrap();
    assert!(
        html.contains("<h2>Thresholds</h2>") && html.contains("always_warm: aht"),
        "thresholds in compare.html"
    );
    let files: Vec<String> = files_under(out.path())
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for name in [
        "comparison.json",
        "compare.html",
        "forest.svg",
        "forest.png",
        "scenario.toml",
    ] {
        assert!(
            files.iter().any(|f| f == name),
            "{name} missing from {files:?}"
        );
    }
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("baseline `always_cold`"), "{text}");
    assert!(text.contains("paired"), "{text}");
    // Metric names in words with the key once; no "-0.0".
    assert!(
        text.contains("\n  service level [service_level]\n"),
        "{text}"
    );
    assert!(text.contains("\n  AHT [aht]\n"), "{text}");
    assert!(
        !text.contains("-0.0 pt") && !text.contains("-0.0 s"),
        "{text}"
    );
    // The forest plot: a panel per metric that differs, in its own units,
    // with the significance legend; the policy cannot change what happens
    // before the handoff, so containment gets no panel and is named.
    let svg = std::fs::read_to_string(find(out.path(), "forest.svg")).unwrap();
    for needle in [
        "service level [service_level] (percentage points)",
        "AHT [aht] (seconds)",
        "significant (paired interval excludes 0)",
        "not significant",
    ] {
        assert!(svg.contains(needle), "`{needle}` not in forest.svg");
    }
    assert!(!svg.contains("containment (AI resolved) [containment]"));
    assert!(html.contains("they have no panel") && html.contains("containment (AI resolved)"));
}

/// A 3 × 2 sweep of basic.toml: sweep.csv, the printed table and
/// sweep.html.
fn sweep_outputs(out: &Path, jobs: &str) -> (String, String, String) {
    let o = handoff_sim(&[
        "sweep",
        "scenarios/basic.toml",
        "--set",
        "agents.general.count=9..11",
        "--set",
        "triggers.confidence_threshold=0.3,0.5",
        "--replications",
        "2",
        "--jobs",
        jobs,
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let file = |name: &str| {
        let path = files_under(out)
            .into_iter()
            .find(|p| p.ends_with(name))
            .unwrap();
        std::fs::read_to_string(path).unwrap()
    };
    (
        file("sweep.csv"),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        file("sweep.html"),
    )
}

#[test]
fn sweeps_do_not_depend_on_the_number_of_threads() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (one, table, html) = sweep_outputs(a.path(), "1");
    let (two, _, _) = sweep_outputs(b.path(), "2");
    assert_eq!(one, two);
    // A header and one row per grid point (3 × 2), first parameter slowest.
    let rows: Vec<&str> = one.lines().collect();
    assert_eq!(rows.len(), 7, "{one}");
    assert!(
        rows[0]
            .starts_with("agents.general.count,triggers.confidence_threshold,service_level_mean")
    );
    assert!(rows[1].starts_with("9,0.3,"), "{}", rows[1]);
    assert!(rows[6].starts_with("11,0.5,"), "{}", rows[6]);
    // More staff, better service: the service level rises along the grid.
    let sl = |row: &str| row.split(',').nth(2).unwrap().parse::<f64>().unwrap();
    assert!(sl(rows[5]) > sl(rows[1]), "{one}");
    // The printed grid: a header naming the parameters (by their last key
    // segment) and the metrics in words, one line per point in the CSV's
    // order, five figures each; the keys once, under it.
    let lines: Vec<&str> = table.lines().collect();
    let header = lines
        .iter()
        .position(|l| {
            l.trim_start()
                .starts_with("count  confidence_threshold  service level, %")
        })
        .unwrap_or_else(|| panic!("no grid header in\n{table}"));
    let grid = &lines[header + 1..header + 7];
    for (line, csv_row) in grid.iter().zip(&rows[1..]) {
        let settings: Vec<&str> = csv_row.split(',').take(2).collect();
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(&cells[..2], &settings[..], "{line}");
        assert_eq!(
            line.matches('(').count() + line.matches('±').count(),
            5,
            "five figures with an interval: {line}"
        );
    }
    assert_eq!(
        lines[header + 7],
        "",
        "six points, then a blank line:\n{table}"
    );
    assert!(
        table.contains("columns: count [agents.general.count], confidence_threshold [triggers.confidence_threshold], service level [service_level], ASA [asa]"),
        "{table}"
    );
    assert!(
        !table.contains("service_level  "),
        "no key as a heading: {table}"
    );
    // The page holds the same grid as a table, the CSV's means exact.
    let start = html.find("<table class=\"data\">").expect("a points table");
    let page_table = &html[start..start + html[start..].find("</table>").unwrap()];
    let page_rows: Vec<&str> = page_table.split("<tr>").skip(2).collect();
    assert_eq!(page_rows.len(), 6);
    for (row, csv_row) in page_rows.iter().zip(&rows[1..]) {
        assert_eq!(row.matches("<td").count(), 7, "{row}");
        let mean = sl(csv_row);
        let at = row.find("data-value=\"").unwrap() + "data-value=\"".len();
        let value: f64 = row[at..at + row[at..].find('"').unwrap()].parse().unwrap();
        assert!(
            (value - mean).abs() <= 1e-9 * mean.abs().max(1.0),
            "{row} vs {csv_row}"
        );
    }
}

#[test]
fn bad_sweeps_are_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for (set, needle) in [
        ("agents.nobody.count=1..3", "no element named `nobody`"),
        ("agents.general.count=ten", "agents[0].count"),
        ("agents.general.count=1..5:0", "step must be greater than 0"),
        ("triggers.confidence_threshold=", "empty value"),
        ("agents.general.count=1..9999", "runs; at most 100000"),
        ("simulation.nonsense=3", "nonsense"),
    ] {
        let mut args = vec![
            "sweep",
            "scenarios/basic.toml",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
            "--set",
            set,
        ];
        if set.contains("9999") {
            args.extend(["--set", "triggers.confidence_threshold=0.1..0.99:0.01"]);
        }
        let o = handoff_sim(&args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{set}: {stderr}");
        assert!(stderr.contains(needle), "{set}: `{needle}` not in {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{set}: one line: {stderr}");
        assert!(files_under(&out).is_empty(), "{set} wrote files");
    }
}

/// The one file named `name` under `dir`.
fn find(dir: &Path, name: &str) -> PathBuf {
    let found: Vec<PathBuf> = files_under(dir)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == name))
        .collect();
    assert_eq!(found.len(), 1, "{name} under {}: {found:?}", dir.display());
    found[0].clone()
}

#[test]
fn three_shards_merge_into_exactly_the_unsharded_result() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name);
    for (command, extra, outputs) in [
        (
            "compare",
            vec!["scenarios/warm_vs_cold.toml", "--replications", "3"],
            &["comparison.json"][..],
        ),
        (
            "sweep",
            vec![
                "scenarios/basic.toml",
                "--set",
                "agents.general.count=9..11",
                "--replications",
                "2",
                "--quiet",
            ],
            &["sweep.csv"][..],
        ),
        (
            "run",
            vec!["scenarios/erlang_c.toml", "--replications", "4"],
            // The replicated run's whole report, pooled series included.
            &["replications.json", "intervals.csv", "report.html"][..],
        ),
    ] {
        let mut shard_dirs = Vec::new();
        for k in 1..=3 {
            let out = d(&format!("{command}-shard{k}"));
            let shard = format!("{k}/3");
            let mut args = vec![command];
            args.extend(&extra);
            args.extend(["--shard", &shard, "--out", out.to_str().unwrap()]);
            let o = handoff_sim(&args);
            assert_eq!(
                o.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
            shard_dirs.push(out);
        }
        let merged = d(&format!("{command}-merged"));
        let mut args = vec!["merge"];
        args.extend(shard_dirs.iter().map(|p| p.to_str().unwrap()));
        args.extend(["--out", merged.to_str().unwrap()]);
        let o = handoff_sim(&args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let direct = d(&format!("{command}-direct"));
        let mut args = vec![command];
        args.extend(&extra);
        args.extend(["--out", direct.to_str().unwrap()]);
        assert_eq!(handoff_sim(&args).status.code(), Some(0));
        for output in outputs {
            assert_eq!(
                std::fs::read(find(&merged, output)).unwrap(),
                std::fs::read(find(&direct, output)).unwrap(),
                "{command}: merged {output} differs from the unsharded one"
            );
        }
        // An incomplete set is named, and nothing is written.
        let partial = d(&format!("{command}-partial"));
        let o = handoff_sim(&[
            "merge",
            shard_dirs[0].to_str().unwrap(),
            shard_dirs[2].to_str().unwrap(),
            "--out",
            partial.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stderr).contains("missing 2/3"));
        assert!(files_under(&partial).is_empty());
    }
    // Shards of different experiments do not mix.
    let o = handoff_sim(&[
        "merge",
        d("compare-shard1").to_str().unwrap(),
        d("sweep-shard2").to_str().unwrap(),
        "--out",
        d("mixed").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("belongs to another experiment"));
    // A shard index out of range is bad input.
    let o = handoff_sim(&[
        "compare",
        "scenarios/warm_vs_cold.toml",
        "--shard",
        "4/3",
        "--out",
        d("bad").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("shard index must be 1 to 3"));
    assert!(files_under(&d("bad")).is_empty());
}

/// (id, arrived_at, channel, intent, needs_human, bot_turns, trigger,
/// escalation_turn, context_completeness) of every first contact that
/// ended, from `conversations.csv`.
fn first_contacts(scenario: &handoff_sim::Scenario, dir: &Path) -> Vec<Vec<String>> {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("conversations.csv");
    let options = sim::RunOptions {
        conversations_csv: Some(path.clone()),
        ..sim::RunOptions::default()
    };
    sim::run_with(scenario, &options).unwrap();
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let keep = [
        "id",
        "arrived_at_s",
        "channel",
        "intent",
        "needs_human",
        "bot_turns",
        "trigger",
        "escalation_turn",
        "context_completeness",
    ];
    let columns: Vec<usize> = keep
        .iter()
        .map(|k| headers.iter().position(|h| h == *k).unwrap())
        .collect();
    let repeat = headers.iter().position(|h| h == "repeat_contact").unwrap();
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[repeat] == "false")
        .map(|r| columns.iter().map(|&c| r[c].to_string()).collect())
        .collect();
    rows.sort_by_key(|r| r[0].parse::<u64>().unwrap());
    rows
}

#[test]
fn variants_share_every_draw_before_the_handoff() {
    // The customers (arrival, channel, intent, ground truth), everything
    // they say and the bot answers (so the bot phase, the trigger that
    // fired and when), and the context package are the same in every
    // variant: only what happens at the human side differs.
    let dir = tempfile::tempdir().unwrap();
    let scenario = common::bundled("warm_vs_cold.toml");
    let variants = experiment::variants(&scenario, &bundled_path("warm_vs_cold.toml")).unwrap();
    let cold = first_contacts(&variants[0].scenario, &dir.path().join("a"));
    let warm = first_contacts(&variants[1].scenario, &dir.path().join("b"));
    assert!(cold.len() > 2_000, "{}", cold.len());
    // Conversations still in progress at the end can differ; every one that
    // ended in both is the same customer with the same bot conversation.
    let warm_by_id: std::collections::BTreeMap<&str, &Vec<String>> =
        warm.iter().map(|r| (r[0].as_str(), r)).collect();
    let mut shared = 0;
    for row in &cold {
        if let Some(other) = warm_by_id.get(row[0].as_str()) {
            assert_eq!(&row, other, "conversation {}", row[0]);
            shared += 1;
        }
    }
    assert!(
        shared as f64 > 0.98 * cold.len() as f64,
        "{shared} of {}",
        cold.len()
    );
}

#[test]
fn a_sweep_table_keeps_its_order_and_reports_thresholds() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(bundled_path("basic.toml")).unwrap();
    let file = dir.path().join("s.toml");
    std::fs::write(
        &file,
        format!("{base}\n[sweep]\n\"triggers.confidence_threshold\" = [0.3, 0.5]\n\"agents.general.count\" = \"9..10\"\n"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = handoff_sim(&[
        "sweep",
        file.to_str().unwrap(),
        "--quiet",
        "--threshold",
        "service_level>=0.99",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let csv = std::fs::read_to_string(find(&out, "sweep.csv")).unwrap();
    assert!(
        csv.starts_with("triggers.confidence_threshold,agents.general.count,"),
        "the order written: {csv}"
    );
    assert!(
        std::fs::read_to_string(find(&out, "sweep.html"))
            .unwrap()
            .contains("<h2>Thresholds</h2>")
    );
    let verdicts: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(find(&out, "thresholds.json")).unwrap())
            .unwrap();
    assert_eq!(verdicts.as_array().unwrap().len(), 4, "one per grid point");
    // The threshold is drawn once, as a line, on its metric's chart only.
    let chart = std::fs::read_to_string(find(&out, "sweep_service_level.svg")).unwrap();
    assert_eq!(
        chart.matches("threshold service_level &gt;= 0.99").count()
            + chart.matches("threshold service_level >= 0.99").count(),
        1
    );
    let other = std::fs::read_to_string(find(&out, "sweep_asa.svg")).unwrap();
    assert!(!other.contains("threshold service_level"));
}

#[test]
fn every_pool_and_channel_gets_its_own_figures_in_sweeps_and_comparisons() {
    // basic.toml: two pools (general, specialists) and two channels.
    let dir = tempfile::tempdir().unwrap();
    let (csv, _, _) = sweep_outputs(dir.path(), "2");
    let header = csv.lines().next().unwrap();
    for column in [
        "occupancy_mean",
        "occupancy[general]_mean",
        "occupancy[specialists]_mean",
        "service_level[chat]_mean",
        "service_level[voice]_mean",
        "asa[voice]_mean",
        "abandonment[voice]_ci_high",
    ] {
        assert!(
            header.split(',').any(|c| c == column),
            "{column} not in {header}"
        );
    }
    // The centre's occupancy lies between its pools' (weighted by slots).
    let row: Vec<f64> = csv
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .map(|c| c.parse().unwrap_or(f64::NAN))
        .collect();
    let col = |name: &str| row[header.split(',').position(|c| c == name).unwrap()];
    let (centre, general, specialists) = (
        col("occupancy_mean"),
        col("occupancy[general]_mean"),
        col("occupancy[specialists]_mean"),
    );
    assert!(
        centre > general.min(specialists) && centre < general.max(specialists),
        "{centre} not between {general} and {specialists}"
    );
    // A comparison on basic.toml names the same parts.
    let base = std::fs::read_to_string(bundled_path("basic.toml")).unwrap();
    let file = dir.path().join("c.toml");
    std::fs::write(
        &file,
        format!("{base}\n[[variants]]\nname = \"ten\"\n\"agents.general.count\" = 10\n\n[[variants]]\nname = \"twelve\"\n\"agents.general.count\" = 12\n"),
    )
    .unwrap();
    let out = dir.path().join("compare");
    let o = handoff_sim(&[
        "compare",
        file.to_str().unwrap(),
        "--replications",
        "2",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(find(&out, "comparison.json")).unwrap())
            .unwrap();
    let names: Vec<&str> = json["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["metric"]["name"].as_str().unwrap())
        .collect();
    for name in [
        "occupancy",
        "occupancy[general]",
        "occupancy[specialists]",
        "service_level[voice]",
        "asa[chat]",
    ] {
        assert!(names.contains(&name), "{name} not in {names:?}");
    }
    let general = json["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"]["name"] == "occupancy[general]")
        .unwrap();
    assert_eq!(general["metric"]["path"], "pools[general].occupancy");
    // Two more general agents lower that pool's occupancy.
    assert!(general["differences"][0]["difference"].as_f64().unwrap() < 0.0);
}

#[test]
fn a_percent_scale_threshold_is_refused_before_anything_runs() {
    // `abandonment<=5` would pass at 14.6 % abandonment: a gate that passes
    // by mistake. Every command that judges thresholds refuses it.
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    for args in [
        vec!["run", "scenarios/basic.toml"],
        vec!["run", "scenarios/basic.toml", "--replications", "3"],
        vec!["compare", "scenarios/warm_vs_cold.toml"],
        vec![
            "sweep",
            "scenarios/basic.toml",
            "--set",
            "agents.general.count=9,10",
        ],
    ] {
        let mut all = args.clone();
        all.extend(["--threshold", "abandonment<=5", "--quiet", "--out", dir]);
        if args[0] == "run" && args.len() == 2 {
            all.retain(|a| *a != "--quiet");
        }
        let o = handoff_sim(&all);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("the share must be in [0, 1], got 5: did you mean 0.05?"),
            "{args:?}: {stderr}"
        );
    }
    assert!(files_under(out.path()).is_empty(), "nothing written");
}

#[test]
fn a_closed_stdout_does_not_change_the_exit_code() {
    // `handoff-sim … | head`: the reader goes away before the summary is
    // printed; the run is complete and its verdict must still be exit 3.
    let out = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_handoff-sim"))
        .args([
            "run",
            "scenarios/erlang_c.toml",
            "--threshold",
            "asa<=1s",
            "--out",
        ])
        .arg(out.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert_eq!(child.wait().unwrap().code(), Some(3));
}

#[test]
fn a_threshold_on_a_missing_figure_fails_before_anything_runs() {
    let out = tempfile::tempdir().unwrap();
    for (scenario, threshold) in [
        (
            "scenarios/warm_vs_cold.toml",
            "measured.human_queue.servce_level>=0.8",
        ),
        ("scenarios/erlang_c.toml", "handoff_rate<=0.5"),
    ] {
        let o = handoff_sim(&[
            "compare",
            scenario,
            "--threshold",
            threshold,
            "--out",
            out.path().to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("has no such figure") || stderr.contains("needs at least two"),
            "{stderr}"
        );
        assert!(files_under(out.path()).is_empty());
    }
}

#[test]
#[ignore = "replication coverage at short runs and high load (~1 min); figures in ARCHITECTURE.md"]
fn replication_coverage_at_short_runs_and_high_load() {
    for (load, duration) in [(0.95, "1d"), (0.85, "1d")] {
        let scenario = common::SingleQueue {
            rate_per_hour: load * 20.0 * 12.0,
            aht: "5m",
            agents: 20,
            duration,
            warm_up: "2h",
            interval: "15m",
            seed: 5,
            extra: "",
            pool_extra: "",
        }
        .scenario();
        let theory = erlang_reference(&scenario).unwrap();
        let summaries = experiment::replicate(&scenario, 2_000, 2).unwrap();
        eprintln!("{load} Erl/agent, {duration}, 200 sets of 10 replications:");
        for (metric, truth) in [
            ("probability_wait", theory.probability_wait),
            ("service_level", theory.service_level),
            ("asa", theory.mean_wait),
        ] {
            let (covered, sets) = coverage_of(&summaries, 10, metric, truth);
            let rate = f64::from(covered) / f64::from(sets);
            assert!((0.88..=0.99).contains(&rate), "{metric} at {load}: {rate}");
        }
    }
}

/// Coverage of replication intervals on shares near 0 and 1, against
/// Erlang A: the symmetric t interval (the method before) against the
/// logit-scale one the tool reports, and how often the symmetric one leaves
/// [0, 1]. Per metric: name, coverage before, coverage now, sets outside.
fn share_coverage(duration: &str, warm_up: &str, sets: u32) -> Vec<(String, f64, f64, u32)> {
    // M/M/20+M at 0.6 Erl/agent, 5 min AHT, 10 min mean patience.
    let scenario = common::SingleQueue {
        rate_per_hour: 0.6 * 20.0 * 12.0,
        aht: "5m",
        agents: 20,
        duration,
        warm_up,
        interval: "15m",
        seed: 11,
        extra: "[customers]\npatience = { dist = \"exponential\", mean = \"10m\" }",
        pool_extra: "",
    }
    .scenario();
    let theory = erlang_reference(&scenario).unwrap();
    let summaries = experiment::replicate(&scenario, sets * 10, 2).unwrap();
    let mut out = Vec::new();
    for (name, truth) in [
        ("service_level", theory.service_level),
        ("probability_wait", theory.probability_wait),
        ("abandonment", theory.probability_abandon),
    ] {
        let metric = figures::resolve(name);
        let (mut plain, mut reported, mut outside) = (0u32, 0u32, 0u32);
        for set in summaries.chunks(10) {
            let obs: Vec<_> = set
                .iter()
                .filter_map(|s| figures::observe(s, &metric.path))
                .collect();
            let p = pooling::aggregate(&obs);
            let w = pooling::aggregate_metric(&metric, &obs);
            plain += u32::from(p.low() <= truth && truth <= p.high());
            reported += u32::from(w.low() <= truth && truth <= w.high());
            outside += u32::from(p.low() < 0.0 || p.high() > 1.0);
            assert!(0.0 <= w.low() && w.high() <= 1.0, "{name}: {w:?}");
        }
        let rate = |k: u32| f64::from(k) / f64::from(sets);
        eprintln!(
            "{duration}, {name} {truth:.4}: symmetric t covers {:.1} % ({outside} of {sets} outside [0, 1]), logit scale {:.1} %",
            100.0 * rate(plain),
            100.0 * rate(reported)
        );
        out.push((name.to_string(), rate(plain), rate(reported), outside));
    }
    out
}

#[test]
#[ignore = "share coverage at 0.6 Erl/agent, 400 sets of 10 (~1 min); figures in ARCHITECTURE.md"]
fn share_intervals_cover_near_the_bounds() {
    // One day per replication (~2 600 contacts): on target.
    for (name, _, now, _) in share_coverage("1d", "1h", 400) {
        assert!((0.93..=0.97).contains(&now), "1d {name}: {now}");
    }
    // Two hours (~200 contacts, a few congestion episodes per set of 10):
    // short of target on service level (89.5 % measured), better than the
    // symmetric interval on every share.
    for (name, before, now, _) in share_coverage("2h", "30m", 400) {
        assert!(now >= 0.88 && now > before, "2h {name}: {before} → {now}");
    }
}

#[test]
fn share_intervals_stay_inside_zero_one_at_the_extremes() {
    // Short replications at low load: abandonment mostly 0, service level
    // mostly 1 (asserted inside `share_coverage` for every set).
    let rows = share_coverage("2h", "30m", 20);
    // The symmetric interval does leave [0, 1] here: the case is extreme.
    assert!(
        rows.iter().any(|(_, _, _, outside)| *outside > 0),
        "{rows:?}"
    );
}

/// The parts of `replications.json` named `group` ("channels", "pools",
/// "rules"): (name, figure short name → (mean, [low, high])).
fn parts(json: &serde_json::Value, group: &str) -> Vec<(String, serde_json::Value)> {
    json["parts"][group]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["figures"].clone(),
            )
        })
        .collect()
}

fn figure_of(figures: &serde_json::Value, name: &str) -> (f64, [f64; 2]) {
    let f = figures
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["metric"]["name"] == name)
        .unwrap_or_else(|| panic!("no {name}"));
    let a = &f["aggregate"];
    let r = &a["ci95_range"];
    (
        a["mean"].as_f64().unwrap(),
        [r[0].as_f64().unwrap(), r[1].as_f64().unwrap()],
    )
}

#[test]
fn a_replicated_run_writes_the_single_runs_report_pooled() {
    let dir = tempfile::tempdir().unwrap();
    let o = handoff_sim(&[
        "run",
        "scenarios/basic.toml",
        "--replications",
        "5",
        "--jobs",
        "2",
        "--quiet",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report = find(dir.path(), "report.html");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout
            .trim_end()
            .ends_with(&format!("report: {}", report.display())),
        "{stdout}"
    );
    let folder = report.parent().unwrap();
    for file in [
        "replications.json",
        "intervals.csv",
        "scenario.toml",
        "over_time.svg",
        "over_time.png",
        "occupancy.svg",
        "queue_wait_cdf.svg",
        "shares.svg",
    ] {
        assert!(folder.join(file).is_file(), "{file} missing");
    }
    let html = std::fs::read_to_string(&report).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("replications.json")).unwrap())
            .unwrap();

    // The per-channel table: every queue, each figure the pooled one of
    // replications.json with its interval; voice and chat told apart.
    let channels = parts(&json, "channels");
    let rows = common::html_rows(&html, "<h2>Per channel</h2>");
    let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names, ["all channels", "chat", "voice"]);
    for ((name, numbers), (json_name, figures)) in rows.iter().zip(&channels) {
        assert_eq!(name, json_name);
        let (offered, _) = figure_of(figures, "offered");
        assert_eq!(numbers[0].unwrap().0, offered, "{name}");
        let (sl, [low, high]) = figure_of(figures, "service_level");
        let (value, bounds) = numbers[1].unwrap();
        assert_eq!((value, bounds), (sl, Some([low, high])), "{name}");
        assert!(
            0.0 <= low && low < sl && sl < high && high <= 1.0,
            "{name}: {low} {sl} {high}"
        );
    }
    let sl = |i: usize| rows[i].1[1].unwrap();
    // basic.toml: chat ≈ 83 %, voice ≈ 25 %, far apart for 5 replications.
    assert!(
        sl(2).1.unwrap()[1] < sl(1).1.unwrap()[0],
        "{:?} {:?}",
        sl(1),
        sl(2)
    );
    // The all-channel queue's offered contacts are the channels' sum.
    let offered = |i: usize| rows[i].1[0].unwrap().0;
    assert!((offered(0) - offered(1) - offered(2)).abs() < 1e-9);

    // Per pool and per rule, from the same pooled figures.
    let pools = common::html_rows(&html, "<h2>Per pool</h2>");
    let names: Vec<&str> = pools.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names, ["general", "specialists"]);
    for ((name, numbers), (_, figures)) in pools.iter().zip(&parts(&json, "pools")) {
        assert_eq!(
            numbers[0].unwrap().0,
            figure_of(figures, "occupancy").0,
            "{name}"
        );
    }
    let rules = common::html_rows(&html, "<h2>Per rule</h2>");
    let json_rules = parts(&json, "rules");
    assert_eq!(rules.len(), json_rules.len());
    assert!(rules.iter().any(|r| r.0 == "explicit_request"));
    // Every escalation a rule fired was offered to a human: the rules'
    // escalations per replication add up to at most the queue's offered.
    let fired: f64 = rules.iter().map(|r| r.1[0].unwrap().0).sum();
    assert!(
        fired > 0.8 * offered(0) && fired <= offered(0) + 1e-9,
        "{fired} {}",
        offered(0)
    );
    for (name, numbers) in &rules {
        let (p, bounds) = numbers[2].unwrap();
        let [low, high] = bounds.unwrap();
        assert!(0.0 <= low && low <= p && p <= high && high <= 1.0, "{name}");
    }

    // CI bands: the over-time and CDF charts draw a filled band per line.
    let svg = std::fs::read_to_string(folder.join("over_time.svg")).unwrap();
    assert!(
        svg.matches("<polygon").count() >= 9,
        "bands in over_time.svg"
    );
    let svg = std::fs::read_to_string(folder.join("queue_wait_cdf.svg")).unwrap();
    assert!(
        svg.matches("<polygon").count() >= 2,
        "bands in queue_wait_cdf.svg"
    );

    // intervals.csv: two rows per interval, every pooled figure inside its
    // interval, shares inside [0, 1].
    let csv = std::fs::read_to_string(folder.join("intervals.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows.len(),
        2 * 30,
        "8 h of 15-min intervals after a 30-min warm-up, per channel"
    );
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    for name in [
        "service_level",
        "abandonment_rate",
        "asa_s",
        "offered",
        "occupancy_general",
    ] {
        let (m, l, h, n) = (
            column(name),
            column(&format!("{name}_ci_low")),
            column(&format!("{name}_ci_high")),
            column(&format!("{name}_n")),
        );
        for row in &rows {
            if row[m].is_empty() {
                continue;
            }
            let (mean, low, high): (f64, f64, f64) = (
                row[m].parse().unwrap(),
                row[l].parse().unwrap(),
                row[h].parse().unwrap(),
            );
            assert!(low <= mean && mean <= high, "{name}: {row:?}");
            assert!(low >= 0.0, "{name}: {row:?}");
            if name != "asa_s" && name != "offered" {
                assert!(high <= 1.0, "{name}: {row:?}");
            }
            assert!(row[n].parse::<u32>().unwrap() <= 5);
        }
    }
    assert!(rows.iter().all(|r| r[column("replications")] == "5"));
}

#[test]
fn pooled_intervals_are_the_ratio_of_the_replications_sums() {
    let scenario = handoff_sim::Scenario::load(&bundled_path("basic.toml")).unwrap();
    let results =
        experiment::run_jobs(&[&scenario], 4, &experiment::all_jobs(1, 4), 2, true, None).unwrap();
    let jobs: Vec<experiment::Job> = results.into_iter().map(|(_, j)| j).collect();
    let traces: Vec<_> = jobs.iter().map(|j| j.trace.clone().unwrap()).collect();
    let pooled = experiment::Replicated::of_jobs(&scenario, jobs.clone())
        .series
        .unwrap();
    assert_eq!(pooled.intervals.len(), traces[0].intervals.len());
    for (i, row) in pooled.intervals.iter().enumerate() {
        for c in 0..2 {
            let sum = |f: fn(&handoff_sim::metrics::IntervalChannel) -> u64| -> u64 {
                traces.iter().map(|t| f(&t.intervals[i].channels[c])).sum()
            };
            let base = sum(|x| x.service_level_base);
            let pooled_sl = row.channels[c].service_level.map(|a| a.mean);
            if base == 0 {
                assert_eq!(pooled_sl, None);
            } else {
                let direct = sum(|x| x.answered_within) as f64 / base as f64;
                assert!(
                    (pooled_sl.unwrap() - direct).abs() < 1e-12,
                    "interval {i} channel {c}"
                );
            }
            let offered = sum(|x| x.offered) as f64 / 4.0;
            assert!((row.channels[c].offered.mean - offered).abs() < 1e-9);
        }
    }
    // The waits' distribution reaches 1 past the longest wait and never
    // falls; it has a point at the 20 s threshold.
    for w in &pooled.waits {
        let last = w.cdf.last().unwrap();
        assert!(last.0 >= w.longest_s);
        assert!((last.1.mean - 1.0).abs() < 1e-12);
        assert!(w.cdf.windows(2).all(|p| p[0].1.mean <= p[1].1.mean + 1e-12));
        assert!(w.cdf.iter().any(|(t, _)| *t == 20));
    }
}

/// Of the per-interval intervals of `sets` sets of `n` replications of an
/// M/M/c day, the share covering Erlang C: (figure, covered, intervals).
/// Service level and ASA per interval (voice), occupancy per interval, and
/// the waits' distribution at the service-level threshold.
fn series_coverage(
    scenario: &handoff_sim::Scenario,
    sets: u32,
    n: u32,
) -> Vec<(&'static str, u32, u32)> {
    let truth = erlang_reference(scenario).unwrap();
    let all = experiment::all_jobs(1, sets * n);
    let results = experiment::run_jobs(&[scenario], sets * n, &all, 2, true, None).unwrap();
    let jobs: Vec<experiment::Job> = results.into_iter().map(|(_, j)| j).collect();
    let mut tally = [
        ("service_level", 0, 0),
        ("asa", 0, 0),
        ("occupancy", 0, 0),
        ("waits_at_threshold", 0, 0),
    ];
    let threshold = truth.threshold as u64;
    for set in jobs.chunks(n as usize) {
        let run = experiment::Replicated::of_jobs(scenario, set.to_vec())
            .series
            .unwrap();
        let mut count = |k: usize, a: Option<&pooling::Aggregate>, value: f64| {
            if let Some(a) = a {
                tally[k].1 += u32::from(a.low() <= value && value <= a.high());
                tally[k].2 += 1;
            }
        };
        for row in &run.intervals {
            let voice = &row.channels[1];
            count(0, voice.service_level.as_ref(), truth.service_level);
            count(1, voice.asa_s.as_ref(), truth.mean_wait);
            count(2, row.occupancy.first(), truth.occupancy);
        }
        let at = run.waits[1]
            .cdf
            .iter()
            .find(|(t, _)| *t == threshold)
            .map(|(_, a)| a);
        count(3, at, truth.service_level);
    }
    for (name, covered, total) in tally {
        eprintln!(
            "{name}: covered in {covered} of {total} ({:.1} %)",
            100.0 * covered as f64 / total as f64
        );
    }
    tally.to_vec()
}

fn one_day_mmc(seed: u64) -> handoff_sim::Scenario {
    one_day_mmc_at(204.0, seed)
}

/// M/M/20 over one day (2 h warm-up) at `rate_per_hour` with 5-min calls:
/// 204/h is 0.85 Erl/agent, 228/h 0.95.
fn one_day_mmc_at(rate_per_hour: f64, seed: u64) -> handoff_sim::Scenario {
    common::SingleQueue {
        rate_per_hour,
        aht: "5m",
        agents: 20,
        duration: "1d",
        warm_up: "2h",
        interval: "1h",
        seed,
        extra: "",
        pool_extra: "",
    }
    .scenario()
}

#[test]
fn pooled_series_cover_erlang_c_per_interval() {
    // 30 sets of 10 one-day M/M/20 replications at 0.85 Erl/agent: 660
    // hourly intervals per figure (the ignored test below runs 200 sets).
    for (name, covered, total) in series_coverage(&one_day_mmc(5), 30, 10) {
        let share = covered as f64 / total as f64;
        assert!(share >= 0.85, "{name}: covered in {covered} of {total}");
    }
}

#[test]
#[ignore = "4 000 one-day runs (~20 s on 2 cores); the figures in ARCHITECTURE.md"]
fn pooled_series_cover_erlang_c_per_interval_over_many_sets() {
    // ASA, a mean of skewed waits from 10 replications, covers a little
    // below 95 % like the headline ASA (ARCHITECTURE.md, known limits).
    for (name, covered, total) in series_coverage(&one_day_mmc(5), 200, 10) {
        let share = covered as f64 / total as f64;
        let low = if name == "asa" { 0.90 } else { 0.93 };
        assert!(
            (low..=0.98).contains(&share),
            "{name}: covered in {covered} of {total}"
        );
    }
    // At 0.95 Erl/agent, where an hour's figures swing most.
    for (name, covered, total) in series_coverage(&one_day_mmc_at(228.0, 5), 200, 10) {
        let share = covered as f64 / total as f64;
        let low = if name == "asa" { 0.90 } else { 0.92 };
        assert!(
            (low..=0.98).contains(&share),
            "{name}: covered in {covered} of {total}"
        );
    }
}
