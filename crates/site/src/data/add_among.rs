//! Adding a layer-level column's sums among one model-level value's models: checked against
//! the models holding that value (their layers and filters, as the models table counts them)
//! before any row joins the data.

use arrow_array::RecordBatch;

use super::add_values::{check_split, in_byte_order, shares_by_value};
use super::{one_batch, SiteData};
use crate::format::tables;
use crate::SiteError;

impl SiteData {
    pub(super) fn add_among_totals(
        &mut self,
        k: usize,
        e: usize,
        file: &str,
        batches: Vec<RecordBatch>,
    ) -> Result<(), SiteError> {
        let rows = tables::decode_value_totals(file, &one_batch(file, batches)?)?;
        in_byte_order(file, rows.iter().map(|r| r.value.as_str()))?;
        let split = rows.iter().map(|r| (r.sketch.n(), r.n_layers, r.n_models));
        let (whole, what) = self.among_whole(k, e)?;
        check_split(file, split, whole, &what)?;
        self.among_totals.insert((k, e), rows);
        Ok(())
    }

    pub(super) fn add_among_shares(
        &mut self,
        k: usize,
        e: usize,
        file: &str,
        batches: Vec<RecordBatch>,
    ) -> Result<(), SiteError> {
        let rows = shares_by_value(file, batches)?;
        let split = rows.iter().map(|r| (r.n_filters, r.n_layers, r.n_models));
        let (whole, what) = self.among_whole(k, e)?;
        check_split(file, split, whole, &what)?;
        self.among_shares.insert((k, e), rows);
        Ok(())
    }

    /// The filters, layers and models of the models holding `values[k].among[e]`'s value, and
    /// how to name them: what that entry's rows split between their values.
    fn among_whole(&self, k: usize, e: usize) -> Result<((u64, u64, u64), String), SiteError> {
        let a = &self.manifest.values[k].among[e];
        let c = self
            .manifest
            .model_columns
            .iter()
            .position(|c| *c == a.column)
            .ok_or_else(|| SiteError::Manifest(format!("{:?} is no model column", a.column)))?;
        let (mut filters, mut layers, mut models) = (0, 0, 0);
        for (m, t) in self.models.iter().zip(&self.totals) {
            if m.values[c] == a.value {
                (filters, layers, models) =
                    (filters + t.n_filters, layers + t.n_layers, models + 1);
            }
        }
        let what = format!("{} = {:?}", a.column, a.value);
        Ok(((filters, layers, models), format!("the models of {what}")))
    }
}

#[cfg(test)]
mod tests {
    use crate::format::tables;
    use crate::testing::{content, loaded};
    use crate::{Part, SiteError};

    /// The first `among` entry of conv_depth with its parts, and the site: one model of the
    /// first Task, the others of the second (so that each's rows add up to other sums).
    fn first_among() -> (crate::SiteData, Part, Part) {
        let mut c = content();
        for (m, row) in c.models.iter_mut().enumerate() {
            row.values[0] = ["Classification", "Segmentation"][usize::from(m > 0)].into();
        }
        let s = loaded(&c);
        assert!(
            !s.manifest.values[0].among.is_empty(),
            "conv_depth among Task"
        );
        (s, Part::AmongTotals(0, 0), Part::AmongShares(0, 0))
    }

    /// Rows that do not add up to the models of their value (another value's rows, a row
    /// dropped, a row claiming more models than hold the value) or out of order are refused,
    /// naming the file, and nothing is kept.
    #[test]
    fn among_rows_that_are_not_the_values_models_are_refused() {
        let (mut s, totals, shares) = first_among();
        let file = s.entry(totals).unwrap().file.clone();
        let rows = s.among_totals[&(0, 0)].clone();
        let other = s.among_totals[&(0, 1)].clone();
        let refused = |s: &mut crate::SiteData, rows: Vec<_>| {
            let batches = vec![tables::encode_value_totals(&rows)];
            s.among_totals.remove(&(0, 0));
            let e = s.add_among_totals(0, 0, &file, batches).unwrap_err();
            assert!(!s.among_totals.contains_key(&(0, 0)), "nothing kept");
            match e {
                SiteError::Table { file: f, problem } => {
                    assert_eq!(f, file);
                    problem
                }
                e => panic!("{e}"),
            }
        };
        let p = refused(&mut s, other);
        assert!(p.contains("the models of Task = "), "{p}");
        let p = refused(&mut s, rows[1..].to_vec());
        assert!(p.contains("filters in"), "{p}");
        let mut many = rows.clone();
        many[0].n_models = 1000;
        refused(&mut s, many);
        let mut swapped = rows.clone();
        swapped.swap(0, 1);
        let p = refused(&mut s, swapped);
        assert!(p.contains("not in byte order"), "{p}");

        // The shares: another value's, or a row dropped.
        let file = s.entry(shares).unwrap().file.clone();
        let rows = s.among_shares[&(0, 0)].clone();
        for bad in [s.among_shares[&(0, 1)].clone(), rows[1..].to_vec()] {
            let batches = vec![tables::encode_value_shares(&bad)];
            let e = s.add_among_shares(0, 0, &file, batches).unwrap_err();
            assert!(e.to_string().contains(&file), "{e}");
        }
        assert_eq!(s.among_shares[&(0, 0)], rows, "the good rows kept");
    }
}
