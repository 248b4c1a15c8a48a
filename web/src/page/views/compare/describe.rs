//! A cell of the comparison in words, for the hover line and the screen reader: the two groups
//! (a model with its Task, Visual Category and training data), D and the cell's place.

use filterscope_site::Comparison;
use filterscope_web::protocol::Failure;
use leptos::prelude::*;

use super::shown::label;
use crate::page::loader::Loader;

/// The model-level columns a model's description names, when the data has them.
const DESCRIBED: [&str; 3] = ["Task", "Visual Category", "Training-Dataset"];

/// Describes cell (row, column) of the matrix in display `order`.
pub fn describer(
    comparison: Memo<Option<Result<Comparison, Failure>>>,
    order: Memo<Vec<usize>>,
    loader: Loader,
) -> Callback<(usize, usize), String> {
    // A model's Task, Visual Category and training data, for the hover line.
    let details = Memo::new(move |_| {
        comparison.with(|c| match c {
            Some(Ok(c)) if c.by == "model" => loader
                .with_catalog(|cat| {
                    let cols: Vec<usize> = DESCRIBED
                        .iter()
                        .filter_map(|d| cat.manifest.model_columns.iter().position(|c| c == d))
                        .collect();
                    c.groups
                        .iter()
                        .map(|g| {
                            cat.models
                                .iter()
                                .find(|m| &m.name == g)
                                .map(|m| {
                                    let v: Vec<&str> = cols
                                        .iter()
                                        .map(|&k| m.values[k].as_str())
                                        .filter(|v| !v.is_empty())
                                        .collect();
                                    v.join(", ")
                                })
                                .unwrap_or_default()
                        })
                        .collect::<Vec<String>>()
                })
                .unwrap_or_default(),
            _ => vec![],
        })
    });
    let describe = Callback::new(move |(i, j): (usize, usize)| {
        let o = order.get_untracked();
        let n = o.len();
        comparison.with_untracked(|c| match c {
            Some(Ok(c)) if i < n && j < n => {
                let d = details.get_untracked();
                let name = |k: usize| match d.get(o[k]).filter(|s| !s.is_empty()) {
                    Some(s) => format!("[{k}] {} [{s}]", label(c, o[k])),
                    None => format!("[{k}] {}", label(c, o[k])),
                };
                format!(
                    "{} vs {}: D = {:.4}{} (row {}, column {} of {n})",
                    name(i),
                    name(j),
                    c.d[o[i]][o[j]],
                    spread_words(c, o[i], o[j]),
                    i + 1,
                    j + 1,
                )
            }
            _ => String::new(),
        })
    });
    describe
}

/// The interval and floors of cell (i, j) in words, when the comparison has them.
fn spread_words(c: &Comparison, i: usize, j: usize) -> String {
    let (Some(ci), Some(floor)) = (&c.ci, &c.floor) else {
        return String::new();
    };
    if i == j {
        return match floor[i] {
            Some(f) => format!(", noise floor {f:.4}"),
            None => ", no noise floor (fewer than 4 models)".into(),
        };
    }
    let verdict = match c.within_noise(i, j) {
        Some(true) => "; not distinguishable from the spread within the groups",
        Some(false) => "; beyond the spread within the groups",
        None => "",
    };
    format!(
        ", 95% interval {:.4} to {:.4}{verdict}",
        ci.low[i][j], ci.high[i][j]
    )
}
