//! The forecast CSV parser: header, rows, the grouping of per-channel rows
//! into intervals, and the checks that name a line and column.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::SignedDuration;
use jiff::civil::DateTime;

use super::cells::{
    fmt_datetime, fmt_span, fmt_time_of_day, parse_aht, parse_channel, parse_count, parse_start,
};
use super::*;

const COL_START: &str = "interval_start";
const COL_CONTACTS: &str = "contacts";
const COL_AHT: &str = "aht";
const COL_CHANNEL: &str = "channel";

/// Column positions found in the header.
struct Columns {
    pub(super) start: usize,
    pub(super) contacts: usize,
    pub(super) aht: Option<usize>,
    pub(super) channel: Option<usize>,
    pub(super) count: usize,
}

/// A parsed `interval_start` cell.
#[derive(Clone, Copy)]
pub(super) enum Start {
    TimeOfDay(i64),
    DateTime(DateTime),
}

/// One parsed data row.
struct Row {
    pub(super) line: usize,
    /// Seconds after midnight (daily) or after the first row's start (dated).
    key: i64,
    /// 0 = chat, 1 = voice; `None` when the file has no channel column.
    pub(super) channel: Option<usize>,
    pub(super) contacts: f64,
    pub(super) aht: Option<f64>,
}

/// Rows of one interval being combined.
struct Group {
    pub(super) line: usize,
    pub(super) contacts: [Option<f64>; 2],
    pub(super) total: f64,
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
    pub(super) bytes: &'a [u8],
    pub(super) pos: usize,
    pub(super) line: usize,
}

impl<'a> LineCounter<'a> {
    pub(super) fn new(text: &'a str) -> Self {
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
