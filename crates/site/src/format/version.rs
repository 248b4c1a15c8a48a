//! Which site format this crate reads and writes: the one thing the error messages and the
//! manifest both need.

/// The `format` field every manifest carries.
pub const FORMAT: &str = "filterscope-site";
/// The version of the layout this crate reads and writes. Version 13 stores the bootstrap
/// intervals and noise floors of grouping by each layer-level column for the page's default
/// resampling (intervals by conv_depth read a few hundred kilobytes, not the 10.7 MB of its
/// (value, model) counts at the full DB's shape). Version 12 cuts a layer-level
/// column's per-(value, depth bucket) sums two ways, in chunks by value and a file per bucket
/// (by depth among one conv_depth, or by conv_depth among one bucket, reads a tenth of the 1.4 MB
/// file the full DB's version 11 had). Version 11 adds a layer-level
/// column's totals and sums of shares among the models of each model-level value (by conv_depth
/// among one Task's models without every (value, model)'s counts). Version 10 adds each model's depth
/// buckets (a model-level grouping among several buckets reads the per-(value, bucket) sums, not
/// every (model, bucket)'s counts) and each (value, bucket)'s sum of its models' shares (the
/// same crossing weighed by models). Version 9 stores a table deflated
/// (zlib) where that is smaller than its LZ4 stream, the manifest giving its inflated size (a
/// tenth less to download; the full DB's rollups 4.43 to 3.77 MB). Version 8 adds each
/// layer-level value's sum of its models' shares (by conv_depth weighed by models without every (value, model)'s
/// counts). Version 7 adds each value's moments to
/// the per-value totals (a pair of conv_depth groups draws its own PCA without every layer's
/// sketch). Version 6 stores counts as byte planes
/// (half the bytes) and adds the per-value sums of model-level columns (a comparison by Task
/// without every model's counts). Version 5 adds the per-value sketches of layer-level columns
/// (a grouping by conv_depth or channels without every layer). Version 4 adds the provenance block
/// (what the data is, its licence, whom to cite). Version 3 splits the data by what a view
/// needs (so a visit fetches only that), names files by their content and narrows counts; version
/// 2 recorded the build's precision and label cleaning and moved D to the notebook's density-based
/// distributions. An older site must be rebuilt rather than read with another layout's meaning.
pub const FORMAT_VERSION: u32 = 13;
