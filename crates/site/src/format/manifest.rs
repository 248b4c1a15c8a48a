//! manifest.json: what a site holds and how to verify it.

use filterscope_stats::{Basis, BinRule, Precision, DIM, N_BINS};
use serde::{Deserialize, Serialize};

pub use super::entries::{AmongFiles, ChunkEntry, FileEntry, SpreadEntry, ValueChunk, ValueFiles};
use super::version::{FORMAT, FORMAT_VERSION};
use crate::{Provenance, SiteError};

/// The global PCA basis as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BasisJson {
    /// Mean scaled filter.
    pub mean: [f64; DIM],
    /// Components, one row each, by descending eigenvalue.
    pub components: [[f64; DIM]; DIM],
    /// Eigenvalues of the covariance.
    pub eigenvalues: [f64; DIM],
    /// Explained variance ratios.
    pub explained_variance_ratio: [f64; DIM],
}

impl From<&Basis> for BasisJson {
    fn from(b: &Basis) -> Self {
        Self {
            mean: b.mean,
            components: b.components,
            eigenvalues: b.eigenvalues,
            explained_variance_ratio: b.evr,
        }
    }
}

impl From<&BasisJson> for Basis {
    fn from(b: &BasisJson) -> Self {
        Basis {
            mean: b.mean,
            components: b.components,
            eigenvalues: b.eigenvalues,
            evr: b.explained_variance_ratio,
        }
    }
}

/// The manifest of a site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`FORMAT_VERSION`] for this reader.
    pub format_version: u32,
    /// The tool and version that wrote it.
    pub producer: String,
    /// What the site was built from (file names, not paths).
    pub source: String,
    /// The data set, its licence and the papers to cite.
    pub provenance: Provenance,
    /// Number of 3x3 filters.
    pub n_filters: u64,
    /// Number of layers.
    pub n_layers: u64,
    /// Number of models.
    pub n_models: u64,
    /// Global PCA basis of the scaled filters.
    pub basis: BasisJson,
    /// Global [min, max] of all coefficients of all components.
    pub coef_range: [f64; 2],
    /// Histogram bins per component.
    pub bins: usize,
    /// The precision weights were read at: `f64`, or `f16` for the notebook's float16 path
    /// ([`filterscope_stats::Precision`]).
    pub precision: String,
    /// Label cleaning applied to meta columns before grouping, in words (empty: labels as given).
    pub label_rules: Vec<String>,
    /// Known label errors corrected before grouping, one per model and column (absent in sites
    /// written before corrections existed: none).
    #[serde(default)]
    pub corrections: Vec<Correction>,
    /// Meta columns constant within a model (in the models table).
    pub model_columns: Vec<String>,
    /// Meta columns that vary within a model (extra string columns of the layers table).
    pub layer_columns: Vec<String>,
    /// Filters sampled per layer (at most) in the sample chunks.
    pub sample_per_layer: u64,
    /// Of those, filters per layer (at most) in the lite samples.
    pub lite_per_layer: u64,
    /// The sampling seed.
    pub sample_seed: u64,
    /// Models with their meta values, layer and filter totals: every view needs it.
    pub models: FileEntry,
    /// Each model's histograms: every comparison by a model-level column.
    pub model_counts: FileEntry,
    /// Each model's moments of the scaled filters: the subset PCA of model-level groups.
    pub model_moments: FileEntry,
    /// The sketch of each depth bucket over all models: grouping by depth without filters.
    pub depths: FileEntry,
    /// The histograms of each (model, depth bucket): depth crossed with a model-level column.
    pub rollups: FileEntry,
    /// The moments of each (model, depth bucket), same rows: the subset PCA of such groups.
    pub rollup_moments: FileEntry,
    /// Each depth bucket's sum of its models' shares: grouping by depth weighed by models.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth_shares: Option<FileEntry>,
    /// Each model's depth buckets (a bit each): how many models a model-level group among
    /// several buckets holds, which the per-(value, bucket) sums cannot say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_buckets: Option<FileEntry>,
    /// One row per layer: layer-level columns and filters, the pair and model views.
    pub layers: FileEntry,
    /// Per layer-level column, its values' sketches: groupings by it or filtered by one of its
    /// values without the per-layer sketches.
    pub values: Vec<ValueFiles>,
    /// Every layer's quality: the pair view's layer scatter.
    pub quality: FileEntry,
    /// Each lite sample's cell of the pair view's density (so a pair of large groups reads no
    /// weights for it).
    pub lite_cells: FileEntry,
    /// A few sampled filters of every layer, the same layer ranges as the sketch chunks: the pair
    /// view's filter grids.
    pub lite_samples: Vec<ChunkEntry>,
    /// Per-layer sketch chunks, in layer order, each holding whole models where it can.
    pub sketches: Vec<ChunkEntry>,
    /// Per-layer sample chunks, the same layer ranges as the sketch chunks.
    pub samples: Vec<ChunkEntry>,
}

