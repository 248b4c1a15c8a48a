//! Filterscope's site data: a `manifest.json` and LZ4-compressed Arrow IPC streams, and the queries
//! over them (stats, compare, layers) that `data-prep` and the browser both run.
//!
//! A site is split by what a view needs ([`Part`]), so that a browser fetches only that:
//! `manifest.json` ([`Manifest`]: counts, the global basis, the coefficient range, every file with
//! its size and sha256) and the models table for every view; per-model histograms for comparisons
//! by a model-level column; per-depth-bucket and per-(model, bucket) sketches for depth; the layers
//! table, layer quality, per-layer sketch and sample chunks for the layer-level, pair and model
//! views. docs/site-format.md has every file and column. [`SiteData::compare_needs`] and its
//! siblings say which parts a query reads; the query refuses to run without them.
#![deny(missing_docs)]

mod columns;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod grouping;
mod ipc;
mod ipc_guard;
mod manifest;
mod order;
mod provenance;
mod quality_by;
mod query;
mod site_data;
mod sketch_cols;
mod tables;
mod writer;
mod yours;
mod yours_link;

pub use grouping::Grouping;
pub use ipc::{read_batches, sha256_hex, write_stream, IncomingFile};
pub use manifest::{
    BasisJson, ChunkEntry, FileEntry, Manifest, FORMAT, FORMAT_VERSION, MAX_FILES, MAX_FILE_BYTES,
    MAX_LAYERS, MAX_MANIFEST_BYTES,
};
pub use order::{Order, UnknownOrder};
pub use provenance::{Provenance, CNN_FILTER_DB_BIBTEX};
pub use quality_by::{QualityBy, QualityGroup};
pub use query::{Comparison, Group, LayerReport, StatsReport, Where};
pub use site_data::{Part, SiteData};
pub use sketch_cols::Has;
pub use tables::{
    DepthRow, LayerRow, LayerSketch, ModelRow, ModelTotals, Rollup, SampleRow, Tables,
};
pub use writer::{encode_site, rollups, SiteContent, LAYERS_PER_CHUNK, LITE_PER_LAYER};
pub use yours::{ForeignLayer, Measuring, Ranked, YoursReport, YoursSketch, MAX_GROUPS};
pub use yours_link::{SharedLink, MAX_LINK_BYTES};

/// What to do about a site of another version of this format.
fn rebuild_hint(found: &str, version: u32) -> &'static str {
    if found != FORMAT {
        ""
    } else if version < FORMAT_VERSION {
        ": it was built by an older data-prep; rebuild it with this version"
    } else {
        ": it was built by a newer data-prep; load it with a matching Filterscope"
    }
}

/// Errors reading or querying site data. Each names the file and what is wrong with it.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// A foreign model cannot be compared (no 3x3 filters, a non-finite weight).
    #[error("{0}")]
    Yours(String),
    /// manifest.json is not valid JSON of the expected shape.
    #[error("manifest.json: {0}")]
    Manifest(String),
    /// The manifest is of a format this reader does not know.
    #[error("manifest.json: format {found:?} version {version} is not {FORMAT:?} version {FORMAT_VERSION}{}", rebuild_hint(.found, *.version))]
    UnknownFormat {
        /// the format string found
        found: String,
        /// the version found
        version: u32,
    },
    /// A file's bytes do not match the size or hash in the manifest.
    #[error("{file}: {problem}")]
    Integrity {
        /// the file
        file: String,
        /// size or hash mismatch
        problem: String,
    },
    /// A file is not a readable Arrow IPC stream or lacks a column.
    #[error("{file}: {problem}")]
    Table {
        /// the file
        file: String,
        /// what is wrong
        problem: String,
    },
    /// A query names a column that does not exist, or a malformed filter.
    #[error("{0}")]
    Query(String),
    /// Data needed for a query has not been loaded yet.
    #[error("{0} not loaded yet")]
    NotLoaded(String),
}
