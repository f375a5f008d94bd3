//! The floor of actix in handoff-sim's virtual time: the same `Timeline`
//! and `LocalSet` driver the simulation uses, with actors that do nothing
//! but pass messages, set timers and start. What a model built from actix
//! actors cannot go below, per message, per timer and per actor.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Instant;

use actix::prelude::*;
use handoff_sim::sim::{Clock, Timeline};
use tokio::task::LocalSet;

const N: u64 = 1_000_000;

/// Runs `setup` on a fresh virtual clock and the timeline to its end;
/// returns wall nanoseconds per `N`.
fn timed(setup: impl FnOnce(Clock)) -> f64 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let _runtime = runtime.enter();
    let mut local = LocalSet::new();
    let timeline = Rc::new(Timeline::new());
    let started = Instant::now();
    {
        let _inside = local.enter();
        setup(Clock::virtual_time(Rc::clone(&timeline)));
    }
    timeline.run(&mut local, 1e12);
    started.elapsed().as_secs_f64() * 1e9 / N as f64
}

#[derive(Message)]
#[rtype(result = "()")]
struct Ball(u64);

/// Two actors returning a ball: one message per hop, no time passes.
struct Player {
    peer: Option<Addr<Player>>,
}

impl Actor for Player {
    type Context = Context<Self>;
}

impl Handler<Ball> for Player {
    type Result = ();
    fn handle(&mut self, Ball(left): Ball, _: &mut Context<Self>) {
        if let (Some(peer), true) = (&self.peer, left > 0) {
            peer.do_send(Ball(left - 1));
        }
    }
}

#[derive(Message)]
#[rtype(result = "()")]
struct SetPeer(Addr<Player>);

impl Handler<SetPeer> for Player {
    type Result = ();
    fn handle(&mut self, SetPeer(peer): SetPeer, _: &mut Context<Self>) {
        self.peer = Some(peer);
    }
}

/// One actor that sets a timer whose action messages it, again and again:
/// a timer, an advance of the clock and a message per event.
struct Ticker {
    clock: Clock,
}

impl Actor for Ticker {
    type Context = Context<Self>;
}

impl Handler<Ball> for Ticker {
    type Result = ();
    fn handle(&mut self, Ball(left): Ball, ctx: &mut Context<Self>) {
        if left > 0 {
            let me = ctx.address();
            self.clock.after(7.0, move || me.do_send(Ball(left - 1)));
        }
    }
}

/// An actor that stops as soon as it starts, one per timer event: the cost
/// of an actor per conversation.
struct Blip(Rc<Cell<u64>>);

impl Actor for Blip {
    type Context = Context<Self>;
    fn started(&mut self, ctx: &mut Context<Self>) {
        self.0.set(self.0.get() + 1);
        ctx.stop();
    }
}

fn blips(clock: Clock, count: Rc<Cell<u64>>, left: u64) {
    if left == 0 {
        return;
    }
    Blip(Rc::clone(&count)).start();
    let next = clock.clone();
    clock.after(1.0, move || blips(next, count, left - 1));
}

pub fn print() {
    let message = timed(|_| {
        let a = Player { peer: None }.start();
        let b = Player {
            peer: Some(a.clone()),
        }
        .start();
        a.do_send(SetPeer(b.clone()));
        b.do_send(Ball(N));
    });
    let timer = timed(|clock| {
        Ticker { clock }.start().do_send(Ball(N));
    });
    let count = Rc::new(Cell::new(0));
    let counted = Rc::clone(&count);
    let actor = timed(move |clock| blips(clock, counted, N));
    assert_eq!(count.get(), N);
    println!("actix floor in handoff-sim's virtual time (no model; ns per operation):");
    println!("  message between two actors           {message:>7.0} ns");
    println!("  timer + clock advance + message      {timer:>7.0} ns");
    println!("  timer + actor started and stopped    {actor:>7.0} ns");
}
