//! The charts' axes hold their data: on the bundled scenarios a user runs
//! first (an 8-hour mixed day, a 0.95-Erlang Erlang C check, an overload
//! stress day), every interval's point lies inside its panel, the time axis
//! is the measured window, the wait histogram's tail bin holds the longest
//! wait and every bar above the axis is one the chart annotates.

use std::path::Path;

use handoff_model::metrics::{ReportData, Summary};
use handoff_model::scenario::Scenario;

use super::time::{occupancy_panel, over_time_panels};
use super::waits::{WaitHistogram, cdf_x_end_s};

fn run(name: &str) -> (Summary, ReportData) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios")
        .join(name);
    let scenario = Scenario::load(&path).unwrap();
    let output = handoff_actors::run(&scenario, 0).unwrap();
    (output.summary, output.data)
}

/// A warm-up that ends inside an interval (20 min of 15-min intervals): the
/// time axis still starts where the measurement does, not in the warm-up.
#[test]
fn the_time_axis_starts_at_a_warm_up_inside_an_interval() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/basic.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("warm_up = \"30m\""));
    let scenario = Scenario::parse(
        &text.replace("warm_up = \"30m\"", "warm_up = \"20m\""),
        &path,
    )
    .unwrap();
    let output = handoff_actors::run(&scenario, 0).unwrap();
    assert_eq!(output.data.intervals[0].start_s, 15.0 * 60.0);
    for p in over_time_panels(&output.data) {
        assert!(
            (p.x.start - 20.0 / 60.0).abs() < 1e-9,
            "{}: {:?}",
            p.title,
            p.x
        );
        for (label, _, series, _) in &p.series {
            assert!(
                series.iter().all(|q| q.0 >= p.x.start),
                "{} {label}",
                p.title
            );
        }
    }
}

const SCENARIOS: [&str; 3] = ["basic.toml", "erlang_c.toml", "stress.toml"];

#[test]
fn every_interval_lies_within_its_axes_and_the_axis_is_the_window() {
    for name in SCENARIOS {
        let (summary, data) = run(name);
        let mut panels = over_time_panels(&data);
        panels.push(occupancy_panel(&summary, &data));
        assert_eq!(panels.len(), 5, "{name}");
        let warm_up_h = summary.warm_up_s / 3600.0;
        let end_h = summary.duration_s / 3600.0;
        for p in &panels {
            assert!(
                (p.x.start - warm_up_h).abs() < 1e-9 && (p.x.end - end_h).abs() < 1e-9,
                "{name} {}: x axis {:?}, measured window {warm_up_h}..{end_h} h",
                p.title,
                p.x
            );
            let points: usize = p.series.iter().map(|s| s.2.len()).sum();
            assert!(points >= data.intervals.len(), "{name} {}", p.title);
            for (label, _, series, _) in &p.series {
                for &(x, y) in series {
                    assert!(
                        p.x.contains(&x) || x == p.x.end,
                        "{name} {} {label}: x {x} outside {:?}",
                        p.title,
                        p.x
                    );
                    assert!(
                        p.y.contains(&y),
                        "{name} {} {label}: y {y} outside {:?}",
                        p.title,
                        p.y
                    );
                }
            }
            // The axis against the data itself, not the panel's own points.
            let data_max = match p.title.as_str() {
                t if t.starts_with("Queue length") => Some(
                    data.intervals
                        .iter()
                        .map(|r| r.mean_queue)
                        .fold(0.0, f64::max),
                ),
                t if t.starts_with("Average speed") => Some(
                    data.intervals
                        .iter()
                        .flat_map(|r| r.channels.iter().filter_map(|c| c.asa_s))
                        .fold(0.0, f64::max),
                ),
                t if t.starts_with("Agent occupancy") => Some(
                    data.intervals
                        .iter()
                        .flat_map(|r| r.occupancy.iter().map(|o| o * 100.0))
                        .fold(0.0, f64::max),
                ),
                _ => None,
            };
            if let Some(max) = data_max {
                assert!(
                    p.y.end >= max,
                    "{name} {}: axis {:?} below the data's largest value {max}",
                    p.title,
                    p.y
                );
            }
            // No empty top: the largest value fills most of the axis.
            let top = p
                .series
                .iter()
                .flat_map(|s| s.2.iter().map(|q| q.1))
                .fold(0.0, f64::max);
            if p.y.end > 1.1 && p.y.end < 100.0 {
                assert!(
                    top > p.y.end * 0.9,
                    "{name} {}: top {top} of {:?}",
                    p.title,
                    p.y
                );
            }
        }
    }
}

