//! The recorder actor: the single sink for conversation records, a thin
//! shell over [`Recorder`].

use actix::prelude::*;

use super::messages::{Arrived, Ended, HandedOff, LeftQueueAt, Summarise};
use crate::metrics::Recorder;
use crate::report::exports::ConversationRow;
use crate::scenario::Scenario;
use std::sync::Arc;

pub struct RecorderActor {
    pub recorder: Recorder,
    pub scenario: Arc<Scenario>,
    /// `conversations.csv`, when asked for: one row per ended conversation.
    pub conversations: Option<csv::Writer<std::fs::File>>,
    /// The first export error; the run reports it at the end.
    pub export_error: Option<String>,
}

impl Actor for RecorderActor {
    type Context = Context<Self>;
}

impl Handler<Arrived> for RecorderActor {
    type Result = ();

    fn handle(&mut self, arrived: Arrived, _: &mut Context<Self>) {
        self.recorder.arrived(
            arrived.conversation,
            arrived.at,
            arrived.channel,
            arrived.intent,
            arrived.repeat,
        );
    }
}

impl Handler<Ended> for RecorderActor {
    type Result = ();

    fn handle(&mut self, Ended(record): Ended, _: &mut Context<Self>) {
        self.recorder.ended(&record);
        if let Some(writer) = &mut self.conversations
            && self.export_error.is_none()
            && let Err(e) = writer.serialize(ConversationRow::new(&record, &self.scenario))
        {
            self.export_error = Some(e.to_string());
        }
    }
}

impl Handler<HandedOff> for RecorderActor {
    type Result = ();

    fn handle(&mut self, HandedOff(record): HandedOff, _: &mut Context<Self>) {
        self.recorder.handed_off(&record);
    }
}

impl Handler<LeftQueueAt> for RecorderActor {
    type Result = ();

    fn handle(&mut self, LeftQueueAt(exit): LeftQueueAt, _: &mut Context<Self>) {
        self.recorder.left_queue(&exit);
    }
}

impl Handler<Summarise> for RecorderActor {
    type Result = MessageResult<Summarise>;

    fn handle(&mut self, request: Summarise, _: &mut Context<Self>) -> Self::Result {
        self.recorder.waiting_at_end(request.end, &request.waiting);
        let summary = self.recorder.summary(
            &self.scenario,
            request.replication,
            request.end,
            request.in_progress,
            &request.occupancy,
        );
        let data = self
            .recorder
            .report_data(&self.scenario, request.end, &request.series);
        if let Some(writer) = &mut self.conversations
            && self.export_error.is_none()
            && let Err(e) = writer.flush()
        {
            self.export_error = Some(e.to_string());
        }
        MessageResult((summary, data, self.export_error.take()))
    }
}
