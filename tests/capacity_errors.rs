//! Capacity-planning inputs that are wrong — forecast files, shifts, shift
//! templates, requirements — give exit code 2, a message naming the file and
//! the row or key, and write nothing.

use std::path::Path;
use std::process::Command;

const SCENARIO: &str = r#"[simulation]
name = "plan"
duration = "1d"
interval = "30m"

[arrivals]
forecast_file = "forecast.csv"

[channels]
chat = 0.0
voice = 1.0

[[intents]]
name = "a"
share = 1.0
handle_time = { dist = "exponential", mean = "4m" }
skill = "general"

[ai_agent]
enabled = false

[[agents]]
name = "pool"
skills = ["general"]

[[agents.shifts]]
start = "08:00"
end = "16:00"
count = 10
breaks = [{ at = "12:00", length = "30m" }]
"#;

const FORECAST: &str = "interval_start,contacts\n08:00,40\n08:30,50\n09:00,60\n09:30,50\n";

struct Outcome {
    code: Option<i32>,
    stderr: String,
    wrote_anything: bool,
}

/// Writes the scenario, forecast and (optional) other files into a fresh
/// folder and runs `args` (with `{dir}` replaced by it) with `--out`.
fn run(scenario: &str, forecast: &str, extra: &[(&str, &str)], args: &[&str]) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.toml"), scenario).unwrap();
    std::fs::write(dir.path().join("forecast.csv"), forecast).unwrap();
    for (name, text) in extra {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let out = dir.path().join("out");
    let root = dir.path().display().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_handoff-sim"))
        .args(args.iter().map(|a| a.replace("{dir}", &root)))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    Outcome {
        code: output.status.code(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        wrote_anything: out.exists(),
    }
}

fn run_scenario(scenario: &str, forecast: &str) -> Outcome {
    run(scenario, forecast, &[], &["run", "{dir}/plan.toml"])
}

fn expect_bad_input(outcome: Outcome, needles: &[&str]) {
    assert_eq!(outcome.code, Some(2), "stderr: {}", outcome.stderr);
    assert!(!outcome.wrote_anything, "wrote output for a bad input");
    for needle in needles {
        assert!(
            outcome.stderr.contains(needle),
            "`{needle}` missing from: {}",
            outcome.stderr
        );
    }
}

#[test]
fn the_base_plan_runs() {
    let ok = run_scenario(SCENARIO, FORECAST);
    assert_eq!(ok.code, Some(0), "{}", ok.stderr);
    assert!(ok.wrote_anything);
}

#[test]
fn forecast_missing_column() {
    expect_bad_input(
        run_scenario(SCENARIO, "interval_start,calls\n08:00,40\n08:30,50\n"),
        &["forecast.csv", "contacts", "arrivals.forecast_file"],
    );
}

#[test]
fn forecast_negative_count() {
    expect_bad_input(
        run_scenario(SCENARIO, &FORECAST.replace("09:00,60", "09:00,-3")),
        &["forecast.csv:4", "contacts"],
    );
}

#[test]
fn forecast_gap() {
    expect_bad_input(
        run_scenario(SCENARIO, &FORECAST.replace("09:00,60\n", "")),
        &["forecast.csv:4", "gap", "09:00"],
    );
}

#[test]
fn forecast_unparsable_time() {
    expect_bad_input(
        run_scenario(SCENARIO, &FORECAST.replace("08:30", "8h30")),
        &["forecast.csv:3", "interval_start"],
    );
}

#[test]
fn forecast_file_missing() {
    expect_bad_input(
        run_scenario(&SCENARIO.replace("forecast.csv", "nowhere.csv"), FORECAST),
        &["nowhere.csv"],
    );
}

#[test]
fn shift_ending_before_it_starts() {
    expect_bad_input(
        run_scenario(
            &SCENARIO.replace("end = \"16:00\"", "end = \"06:00\""),
            FORECAST,
        ),
        &[
            "plan.toml:",
            "agents[0].shifts[0].end",
            "before it starts",
            "overnight",
        ],
    );
}

#[test]
fn break_outside_its_shift() {
    expect_bad_input(
        run_scenario(
            &SCENARIO.replace("at = \"12:00\"", "at = \"17:00\""),
            FORECAST,
        ),
        &["agents[0].shifts[0].breaks[0].at", "outside its shift"],
    );
}

#[test]
fn two_kinds_of_staffing() {
    expect_bad_input(
        run_scenario(
            &SCENARIO.replace(
                "skills = [\"general\"]\n\n[[agents.shifts]]",
                "skills = [\"general\"]\ncount = 3\n\n[[agents.shifts]]",
            ),
            FORECAST,
        ),
        &["agents[0].count", "exactly one"],
    );
}

#[test]
fn unknown_weekday() {
    expect_bad_input(
        run_scenario(
            &SCENARIO.replace("count = 10\n", "count = 10\ndays = [\"mon\", \"funday\"]\n"),
            FORECAST,
        ),
        &["agents[0].shifts[0].days", "funday"],
    );
}

const REQUIREMENT: &str = "interval_start_s,simulated\n0,0\n1800,0\n";

fn requirement() -> String {
    // 48 half-hours, 10 agents from 08:00 to 16:00.
    let mut text = String::from("interval_start_s,interval,simulated\n");
    for k in 0..48 {
        let need = if (16..32).contains(&k) { 10 } else { 0 };
        text += &format!("{},x,{need}\n", k * 1800);
    }
    text
}

const TEMPLATES: &str = "[[templates]]\nname = \"day\"\nstarts = [\"08:00\"]\nlength = \"8h\"\n";

fn schedule(templates: &str, requirement: &str) -> Outcome {
    run(
        SCENARIO,
        FORECAST,
        &[("templates.toml", templates), ("staffing.csv", requirement)],
        &[
            "schedule",
            "{dir}/plan.toml",
            "--requirement",
            "{dir}/staffing.csv",
            "--shift-templates",
            "{dir}/templates.toml",
            "--replications",
            "2",
        ],
    )
}

#[test]
fn schedule_covers_a_simple_requirement_exactly() {
    let ok = schedule(TEMPLATES, &requirement());
    assert_eq!(ok.code, Some(0), "{}", ok.stderr);
}

#[test]
fn template_that_can_never_be_used() {
    // A start off the 30-minute grid of the requirement.
    expect_bad_input(
        schedule(&TEMPLATES.replace("08:00", "08:10"), &requirement()),
        &["templates.toml", "templates[0].starts[0]"],
    );
    // A break window outside the shift.
    expect_bad_input(
        schedule(
            &format!(
                "{TEMPLATES}breaks = [{{ earliest = \"7h\", latest = \"9h\", length = \"30m\" }}]\n"
            ),
            &requirement(),
        ),
        &["templates.toml", "templates[0].breaks[0]"],
    );
}

#[test]
fn requirement_errors_name_the_row() {
    expect_bad_input(
        schedule(TEMPLATES, "interval_start_s,erlang_c\n0,1\n1800,2\n"),
        &["staffing.csv", "simulated"],
    );
    expect_bad_input(
        schedule(
            TEMPLATES,
            &requirement().replace("28800,x,10", "28800,x,-1"),
        ),
        &["staffing.csv:18", "simulated"],
    );
    let _ = REQUIREMENT;
}

#[test]
fn staff_rejects_bad_targets_and_pools_before_writing() {
    let bad_target = run(
        SCENARIO,
        FORECAST,
        &[],
        &["staff", "{dir}/plan.toml", "--target", "asa <= 20"],
    );
    expect_bad_input(bad_target, &["target", "service_level"]);
    let bad_pool = run(
        SCENARIO,
        FORECAST,
        &[],
        &["staff", "{dir}/plan.toml", "--pool", "nobody"],
    );
    expect_bad_input(bad_pool, &["nobody", "pool"]);
    let _ = Path::new("");
}

fn with_head_count_file(column: &str) -> String {
    SCENARIO.replace(
        "skills = [\"general\"]\n\n[[agents.shifts]]\nstart = \"08:00\"\nend = \"16:00\"\ncount = 10\nbreaks = [{ at = \"12:00\", length = \"30m\" }]\n",
        &format!("skills = [\"general\"]\nstaffing_file = \"staffing.csv\"\nstaffing_column = \"{column}\"\n"),
    )
}

#[test]
fn head_counts_from_a_staffing_csv() {
    // The staffing.csv of `staff` staffs a pool directly.
    let ok = run(
        &with_head_count_file("simulated"),
        FORECAST,
        &[("staffing.csv", &requirement())],
        &["run", "{dir}/plan.toml"],
    );
    assert_eq!(ok.code, Some(0), "{}", ok.stderr);
    let gap = requirement().replace("3600,x,0\n", "");
    expect_bad_input(
        run(
            &with_head_count_file("simulated"),
            FORECAST,
            &[("staffing.csv", &gap)],
            &["run", "{dir}/plan.toml"],
        ),
        &[
            "staffing.csv:4",
            "interval_start_s",
            "agents[0].staffing_file",
        ],
    );
    expect_bad_input(
        run(
            &with_head_count_file("agents"),
            FORECAST,
            &[("staffing.csv", &requirement())],
            &["run", "{dir}/plan.toml"],
        ),
        &["staffing.csv:1", "`agents`", "missing column"],
    );
}
