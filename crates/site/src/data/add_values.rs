//! Adding a column's per-value files: checked against the manifest's listing and the site's
//! totals before any row joins the data.

use arrow_array::RecordBatch;
use filterscope_stats::DEPTH_BUCKETS;

use super::{one_batch, table_err, SiteData};
use crate::format::tables::{self, ValueCell, ValueDepth, ValueShares};
use crate::SiteError;

impl SiteData {
    pub(super) fn add_value_totals(
        &mut self,
        k: usize,
        file: &str,
        batches: Vec<RecordBatch>,
    ) -> Result<(), SiteError> {
        let rows = tables::decode_value_totals(file, &one_batch(file, batches)?)?;
        in_byte_order(file, rows.iter().map(|r| r.value.as_str()))?;
        // Every layer has one value: the values' sums are the site's.
        self.check_sums(
            file,
            rows.iter().map(|r| (r.sketch.n(), r.n_layers, r.n_models)),
        )?;
        self.value_totals[k] = rows;
        Ok(())
    }

    pub(super) fn add_value_cells(
        &mut self,
        k: usize,
        j: usize,
        file: &str,
        batches: Vec<RecordBatch>,
    ) -> Result<(), SiteError> {
        let rows = self.checked_cells(k, j, file, batches)?;
        self.value_cells.insert((k, j), rows);
        Ok(())
    }

    /// The rows of cells chunk `j` of `values[k]`, once they are rows of the site's models and
    /// of the values the manifest lists in that chunk, each listed value with rows.
    pub(crate) fn checked_cells(
        &self,
        k: usize,
        j: usize,
        file: &str,
        batches: Vec<RecordBatch>,
    ) -> Result<Vec<ValueCell>, SiteError> {
        let rows = tables::decode_value_cells(file, &one_batch(file, batches)?)?;
        let n_models = self.models.len();
        if let Some(r) = rows.iter().find(|r| r.model as usize >= n_models) {
            return Err(table_err(
                file,
                format!("row for model {}: not a model of the site", r.model),
            ));
        }
        let listed = &self.manifest.values[k].cells[j].values;
        as_listed(file, listed, rows.iter().map(|r| r.value.as_str()))?;
        Ok(rows)
    }

    pub(super) fn add_value_depths(
        &mut self,
        k: usize,
        file: &str,
        batches: Vec<RecordBatch>,
    ) -> Result<(), SiteError> {
        let rows = depth_rows(file, batches)?;
        // Every layer is in one bucket and its model holds one value: the sums are the site's.
        self.check_sums(
            file,
            rows.iter().map(|r| (r.sketch.n(), r.n_layers, r.n_models)),
        )?;
        self.value_depths[k] = rows;
        Ok(())
    }

    pub(super) fn add_value_shares(
        &mut self,
        k: usize,
        file: &str,
        batches: Vec<RecordBatch>,
    ) -> Result<(), SiteError> {
        self.value_shares[k] = self.shares_rows(file, batches)?;
        Ok(())
    }

    /// Adds a model-level column's per-(value, bucket) sums of shares: by value then bucket,
    /// each bucket 0 to 9, adding up to the site.
    pub(super) fn add_value_depth_shares(
        &mut self,
        k: usize,
        file: &str,
        batches: Vec<RecordBatch>,
    ) -> Result<(), SiteError> {
        let rows = depth_share_rows(file, batches)?;
        self.check_sums(
            file,
            rows.iter().map(|r| (r.n_filters, r.n_layers, r.n_models)),
        )?;
        self.value_depth_shares[k] = rows;
        Ok(())
    }

    pub(super) fn add_depth_shares(
        &mut self,
        file: &str,
        batches: Vec<RecordBatch>,
    ) -> Result<(), SiteError> {
        let rows = self.shares_rows(file, batches)?;
        let bucket = |v: &str| v.parse::<usize>().ok().filter(|&b| b < DEPTH_BUCKETS);
        if let Some(r) = rows.iter().find(|r| bucket(&r.value).is_none()) {
            return Err(table_err(
                file,
                format!("value {:?}: not a depth bucket (0 to 9)", r.value),
            ));
        }
        self.depth_shares = rows;
        Ok(())
    }

