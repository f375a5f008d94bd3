use std::path::Path;
use std::time::{Duration, Instant};

use super::*;
use super::{clock::*, columns::*, rounding::*};

const H: u32 = 3600;
const Q: u32 = 900; // 15 minutes

fn file() -> &'static Path {
    Path::new("shifts.toml")
}

fn tpl(name: &str, starts: &[u32], length_s: u32) -> ShiftTemplate {
    ShiftTemplate {
        name: name.to_string(),
        starts_s: starts.to_vec(),
        length_s,
        breaks: Vec::new(),
        max_count: None,
    }
}

/// Requirement of `level` agents in [from_h, to_h) hours on a grid of `interval_s`.
fn flat(level: u32, from_s: u32, to_s: u32, interval_s: u32) -> Vec<u32> {
    (0..DAY_S / interval_s)
        .map(|k| {
            let t = k * interval_s;
            if t >= from_s && t < to_s { level } else { 0 }
        })
        .collect()
}

fn assert_feasible(plan: &Plan, requirement: &[u32]) {
    assert_eq!(plan.coverage.len(), requirement.len());
    for (k, (&c, &r)) in plan.coverage.iter().zip(requirement).enumerate() {
        assert!(c >= r, "interval {k}: coverage {c} < requirement {r}");
    }
    assert!(plan.agent_hours + 1e-6 >= plan.lp_bound_hours, "{plan:?}");
}

fn limit() -> Duration {
    Duration::from_secs(10)
}

#[test]
fn flat_day_needs_exactly_five_eight_hour_agents() {
    let req = flat(5, 8 * H, 16 * H, Q);
    let plan = solve(&req, Q, &[tpl("day", &[8 * H], 8 * H)], limit()).unwrap();
    assert_feasible(&plan, &req);
    assert_eq!(plan.shifts.len(), 1);
    assert_eq!(plan.shifts[0].count, 5);
    assert_eq!(plan.shifts[0].start_s, 8 * H);
    assert!((plan.agent_hours - 40.0).abs() < 1e-9);
    assert!((plan.lp_bound_hours - 40.0).abs() < 1e-6);
    assert_eq!(plan.coverage, req);
    assert_eq!(plan.method, "branch and bound (optimal)");
}

#[test]
fn breaks_remove_agents_so_a_tight_requirement_needs_an_extra_one() {
    let half = 1800;
    let mut t = tpl("day", &[8 * H], 8 * H);
    t.breaks = vec![BreakWindow {
        earliest_s: 3 * H,
        latest_s: 4 * H,
        length_s: half,
    }];
    let req = flat(2, 8 * H, 16 * H, half);
    let plan = solve(&req, half, &[t], limit()).unwrap();
    assert_feasible(&plan, &req);
    let agents: u32 = plan.shifts.iter().map(|s| s.count).sum();
    assert_eq!(agents, 3, "{plan:?}");
    assert!((plan.agent_hours - 24.0).abs() < 1e-9);
    assert!((plan.lp_bound_hours - 24.0).abs() < 1e-6);
    // Three different break slots, each leaving exactly 2 on duty.
    assert_eq!(plan.shifts.len(), 3);
    for s in &plan.shifts {
        let k = ((s.start_s + s.breaks_at_s[0]) / half) as usize;
        assert_eq!(plan.coverage[k], 2);
    }
    assert_eq!(plan.coverage[(10 * H / half) as usize], 3);
}

#[test]
fn overnight_shift_wraps_to_the_start_of_the_day() {
    let mut req = flat(3, 22 * H, 24 * H, Q);
    for (k, r) in req.iter_mut().enumerate() {
        if (k as u32) * Q < 6 * H {
            *r = 3;
        }
    }
    let plan = solve(&req, Q, &[tpl("night", &[22 * H], 8 * H)], limit()).unwrap();
    assert_feasible(&plan, &req);
    assert_eq!(plan.shifts.len(), 1);
    assert_eq!(plan.shifts[0].count, 3);
    assert_eq!(plan.coverage[0], 3);
    assert_eq!(plan.coverage[(5 * H / Q) as usize], 3);
    assert_eq!(plan.coverage[(6 * H / Q) as usize], 0);
    assert_eq!(plan.coverage[(23 * H / Q) as usize], 3);
    assert!((plan.agent_hours - 24.0).abs() < 1e-9);
}

