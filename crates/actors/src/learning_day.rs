//! The learning day: a thin shell with one timer that ends each simulated
//! day of a run with `[learning]` on. At each boundary it asks the learner
//! in the wiring for the next day's model ([`Learner::end_day`]) and tells
//! the trigger engine the next day's confidence threshold, if nudged.
//!
//! [`Learner::end_day`]: handoff_model::learning::Learner::end_day

use std::rc::Rc;

use actix::prelude::*;

use crate::Wiring;
use crate::clock::Timer;
use crate::messages::{DayEnded, SetConfidenceThreshold};
use crate::trigger_actor::TriggerActor;
use handoff_model::learning::DAY_SECONDS;

pub struct LearningDay {
    wiring: Rc<Wiring>,
    triggers: Option<Addr<TriggerActor>>,
    timer: Option<Timer>,
}

impl LearningDay {
    pub fn new(wiring: Rc<Wiring>, triggers: Option<Addr<TriggerActor>>) -> LearningDay {
        LearningDay {
            wiring,
            triggers,
            timer: None,
        }
    }

    /// Sets the timer for the day boundary after `now`, if inside the run.
    fn schedule_after(&mut self, now: f64, ctx: &mut Context<Self>) {
        let at = ((now / DAY_SECONDS).floor() + 1.0) * DAY_SECONDS;
        if at >= self.wiring.scenario.duration.as_secs_f64() {
            self.timer = None;
            return;
        }
        let me = ctx.address();
        self.timer = Some(
            self.wiring
                .clock
                .at(at, move || me.do_send(DayEnded { at })),
        );
    }
}

impl Actor for LearningDay {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        self.schedule_after(0.0, ctx);
    }
}

impl Handler<DayEnded> for LearningDay {
    type Result = ();

    fn handle(&mut self, DayEnded { at }: DayEnded, ctx: &mut Context<Self>) {
        let threshold = self
            .wiring
            .learning
            .borrow_mut()
            .as_mut()
            .and_then(|learner| learner.end_day());
        if let (Some(threshold), Some(triggers)) = (threshold, &self.triggers) {
            triggers.do_send(SetConfidenceThreshold(threshold));
        }
        self.schedule_after(at, ctx);
    }
}
