//! `[arrivals]` and `[channels]`: the arrival process (constant, profile or
//! forecast file) and the chat/voice split.

use std::path::Path;
use std::time::Duration;

use super::validate::{Invalid, invalid, positive_duration, probability};
use super::*;

pub(super) fn validate_arrivals(
    raw: &RawArrivals,
    calendar: &Calendar,
    duration: Duration,
    scenario_file: &Path,
) -> Result<Arrivals, Invalid> {
    let rate_per_hour = match (raw.rate_per_hour, &raw.forecast_file) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                "arrivals.forecast_file",
                "give either `rate_per_hour` (with an optional `profile`) or `forecast_file`, not both",
            ));
        }
        (None, None) => {
            return Err(invalid(
                "arrivals.rate_per_hour",
                "is required (arrivals per hour), unless `forecast_file` names a forecast",
            ));
        }
        (None, Some(file)) => {
            if raw.profile.is_some() || raw.profile_interval.is_some() {
                return Err(invalid(
                    "arrivals.profile",
                    "does not apply with `forecast_file`: the forecast gives the rate per interval",
                ));
            }
            return forecast_arrivals(file, calendar, duration, scenario_file);
        }
        (Some(rate), None) => rate,
    };
    if !(rate_per_hour.is_finite() && rate_per_hour > 0.0) {
        return Err(invalid(
            "arrivals.rate_per_hour",
            format!("must be a number > 0 (arrivals per hour), got {rate_per_hour}"),
        ));
    }
    let profile = raw.profile.clone().unwrap_or_else(|| vec![1.0]);
    if profile.is_empty() || profile.len() > 10_000 {
        return Err(invalid(
            "arrivals.profile",
            "must hold between 1 and 10 000 multipliers",
        ));
    }
    if let Some(i) = profile.iter().position(|m| !(m.is_finite() && *m >= 0.0)) {
        return Err(invalid(
            format!("arrivals.profile[{i}]"),
            format!("multipliers must be numbers >= 0, got {}", profile[i]),
        ));
    }
    if profile.iter().all(|m| *m == 0.0) {
        return Err(invalid(
            "arrivals.profile",
            "at least one multiplier must be > 0",
        ));
    }
    let profile_interval = match raw.profile_interval {
        Some(d) => positive_duration("arrivals.profile_interval", d)?,
        None => Duration::from_secs(3600),
    };
    Ok(Arrivals {
        base_rate: rate_per_hour / 3600.0,
        profile,
        profile_interval,
        chat_share: Vec::new(),
        aht_s: Vec::new(),
    })
}

/// Arrivals from a forecast file: one profile segment per forecast interval
/// from the start of the run (a daily forecast repeats), rate = contacts /
/// interval length.
fn forecast_arrivals(
    file: &str,
    calendar: &Calendar,
    duration: Duration,
    scenario_file: &Path,
) -> Result<Arrivals, Invalid> {
    let key = "arrivals.forecast_file";
    let path = scenario_file
        .parent()
        .unwrap_or_else(|| Path::new(""))
        .join(file);
    let forecast = crate::forecast::load(&path).map_err(|e| invalid(key, e.to_string()))?;
    let segments = forecast
        .segments(calendar.start, duration.as_secs_f64(), &path)
        .map_err(|e| invalid(key, e.to_string()))?;
    if segments.rate.iter().all(|r| *r == 0.0) {
        return Err(invalid(
            key,
            format!(
                "{}: the forecast has no contacts within the run ({}s from {})",
                path.display(),
                duration.as_secs_f64(),
                calendar.start
            ),
        ));
    }
    let has_shares = segments.chat_share.iter().any(Option::is_some);
    let has_aht = segments.aht_s.iter().any(Option::is_some);
    Ok(Arrivals {
        base_rate: 1.0,
        profile: segments.rate,
        profile_interval: Duration::from_secs_f64(segments.width_s),
        chat_share: if has_shares {
            segments.chat_share
        } else {
            Vec::new()
        },
        aht_s: if has_aht { segments.aht_s } else { Vec::new() },
    })
}

pub(super) fn validate_channels(raw: &RawChannels) -> Result<f64, Invalid> {
    let chat = probability("channels.chat".into(), raw.chat)?;
    let voice = probability("channels.voice".into(), raw.voice)?;
    if (chat + voice - 1.0).abs() > SHARE_TOLERANCE {
        return Err(invalid(
            "channels",
            format!(
                "`chat` + `voice` must sum to 1 (within 1e-6), got {}",
                chat + voice
            ),
        ));
    }
    Ok(chat)
}
