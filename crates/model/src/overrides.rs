//! Overrides by dotted key path, applied to the scenario's TOML text before
//! it is validated — so a variant or a sweep point is checked exactly like a
//! scenario file, and the saved copy shows what ran.
//!
//! A path walks tables by key; at an array of tables (`intents`, `agents`,
//! `triggers.topics`) the next segment names an element by its `name` (or
//! gives its 0-based index): `agents.general.count`, `intents.billing.share`,
//! `handoff.policy`. Missing tables and keys are created (a key the scenario
//! left at its default); a missing element of an array of tables is an
//! error, since there is nothing sensible to create.
//!
//! A swept [`Parameter`] is a key path and the values it takes
//! (`agents.general.count=8..16:2`, `triggers.confidence_threshold=0.3,0.4`),
//! from `--set` or a scenario's `[sweep]` table.

use toml_edit::{DocumentMut, Item, Table};

/// Why an override could not be applied (the path is named by the caller).
#[derive(Debug, Clone, PartialEq)]
pub struct OverrideError(pub String);

/// Sets `path` to `value` in `doc`.
pub fn set(
    doc: &mut DocumentMut,
    path: &str,
    value: toml_edit::Value,
) -> Result<(), OverrideError> {
    let segments: Vec<&str> = path.split('.').collect();
    if segments.iter().any(|s| s.trim().is_empty()) {
        return Err(OverrideError(format!(
            "`{path}` is not a dotted key path (e.g. agents.general.count)"
        )));
    }
    let (last, parents) = segments
        .split_last()
        .expect("split gives at least one segment");
    let mut table: &mut Table = doc.as_table_mut();
    let mut walked = String::new();
    let mut rest = parents.iter();
    while let Some(&segment) = rest.next() {
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(segment);
        let item = table
            .entry(segment)
            .or_insert_with(|| Item::Table(Table::new()));
        table = match item {
            Item::Table(t) => t,
            Item::ArrayOfTables(array) => {
                let Some(&name) = rest.next() else {
                    return Err(OverrideError(format!(
                        "`{walked}` is a list: name an element (e.g. {walked}.<name>.key)"
                    )));
                };
                let position = match name.parse::<usize>() {
                    Ok(index) if index < array.len() => Some(index),
                    _ => array
                        .iter()
                        .position(|t| t.get("name").and_then(|n| n.as_str()) == Some(name)),
                };
                let names: Vec<String> = array
                    .iter()
                    .filter_map(|t| t.get("name").and_then(|n| n.as_str()).map(String::from))
                    .collect();
                let Some(index) = position else {
                    return Err(OverrideError(format!(
                        "`{walked}` has no element named `{name}` (it has: {})",
                        names.join(", ")
                    )));
                };
                walked.push('.');
                walked.push_str(name);
                array
                    .get_mut(index)
                    .expect("position found within the array")
            }
            Item::Value(v) if v.is_inline_table() => {
                // Inline tables (e.g. a distribution) are edited in place.
                let inline = v.as_inline_table_mut().expect("checked inline table");
                let mut owned = inline.clone().into_table();
                let remaining: Vec<&str> = rest.copied().collect();
                let mut sub = DocumentMut::from(std::mem::take(&mut owned));
                let sub_path = remaining
                    .iter()
                    .chain(std::iter::once(last))
                    .copied()
                    .collect::<Vec<_>>()
                    .join(".");
                set(&mut sub, &sub_path, value)?;
                *inline = sub.as_table().clone().into_inline_table();
                return Ok(());
            }
            _ => {
                return Err(OverrideError(format!(
                    "`{walked}` is a value, not a table: it has no `{}`",
                    rest.clone().next().unwrap_or(last)
                )));
            }
        };
    }
    match table.get(last) {
        Some(Item::Table(_)) | Some(Item::ArrayOfTables(_)) => Err(OverrideError(format!(
            "`{path}` is a table; set one of its keys instead"
        ))),
        _ => {
            table.insert(last, Item::Value(value));
            Ok(())
        }
    }
}

