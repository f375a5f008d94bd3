//! Durations (`"8h30m"`) and times of day (`"07:30"`) as text, both ways.

use std::fmt::Write as _;

use super::*;

/// Parses "8h30m", "30m", "90s", "1h 15m": a sequence of `<int>h`, `<int>m`,
/// `<int>s`, optionally separated by spaces.
pub(super) fn parse_duration(text: &str) -> Result<u32, String> {
    let bad = |why: &str| {
        format!("invalid duration {text:?}: {why} (write e.g. \"8h30m\", \"30m\", \"90s\")")
    };
    let mut total: u64 = 0;
    let mut digits = String::new();
    let mut parts = 0;
    for c in text.trim().chars() {
        match c {
            '0'..='9' => digits.push(c),
            'h' | 'm' | 's' => {
                if digits.is_empty() {
                    return Err(bad("a unit without a number"));
                }
                let n: u64 = digits.parse().map_err(|_| bad("number too large"))?;
                let unit = match c {
                    'h' => 3600,
                    'm' => 60,
                    _ => 1,
                };
                total = n
                    .checked_mul(unit)
                    .and_then(|v| total.checked_add(v))
                    .ok_or_else(|| bad("too long"))?;
                digits.clear();
                parts += 1;
            }
            ' ' if digits.is_empty() => {}
            _ => return Err(bad(&format!("unexpected {c:?}"))),
        }
    }
    if !digits.is_empty() {
        return Err(bad("a number without a unit (h, m or s)"));
    }
    if parts == 0 {
        return Err(bad("empty"));
    }
    u32::try_from(total).map_err(|_| bad("too long"))
}

/// Parses "HH:MM" or "HH:MM:SS" (00:00 to 23:59:59) into seconds after midnight.
pub(super) fn parse_time_of_day(text: &str) -> Result<u32, String> {
    let bad = || format!("invalid time of day {text:?} (write e.g. \"08:00\" or \"22:30\")");
    let fields: Vec<&str> = text.trim().split(':').collect();
    if !(2..=3).contains(&fields.len()) {
        return Err(bad());
    }
    let mut nums = [0u32; 3];
    for (n, f) in nums.iter_mut().zip(&fields) {
        if f.is_empty() || f.len() > 2 || !f.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        *n = f.parse().map_err(|_| bad())?;
    }
    let [h, m, s] = nums;
    if h > 23 || m > 59 || s > 59 {
        return Err(bad());
    }
    Ok(h * 3600 + m * 60 + s)
}

pub(super) fn fmt_tod(s: u32) -> String {
    let s = s % DAY_S;
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if sec == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{sec:02}")
    }
}

/// Time of day `offset_s` after `start_s` (modulo 24 h).
pub(super) fn tod_after(start_s: u32, offset_s: u32) -> u32 {
    ((u64::from(start_s) + u64::from(offset_s)) % u64::from(DAY_S)) as u32
}

pub(super) fn fmt_dur(s: u32) -> String {
    if s == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if h > 0 {
        let _ = write!(out, "{h}h");
    }
    if m > 0 {
        let _ = write!(out, "{m}m");
    }
    if sec > 0 {
        let _ = write!(out, "{sec}s");
    }
    out
}

pub(super) fn fmt_hours(h: f64) -> String {
    format!("{}", (h * 100.0).round() / 100.0)
}
