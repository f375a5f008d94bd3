//! An experiment from Rust: load a scenario with `[[variants]]`, compare them
//! on common random numbers, and read the paired differences — what
//! `handoff-sim compare` does, without the files.
//!
//! `cargo run --release --example compare_from_rust`

use std::path::Path;

use handoff_sim::Scenario;
use handoff_sim::experiment;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/warm_vs_cold.toml");
    let scenario = Scenario::load(&file)?;
    let variants = experiment::variants(&scenario, &file)?;
    // 5 replications per variant, on 2 threads.
    let compared = experiment::compare(&variants, 5, 2)?.result;
    println!("baseline: {}", compared.baseline);
    for m in compared.metrics.iter().filter(|m| {
        ["aht", "service_level", "clarification_time"].contains(&m.metric.name.as_str())
    }) {
        for (name, d) in compared.variants[1..].iter().zip(&m.differences) {
            if let Some(d) = d {
                println!(
                    "{:<20} {:<14} Δ {:+9.3} ± {:.3} paired (± {:.3} unpaired){}",
                    m.metric.name,
                    name,
                    d.difference,
                    d.paired_ci95,
                    d.unpaired_ci95,
                    if d.significant { "  *" } else { "" }
                );
            }
        }
    }
    Ok(())
}
