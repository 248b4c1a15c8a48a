//! A layer-level column's per-(value, depth bucket) sums, written cut two ways. By depth among
//! one of its values' layers needs that value's rows (one per bucket); by the column among one
//! bucket's layers needs that bucket's rows (one per value). One file would make both read all
//! of it (conv_depth's is 1.4 MB at the full DB's shape, which with the app is over the 2 MB a
//! first plot may take), and one cut alone would make the other crossing read every file of it:
//! so the rows are written twice, in chunks by value and in a file per bucket. The same holds
//! for each row's sum of its models' shares (the same crossings weighed by models).

use std::collections::BTreeMap;

use arrow_array::RecordBatch;
use filterscope_stats::{depth_bucket, DEPTH_BUCKETS};

use super::cut::put_chunks;
use super::named::Files;
use super::tables::{self, LayerRow, LayerSketch, ValueDepth, ValueShares};
use crate::query::key::Key;
use crate::query::member_counts::MemberCounts;
use crate::query::member_sums::shares_summed;
use crate::{FileEntry, SiteError, ValueChunk};

/// One of a layer-level column's tables of per-(value, bucket) rows, as cut two ways.
pub(super) struct Cuts {
    /// Chunks of about `per_chunk` rows, cut between values.
    pub chunks: Vec<ValueChunk>,
    /// One file per depth bucket (0 to 9), each by value; empty for a bucket no layer is in,
    /// so that the list is indexed by bucket.
    pub buckets: Vec<FileEntry>,
}

/// Writes `rows` (by value then bucket) of the layer-level column at `values[k]` cut both ways:
/// chunks of about `per_chunk` rows (`values-K-depth-NNN`, or with `suffix` `-models`
/// `values-K-depth-models-NNN`) and a file per bucket (`values-K-bucket-B` and
/// `values-K-bucket-B-models`). The site's [`crate::LAYERS_PER_CHUNK`] of 128 rows made
/// conv_depth's sums 10 chunks of 14-172 KB at the full DB's shape (its sums of shares 10 of
/// 41-485 KB).
fn cut_both<T: Clone>(
    files: &mut Files,
    (k, per_chunk, suffix): (usize, usize, &str),
    rows: &[T],
    key: impl Fn(&T) -> (&str, u8),
    encode: impl Fn(&[T]) -> RecordBatch,
) -> Result<Cuts, SiteError> {
    let chunks = put_chunks(
        files,
        rows,
        per_chunk,
        |r| key(r).0,
        |j| format!("values-{k}-depth{suffix}-{j:03}"),
        &encode,
    )?;
    let mut buckets = Vec::with_capacity(DEPTH_BUCKETS);
    for b in 0..DEPTH_BUCKETS as u8 {
        let of_bucket: Vec<T> = rows.iter().filter(|r| key(r).1 == b).cloned().collect();
        let stem = format!("values-{k}-bucket-{b}{suffix}");
        buckets.push(files.put(&stem, encode(&of_bucket))?);
    }
    Ok(Cuts { chunks, buckets })
}

/// Writes the per-(value, bucket) sums `rows` (by value then bucket) of the layer-level column
/// at `values[k]` cut both ways, in chunks of about `per_chunk` rows.
pub(super) fn layer_depth_files(
    files: &mut Files,
    k: usize,
    per_chunk: usize,
    rows: &[ValueDepth],
) -> Result<Cuts, SiteError> {
    cut_both(files, (k, per_chunk, ""), rows, depth_key, |r| {
        tables::encode_value_depths(r)
    })
}

/// Writes each (value, bucket)'s sum of its models' shares of layer-level column `key` (at
/// `values[k]`) cut both ways: a model's part of a row is the counts of its layers of that value
/// in that bucket, and the row sums the parts' shares in model order, the order in which a
/// comparison weighed by models adds a group's members (so a group of one row gets its sums to
/// the bit).
pub(super) fn layer_depth_share_files(
    files: &mut Files,
    (k, key, per_chunk): (usize, Key, usize),
    layers: &[LayerRow],
    sketches: &[LayerSketch],
) -> Result<Cuts, SiteError> {
    // (value, bucket) -> model -> (layers, filters, counts)
    type Parts = BTreeMap<u32, (u64, u64, MemberCounts)>;
    let mut runs: BTreeMap<(String, u8), Parts> = BTreeMap::new();
    for (l, s) in layers.iter().zip(sketches) {
        let e = runs
            .entry(value_bucket(key, l))
            .or_default()
            .entry(l.model)
            .or_default();
        e.0 += 1;
        e.1 += s.sketch.n();
        e.2.merge(&s.sketch.hist);
    }
    let rows: Vec<ValueShares> = runs
        .into_iter()
        .map(|((value, bucket), parts)| {
            let n_layers = parts.values().map(|p| p.0).sum();
            let n_filters = parts.values().map(|p| p.1).sum();
            let n_models = parts.len() as u64;
            let members: Vec<MemberCounts> = parts.into_values().map(|p| p.2).collect();
            ValueShares {
                value,
                bucket: Some(bucket),
                n_models,
                n_layers,
                n_filters,
                shares: shares_summed(&members),
            }
        })
        .collect();
    cut_both(files, (k, per_chunk, "-models"), &rows, shares_key, |r| {
        tables::encode_value_shares(r)
    })
}

/// Layer `l`'s value of layer-level column `key` and its depth bucket: the key of its
/// per-(value, bucket) row.
pub(super) fn value_bucket(key: Key, l: &LayerRow) -> (String, u8) {
    // The rollups were made first and refuse a norm outside [0, 1].
    let b = depth_bucket(l.conv_depth_norm).expect("checked by the rollups") as u8;
    (key.of_layer(l).expect("a layer-level column"), b)
}

/// A per-(value, bucket) row's value and bucket.
fn depth_key(r: &ValueDepth) -> (&str, u8) {
    (&r.value, r.bucket)
}

/// The same of a row of sums of shares (which has a bucket: it was written with one).
fn shares_key(r: &ValueShares) -> (&str, u8) {
    (&r.value, r.bucket.expect("a bucket"))
}
