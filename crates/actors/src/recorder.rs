//! The record sink: where every actor reports what happened, a thin shell
//! over [`Recorder`] shared by the actors of one run (one thread).
//!
//! It is a plain value, not an actor: a report is a synchronous call made
//! when the event happens, so reports are counted in the order the events
//! happen and cost no message. It also streams `conversations.csv` rows when
//! asked, so the export costs no memory.

use std::sync::Arc;

use handoff_logic::Channel;
use handoff_model::customer::ConversationId;
use handoff_model::metrics::ConversationRow;
use handoff_model::metrics::{
    ConversationRecord, QueueExit, Recorder, ReportData, StillWaiting, Summary,
};
use handoff_model::routing::PoolOccupancy;
use handoff_model::scenario::Scenario;

pub struct RecordSink {
    pub recorder: Recorder,
    pub scenario: Arc<Scenario>,
    /// `conversations.csv`, when asked for: one row per ended conversation.
    pub conversations: Option<csv::Writer<std::fs::File>>,
    /// The first export error; the run reports it at the end.
    pub export_error: Option<String>,
}

/// What the end of the run adds to the records.
pub struct EndOfRun<'a> {
    pub replication: u64,
    pub end: f64,
    pub in_progress: u64,
    pub occupancy: &'a [PoolOccupancy],
    pub series: &'a handoff_model::routing::IntervalSeries,
    /// Contacts still waiting for a human.
    pub waiting: &'a [StillWaiting],
}

impl RecordSink {
    pub fn arrived(
        &mut self,
        conversation: ConversationId,
        at: f64,
        channel: Channel,
        intent: usize,
        repeat: bool,
    ) {
        self.recorder
            .arrived(conversation, at, channel, intent, repeat);
    }

    /// Handed to the human queue (the record so far: reason, trigger
    /// verdict, transfer, package).
    pub fn handed_off(&mut self, record: &ConversationRecord) {
        self.recorder.handed_off(record);
    }

    /// Left the queue (to an agent, or abandoning).
    pub fn left_queue(&mut self, exit: &QueueExit) {
        self.recorder.left_queue(exit);
    }

    pub fn ended(&mut self, record: &ConversationRecord) {
        self.recorder.ended(record);
        if let Some(writer) = &mut self.conversations
            && self.export_error.is_none()
            && let Err(e) = writer.serialize(ConversationRow::new(record, &self.scenario))
        {
            self.export_error = Some(e.to_string());
        }
    }

    /// Builds the summary and the report data, flushes the conversation
    /// export (and reports its first error, if any).
    pub fn finish(&mut self, end: EndOfRun) -> (Summary, ReportData, Option<String>) {
        self.recorder.waiting_at_end(end.end, end.waiting);
        let summary = self.recorder.summary(
            &self.scenario,
            end.replication,
            end.end,
            end.in_progress,
            end.occupancy,
        );
        let data = self
            .recorder
            .report_data(&self.scenario, end.end, end.series);
        if let Some(writer) = &mut self.conversations
            && self.export_error.is_none()
            && let Err(e) = writer.flush()
        {
            self.export_error = Some(e.to_string());
        }
        (summary, data, self.export_error.take())
    }
}
