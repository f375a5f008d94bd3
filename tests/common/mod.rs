//! Helpers shared by the end-to-end tests.
#![allow(dead_code)]

use std::path::Path;

use handoff_sim::Scenario;

/// Parses scenario text, panicking with the error if it is invalid.
pub fn scenario(text: &str) -> Scenario {
    Scenario::parse(text, Path::new("test.toml")).unwrap_or_else(|e| panic!("{e}"))
}

/// A single queue with the AI off: one voice pool of `agents`, exponential
/// handle times of mean `aht`. `extra` goes after the intents (e.g. a
/// `[customers]` table), `pool_extra` into the pool's table.
pub struct SingleQueue<'a> {
    pub rate_per_hour: f64,
    pub aht: &'a str,
    pub agents: u32,
    pub duration: &'a str,
    pub warm_up: &'a str,
    pub interval: &'a str,
    pub seed: u64,
    pub extra: &'a str,
    pub pool_extra: &'a str,
}

impl SingleQueue<'_> {
    pub fn toml(&self) -> String {
        format!(
            r#"
[simulation]
name = "queue"
seed = {seed}
duration = "{duration}"
warm_up = "{warm_up}"
interval = "{interval}"
[arrivals]
rate_per_hour = {rate}
[channels]
chat = 0.0
voice = 1.0
[[intents]]
name = "any"
share = 1.0
handle_time = {{ dist = "exponential", mean = "{aht}" }}
skill = "s"
{extra}
[[agents]]
name = "pool"
count = {agents}
skills = ["s"]
{pool_extra}
"#,
            seed = self.seed,
            duration = self.duration,
            warm_up = self.warm_up,
            interval = self.interval,
            rate = self.rate_per_hour,
            aht = self.aht,
            extra = self.extra,
            agents = self.agents,
            pool_extra = self.pool_extra,
        )
    }

    pub fn scenario(&self) -> Scenario {
        scenario(&self.toml())
    }
}

/// A single M/M/c(+M) queue: AI off, one pool, exponential handle times,
/// 6 h warm-up, 1 h intervals.
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
    SingleQueue {
        rate_per_hour,
        aht,
        agents,
        duration,
        warm_up: "6h",
        interval: "1h",
        seed: 11,
        extra: &patience,
        pool_extra: "",
    }
    .scenario()
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

/// The rows of a page's data table: the first cell's text, then per cell
/// its `data-value` with its `data-low`/`data-high` (`None`: no number).
pub type HtmlRow = (String, Vec<Option<(f64, Option<[f64; 2]>)>>);

/// The rows of the first data table of `html` after the text `after`.
pub fn html_rows(html: &str, after: &str) -> Vec<HtmlRow> {
    let from = html.find(after).expect("the section is on the page");
    let html = &html[from..];
    let start = html.find("<table class=\"data\">").expect("a data table");
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    let attr = |cell: &str, name: &str| {
        let key = format!("{name}=\"");
        let at = cell.find(&key)? + key.len();
        cell[at..at + cell[at..].find('"')?].parse::<f64>().ok()
    };
    table
        .split("<tr>")
        .skip(2)
        .map(|row| {
            let cells: Vec<&str> = row.split("<td").skip(1).collect();
            let label = cells[0].trim_start_matches('>');
            let label = label[..label.find("</td>").unwrap()].to_string();
            let numbers = cells[1..]
                .iter()
                .map(|c| {
                    let v = attr(c, "data-value")?;
                    let bounds = attr(c, "data-low").zip(attr(c, "data-high"));
                    Some((v, bounds.map(|(l, h)| [l, h])))
                })
                .collect();
            (label, numbers)
        })
        .collect()
}

/// The file `name` somewhere under `dir`.
pub fn walk(dir: &std::path::Path, name: &str) -> Option<std::path::PathBuf> {
    std::fs::read_dir(dir).ok()?.find_map(|entry| {
        let path = entry.ok()?.path();
        if path.is_dir() {
            walk(&path, name)
        } else {
            path.file_name().is_some_and(|n| n == name).then_some(path)
        }
    })
}

/// Runs `handoff-sim compare <scenario> <extra…> --jobs 2 --quiet` from the
/// repository root and returns the fresh `comparison.json`, after holding
/// it byte for byte to the committed `reports/<example>/comparison.json`
/// (so a README table copied from that example stays true).
pub fn compare_matching_example(scenario: &str, extra: &[&str], example: &str) -> String {
    let out = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_handoff-sim"))
        .current_dir(root)
        .arg("compare")
        .arg(scenario)
        .args(extra)
        .args(["--jobs", "2", "--quiet", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let fresh = walk(out.path(), "comparison.json").expect("comparison.json written");
    let text = std::fs::read_to_string(&fresh).unwrap();
    let committed =
        std::fs::read_to_string(format!("{root}/reports/{example}/comparison.json")).unwrap();
    assert_eq!(
        text, committed,
        "regenerate reports/{example} (scripts/regenerate-examples)"
    );
    text
}
