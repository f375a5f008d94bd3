//! The `[[agents]]` pools: head counts (fixed, from a CSV, or by shift),
//! shifts and breaks, skills and routing.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use super::validate::{Invalid, invalid, positive_duration};
use super::*;

/// Head counts per interval from a CSV file whose intervals start at 0.
/// Errors name the file, line and column.
fn read_head_counts(path: &Path, column: &str) -> Result<(f64, Vec<u32>), String> {
    let located = |e: crate::roster::HeadCountError| {
        format!(
            "{}{}: {}{}",
            path.display(),
            e.line.map(|l| format!(":{l}")).unwrap_or_default(),
            e.column.map(|c| format!("`{c}`: ")).unwrap_or_default(),
            e.message
        )
    };
    let file = crate::roster::HeadCounts::read(path, column).map_err(located)?;
    if file.rows[0].0 != 0.0 {
        return Err(located(crate::roster::HeadCountError {
            line: Some(2),
            column: Some("interval_start_s".into()),
            message: "the first interval must start at 0".into(),
        }));
    }
    Ok((
        file.interval_s,
        file.rows.into_iter().map(|(_, c)| c).collect(),
    ))
}

/// `HH:MM` (or `HH:MM:SS`) as seconds after midnight; `24:00` only where
/// `allow_midnight_end`.
fn time_of_day(key: String, text: &str, allow_midnight_end: bool) -> Result<f64, Invalid> {
    if allow_midnight_end && text.trim() == "24:00" {
        return Ok(crate::roster::DAY);
    }
    text.trim()
        .parse::<jiff::civil::Time>()
        .map(|t| {
            f64::from(t.hour()) * 3600.0 + f64::from(t.minute()) * 60.0 + f64::from(t.second())
        })
        .map_err(|_| {
            invalid(
                key,
                format!("must be a time of day like \"08:30\", got \"{text}\""),
            )
        })
}

