//! The Arrow tables of a site: their rows as Rust types, and their encoding to and from record
//! batches. One schema serves per-layer sketches and rollups, so both decode the same way.

use std::sync::Arc;

use arrow_array::types::{Float32Type, Float64Type, Int64Type, UInt32Type, UInt64Type, UInt8Type};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, UInt32Array, UInt64Array,
    UInt8Array,
};
use filterscope_stats::{Histograms, LayerQuality, Moments, Sketch, DIM, N_BINS, PACKED};

use crate::columns::{batch, dict, fixed, Cols};
use crate::SiteError;

/// One model and its model-level meta values.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelRow {
    /// Unique model name.
    pub name: String,
    /// Values of the manifest's `model_columns`, in order ("" where missing).
    pub values: Vec<String>,
}

/// One layer.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerRow {
    /// The source's layer id (unique).
    pub layer_id: i64,
    /// Index of its model in the models table.
    pub model: u32,
    /// Rank of the layer's graph depth among its model's conv depths.
    pub conv_depth: i64,
    /// conv_depth normalised to [0, 1].
    pub conv_depth_norm: f64,
    /// Input channels per group.
    pub in_channels: i64,
    /// Output channels.
    pub out_channels: i64,
    /// Number of 3x3 filters.
    pub n_filters: u64,
    /// Values of the manifest's `layer_columns`, in order.
    pub values: Vec<String>,
}

/// A layer's sketch and quality.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerSketch {
    /// The mergeable sketch.
    pub sketch: Sketch,
    /// Quality measured on the layer's raw weights.
    pub quality: LayerQuality,
}

/// The sketch of one model's layers in one depth bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct Rollup {
    /// Model index.
    pub model: u32,
    /// Depth bucket (0..10).
    pub bucket: u8,
    /// Merged sketch of those layers.
    pub sketch: Sketch,
}

/// One sampled raw filter.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleRow {
    /// Layer index (row of the layers table).
    pub layer: u32,
    /// Index of the filter within its layer.
    pub index: u32,
    /// Raw weights (as float32, the precision models are trained in).
    pub weights: [f32; DIM],
}

/// Encoders and decoders of the site's tables.
pub struct Tables;

fn sketch_columns(sketches: &[&Sketch]) -> Vec<(&'static str, ArrayRef)> {
    let counts: Vec<u64> = sketches
        .iter()
        .flat_map(|s| s.hist.counts().iter().copied())
        .collect();
    let col = |f: &dyn Fn(&Sketch) -> Vec<f64>, size| {
        fixed::<Float64Type>(sketches.iter().flat_map(|s| f(s)).collect(), size)
    };
    vec![
        (
            "n",
            Arc::new(UInt64Array::from_iter_values(
                sketches.iter().map(|s| s.scaled.n),
            )) as ArrayRef,
        ),
        ("counts", fixed::<UInt64Type>(counts, DIM * N_BINS)),
        ("scaled_sum", col(&|s| s.scaled.sum.to_vec(), DIM)),
        ("scaled_sxx", col(&|s| s.scaled.sxx.to_vec(), PACKED)),
        ("raw_sum", col(&|s| s.raw.sum.to_vec(), DIM)),
        ("raw_sxx", col(&|s| s.raw.sxx.to_vec(), PACKED)),
        (
            "max_abs",
            Arc::new(Float64Array::from_iter_values(
                sketches.iter().map(|s| s.max_abs),
            )),
        ),
        (
            "n_sparse",
            Arc::new(UInt64Array::from_iter_values(
                sketches.iter().map(|s| s.n_sparse),
            )),
        ),
    ]
}

fn decode_sketches(c: &Cols) -> Result<Vec<Sketch>, SiteError> {
    let n = c.prim::<UInt64Type>("n")?;
    let counts = c.fixed::<UInt64Type>("counts", DIM * N_BINS)?;
    let ss = c.fixed::<Float64Type>("scaled_sum", DIM)?;
    let sx = c.fixed::<Float64Type>("scaled_sxx", PACKED)?;
    let rs = c.fixed::<Float64Type>("raw_sum", DIM)?;
    let rx = c.fixed::<Float64Type>("raw_sxx", PACKED)?;
    let max_abs = c.prim::<Float64Type>("max_abs")?;
    let n_sparse = c.prim::<UInt64Type>("n_sparse")?;
    let mut out = Vec::with_capacity(n.len());
    for i in 0..n.len() {
        let moments = |sum: &[f64], sxx: &[f64]| Moments {
            n: n.value(i),
            sum: sum[i * DIM..(i + 1) * DIM].try_into().expect("9 sums"),
            sxx: sxx[i * PACKED..(i + 1) * PACKED]
                .try_into()
                .expect("PACKED sums"),
        };
        let hist =
            Histograms::from_counts(counts[i * DIM * N_BINS..(i + 1) * DIM * N_BINS].to_vec())
                .expect("630 counts");
        if hist.total() != n.value(i) {
            return Err(c.err(format!(
                "row {i}: histogram holds {} filters, n says {}",
                hist.total(),
                n.value(i)
            )));
        }
        out.push(Sketch {
            scaled: moments(ss, sx),
            raw: moments(rs, rx),
            max_abs: max_abs.value(i),
            n_sparse: n_sparse.value(i),
            hist,
        });
    }
    Ok(out)
}

