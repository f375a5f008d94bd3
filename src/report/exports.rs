//! Machine-readable exports: `intervals.csv` (one row per interval and
//! channel) and the rows of `conversations.csv` (one per conversation).
//! Column names are stable; they are documented in `reports/README.md`.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::metrics::{ConversationRecord, ReportData, Summary, csat::csat};
use crate::scenario::{Channel, Scenario};

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

/// One row of `conversations.csv`. Times in seconds from the start.
#[derive(Debug, Clone, Serialize)]
pub struct ConversationRow<'a> {
    pub id: u64,
    pub channel: &'static str,
    pub intent: &'a str,
    pub arrived_at_s: f64,
    /// False for conversations that arrived during the warm-up.
    pub measured: bool,
    pub repeat_contact: bool,
    pub needs_human: bool,
    pub bot_turns: u32,
    pub handoff: &'static str,
    pub trigger: &'static str,
    pub escalation_turn: Option<u32>,
    pub transfer_mode: &'static str,
    pub context_completeness: Option<f64>,
    pub estimated_wait_s: Option<f64>,
    pub queue_wait_s: Option<f64>,
    pub waited: bool,
    pub handle_time_s: Option<f64>,
    pub outcome: &'static str,
    pub csat: f64,
}

impl<'a> ConversationRow<'a> {
    pub fn new(record: &ConversationRecord, scenario: &'a Scenario) -> ConversationRow<'a> {
        use crate::metrics::Outcome::*;
        ConversationRow {
            id: record.id,
            channel: record.channel.name(),
            intent: &scenario.intents[record.intent].name,
            arrived_at_s: record.arrived_at,
            measured: record.arrived_at >= scenario.warm_up.as_secs_f64(),
            repeat_contact: record.previous_contact_age.is_some(),
            needs_human: record.needs_human,
            bot_turns: record.bot_turns,
            handoff: record.handoff.map_or("", |h| h.name()),
            trigger: record.escalation.map_or("", |e| e.kind.name()),
            escalation_turn: record.escalation.map(|e| e.turn),
            transfer_mode: record.transfer.map_or("", |m| m.name()),
            context_completeness: record.context_completeness,
            estimated_wait_s: record.estimated_wait,
            queue_wait_s: record.queue_wait,
            waited: record.waited,
            handle_time_s: record.handle_time,
            outcome: match record.outcome {
                ResolvedByAi => "resolved_by_ai",
                ResolvedByHuman => "resolved_by_human",
                Unresolved => "unresolved",
                AbandonedInBot => "abandoned_in_bot",
                AbandonedInQueue => "abandoned_in_queue",
                Closed => "closed",
            },
            csat: csat(record),
        }
    }
}
