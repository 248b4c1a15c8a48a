//! Adding a layer-level column's per-(value, depth bucket) sums, cut by value (chunks) or by
//! bucket (a file each): checked against the manifest's listing and the site's totals before any
//! row joins the data. A piece holds part of the site, so its rows may add up to less than it,
//! never to more.

use arrow_array::RecordBatch;

use super::add_values::{as_listed, depth_rows, in_byte_order};
use super::{one_batch, table_err, SiteData};
use crate::format::tables::{self, ValueDepth};
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
        let listed = &self.manifest.values[k].depth_chunks[j].values;
        as_listed(file, listed, rows.iter().map(|r| r.value.as_str()))?;
        self.within_site(file, &rows)?;
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
        let rows = tables::decode_value_depths(file, &one_batch(file, batches)?)?;
        if let Some(r) = rows.iter().find(|r| r.bucket as usize != b) {
            return Err(table_err(
                file,
                format!(
                    "value {:?}: bucket {} in the file of bucket {b}",
                    r.value, r.bucket
                ),
            ));
        }
        in_byte_order(file, rows.iter().map(|r| r.value.as_str()))?;
        self.within_site(file, &rows)?;
        self.bucket_values.insert((k, b), rows);
        Ok(())
    }

    /// An error unless `rows` (part of the site's layers, each in one row) add up to at most
    /// the site's filters and layers, none with more models than it has.
    fn within_site(&self, file: &str, rows: &[ValueDepth]) -> Result<(), SiteError> {
        let m = &self.manifest;
        let filters: u64 = rows.iter().map(|r| r.sketch.n()).sum();
        let layers: u64 = rows.iter().map(|r| r.n_layers).sum();
        if let Some(r) = rows.iter().find(|r| r.n_models > m.n_models) {
            return Err(table_err(
                file,
                format!(
                    "value {:?}: {} models of {}",
                    r.value, r.n_models, m.n_models
                ),
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
        assert!(refused(&mut s, bucket, &swapped).contains("not in byte order"));
        // The good rows are kept.
        s.add(bucket, vec![tables::encode_value_depths(&rows)])
            .unwrap();
        assert_eq!(s.bucket_values[&(kb, b)], rows);
    }
}
