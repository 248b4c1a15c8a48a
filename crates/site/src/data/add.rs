//! Parts of a site added to [`SiteData`] as they arrive: each verified file decoded, checked
//! against the manifest and the tables already in, and kept whole or not at all; per-layer chunks
//! dropped again when a view no longer needs them.

use arrow_array::RecordBatch;
use filterscope_stats::{Sketch, DEPTH_BUCKETS};

use super::{one_batch, table_err, Part, SiteData};
use crate::format::tables::sketch_cols::Has;
use crate::format::tables::{self, LayerSketch, SampleRow};
use crate::SiteError;

/// Puts a chunk's sample rows in their layers' lists, replacing what the chunk's layers held.
fn place(per_layer: &mut [Vec<SampleRow>], range: std::ops::Range<usize>, rows: Vec<SampleRow>) {
    for l in range {
        per_layer[l].clear();
    }
    for r in rows {
        per_layer[r.layer as usize].push(r);
    }
}

/// Puts the part `has` names of `from` (a row of a counts-only or moments-only table) into `s`,
/// keeping the other part: the per-model and per-(model, bucket) sketches come in two files.
fn take_part(s: &mut Sketch, from: Sketch, has: Has) {
    if has.counts {
        (s.hist, s.max_abs, s.n_sparse) = (from.hist, from.max_abs, from.n_sparse);
        s.scaled.n = from.scaled.n;
    } else {
        s.scaled = from.scaled;
    }
}

impl SiteData {
    /// Verifies and adds `part` from all its bytes.
    pub fn add_bytes(&mut self, part: Part, bytes: &[u8]) -> Result<(), SiteError> {
        let mut f = self.incoming(part)?;
        f.push(bytes)?;
        self.add(part, f.finish()?)
    }

    /// Adds the verified batches of `part` ([`crate::IncomingFile::finish`]). Nothing of a part
    /// whose rows do not fit the manifest and the other tables is kept.
    pub fn add(&mut self, part: Part, batches: Vec<RecordBatch>) -> Result<(), SiteError> {
        let file = self
            .entry(part)
            .map(|e| e.file.clone())
            .ok_or_else(|| SiteError::Query(format!("the manifest lists no {part:?}")))?;
        match part {
            Part::Models => {}
            Part::ModelCounts => self.add_model_sketches(&file, batches, Has::COUNTS)?,
            Part::ModelMoments => self.add_model_sketches(&file, batches, Has::MOMENTS)?,
            Part::Depths => self.add_depths(&file, batches)?,
            Part::Rollups => self.add_rollups(&file, batches, Has::COUNTS)?,
            Part::RollupMoments => self.add_rollups(&file, batches, Has::MOMENTS)?,
            Part::Layers => self.add_layers_table(&file, batches)?,
            Part::ValueTotals(k) => self.add_value_totals(k, &file, batches)?,
            Part::ValueCells(k, j) => self.add_value_cells(k, j, &file, batches)?,
            Part::ValueDepths(k) => self.add_value_depths(k, &file, batches)?,
            Part::ValueDepthChunk(k, j) => self.add_depth_chunk(k, j, &file, batches)?,
            Part::BucketValues(k, b) => self.add_bucket_values(k, b, &file, batches)?,
            Part::ValueDepthShareChunk(k, j) => self.add_depth_share_chunk(k, j, &file, batches)?,
            Part::BucketShares(k, b) => self.add_bucket_shares(k, b, &file, batches)?,
            Part::ValueShares(k) => self.add_value_shares(k, &file, batches)?,
            Part::ValueDepthShares(k) => self.add_value_depth_shares(k, &file, batches)?,
            Part::DepthShares => self.add_depth_shares(&file, batches)?,
            Part::ModelBuckets => self.add_model_buckets(&file, batches)?,
            Part::AmongTotals(k, e) => self.add_among_totals(k, e, &file, batches)?,
            Part::AmongShares(k, e) => self.add_among_shares(k, e, &file, batches)?,
            Part::ValueSpread(..) | Part::AmongSpread(..) => {
                self.add_spread(part, &file, batches)?
            }
            Part::Quality => self.add_quality(&file, batches)?,
            Part::LiteCells => self.add_lite_cells(&file, batches)?,
            Part::LiteSamples(_) => {
                let n_layers = self.manifest.n_layers as usize;
                if self.lite.len() != n_layers {
                    self.lite = vec![Vec::new(); n_layers];
                }
                let rows = self.sample_chunk(part, &file, &batches)?;
                if let Some(range) = self.chunk_range(part) {
                    place(&mut self.lite, range, rows);
                }
            }
            Part::Sketches(_) => {
                for (l, s) in self.decode_sketch_chunk(part, batches)? {
                    self.sketches[l as usize] = Some(s);
                }
            }
            Part::Samples(_) => {
                let rows = self.sample_chunk(part, &file, &batches)?;
                if let Some(range) = self.chunk_range(part) {
                    place(&mut self.samples, range, rows);
                }
            }
        }
        self.loaded.insert(part);
        Ok(())
    }

