//! Cutting rows sorted by value into chunks that end between values: what lets a filter on one
//! value read only the chunks listing it (the cells, a layer-level column's per-bucket sums).

use std::collections::BTreeSet;

use arrow_array::RecordBatch;

use super::named::Files;
use crate::{SiteError, ValueChunk};

/// Writes `rows` (sorted by `value`) as chunks of about `target` rows cut between values, chunk
/// j as `encode`d and named `stem(j)`, each listing its values.
pub(super) fn put_chunks<T>(
    files: &mut Files,
    rows: &[T],
    target: usize,
    value: impl Fn(&T) -> &str,
    stem: impl Fn(usize) -> String,
    encode: impl Fn(&[T]) -> RecordBatch,
) -> Result<Vec<ValueChunk>, SiteError> {
    let mut chunks = Vec::new();
    for (j, run) in cut(rows, target, &value).into_iter().enumerate() {
        let values: BTreeSet<&str> = run.iter().map(&value).collect();
        chunks.push(ValueChunk {
            entry: files.put(&stem(j), encode(run))?,
            values: values.into_iter().map(String::from).collect(),
        });
    }
    Ok(chunks)
}

/// Cuts `rows` (sorted by `value`) into runs of about `target` rows, each ending where the value
/// changes.
fn cut<T>(rows: &[T], target: usize, value: impl Fn(&T) -> &str) -> Vec<&[T]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=rows.len() {
        let value_ends = i == rows.len() || value(&rows[i]) != value(&rows[i - 1]);
        if value_ends && (i - start >= target.max(1) || i == rows.len()) {
            out.push(&rows[start..i]);
            start = i;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_end_between_values() {
        let rows = ["0", "0", "0", "1", "10", "2"];
        let lens = |t| {
            cut(&rows, t, |r| r)
                .iter()
                .map(|r| r.len())
                .collect::<Vec<_>>()
        };
        assert_eq!(lens(2), [3, 2, 1]);
        assert_eq!(lens(1), [3, 1, 1, 1]);
        assert_eq!(lens(100), [6]);
        assert!(cut(&[] as &[&str], 4, |r| r).is_empty());
    }
}
