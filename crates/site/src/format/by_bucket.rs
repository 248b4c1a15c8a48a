//! What data-prep sums per depth bucket: each (model, bucket)'s rollup of its layers, each
//! bucket's sketch over all models, and from the rollups the tables a grouping by depth (or
//! among some buckets) reads instead of every (model, bucket): each bucket's sum of its models'
//! shares and each model's buckets.

use filterscope_stats::{depth_bucket, Sketch, DEPTH_BUCKETS};

use crate::format::by_value::depth_shares;
use crate::format::named::Files;
use crate::format::tables::{self, DepthRow, LayerRow, LayerSketch, Rollup};
use crate::{FileEntry, SiteError};

/// Sums layer sketches per (model, depth bucket), sorted by model then bucket.
pub(crate) fn rollups(
    layers: &[LayerRow],
    sketches: &[LayerSketch],
) -> Result<Vec<Rollup>, SiteError> {
    let mut map: std::collections::BTreeMap<(u32, u8), (u64, Sketch)> = Default::default();
    for (l, s) in layers.iter().zip(sketches) {
        let b = depth_bucket(l.conv_depth_norm).ok_or_else(|| {
            SiteError::Query(format!(
                "layer {}: conv_depth_norm {} is outside [0, 1]",
                l.layer_id, l.conv_depth_norm
            ))
        })?;
        debug_assert!(b < DEPTH_BUCKETS);
        let e = map.entry((l.model, b as u8)).or_default();
        e.0 += 1;
        e.1.merge(&s.sketch);
    }
    Ok(map
        .into_iter()
        .map(|((model, bucket), (n_layers, sketch))| Rollup {
            model,
            bucket,
            n_layers,
            sketch,
        })
        .collect())
}

/// Sums rollups per depth bucket.
pub(crate) fn depth_rows(roll: &[Rollup]) -> Vec<DepthRow> {
    let mut rows: Vec<DepthRow> = (0..DEPTH_BUCKETS as u8)
        .map(|bucket| DepthRow {
            bucket,
            n_models: 0,
            n_layers: 0,
            sketch: Sketch::default(),
        })
        .collect();
    for r in roll {
        let d = &mut rows[r.bucket as usize];
        d.n_models += 1;
        d.n_layers += r.n_layers;
        d.sketch.merge(&r.sketch);
    }
    rows.retain(|d| d.n_layers > 0);
    rows
}

/// The tables the rollups give besides the per-bucket sketches: each bucket's sum of its models'
/// shares (`depths-models`) and each model's buckets (`model-buckets`).
pub(crate) fn bucket_files(
    files: &mut Files,
    roll: &[Rollup],
    n_models: usize,
) -> Result<(FileEntry, FileEntry), SiteError> {
    let shares = files.put(
        "depths-models",
        tables::encode_value_shares(&depth_shares(roll)),
    )?;
    let buckets = tables::encode_model_buckets(&model_buckets(n_models, roll));
    Ok((shares, files.put("model-buckets", buckets)?))
}

/// Each model's depth buckets as bits, from its (model, bucket) rollups.
fn model_buckets(n_models: usize, roll: &[Rollup]) -> Vec<u16> {
    let mut masks = vec![0u16; n_models];
    for r in roll {
        masks[r.model as usize] |= 1 << r.bucket;
    }
    masks
}
