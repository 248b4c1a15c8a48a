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

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
#[cfg(feature = "testing")]
#[doc(hidden)]
pub mod testing;

mod data;
mod error;
mod format;
mod query;
mod yours;

pub use data::{Part, SiteData};
pub use error::SiteError;
pub use format::hash::sha256_hex;
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) use format::ipc::read_batches;
pub use format::ipc::IncomingFile;
pub(crate) use format::ipc::{read_entry, write_plain_stream, write_stream};
pub use format::manifest::{
    AmongFiles, BasisJson, ChunkEntry, Correction, FileEntry, Manifest, SpreadEntry, ValueChunk,
    ValueFiles, MAX_FILES, MAX_FILE_BYTES, MAX_LAYERS, MAX_MANIFEST_BYTES,
};
pub use format::provenance::{Provenance, CNN_FILTER_DB_BIBTEX};
pub use format::spread_files::STORED_INTERVALS_FROM;
pub use format::tables::{
    LayerRow, LayerSketch, ModelRow, ModelTotals, SampleRow, ValueCell, ValueDepth, ValueShares,
    ValueTotal,
};
pub use format::version::{FORMAT, FORMAT_VERSION};
pub use format::writer::{encode_site, SiteContent, LAYERS_PER_CHUNK, LITE_PER_LAYER};
pub use query::compare::Comparison;
pub use query::density::DENSITY_CELLS;
pub use query::grouping::{Group, Grouping};
pub use query::key::Where;
pub use query::layers::LayerReport;
pub use query::member_counts::MemberCounts;
pub use query::method::{
    Method, Resampling, UnknownWeight, Weight, DEFAULT_REPLICATES, FLOOR_MIN_MODELS,
    MAX_REPLICATES, SMALL_GROUP,
};
pub use query::order::{ComparisonJson, Order, UnknownOrder};
pub use query::quality_by::{QualityBy, QualityGroup};
pub use query::spread::{Interval, Trace};
pub use query::stats::StatsReport;
pub use query::tables::{LayerLine, ModelLine};
pub use yours::between::{Between, Step, MAX_MODELS};
pub use yours::contents::{FileReport, Taken};
pub use yours::file::each_layer;
pub use yours::link::{SharedLink, MAX_LINK_BYTES, SEPARATOR};
pub use yours::measure::{ForeignLayer, Measuring, Ranked, YoursReport, YoursSketch, MAX_GROUPS};
