//! The lower bound: a minimal M/M/c+M loop over a binary heap of (time in
//! ns, event), FIFO queue with lazy removal of abandoned calls.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet, VecDeque};
use std::time::Instant;

use rand::SeedableRng;
use rand_distr::{Distribution, Exp};
use rand_pcg::Pcg64Mcg;

use crate::workload::{AGENTS, ARRIVAL_RATE, HORIZON_SECS, MEAN_HANDLE, MEAN_PATIENCE, Outcome};

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Departure,
    Abandon(u64),
    Arrival,
}

pub fn run(seed: u64) -> Outcome {
    let started = Instant::now();
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let (inter, service, patience) = (
        Exp::new(ARRIVAL_RATE).expect("rate > 0"),
        Exp::new(1.0 / MEAN_HANDLE).expect("rate > 0"),
        Exp::new(1.0 / MEAN_PATIENCE).expect("rate > 0"),
    );
    let ns = |s: f64| (s * 1e9) as u64;
    let horizon = HORIZON_SECS * 1_000_000_000;
    let mut heap = BinaryHeap::new();
    heap.push(Reverse((ns(inter.sample(&mut rng)), Kind::Arrival)));
    let mut queue: VecDeque<u64> = VecDeque::new();
    let mut waiting = HashSet::new();
    let (mut busy, mut next_id) = (0u32, 0u64);
    let (mut calls, mut waited, mut abandoned) = (0u64, 0u64, 0u64);
    while let Some(Reverse((t, kind))) = heap.pop() {
        if t >= horizon {
            break;
        }
        match kind {
            Kind::Arrival => {
                calls += 1;
                heap.push(Reverse((t + ns(inter.sample(&mut rng)), Kind::Arrival)));
                if busy < AGENTS {
                    busy += 1;
                    heap.push(Reverse((t + ns(service.sample(&mut rng)), Kind::Departure)));
                } else {
                    waited += 1;
                    let id = next_id;
                    next_id += 1;
                    queue.push_back(id);
                    waiting.insert(id);
                    heap.push(Reverse((
                        t + ns(patience.sample(&mut rng)),
                        Kind::Abandon(id),
                    )));
                }
            }
            Kind::Abandon(id) => {
                if waiting.remove(&id) {
                    abandoned += 1;
                }
            }
            Kind::Departure => {
                busy -= 1;
                while let Some(id) = queue.pop_front() {
                    if waiting.remove(&id) {
                        busy += 1;
                        heap.push(Reverse((t + ns(service.sample(&mut rng)), Kind::Departure)));
                        break;
                    }
                }
            }
        }
    }
    Outcome {
        calls,
        waited,
        abandoned,
        seconds: started.elapsed().as_secs_f64(),
    }
}