/// Files a site may list: the full DB's site has a few dozen.
pub const MAX_FILES: usize = 10_000;
/// Bytes a site's file may have: the full DB's largest is a few MB.
pub const MAX_FILE_BYTES: u64 = 1 << 30;
/// Layers a site may have: the CNN Filter DB has 21,436.
pub const MAX_LAYERS: u64 = 100_000_000;
/// A manifest longer than this is refused unread.
pub const MAX_MANIFEST_BYTES: usize = 16 << 20;

impl Manifest {
    /// Parses and checks the format and what it claims (see the limits above).
    pub fn parse(json: &str) -> Result<Self, SiteError> {
        if json.len() > MAX_MANIFEST_BYTES {
            return Err(SiteError::Manifest(format!(
                "{} bytes, more than the {MAX_MANIFEST_BYTES} a manifest may have",
                json.len()
            )));
        }
        #[derive(Deserialize)]
        struct Head {
            format: String,
            format_version: u32,
        }
        let head: Head =
            serde_json::from_str(json).map_err(|e| SiteError::Manifest(e.to_string()))?;
        if head.format != FORMAT || head.format_version != FORMAT_VERSION {
            return Err(SiteError::UnknownFormat {
                found: head.format,
                version: head.format_version,
            });
        }
        let m: Manifest =
            serde_json::from_str(json).map_err(|e| SiteError::Manifest(e.to_string()))?;
        m.check_limits()?;
        Ok(m)
    }

    /// What a manifest from anywhere may claim: file names of this site's own form (no paths,
    /// no URLs), hex hashes, sizes a file can have, chunks that tile the layers. Checked before
    /// anything is fetched or allocated by its word.
    fn check_limits(&self) -> Result<(), SiteError> {
        let bad = |what: String| Err(SiteError::Manifest(what));
        let files = self.files();
        if files.len() > MAX_FILES {
            return bad(format!(
                "{} files, more than the {MAX_FILES} a site may have",
                files.len()
            ));
        }
        for f in &files {
            f.check_claims()?;
        }
        if self.n_layers > MAX_LAYERS || self.n_models > self.n_layers.max(1) {
            return bad(format!(
                "{} models and {} layers (at most {MAX_LAYERS} layers, each model with one)",
                self.n_models, self.n_layers
            ));
        }
        for chunks in [&self.lite_samples, &self.sketches, &self.samples] {
            let mut next = 0u64;
            for c in chunks.iter() {
                if c.first_layer != next || c.layers == 0 {
                    return bad(format!(
                        "{}: layers {}.. (+{}) where layer {next} is next",
                        c.entry.file, c.first_layer, c.layers
                    ));
                }
                next = c.first_layer.saturating_add(c.layers);
            }
            if !chunks.is_empty() && next != self.n_layers {
                return bad(format!(
                    "chunks of {next} layers, the manifest says {}",
                    self.n_layers
                ));
            }
        }
        for f in &self.values {
            self.check_value_files(f)?;
        }
        Ok(())
    }

    /// What a column's value files may claim: each value in one chunk of each cut, ten bucket
    /// files or none, one file of intervals per weight, `among` entries of model-level columns
    /// in order.
    fn check_value_files(&self, f: &ValueFiles) -> Result<(), SiteError> {
        let bad = |what: String| Err(SiteError::Manifest(what));
        // Each value in one chunk only, so that a filter's chunks are the ones listing it.
        let cut = [
            ("cells", &f.cells),
            ("per-bucket sums", &f.depth_chunks),
            ("per-bucket sums of shares", &f.depth_share_chunks),
        ];
        for (what, chunks) in cut {
            let listed = chunks.iter().flat_map(|c| &c.values);
            if let Some((a, b)) = listed.clone().zip(listed.skip(1)).find(|(a, b)| a >= b) {
                return bad(format!(
                    "{what} of {:?}: {b:?} listed after {a:?} (each once, in byte order)",
                    f.column
                ));
            }
        }
        for n in [f.buckets.len(), f.bucket_shares.len()] {
            if !matches!(n, 0 | filterscope_stats::DEPTH_BUCKETS) {
                return bad(format!(
                    "values of {:?}: {n} bucket files, not one per depth bucket (10)",
                    f.column
                ));
            }
        }
        for spread in std::iter::once(&f.spread).chain(f.among.iter().map(|a| &a.spread)) {
            check_spread(&f.column, spread)?;
        }
        // Each (column, value) once, in the order a reader looks them up by.
        let place = |a| among_place(&self.model_columns, a);
        if let Some(a) = f.among.iter().find(|a| place(a).0.is_none()) {
            return bad(format!(
                "values of {:?} among {:?}: not a model-level column",
                f.column, a.column
            ));
        }
        let mut pairs = f.among.iter().zip(f.among.iter().skip(1));
        if let Some((_, b)) = pairs.find(|(a, b)| place(a) >= place(b)) {
            return bad(format!(
                "values of {:?} among {:?} = {:?}: listed twice or out of order",
                f.column, b.column, b.value
            ));
        }
        Ok(())
    }

