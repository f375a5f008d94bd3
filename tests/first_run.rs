//! What a newcomer sees first: the printed table of `run scenarios/basic.toml`
//! (a snapshot, held to 80 columns and to its columns), the one line on
//! intervals, and a glossary that defines every label of the table.

mod common;

use handoff_sim::{report, sim};

fn basic_table() -> String {
    let scenario = common::bundled("basic.toml");
    report::summary_table(&sim::run(&scenario, 0).unwrap().summary)
}

/// The rows of the table proper: label, value, n (the per-rule and pool
/// tables have their own columns and their own headings).
fn rows(table: &str) -> Vec<&str> {
    let mut in_own_columns = false;
    table
        .lines()
        .filter(|line| {
            if line.is_empty() {
                in_own_columns = false;
            }
            if line.trim_start().starts_with("by primary rule") || line.starts_with("Pools") {
                in_own_columns = true;
            }
            !in_own_columns && line.starts_with("  ")
        })
        .collect()
}

#[test]
fn the_default_table_fits_80_columns_and_aligns() {
    let table = basic_table();
    insta::assert_snapshot!("basic_table", table);
    assert_fits_and_aligns(&table);
}

/// A long run has intervals in its values, the widest values the table
/// prints ("32.6 s (22.8–57.2)"): they keep to the columns too.
#[test]
fn a_table_with_intervals_fits_80_columns_and_aligns() {
    let scenario = common::bundled("erlang_c.toml");
    let table = report::summary_table(&sim::run(&scenario, 0).unwrap().summary);
    assert!(table.contains(" ± ") && table.contains("–"), "{table}");
    assert_fits_and_aligns(&table);
}

fn assert_fits_and_aligns(table: &str) {
    for line in table.lines() {
        assert!(
            line.chars().count() <= 80,
            "{} columns: {line}",
            line.chars().count()
        );
    }
    let rows = rows(table);
    assert!(rows.len() > 30, "{} rows", rows.len());
    // Every value ends in one column and every n starts in the next one.
    let value_end = 2 + 34 + 1 + 32;
    for row in &rows {
        let chars: Vec<char> = row.chars().collect();
        if chars.len() < value_end {
            continue; // a sub-heading such as "handoffs by primary rule"
        }
        assert!(
            chars[value_end - 1] != ' ',
            "value not right-aligned to column {value_end}: {row}"
        );
        if chars.len() > value_end {
            let n: String = chars[value_end..].iter().collect();
            assert!(n.starts_with("  n="), "n out of column: {row}");
        }
    }
    // The per-rule table: its numbers end in the columns of its heading.
    let Some(heading) = table
        .lines()
        .find(|l| l.trim_start().starts_with("by primary rule"))
    else {
        return;
    };
    let fired_end = heading.find("fired").unwrap() + "fired".len();
    for line in table
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("by primary rule"))
        .skip(2)
        .take_while(|l| !l.is_empty())
    {
        let before: String = line.chars().take(fired_end).collect();
        assert!(
            before.ends_with(|c: char| c.is_ascii_digit()),
            "fired out of column: {line}"
        );
    }
}

#[test]
fn the_first_run_says_once_how_to_get_intervals() {
    let table = basic_table();
    assert_eq!(table.matches("No 95 % interval").count(), 1, "{table}");
    assert!(table.contains("--replications 20"));
    let head: Vec<&str> = table.lines().take(4).collect();
    assert!(
        head.join(" ")
            .contains("No 95 % interval on service level, ASA"),
        "the line is at the top: {head:?}"
    );
}

/// Words of the table's labels, the words a reader may look up.
fn label_words(table: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut add = |text: &str| {
        for word in text
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '/'))
            .filter(|w| w.len() > 1 && !w.chars().all(|c| c.is_ascii_digit()))
        {
            let word = word.to_lowercase();
            if !words.contains(&word) {
                words.push(word);
            }
        }
    };
    // The title names the scenario and the pool headings name its pools:
    // the scenario's words, not the table's ("Pool general (12 agents × 3
    // slots)" reads as "Pool (agents × slots)").
    for line in table.lines().skip(1) {
        if let Some(rest) = line.strip_prefix("Pool ") {
            add(&format!(
                "Pool {}",
                rest.split_once(' ').map_or("", |(_, r)| r)
            ));
        } else if line.starts_with("  ") {
            // The label: the text before the run of spaces before the value.
            let label = line.trim_start().split("   ").next().unwrap_or("");
            add(label);
        } else if !line.is_empty() && !line.starts_with("No 95 %") && !line.starts_with("95 %") {
            add(line.split(':').next().unwrap_or(line));
        }
    }
    words
}

#[test]
fn the_glossary_defines_every_label_of_the_table() {
    let glossary = std::fs::read_to_string("reports/README.md").unwrap();
    let start = glossary.find("## Glossary").expect("a Glossary section");
    let glossary = glossary[start..].to_lowercase();
    let table = basic_table();
    let words = label_words(&table);
    assert!(words.len() > 50, "{words:?}");
    // Whole words: "asa" is not defined by "nasal", nor "p50" by "p500".
    let glossary_words: std::collections::HashSet<&str> = glossary
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '/'))
        .collect();
    let missing: Vec<&String> = words
        .iter()
        .filter(|w| !glossary_words.contains(w.as_str()))
        .collect();
    assert!(missing.is_empty(), "not in the glossary: {missing:?}");
}
