//! Known label errors, corrected before anything is grouped: a CSV of `model, column, from, to,
//! source` rows (`data-prep build --corrections FILE`). A row whose model, column or current value
//! is not in the DB is not applied and gets a warning naming its line; every applied row is
//! recorded in the manifest (the About view lists them). The corrections known for the CNN Filter
//! DB v1.0.0 ship with data-prep and apply by default to `--h5` builds ([`CNN_FILTER_DB`]).

use std::path::Path;

use filterscope_site::Correction;

use crate::build::Plan;
use crate::PrepError;

/// The corrections known for the CNN Filter DB v1.0.0, as shipped (data-prep/corrections/).
pub const CNN_FILTER_DB: &str = include_str!("../../corrections/cnn-filter-db-v1.0.0.csv");

/// The name the shipped file is reported under.
pub const CNN_FILTER_DB_NAME: &str = "cnn-filter-db-v1.0.0.csv (shipped with data-prep)";

const COLUMNS: [&str; 5] = ["model", "column", "from", "to", "source"];

/// The rows of a corrections CSV (`text`, read from `path`), each with its line number.
pub fn parse(path: &Path, text: &str) -> Result<Vec<(u64, Correction)>, PrepError> {
    let invalid = |place: String, problem: String| PrepError::invalid(path, place, problem);
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = r
        .headers()
        .map_err(|e| invalid("line 1".into(), e.to_string()))?
        .clone();
    let col = |name: &str| {
        header.iter().position(|h| h.trim() == name).ok_or_else(|| {
            invalid(
                "line 1".into(),
                format!("no column {name:?}; expected {}", COLUMNS.join(", ")),
            )
        })
    };
    let idx: Vec<usize> = COLUMNS.iter().map(|c| col(c)).collect::<Result<_, _>>()?;
    let mut rows = vec![];
    for rec in r.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            invalid(format!("line {line}"), e.to_string())
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let v: Vec<String> = idx
            .iter()
            .map(|&i| rec.get(i).unwrap_or("").to_string())
            .collect();
        for (name, value) in COLUMNS.iter().zip(&v).take(2) {
            if value.trim().is_empty() {
                return Err(invalid(format!("line {line}"), format!("empty {name}")));
            }
        }
        let [model, column, from, to, source] = <[String; 5]>::try_from(v).expect("five columns");
        rows.push((
            line,
            Correction {
                model,
                column,
                from,
                to,
                source,
            },
        ));
    }
    Ok(rows)
}

/// Applies `rows` (from `file`) to the plan's model meta and records them in it; returns a
/// warning for each row not applied: its model or column is not in the DB, or the model's value
/// is not the row's `from` (it may have been corrected in the DB itself). With `only_present`
/// (the shipped corrections, applied to whatever DB is built), a row whose model or column the DB
/// does not have is passed over in silence: it is about another DB.
pub fn apply(
    plan: &mut Plan,
    file: &str,
    rows: Vec<(u64, Correction)>,
    only_present: bool,
) -> Vec<String> {
    let mut warnings = vec![];
    for (line, c) in rows {
        let Some(col) = plan.model_columns.iter().position(|k| *k == c.column) else {
            if only_present {
                continue;
            }
            warnings.push(format!(
                "{file}: line {line}: no model-level column {:?} in the DB; not applied",
                c.column
            ));
            continue;
        };
        let Some(m) = plan.models.iter_mut().find(|m| m.name == c.model) else {
            if only_present {
                continue;
            }
            warnings.push(format!(
                "{file}: line {line}: no model {:?} in the DB; not applied",
                c.model
            ));
            continue;
        };
        if m.values[col] != c.from {
            warnings.push(format!(
                "{file}: line {line}: model {:?} has {} {:?}, not {:?}; not applied",
                c.model, c.column, m.values[col], c.from
            ));
            continue;
        }
        m.values[col] = c.to.clone();
        plan.corrections.push(c);
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use filterscope_site::ModelRow;

    fn plan() -> Plan {
        Plan {
            source: "test".into(),
            models: vec![
                ModelRow {
                    name: "a".into(),
                    values: vec!["medical ct".into(), "Segmentation".into()],
                },
                ModelRow {
                    name: "b".into(),
                    values: vec!["natural".into(), "Classification".into()],
                },
            ],
            model_columns: vec!["Visual Category".into(), "Task".into()],
            layers: Vec::new(),
            layer_columns: Vec::new(),
            label_rules: Vec::new(),
            corrections: Vec::new(),
        }
    }

    #[test]
    fn applies_known_rows_and_warns_about_the_others() {
        let csv = "model,column,from,to,source\n\
                   a,Visual Category,medical ct,medical mri,tracker #1\n\
                   zz,Task,x,y,nowhere\n\
                   b,Visual Category,medical ct,medical mri,stale\n\
                   b,Colour,x,y,no such column\n";
        let rows = parse(Path::new("c.csv"), csv).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].0, 2);
        let mut p = plan();
        let w = apply(&mut p, "c.csv", rows.clone(), true);
        assert_eq!(w.len(), 1, "only the stale row: {w:?}");
        let mut p = plan();
        let w = apply(&mut p, "c.csv", rows, false);
        assert_eq!(p.models[0].values[0], "medical mri");
        assert_eq!(p.models[1].values[0], "natural");
        assert_eq!(p.corrections.len(), 1);
        assert_eq!(p.corrections[0].source, "tracker #1");
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(
            w[0].starts_with("c.csv: line 3: no model \"zz\""),
            "{}",
            w[0]
        );
        assert!(
            w[1].contains(
                "line 4: model \"b\" has Visual Category \"natural\", not \"medical ct\""
            ),
            "{}",
            w[1]
        );
        assert!(
            w[2].contains("line 5: no model-level column \"Colour\""),
            "{}",
            w[2]
        );
    }

    #[test]
    fn a_malformed_file_names_the_place() {
        let e = parse(Path::new("c.csv"), "model,column,from,to\na,b,c,d\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.csv: line 1: no column \"source\"; expected model, column, from, to, source"
        );
        let e = parse(
            Path::new("c.csv"),
            "model,column,from,to,source\n,Task,x,y,z\n",
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "c.csv: line 2: empty model");
        let e = parse(
            Path::new("c.csv"),
            "model,column,from,to,source\na,Task,x\n",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("c.csv: line 2: "), "{e}");
    }

    #[test]
    fn the_shipped_file_parses() {
        let rows = parse(Path::new(CNN_FILTER_DB_NAME), CNN_FILTER_DB).unwrap();
        assert_eq!(rows.len(), 1);
        let c = &rows[0].1;
        assert_eq!(
            c.model,
            "compnet_weights_sagittal_improvement_09_NITRC_IITmean_b0_256_12"
        );
        assert_eq!(
            (c.from.as_str(), c.to.as_str()),
            ("medical ct", "medical mri")
        );
    }
}
