//! Contact forecasts exported by workforce-management (WFM) tools.
//!
//! A scenario may say `[arrivals] forecast_file = "forecast.csv"`. This module
//! parses and validates that CSV into a typed [`Forecast`] and turns it into
//! the piecewise-constant arrival rates the simulator uses ([`RateSegments`]).
//!
//! # Format
//!
//! A header row is required. Column names are case-insensitive and may come
//! in any order; a column that is not listed below is an error (naming it), and
//! so is a column given twice.
//!
//! | column           | required | meaning |
//! |------------------|----------|---------|
//! | `interval_start` | yes      | start of the interval: a time of day `HH:MM` / `HH:MM:SS`, or a civil date-time `YYYY-MM-DDTHH:MM[:SS]` (a space may replace the `T`) |
//! | `contacts`       | yes      | expected contacts in the interval: a finite number `>= 0`; fractions are fine (forecasts are expectations) |
//! | `aht`            | no       | average handle time: plain seconds (`240`, `240.5`) or `<n>h`, `<n>m`, `<n>s` parts, e.g. `4m 30s`, `4m30s`, `90s`; must be `> 0`; an empty cell means "not given" |
//! | `channel`        | no       | `chat` or `voice` (case-insensitive); required in every row when the column exists |
//!
//! Surrounding whitespace in cells is ignored, a leading UTF-8 byte-order mark
//! is ignored, and rows whose cells are all empty (trailing `,,,` lines from a
//! spreadsheet) are skipped.
//!
//! Without a `channel` column every interval has exactly one row and
//! `contacts` is the total. With a `channel` column an interval may have one
//! row per channel; the rows that share an `interval_start` are combined into
//! one interval (a channel without a row counts 0 for that interval). The rows
//! of one channel must be in increasing time order, but the channels may be
//! interleaved (`08:00 chat, 08:00 voice, 08:30 chat, ...`) or given one block
//! after the other (all chat rows, then all voice rows). The AHT of a combined
//! interval is the contact-weighted mean over the rows that gave one (the plain
//! mean if those rows all forecast zero contacts).
//!
//! # Daily and dated forms
//!
//! * **Daily** — `interval_start` is a time of day. The file describes one day
//!   that repeats every day of the simulation. The rows need not start at
//!   00:00 nor end at 24:00 (a centre closed at night may omit its night rows),
//!   but they must be contiguous and lie within one calendar day (00:00 up to
//!   the last interval that ends at or before 24:00). **Times of day outside the
//!   listed intervals have zero contacts.** A window that spans midnight must
//!   be written as a whole day (list the closed hours with `contacts = 0`). The
//!   interval starts must lie on the interval grid counted from midnight
//!   (e.g. `08:30` with 30-minute intervals, not `08:10`).
//! * **Dated** — `interval_start` is a civil date-time (no time zone, so no
//!   daylight-saving jumps). The rows must be contiguous from the first to the
//!   last; **before the first and after the last interval the rate is zero.**
//!
//! Mixing the two forms in one file is an error.
//!
//! # Validation
//!
//! Every [`ForecastError`] names the file, the 1-based line of the offending
//! CSV row (the header is line 1; line 0 for whole-file problems such as an
//! empty file or a missing column) and the column where relevant. Parsing
//! never panics. The checks are:
//!
//! * `interval_start` and `contacts` columns present; no unknown or repeated
//!   columns; every row has as many cells as the header;
//! * every cell parses; counts are finite and `>= 0`; AHT is finite and `> 0`;
//! * at least one data row (an empty file is an error) and at least two
//!   distinct intervals (the interval width is inferred from the spacing);
//! * a repeated `interval_start` (for the same channel, when there is a channel
//!   column) is an *overlapping interval*; a row earlier than the previous row
//!   of its channel is out of order;
//! * the interval width is the most common spacing between consecutive
//!   intervals; it must be at least 60 s and divide a day (15 min, 30 min,
//!   60 min, ...); a larger jump that is a multiple of the width is a *gap*
//!   (reported at the row after the gap, naming the first missing time); any
//!   other spacing is *unequal spacing*;
//! * daily form: starts on the grid from midnight, covering at most 24 h.
//!
//! # Rates
//!
//! [`Forecast::segments`] turns the forecast into one segment per interval
//! from the simulation start: rate = contacts / interval width (contacts per
//! second), the chat share of that rate when the file has a channel column,
//! and the AHT when given. The simulation start must be on the forecast's
//! interval grid. [`Forecast::expected_contacts`] integrates the rate over a
//! horizon (any start, exact for partial intervals).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use jiff::civil::DateTime;

