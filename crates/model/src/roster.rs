//! Who is on duty when: the calendar of a run, shifts with breaks, per-interval
//! head counts, absence and unplanned off-phone time.
//!
//! A pool's staffing is written one of three ways (see `scenarios/README.md`):
//! a fixed `count` (on duty for the whole run), `[[agents.shifts]]` (start,
//! end, count, optional weekdays, breaks), or a `staffing` vector of head
//! counts per interval. [`duty_periods`] turns that, for one agent, into the
//! time windows in which the agent may *take* contacts, in seconds from the
//! start of the run. Everything here is plain data and functions; the human
//! agent actor walks its own list of periods and tells the router when it
//! comes on and goes off duty.
//!
//! Shrinkage is drawn per agent from the agent's own streams, keyed by (pool,
//! agent in pool), so adding agents to one pool never moves another pool's
//! draws (common random numbers in staffing experiments):
//!
//! - **absence**: with probability `absence` an agent does not show up for a
//!   whole day's duty (the day its shift starts; for head-count vectors, the
//!   calendar day);
//! - **unplanned off-phone time**: in every hour of the run (counted from its
//!   start) the agent is on duty it is off the phone for
//!   `unplanned_off_phone` at a uniformly drawn moment (coaching, system
//!   trouble, a quick personal need).
//!
//! Breaks and off-phone time always let the agent finish the contacts in
//! hand first (they take no new contact in the meantime and resume at the
//! scheduled time). Only the end of a shift follows the pool's
//! [`ShiftEnd`] rule.

use rand::RngExt;

use crate::rng::{Purpose, Streams};

/// Seconds in a day.
pub const DAY: f64 = 86_400.0;

/// The calendar of a run: what date and time of day simulated time 0 is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    pub start: jiff::civil::DateTime,
}

impl Default for Calendar {
    /// Midnight at the start of day 1 (a Monday, 2024-01-01, so weekday
    /// lists mean something even when no date is given).
    fn default() -> Self {
        Calendar {
            start: jiff::civil::date(2024, 1, 1).at(0, 0, 0, 0),
        }
    }
}

impl Calendar {
    /// Seconds after midnight of the start.
    pub fn start_of_day_s(&self) -> f64 {
        let t = self.start.time();
        f64::from(t.hour()) * 3600.0 + f64::from(t.minute()) * 60.0 + f64::from(t.second())
    }

    /// Run time (seconds) of midnight at the start of calendar day `day`
    /// (day 0 is the start's date; negative before it).
    pub fn midnight(&self, day: i64) -> f64 {
        day as f64 * DAY - self.start_of_day_s()
    }

    /// Calendar day (0 = the start's date) of run time `t`.
    pub fn day_of(&self, t: f64) -> i64 {
        ((t + self.start_of_day_s()) / DAY).floor() as i64
    }

    /// Weekday of calendar day `day`, Monday = 0 … Sunday = 6.
    pub fn weekday(&self, day: i64) -> usize {
        let first = self.start.date().weekday().to_monday_zero_offset() as i64;
        (first + day).rem_euclid(7) as usize
    }

    /// "Mon 08:15"-style label of run time `t`, for reports.
    pub fn label(&self, t: f64) -> String {
        let day = self.day_of(t);
        let of_day = (t - self.midnight(day)).round() as i64;
        let (h, m) = (of_day / 3600, (of_day % 3600) / 60);
        format!("{} {h:02}:{m:02}", WEEKDAYS[self.weekday(day)])
    }
}

/// Weekday names as scenarios write them, Monday first.
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// One shift line of a pool: `count` agents work it.
#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    /// Seconds after midnight.
    pub start_s: f64,
    /// Length in seconds (past midnight when `start_s + length_s > DAY`).
    pub length_s: f64,
    pub count: u32,
    /// Weekdays (Monday = 0) the shift is worked, by the day it starts.
    pub days: [bool; 7],
    /// Breaks: (offset from the shift start, length), in seconds.
    pub breaks: Vec<(f64, f64)>,
}

/// How a pool is staffed over time.
#[derive(Debug, Clone, PartialEq)]
pub enum Staffing {
    /// `count` agents on duty for the whole run.
    Fixed(u32),
    /// Shift lines; agents are numbered line by line.
    Shifts(Vec<Shift>),
    /// Head count per interval from the start of the run, repeating when the
    /// vector runs out; agent `a` is on duty in interval `k` iff `a <
    /// counts[k]`.
    ByInterval { interval_s: f64, counts: Vec<u32> },
}

