//! The layer meta table of the CNN Filter DB: one row per layer, as
//! `pandas.read_hdf(path, "meta").reset_index().to_csv(...)` writes it, validated against the
//! number of filters.
//!
//! Every message a malformed table can get is tested in `tests.rs`.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use filterscope_site::{LayerRow, ModelRow};

use crate::PrepError;

/// Columns that describe a layer itself; every other column is meta about the model or layer.
pub const LAYER_FIELDS: [&str; 6] = [
    "layer_id",
    "filter_ids",
    "conv_depth",
    "conv_depth_norm",
    "in_channels",
    "out_channels",
];

/// The one-liner that exports the v1.0.0 meta table, for messages.
pub const PANDAS_EXPORT: &str = "python3 -c \"import pandas as pd; pd.read_hdf('dataset.h5', 'meta').reset_index().to_csv('meta.csv', index=False)\"";

/// Layers and models read from a meta table.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    /// Models in order of first appearance.
    pub models: Vec<ModelRow>,
    /// Columns constant within every model.
    pub model_columns: Vec<String>,
    /// Layers sorted by their first filter.
    pub layers: Vec<LayerRow>,
    /// Columns that vary within a model.
    pub layer_columns: Vec<String>,
    /// First filter of each layer (same order as `layers`).
    pub first_filter: Vec<u64>,
}

fn parse_range(s: &str) -> Option<(u64, u64)> {
    let (a, b) = s.trim().split_once(':')?;
    let a: u64 = a.trim().parse().ok()?;
    let b: u64 = b.trim().parse().ok()?;
    (b >= a).then_some((a, b))
}

/// Parses an integer the way pandas may have written it ("3" or "3.0").
fn parse_int(s: &str) -> Option<i64> {
    let s = s.trim();
    s.parse::<i64>().ok().or_else(|| {
        let f: f64 = s.parse().ok()?;
        (f.fract() == 0.0 && f.abs() < 9e15).then_some(f as i64)
    })
}

/// Reads and validates meta CSV text. `path` names the source in errors; `n_filters` is the number
/// of filters in the HDF5 file, which the layers' filter_ids must cover exactly.
pub fn parse_meta(path: &Path, text: &[u8], n_filters: u64) -> Result<Meta, PrepError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text);
    let columns = Columns::of_header(path, &mut rdr)?;
    let mut rows = read_rows(path, &mut rdr, &columns)?;
    if rows.is_empty() {
        return Err(PrepError::invalid(
            path,
            "line 2",
            "no layers: the DB is empty",
        ));
    }
    if n_filters == 0 {
        return Err(PrepError::invalid(
            path,
            "filters",
            "the HDF5 file holds no filters: the DB is empty",
        ));
    }
    rows.sort_by_key(|r| r.range.0);
    check_tiling(path, &rows, n_filters)?;
    Ok(assemble(&rows, &columns.extra))
}

/// Where the needed columns are, and the meta columns besides them.
struct Columns {
    /// model, layer_id, filter_ids, conv_depth, conv_depth_norm, in_channels, out_channels.
    index: [usize; 7],
    /// Every other named column: (position, name).
    extra: Vec<(usize, String)>,
}

impl Columns {
    /// Reads the header; every needed column must be there.
    fn of_header(path: &Path, rdr: &mut csv::Reader<&[u8]>) -> Result<Self, PrepError> {
        let headers = rdr
            .headers()
            .map_err(|e| PrepError::invalid(path, "line 1", format!("unreadable header: {e}")))?
            .clone();
        let col = |name: &str| headers.iter().position(|h| h == name);
        let missing: Vec<&str> = ["model"]
            .iter()
            .chain(LAYER_FIELDS.iter())
            .filter(|need| col(need).is_none())
            .copied()
            .collect();
        if !missing.is_empty() {
            return Err(PrepError::invalid(
                path,
                "line 1",
                format!(
                    "missing column(s) {}; the header is {:?}",
                    missing.join(", "),
                    headers.iter().collect::<Vec<_>>()
                ),
            ));
        }
        // pandas' own index columns ("", "index", "Unnamed: 0") carry no meta.
        let extra = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| {
                !h.is_empty()
                    && *h != "index"
                    && !h.starts_with("Unnamed: ")
                    && *h != "model"
                    && !LAYER_FIELDS.contains(h)
            })
            .map(|(i, h)| (i, h.to_string()))
            .collect();
        let index = [
            "model",
            "layer_id",
            "filter_ids",
            "conv_depth",
            "conv_depth_norm",
            "in_channels",
            "out_channels",
        ]
        .map(|c| col(c).expect("checked"));
        Ok(Self { index, extra })
    }
}

/// One layer's row, checked.
struct Row {
    line: u64,
    model: String,
    layer_id: i64,
    range: (u64, u64),
    depth: i64,
    norm: f64,
    inc: i64,
    outc: i64,
    extra: Vec<String>,
}

