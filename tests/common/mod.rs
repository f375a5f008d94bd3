//! Helpers shared by the end-to-end tests.
#![allow(dead_code)]

use std::path::Path;

use handoff_sim::Scenario;

/// Parses scenario text, panicking with the error if it is invalid.
pub fn scenario(text: &str) -> Scenario {
    Scenario::parse(text, Path::new("test.toml")).unwrap_or_else(|e| panic!("{e}"))
}

/// A single M/M/c(+M) queue: AI off, one pool, exponential handle times.
pub fn mmc(
    rate_per_hour: f64,
    aht: &str,
    agents: u32,
    patience: Option<&str>,
    duration: &str,
) -> Scenario {
    let patience = patience
        .map(|p| format!("[customers]\npatience = {{ dist = \"exponential\", mean = \"{p}\" }}\n"))
        .unwrap_or_default();
    scenario(&format!(
        r#"
[simulation]
name = "mmc"
seed = 11
duration = "{duration}"
warm_up = "6h"
interval = "1h"
[arrivals]
rate_per_hour = {rate_per_hour}
[channels]
chat = 0.0
voice = 1.0
[[intents]]
name = "any"
share = 1.0
handle_time = {{ dist = "exponential", mean = "{aht}" }}
skill = "s"
{patience}
[[agents]]
name = "pool"
count = {agents}
skills = ["s"]
"#
    ))
}

/// The bundled scenario file `name` under `scenarios/`.
pub fn bundled(name: &str) -> Scenario {
    Scenario::load(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(name),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}