impl Staffing {
    /// Agents the pool needs: the most on duty at any time (for shifts, the
    /// sum of the lines).
    pub fn agents(&self) -> u32 {
        match self {
            Staffing::Fixed(n) => *n,
            Staffing::Shifts(shifts) => shifts.iter().map(|s| s.count).sum(),
            Staffing::ByInterval { counts, .. } => counts.iter().copied().max().unwrap_or(0),
        }
    }

    /// Scheduled head count (before shrinkage) at run time `t`.
    pub fn scheduled_at(&self, calendar: &Calendar, t: f64) -> u32 {
        match self {
            Staffing::Fixed(n) => *n,
            Staffing::ByInterval { interval_s, counts } => {
                counts[((t / interval_s).floor() as usize) % counts.len()]
            }
            Staffing::Shifts(shifts) => shifts
                .iter()
                .filter(|shift| {
                    let day = calendar.day_of(t);
                    (day - 1..=day).any(|d| {
                        let from = calendar.midnight(d) + shift.start_s;
                        shift.days[calendar.weekday(d)]
                            && t >= from
                            && t < from + shift.length_s
                            && !shift
                                .breaks
                                .iter()
                                .any(|&(at, len)| t >= from + at && t < from + at + len)
                    })
                })
                .map(|s| s.count)
                .sum(),
        }
    }
}

/// What an agent does with the contacts in hand when its shift ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ShiftEnd {
    /// Finish them and take no new one; the time past the shift end is
    /// measured as overtime.
    #[default]
    FinishContact,
    /// Hand them back to the head of the queue, context package included.
    HandBack,
}

/// Head counts per interval read from a CSV file: an `interval_start_s`
/// column (seconds from the start of the run, increasing, equally spaced)
/// and a column of whole agent counts — a `staffing.csv` written by
/// `handoff-sim staff` has both. Used by `staffing_file` and by `schedule
/// --requirement`.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadCounts {
    /// The spacing of `interval_start_s`, seconds.
    pub interval_s: f64,
    /// (interval start, head count), in time order.
    pub rows: Vec<(f64, u32)>,
}

/// What is wrong with a head-count file: the 1-based line (the header is
/// line 1) and column where known.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadCountError {
    pub line: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

impl HeadCounts {
    /// Reads `column` (and `interval_start_s`) of the CSV file at `path`.
    pub fn read(path: &std::path::Path, column: &str) -> Result<HeadCounts, HeadCountError> {
        let error = |line: Option<usize>, col: Option<&str>, message: String| HeadCountError {
            line,
            column: col.map(str::to_string),
            message,
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| error(None, None, format!("cannot read the head counts: {e}")))?;
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| error(Some(1), None, format!("not a CSV header: {e}")))?
            .clone();
        let find = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim() == name)
                .ok_or_else(|| {
                    error(
                        Some(1),
                        Some(name),
                        "missing column (a staffing.csv from `handoff-sim staff` has it)".into(),
                    )
                })
        };
        let (start_col, count_col) = (find("interval_start_s")?, find(column)?);
        let mut rows: Vec<(f64, u32)> = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            let record = record.map_err(|e| error(Some(line), None, e.to_string()))?;
            let cell = |c: usize| record.get(c).map(str::trim).filter(|v| !v.is_empty());
            let start: f64 = cell(start_col)
                .and_then(|v| v.parse().ok())
                .filter(|s: &f64| s.is_finite() && *s >= 0.0)
                .ok_or_else(|| {
                    let message = "must be seconds ≥ 0 from the start of the run".into();
                    error(Some(line), Some("interval_start_s"), message)
                })?;
            let count: u32 = cell(count_col)
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| {
                    error(
                        Some(line),
                        Some(column),
                        "must be a whole number of agents ≥ 0".into(),
                    )
                })?;
            rows.push((start, count));
        }
        let (Some(&(first, _)), Some(&(second, _))) = (rows.first(), rows.get(1)) else {
            return Err(error(None, None, "needs at least two intervals".into()));
        };
        let interval_s = second - first;
        for (i, pair) in rows.windows(2).enumerate() {
            if interval_s <= 0.0 || (pair[1].0 - pair[0].0 - interval_s).abs() > 1e-6 {
                return Err(error(
                    Some(i + 3),
                    Some("interval_start_s"),
                    format!(
                        "intervals must increase, equally spaced ({interval_s} s), with no gap or overlap"
                    ),
                ));
            }
        }
        Ok(HeadCounts { interval_s, rows })
    }
}

