//! Machine-readable exports: `intervals.csv` (one row per interval and
//! channel) and the rows of `conversations.csv` (one per conversation).
//! Column names are stable; they are documented in `reports/README.md`.

use handoff_logic::Channel;
use handoff_model::error::{Error, Result};
use handoff_model::metrics::{ReportData, Summary};

/// A measured number as CSV text: rounded to 12 significant digits, then
/// the shortest text that reads back as that value. A double carries about
/// 16 digits, the last of which are the noise of the arithmetic that made
/// it (27.000000000000007 for 27); 12 keep every digit a figure has.
pub fn csv_number(x: f64) -> String {
    if !x.is_finite() || x == 0.0 {
        return if x == 0.0 {
            "0".to_string()
        } else {
            x.to_string()
        };
    }
    let rounded: f64 = format!("{x:.11e}").parse().unwrap_or(x);
    rounded.to_string()
}

/// The measured figures of each interval and channel, in column order,
/// before the pools' occupancy: a run's `intervals.csv` has them (the
/// profile's `expected_first_contacts` after the first two), and a
/// replicated run's has each pooled, with its interval and n.
pub(crate) const INTERVAL_FIGURES: [&str; 10] = [
    "arrivals",
    "first_contacts",
    "offered",
    "answered",
    "abandoned",
    "still_waiting",
    "asa_s",
    "service_level",
    "abandonment_rate",
    "mean_queue_all_channels",
];

/// `intervals.csv` as text: one row per measured interval and channel.
pub fn intervals_csv(summary: &Summary, data: &ReportData, chat_share: f64) -> Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let (counts, rest) = INTERVAL_FIGURES.split_at(2);
    let mut header: Vec<String> = ["interval_start_s", "channel", "measured_s"]
        .iter()
        .chain(counts)
        .chain(&["expected_first_contacts"])
        .chain(rest)
        .map(|s| s.to_string())
        .collect();
    header.extend(
        summary
            .pools
            .iter()
            .map(|p| format!("occupancy_{}", p.name)),
    );
    let csv_error = |e: csv::Error| Error::Chart(format!("intervals.csv: {e}"));
    writer.write_record(&header).map_err(csv_error)?;
    let opt = |x: Option<f64>| x.map(csv_number).unwrap_or_default();
    for row in &data.intervals {
        for channel in Channel::ALL {
            let c = &row.channels[channel.index()];
            let share = if channel == Channel::Chat {
                chat_share
            } else {
                1.0 - chat_share
            };
            let mut record = vec![
                csv_number(row.start_s),
                channel.name().to_string(),
                csv_number(row.measured_s),
                c.arrivals.to_string(),
                c.first_contacts.to_string(),
                csv_number(row.expected_arrivals * share),
                c.offered.to_string(),
                c.answered.to_string(),
                c.abandoned.to_string(),
                c.still_waiting.to_string(),
                opt(c.asa_s),
                opt(c.service_level),
                opt(c.abandonment_rate),
                csv_number(row.mean_queue),
            ];
            record.extend(row.occupancy.iter().map(|o| csv_number(*o)));
            writer.write_record(&record).map_err(csv_error)?;
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::Chart(format!("intervals.csv: {e}")))?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::csv_number;

    #[test]
    fn csv_numbers_drop_the_noise_of_arithmetic_and_keep_the_figure() {
        assert_eq!(csv_number(27.000000000000007), "27");
        assert_eq!(csv_number(18.000000000000007), "18");
        assert_eq!(csv_number(0.1 + 0.2), "0.3");
        assert_eq!(csv_number(0.3304788888888889), "0.330478888889");
        assert_eq!(csv_number(1800.0), "1800");
        assert_eq!(csv_number(-6.6), "-6.6");
        assert_eq!(csv_number(0.0), "0");
        assert_eq!(csv_number(1e-7), "0.0000001");
        // Every value reads back within 12 significant digits.
        for x in [std::f64::consts::PI, 123456.789012345, 9.87654321e-5] {
            let back: f64 = csv_number(x).parse().unwrap();
            assert!(((back - x) / x).abs() < 1e-11, "{x} -> {back}");
        }
    }
}
