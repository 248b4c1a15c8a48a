//! The science core of Filterscope.
//!
//! Every statistic of the CNN Filter DB method (docs/method.md) is computed here, once, for both
//! the native `data-prep` tool and the browser. The central type is [`Sketch`]: a summary of a set of
//! 3x3 filters that merges exactly (counts add, sums add), so any group of layers can be compared
//! without the raw filters.
//!
//! Pipeline, as the reference notebook runs it:
//! 1. [`scale_filter`] each filter by its L-inf norm and accumulate [`Moments`];
//! 2. fit the global [`Basis`] (PCA, 9 components) from the merged moments;
//! 3. project every scaled filter ([`Basis::project`]) and find the global coefficient range;
//! 4. bin the coefficients into [`Histograms`] with a [`BinRule`] (numpy.histogram's rule);
//! 5. compare groups with [`drift`] (symmetric KL weighted by explained variance), and order them
//!    by similarity with [`average_linkage`] and [`leaf_order`].
//!
//! Per layer, [`LayerQuality`] holds sparsity, variance entropy and orthogonality on raw weights.
#![deny(missing_docs)]
// Matrix code reads best with explicit indices.
#![allow(clippy::needless_range_loop)]

mod basis;
mod cluster;
mod depth;
mod drift;
mod filter;
mod histogram;
mod kernels;
mod moments;
mod precision;
mod quality;
mod sample;
mod sketch;
mod sparsity;

pub use basis::Basis;
pub use cluster::{average_linkage, leaf_order, Merge};
pub use depth::{depth_bucket, DEPTH_BUCKETS, DEPTH_LABELS};
pub use drift::{
    distribution, distribution_of, drift, drift_matrix, drift_matrix_of, drift_per_component,
    LogDist,
};
pub use filter::{check_finite, scale_filter, Filter, StatsError, DIM, EMPTY_BIN, N_BINS};
pub use histogram::{BinRule, Histograms};
pub use kernels::{coefficient_range, histograms_clamped, histograms_of, moments_of};
pub use moments::{Moments, PACKED};
pub use precision::{round_to_f16, Precision};
pub use quality::{
    entropy_threshold, is_degenerated, orthogonality, variance_entropy, LayerQuality,
};
pub use sample::{sample_indices, seed_of, SplitMix64, GOLDEN_GAMMA};
pub use sketch::Sketch;
pub use sparsity::{sparsity_count, SPARSITY_EPS};
