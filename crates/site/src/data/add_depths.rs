//! Adding a layer-level column's per-(value, depth bucket) sums, cut by value (chunks) or by
//! bucket (a file each): checked against the manifest's listing and the site's totals before any
//! row joins the data. A piece holds part of the site, so its rows may add up to less than it,
//! never to more.

use arrow_array::RecordBatch;

use super::add_values::{as_listed, depth_rows, depth_share_rows};
use super::{table_err, SiteData};
use crate::format::tables::{ValueDepth, ValueShares};
use crate::SiteError;

impl SiteData {
    /// Adds chunk `j` of `values[k]`'s per-(value, bucket) sums: by value then bucket, of the
    /// values the manifest lists in that chunk, each listed value with rows.
    pub(super) fn add_depth_chunk(
        &mut self,
        k: usize,
        j: usize,
        file: &str,
        batches: Vec<RecordBatch>,
    ) -> Result<(), SiteError> {
        let rows = depth_rows(file, batches)?;
        self.check_chunk(file, &self.manifest.values[k].depth_chunks[j].values, &rows)?;
        self.depth_chunks.insert((k, j), rows);
        Ok(())
    }

    /// Adds `values[k]`'s sums in depth bucket `b`: that bucket's rows, by value.
    pub(super) fn add_bucket_values(
        &mut self,
        k: usize,
        b: usize,
        file: &str,
        batches: Vec<RecordBatch>,
    ) -> Result<(), SiteError> {
        let rows = depth_rows(file, batches)?;
        self.check_bucket(file, b, &rows)?;
        self.bucket_values.insert((k, b), rows);
        Ok(())
    }

    /// Adds chunk `j` of `values[k]`'s per-(value, bucket) sums of shares, checked as a chunk
    /// of the sums is.
    pub(super) fn add_depth_share_chunk(
        &mut self,
        k: usize,
        j: usize,
        file: &str,
        batches: Vec<RecordBatch>,
    ) -> Result<(), SiteError> {
        let rows = depth_share_rows(file, batches)?;
        let listed = &self.manifest.values[k].depth_share_chunks[j].values;
        self.check_chunk(file, listed, &rows)?;
        self.depth_share_chunks.insert((k, j), rows);
        Ok(())
    }

    /// Adds `values[k]`'s sums of shares in depth bucket `b`: that bucket's rows, by value.
    pub(super) fn add_bucket_shares(
        &mut self,
        k: usize,
        b: usize,
        file: &str,
        batches: Vec<RecordBatch>,
    ) -> Result<(), SiteError> {
        let rows = depth_share_rows(file, batches)?;
        self.check_bucket(file, b, &rows)?;
        self.bucket_shares.insert((k, b), rows);
        Ok(())
    }

    /// An error unless a chunk's `rows` (by value then bucket) are of the values `listed` for
    /// it, each with rows, and within the site.
    fn check_chunk<T: BucketRow>(
        &self,
        file: &str,
        listed: &[String],
        rows: &[T],
    ) -> Result<(), SiteError> {
        as_listed(file, listed, rows.iter().map(|r| r.counts().0))?;
        self.within_site(file, rows)
    }

    /// An error unless bucket `b`'s file's `rows` (by value then bucket) are all of bucket `b`
    /// (so their values are in byte order) and within the site.
    fn check_bucket<T: BucketRow>(
        &self,
        file: &str,
        b: usize,
        rows: &[T],
    ) -> Result<(), SiteError> {
        if let Some(r) = rows.iter().find(|r| r.bucket() as usize != b) {
            return Err(table_err(
                file,
                format!(
                    "value {:?}: bucket {} in the file of bucket {b}",
                    r.counts().0,
                    r.bucket()
                ),
            ));
        }
        self.within_site(file, rows)
    }

    /// An error unless `rows`, part of the site's layers each in one row, add up to at most the
    /// site's filters and layers, none with more models than it has.
    fn within_site<T: BucketRow>(&self, file: &str, rows: &[T]) -> Result<(), SiteError> {
        let m = &self.manifest;
        let filters: u64 = rows.iter().map(|r| r.counts().1).sum();
        let layers: u64 = rows.iter().map(|r| r.counts().2).sum();
        if let Some((value, _, _, n)) = rows.iter().map(T::counts).find(|r| r.3 > m.n_models) {
            return Err(table_err(
                file,
                format!("value {value:?}: {n} models of {}", m.n_models),
            ));
        }
        if filters > m.n_filters || layers > m.n_layers {
            return Err(table_err(
                file,
                format!(
                    "{filters} filters in {layers} layers, more than the site's {} in {}",
                    m.n_filters, m.n_layers
                ),
            ));
        }
        Ok(())
    }
}