    fn add_model_sketches(
        &mut self,
        file: &str,
        batches: Vec<RecordBatch>,
        has: Has,
    ) -> Result<(), SiteError> {
        let n_models = self.models.len();
        let rows = tables::decode_model_sketches(file, &one_batch(file, batches)?, has)?;
        if rows.len() != n_models {
            return Err(table_err(
                file,
                format!("{} rows for {n_models} models", rows.len()),
            ));
        }
        // Checked whole before any is kept.
        for (i, r) in rows.iter().enumerate() {
            if r.n() != self.totals[i].n_filters {
                return Err(table_err(
                    file,
                    format!(
                        "row {i}: n {} is not the model's {} filters",
                        r.n(),
                        self.totals[i].n_filters
                    ),
                ));
            }
        }
        for (s, r) in self.model_sketches.iter_mut().zip(rows) {
            take_part(s, r, has);
        }
        Ok(())
    }

    fn add_depths(&mut self, file: &str, batches: Vec<RecordBatch>) -> Result<(), SiteError> {
        let rows = tables::decode_depths(file, &one_batch(file, batches)?)?;
        if let Some(r) = rows.iter().find(|r| r.bucket as usize >= DEPTH_BUCKETS) {
            return Err(table_err(
                file,
                format!("bucket {} is out of range", r.bucket),
            ));
        }
        self.depths = rows;
        Ok(())
    }

    /// Adds each model's depth buckets: a row per model, bits of buckets 0 to 9 only, and a
    /// model with layers in one at least (checked whole before any is kept).
    fn add_model_buckets(
        &mut self,
        file: &str,
        batches: Vec<RecordBatch>,
    ) -> Result<(), SiteError> {
        let masks = tables::decode_model_buckets(file, &one_batch(file, batches)?)?;
        let n_models = self.models.len();
        if masks.len() != n_models {
            return Err(table_err(
                file,
                format!("{} rows for {n_models} models", masks.len()),
            ));
        }
        for (m, &mask) in masks.iter().enumerate() {
            if mask >> DEPTH_BUCKETS != 0 {
                return Err(table_err(
                    file,
                    format!("row {m}: buckets {mask:#b} go past bucket 9"),
                ));
            }
            if (mask == 0) != (self.totals[m].n_layers == 0) {
                return Err(table_err(
                    file,
                    format!(
                        "row {m}: buckets {mask:#b} for a model of {} layers",
                        self.totals[m].n_layers
                    ),
                ));
            }
        }
        self.model_buckets = masks;
        Ok(())
    }

    /// Adds the rollups' counts or moments: the two files hold the same rows, and whichever
    /// comes second fills in its part of the rows the first one set.
    fn add_rollups(
        &mut self,
        file: &str,
        batches: Vec<RecordBatch>,
        has: Has,
    ) -> Result<(), SiteError> {
        let n_models = self.models.len();
        let rows = tables::decode_rollups(file, &one_batch(file, batches)?, has)?;
        if let Some(r) = rows
            .iter()
            .find(|r| r.model as usize >= n_models || r.bucket as usize >= DEPTH_BUCKETS)
        {
            return Err(table_err(
                file,
                format!(
                    "row for model {} bucket {} is out of range",
                    r.model, r.bucket
                ),
            ));
        }
        let other = if has.counts {
            Part::RollupMoments
        } else {
            Part::Rollups
        };
        if !self.has(other) {
            self.rollups = rows;
            return Ok(());
        }
        let key = |r: &tables::Rollup| (r.model, r.bucket, r.n_layers, r.sketch.n());
        if rows.len() != self.rollups.len()
            || rows
                .iter()
                .zip(&self.rollups)
                .any(|(a, b)| key(a) != key(b))
        {
            return Err(table_err(
                file,
                "rows are not those of the other rollups file".to_string(),
            ));
        }
        for (r, new) in self.rollups.iter_mut().zip(rows) {
            take_part(&mut r.sketch, new.sketch, has);
        }
        Ok(())
    }

    fn add_layers_table(&mut self, file: &str, batches: Vec<RecordBatch>) -> Result<(), SiteError> {
        let (n_models, n_layers) = (self.models.len(), self.manifest.n_layers as usize);
        let rows = tables::decode_layers(
            file,
            &one_batch(file, batches)?,
            &self.manifest.layer_columns,
        )?;
        if rows.len() != n_layers {
            return Err(table_err(
                file,
                format!("{} layers, the manifest says {n_layers}", rows.len()),
            ));
        }
        if let Some(l) = rows.iter().find(|l| l.model as usize >= n_models) {
            return Err(table_err(
                file,
                format!(
                    "layer {} belongs to model {}, of {n_models}",
                    l.layer_id, l.model
                ),
            ));
        }
        self.layers = rows;
        Ok(())
    }

