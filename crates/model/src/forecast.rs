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

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use jiff::SignedDuration;
use jiff::civil::{Date, DateTime, Time};

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

const COL_START: &str = "interval_start";
const COL_CONTACTS: &str = "contacts";
const COL_AHT: &str = "aht";
const COL_CHANNEL: &str = "channel";

/// Column positions found in the header.
struct Columns {
    start: usize,
    contacts: usize,
    aht: Option<usize>,
    channel: Option<usize>,
    count: usize,
}

/// A parsed `interval_start` cell.
#[derive(Clone, Copy)]
enum Start {
    TimeOfDay(i64),
    DateTime(DateTime),
}

/// One parsed data row.
struct Row {
    line: usize,
    /// Seconds after midnight (daily) or after the first row's start (dated).
    key: i64,
    /// 0 = chat, 1 = voice; `None` when the file has no channel column.
    channel: Option<usize>,
    contacts: f64,
    aht: Option<f64>,
}

/// Rows of one interval being combined.
struct Group {
    line: usize,
    contacts: [Option<f64>; 2],
    total: f64,
    aht_weighted: f64,
    aht_weight: f64,
    aht_sum: f64,
    aht_count: u32,
}

/// Parses and validates forecast CSV `text`; `file` is only used in errors.
pub fn parse(text: &str, file: &Path) -> Result<Forecast, ForecastError> {
    let err = |line: usize, column: Option<&str>, msg: String| {
        ForecastError::new(file, line, column, msg)
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());

    let mut cols: Option<Columns> = None;
    // The form of the file, fixed by the first data row, with that row's line.
    let mut form: Option<(Start, usize)> = None;
    let mut rows: Vec<Row> = Vec::new();

    let mut lines = LineCounter::new(text);
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
            err(line, None, format!("malformed CSV: {e}"))
        })?;
        let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
        let Some(c) = &cols else {
            cols = Some(parse_header(&record, line, file)?);
            continue;
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != c.count {
            return Err(err(
                line,
                None,
                format!(
                    "expected {} cells as in the header, found {}",
                    c.count,
                    record.len()
                ),
            ));
        }
        let cell = |idx: usize| record.get(idx).unwrap_or("");

        let start_text = cell(c.start);
        let start = parse_start(start_text).map_err(|m| err(line, Some(COL_START), m))?;
        let key = match (form, start) {
            (None, _) => {
                form = Some((start, line));
                match start {
                    Start::TimeOfDay(s) => s,
                    Start::DateTime(_) => 0,
                }
            }
            (Some((Start::TimeOfDay(_), _)), Start::TimeOfDay(s)) => s,
            (Some((Start::DateTime(first), _)), Start::DateTime(dt)) => {
                dt.duration_since(first).as_secs()
            }
            (Some((Start::TimeOfDay(_), first_line)), Start::DateTime(_)) => {
                return Err(err(
                    line,
                    Some(COL_START),
                    format!(
                        "mixed interval_start forms: `{start_text}` is a date-time but line {first_line} \
                         has a time of day; use one form throughout the file"
                    ),
                ));
            }
            (Some((Start::DateTime(_), first_line)), Start::TimeOfDay(_)) => {
                return Err(err(
                    line,
                    Some(COL_START),
                    format!(
                        "mixed interval_start forms: `{start_text}` is a time of day but line {first_line} \
                         has a date-time; use one form throughout the file"
                    ),
                ));
            }
        };

        let contacts =
            parse_count(cell(c.contacts)).map_err(|m| err(line, Some(COL_CONTACTS), m))?;
        let aht = match c.aht {
            Some(idx) if !cell(idx).is_empty() => {
                Some(parse_aht(cell(idx)).map_err(|m| err(line, Some(COL_AHT), m))?)
            }
            _ => None,
        };
        let channel = match c.channel {
            Some(idx) => {
                Some(parse_channel(cell(idx)).map_err(|m| err(line, Some(COL_CHANNEL), m))?)
            }
            None => None,
        };
        rows.push(Row {
            line,
            key,
            channel,
            contacts,
            aht,
        });
    }

    let Some(cols) = cols else {
        return Err(err(
            0,
            None,
            "empty file: no header row and no data rows".into(),
        ));
    };
    let by_channel = cols.channel.is_some();
    let Some((first_start, _)) = form else {
        return Err(err(
            0,
            None,
            "empty file: the header has no data rows after it".into(),
        ));
    };
    let label = |key: i64| match first_start {
        Start::TimeOfDay(_) => fmt_time_of_day(key),
        Start::DateTime(first) => fmt_datetime(first, key),
    };

    // Per-channel order and overlap checks, then combine rows by start.
    let mut last: [Option<(i64, usize)>; 2] = [None, None];
    let mut groups: BTreeMap<i64, Group> = BTreeMap::new();
    for row in &rows {
        let slot = row.channel.unwrap_or(0);
        if let Some((prev_key, prev_line)) = last[slot] {
            let which = match row.channel {
                Some(CHAT) => " for channel `chat`",
                Some(_) => " for channel `voice`",
                None => "",
            };
            if row.key == prev_key {
                return Err(err(
                    row.line,
                    Some(COL_START),
                    format!(
                        "overlapping interval: {} is already given{which} at line {prev_line}",
                        label(row.key)
                    ),
                ));
            }
            if row.key < prev_key {
                return Err(err(
                    row.line,
                    Some(COL_START),
                    format!(
                        "out of order: {} is earlier than {} at line {prev_line}{which}; \
                         rows must be in increasing time order",
                        label(row.key),
                        label(prev_key)
                    ),
                ));
            }
        }
        last[slot] = Some((row.key, row.line));

        let g = groups.entry(row.key).or_insert(Group {
            line: row.line,
            contacts: [None, None],
            total: 0.0,
            aht_weighted: 0.0,
            aht_weight: 0.0,
            aht_sum: 0.0,
            aht_count: 0,
        });
        g.line = g.line.min(row.line);
        if let Some(ch) = row.channel {
            g.contacts[ch] = Some(row.contacts);
        }
        g.total += row.contacts;
        if let Some(a) = row.aht {
            g.aht_weighted += a * row.contacts;
            g.aht_weight += row.contacts;
            g.aht_sum += a;
            g.aht_count += 1;
        }
    }

    let keys: Vec<(i64, usize)> = groups.iter().map(|(k, g)| (*k, g.line)).collect();
    if keys.len() < 2 {
        return Err(err(
            0,
            None,
            "the forecast has only one interval; at least two are needed to know the interval width".into(),
        ));
    }
    let width = infer_width(&keys);
    let width_line = keys
        .windows(2)
        .find(|w| w[1].0 - w[0].0 == width)
        .map_or(0, |w| w[1].1);
    if width < 60 || DAY_S % width != 0 {
        return Err(err(
            width_line,
            Some(COL_START),
            format!(
                "interval width {} ({width} s) is not allowed: it must be at least 1 minute and divide \
                 24 hours evenly (e.g. 15m, 30m, 60m)",
                fmt_span(width)
            ),
        ));
    }
    for pair in keys.windows(2) {
        let ((prev, prev_line), (cur, cur_line)) = (pair[0], pair[1]);
        let d = cur - prev;
        if d == width {
            continue;
        }
        if d > width && d % width == 0 {
            let missing = d / width - 1;
            let what = if missing == 1 {
                format!("no row for {}", label(prev + width))
            } else {
                format!(
                    "no rows for {} to {} ({missing} intervals)",
                    label(prev + width),
                    label(cur - width)
                )
            };
            return Err(err(
                cur_line,
                Some(COL_START),
                format!(
                    "gap: {what} between {} at line {prev_line} and {} here; intervals are {} wide",
                    label(prev),
                    label(cur),
                    fmt_span(width)
                ),
            ));
        }
        return Err(err(
            cur_line,
            Some(COL_START),
            format!(
                "unequal spacing: {} is {} after {} at line {prev_line}, but the interval width is {}",
                label(cur),
                fmt_span(d),
                label(prev),
                fmt_span(width)
            ),
        ));
    }

    let (first_key, first_line) = keys[0];
    let kind = match first_start {
        Start::TimeOfDay(_) => {
            if first_key % width != 0 {
                return Err(err(
                    first_line,
                    Some(COL_START),
                    format!(
                        "{} is not on the {} interval grid counted from midnight",
                        label(first_key),
                        fmt_span(width)
                    ),
                ));
            }
            let covered = width * i64::try_from(keys.len()).unwrap_or(i64::MAX);
            if first_key + covered > DAY_S {
                return Err(err(
                    first_line,
                    Some(COL_START),
                    format!(
                        "a daily forecast may cover at most 24 h, this one covers {}",
                        fmt_span(covered)
                    ),
                ));
            }
            ForecastKind::Daily {
                first_start_s: u32::try_from(first_key).unwrap_or(0),
            }
        }
        Start::DateTime(first_row) => {
            let first = first_row
                .checked_add(SignedDuration::from_secs(first_key))
                .map_err(|e| {
                    err(
                        first_line,
                        Some(COL_START),
                        format!("date-time out of range: {e}"),
                    )
                })?;
            ForecastKind::Dated { first }
        }
    };

    let intervals = groups
        .into_values()
        .map(|g| ForecastInterval {
            contacts: g.contacts,
            total: g.total,
            aht_s: if g.aht_count == 0 {
                None
            } else if g.aht_weight > 0.0 {
                Some(g.aht_weighted / g.aht_weight)
            } else {
                Some(g.aht_sum / f64::from(g.aht_count))
            },
            line: g.line,
        })
        .collect();

    Ok(Forecast {
        interval_s: u32::try_from(width).unwrap_or(0),
        kind,
        intervals,
        by_channel,
    })
}

