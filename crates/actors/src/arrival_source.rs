//! The arrival source: walks the arrival process and starts one customer
//! actor per arrival. It keeps a single pending timer (the next arrival), and
//! its draws come from the arrivals stream alone, so staffing or bot changes
//! never move an arrival.

use std::rc::Rc;

use actix::prelude::*;
use rand_distr::{Distribution, Exp1};
use rand_pcg::Pcg64Mcg;

use crate::Wiring;
use crate::clock::Timer;
use crate::customer::start_conversation;
use crate::messages::{NextArrival, StopArrivals};
use handoff_model::arrivals::ArrivalProcess;
use handoff_model::customer::CustomerProfile;
use handoff_model::rng::Purpose;

pub struct ArrivalSource {
    wiring: Rc<Wiring>,
    process: ArrivalProcess,
    rng: Pcg64Mcg,
    next_id: u64,
    timer: Option<Timer>,
}

impl ArrivalSource {
    pub fn new(wiring: Rc<Wiring>) -> ArrivalSource {
        ArrivalSource {
            process: ArrivalProcess::new(&wiring.scenario.arrivals),
            rng: wiring.streams.stream(Purpose::Arrivals, 0, 0),
            wiring,
            next_id: 0,
            timer: None,
        }
    }

    /// Schedules the arrival that follows simulated time `after`.
    fn schedule_after(&mut self, after: f64, ctx: &mut Context<Self>) {
        let at = self.process.advance(after, Exp1.sample(&mut self.rng));
        if at >= self.wiring.scenario.duration.as_secs_f64() {
            self.timer = None;
            return;
        }
        let me = ctx.address();
        self.timer = Some(
            self.wiring
                .clock
                .at(at, move || me.do_send(NextArrival { at })),
        );
    }
}

impl Actor for ArrivalSource {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        self.schedule_after(0.0, ctx);
    }
}

impl Handler<NextArrival> for ArrivalSource {
    type Result = ();

    fn handle(&mut self, NextArrival { at }: NextArrival, ctx: &mut Context<Self>) {
        let id = self.next_id;
        self.next_id += 1;
        let learned = self.wiring.learning.borrow();
        let profile = CustomerProfile::draw(
            &self.wiring.scenario,
            &self.wiring.streams,
            id,
            at,
            learned.as_ref(),
        );
        drop(learned);
        start_conversation(&self.wiring, profile, at);
        self.schedule_after(at, ctx);
    }
}

impl Handler<StopArrivals> for ArrivalSource {
    type Result = ();

    fn handle(&mut self, _: StopArrivals, _: &mut Context<Self>) {
        if let Some(timer) = self.timer.take() {
            self.wiring.clock.cancel(timer);
        }
    }
}