#[test]
fn the_tail_bin_holds_the_longest_wait_and_cut_bars_are_annotated() {
    for name in SCENARIOS {
        let (_, data) = run(name);
        let layout = WaitHistogram::of(&data);
        for c in 0..2 {
            let h = &data.wait_ms[c];
            let counts = &layout.counts[c];
            assert_eq!(
                counts.iter().sum::<u64>(),
                h.len(),
                "{name}: every wait is in a bin"
            );
            if h.is_empty() {
                continue;
            }
            // The longest wait's bin, drawn inside the axis.
            let width_ms = (layout.width_s * 1000.0) as u64;
            let longest_bin = ((h.max() / width_ms) as usize).min(counts.len() - 1);
            assert!(
                counts[longest_bin] > 0,
                "{name}: the longest wait's bin is empty"
            );
            let longest_s = h.max() as f64 / 1000.0;
            if longest_s >= layout.tail_from_s {
                assert_eq!(
                    longest_bin,
                    counts.len() - 1,
                    "{name}: longest wait past the tail"
                );
                assert_eq!(
                    counts[counts.len() - 1],
                    h.count_between((layout.tail_from_s * 1000.0) as u64, u64::MAX),
                    "{name}: the tail bin holds every wait from {} s",
                    layout.tail_from_s
                );
            }
            assert!(layout.x_end_s >= layout.tail_from_s + layout.width_s - 1e-9);
            assert!(
                cdf_x_end_s(&data) >= longest_s,
                "{name}: the cumulative chart runs to the longest wait"
            );
        }
        // Every bar is inside the axis or annotated as cut, and only the
        // bin of zero waits is ever cut.
        let clipped = layout.clipped();
        assert!(
            clipped.iter().all(|k| k.1 == 0),
            "{name}: a bar other than the first is cut: {clipped:?}"
        );
        for c in 0..2 {
            for i in 0..layout.counts[c].len() {
                let share = layout.share(c, i);
                assert!(
                    share <= layout.y_top || clipped.iter().any(|k| k.0 == c && k.1 == i),
                    "{name}: bar {c}/{i} at {share} % above {} unannotated",
                    layout.y_top
                );
            }
        }
        assert!(layout.y_top <= 100.0);
    }
}

/// A replicated run's time panels: every line with a band around it, each
/// point inside its band and inside the axes (a band past the axis is cut
/// there when drawn).
#[test]
fn pooled_lines_lie_inside_their_bands_and_the_axes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/basic.toml");
    let scenario = Scenario::load(&path).unwrap();
    let all = handoff_experiment::all_jobs(1, 4);
    let jobs: Vec<_> = handoff_experiment::run_jobs(&[&scenario], 4, &all, 2, true, None)
        .unwrap()
        .into_iter()
        .map(|(_, j)| j)
        .collect();
    let r = handoff_experiment::Replicated::of_jobs(&scenario, jobs.clone());
    let run = r.series.as_ref().unwrap();
    let mut panels = super::pooled_over_time_panels(run);
    panels.push(super::pooled_occupancy_panel(
        run,
        vec!["general".into(), "specialists".into()],
    ));
    assert_eq!(panels.len(), 5);
    for p in &panels {
        // The expected arrival profile is the one line without a band.
        let measured = p
            .series
            .iter()
            .filter(|s| !s.0.contains("expected"))
            .count();
        assert_eq!(p.bands.len(), measured, "{}", p.title);
        for (band, line) in p
            .bands
            .iter()
            .zip(p.series.iter().filter(|s| !s.0.contains("expected")))
        {
            assert_eq!(
                band.0, line.1,
                "{}: the band has its line's colour",
                p.title
            );
            assert_eq!(band.1.len(), line.2.len(), "{} {}", p.title, line.0);
            for (&(x, low, high), &(lx, value)) in band.1.iter().zip(&line.2) {
                assert_eq!(x, lx);
                assert!(
                    low <= value + 1e-9 && value <= high + 1e-9,
                    "{} {}: {value} outside {low}..{high}",
                    p.title,
                    line.0
                );
                assert!(low >= 0.0 && p.y.contains(&value), "{} {}", p.title, line.0);
            }
        }
    }
}