    /// A table of sums of model shares, its values in byte order, its rows adding up to the
    /// site (every layer has one value of a column, and is in one depth bucket).
    fn shares_rows(
        &self,
        file: &str,
        batches: Vec<RecordBatch>,
    ) -> Result<Vec<ValueShares>, SiteError> {
        let rows = shares_by_value(file, batches)?;
        self.check_sums(
            file,
            rows.iter().map(|r| (r.n_filters, r.n_layers, r.n_models)),
        )?;
        Ok(rows)
    }

    /// An error unless rows of (filters, layers, models) that split the site between them add
    /// up to its filters and layers, none with more models than it has.
    fn check_sums(
        &self,
        file: &str,
        rows: impl Iterator<Item = (u64, u64, u64)> + Clone,
    ) -> Result<(), SiteError> {
        let m = &self.manifest;
        let site = (m.n_filters, m.n_layers, m.n_models);
        check_split(file, rows, site, "the site")
    }
}

/// An error unless rows of (filters, layers, models) that split a whole of `(filters, layers,
/// models)` (`whole` says what it is) add up to its filters and layers, none with more models
/// than it has.
pub(super) fn check_split(
    file: &str,
    rows: impl Iterator<Item = (u64, u64, u64)> + Clone,
    (n_filters, n_layers, n_models): (u64, u64, u64),
    whole: &str,
) -> Result<(), SiteError> {
    let filters: u64 = rows.clone().map(|r| r.0).sum();
    let layers: u64 = rows.clone().map(|r| r.1).sum();
    if (filters, layers) != (n_filters, n_layers) || rows.clone().any(|r| r.2 > n_models) {
        return Err(table_err(
            file,
            format!(
                "values of {filters} filters in {layers} layers, {whole} has {n_filters} in \
                 {n_layers}"
            ),
        ));
    }
    Ok(())
}

/// A table of sums of model shares by value: no bucket column, its values in byte order.
pub(super) fn shares_by_value(
    file: &str,
    batches: Vec<RecordBatch>,
) -> Result<Vec<ValueShares>, SiteError> {
    let rows = tables::decode_value_shares(file, &one_batch(file, batches)?)?;
    if rows.iter().any(|r| r.bucket.is_some()) {
        return Err(table_err(
            file,
            "a bucket column in a table by value".into(),
        ));
    }
    in_byte_order(file, rows.iter().map(|r| r.value.as_str()))?;
    Ok(rows)
}

/// The rows of a table of per-(value, bucket) sums, once they are by value then bucket, each
/// bucket one of the ten.
pub(super) fn depth_rows(
    file: &str,
    batches: Vec<RecordBatch>,
) -> Result<Vec<ValueDepth>, SiteError> {
    let rows = tables::decode_value_depths(file, &one_batch(file, batches)?)?;
    by_value_then_bucket(file, rows.iter().map(|r| (r.value.as_str(), r.bucket)))?;
    if let Some(r) = rows.iter().find(|r| r.bucket as usize >= DEPTH_BUCKETS) {
        return Err(table_err(file, format!("bucket {} of 0..10", r.bucket)));
    }
    Ok(rows)
}

/// An error unless the values of a chunk's rows are the values the manifest lists in that chunk
/// (`listed`, in byte order), each with rows.
pub(super) fn as_listed<'a>(
    file: &str,
    listed: &[String],
    values: impl Iterator<Item = &'a str> + Clone,
) -> Result<(), SiteError> {
    if let Some(v) = values
        .clone()
        .find(|v| listed.binary_search_by(|l| l.as_str().cmp(v)).is_err())
    {
        return Err(table_err(
            file,
            format!("a row of value {v:?}, which the manifest does not list here"),
        ));
    }
    match listed
        .iter()
        .find(|l| !values.clone().any(|v| v == l.as_str()))
    {
        Some(l) => Err(table_err(file, format!("no rows for listed value {l:?}"))),
        None => Ok(()),
    }
}