impl Tables {
    /// The models table: `model` then each model column, dictionary-encoded.
    pub fn encode_models(rows: &[ModelRow], columns: &[String]) -> RecordBatch {
        let mut cols = vec![("model", dict(rows.iter().map(|r| r.name.clone())))];
        for (k, name) in columns.iter().enumerate() {
            cols.push((
                name.as_str(),
                dict(rows.iter().map(|r| r.values[k].clone())),
            ));
        }
        batch(cols)
    }

    /// Decodes the models table.
    pub fn decode_models(
        file: &str,
        b: &RecordBatch,
        columns: &[String],
    ) -> Result<Vec<ModelRow>, SiteError> {
        let c = Cols { file, batch: b };
        let names = c.strings("model")?;
        let values: Vec<Vec<String>> = columns
            .iter()
            .map(|n| c.strings(n))
            .collect::<Result<_, _>>()?;
        Ok(names
            .into_iter()
            .enumerate()
            .map(|(i, name)| ModelRow {
                name,
                values: values.iter().map(|v| v[i].clone()).collect(),
            })
            .collect())
    }

    /// The layers table.
    pub fn encode_layers(rows: &[LayerRow], columns: &[String]) -> RecordBatch {
        let i64s = |f: &dyn Fn(&LayerRow) -> i64| -> ArrayRef {
            Arc::new(Int64Array::from_iter_values(rows.iter().map(f)))
        };
        let mut cols = vec![
            ("layer_id", i64s(&|r| r.layer_id)),
            (
                "model",
                Arc::new(UInt32Array::from_iter_values(rows.iter().map(|r| r.model))) as ArrayRef,
            ),
            ("conv_depth", i64s(&|r| r.conv_depth)),
            (
                "conv_depth_norm",
                Arc::new(Float64Array::from_iter_values(
                    rows.iter().map(|r| r.conv_depth_norm),
                )),
            ),
            ("in_channels", i64s(&|r| r.in_channels)),
            ("out_channels", i64s(&|r| r.out_channels)),
            (
                "n_filters",
                Arc::new(UInt64Array::from_iter_values(
                    rows.iter().map(|r| r.n_filters),
                )),
            ),
        ];
        for (k, name) in columns.iter().enumerate() {
            cols.push((
                name.as_str(),
                dict(rows.iter().map(|r| r.values[k].clone())),
            ));
        }
        batch(cols)
    }

    /// Decodes the layers table.
    pub fn decode_layers(
        file: &str,
        b: &RecordBatch,
        columns: &[String],
    ) -> Result<Vec<LayerRow>, SiteError> {
        let c = Cols { file, batch: b };
        let id = c.prim::<Int64Type>("layer_id")?;
        let model = c.prim::<UInt32Type>("model")?;
        let depth = c.prim::<Int64Type>("conv_depth")?;
        let norm = c.prim::<Float64Type>("conv_depth_norm")?;
        let inc = c.prim::<Int64Type>("in_channels")?;
        let outc = c.prim::<Int64Type>("out_channels")?;
        let n = c.prim::<UInt64Type>("n_filters")?;
        let values: Vec<Vec<String>> = columns
            .iter()
            .map(|n| c.strings(n))
            .collect::<Result<_, _>>()?;
        Ok((0..id.len())
            .map(|i| LayerRow {
                layer_id: id.value(i),
                model: model.value(i),
                conv_depth: depth.value(i),
                conv_depth_norm: norm.value(i),
                in_channels: inc.value(i),
                out_channels: outc.value(i),
                n_filters: n.value(i),
                values: values.iter().map(|v| v[i].clone()).collect(),
            })
            .collect())
    }