/// Maps csv byte offsets to 1-based line numbers. csv's own line numbers
/// point at any blank lines skipped before a record, so the offset is moved
/// past those and line terminators (`\n`, `\r\n`, lone `\r`) are counted.
struct LineCounter<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            bytes: text.as_bytes(),
            pos: 0,
            line: 1,
        }
    }

    /// Line of the first non-blank byte at or after `byte`. Offsets must not
    /// decrease between calls (an earlier offset gives the last line seen).
    fn line_at(&mut self, byte: u64) -> usize {
        let mut target = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while matches!(self.bytes.get(target), Some(b'\r' | b'\n')) {
            target += 1;
        }
        while self.pos < target {
            match self.bytes.get(self.pos) {
                Some(b'\n') => self.line += 1,
                Some(b'\r') if self.bytes.get(self.pos + 1) != Some(&b'\n') => self.line += 1,
                _ => {}
            }
            self.pos += 1;
        }
        self.line
    }
}

fn parse_header(
    record: &csv::StringRecord,
    line: usize,
    file: &Path,
) -> Result<Columns, ForecastError> {
    let mut start = None;
    let mut contacts = None;
    let mut aht = None;
    let mut channel = None;
    let mut unknown = Vec::new();
    for (idx, raw) in record.iter().enumerate() {
        let name = raw.to_ascii_lowercase();
        let slot = match name.as_str() {
            COL_START => &mut start,
            COL_CONTACTS => &mut contacts,
            COL_AHT => &mut aht,
            COL_CHANNEL => &mut channel,
            _ => {
                unknown.push(format!("`{raw}`"));
                continue;
            }
        };
        if slot.is_some() {
            return Err(ForecastError::new(
                file,
                line,
                Some(&name),
                "column appears more than once in the header",
            ));
        }
        *slot = Some(idx);
    }
    if !unknown.is_empty() {
        let s = if unknown.len() == 1 { "" } else { "s" };
        return Err(ForecastError::new(
            file,
            line,
            None,
            format!(
                "unknown column{s} {} (expected interval_start, contacts, and optionally aht, channel)",
                unknown.join(", ")
            ),
        ));
    }
    let missing = |col: &str| {
        ForecastError::new(
            file,
            0,
            Some(col),
            "missing required column (the header must name interval_start and contacts)",
        )
    };
    Ok(Columns {
        start: start.ok_or_else(|| missing(COL_START))?,
        contacts: contacts.ok_or_else(|| missing(COL_CONTACTS))?,
        aht,
        channel,
        count: record.len(),
    })
}

