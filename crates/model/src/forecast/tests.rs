use std::fmt::Write as _;
use std::path::Path;

use jiff::civil::DateTime;

use super::cells::*;
use super::*;
use jiff::civil::date;

fn p(text: &str) -> Result<Forecast, ForecastError> {
    parse(text, Path::new("forecast.csv"))
}

fn ok(text: &str) -> Forecast {
    match p(text) {
        Ok(f) => f,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

fn fails(text: &str) -> ForecastError {
    match p(text) {
        Ok(f) => panic!("expected an error, got {f:?}"),
        Err(e) => e,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

fn segs(f: &Forecast, start: DateTime, horizon_s: f64) -> RateSegments {
    match f.segments(start, horizon_s, Path::new("forecast.csv")) {
        Ok(s) => s,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

/// A daily 30-min file covering the whole day: row k has k contacts.
fn full_day_30m() -> String {
    let mut s = String::from("interval_start,contacts\n");
    for k in 0..48 {
        let _ = writeln!(s, "{:02}:{:02},{k}", k / 2, (k % 2) * 30);
    }
    s
}

#[test]
fn daily_30min_rates_and_repetition_on_day_two() {
    let f = ok(&full_day_30m());
    assert_eq!(f.interval_s, 1800);
    assert_eq!(f.kind, ForecastKind::Daily { first_start_s: 0 });
    assert_eq!(f.intervals.len(), 48);
    assert!(!f.by_channel);
    assert_eq!(f.intervals[3].line, 5);
    assert_eq!(f.intervals[3].contacts, [None, None]);

    let s = segs(&f, date(2026, 3, 2).at(0, 0, 0, 0), 2.0 * 86_400.0);
    assert_eq!(s.width_s, 1800.0);
    assert_eq!(s.rate.len(), 96);
    for k in 0..96 {
        assert!(close(s.rate[k], (k % 48) as f64 / 1800.0), "segment {k}");
        assert_eq!(s.chat_share[k], None);
        assert_eq!(s.aht_s[k], None);
    }
    // Day 2 repeats day 1.
    assert_eq!(s.rate[48 + 17], s.rate[17]);
    // 0 + 1 + ... + 47 per day.
    let day = (47.0 * 48.0) / 2.0;
    assert!(close(
        f.expected_contacts(date(2026, 3, 2).at(0, 0, 0, 0), 2.0 * 86_400.0),
        2.0 * day
    ));
}

#[test]
fn daily_start_at_0800_makes_segment_zero_the_0800_row() {
    let f = ok(&full_day_30m());
    let s = segs(&f, date(2026, 3, 2).at(8, 0, 0, 0), 86_400.0);
    assert_eq!(s.rate.len(), 48);
    assert!(close(s.rate[0], 16.0 / 1800.0));
    assert!(close(s.rate[1], 17.0 / 1800.0));
    // 23:30 row, then wrap to 00:00 of the next day.
    assert!(close(s.rate[31], 47.0 / 1800.0));
    assert!(close(s.rate[32], 0.0));
    assert!(close(s.rate[33], 1.0 / 1800.0));
}

#[test]
fn daily_partial_day_is_zero_outside_and_horizon_rounds_up() {
    let f = ok("Interval_Start,Contacts\n08:00,30\n09:00,60\n10:00,90\n");
    assert_eq!(f.interval_s, 3600);
    assert_eq!(
        f.kind,
        ForecastKind::Daily {
            first_start_s: 8 * 3600
        }
    );
    // Start 07:00 for 4.5 h: 07, 08, 09, 10, 11 (half) -> 5 segments.
    let s = segs(&f, date(2026, 3, 2).at(7, 0, 0, 0), 4.5 * 3600.0);
    assert_eq!(s.rate.len(), 5);
    let want = [0.0, 30.0, 60.0, 90.0, 0.0];
    for (k, w) in want.iter().enumerate() {
        assert!(close(s.rate[k], w / 3600.0), "segment {k}");
    }
    // Next day at 08:00 the day repeats.
    let s2 = segs(&f, date(2026, 3, 2).at(0, 0, 0, 0), 2.0 * 86_400.0);
    assert!(close(s2.rate[24 + 9], 60.0 / 3600.0));
    assert!(close(s2.rate[24 + 12], 0.0));
    // Expected contacts: pro rata for a start off the grid.
    let start = date(2026, 3, 2).at(8, 30, 0, 0);
    assert!(close(f.expected_contacts(start, 3600.0), 15.0 + 30.0));
    assert!(close(
        f.expected_contacts(start, 3.0 * 86_400.0),
        3.0 * 180.0
    ));
}

#[test]
fn channel_rows_are_combined_with_shares_and_weighted_aht() {
    let f = ok("channel,interval_start,contacts,aht\n\
                chat,08:00,10,300\n\
                voice,08:00,30,4m\n\
                VOICE,08:30,20,\n\
                Chat,08:30,0,100s\n\
                voice,09:00,5,1m 30s\n");
    assert!(f.by_channel);
    assert_eq!(f.interval_s, 1800);
    assert_eq!(f.intervals.len(), 3);
    let a = &f.intervals[0];
    assert_eq!(a.contacts, [Some(10.0), Some(30.0)]);
    assert!(close(a.total, 40.0));
    // (10*300 + 30*240) / 40
    assert!(close(a.aht_s.unwrap_or(f64::NAN), 255.0));
    assert_eq!(a.line, 2);
    let b = &f.intervals[1];
    assert_eq!(b.line, 4);
    // Only the chat row gave an AHT, with 0 contacts: plain mean.
    assert!(close(b.aht_s.unwrap_or(f64::NAN), 100.0));
    let c = &f.intervals[2];
    assert_eq!(c.contacts, [None, Some(5.0)]);
    assert!(close(c.aht_s.unwrap_or(f64::NAN), 90.0));

    let s = segs(&f, date(2026, 3, 2).at(8, 0, 0, 0), 3.0 * 1800.0);
    assert!(close(s.rate[0], 40.0 / 1800.0));
    assert!(close(s.chat_share[0].unwrap_or(f64::NAN), 0.25));
    assert!(close(s.chat_share[1].unwrap_or(f64::NAN), 0.0));
    assert!(close(s.chat_share[2].unwrap_or(f64::NAN), 0.0));
    assert!(close(s.aht_s[0].unwrap_or(f64::NAN), 255.0));
}

#[test]
fn channel_blocks_may_follow_each_other() {
    let f = ok("interval_start,channel,contacts\n\
                08:00,chat,1\n08:15,chat,2\n\
                07:45,voice,3\n08:00,voice,4\n08:15,voice,5\n");
    assert_eq!(f.interval_s, 900);
    assert_eq!(
        f.kind,
        ForecastKind::Daily {
            first_start_s: 7 * 3600 + 45 * 60
        }
    );
    let totals: Vec<f64> = f.intervals.iter().map(|i| i.total).collect();
    assert_eq!(totals, vec![3.0, 5.0, 7.0]);
    assert_eq!(f.intervals[0].contacts, [None, Some(3.0)]);
    assert_eq!(f.intervals[0].line, 4);
    assert_eq!(f.intervals[1].line, 2);
}

#[test]
fn dated_form_zero_outside_and_grid_relative_to_first() {
    let f = ok("interval_start,contacts\n\
                2026-03-02T08:00,10\n\
                2026-03-02 08:15,20\n\
                2026-03-02T08:30:00,30\n");
    assert_eq!(f.interval_s, 900);
    assert_eq!(
        f.kind,
        ForecastKind::Dated {
            first: date(2026, 3, 2).at(8, 0, 0, 0)
        }
    );
    let s = segs(&f, date(2026, 3, 2).at(7, 45, 0, 0), 3600.0);
    let want = [0.0, 10.0, 20.0, 30.0];
    assert_eq!(s.rate.len(), 4);
    for (k, w) in want.iter().enumerate() {
        assert!(close(s.rate[k], w / 900.0), "segment {k}");
    }
    let s = segs(&f, date(2026, 3, 2).at(8, 15, 0, 0), 3.0 * 900.0);
    assert!(close(s.rate[0], 20.0 / 900.0));
    assert!(close(s.rate[2], 0.0));
    // A day later there is nothing: no overlap.
    let e = f
        .segments(
            date(2026, 3, 3).at(8, 0, 0, 0),
            3600.0,
            Path::new("forecast.csv"),
        )
        .err();
    assert!(e.is_some_and(|e| e.line == 0 && e.message.contains("does not overlap")));
    // Expected contacts clip to the covered range.
    assert!(close(
        f.expected_contacts(date(2026, 3, 1).at(0, 0, 0, 0), 5.0 * 86_400.0),
        60.0
    ));
    assert!(close(
        f.expected_contacts(date(2026, 3, 2).at(8, 7, 30, 0), 900.0),
        5.0 + 10.0
    ));
    assert!(close(
        f.expected_contacts(date(2026, 3, 4).at(0, 0, 0, 0), 900.0),
        0.0
    ));
}

#[test]
fn dated_across_midnight_is_contiguous() {
    let f = ok("interval_start,contacts\n2026-03-02T23:00,1\n2026-03-03T00:00,2\n");
    assert_eq!(f.interval_s, 3600);
    assert_eq!(f.intervals.len(), 2);
}

#[test]
fn aht_forms() {
    assert_eq!(parse_aht("240"), Ok(240.0));
    assert_eq!(parse_aht("240.5"), Ok(240.5));
    assert_eq!(parse_aht("240s"), Ok(240.0));
    assert_eq!(parse_aht("4m"), Ok(240.0));
    assert_eq!(parse_aht("4m 30s"), Ok(270.0));
    assert_eq!(parse_aht("4m30s"), Ok(270.0));
    assert_eq!(parse_aht("1h 2m 3s"), Ok(3723.0));
    assert_eq!(parse_aht("2 min"), Ok(120.0));
    assert!(parse_aht("0").is_err());
    assert!(parse_aht("0s").is_err());
    assert!(parse_aht("-5").is_err());
    assert!(parse_aht("4x").is_err());
    assert!(parse_aht("m").is_err());
    assert!(parse_aht("inf").is_err());
    assert!(parse_aht("NaN").is_err());
}

#[test]
fn error_missing_column() {
    let e = fails("interval_start,aht\n08:00,300\n");
    assert_eq!(e.line, 0);
    assert_eq!(e.column.as_deref(), Some("contacts"));
    assert!(e.message.contains("missing required column"));
    assert_eq!(
        e.to_string(),
        "forecast.csv: `contacts`: missing required column (the header must name interval_start and contacts)"
    );
    let e = fails("contacts\n3\n");
    assert_eq!(e.column.as_deref(), Some("interval_start"));
}

#[test]
fn error_unknown_column() {
    let e = fails("interval_start,contacts,Queue,skill\n08:00,1,a,b\n");
    assert_eq!(e.line, 1);
    assert!(
        e.message.contains("unknown columns `Queue`, `skill`"),
        "{e}"
    );
    assert!(e.to_string().starts_with("forecast.csv:1: unknown columns"));
}

#[test]
fn error_duplicate_column() {
    let e = fails("interval_start,contacts,CONTACTS\n08:00,1,2\n");
    assert_eq!(e.line, 1);
    assert_eq!(e.column.as_deref(), Some("contacts"));
    assert!(e.message.contains("more than once"));
}

#[test]
fn error_negative_and_bad_counts() {
    let e = fails("interval_start,contacts\n08:00,1\n08:30,-2\n");
    assert_eq!(e.line, 3);
    assert_eq!(e.column.as_deref(), Some("contacts"));
    assert!(e.message.contains("negative"));
    assert_eq!(
        e.to_string(),
        "forecast.csv:3: `contacts`: negative contact count -2; counts must be >= 0"
    );
    let e = fails("interval_start,contacts\n08:00,lots\n");
    assert_eq!((e.line, e.column.as_deref()), (2, Some("contacts")));
    assert!(e.message.contains("cannot parse `lots`"));
    let e = fails("interval_start,contacts\n08:00,inf\n");
    assert!(e.message.contains("not a finite number"));
    let e = fails("interval_start,contacts\n08:00,NaN\n");
    assert!(e.message.contains("not a finite number"));
    let e = fails("interval_start,contacts\n08:00,\n");
    assert!(e.message.contains("missing value"));
}

#[test]
fn error_bad_aht_and_channel() {
    let e = fails("interval_start,contacts,aht\n08:00,1,60\n08:30,1,0\n");
    assert_eq!((e.line, e.column.as_deref()), (3, Some("aht")));
    assert!(e.message.contains("> 0"));
    let e = fails("interval_start,contacts,channel\n08:00,1,email\n");
    assert_eq!((e.line, e.column.as_deref()), (2, Some("channel")));
    assert!(e.message.contains("unknown channel `email`"));
    let e = fails("interval_start,contacts,channel\n08:00,1,\n");
    assert!(e.message.contains("missing value"));
}

#[test]
fn error_unparsable_time() {
    for bad in [
        "8h30",
        "25:00",
        "08:60",
        "08:3",
        "2026-02-30T08:00",
        "2026-03-02X08:00",
        "08:00:00:00",
        "noon",
    ] {
        let e = fails(&format!("interval_start,contacts\n08:00,1\n{bad},1\n"));
        assert_eq!(
            (e.line, e.column.as_deref()),
            (3, Some("interval_start")),
            "{bad}"
        );
        assert!(e.message.contains("cannot parse"), "{bad}: {e}");
    }
}

#[test]
fn error_gap_names_row_after_gap_and_missing_time() {
    let e = fails("interval_start,contacts\n08:00,1\n08:30,1\n09:00,1\n10:00,1\n10:30,1\n");
    assert_eq!(e.line, 5);
    assert_eq!(e.column.as_deref(), Some("interval_start"));
    assert!(e.message.starts_with("gap: no row for 09:30"), "{e}");
    // Dated form names the missing date-time.
    let e = fails(
        "interval_start,contacts\n2026-03-02T08:00,1\n2026-03-02T09:00,1\n2026-03-02T11:00,1\n",
    );
    assert_eq!(e.line, 4);
    assert!(e.message.contains("no row for 2026-03-02T10:00:00"), "{e}");
}

#[test]
fn error_overlap_duplicate() {
    let e = fails("interval_start,contacts\n08:00,1\n08:30,1\n08:30,2\n");
    assert_eq!(e.line, 4);
    assert!(
        e.message
            .contains("overlapping interval: 08:30 is already given at line 3"),
        "{e}"
    );
    let e = fails("interval_start,channel,contacts\n08:00,chat,1\n08:00,voice,1\n08:00,Chat,1\n");
    assert_eq!(e.line, 4);
    assert!(e.message.contains("overlapping interval"), "{e}");
    assert!(e.message.contains("`chat` at line 2"), "{e}");
}

#[test]
fn error_out_of_order() {
    let e = fails("interval_start,contacts\n08:00,1\n08:30,1\n08:15,2\n");
    assert_eq!(e.line, 4);
    assert!(e.message.contains("out of order"), "{e}");
}

#[test]
fn error_unequal_width() {
    let e = fails("interval_start,contacts\n08:00,1\n08:30,1\n09:00,1\n09:15,1\n09:30,1\n");
    assert_eq!(e.line, 5);
    assert!(
        e.message
            .starts_with("unequal spacing: 09:15 is 15m after 09:00"),
        "{e}"
    );
    // A width that does not divide a day.
    let e = fails("interval_start,contacts\n00:00,1\n00:07,1\n00:14,1\n");
    assert_eq!(e.line, 3);
    assert!(e.message.contains("divide"), "{e}");
    // Too narrow.
    let e = fails("interval_start,contacts\n00:00:00,1\n00:00:30,1\n");
    assert!(e.message.contains("at least 1 minute"), "{e}");
}

#[test]
fn error_daily_off_midnight_grid() {
    let e = fails("interval_start,contacts\n08:10,1\n08:40,1\n");
    assert_eq!(e.line, 2);
    assert!(e.message.contains("not on the 30m interval grid"), "{e}");
}

#[test]
fn error_mixed_kinds() {
    let e = fails("interval_start,contacts\n08:00,1\n2026-03-02T08:30,1\n");
    assert_eq!((e.line, e.column.as_deref()), (3, Some("interval_start")));
    assert!(e.message.contains("mixed interval_start forms"), "{e}");
    let e = fails("interval_start,contacts\n2026-03-02T08:00,1\n08:30,1\n");
    assert_eq!(e.line, 3);
    assert!(e.message.contains("mixed"));
}

#[test]
fn error_empty_file() {
    for text in [
        "",
        "\n\n",
        "interval_start,contacts\n",
        "interval_start,contacts\n,\n , \n",
    ] {
        let e = fails(text);
        assert_eq!(e.line, 0, "{text:?}");
        assert!(e.message.contains("empty file"), "{text:?}: {e}");
        assert!(e.to_string().starts_with("forecast.csv: empty file"));
    }
}

#[test]
fn error_single_interval_and_ragged_rows() {
    let e = fails("interval_start,contacts\n08:00,1\n");
    assert!(e.message.contains("only one interval"));
    let e = fails("interval_start,contacts\n08:00,1\n08:30,1,9\n");
    assert_eq!(e.line, 3);
    assert!(e.message.contains("expected 2 cells"));
}

#[test]
fn error_start_off_grid() {
    let f = ok(&full_day_30m());
    let e = f
        .segments(
            date(2026, 3, 2).at(8, 10, 0, 0),
            3600.0,
            Path::new("forecast.csv"),
        )
        .err();
    let Some(e) = e else {
        panic!("expected an error")
    };
    assert_eq!(e.line, 0);
    assert!(
        e.message
            .contains("must be on the forecast's interval grid"),
        "{e}"
    );
    let e = f.segments(date(2026, 3, 2).at(8, 0, 0, 1), 3600.0, Path::new("x.csv"));
    assert!(e.is_err());
    let dated = ok("interval_start,contacts\n2026-03-02T08:05,1\n2026-03-02T08:20,1\n");
    let e = dated.segments(date(2026, 3, 2).at(8, 0, 0, 0), 3600.0, Path::new("x.csv"));
    assert!(e.is_err_and(|e| e.message.contains("interval grid")));
    assert!(
        f.segments(date(2026, 3, 2).at(8, 0, 0, 0), -1.0, Path::new("x.csv"))
            .is_err()
    );
    assert!(
        f.segments(
            date(2026, 3, 2).at(8, 0, 0, 0),
            f64::NAN,
            Path::new("x.csv")
        )
        .is_err()
    );
}

#[test]
fn bom_whitespace_quotes_and_line_numbers() {
    let f = ok("\u{feff} interval_start ,\"contacts\"\n\n 08:00 , 1.5 \n\"08:30\",2\n,\n");
    assert_eq!(f.intervals.len(), 2);
    assert_eq!(f.intervals[0].line, 3);
    assert_eq!(f.intervals[1].line, 4);
    assert!(close(f.intervals[0].total, 1.5));
    // CRLF, lone CR, blank lines and quoted newlines keep line numbers right.
    let e = fails("interval_start,contacts\r\n\r\n08:00,1\r\n\r\n08:30,-1\r\n");
    assert_eq!(e.line, 5);
    let e = fails("interval_start,contacts\r08:00,1\r\r08:30,x\r");
    assert_eq!(e.line, 4);
    let e = fails("interval_start,aht,contacts\n08:00,\"4m\n\",1\n\n\n08:30,,-1\n");
    assert_eq!(e.line, 6);
}

#[test]
fn expected_contacts_matches_segments() {
    let f = ok("interval_start,contacts\n06:00,4\n06:15,8\n06:30,0\n06:45,2.5\n");
    let start = date(2026, 3, 2).at(5, 0, 0, 0);
    let horizon = 3.0 * 86_400.0;
    let s = segs(&f, start, horizon);
    let from_segments: f64 = s.rate.iter().map(|r| r * s.width_s).sum();
    assert!(close(from_segments, 3.0 * 14.5));
    assert!(close(f.expected_contacts(start, horizon), from_segments));
    assert_eq!(f.expected_contacts(start, 0.0), 0.0);
    assert_eq!(f.expected_contacts(start, f64::INFINITY), 0.0);
}

#[test]
fn load_reports_unreadable_file() {
    let e = load(Path::new("/nonexistent/forecast.csv")).err();
    assert!(e.is_some_and(|e| e.line == 0 && e.message.contains("cannot read")));
}

#[test]
fn jiff_parses_scenario_datetimes() {
    // How a scenario's start string becomes a `DateTime`.
    let a: Result<DateTime, _> = "2026-03-02T00:00".parse();
    assert_eq!(a.ok(), Some(date(2026, 3, 2).at(0, 0, 0, 0)));
    let b: Result<DateTime, _> = "2026-03-02 08:30".parse();
    assert_eq!(b.ok(), Some(date(2026, 3, 2).at(8, 30, 0, 0)));
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[0-2][0-9]:[0-5][0-9]",
            "[0-2][0-9]:[0-5][0-9]:[0-9]{2}",
            "20[0-9]{2}-[01][0-9]-[0-3][0-9][T ][0-2][0-9]:[0-5][0-9]",
            "-?[0-9]{1,4}(\\.[0-9]{1,3})?",
            "[0-9]{1,3}[hms]( [0-9]{1,2}[ms])?",
            prop_oneof![
                Just("chat"),
                Just("voice"),
                Just("Voice"),
                Just("nan"),
                Just("inf")
            ]
            .prop_map(str::to_owned),
            ".{0,6}",
        ]
    }

    fn header() -> impl Strategy<Value = Vec<String>> {
        proptest::sample::subsequence(
            vec!["interval_start", "contacts", "aht", "channel", "extra"],
            0..=5,
        )
        .prop_shuffle()
        .prop_map(|v| v.into_iter().map(str::to_owned).collect())
    }

    proptest! {
        #[test]
        fn parse_never_panics_on_arbitrary_text(text in "\\PC{0,200}") {
            let _ = p(&text);
        }

        #[test]
        fn parse_never_panics_on_arbitrary_rows(
            head in header(),
            rows in proptest::collection::vec(proptest::collection::vec(cell(), 0..6), 0..12),
        ) {
            let mut text = head.join(",");
            text.push('\n');
            for r in &rows {
                text.push_str(&r.join(","));
                text.push('\n');
            }
            if let Ok(f) = p(&text) {
                prop_assert!(f.intervals.len() >= 2);
                prop_assert_eq!(86_400 % f.interval_s, 0);
                let start = jiff::civil::date(2026, 3, 2).at(0, 0, 0, 0);
                let _ = f.segments(start, 86_400.0, Path::new("x"));
                let e = f.expected_contacts(start, 86_400.0);
                prop_assert!(e.is_finite() && e >= 0.0);
            }
        }

        #[test]
        fn valid_daily_files_round_trip(
            counts in proptest::collection::vec(0.0f64..1000.0, 2..96),
            width_idx in 0usize..3,
            start_slot in 0usize..8,
        ) {
            let width = [900i64, 1800, 3600][width_idx];
            let per_day = (DAY_S / width) as usize;
            let counts = &counts[..counts.len().min(per_day - start_slot)];
            let first = start_slot as i64 * width;
            let mut text = String::from("interval_start,contacts\n");
            for (k, c) in counts.iter().enumerate() {
                let _ = writeln!(text, "{},{c}", fmt_time_of_day(first + k as i64 * width));
            }
            let f = p(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(i64::from(f.interval_s), width);
            let start = jiff::civil::date(2026, 3, 2).at(0, 0, 0, 0);
            let total: f64 = counts.iter().sum();
            prop_assert!(close(f.expected_contacts(start, 86_400.0), total));
            let s = f.segments(start, 86_400.0, Path::new("x")).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let from_segments: f64 = s.rate.iter().map(|r| r * s.width_s).sum();
            prop_assert!(close(from_segments, total));
        }
    }
}
