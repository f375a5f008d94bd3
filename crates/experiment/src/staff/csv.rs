//! `staffing.csv`: one row per interval with the Erlang C, Erlang A and
//! simulated head counts and what each achieved.

use super::*;

/// A CSV cell: four decimals, empty when there is no figure.
pub(crate) fn csv_number(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.4}")).unwrap_or_default()
}

/// Four CSV cells: the value, its 95 % interval's bounds, and n (the
/// replications with the figure).
pub(crate) fn csv_estimate(a: Option<Achieved>) -> String {
    format!(
        "{},{},{},{}",
        csv_number(a.map(|a| a.value)),
        csv_number(a.and_then(|a| a.ci95_range.map(|r| r[0]))),
        csv_number(a.and_then(|a| a.ci95_range.map(|r| r[1]))),
        a.map(|a| a.n.to_string()).unwrap_or_default()
    )
}

/// `staffing.csv`: one row per interval.
pub fn csv(report: &StaffingReport) -> String {
    let mut out = String::from(
        "interval_start_s,interval,offered,holding_s,erlang_c,erlang_a,simulated,warm_up,service_level,service_level_low,service_level_high,service_level_n,abandonment,abandonment_low,abandonment_high,abandonment_n,erlang_c_service_level,erlang_c_service_level_low,erlang_c_service_level_high,erlang_c_service_level_n,erlang_a_service_level,erlang_a_service_level_low,erlang_a_service_level_high,erlang_a_service_level_n\n",
    );
    let (num, est) = (csv_number, csv_estimate);
    for row in &report.intervals {
        out.push_str(&format!(
            "{},{},{:.2},{},{},{},{},{},{},{},{},{}\n",
            row.start_s,
            row.label,
            row.offered,
            num(row.holding_s),
            row.erlang_c,
            row.erlang_a.map(|a| a.to_string()).unwrap_or_default(),
            row.simulated,
            row.warm_up,
            est(row.service_level),
            est(row.abandonment),
            est(row.erlang_c_service_level),
            est(row.erlang_a_service_level),
        ));
    }
    out
}
