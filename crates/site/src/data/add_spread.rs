//! Adding stored intervals and floors of a grouping by a layer-level column: checked against
//! the site before they are kept, and against the groups they are quoted for when they are used
//! (`query/stored_spread.rs`), so that a file that does not fit shows an error, never a number.

use arrow_array::RecordBatch;

use super::{one_batch, Part, SiteData};
use crate::format::tables;
use crate::SiteError;

impl SiteData {
    pub(super) fn add_spread(
        &mut self,
        part: Part,
        file: &str,
        batches: Vec<RecordBatch>,
    ) -> Result<(), SiteError> {
        let s = tables::decode_spread(file, &one_batch(file, batches)?)?;
        let most = self.manifest.n_models;
        if let Some(r) = s.n_models.iter().position(|&n| n > most) {
            return Err(SiteError::Table {
                file: file.to_string(),
                problem: format!(
                    "row {r} ({:?}): {} models, the site has {most}",
                    s.groups[r], s.n_models[r]
                ),
            });
        }
        self.spreads.insert(part, s);
        Ok(())
    }
}
