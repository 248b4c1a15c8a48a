//! The files of a site beyond the manifest, as parts a query can need, and where the manifest
//! lists each.

use super::SiteData;
use crate::{FileEntry, Manifest};

/// One file of a site beyond the manifest: what a query can need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// Models, their meta values and totals. Loaded with the manifest.
    Models,
    /// Each model's histograms.
    ModelCounts,
    /// Each model's scaled moments.
    ModelMoments,
    /// Each depth bucket's sketch over all models.
    Depths,
    /// Each (model, depth bucket)'s histograms.
    Rollups,
    /// Each (model, depth bucket)'s moments.
    RollupMoments,
    /// Each depth bucket's sum of its models' shares.
    DepthShares,
    /// Each model's depth buckets.
    ModelBuckets,
    /// The layers table.
    Layers,
    /// Each value's sketch of the manifest's `values[k]` column.
    ValueTotals(usize),
    /// Chunk j of each (value, model)'s sketch of the `values[k]` column.
    ValueCells(usize, usize),
    /// Each (value, depth bucket)'s sketch of the `values[k]` column (a model-level one).
    ValueDepths(usize),
    /// Chunk j of each (value, depth bucket)'s sketch of the `values[k]` column (a layer-level
    /// one), by value then bucket.
    ValueDepthChunk(usize, usize),
    /// Each value's sketch of the `values[k]` column (a layer-level one) in depth bucket b.
    BucketValues(usize, usize),
    /// Chunk j of each (value, depth bucket)'s sum of its models' shares of the `values[k]`
    /// column (a layer-level one), by value then bucket.
    ValueDepthShareChunk(usize, usize),
    /// Each value's sum of its models' shares of the `values[k]` column (a layer-level one) in
    /// depth bucket b.
    BucketShares(usize, usize),
    /// Each value's sum of its models' shares of the `values[k]` column (a layer-level one).
    ValueShares(usize),
    /// Each (value, depth bucket)'s sum of its models' shares of the `values[k]` column (a
    /// model-level one).
    ValueDepthShares(usize),
    /// Each value's sketch of the `values[k]` column (a layer-level one) among the models of
    /// its `among[e]` model-level value.
    AmongTotals(usize, usize),
    /// Each value's sum of those models' shares.
    AmongShares(usize, usize),
    /// The bootstrap intervals and noise floors of grouping by the `values[k]` column (a
    /// layer-level one) its `spread[i]` entry names.
    ValueSpread(usize, usize),
    /// The same among the models of its `among[e]` model-level value: its `spread[i]` entry.
    AmongSpread(usize, usize, usize),
    /// Every layer's quality.
    Quality,
    /// Each lite sample's cell of the pair view's density.
    LiteCells,
    /// A few sampled filters of each layer of lite chunk k.
    LiteSamples(usize),
    /// Per-layer sketch chunk k.
    Sketches(usize),
    /// Per-layer sample chunk k.
    Samples(usize),
}

impl SiteData {
    /// The file name of `part` in a manifest's JSON (for fetching the models table beside it).
    pub fn entry_of(manifest_json: &str, part: Part) -> String {
        Manifest::parse(manifest_json)
            .ok()
            .and_then(|m| Self::entry_in(&m, part).map(|e| e.file.clone()))
            .unwrap_or_default()
    }

    pub(super) fn entry_in(m: &Manifest, part: Part) -> Option<&FileEntry> {
        Some(match part {
            Part::Models => &m.models,
            Part::ModelCounts => &m.model_counts,
            Part::ModelMoments => &m.model_moments,
            Part::Depths => &m.depths,
            Part::Rollups => &m.rollups,
            Part::RollupMoments => &m.rollup_moments,
            Part::DepthShares => m.depth_shares.as_ref()?,
            Part::ModelBuckets => m.model_buckets.as_ref()?,
            Part::Layers => &m.layers,
            Part::ValueTotals(k) => &m.values.get(k)?.totals,
            Part::ValueCells(k, j) => &m.values.get(k)?.cells.get(j)?.entry,
            Part::ValueDepths(k) => m.values.get(k)?.by_depth.as_ref()?,
            Part::ValueDepthChunk(k, j) => &m.values.get(k)?.depth_chunks.get(j)?.entry,
            Part::BucketValues(k, b) => m.values.get(k)?.buckets.get(b)?,
            Part::ValueDepthShareChunk(k, j) => &m.values.get(k)?.depth_share_chunks.get(j)?.entry,
            Part::BucketShares(k, b) => m.values.get(k)?.bucket_shares.get(b)?,
            Part::ValueShares(k) => m.values.get(k)?.model_shares.as_ref()?,
            Part::ValueDepthShares(k) => m.values.get(k)?.by_depth_shares.as_ref()?,
            Part::AmongTotals(k, e) => &m.values.get(k)?.among.get(e)?.totals,
            Part::AmongShares(k, e) => &m.values.get(k)?.among.get(e)?.shares,
            Part::ValueSpread(k, i) => &m.values.get(k)?.spread.get(i)?.entry,
            Part::AmongSpread(k, e, i) => &m.values.get(k)?.among.get(e)?.spread.get(i)?.entry,
            Part::Quality => &m.quality,
            Part::LiteCells => &m.lite_cells,
            Part::LiteSamples(k) => &m.lite_samples.get(k)?.entry,
            Part::Sketches(k) => &m.sketches.get(k)?.entry,
            Part::Samples(k) => &m.samples.get(k)?.entry,
        })
    }

    /// Every part the manifest lists.
    pub fn all_parts(&self) -> Vec<Part> {
        let mut v = vec![
            Part::Models,
            Part::ModelCounts,
            Part::ModelMoments,
            Part::Depths,
            Part::Rollups,
            Part::RollupMoments,
            Part::Layers,
            Part::Quality,
            Part::LiteCells,
        ];
        if self.manifest.depth_shares.is_some() {
            v.push(Part::DepthShares);
        }
        if self.manifest.model_buckets.is_some() {
            v.push(Part::ModelBuckets);
        }
        for (k, f) in self.manifest.values.iter().enumerate() {
            v.push(Part::ValueTotals(k));
            v.extend((0..f.cells.len()).map(|j| Part::ValueCells(k, j)));
            if f.by_depth.is_some() {
                v.push(Part::ValueDepths(k));
            }
            v.extend((0..f.depth_chunks.len()).map(|j| Part::ValueDepthChunk(k, j)));
            v.extend((0..f.buckets.len()).map(|b| Part::BucketValues(k, b)));
            let share_chunks = 0..f.depth_share_chunks.len();
            v.extend(share_chunks.map(|j| Part::ValueDepthShareChunk(k, j)));
            v.extend((0..f.bucket_shares.len()).map(|b| Part::BucketShares(k, b)));
            if f.model_shares.is_some() {
                v.push(Part::ValueShares(k));
            }
            if f.by_depth_shares.is_some() {
                v.push(Part::ValueDepthShares(k));
            }
            for (e, a) in f.among.iter().enumerate() {
                v.extend([Part::AmongTotals(k, e), Part::AmongShares(k, e)]);
                v.extend((0..a.spread.len()).map(|i| Part::AmongSpread(k, e, i)));
            }
            v.extend((0..f.spread.len()).map(|i| Part::ValueSpread(k, i)));
        }
        v.extend((0..self.manifest.lite_samples.len()).map(Part::LiteSamples));
        v.extend((0..self.manifest.sketches.len()).map(Part::Sketches));
        v.extend((0..self.manifest.samples.len()).map(Part::Samples));
        v
    }
}
