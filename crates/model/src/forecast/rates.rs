//! The rate profile: a forecast laid onto a simulation's clock as
//! piecewise-constant arrival rates, and the contacts it expects over a horizon.

use std::path::Path;

use jiff::civil::DateTime;

use super::cells::{fmt_datetime, fmt_span};
use super::*;

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
