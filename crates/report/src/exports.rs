//! Machine-readable exports: `intervals.csv` (one row per interval and
//! channel) and the rows of `conversations.csv` (one per conversation).
//! Column names are stable; they are documented in `reports/README.md`.

use handoff_logic::Channel;
use handoff_model::error::{Error, Result};
use handoff_model::metrics::{ReportData, Summary};

/// `intervals.csv` as text: one row per measured interval and channel.
pub fn intervals_csv(summary: &Summary, data: &ReportData, chat_share: f64) -> Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "interval_start_s",
        "channel",
        "measured_s",
        "arrivals",
        "first_contacts",
        "expected_first_contacts",
        "offered",
        "answered",
        "abandoned",
        "still_waiting",
        "asa_s",
        "service_level",
        "abandonment_rate",
        "mean_queue_all_channels",
    ]
    .iter()
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
    let opt = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
    for row in &data.intervals {
        for channel in Channel::ALL {
            let c = &row.channels[channel.index()];
            let share = if channel == Channel::Chat {
                chat_share
            } else {
                1.0 - chat_share
            };
            let mut record = vec![
                row.start_s.to_string(),
                channel.name().to_string(),
                row.measured_s.to_string(),
                c.arrivals.to_string(),
                c.first_contacts.to_string(),
                (row.expected_arrivals * share).to_string(),
                c.offered.to_string(),
                c.answered.to_string(),
                c.abandoned.to_string(),
                c.still_waiting.to_string(),
                opt(c.asa_s),
                opt(c.service_level),
                opt(c.abandonment_rate),
                row.mean_queue.to_string(),
            ];
            record.extend(row.occupancy.iter().map(|o| o.to_string()));
            writer.write_record(&record).map_err(csv_error)?;
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::Chart(format!("intervals.csv: {e}")))?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8"))
}