/// Parses the text after `=` in `--set path=value` as one TOML value; bare
/// words that are not TOML (`always_warm`, `8h`) are taken as strings.
pub fn parse_value(text: &str) -> toml_edit::Value {
    let text = text.trim();
    text.parse::<toml_edit::Value>()
        .unwrap_or_else(|_| toml_edit::Value::from(text))
}

/// Most values one parameter may take.
pub const MAX_VALUES: usize = 10_000;

/// One swept parameter: a dotted key path and its values, in order.
#[derive(Debug, Clone)]
pub struct Parameter {
    pub path: String,
    pub values: Vec<toml_edit::Value>,
}

/// Parses `path=spec`, where spec is `a..b:step` (inclusive; integers when
/// a, b and step are), a list `x,y,z`, or one value.
pub fn parse_set(text: &str) -> std::result::Result<Parameter, String> {
    let (path, spec) = text.split_once('=').ok_or_else(|| {
        format!("`{text}` is not path=values (e.g. agents.general.count=8..16:2)")
    })?;
    parse_values(path.trim(), spec.trim())
}

/// The values of `spec` for `path` (see [`parse_set`]).
pub fn parse_values(path: &str, spec: &str) -> std::result::Result<Parameter, String> {
    if path.is_empty() {
        return Err(format!("`{path}={spec}`: the key path is empty"));
    }
    let values = if let Some((from, rest)) = spec.split_once("..") {
        let (to, step) = rest.split_once(':').unwrap_or((rest, "1"));
        range(from.trim(), to.trim(), step.trim()).map_err(|m| format!("`{path}={spec}`: {m}"))?
    } else {
        let items: Vec<&str> = spec.split(',').map(str::trim).collect();
        if items.iter().any(|i| i.is_empty()) {
            return Err(format!(
                "`{path}={spec}`: an empty value in the list (write e.g. 0.3,0.4,0.5)"
            ));
        }
        items.into_iter().map(parse_value).collect()
    };
    if values.len() > MAX_VALUES {
        return Err(format!(
            "`{path}={spec}`: {} values; at most {MAX_VALUES}",
            values.len()
        ));
    }
    Ok(Parameter {
        path: path.to_string(),
        values,
    })
}

