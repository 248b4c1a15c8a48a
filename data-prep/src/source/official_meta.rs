//! Writing the official DB's meta table, as pandas exports it from v1.0.0 (an unnamed index
//! column first, filter_ids with an inclusive end), for the DBs data-prep and its tests generate.

use std::fmt::Write as _;

/// The header line (without its newline).
pub const HEADER: &str = ",model_id,conv_depth,conv_depth_norm,layer_id,filter_ids,model,Name,Task,Visual Category,Training-Dataset,in_channels,out_channels";

/// One layer's row.
pub struct Row<'a> {
    /// Layer id (also the index column).
    pub layer_id: usize,
    /// Index of the model.
    pub model_id: usize,
    /// Rank of the layer's depth in its model.
    pub conv_depth: usize,
    /// conv_depth normalised to [0, 1].
    pub conv_depth_norm: f64,
    /// First and last (inclusive) filter index.
    pub filters: (u64, u64),
    /// Model name; the Name column is "<model> net".
    pub model: &'a str,
    /// Task, Visual Category, Training-Dataset.
    pub meta: [&'a str; 3],
    /// Input and output channels.
    pub channels: (u64, u64),
}

/// A table with the header and no rows yet.
pub fn table() -> String {
    format!("{HEADER}\n")
}

/// Appends `r` to `csv`.
pub fn push(csv: &mut String, r: &Row<'_>) {
    let [task, category, dataset] = r.meta;
    writeln!(
        csv,
        "{id},{},{},{},{id},{}:{},{m},{m} net,{task},{category},{dataset},{},{}",
        r.model_id,
        r.conv_depth,
        r.conv_depth_norm,
        r.filters.0,
        r.filters.1,
        r.channels.0,
        r.channels.1,
        id = r.layer_id,
        m = r.model,
    )
    .expect("write to string");
}
