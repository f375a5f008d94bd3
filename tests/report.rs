//! The report of a run: every chart, the HTML page, the CSV exports, and the
//! shape of `summary.json` (pinned by an insta snapshot).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const CHARTS: [&str; 8] = [
    "queue_wait_histogram",
    "queue_wait_cdf",
    "over_time",
    "occupancy",
    "quality",
    "trigger_outcomes",
    "detection_delay",
    "decision_latency",
];

/// Runs basic.toml (chat and voice, bot on) with `--conversations` into a
/// fresh folder and returns (tempdir guard, run folder, stdout).
fn run_basic() -> (tempfile::TempDir, PathBuf, String) {
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_handoff-sim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "scenarios/basic.toml", "--conversations", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let dir = std::fs::read_dir(out.path().join("basic"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    (out, dir, stdout)
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Looks up a dotted path with `[i]` indices in a JSON value.
fn lookup<'a>(value: &'a Value, path: &str) -> &'a Value {
    path.split('.')
        .fold(value, |v, part| match part.split_once('[') {
            Some((key, index)) => &v[key][index.trim_end_matches(']').parse::<usize>().unwrap()],
            None => &v[part],
        })
}

#[test]
fn a_run_writes_every_chart_the_html_and_the_exports() {
    let (_guard, dir, stdout) = run_basic();
    // The run ends by printing the path of report.html.
    let last = stdout.lines().last().unwrap();
    assert_eq!(
        last,
        format!("report: {}", dir.join("report.html").display())
    );

    for chart in CHARTS {
        for ext in ["svg", "png"] {
            let path = dir.join(format!("{chart}.{ext}"));
            let size = std::fs::metadata(&path)
                .unwrap_or_else(|_| panic!("{} missing", path.display()))
                .len();
            assert!(size > 5_000, "{} is only {size} bytes", path.display());
        }
        let svg = std::fs::read_to_string(dir.join(format!("{chart}.svg"))).unwrap();
        assert!(
            svg.contains("<svg") && svg.contains("<text"),
            "{chart}.svg has no text"
        );
    }
    // Nothing temporary is left behind.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            !name.contains("tmp") && !name.contains("partial"),
            "{name} left behind"
        );
    }

    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let summary = json(&dir.join("summary.json"));
    for chart in CHARTS {
        assert!(
            html.contains(&format!("<figure id=\"{chart}\">")),
            "{chart} not in report.html"
        );
    }
    assert!(!html.contains("<script"), "the report needs no JavaScript");
    // The only URL is the SVG namespace name, which is never fetched.
    let without_namespace = html.replace("http://www.w3.org/2000/svg", "");
    assert!(
        !without_namespace.contains("http://") && !without_namespace.contains("https://"),
        "the report loads nothing"
    );
    assert!(
        html.contains("[simulation]"),
        "the scenario text is at the bottom"
    );
    // Every headline value equals the one in summary.json.
    let mut checked = 0;
    for part in html.split("data-key=\"").skip(1) {
        let (key, rest) = part.split_once('"').unwrap();
        let value = rest
            .split("data-value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let expected = lookup(&summary, key);
        assert_eq!(
            value.parse::<f64>().unwrap(),
            expected.as_f64().unwrap(),
            "{key}"
        );
        checked += 1;
    }
    for key in [
        "measured.human_queue.service_level.value",
        "measured.human_queue.asa_s.value",
        "measured.human_queue.abandonment_rate.value",
        "measured.bot.handoff_rate.value",
        "measured.human_queue.post_handoff_fcr.value",
        "measured.handoff.repeat_contact_rate.value",
        "measured.handoff.csat.delta",
        "pools[0].occupancy.value",
    ] {
        assert!(
            html.contains(&format!("data-key=\"{key}\"")),
            "{key} missing from the headline"
        );
    }
    assert!(checked >= 8);

    // The per-channel, per-pool and per-rule tables, as the printed summary
    // has them: each figure the summary's.
    let by_channel = &summary["measured"]["by_channel"];
    let rows = common::html_rows(&html, "<h2>Per channel</h2>");
    let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names, ["all channels", "chat", "voice"]);
    for (name, numbers) in &rows {
        let queue = if name == "all channels" {
            &summary["measured"]["human_queue"]
        } else {
            &by_channel[name.as_str()]
        };
        assert_eq!(
            numbers[0].unwrap().0,
            queue["offered"].as_f64().unwrap(),
            "{name}"
        );
        let sl = numbers[1].unwrap();
        assert_eq!(
            sl.0,
            queue["service_level"]["value"].as_f64().unwrap(),
            "{name}"
        );
        assert_eq!(sl.1, None, "one run: no interval across replications");
        assert_eq!(
            numbers[2].unwrap().0,
            queue["asa_s"]["value"].as_f64().unwrap()
        );
    }
    let pools = common::html_rows(&html, "<h2>Per pool</h2>");
    for (i, (name, numbers)) in pools.iter().enumerate() {
        let pool = &summary["pools"][i];
        assert_eq!(name, pool["name"].as_str().unwrap());
        assert_eq!(
            numbers[0].unwrap().0,
            pool["occupancy"]["value"].as_f64().unwrap()
        );
        assert_eq!(
            numbers[1].unwrap().0,
            pool["agents_engaged"].as_f64().unwrap()
        );
    }
    let by_rule = &summary["measured"]["triggers"]["by_rule"];
    let rules = common::html_rows(&html, "<h2>Per rule</h2>");
    assert_eq!(rules.len(), by_rule.as_object().unwrap().len());
    for (name, numbers) in &rules {
        let rule = &by_rule[name.as_str()];
        assert_eq!(
            numbers[0].unwrap().0,
            rule["fired"].as_f64().unwrap(),
            "{name}"
        );
        assert_eq!(
            numbers[2].unwrap().0,
            rule["precision"]["value"].as_f64().unwrap()
        );
    }
    // A count reads as a whole number.
    let offered = summary["measured"]["human_queue"]["offered"]
        .as_u64()
        .unwrap();
    assert!(
        html.contains(&format!("data-value=\"{offered}\">{offered}</td>")),
        "offered {offered} as a whole number"
    );

    // intervals.csv parses back and adds up to the summary.
    let mut reader = csv::Reader::from_path(dir.join("intervals.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (arrivals, offered, answered, abandoned, still_waiting) = (
        column("arrivals"),
        column("offered"),
        column("answered"),
        column("abandoned"),
        column("still_waiting"),
    );
    let mut totals = [0u64; 5];
    let mut rows = 0;
    for record in reader.records() {
        let record = record.unwrap();
        for (t, c) in totals
            .iter_mut()
            .zip([arrivals, offered, answered, abandoned, still_waiting])
        {
            *t += record[c].parse::<u64>().unwrap();
        }
        rows += 1;
    }
    let q = &summary["measured"]["human_queue"];
    assert_eq!(totals[0], summary["measured"]["arrivals"].as_u64().unwrap());
    assert_eq!(totals[1], q["offered"].as_u64().unwrap());
    assert_eq!(totals[2], q["answered"].as_u64().unwrap());
    assert_eq!(totals[3], q["abandoned"].as_u64().unwrap());
    assert_eq!(totals[4], q["still_waiting"].as_u64().unwrap());
    assert_eq!(
        totals[1],
        totals[2] + totals[3] + totals[4],
        "offered = answered + abandoned + still waiting"
    );
    assert_eq!(rows % 2, 0, "one row per interval and channel");

    // conversations.csv: one row per ended conversation, outcomes as counted.
    let mut reader = csv::Reader::from_path(dir.join("conversations.csv")).unwrap();
    let outcome = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "outcome")
        .unwrap();
    let mut outcomes = std::collections::BTreeMap::<String, u64>::new();
    for record in reader.records() {
        *outcomes
            .entry(record.unwrap()[outcome].to_string())
            .or_default() += 1;
    }
    let c = &summary["conversations"];
    for key in [
        "resolved_by_ai",
        "resolved_by_human",
        "unresolved",
        "abandoned_in_bot",
        "abandoned_in_queue",
    ] {
        assert_eq!(
            outcomes.get(key).copied().unwrap_or(0),
            c[key].as_u64().unwrap(),
            "{key}"
        );
    }
}

/// The shape of a JSON value: every leaf replaced by its type name.
fn shape(value: &Value) -> Value {
    match value {
        Value::Null => Value::String("null".into()),
        Value::Bool(_) => Value::String("bool".into()),
        Value::Number(_) => Value::String("number".into()),
        Value::String(_) => Value::String("string".into()),
        Value::Array(items) => Value::Array(items.iter().take(1).map(shape).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), shape(v))).collect())
        }
    }
}

#[test]
fn summary_json_shape_is_stable() {
    let scenario = handoff_sim::Scenario::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/basic.toml"),
    )
    .unwrap();
    let run = handoff_sim::sim::run(&scenario, 0).unwrap();
    let value: Value =
        serde_json::from_str(&handoff_sim::report::summary_json(&run.summary)).unwrap();
    assert_eq!(value["schema_version"], 7);
    insta::assert_json_snapshot!("summary_shape", shape(&value));
}
