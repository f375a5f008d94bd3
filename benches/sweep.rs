//! `cargo bench --bench sweep`: how a sweep scales with cores.
//!
//! A 20-point sweep of `scenarios/basic.toml` (general agents 6..25, two
//! replications each: 40 runs) on 1 worker thread and on 2, best of three
//! each; prints both times and the speed-up. The outputs of the two are
//! compared too (they must be identical: order does not depend on threads).

use std::path::Path;
use std::time::Instant;

use handoff_sim::Scenario;
use handoff_sim::experiment::sweep;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/basic.toml");
    let scenario = Scenario::load(&file).expect("the bundled scenario loads");
    let parameters = vec![
        handoff_sim::overrides::parse_set("agents.general.count=6..25").expect("a valid range"),
    ];
    let points = sweep::grid(&parameters);
    assert_eq!(points.len(), 20);
    let scenarios = sweep::scenarios(&scenario, &file, &points).expect("valid points");
    let time = |jobs: usize| {
        let mut best = f64::INFINITY;
        let mut csv = String::new();
        for _ in 0..3 {
            let start = Instant::now();
            let (results, _) =
                sweep::run(&points, &scenarios, 2, jobs, None).expect("the sweep runs");
            best = best.min(start.elapsed().as_secs_f64());
            csv = sweep::csv(&parameters, &results);
        }
        (best, csv)
    };
    let (one, csv_one) = time(1);
    let (two, csv_two) = time(2);
    assert_eq!(csv_one, csv_two, "sweep output must not depend on threads");
    println!("20-point sweep × 2 replications of basic.toml (40 runs)");
    println!("  1 thread : {one:.3} s");
    println!("  2 threads: {two:.3} s");
    println!("  speed-up : {:.2}×", one / two);
}