fn range(from: &str, to: &str, step: &str) -> std::result::Result<Vec<toml_edit::Value>, String> {
    let integers = [from, to, step].iter().all(|s| s.parse::<i64>().is_ok());
    let number = |s: &str| {
        s.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("`{s}` is not a number"))
    };
    let (a, b, h) = (number(from)?, number(to)?, number(step)?);
    if h <= 0.0 {
        return Err(format!("the step must be greater than 0, got {step}"));
    }
    if a > b {
        return Err(format!("the range is empty: {from} is above {to}"));
    }
    // Checked as a float first: a tiny step must not overflow the count.
    let steps = ((b - a) / h + 1e-9).floor();
    if !steps.is_finite() || steps >= MAX_VALUES as f64 {
        return Err(format!(
            "more than {MAX_VALUES} values from {from} to {to} in steps of {step}"
        ));
    }
    let count = steps as usize + 1;
    Ok((0..count)
        .map(|k| {
            if integers {
                toml_edit::Value::from(a as i64 + k as i64 * h as i64)
            } else {
                // Rounded to 12 significant digits so 0.1 steps print cleanly.
                let x = a + k as f64 * h;
                toml_edit::Value::from((x * 1e12).round() / 1e12)
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(p: &Parameter) -> Vec<String> {
        p.values
            .iter()
            .map(|v| v.to_string().trim().to_string())
            .collect()
    }

    #[test]
    fn ranges_lists_and_single_values() {
        let p = parse_set("agents.general.count=8..16:2").unwrap();
        assert_eq!(p.path, "agents.general.count");
        assert_eq!(text(&p), ["8", "10", "12", "14", "16"]);
        let p = parse_set("triggers.confidence_threshold=0.3..0.5:0.1").unwrap();
        assert_eq!(text(&p), ["0.3", "0.4", "0.5"]);
        let p = parse_set("handoff.policy=always_cold,always_warm").unwrap();
        assert_eq!(text(&p), ["\"always_cold\"", "\"always_warm\""]);
        assert_eq!(text(&parse_set("x=3").unwrap()), ["3"]);
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        assert!(
            parse_set("x=1..5:0")
                .unwrap_err()
                .contains("step must be greater than 0")
        );
        assert!(parse_set("x=5..1").unwrap_err().contains("range is empty"));
        assert!(parse_set("x=1,,2").unwrap_err().contains("empty value"));
        assert!(parse_set("x=").unwrap_err().contains("empty value"));
        assert!(parse_set("x").unwrap_err().contains("not path=values"));
        assert!(
            parse_set("x=1..100000")
                .unwrap_err()
                .contains("more than 10000 values")
        );
        assert!(parse_set("x=a..b").unwrap_err().contains("not a number"));
        // A step so small that the count would overflow.
        assert!(
            parse_set("x=0..1:1e-320")
                .unwrap_err()
                .contains("more than")
        );
        assert!(
            parse_set("x=0..1e300:1e-300")
                .unwrap_err()
                .contains("more than")
        );
    }

    const TEXT: &str = r#"
[simulation]
name = "s"
duration = "8h"

[[intents]]
name = "billing"
share = 1.0
handle_time = { dist = "exponential", mean = "4m" }

[[agents]]
name = "general"
count = 10

[[agents]]
name = "experts"
count = 2
"#;

    fn apply(path: &str, value: &str) -> Result<String, OverrideError> {
        let mut doc: DocumentMut = TEXT.parse().unwrap();
        set(&mut doc, path, parse_value(value))?;
        Ok(doc.to_string())
    }

    #[test]
    fn sets_keys_by_table_and_by_element_name() {
        let text = apply("agents.experts.count", "5").unwrap();
        assert!(text.contains("name = \"experts\"\ncount = 5"), "{text}");
        assert!(text.contains("count = 10"), "the other pool is untouched");
        let text = apply("agents.0.count", "3").unwrap();
        assert!(text.contains("name = \"general\"\ncount = 3"), "{text}");
        // A table the file left out is created; a bare word is a string.
        let text = apply("handoff.policy", "always_warm").unwrap();
        assert!(
            text.contains("[handoff]\npolicy = \"always_warm\""),
            "{text}"
        );
        // Inside an inline table (a distribution).
        let text = apply("intents.billing.handle_time.mean", "\"5m\"").unwrap();
        assert!(text.contains("mean = \"5m\""), "{text}");
        assert!(text.contains("dist = \"exponential\""), "{text}");
    }

    #[test]
    fn bad_paths_say_what_is_there() {
        let e = apply("agents.nobody.count", "1").unwrap_err();
        assert!(e.0.contains("no element named `nobody`"), "{e:?}");
        assert!(e.0.contains("general, experts"), "{e:?}");
        let e = apply("simulation.name.x", "1").unwrap_err();
        assert!(e.0.contains("is a value, not a table"), "{e:?}");
        let e = apply("agents", "1").unwrap_err();
        assert!(e.0.contains("is a table"), "{e:?}");
        let e = apply("agents..count", "1").unwrap_err();
        assert!(e.0.contains("not a dotted key path"), "{e:?}");
    }

    #[test]
    fn values_parse_as_toml_or_strings() {
        assert_eq!(parse_value("12").as_integer(), Some(12));
        assert_eq!(parse_value("0.5").as_float(), Some(0.5));
        assert_eq!(parse_value("true").as_bool(), Some(true));
        assert_eq!(parse_value("\"8h\"").as_str(), Some("8h"));
        assert_eq!(parse_value("8h").as_str(), Some("8h"));
    }
}