/// A window in which an agent takes contacts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DutyPeriod {
    pub from: f64,
    pub to: f64,
    /// The period ends a shift (the pool's [`ShiftEnd`] rule applies), not a
    /// break or off-phone time.
    pub ends_shift: bool,
}

/// A pool's staffing and shrinkage, as the roster needs them.
#[derive(Debug, Clone, Copy)]
pub struct RosterInputs<'a> {
    pub staffing: &'a Staffing,
    /// Share of scheduled agent-days not worked.
    pub absence: f64,
    /// Seconds off the phone per hour on duty.
    pub off_phone_per_hour_s: f64,
}

/// The duty periods of agent `agent` (numbered within its pool `pool`) over
/// `[0, horizon)`, in time order, not overlapping.
pub fn duty_periods(
    inputs: RosterInputs<'_>,
    calendar: &Calendar,
    horizon: f64,
    pool: usize,
    agent: u32,
    streams: &Streams,
) -> Vec<DutyPeriod> {
    let entity = ((pool as u64) << 32) | u64::from(agent);
    let absent = |day: i64| {
        inputs.absence > 0.0
            && streams
                .stream(Purpose::Absence, entity, day.wrapping_add(1 << 20) as u64)
                .random::<f64>()
                < inputs.absence
    };
    let mut periods = match inputs.staffing {
        Staffing::Fixed(_) if inputs.absence == 0.0 => vec![DutyPeriod {
            from: 0.0,
            to: horizon,
            ends_shift: true,
        }],
        // Round the clock, absent on whole calendar days.
        Staffing::Fixed(_) => {
            let mut out: Vec<DutyPeriod> = Vec::new();
            for day in 0..=calendar.day_of(horizon) {
                if absent(day) {
                    continue;
                }
                let (from, to) = (calendar.midnight(day), calendar.midnight(day + 1));
                extend_or_push(&mut out, from, to);
            }
            out
        }
        Staffing::Shifts(shifts) => {
            // The agent's shift line.
            let mut first = 0;
            let Some(shift) = shifts.iter().find(|s| {
                first += s.count;
                agent < first
            }) else {
                return Vec::new();
            };
            let mut out = Vec::new();
            let last_day = calendar.day_of(horizon) + 1;
            for day in -1..=last_day {
                if !shift.days[calendar.weekday(day)] || absent(day) {
                    continue;
                }
                let start = calendar.midnight(day) + shift.start_s;
                let end = start + shift.length_s;
                let mut from = start;
                for &(at, length) in &shift.breaks {
                    // Back-to-back breaks leave no time between them.
                    if start + at > from {
                        out.push(DutyPeriod {
                            from,
                            to: start + at,
                            ends_shift: false,
                        });
                    }
                    from = start + at + length;
                }
                // Validation keeps the last break before the end.
                out.push(DutyPeriod {
                    from,
                    to: end,
                    ends_shift: true,
                });
            }
            out
        }
        Staffing::ByInterval { interval_s, counts } => {
            let mut out: Vec<DutyPeriod> = Vec::new();
            let intervals = (horizon / interval_s).ceil() as usize;
            for k in 0..intervals {
                if agent >= counts[k % counts.len()] {
                    continue;
                }
                let from = k as f64 * interval_s;
                if absent(calendar.day_of(from)) {
                    continue;
                }
                let to = from + interval_s;
                extend_or_push(&mut out, from, to);
            }
            out
        }
    };
    if inputs.off_phone_per_hour_s > 0.0 {
        periods = cut_off_phone(periods, inputs.off_phone_per_hour_s, |hour| {
            streams
                .stream(Purpose::OffPhone, entity, hour as u64)
                .random::<f64>()
        });
    }
    periods
        .into_iter()
        .filter_map(|p| {
            let (from, to) = (p.from.max(0.0), p.to.min(horizon));
            (to > from).then_some(DutyPeriod { from, to, ..p })
        })
        .collect()
}

