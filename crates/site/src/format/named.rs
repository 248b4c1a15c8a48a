//! The files of a site being encoded, each named by its content: what every writer of a table
//! (the site's writer, the per-value sums) puts its record batches through.

use crate::{sha256_hex, write_stream, FileEntry, SiteError};

fn arrow_err(file: &str) -> impl Fn(arrow_schema::ArrowError) -> SiteError + '_ {
    move |e| SiteError::Table {
        file: file.to_string(),
        problem: format!("cannot encode: {e}"),
    }
}

/// The files of a site being encoded, each named by its content.
pub(crate) struct Files(pub(crate) Vec<(String, Vec<u8>)>);

impl Files {
    /// Adds table `b` as `<stem>-<16 hex of its sha256>.arrow`, and says where it is.
    pub(crate) fn put(
        &mut self,
        stem: &str,
        b: arrow_array::RecordBatch,
    ) -> Result<FileEntry, SiteError> {
        let bytes = write_stream(&[b]).map_err(arrow_err(stem))?;
        let name = format!("{stem}-{}.arrow", &sha256_hex(&bytes)[..16]);
        let e = FileEntry::of(&name, &bytes);
        self.0.push((name, bytes));
        Ok(e)
    }
}