/// Reads and checks every row: a model, integer fields, unique layer ids, a filter range and a
/// normalised depth in [0, 1].
fn read_rows(
    path: &Path,
    rdr: &mut csv::Reader<&[u8]>,
    columns: &Columns,
) -> Result<Vec<Row>, PrepError> {
    let [c_model, c_id, c_fid, c_depth, c_norm, c_in, c_out] = columns.index;
    let mut rows = Vec::new();
    let mut seen_ids: HashMap<i64, u64> = HashMap::new();
    for (k, rec) in rdr.records().enumerate() {
        let line = k as u64 + 2;
        let place = format!("line {line}");
        let rec = rec.map_err(|e| PrepError::invalid(path, &place, e.to_string()))?;
        let get = |c: usize| rec.get(c).unwrap_or("").trim().to_string();
        let model = get(c_model);
        if model.is_empty() {
            return Err(PrepError::invalid(path, &place, "the row has no model"));
        }
        let int = |c: usize, name: &str| {
            parse_int(&get(c)).ok_or_else(|| {
                PrepError::invalid(
                    path,
                    &place,
                    format!("{name} {:?} is not an integer", get(c)),
                )
            })
        };
        let layer_id = int(c_id, "layer_id")?;
        if let Some(first) = seen_ids.insert(layer_id, line) {
            return Err(PrepError::invalid(
                path,
                &place,
                format!("duplicate layer_id {layer_id} (first on line {first})"),
            ));
        }
        let range = parse_range(&get(c_fid)).ok_or_else(|| {
            PrepError::invalid(
                path,
                &place,
                format!(
                    "filter_ids {:?} is not \"start:end\" (end inclusive, start <= end)",
                    get(c_fid)
                ),
            )
        })?;
        let norm: f64 = get(c_norm).parse().map_err(|_| {
            PrepError::invalid(
                path,
                &place,
                format!("conv_depth_norm {:?} is not a number", get(c_norm)),
            )
        })?;
        if !(0.0..=1.0).contains(&norm) {
            return Err(PrepError::invalid(
                path,
                &place,
                format!("conv_depth_norm {norm} is outside [0, 1]"),
            ));
        }
        rows.push(Row {
            line,
            model,
            layer_id,
            range,
            depth: int(c_depth, "conv_depth")?,
            norm,
            inc: int(c_in, "in_channels")?,
            outc: int(c_out, "out_channels")?,
            extra: columns.extra.iter().map(|(c, _)| get(*c)).collect(),
        });
    }
    Ok(rows)
}

/// filter_ids must tile 0..n_filters: sorted by start (as `rows` are), each starts where the
/// previous ended.
fn check_tiling(path: &Path, rows: &[Row], n_filters: u64) -> Result<(), PrepError> {
    let mut next = 0u64;
    for r in rows {
        let place = format!("line {}", r.line);
        let (a, b) = r.range;
        if a > next {
            return Err(PrepError::invalid(
                path,
                &place,
                format!(
                    "filter_ids {a}:{b} leave filters {next}..{} in no layer (a gap)",
                    a - 1
                ),
            ));
        }
        if a < next {
            return Err(PrepError::invalid(
                path,
                &place,
                format!(
                    "filter_ids {a}:{b} overlap the previous layer, which ends at {}",
                    next - 1
                ),
            ));
        }
        if b >= n_filters {
            return Err(PrepError::invalid(
                path,
                &place,
                format!(
                    "filter_ids {a}:{b} run past the last filter, {}",
                    n_filters - 1
                ),
            ));
        }
        next = b + 1;
    }
    if next != n_filters {
        return Err(PrepError::invalid(
            path,
            "filter_ids",
            format!(
                "layers cover filters 0..{} but the HDF5 file holds {n_filters}",
                next - 1
            ),
        ));
    }
    Ok(())
}

/// Models in order of first appearance in the file (not in filter order); extra columns that are
/// constant within every model become model columns, the others layer columns.
fn assemble(rows: &[Row], extra: &[(usize, String)]) -> Meta {
    let mut by_line: Vec<&Row> = rows.iter().collect();
    by_line.sort_by_key(|r| r.line);
    let mut order = Vec::new();
    let mut placed = BTreeSet::new();
    for r in &by_line {
        if placed.insert(r.model.clone()) {
            order.push(r.model.clone());
        }
    }
    let model_index: HashMap<String, u32> = order
        .iter()
        .enumerate()
        .map(|(i, m)| (m.clone(), i as u32))
        .collect();
    let mut is_model_level = vec![true; extra.len()];
    let mut first_value: Vec<HashMap<u32, &str>> = vec![HashMap::new(); extra.len()];
    for r in rows {
        let m = model_index[&r.model];
        for (k, v) in r.extra.iter().enumerate() {
            let e = first_value[k].entry(m).or_insert(v.as_str());
            if *e != v.as_str() {
                is_model_level[k] = false;
            }
        }
    }
    let names = |model_level: bool| -> Vec<String> {
        extra
            .iter()
            .zip(&is_model_level)
            .filter(|(_, &m)| m == model_level)
            .map(|(e, _)| e.1.clone())
            .collect()
    };
    let models = order
        .iter()
        .map(|name| {
            let m = model_index[name];
            ModelRow {
                name: name.clone(),
                values: (0..extra.len())
                    .filter(|&k| is_model_level[k])
                    .map(|k| first_value[k][&m].to_string())
                    .collect(),
            }
        })
        .collect();
    let layers = rows
        .iter()
        .map(|r| LayerRow {
            layer_id: r.layer_id,
            model: model_index[&r.model],
            conv_depth: r.depth,
            conv_depth_norm: r.norm,
            in_channels: r.inc,
            out_channels: r.outc,
            n_filters: r.range.1 - r.range.0 + 1,
            values: (0..extra.len())
                .filter(|&k| !is_model_level[k])
                .map(|k| r.extra[k].clone())
                .collect(),
        })
        .collect();
    Meta {
        models,
        model_columns: names(true),
        first_filter: rows.iter().map(|r| r.range.0).collect(),
        layers,
        layer_columns: names(false),
    }
}

#[cfg(test)]
mod tests;
