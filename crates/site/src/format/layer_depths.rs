//! A layer-level column's per-(value, depth bucket) sums, written cut two ways. By depth among
//! one of its values' layers needs that value's rows (one per bucket); by the column among one
//! bucket's layers needs that bucket's rows (one per value). One file would make both read all
//! of it (conv_depth's is 1.4 MB at the full DB's shape, which with the app is over the 2 MB a
//! first plot may take), and one cut alone would make the other crossing read every file of it:
//! so the rows are written twice, in chunks by value and in a file per bucket.

use filterscope_stats::DEPTH_BUCKETS;

use super::cut::put_chunks;
use super::named::Files;
use super::tables::{self, ValueDepth};
use crate::{FileEntry, SiteError, ValueChunk};

/// Writes the per-(value, bucket) sums `rows` (by value then bucket) of the layer-level column
/// at `values[k]`: chunks of about `per_chunk` rows cut between values (`values-K-depth-NNN`;
/// the site's [`crate::LAYERS_PER_CHUNK`] of 128 rows makes about 13 values of ten buckets, some
/// 75 KB at the full DB's shape, where a row of histograms and moments is about 600 bytes, and
/// conv_depth's 237 values 19 chunks), then one file per depth bucket (`values-K-bucket-B`, by value; a bucket no layer is in gets an empty one, so that
/// the list is indexed by bucket).
pub(super) fn layer_depth_files(
    files: &mut Files,
    k: usize,
    per_chunk: usize,
    rows: &[ValueDepth],
) -> Result<(Vec<ValueChunk>, Vec<FileEntry>), SiteError> {
    let chunks = put_chunks(
        files,
        rows,
        per_chunk,
        |r| r.value.as_str(),
        |j| format!("values-{k}-depth-{j:03}"),
        tables::encode_value_depths,
    )?;
    let mut buckets = Vec::with_capacity(DEPTH_BUCKETS);
    for b in 0..DEPTH_BUCKETS as u8 {
        let of_bucket: Vec<ValueDepth> = rows.iter().filter(|r| r.bucket == b).cloned().collect();
        let stem = format!("values-{k}-bucket-{b}");
        buckets.push(files.put(&stem, tables::encode_value_depths(&of_bucket))?);
    }
    Ok((chunks, buckets))
}