    /// Every data file the manifest lists (the manifest itself aside).
    pub fn files(&self) -> Vec<&FileEntry> {
        let mut v = vec![
            &self.models,
            &self.model_counts,
            &self.model_moments,
            &self.depths,
            &self.rollups,
            &self.rollup_moments,
            &self.layers,
            &self.quality,
            &self.lite_cells,
        ];
        v.extend(&self.depth_shares);
        v.extend(&self.model_buckets);
        for chunks in [&self.lite_samples, &self.sketches, &self.samples] {
            v.extend(chunks.iter().map(|c| &c.entry));
        }
        for f in &self.values {
            v.push(&f.totals);
            v.extend(f.cells.iter().map(|c| &c.entry));
            v.extend(&f.by_depth);
            v.extend(f.depth_chunks.iter().map(|c| &c.entry));
            v.extend(&f.buckets);
            v.extend(f.depth_share_chunks.iter().map(|c| &c.entry));
            v.extend(&f.bucket_shares);
            v.extend(&f.by_depth_shares);
            v.extend(&f.model_shares);
            v.extend(f.among.iter().flat_map(|a| [&a.totals, &a.shares]));
            v.extend(
                f.among
                    .iter()
                    .flat_map(|a| a.spread.iter().map(|e| &e.entry)),
            );
            v.extend(f.spread.iter().map(|e| &e.entry));
        }
        v
    }

    /// Pretty JSON, with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("manifest serializes");
        s.push('\n');
        s
    }

    /// The global basis.
    pub fn basis(&self) -> Basis {
        Basis::from(&self.basis)
    }

    /// The precision the site was built at.
    pub fn precision(&self) -> Result<Precision, SiteError> {
        Precision::from_name(&self.precision).ok_or_else(|| {
            SiteError::Manifest(format!(
                "precision {:?} is neither \"f64\" nor \"f16\"",
                self.precision
            ))
        })
    }

    /// The histogram bins: [`filterscope_stats::N_BINS`] equal bins over the coefficient range.
    pub fn bin_rule(&self) -> Result<BinRule, SiteError> {
        let [lo, hi] = self.coef_range;
        if self.bins != N_BINS || !(lo.is_finite() && hi.is_finite() && lo < hi) {
            return Err(SiteError::Manifest(format!(
                "coefficient range {:?} with {} bins is not {} bins over a finite, non-empty range",
                self.coef_range, self.bins, N_BINS
            )));
        }
        Ok(BinRule::new(lo, hi))
    }
}

/// One file of intervals per weight, each for a resampling a comparison can ask for.
fn check_spread(column: &str, spread: &[SpreadEntry]) -> Result<(), SiteError> {
    let weights = spread.iter().map(|e| e.weight);
    let bad = spread.iter().enumerate().find(|(i, e)| {
        weights.clone().take(*i).any(|w| w == e.weight)
            || !(1..=crate::MAX_REPLICATES).contains(&e.replicates)
    });
    match bad {
        Some((_, e)) => Err(SiteError::Manifest(format!(
            "{}: intervals of {column:?} weighed by {} with {} replicates (one file per weight, 1 to {} replicates)",
            e.entry.file, e.weight, e.replicates, crate::MAX_REPLICATES
        ))),
        None => Ok(()),
    }
}

/// Where an `among` entry sorts: its column's place in `columns` (none: not a model-level column),
/// then its value.
fn among_place<'a>(columns: &[String], a: &'a AmongFiles) -> (Option<usize>, &'a str) {
    let c = columns.iter().position(|c| *c == a.column);
    (c, a.value.as_str())
}

/// A known label error corrected before grouping: model `model`'s `column` was `from` in the
/// source and is `to` on the site, because of `source` (a report, a paper, a tracker issue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    /// The model's name.
    pub model: String,
    /// The model-level meta column.
    pub column: String,
    /// Its value in the source.
    pub from: String,
    /// Its value on the site.
    pub to: String,
    /// Where the error was reported.
    pub source: String,
}
