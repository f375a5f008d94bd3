//! The `[experiment]` table: replications, variants, sweeps and thresholds
//! as plain data.

use std::collections::BTreeSet;

use super::validate::{Invalid, invalid};
use super::*;

/// Most replications a scenario or `--replications` may ask for.
pub const MAX_REPLICATIONS: u32 = 10_000;

pub(super) fn validate_experiment(raw: &RawScenario, source: &str) -> Result<Experiment, Invalid> {
    let replications = raw.experiment.replications.unwrap_or(1);
    if !(1..=MAX_REPLICATIONS).contains(&replications) {
        return Err(invalid(
            "experiment.replications",
            format!("must be 1 to {MAX_REPLICATIONS}, got {replications}"),
        ));
    }
    let mut names = BTreeSet::new();
    let mut variants = Vec::new();
    for (i, v) in raw.variants.iter().enumerate() {
        let key = format!("variants[{i}].name");
        if v.name.trim().is_empty()
            || !v
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(invalid(
                key,
                "must be non-empty and use only letters, digits, `_` and `-`",
            ));
        }
        if !names.insert(v.name.as_str()) {
            return Err(invalid(key, format!("`{}` is declared twice", v.name)));
        }
        let overrides = v
            .overrides
            .iter()
            .map(|(path, value)| {
                let text = value.to_string();
                let parsed = text.parse::<toml_edit::Value>().map_err(|e| {
                    invalid(
                        format!("variants[{i}].{path}"),
                        format!("not a TOML value: {e}"),
                    )
                })?;
                Ok((path.clone(), parsed))
            })
            .collect::<Result<Vec<_>, Invalid>>()?;
        variants.push(VariantSpec {
            name: v.name.clone(),
            overrides,
            line: super::locate::line_of_key(source, &key),
        });
    }
    let mut thresholds = Vec::new();
    let mut threshold_on = crate::thresholds::On::default();
    for (metric, condition) in &raw.thresholds {
        let key = format!("thresholds.{metric}");
        if metric == "on" {
            threshold_on = crate::thresholds::On::parse(condition).map_err(|m| invalid(key, m))?;
            continue;
        }
        thresholds.push(
            crate::thresholds::Threshold::parse(metric, condition).map_err(|m| invalid(key, m))?,
        );
    }
    let mut sweep = Vec::new();
    for (path, spec) in &raw.sweep {
        let key = format!("sweep.{path}");
        let parameter = match spec {
            toml::Value::String(text) => crate::overrides::parse_values(path, text),
            toml::Value::Array(items) if !items.is_empty() => items
                .iter()
                .map(|v| {
                    v.to_string()
                        .parse::<toml_edit::Value>()
                        .map_err(|e| format!("not a TOML value: {e}"))
                })
                .collect::<Result<Vec<_>, String>>()
                .map(|values| crate::overrides::Parameter {
                    path: path.clone(),
                    values,
                }),
            toml::Value::Array(_) => Err("an empty list: give at least one value".to_string()),
            other => Err(format!(
                "must be a range such as \"8..16:2\", a list such as \"0.3,0.4\" or an array, got {other}"
            )),
        }
        .map_err(|m| invalid(key, m))?;
        sweep.push(parameter);
    }
    Ok(Experiment {
        replications,
        variants,
        thresholds,
        threshold_on,
        sweep,
    })
}
