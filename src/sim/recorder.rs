//! The recorder actor: the single sink for conversation records, a thin
//! shell over [`Recorder`].

use actix::prelude::*;

use super::messages::{Arrived, Ended, Summarise};
use crate::metrics::Recorder;
use crate::scenario::Scenario;
use std::sync::Arc;

pub struct RecorderActor {
    pub recorder: Recorder,
    pub scenario: Arc<Scenario>,
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
    }
}

impl Handler<Summarise> for RecorderActor {
    type Result = MessageResult<Summarise>;

    fn handle(&mut self, request: Summarise, _: &mut Context<Self>) -> Self::Result {
        MessageResult(self.recorder.summary(
            &self.scenario,
            request.replication,
            request.end,
            request.in_progress,
            &request.occupancy,
        ))
    }
}