/// The most common spacing between consecutive interval starts (ties: the one
/// seen first).
fn infer_width(keys: &[(i64, usize)]) -> i64 {
    let mut counts: Vec<(i64, usize)> = Vec::new();
    for w in keys.windows(2) {
        let d = w[1].0 - w[0].0;
        match counts.iter_mut().find(|(v, _)| *v == d) {
            Some((_, n)) => *n += 1,
            None => counts.push((d, 1)),
        }
    }
    let mut best = (0, 0);
    for (d, n) in counts {
        if n > best.1 {
            best = (d, n);
        }
    }
    best.0
}

const START_FORMS: &str = "expected a time of day HH:MM[:SS] or a date-time YYYY-MM-DDTHH:MM[:SS]";

fn parse_start(s: &str) -> Result<Start, String> {
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

fn parse_count(s: &str) -> Result<f64, String> {
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
fn parse_aht(s: &str) -> Result<f64, String> {
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

fn parse_channel(s: &str) -> Result<usize, String> {
    match s.to_ascii_lowercase().as_str() {
        "chat" => Ok(CHAT),
        "voice" => Ok(VOICE),
        "" => Err("missing value; expected `chat` or `voice`".into()),
        _ => Err(format!("unknown channel `{s}`; expected `chat` or `voice`")),
    }
}

fn fmt_time_of_day(secs: i64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if s == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

fn fmt_datetime(first: DateTime, offset_s: i64) -> String {
    match first.checked_add(SignedDuration::from_secs(offset_s)) {
        Ok(dt) => dt.to_string(),
        Err(_) => format!("{first} {offset_s:+} s"),
    }
}

/// A duration as `1d2h30m15s`, omitting zero parts (`30m`, `1h`, `90s` is `1m30s`).
fn fmt_span(secs: i64) -> String {
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

impl Forecast {
    /// The interval covering grid index `idx`, where index 0 starts at
    /// midnight (daily, repeating every day) or at `first` (dated).
    fn interval_at(&self, idx: i64) -> Option<&ForecastInterval> {
        let pos = match self.kind {
            ForecastKind::Daily { first_start_s } => {
                let w = i64::from(self.interval_s.max(1));
                let per_day = DAY_S / w;
                idx.rem_euclid(per_day) - i64::from(first_start_s) / w
            }
            ForecastKind::Dated { .. } => idx,
        };
        usize::try_from(pos)
            .ok()
            .and_then(|p| self.intervals.get(p))
    }

    /// Seconds from the grid origin (midnight for daily, `first` for dated)
    /// to `start`, as whole seconds plus nanoseconds.
    fn offset_from_origin(&self, start: DateTime) -> (i64, i32) {
        match self.kind {
            ForecastKind::Daily { .. } => {
                let t = start.time();
                let secs =
                    i64::from(t.hour()) * 3600 + i64::from(t.minute()) * 60 + i64::from(t.second());
                (secs, t.subsec_nanosecond())
            }
            ForecastKind::Dated { first } => {
                let d = start.duration_since(first);
                (d.as_secs(), d.subsec_nanos())
            }
        }
    }

    /// Rates from the simulation start `start` (a civil date-time) over
    /// `horizon_s` seconds, one segment per forecast interval
    /// (`ceil(horizon_s / interval_s)` segments; the last may extend past the
    /// horizon).
    ///
    /// Daily: the day repeats; the start's time of day must be a multiple of
    /// the interval width. Dated: segments before the first row and after the
    /// last are 0; `start - first` must be a multiple of the interval width,
    /// and the forecast must overlap the horizon.
    pub fn segments(
        &self,
        start: DateTime,
        horizon_s: f64,
        file: &Path,
    ) -> Result<RateSegments, ForecastError> {
        let err = |msg: String| ForecastError::new(file, 0, None, msg);
        let w = i64::from(self.interval_s);
        if w <= 0 || self.intervals.is_empty() {
            return Err(err("the forecast has no intervals".into()));
        }
        if !horizon_s.is_finite() || horizon_s <= 0.0 {
            return Err(err(format!(
                "the simulation horizon must be a positive number of seconds, got {horizon_s}"
            )));
        }
        let width_s = f64::from(self.interval_s);
        let n_f = (horizon_s / width_s).ceil();
        if n_f > MAX_SEGMENTS {
            return Err(err(format!(
                "the simulation horizon of {horizon_s} s needs {n_f} forecast intervals, more than the limit of \
                 {MAX_SEGMENTS}"
            )));
        }
        let (secs, nanos) = self.offset_from_origin(start);
        if nanos != 0 || secs.rem_euclid(w) != 0 {
            let grid = match self.kind {
                ForecastKind::Daily { .. } => format!("every {} from midnight", fmt_span(w)),
                ForecastKind::Dated { first } => format!("every {} from {first}", fmt_span(w)),
            };
            return Err(err(format!(
                "the simulation start {start} must be on the forecast's interval grid ({grid})"
            )));
        }
        let offset = secs.div_euclid(w);
        // n_f is a whole number in 1..=MAX_SEGMENTS, so the cast is exact.
        let n = n_f as usize;
        if let ForecastKind::Dated { first } = self.kind {
            let len = i64::try_from(self.intervals.len()).unwrap_or(i64::MAX);
            let n_i = i64::try_from(n).unwrap_or(i64::MAX);
            if offset >= len || offset.saturating_add(n_i) <= 0 {
                let end = fmt_datetime(first, len.saturating_mul(w));
                return Err(err(format!(
                    "the forecast covers {first} to {end}, which does not overlap the simulation from {start} \
                     for {} s",
                    horizon_s
                )));
            }
        }
        let mut out = RateSegments {
            width_s,
            rate: Vec::with_capacity(n),
            chat_share: Vec::with_capacity(n),
            aht_s: Vec::with_capacity(n),
        };
        let mut idx = offset;
        for _ in 0..n {
            match self.interval_at(idx) {
                Some(iv) => {
                    out.rate.push(iv.total / width_s);
                    out.chat_share.push(if self.by_channel && iv.total > 0.0 {
                        Some(iv.contacts[CHAT].unwrap_or(0.0) / iv.total)
                    } else {
                        None
                    });
                    out.aht_s.push(iv.aht_s);
                }
                None => {
                    out.rate.push(0.0);
                    out.chat_share.push(None);
                    out.aht_s.push(None);
                }
            }
            idx = idx.saturating_add(1);
        }
        Ok(out)
    }

    /// Total expected contacts over `[start, start + horizon_s)` (for the
    /// scenario's arrival cap). Works for any start, on the grid or not;
    /// partial intervals count pro rata. A horizon that is not a positive
    /// finite number gives 0.
    pub fn expected_contacts(&self, start: DateTime, horizon_s: f64) -> f64 {
        if !horizon_s.is_finite() || horizon_s <= 0.0 || self.interval_s == 0 {
            return 0.0;
        }
        let w = f64::from(self.interval_s);
        let (secs, nanos) = self.offset_from_origin(start);
        let mut horizon = horizon_s;
        let mut total = 0.0;
        if let ForecastKind::Daily { .. } = self.kind {
            // Whole days contribute the whole day's total each.
            let days = (horizon / DAY_S as f64).floor();
            total += days * self.intervals.iter().map(|iv| iv.total).sum::<f64>();
            horizon -= days * DAY_S as f64;
            if horizon <= 0.0 {
                return total;
            }
        }
        // Position of the start in grid units, split into a whole part and a fraction.
        let w_i = i64::from(self.interval_s);
        let mut idx = secs.div_euclid(w_i);
        let mut frac = (secs.rem_euclid(w_i) as f64 + f64::from(nanos) * 1e-9) / w;
        let mut remaining = horizon / w;
        if let ForecastKind::Dated { .. } = self.kind {
            // Skip straight to the first interval; stop after the last.
            if idx < 0 {
                let skip = (-idx) as f64 - frac;
                if skip >= remaining {
                    return 0.0;
                }
                remaining -= skip;
                idx = 0;
                frac = 0.0;
            }
        }
        let len = i64::try_from(self.intervals.len()).unwrap_or(i64::MAX);
        while remaining > 0.0 {
            if matches!(self.kind, ForecastKind::Dated { .. }) && idx >= len {
                break;
            }
            let take = (1.0 - frac).min(remaining);
            if let Some(iv) = self.interval_at(idx) {
                total += iv.total * take;
            }
            remaining -= take;
            frac = 0.0;
            idx = idx.saturating_add(1);
        }
        total
    }
}

#[cfg(test)]
mod tests {
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
        let e =
            fails("interval_start,channel,contacts\n08:00,chat,1\n08:00,voice,1\n08:00,Chat,1\n");
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
}