    /// A chunk of per-layer sketches (`first` is the index of its first layer).
    pub fn encode_layer_sketches(first: u32, rows: &[LayerSketch]) -> RecordBatch {
        let sketches: Vec<&Sketch> = rows.iter().map(|r| &r.sketch).collect();
        let q = |f: &dyn Fn(&LayerQuality) -> f64| -> ArrayRef {
            Arc::new(Float64Array::from_iter_values(
                rows.iter().map(|r| f(&r.quality)),
            ))
        };
        let mut cols = vec![(
            "layer",
            Arc::new(UInt32Array::from_iter_values(
                first..first + rows.len() as u32,
            )) as ArrayRef,
        )];
        cols.extend(sketch_columns(&sketches));
        cols.push(("variance_entropy", q(&|q| q.variance_entropy)));
        cols.push(("entropy_ratio", q(&|q| q.entropy_ratio)));
        cols.push((
            "degenerated",
            Arc::new(BooleanArray::from_iter(
                rows.iter().map(|r| Some(r.quality.degenerated)),
            )),
        ));
        cols.push((
            "orthogonality",
            Arc::new(Float64Array::from_iter(
                rows.iter().map(|r| r.quality.orthogonality),
            )),
        ));
        batch(cols)
    }

    /// Decodes a sketch chunk: (layer index, sketch and quality) per row.
    pub fn decode_layer_sketches(
        file: &str,
        b: &RecordBatch,
    ) -> Result<Vec<(u32, LayerSketch)>, SiteError> {
        let c = Cols { file, batch: b };
        let layer = c.prim::<UInt32Type>("layer")?;
        let sketches = decode_sketches(&c)?;
        let h = c.prim::<Float64Type>("variance_entropy")?;
        let ratio = c.prim::<Float64Type>("entropy_ratio")?;
        let deg = c.bools("degenerated")?;
        let orth = c.prim::<Float64Type>("orthogonality")?;
        Ok(sketches
            .into_iter()
            .enumerate()
            .map(|(i, sketch)| {
                let n = sketch.n();
                let quality = LayerQuality {
                    n,
                    n_sparse: sketch.n_sparse,
                    sparsity: sketch.sparsity(),
                    variance_entropy: h.value(i),
                    entropy_ratio: ratio.value(i),
                    degenerated: deg.value(i),
                    orthogonality: orth.is_valid(i).then(|| orth.value(i)),
                };
                (layer.value(i), LayerSketch { sketch, quality })
            })
            .collect())
    }

    /// The rollups table.
    pub fn encode_rollups(rows: &[Rollup]) -> RecordBatch {
        let sketches: Vec<&Sketch> = rows.iter().map(|r| &r.sketch).collect();
        let mut cols = vec![
            (
                "model",
                Arc::new(UInt32Array::from_iter_values(rows.iter().map(|r| r.model))) as ArrayRef,
            ),
            (
                "bucket",
                Arc::new(UInt8Array::from_iter_values(rows.iter().map(|r| r.bucket))),
            ),
        ];
        cols.extend(sketch_columns(&sketches));
        batch(cols)
    }

    /// Decodes the rollups table.
    pub fn decode_rollups(file: &str, b: &RecordBatch) -> Result<Vec<Rollup>, SiteError> {
        let c = Cols { file, batch: b };
        let model = c.prim::<UInt32Type>("model")?;
        let bucket = c.prim::<UInt8Type>("bucket")?;
        Ok(decode_sketches(&c)?
            .into_iter()
            .enumerate()
            .map(|(i, sketch)| Rollup {
                model: model.value(i),
                bucket: bucket.value(i),
                sketch,
            })
            .collect())
    }

    /// A chunk of samples.
    pub fn encode_samples(rows: &[SampleRow]) -> RecordBatch {
        batch(vec![
            (
                "layer",
                Arc::new(UInt32Array::from_iter_values(rows.iter().map(|r| r.layer))) as ArrayRef,
            ),
            (
                "index",
                Arc::new(UInt32Array::from_iter_values(rows.iter().map(|r| r.index))),
            ),
            (
                "weights",
                fixed::<Float32Type>(rows.iter().flat_map(|r| r.weights).collect(), DIM),
            ),
        ])
    }

    /// Decodes a chunk of samples.
    pub fn decode_samples(file: &str, b: &RecordBatch) -> Result<Vec<SampleRow>, SiteError> {
        let c = Cols { file, batch: b };
        let layer = c.prim::<UInt32Type>("layer")?;
        let index = c.prim::<UInt32Type>("index")?;
        let w = c.fixed::<Float32Type>("weights", DIM)?;
        Ok((0..layer.len())
            .map(|i| SampleRow {
                layer: layer.value(i),
                index: index.value(i),
                weights: w[i * DIM..(i + 1) * DIM].try_into().expect("9 weights"),
            })
            .collect())
    }
}
