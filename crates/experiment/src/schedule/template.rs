//! The shift-template file (`[[templates]]` with starts, length, breaks and
//! an optional cap) parsed and checked onto [`ShiftTemplate`]s, each error
//! naming its key.

use std::path::Path;

use serde::Deserialize;

use super::clock::{parse_duration, parse_time_of_day};
use super::*;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    pub(super) templates: Vec<RawTemplate>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    pub(super) name: String,
    #[serde(default)]
    pub(super) starts: Option<Vec<String>>,
    #[serde(default)]
    pub(super) start_every: Option<String>,
    #[serde(default)]
    pub(super) start_from: Option<String>,
    #[serde(default)]
    pub(super) start_until: Option<String>,
    pub(super) length: String,
    #[serde(default)]
    pub(super) breaks: Vec<RawBreak>,
    #[serde(default)]
    pub(super) max_count: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBreak {
    pub(super) earliest: String,
    pub(super) latest: String,
    pub(super) length: String,
}

const TEMPLATE_KEYS: &[&str] = &[
    "name",
    "starts",
    "start_every",
    "start_from",
    "start_until",
    "length",
    "breaks",
    "max_count",
];
const BREAK_KEYS: &[&str] = &["earliest", "latest", "length"];

pub(super) fn terr(
    file: &Path,
    key: impl Into<String>,
    message: impl Into<String>,
) -> TemplateError {
    TemplateError {
        file: file.to_path_buf(),
        key: key.into(),
        message: message.into(),
    }
}

/// Reads and parses a shift-template file (see [`parse_templates`]).
pub fn load_templates(path: &Path) -> Result<Vec<ShiftTemplate>, TemplateError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| terr(path, "templates", format!("cannot read the file: {e}")))?;
    parse_templates(&text, path)
}

/// Parses shift templates from TOML text. Grid checks need the requirement's
/// interval and are done by [`validate_templates`].
pub fn parse_templates(text: &str, file: &Path) -> Result<Vec<ShiftTemplate>, TemplateError> {
    let raw: RawFile = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => return Err(locate_error(text, file, &e)),
    };
    if raw.templates.is_empty() {
        return Err(terr(file, "templates", "no shift templates are defined"));
    }
    raw.templates
        .iter()
        .enumerate()
        .map(|(i, t)| convert_template(t, &format!("templates[{i}]"), file))
        .collect()
}

/// Turns a serde error into a key path by walking the document again.
fn locate_error(text: &str, file: &Path, err: &toml::de::Error) -> TemplateError {
    let fallback = || terr(file, "templates", err.message().trim().to_string());
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            let line = e
                .span()
                .map(|s| text.get(..s.start).unwrap_or(text).lines().count().max(1));
            let message = match line {
                Some(l) => format!("invalid TOML at line {l}: {}", e.message().trim()),
                None => format!("invalid TOML: {}", e.message().trim()),
            };
            return terr(file, "(document)", message);
        }
    };
    for key in table.keys() {
        if key != "templates" {
            return terr(file, key.clone(), "unknown key; expected `templates`");
        }
    }
    let Some(templates) = table.get("templates") else {
        return terr(
            file,
            "templates",
            "missing: define at least one [[templates]]",
        );
    };
    let Some(list) = templates.as_array() else {
        return terr(
            file,
            "templates",
            "must be an array of tables ([[templates]])",
        );
    };
    for (i, t) in list.iter().enumerate() {
        let path = format!("templates[{i}]");
        let Some(t) = t.as_table() else {
            return terr(file, path, "must be a table");
        };
        if let Some(e) = check_table(t, TEMPLATE_KEYS, &["name", "length"], &path, file) {
            return e;
        }
        let checks: [(&str, FieldCheck); 7] = [
            ("name", check_as::<String>),
            ("starts", check_as::<Vec<String>>),
            ("start_every", check_as::<String>),
            ("start_from", check_as::<String>),
            ("start_until", check_as::<String>),
            ("length", check_as::<String>),
            ("max_count", check_as::<u32>),
        ];
        for (key, check) in checks {
            if let Some(v) = t.get(key)
                && let Err(m) = check(v)
            {
                return terr(file, format!("{path}.{key}"), m);
            }
        }
        if let Some(b) = t.get("breaks") {
            let Some(bl) = b.as_array() else {
                return terr(file, format!("{path}.breaks"), "must be an array of tables");
            };
            for (j, b) in bl.iter().enumerate() {
                let bpath = format!("{path}.breaks[{j}]");
                let Some(bt) = b.as_table() else {
                    return terr(
                        file,
                        bpath,
                        "must be a table like { earliest = \"3h\", latest = \"5h\", length = \"30m\" }",
                    );
                };
                if let Some(e) = check_table(bt, BREAK_KEYS, BREAK_KEYS, &bpath, file) {
                    return e;
                }
                for key in BREAK_KEYS {
                    if let Some(v) = bt.get(*key)
                        && let Err(m) = check_as::<String>(v)
                    {
                        return terr(file, format!("{bpath}.{key}"), m);
                    }
                }
            }
        }
    }
    fallback()
}