/// A row of a layer-level column's per-(value, bucket) sums: of counts and moments, or of
/// shares.
trait BucketRow {
    /// Its (value, filters, layers, models).
    fn counts(&self) -> (&str, u64, u64, u64);
    /// Its depth bucket.
    fn bucket(&self) -> u8;
}

impl BucketRow for ValueDepth {
    fn counts(&self) -> (&str, u64, u64, u64) {
        (&self.value, self.sketch.n(), self.n_layers, self.n_models)
    }
    fn bucket(&self) -> u8 {
        self.bucket
    }
}

impl BucketRow for ValueShares {
    fn counts(&self) -> (&str, u64, u64, u64) {
        (&self.value, self.n_filters, self.n_layers, self.n_models)
    }
    fn bucket(&self) -> u8 {
        // Read with a bucket (`depth_share_rows` refuses a row without).
        self.bucket.unwrap_or(u8::MAX)
    }
}

#[cfg(test)]
mod tests {
    use crate::format::tables::{self, ValueDepth};
    use crate::testing::{content, loaded};
    use crate::{Part, SiteData, SiteError};

    /// The problem `add` names for `rows` as `part`'s file, which it must name; nothing of
    /// `part` kept.
    fn refused(s: &mut SiteData, part: Part, rows: &[ValueDepth]) -> String {
        let file = s.entry(part).unwrap().file.clone();
        s.depth_chunks.clear();
        s.bucket_values.clear();
        let e = s
            .add(part, vec![tables::encode_value_depths(rows)])
            .unwrap_err();
        assert!(
            s.depth_chunks.is_empty() && s.bucket_values.is_empty(),
            "nothing kept"
        );
        match e {
            SiteError::Table { file: f, problem } => {
                assert_eq!(f, file);
                problem
            }
            e => panic!("{e}"),
        }
    }

    /// A chunk with a value it does not list, without one it lists, out of order, or claiming
    /// more models or filters than the site has is refused, naming the file; so is a bucket's
    /// file with another bucket's row or its values out of order.
    #[test]
    fn per_bucket_sums_that_are_not_the_listed_piece_are_refused() {
        // Three in_channels values in each bucket (the sample has one value of each column per
        // bucket).
        let mut c = content();
        for l in &mut c.layers {
            l.in_channels = 1 + i64::from(l.model % 3);
        }
        let mut s = loaded(&c);
        let k = 0;
        let f = &s.manifest.values[k];
        assert!(
            f.depth_chunks.len() > 1,
            "the sample's conv_depth has several chunks"
        );
        assert_eq!(f.buckets.len(), 10);
        let chunk = Part::ValueDepthChunk(k, 0);
        let rows = s.depth_chunks[&(k, 0)].clone();
        let other = s.depth_chunks[&(k, 1)].clone();
        let kb = s.value_files_of("in_channels").unwrap();
        let b = (0..10)
            .find(|&b| s.bucket_values[&(kb, b)].len() > 1)
            .unwrap();
        let (bucket, bucket_rows) = (Part::BucketValues(kb, b), s.bucket_values[&(kb, b)].clone());
        assert!(refused(&mut s, chunk, &other).contains("the manifest does not list here"));
        let first = rows[0].value.clone();
        let without: Vec<_> = rows.iter().filter(|r| r.value != first).cloned().collect();
        assert!(refused(&mut s, chunk, &without).contains("no rows for listed value"));
        let mut swapped = rows.clone();
        swapped.swap(0, rows.len() - 1);
        assert!(refused(&mut s, chunk, &swapped).contains("not by value then bucket"));
        let mut many = rows.clone();
        many[0].n_models = 1000;
        assert!(refused(&mut s, chunk, &many).contains("models of"));
        let mut twice = rows.clone();
        twice[0].n_layers = s.manifest.n_layers + 1;
        assert!(refused(&mut s, chunk, &twice).contains("more than the site's"));

        let rows = bucket_rows;
        assert!(rows.len() > 1, "several values in bucket {b}");
        let file_of = format!("in the file of bucket {b}");
        let mut moved = rows.clone();
        moved[1].bucket = (b as u8 + 1) % 10;
        assert!(refused(&mut s, bucket, &moved).contains(&file_of));
        let mut swapped = rows.clone();
        swapped.swap(0, 1);
        assert!(refused(&mut s, bucket, &swapped).contains("not by value then bucket"));
        // The good rows are kept.
        s.add(bucket, vec![tables::encode_value_depths(&rows)])
            .unwrap();
        assert_eq!(s.bucket_values[&(kb, b)], rows);
    }
}