/// Adds the shift [from, to) to `out`, joining it to the last one when it
/// follows on without a gap.
fn extend_or_push(out: &mut Vec<DutyPeriod>, from: f64, to: f64) {
    match out.last_mut() {
        Some(last) if last.to == from => last.to = to,
        _ => out.push(DutyPeriod {
            from,
            to,
            ends_shift: true,
        }),
    }
}

/// Removes `length` seconds at a uniform moment of every clock hour (run
/// time) that overlaps a period; `uniform(hour)` is the draw for that hour.
fn cut_off_phone(
    periods: Vec<DutyPeriod>,
    length: f64,
    uniform: impl Fn(i64) -> f64,
) -> Vec<DutyPeriod> {
    let mut out: Vec<DutyPeriod> = Vec::with_capacity(periods.len());
    for period in periods {
        let first_piece = out.len();
        let mut rest = period;
        let first_hour = (period.from / 3600.0).floor() as i64;
        let last_hour = (period.to / 3600.0).ceil() as i64;
        for hour in first_hour..last_hour {
            let at = hour as f64 * 3600.0 + uniform(hour) * (3600.0 - length).max(0.0);
            let (gap_from, gap_to) = (at.max(rest.from), (at + length).min(rest.to));
            if gap_to <= gap_from {
                continue;
            }
            if gap_from > rest.from {
                out.push(DutyPeriod {
                    from: rest.from,
                    to: gap_from,
                    ends_shift: false,
                });
            }
            rest.from = gap_to;
        }
        if rest.to > rest.from {
            out.push(rest);
        } else if out.len() > first_piece
            && let Some(last) = out.last_mut()
        {
            // The off-phone time ran to the end of the period: the piece
            // before it ends the shift (or break) instead.
            last.ends_shift = period.ends_shift;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(staffing: &Staffing) -> RosterInputs<'_> {
        RosterInputs {
            staffing,
            absence: 0.0,
            off_phone_per_hour_s: 0.0,
        }
    }

    fn nine_to_five(breaks: Vec<(f64, f64)>) -> Shift {
        Shift {
            start_s: 9.0 * 3600.0,
            length_s: 8.0 * 3600.0,
            count: 2,
            days: [true, true, true, true, true, false, false],
            breaks,
        }
    }

    #[test]
    fn calendar_weekdays_and_labels() {
        let calendar = Calendar {
            start: jiff::civil::date(2026, 3, 2).at(6, 30, 0, 0), // a Monday
        };
        assert_eq!(calendar.weekday(0), 0);
        assert_eq!(calendar.weekday(6), 6);
        assert_eq!(calendar.weekday(-1), 6);
        assert_eq!(calendar.midnight(0), -6.5 * 3600.0);
        assert_eq!(calendar.day_of(17.5 * 3600.0), 1);
        assert_eq!(calendar.label(2.0 * 3600.0), "mon 08:30");
    }

    #[test]
    fn shifts_follow_weekdays_and_cut_out_breaks() {
        let staffing = Staffing::Shifts(vec![nine_to_five(vec![(3.0 * 3600.0, 1800.0)])]);
        let calendar = Calendar::default(); // Monday 00:00
        let periods = duty_periods(
            inputs(&staffing),
            &calendar,
            7.0 * DAY,
            0,
            1,
            &Streams::new(1, 0),
        );
        // Five working days, two periods each (before and after the break).
        assert_eq!(periods.len(), 10);
        assert_eq!(periods[0].from, 9.0 * 3600.0);
        assert_eq!(periods[0].to, 12.0 * 3600.0);
        assert!(!periods[0].ends_shift);
        assert_eq!(periods[1].from, 12.5 * 3600.0);
        assert_eq!(periods[1].to, 17.0 * 3600.0);
        assert!(periods[1].ends_shift);
        assert_eq!(periods[9].to, 4.0 * DAY + 17.0 * 3600.0);
        // Agent 2 is not on this (two-agent) line.
        let none = duty_periods(inputs(&staffing), &calendar, DAY, 0, 2, &Streams::new(1, 0));
        assert!(none.is_empty());
        assert_eq!(staffing.scheduled_at(&calendar, 10.0 * 3600.0), 2);
        assert_eq!(staffing.scheduled_at(&calendar, 12.2 * 3600.0), 0);
        assert_eq!(
            staffing.scheduled_at(&calendar, 5.0 * DAY + 10.0 * 3600.0),
            0
        );
    }

    #[test]
    fn an_overnight_shift_from_the_day_before_covers_the_first_hours() {
        let shift = Shift {
            start_s: 22.0 * 3600.0,
            length_s: 8.0 * 3600.0,
            count: 1,
            days: [true; 7],
            breaks: vec![],
        };
        let staffing = Staffing::Shifts(vec![shift]);
        let periods = duty_periods(
            inputs(&staffing),
            &Calendar::default(),
            DAY,
            0,
            0,
            &Streams::new(1, 0),
        );
        assert_eq!(periods.len(), 2);
        assert_eq!((periods[0].from, periods[0].to), (0.0, 6.0 * 3600.0));
        assert_eq!((periods[1].from, periods[1].to), (22.0 * 3600.0, DAY));
        assert_eq!(staffing.scheduled_at(&Calendar::default(), 3600.0), 1);
    }

    #[test]
    fn head_count_vectors_merge_consecutive_intervals_and_repeat() {
        let staffing = Staffing::ByInterval {
            interval_s: 3600.0,
            counts: vec![0, 2, 2, 1],
        };
        let at = |agent| {
            duty_periods(
                inputs(&staffing),
                &Calendar::default(),
                8.0 * 3600.0,
                0,
                agent,
                &Streams::new(1, 0),
            )
            .iter()
            .map(|p| (p.from / 3600.0, p.to / 3600.0))
            .collect::<Vec<_>>()
        };
        assert_eq!(at(0), vec![(1.0, 4.0), (5.0, 8.0)]);
        assert_eq!(at(1), vec![(1.0, 3.0), (5.0, 7.0)]);
        assert_eq!(staffing.agents(), 2);
    }

    #[test]
    fn absence_removes_whole_days_at_its_rate() {
        let staffing = Staffing::Shifts(vec![Shift {
            days: [true; 7],
            ..nine_to_five(vec![])
        }]);
        let days = 400;
        let worked: usize = (0..2)
            .map(|agent| {
                duty_periods(
                    RosterInputs {
                        absence: 0.1,
                        ..inputs(&staffing)
                    },
                    &Calendar::default(),
                    days as f64 * DAY,
                    0,
                    agent,
                    &Streams::new(9, 0),
                )
                .len()
            })
            .sum();
        let share = 1.0 - worked as f64 / (2 * days) as f64;
        // Binomial, n = 800: standard error 0.0106; four of them.
        assert!((share - 0.1).abs() < 0.043, "absent share {share}");
    }

    #[test]
    fn off_phone_time_takes_its_length_out_of_every_hour() {
        let staffing = Staffing::Fixed(1);
        let periods = duty_periods(
            RosterInputs {
                off_phone_per_hour_s: 300.0,
                ..inputs(&staffing)
            },
            &Calendar::default(),
            10.0 * 3600.0,
            0,
            0,
            &Streams::new(3, 0),
        );
        let on: f64 = periods.iter().map(|p| p.to - p.from).sum();
        assert!((on - 10.0 * 3300.0).abs() < 1e-6, "on duty {on}");
        assert!(periods.windows(2).all(|w| w[0].to <= w[1].from));
        assert!(periods.last().is_some_and(|p| p.ends_shift));
    }

    #[test]
    fn off_phone_time_at_the_end_of_a_shift_leaves_the_shift_end_in_place() {
        let one = DutyPeriod {
            from: 0.0,
            to: 3600.0,
            ends_shift: true,
        };
        // The draw puts the 5 minutes at the very end of the hour.
        let cut = cut_off_phone(vec![one], 300.0, |_| 1.0);
        assert_eq!(cut.len(), 1);
        assert_eq!((cut[0].from, cut[0].to), (0.0, 3300.0));
        assert!(cut[0].ends_shift, "the shift end was lost: {cut:?}");
        // Every period of a long run keeps exactly one shift end.
        let staffing = Staffing::ByInterval {
            interval_s: 1800.0,
            counts: vec![0, 1, 1, 0],
        };
        for seed in 0..50 {
            let periods = duty_periods(
                RosterInputs {
                    staffing: &staffing,
                    absence: 0.0,
                    off_phone_per_hour_s: 600.0,
                },
                &Calendar::default(),
                20.0 * 3600.0,
                0,
                0,
                &Streams::new(seed, 0),
            );
            let ends = periods.iter().filter(|p| p.ends_shift).count();
            assert_eq!(ends, 10, "seed {seed}: {periods:?}");
        }
    }
}