mod cells;
mod parser;
mod rates;

pub use parser::parse;

const DAY_S: i64 = 86_400;
/// Upper bound on the number of segments [`Forecast::segments`] will build.
const MAX_SEGMENTS: f64 = 10_000_000.0;

/// Channel index of chat in [`ForecastInterval::contacts`].
pub const CHAT: usize = 0;
/// Channel index of voice in [`ForecastInterval::contacts`].
pub const VOICE: usize = 1;

/// A parsed and validated contact forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// Width of one interval in seconds (a divisor of 86 400).
    pub interval_s: u32,
    pub kind: ForecastKind,
    /// One per interval, in time order, contiguous.
    pub intervals: Vec<ForecastInterval>,
    /// Whether the file had a channel column.
    pub by_channel: bool,
}

/// Whether the forecast is one repeating day or covers absolute dates.
#[derive(Debug, Clone, PartialEq)]
pub enum ForecastKind {
    /// `interval_start` was a time of day: the first interval starts this many
    /// seconds after midnight, and the day repeats.
    Daily { first_start_s: u32 },
    /// `interval_start` was a date-time: the first interval starts then.
    Dated { first: DateTime },
}

/// One interval of a forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastInterval {
    /// Expected contacts [chat, voice]; when the file has no channel column,
    /// all contacts are in `total` and both channel entries are None.
    pub contacts: [Option<f64>; 2],
    pub total: f64,
    /// Average handle time in seconds, if given (contact-weighted mean over the
    /// channel rows that gave one).
    pub aht_s: Option<f64>,
    /// 1-based CSV line of the (first) row of this interval.
    pub line: usize,
}

/// A forecast file problem. `line` is the 1-based CSV line (header = 1), or 0
/// for problems with the whole file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}{message}", error_prefix(file, *line, column.as_deref()))]
pub struct ForecastError {
    pub file: PathBuf,
    pub line: usize,
    pub column: Option<String>,
    pub message: String,
}

fn error_prefix(file: &Path, line: usize, column: Option<&str>) -> String {
    let mut s = file.display().to_string();
    if line > 0 {
        let _ = write!(s, ":{line}");
    }
    s.push_str(": ");
    if let Some(c) = column {
        let _ = write!(s, "`{c}`: ");
    }
    s
}

impl ForecastError {
    fn new(file: &Path, line: usize, column: Option<&str>, message: impl Into<String>) -> Self {
        ForecastError {
            file: file.to_path_buf(),
            line,
            column: column.map(str::to_owned),
            message: message.into(),
        }
    }
}

/// A piecewise-constant schedule relative to the start of a simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct RateSegments {
    /// Segment width in seconds (= forecast interval).
    pub width_s: f64,
    /// For segment k = [k*width, (k+1)*width) from the simulation start: rate
    /// in contacts per second (total).
    pub rate: Vec<f64>,
    /// The chat share of `rate[k]` (None when the file has no channel column:
    /// the scenario's channel split applies; also None when the rate is 0).
    pub chat_share: Vec<Option<f64>>,
    /// AHT in seconds for segment k, if the forecast gave one.
    pub aht_s: Vec<Option<f64>>,
}

/// Reads and parses a forecast file. An unreadable file is an error with line 0.
pub fn load(path: &Path) -> Result<Forecast, ForecastError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ForecastError::new(path, 0, None, format!("cannot read forecast file: {e}"))
    })?;
    parse(&text, path)
}

#[cfg(test)]
mod tests;
