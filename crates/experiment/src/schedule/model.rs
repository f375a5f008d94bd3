//! The covering programme as a good_lp model: integer or LP relaxation, and
//! the elastic form that names an interval no plan can cover.

use good_lp::{Expression, ProblemVariables, Variable, variable};

use super::columns::Column;
use super::*;

/// Builds the covering model over `columns`; `integer` chooses the MIP or
/// its LP relaxation; `elastic` adds a shortfall variable per interval and
/// minimises the total shortfall instead (used to name an infeasible interval).
pub(super) struct Model {
    pub(super) vars: ProblemVariables,
    pub(super) x: Vec<Variable>,
    pub(super) shortfall: Vec<(usize, Variable)>,
    pub(super) objective: Expression,
    pub(super) constraints: Vec<good_lp::Constraint>,
}

pub(super) fn build_model(
    columns: &[Column],
    requirement: &[u32],
    templates: &[ShiftTemplate],
    integer: bool,
    elastic: bool,
) -> Model {
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = columns
        .iter()
        .map(|c| {
            let mut def = variable().min(0);
            if let Some(cap) = templates[c.template].max_count {
                def = def.max(cap);
            }
            if integer {
                def = def.integer();
            }
            vars.add(def)
        })
        .collect();
    let mut rows: Vec<Expression> = vec![Expression::with_capacity(0); requirement.len()];
    for (c, &v) in columns.iter().zip(&x) {
        for &k in &c.covers {
            rows[k].add_mul(1.0, v);
        }
    }
    let mut shortfall = Vec::new();
    let mut objective = Expression::with_capacity(columns.len());
    if !elastic {
        for (c, &v) in columns.iter().zip(&x) {
            objective.add_mul(c.cost_h, v);
        }
    }
    let mut constraints = Vec::new();
    for (k, row) in rows.into_iter().enumerate() {
        if requirement[k] == 0 {
            continue;
        }
        let mut row = row;
        if elastic {
            let s = vars.add(variable().min(0));
            row.add_mul(1.0, s);
            objective.add_mul(1.0, s);
            shortfall.push((k, s));
        }
        constraints.push(row.geq(f64::from(requirement[k])));
    }
    for (ti, t) in templates.iter().enumerate() {
        if let Some(cap) = t.max_count {
            let mut sum = Expression::with_capacity(0);
            for (c, &v) in columns.iter().zip(&x) {
                if c.template == ti {
                    sum.add_mul(1.0, v);
                }
            }
            constraints.push(sum.leq(f64::from(cap)));
        }
    }
    Model {
        vars,
        x,
        shortfall,
        objective,
        constraints,
    }
}
