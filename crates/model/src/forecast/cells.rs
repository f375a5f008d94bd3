//! One cell of a forecast row as text: interval starts, counts, handle
//! times and channels, parsed and formatted back for messages.

use std::fmt::Write as _;

use jiff::SignedDuration;
use jiff::civil::{Date, DateTime, Time};

use super::parser::Start;
use super::*;

const START_FORMS: &str = "expected a time of day HH:MM[:SS] or a date-time YYYY-MM-DDTHH:MM[:SS]";

pub(super) fn parse_start(s: &str) -> Result<Start, String> {
    if s.is_empty() {
        return Err(format!("missing value; {START_FORMS}"));
    }
    let bad = || format!("cannot parse `{s}`; {START_FORMS}");
    if s.as_bytes().get(4) == Some(&b'-') {
        let (date_part, rest) = (s.get(..10).ok_or_else(bad)?, s.get(10..).ok_or_else(bad)?);
        let mut rest_chars = rest.chars();
        if !matches!(rest_chars.next(), Some('T' | 't' | ' ')) {
            return Err(bad());
        }
        let time_part = rest_chars.as_str().trim_start();
        let date = parse_date(date_part).ok_or_else(bad)?;
        let (h, m, sec) = parse_hms(time_part).ok_or_else(bad)?;
        let time = hms_time(h, m, sec).ok_or_else(bad)?;
        Ok(Start::DateTime(DateTime::from_parts(date, time)))
    } else {
        let (h, m, sec) = parse_hms(s).ok_or_else(bad)?;
        Ok(Start::TimeOfDay(h * 3600 + m * 60 + sec))
    }
}

fn digits(s: &str, min_len: usize, max_len: usize) -> Option<i64> {
    if s.len() < min_len || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `H:MM`, `HH:MM` or `HH:MM:SS`, range-checked.
fn parse_hms(s: &str) -> Option<(i64, i64, i64)> {
    let mut parts = s.split(':');
    let h = digits(parts.next()?, 1, 2)?;
    let m = digits(parts.next()?, 2, 2)?;
    let sec = match parts.next() {
        Some(p) => digits(p, 2, 2)?,
        None => 0,
    };
    if parts.next().is_some() || h > 23 || m > 59 || sec > 59 {
        return None;
    }
    Some((h, m, sec))
}

fn hms_time(h: i64, m: i64, s: i64) -> Option<Time> {
    Time::new(
        i8::try_from(h).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(s).ok()?,
        0,
    )
    .ok()
}

/// `YYYY-MM-DD`, validated by jiff (month lengths, leap years).
fn parse_date(s: &str) -> Option<Date> {
    let mut parts = s.split('-');
    let y = digits(parts.next()?, 4, 4)?;
    let m = digits(parts.next()?, 2, 2)?;
    let d = digits(parts.next()?, 2, 2)?;
    if parts.next().is_some() {
        return None;
    }
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

pub(super) fn parse_count(s: &str) -> Result<f64, String> {
    if s.is_empty() {
        return Err("missing value; expected a number of contacts >= 0".into());
    }
    let v: f64 = s
        .parse()
        .map_err(|_| format!("cannot parse `{s}` as a number of contacts"))?;
    if !v.is_finite() {
        return Err(format!("contact count `{s}` is not a finite number"));
    }
    if v < 0.0 {
        return Err(format!("negative contact count {s}; counts must be >= 0"));
    }
    Ok(v + 0.0) // turns -0 into +0
}

/// Plain seconds, or `<n>h`, `<n>m`/`<n>min`, `<n>s`/`<n>sec` parts,
/// optionally separated by spaces (`4m 30s`, `4m30s`, `1h`).
pub(super) fn parse_aht(s: &str) -> Result<f64, String> {
    let bad = || {
        format!(
            "cannot parse `{s}` as a handle time; expected seconds (`240`) or parts like `4m 30s`, `90s`, `1h`"
        )
    };
    let v = if let Ok(v) = s.parse::<f64>() {
        v
    } else {
        let mut total = 0.0;
        let mut rest = s.trim();
        if rest.is_empty() {
            return Err(bad());
        }
        while !rest.is_empty() {
            let num_len = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .ok_or_else(bad)?;
            let num: f64 = rest
                .get(..num_len)
                .ok_or_else(bad)?
                .parse()
                .map_err(|_| bad())?;
            let after = rest.get(num_len..).ok_or_else(bad)?.trim_start();
            let unit_len = after
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(after.len());
            let unit = after.get(..unit_len).ok_or_else(bad)?.to_ascii_lowercase();
            let factor = match unit.as_str() {
                "h" => 3600.0,
                "m" | "min" => 60.0,
                "s" | "sec" => 1.0,
                _ => return Err(bad()),
            };
            total += num * factor;
            rest = after.get(unit_len..).ok_or_else(bad)?.trim_start();
        }
        total
    };
    if !v.is_finite() || v <= 0.0 {
        return Err(format!(
            "handle time `{s}` must be a finite number of seconds > 0"
        ));
    }
    Ok(v)
}

pub(super) fn parse_channel(s: &str) -> Result<usize, String> {
    match s.to_ascii_lowercase().as_str() {
        "chat" => Ok(CHAT),
        "voice" => Ok(VOICE),
        "" => Err("missing value; expected `chat` or `voice`".into()),
        _ => Err(format!("unknown channel `{s}`; expected `chat` or `voice`")),
    }
}

pub(super) fn fmt_time_of_day(secs: i64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if s == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

pub(super) fn fmt_datetime(first: DateTime, offset_s: i64) -> String {
    match first.checked_add(SignedDuration::from_secs(offset_s)) {
        Ok(dt) => dt.to_string(),
        Err(_) => format!("{first} {offset_s:+} s"),
    }
}

/// A duration as `1d2h30m15s`, omitting zero parts (`30m`, `1h`, `90s` is `1m30s`).
pub(super) fn fmt_span(secs: i64) -> String {
    if secs == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    if secs < 0 {
        out.push('-');
    }
    let mut rest = secs.unsigned_abs();
    for (unit, size) in [("d", 86_400u64), ("h", 3600), ("m", 60), ("s", 1)] {
        if rest >= size {
            let _ = write!(out, "{}{unit}", rest / size);
            rest %= size;
        }
    }
    out
}