/// A pool's staffing: exactly one of `count`, `shifts` and `staffing`.
pub(super) fn validate_staffing(
    i: usize,
    pool: &RawPool,
    interval: Duration,
    scenario_file: &Path,
) -> Result<Staffing, Invalid> {
    let key = |field: &str| format!("agents[{i}].{field}");
    let given = [
        pool.count.is_some(),
        pool.shifts.is_some(),
        pool.staffing.is_some(),
        pool.staffing_file.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(invalid(
            key("count"),
            "give exactly one of `count` (a fixed head count), `shifts` ([[agents.shifts]]), `staffing` (head counts per interval) and `staffing_file` (the same from a CSV file)",
        ));
    }
    if pool.staffing_column.is_some() && pool.staffing_file.is_none() {
        return Err(invalid(
            key("staffing_column"),
            "only applies with `staffing_file`",
        ));
    }
    if let Some(name) = &pool.staffing_file {
        let path = scenario_file
            .parent()
            .unwrap_or_else(|| Path::new(""))
            .join(name);
        let column = pool.staffing_column.as_deref().unwrap_or("agents");
        let (interval_s, counts) = read_head_counts(&path, column)
            .map_err(|message| invalid(key("staffing_file"), message))?;
        return Ok(Staffing::ByInterval { interval_s, counts });
    }
    if pool.staffing_interval.is_some() && pool.staffing.is_none() {
        return Err(invalid(
            key("staffing_interval"),
            "only applies with `staffing`",
        ));
    }
    if let Some(count) = pool.count {
        return Ok(Staffing::Fixed(count));
    }
    if let Some(counts) = &pool.staffing {
        if counts.is_empty() || counts.len() > 200_000 {
            return Err(invalid(
                key("staffing"),
                "must hold between 1 and 200 000 head counts",
            ));
        }
        let interval_s = match pool.staffing_interval {
            Some(d) => positive_duration(&key("staffing_interval"), d)?.as_secs_f64(),
            None => interval.as_secs_f64(),
        };
        return Ok(Staffing::ByInterval {
            interval_s,
            counts: counts.clone(),
        });
    }
    let raw_shifts = pool.shifts.as_deref().unwrap_or_default();
    if raw_shifts.is_empty() {
        return Err(invalid(
            key("shifts"),
            "must hold at least one [[agents.shifts]] entry",
        ));
    }
    let mut shifts = Vec::with_capacity(raw_shifts.len());
    for (j, shift) in raw_shifts.iter().enumerate() {
        let key = |field: &str| format!("agents[{i}].shifts[{j}].{field}");
        let start_s = time_of_day(key("start"), &shift.start, false)?;
        // A shift ending at midnight may be written "00:00" or "24:00".
        let end_s = match time_of_day(key("end"), &shift.end, true)? {
            0.0 if start_s > 0.0 && !shift.overnight => crate::roster::DAY,
            end => end,
        };
        let length_s = if end_s > start_s {
            if shift.overnight {
                return Err(invalid(
                    key("overnight"),
                    format!(
                        "the shift {}–{} does not pass midnight; remove `overnight`",
                        shift.start, shift.end
                    ),
                ));
            }
            end_s - start_s
        } else if end_s == start_s && shift.overnight {
            // Round the clock: from the start to the same time next day.
            crate::roster::DAY
        } else if end_s == start_s {
            return Err(invalid(
                key("end"),
                format!("the shift ends when it starts ({})", shift.end),
            ));
        } else if shift.overnight {
            end_s + crate::roster::DAY - start_s
        } else {
            return Err(invalid(
                key("end"),
                format!(
                    "the shift ends ({}) before it starts ({}); for a shift past midnight set `overnight = true`",
                    shift.end, shift.start
                ),
            ));
        };
        let days = match &shift.days {
            None => [true; 7],
            Some(names) => {
                let mut days = [false; 7];
                for name in names {
                    let Some(d) = crate::roster::WEEKDAYS
                        .iter()
                        .position(|w| w.eq_ignore_ascii_case(name.trim()))
                    else {
                        return Err(invalid(
                            key("days"),
                            format!(
                                "unknown weekday \"{name}\"; use {}",
                                crate::roster::WEEKDAYS.join(", ")
                            ),
                        ));
                    };
                    days[d] = true;
                }
                if !days.iter().any(|d| *d) {
                    return Err(invalid(
                        key("days"),
                        "must name at least one weekday (or leave `days` out for every day)",
                    ));
                }
                days
            }
        };
        let mut breaks: Vec<(f64, f64)> = Vec::with_capacity(shift.breaks.len());
        for (b, brk) in shift.breaks.iter().enumerate() {
            let key = |field: &str| format!("agents[{i}].shifts[{j}].breaks[{b}].{field}");
            let at = time_of_day(key("at"), &brk.at, false)?;
            let length = positive_duration(&key("length"), brk.length)?.as_secs_f64();
            // Offset from the shift start, past midnight for overnight shifts.
            let offset = (at - start_s).rem_euclid(crate::roster::DAY);
            // A break must lie strictly inside its shift: one that opens or
            // closes it is a shorter shift, and would hide the shift's start
            // or end from the roster.
            if offset == 0.0 || offset + length >= length_s {
                return Err(invalid(
                    key("at"),
                    format!(
                        "the break at {} ({}s long) lies outside its shift {}–{} (a break must start after the shift starts and end before it ends)",
                        brk.at, length, shift.start, shift.end
                    ),
                ));
            }
            if let Some(&(prev, prev_len)) = breaks.last()
                && offset < prev + prev_len
            {
                return Err(invalid(
                    key("at"),
                    "breaks must be listed in time order and must not overlap",
                ));
            }
            breaks.push((offset, length));
        }
        shifts.push(crate::roster::Shift {
            start_s,
            length_s,
            count: shift.count,
            days,
            breaks,
        });
    }
    Ok(Staffing::Shifts(shifts))
}

pub(super) fn pool_skill_list(pools: &[RawPool]) -> String {
    let skills: BTreeSet<&str> = pools
        .iter()
        .flat_map(|p| p.skills.iter().map(String::as_str))
        .collect();
    skills.into_iter().collect::<Vec<_>>().join(", ")
}