    fn add_quality(&mut self, file: &str, batches: Vec<RecordBatch>) -> Result<(), SiteError> {
        let n_layers = self.manifest.n_layers as usize;
        let rows = tables::decode_quality(file, &one_batch(file, batches)?)?;
        if rows.len() != n_layers {
            return Err(table_err(
                file,
                format!("{} rows for {n_layers} layers", rows.len()),
            ));
        }
        self.quality = rows;
        Ok(())
    }

    fn add_lite_cells(&mut self, file: &str, batches: Vec<RecordBatch>) -> Result<(), SiteError> {
        let n_layers = self.manifest.n_layers as usize;
        let cells = crate::DENSITY_CELLS * crate::DENSITY_CELLS;
        let rows = tables::decode_lite_cells(file, &one_batch(file, batches)?)?;
        if let Some(r) = rows
            .iter()
            .find(|r| r.0 as usize >= n_layers || r.1 as usize >= cells)
        {
            return Err(table_err(
                file,
                format!("layer {} cell {}: out of range", r.0, r.1),
            ));
        }
        let mut per_layer = vec![Vec::new(); n_layers];
        for (l, c) in rows {
            per_layer[l as usize].push(c);
        }
        self.lite_cells = per_layer;
        Ok(())
    }

    /// The rows of a verified sample chunk (full or lite), checked against its layer range.
    fn sample_chunk(
        &self,
        part: Part,
        file: &str,
        batches: &[RecordBatch],
    ) -> Result<Vec<SampleRow>, SiteError> {
        let range = self
            .chunk_range(part)
            .ok_or_else(|| SiteError::Query(format!("{part:?} is not a listed chunk")))?;
        let mut rows = Vec::new();
        for b in batches {
            rows.extend(tables::decode_samples(file, b)?);
        }
        if let Some(r) = rows.iter().find(|r| !range.contains(&(r.layer as usize))) {
            return Err(table_err(
                file,
                format!("sample of layer {} outside {range:?}", r.layer),
            ));
        }
        Ok(rows)
    }

    /// The rows of a verified sketch chunk (layer index, sketch and quality), checked against
    /// its layer range, without adding them (to merge and drop: [`SiteData::add_layers`]).
    pub fn decode_sketch_chunk(
        &self,
        part: Part,
        batches: Vec<RecordBatch>,
    ) -> Result<Vec<(u32, LayerSketch)>, SiteError> {
        let (Part::Sketches(_), Some(range), Some(e)) =
            (part, self.chunk_range(part), self.entry(part))
        else {
            return Err(SiteError::Query(format!(
                "{part:?} is not a listed sketch chunk"
            )));
        };
        let file = &e.file;
        let mut rows = Vec::new();
        for b in &batches {
            rows.extend(tables::decode_layer_sketches(file, b)?);
        }
        if rows.len() != range.len() || rows.iter().any(|(l, _)| !range.contains(&(*l as usize))) {
            return Err(table_err(
                file,
                format!("rows do not cover layers {range:?}"),
            ));
        }
        Ok(rows)
    }

    /// Drops a per-layer chunk's rows (the browser keeps only what the current view needs).
    /// Tables are small and stay.
    pub fn evict(&mut self, part: Part) {
        let Some(range) = self.chunk_range(part) else {
            return;
        };
        match part {
            Part::Sketches(_) => range.for_each(|l| self.sketches[l] = None),
            Part::Samples(_) => range.for_each(|l| self.samples[l] = Vec::new()),
            _ => return,
        }
        self.loaded.remove(&part);
    }
}

#[cfg(test)]
mod tests {
    use crate::format::tables;
    use crate::testing::{content, loaded};
    use crate::Part;

    /// Each model's buckets are refused, naming the file and the row, when a row is missing, a
    /// bit is past bucket 9, or a model with layers has none; the loaded ones are kept.
    #[test]
    fn model_buckets_that_do_not_fit_the_models_are_refused() {
        let mut s = loaded(&content());
        let masks = s.model_buckets.clone();
        assert!(masks.iter().all(|&m| m != 0), "every test model has layers");
        let file = s.entry(Part::ModelBuckets).unwrap().file.clone();
        let mut past = masks.clone();
        past[1] |= 1 << 10;
        let mut none = masks.clone();
        none[2] = 0;
        for (bad, says) in [
            (masks[1..].to_vec(), "rows for"),
            (past, "row 1: buckets"),
            (none, "row 2: buckets 0b0 for a model of"),
        ] {
            let b = tables::encode_model_buckets(&bad);
            let e = s.add(Part::ModelBuckets, vec![b]).unwrap_err().to_string();
            assert!(e.starts_with(&file) && e.contains(says), "{e}");
            assert_eq!(s.model_buckets, masks, "nothing of a refused table is kept");
        }
    }
}