#[test]
fn max_count_is_respected() {
    let mut cheap = tpl("cheap", &[8 * H], 8 * H);
    cheap.max_count = Some(2);
    let pricey = tpl("pricey", &[7 * H + 1800], 9 * H);
    let req = flat(5, 8 * H, 16 * H, Q);
    let plan = solve(&req, Q, &[cheap, pricey], limit()).unwrap();
    assert_feasible(&plan, &req);
    let count = |name: &str| -> u32 {
        plan.shifts
            .iter()
            .filter(|s| s.template == name)
            .map(|s| s.count)
            .sum()
    };
    assert_eq!(count("cheap"), 2);
    assert_eq!(count("pricey"), 3);
    assert!((plan.agent_hours - 43.0).abs() < 1e-9);
}

#[test]
fn uncovered_interval_is_named() {
    let mut req = flat(2, 8 * H, 16 * H, Q);
    req[12] = 1; // 03:00–03:15
    let err = solve(&req, Q, &[tpl("day", &[8 * H], 8 * H)], limit()).unwrap_err();
    match err {
        ScheduleError::Infeasible {
            interval,
            required,
            message,
        } => {
            assert_eq!((interval, required), (12, 1));
            assert!(message.contains("03:00–03:15"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn caps_too_small_for_one_interval_are_named() {
    let mut t = tpl("day", &[8 * H], 8 * H);
    t.max_count = Some(2);
    let req = flat(5, 8 * H, 16 * H, Q);
    let err = solve(&req, Q, &[t], limit()).unwrap_err();
    assert!(
        matches!(
            err,
            ScheduleError::Infeasible {
                interval: 32,
                required: 5,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("at most 2"), "{err}");
}

#[test]
fn caps_that_only_fail_jointly_are_named() {
    // One agent could cover either half of 08:00–24:00, but not both.
    let mut t = tpl("day", &[8 * H, 16 * H], 8 * H);
    t.max_count = Some(1);
    let req = flat(1, 8 * H, 24 * H, Q);
    let err = solve(&req, Q, &[t], limit()).unwrap_err();
    match err {
        ScheduleError::Infeasible {
            interval, required, ..
        } => {
            assert!((32..96).contains(&interval), "{interval}");
            assert_eq!(required, 1);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_requirement_length_is_an_input_error() {
    let err = solve(&[1; 10], Q, &[tpl("day", &[8 * H], 8 * H)], limit()).unwrap_err();
    assert!(matches!(err, ScheduleError::Input(_)), "{err:?}");
}

#[test]
fn zero_requirement_gives_an_empty_plan() {
    let plan = solve(&[0; 96], Q, &[tpl("day", &[8 * H], 8 * H)], limit()).unwrap();
    assert!(plan.shifts.is_empty());
    assert_eq!(plan.agent_hours, 0.0);
    assert!(toml::from_str::<toml::Table>(&fragment(&plan)).is_ok());
}

#[test]
fn no_time_for_branch_and_bound_falls_back_to_rounding() {
    let req = realistic_requirement();
    let plan = solve(&req, Q, &realistic_templates(), Duration::ZERO).unwrap();
    assert_eq!(plan.method, "LP rounding");
    assert_feasible(&plan, &req);
    let gap = plan.agent_hours / plan.lp_bound_hours - 1.0;
    println!(
        "LP rounding alone: {:.2} h, LP bound {:.2} h, gap {:.2} %",
        plan.agent_hours,
        plan.lp_bound_hours,
        gap * 100.0
    );
    assert!(gap <= 0.05, "rounding gap {:.2} %", gap * 100.0);
}

#[test]
fn rounding_is_feasible_and_respects_caps() {
    let mut templates = realistic_templates();
    templates[2].max_count = Some(6);
    let req = realistic_requirement();
    let columns = build_columns(&templates, Q);
    // Fractional "LP" values, deliberately poor.
    let lp: Vec<f64> = (0..columns.len()).map(|i| (i % 7) as f64 * 0.13).collect();
    let x = round_lp(&columns, &lp, &req, &templates).unwrap();
    assert!(first_deficit(&columns, &x, &req).is_none());
    assert!(respects_caps(&columns, &x, &templates));
    // And from nothing at all.
    let x = round_lp(&columns, &vec![0.0; columns.len()], &req, &templates).unwrap();
    assert!(first_deficit(&columns, &x, &req).is_none());
}

#[test]
fn pseudo_random_requirements_are_always_covered() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as u32
    };
    let templates = vec![
        ShiftTemplate {
            name: "full".into(),
            starts_s: (0..24).map(|h| h * H).collect(),
            length_s: 8 * H,
            breaks: vec![BreakWindow {
                earliest_s: 3 * H,
                latest_s: 4 * H,
                length_s: 1800,
            }],
            max_count: None,
        },
        {
            let mut t = tpl(
                "part",
                &(0..48).map(|h| h * 1800).collect::<Vec<_>>(),
                4 * H,
            );
            t.max_count = Some(10);
            t
        },
    ];
    for _ in 0..4 {
        let req: Vec<u32> = (0..48).map(|_| next() % 9).collect();
        let plan = solve(&req, 1800, &templates, Duration::from_secs(2)).unwrap();
        assert_feasible(&plan, &req);
        let part: u32 = plan
            .shifts
            .iter()
            .filter(|s| s.template == "part")
            .map(|s| s.count)
            .sum();
        assert!(part <= 10);
    }
}

fn realistic_requirement() -> Vec<u32> {
    // 2 at 07:00 rising to 30 at 12:00, down to 5 at 20:00, none at night.
    (0..96)
        .map(|k| {
            let h = f64::from(k) * 0.25;
            let v = if !(7.0..20.0).contains(&h) {
                0.0
            } else if h <= 12.0 {
                2.0 + (h - 7.0) / 5.0 * 28.0
            } else {
                30.0 - (h - 12.0) / 8.0 * 25.0
            };
            v.round() as u32
        })
        .collect()
}

fn realistic_templates() -> Vec<ShiftTemplate> {
    let starts: Vec<u32> = (0..30).map(|i| 5 * H + i * 1800).collect(); // 05:00..19:30
    let window = |earliest_s: u32, length_s: u32| BreakWindow {
        earliest_s,
        latest_s: earliest_s + 7 * Q, // 8 positions
        length_s,
    };
    vec![
        ShiftTemplate {
            name: "full".into(),
            starts_s: starts.clone(),
            length_s: 8 * H + 1800,
            breaks: vec![window(3 * H, 1800)],
            max_count: None,
        },
        ShiftTemplate {
            name: "short".into(),
            starts_s: starts.clone(),
            length_s: 6 * H,
            breaks: vec![window(2 * H, Q)],
            max_count: None,
        },
        ShiftTemplate {
            name: "part".into(),
            starts_s: starts,
            length_s: 4 * H,
            breaks: vec![window(H + 1800, Q)],
            max_count: Some(20),
        },
    ]
}

#[test]
fn realistic_lunch_peak_solves_fast_and_close_to_the_lp_bound() {
    let req = realistic_requirement();
    let templates = realistic_templates();
    assert_eq!(build_columns(&templates, Q).len(), 720);
    let t0 = Instant::now();
    let plan = solve(&req, Q, &templates, Duration::from_secs(8)).unwrap();
    let took = t0.elapsed();
    assert_feasible(&plan, &req);
    let gap = (plan.agent_hours - plan.lp_bound_hours) / plan.lp_bound_hours;
    println!(
        "realistic case: {} shifts, {:.2} h, LP bound {:.2} h, gap {:.2} %, {:?}, method {}",
        plan.shifts.len(),
        plan.agent_hours,
        plan.lp_bound_hours,
        gap * 100.0,
        took,
        plan.method
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(gap <= 0.05, "gap {:.2} %", gap * 100.0);
}

// --- parsing -----------------------------------------------------------

const EXAMPLE: &str = r#"
# Allowed shift templates.
[[templates]]
name = "early"
starts = ["06:00", "06:30", "07:00", "07:30", "08:00"]
length = "8h30m"
breaks = [{ earliest = "3h", latest = "5h", length = "30m" }]
[[templates]]
name = "part_time"
start_every = "30m"
start_from = "10:00"
start_until = "18:00"
length = "4h"
max_count = 20
"#;

#[test]
fn parses_the_example_file() {
    let t = parse_templates(EXAMPLE, file()).unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].name, "early");
    assert_eq!(
        t[0].starts_s,
        vec![6 * H, 6 * H + 1800, 7 * H, 7 * H + 1800, 8 * H]
    );
    assert_eq!(t[0].length_s, 8 * H + 1800);
    assert_eq!(
        t[0].breaks,
        vec![BreakWindow {
            earliest_s: 3 * H,
            latest_s: 5 * H,
            length_s: 1800
        }]
    );
    assert_eq!(t[1].starts_s.len(), 17);
    assert_eq!(t[1].starts_s[0], 10 * H);
    assert_eq!(t[1].starts_s[16], 18 * H);
    assert_eq!(t[1].max_count, Some(20));
    validate_templates(&t, Q, file()).unwrap();
}

#[test]
fn start_every_may_run_through_midnight() {
    let text = "[[templates]]\nname = \"n\"\nstart_every = \"1h\"\nstart_from = \"22:00\"\nstart_until = \"01:00\"\nlength = \"8h\"\n";
    let t = parse_templates(text, file()).unwrap();
    assert_eq!(t[0].starts_s, vec![22 * H, 23 * H, 0, H]);
}

#[test]
fn durations_and_times_parse() {
    assert_eq!(parse_duration("8h30m"), Ok(8 * H + 1800));
    assert_eq!(parse_duration("8h 30m"), Ok(8 * H + 1800));
    assert_eq!(parse_duration("90s"), Ok(90));
    assert_eq!(parse_duration("0m"), Ok(0));
    for bad in ["", "8", "h", "8x", "-1h", "99999999999h"] {
        assert!(parse_duration(bad).is_err(), "{bad}");
    }
    assert_eq!(parse_time_of_day("06:30"), Ok(6 * H + 1800));
    assert_eq!(parse_time_of_day("23:59:30"), Ok(86_370));
    for bad in ["24:00", "6", "06:60", "aa:bb", "06:00:00:00", "-1:00"] {
        assert!(parse_time_of_day(bad).is_err(), "{bad}");
    }
    assert_eq!(fmt_dur(8 * H + 1800), "8h30m");
    assert_eq!(fmt_dur(90), "1m30s");
    assert_eq!(fmt_tod(22 * H + 8 * H), "06:00");
}

fn parse_err(text: &str) -> TemplateError {
    parse_templates(text, file()).unwrap_err()
}

#[test]
fn parse_errors_name_the_key() {
    let base = "[[templates]]\nname = \"a\"\nstarts = [\"08:00\"]\nlength = \"8h\"\n";
    let e = parse_err(&format!("{base}colour = \"red\"\n"));
    assert_eq!(e.key, "templates[0].colour");
    assert!(e.message.contains("unknown key"), "{e}");
    assert_eq!(e.file, PathBuf::from("shifts.toml"));
    assert!(
        e.to_string()
            .starts_with("shifts.toml: `templates[0].colour`: unknown key"),
        "{e}"
    );

    let e = parse_err(&format!(
        "{base}[[templates]]\nname = \"b\"\nstarts = [\"08:00\"]\nlength = \"8h\"\nbreaks = [{{ earliest = \"1h\", latest = \"2h\", length = \"15m\", paid = true }}]\n"
    ));
    assert_eq!(e.key, "templates[1].breaks[0].paid");

    let e = parse_err("[[templates]]\nname = \"a\"\nstarts = [\"08:00\"]\n");
    assert_eq!(e.key, "templates[0].length");
    let e = parse_err("[[templates]]\nname = \"a\"\nstarts = [\"08:00\"]\nlength = 8\n");
    assert_eq!(e.key, "templates[0].length");
    let e = parse_err("[[templates]]\nname = \"a\"\nstarts = [\"08:00\"]\nlength = \"8 hours\"\n");
    assert_eq!(e.key, "templates[0].length");
    let e = parse_err(
        "[[templates]]\nname = \"a\"\nstarts = [\"08:00\", \"25:00\"]\nlength = \"8h\"\n",
    );
    assert_eq!(e.key, "templates[0].starts[1]");
    let e = parse_err("[[templates]]\nname = \"a\"\nlength = \"8h\"\n");
    assert_eq!(e.key, "templates[0].starts");
    let e = parse_err(
        "[[templates]]\nname = \"a\"\nstart_every = \"30m\"\nstart_from = \"08:00\"\nlength = \"8h\"\n",
    );
    assert_eq!(e.key, "templates[0].start_until");
    let e = parse_err(
        "[[templates]]\nname = \"a\"\nstarts = [\"08:00\"]\nstart_every = \"30m\"\nlength = \"8h\"\n",
    );
    assert_eq!(e.key, "templates[0].start_every");
    let e = parse_err(&format!("{base}max_count = -1\n"));
    assert_eq!(e.key, "templates[0].max_count");
    let e = parse_err(&format!(
        "{base}breaks = [{{ earliest = \"1h\", latest = \"soon\", length = \"15m\" }}]\n"
    ));
    assert_eq!(e.key, "templates[0].breaks[0].latest");
    let e = parse_err("shifts = 1\n");
    assert_eq!(e.key, "shifts");
    let e = parse_err("templates = []\n");
    assert_eq!(e.key, "templates");
    let e = parse_err("[[templates]\nname = ");
    assert_eq!(e.key, "(document)");
}

#[test]
fn load_reports_missing_file() {
    let e = load_templates(Path::new("/nonexistent/shifts.toml")).unwrap_err();
    assert_eq!(e.key, "templates");
    assert!(e.message.contains("cannot read"));
}

// --- validation --------------------------------------------------------

fn validate_err(t: ShiftTemplate) -> TemplateError {
    let ok = tpl("ok", &[8 * H], 8 * H);
    validate_templates(&[ok, t], Q, file()).unwrap_err()
}

fn with_break(earliest_s: u32, latest_s: u32, length_s: u32) -> ShiftTemplate {
    let mut t = tpl("b", &[8 * H], 8 * H);
    t.breaks = vec![BreakWindow {
        earliest_s,
        latest_s,
        length_s,
    }];
    t
}

#[test]
fn validation_errors_name_the_key() {
    let e = validate_err(with_break(7 * H, 8 * H, 1800));
    assert_eq!(e.key, "templates[1].breaks[0].latest");
    assert!(e.message.contains("does not end before"), "{e}");

    let e = validate_err(with_break(4 * H, 3 * H, 1800));
    assert_eq!(e.key, "templates[1].breaks[0].latest");
    assert!(e.message.contains("before earliest"), "{e}");

    let e = validate_err(with_break(3 * H + 60, 4 * H, 1800));
    assert_eq!(e.key, "templates[1].breaks[0].earliest");

    let e = validate_err(with_break(3 * H, 4 * H, 0));
    assert_eq!(e.key, "templates[1].breaks[0].length");

    let e = validate_err(tpl("b", &[8 * H, 8 * H + 600], 8 * H));
    assert_eq!(e.key, "templates[1].starts[1]");
    assert!(e.message.contains("08:10"), "{e}");

    let e = validate_err(tpl("b", &[8 * H], 0));
    assert_eq!(e.key, "templates[1].length");
    let e = validate_err(tpl("b", &[8 * H], 25 * H));
    assert_eq!(e.key, "templates[1].length");
    let e = validate_err(tpl("b", &[8 * H], 8 * H + 600));
    assert_eq!(e.key, "templates[1].length");

    let e = validate_err(tpl("b", &[], 8 * H));
    assert_eq!(e.key, "templates[1].starts");

    let e = validate_err(tpl("ok", &[8 * H], 8 * H));
    assert_eq!(e.key, "templates[1].name");

    let mut t = tpl("b", &[8 * H], 8 * H);
    t.max_count = Some(0);
    assert_eq!(validate_err(t).key, "templates[1].max_count");

    // Two 1h breaks that must both start exactly at 3h: always overlap.
    let mut t = with_break(3 * H, 3 * H, H);
    t.breaks.push(t.breaks[0]);
    let e = validate_err(t);
    assert_eq!(e.key, "templates[1].breaks");
    assert!(e.message.contains("overlap"), "{e}");

    // A break opening or closing the shift: a shorter shift instead.
    assert_eq!(
        validate_err(with_break(0, 0, H)).key,
        "templates[1].breaks[0].earliest"
    );
    assert_eq!(
        validate_err(with_break(7 * H, 7 * H, H)).key,
        "templates[1].breaks[0].latest"
    );

    // Full-day shift and a 24h length are fine.
    validate_templates(&[tpl("day", &[0], 24 * H)], Q, file()).unwrap();
    assert_eq!(
        validate_templates(&[tpl("day", &[0], 8 * H)], 7 * 60 + 1, file())
            .unwrap_err()
            .key,
        "templates"
    );
}

#[test]
fn solve_rejects_templates_off_the_grid() {
    let err = solve(&[1; 96], Q, &[tpl("b", &[600], 8 * H)], limit()).unwrap_err();
    match err {
        ScheduleError::Template(e) => assert_eq!(e.key, "templates[0].starts[0]"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn overlapping_windows_are_placed_without_overlap_and_deduplicated() {
    let w = BreakWindow {
        earliest_s: 2 * H,
        latest_s: 3 * H,
        length_s: 1800,
    };
    let p = break_placements(&[w, w], 1800);
    // Positions 2h, 2h30, 3h: pairs {2h,2h30}, {2h,3h}, {2h30,3h}.
    assert_eq!(p.len(), 3);
    assert!(p.iter().all(|b| b[0].0 + b[0].1 <= b[1].0));
}

// --- fragment ----------------------------------------------------------

#[test]
fn fragment_parses_back_with_overnight_end() {
    let mut night = tpl("night", &[22 * H], 8 * H);
    night.breaks = vec![BreakWindow {
        earliest_s: 4 * H,
        latest_s: 4 * H,
        length_s: 1800,
    }];
    let mut req = flat(1, 22 * H, 24 * H, 1800);
    for r in req.iter_mut().take(12) {
        *r = 1;
    }
    // 02:00–02:30 is the break: make no demand there.
    req[4] = 0;
    let day = tpl("day", &[8 * H], 8 * H + 1800);
    for r in req.iter_mut().skip(16).take(17) {
        *r = 2;
    }
    let plan = solve(&req, 1800, &[night, day], limit()).unwrap();
    assert_feasible(&plan, &req);
    let text = fragment(&plan);
    let doc: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let shifts = doc["agents"]["shifts"].as_array().unwrap();
    assert_eq!(shifts.len(), 2, "{text}");
    let day = &shifts[0];
    assert_eq!(day["start"].as_str(), Some("08:00"));
    assert_eq!(day["end"].as_str(), Some("16:30"));
    assert_eq!(day["count"].as_integer(), Some(2));
    assert!(day.get("overnight").is_none());
    let night = &shifts[1];
    assert_eq!(night["start"].as_str(), Some("22:00"));
    assert_eq!(night["end"].as_str(), Some("06:00"));
    assert_eq!(night["overnight"].as_bool(), Some(true));
    assert_eq!(night["count"].as_integer(), Some(1));
    let b = &night["breaks"].as_array().unwrap()[0];
    assert_eq!(b["at"].as_str(), Some("02:00"));
    assert_eq!(b["length"].as_str(), Some("30m"));
    assert!(
        text.contains("# template \"night\": 1 × 8h = 8 agent-hours"),
        "{text}"
    );
    assert!(text.contains("25 paid agent-hours"), "{text}");
}