/// Checks that one TOML value has the type a field expects.
type FieldCheck = fn(&toml::Value) -> Result<(), String>;

fn check_table(
    t: &toml::Table,
    allowed: &[&str],
    required: &[&str],
    path: &str,
    file: &Path,
) -> Option<TemplateError> {
    for key in t.keys() {
        if !allowed.contains(&key.as_str()) {
            return Some(terr(
                file,
                format!("{path}.{key}"),
                format!("unknown key; expected one of {}", allowed.join(", ")),
            ));
        }
    }
    for key in required {
        if !t.contains_key(*key) {
            return Some(terr(file, format!("{path}.{key}"), "missing"));
        }
    }
    None
}

fn check_as<T: serde::de::DeserializeOwned>(v: &toml::Value) -> Result<(), String> {
    v.clone()
        .try_into::<T>()
        .map(|_| ())
        .map_err(|e| e.message().trim().to_string())
}

fn convert_template(
    t: &RawTemplate,
    path: &str,
    file: &Path,
) -> Result<ShiftTemplate, TemplateError> {
    let length_s =
        parse_duration(&t.length).map_err(|m| terr(file, format!("{path}.length"), m))?;
    let starts_s = match (&t.starts, &t.start_every) {
        (Some(_), Some(_)) => {
            return Err(terr(
                file,
                format!("{path}.start_every"),
                "give either `starts` or `start_every`/`start_from`/`start_until`, not both",
            ));
        }
        (Some(list), None) => {
            for key in ["start_from", "start_until"] {
                let given = if key == "start_from" {
                    &t.start_from
                } else {
                    &t.start_until
                };
                if given.is_some() {
                    return Err(terr(
                        file,
                        format!("{path}.{key}"),
                        "only allowed with `start_every`",
                    ));
                }
            }
            let mut out = Vec::with_capacity(list.len());
            for (j, s) in list.iter().enumerate() {
                out.push(
                    parse_time_of_day(s)
                        .map_err(|m| terr(file, format!("{path}.starts[{j}]"), m))?,
                );
            }
            out
        }
        (None, Some(every)) => {
            let every_s =
                parse_duration(every).map_err(|m| terr(file, format!("{path}.start_every"), m))?;
            if every_s == 0 {
                return Err(terr(
                    file,
                    format!("{path}.start_every"),
                    "must be longer than 0s",
                ));
            }
            let from = t.start_from.as_deref().ok_or_else(|| {
                terr(
                    file,
                    format!("{path}.start_from"),
                    "missing (needed with `start_every`)",
                )
            })?;
            let until = t.start_until.as_deref().ok_or_else(|| {
                terr(
                    file,
                    format!("{path}.start_until"),
                    "missing (needed with `start_every`)",
                )
            })?;
            let from =
                parse_time_of_day(from).map_err(|m| terr(file, format!("{path}.start_from"), m))?;
            let until = parse_time_of_day(until)
                .map_err(|m| terr(file, format!("{path}.start_until"), m))?;
            // `until` before `from` runs through midnight.
            let end = if until >= from { until } else { until + DAY_S };
            (from..=end)
                .step_by(every_s as usize)
                .map(|s| s % DAY_S)
                .collect()
        }
        (None, None) => {
            return Err(terr(
                file,
                format!("{path}.starts"),
                "missing: give `starts` or `start_every`/`start_from`/`start_until`",
            ));
        }
    };
    let mut breaks = Vec::with_capacity(t.breaks.len());
    for (j, b) in t.breaks.iter().enumerate() {
        let bp = format!("{path}.breaks[{j}]");
        let d = |key: &str, v: &str| {
            parse_duration(v).map_err(|m| terr(file, format!("{bp}.{key}"), m))
        };
        breaks.push(BreakWindow {
            earliest_s: d("earliest", &b.earliest)?,
            latest_s: d("latest", &b.latest)?,
            length_s: d("length", &b.length)?,
        });
    }
    Ok(ShiftTemplate {
        name: t.name.clone(),
        starts_s,
        length_s,
        breaks,
        max_count: t.max_count,
    })
}