/// The rows of a table of per-(value, bucket) sums of shares, once each has a bucket of the ten
/// and they are by value then bucket.
pub(super) fn depth_share_rows(
    file: &str,
    batches: Vec<RecordBatch>,
) -> Result<Vec<ValueShares>, SiteError> {
    let rows = tables::decode_value_shares(file, &one_batch(file, batches)?)?;
    let in_range = |r: &ValueShares| r.bucket.is_some_and(|b| (b as usize) < DEPTH_BUCKETS);
    if let Some(r) = rows.iter().find(|r| !in_range(r)) {
        return Err(table_err(
            file,
            format!("value {:?}: bucket {:?} of 0..10", r.value, r.bucket),
        ));
    }
    let bucket = |r: &ValueShares| r.bucket.expect("checked above");
    by_value_then_bucket(file, rows.iter().map(|r| (r.value.as_str(), bucket(r))))?;
    Ok(rows)
}

/// An error unless rows keyed (value, bucket) are by value then bucket, each once.
fn by_value_then_bucket<'a>(
    file: &str,
    keys: impl Iterator<Item = (&'a str, u8)> + Clone,
) -> Result<(), SiteError> {
    match keys.clone().zip(keys.skip(1)).find(|(a, b)| a >= b) {
        Some(((v0, b0), (v1, b1))) => Err(table_err(
            file,
            format!(
                "value {v1:?} bucket {b1} after value {v0:?} bucket {b0}: not by value then bucket"
            ),
        )),
        None => Ok(()),
    }
}

/// An error unless `values` are in strictly increasing byte order (each once).
pub(super) fn in_byte_order<'a>(
    file: &str,
    values: impl Iterator<Item = &'a str> + Clone,
) -> Result<(), SiteError> {
    match values.clone().zip(values.skip(1)).find(|(a, b)| a >= b) {
        Some((a, b)) => Err(table_err(
            file,
            format!("value {b:?} after {a:?}: not in byte order"),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use crate::format::tables;
    use crate::testing::{content, loaded};
    use crate::Part;

    /// A model-level column's (value, bucket) sums of shares are refused out of order, without a
    /// bucket or with one past 9, naming the file; a table by value refuses a bucket column.
    #[test]
    fn value_bucket_shares_out_of_order_or_range_are_refused() {
        let mut s = loaded(&content());
        let k = (0..s.manifest.values.len())
            .find(|&k| s.manifest.values[k].by_depth_shares.is_some())
            .unwrap();
        let part = Part::ValueDepthShares(k);
        let file = s.entry(part).unwrap().file.clone();
        let rows = s.value_depth_shares[k].clone();
        assert!(rows.len() > 2);
        let mut swapped = rows.clone();
        swapped.swap(0, 1);
        let mut none = rows.clone();
        none.iter_mut().for_each(|r| r.bucket = None);
        let mut past = rows.clone();
        past.last_mut().unwrap().bucket = Some(10);
        for (bad, says) in [
            (swapped, "not by value then bucket"),
            (none, "bucket None of 0..10"),
            (past, "bucket Some(10) of 0..10"),
        ] {
            let b = tables::encode_value_shares(&bad);
            let e = s.add(part, vec![b]).unwrap_err().to_string();
            assert!(e.starts_with(&file) && e.contains(says), "{e}");
        }
        assert_eq!(s.value_depth_shares[k], rows, "nothing refused is kept");
        let by_value = tables::encode_value_shares(&rows);
        let e = s.add(Part::DepthShares, vec![by_value]).unwrap_err();
        assert!(e.to_string().contains("a bucket column"), "{e}");
    }

    /// A bucket's sums whose value is no bucket are refused even when they add up to the site.
    #[test]
    fn a_depth_sum_whose_value_is_no_bucket_is_refused() {
        let mut s = loaded(&content());
        let mut rows = s.depth_shares.clone();
        assert!(
            rows.len() > 1,
            "the test site has layers in several buckets"
        );
        // "k" becomes "k0" (k > 0): still last in byte order, its sums unchanged.
        rows.last_mut().unwrap().value.push('0');
        let file = s.entry(Part::DepthShares).unwrap().file.clone();
        let b = tables::encode_value_shares(&rows);
        let e = s.add(Part::DepthShares, vec![b]).unwrap_err().to_string();
        assert!(
            e.starts_with(&file) && e.contains("not a depth bucket"),
            "{e}"
        );
    }
}
