//! The files of a site being encoded, each named by its content: what every writer of a table
//! (the site's writer, the per-value sums) puts its record batches through.

use crate::{sha256_hex, write_plain_stream, write_stream, FileEntry, SiteError};

fn arrow_err(file: &str) -> impl Fn(arrow_schema::ArrowError) -> SiteError + '_ {
    move |e| SiteError::Table {
        file: file.to_string(),
        problem: format!("cannot encode: {e}"),
    }
}

/// zlib's best level (miniz's 10 is slower for a few bytes more): LZ4 has no entropy coder, and
/// deflate takes a further 11% off the full DB's site (its rollups 4.43 to 3.77 MB); the browser
/// inflates in its worker, as the file arrives.
const DEFLATE_LEVEL: u8 = 9;

/// The files of a site being encoded, each named by its content.
pub(crate) struct Files(pub(crate) Vec<(String, Vec<u8>)>);

impl Files {
    /// Adds table `b` as `<stem>-<16 hex of its sha256>.arrow`, and says where it is: its
    /// LZ4-compressed IPC stream, or its plain stream deflated where that is smaller.
    pub(crate) fn put(
        &mut self,
        stem: &str,
        b: arrow_array::RecordBatch,
    ) -> Result<FileEntry, SiteError> {
        let b = std::slice::from_ref(&b);
        let lz4 = write_stream(b).map_err(arrow_err(stem))?;
        let plain = write_plain_stream(b).map_err(arrow_err(stem))?;
        let deflated = miniz_oxide::deflate::compress_to_vec_zlib(&plain, DEFLATE_LEVEL);
        let named = |bytes: &[u8]| format!("{stem}-{}.arrow", &sha256_hex(bytes)[..16]);
        let (bytes, e) = if deflated.len() < lz4.len() {
            let name = named(&deflated);
            let e = FileEntry::deflated(&name, &deflated, plain.len() as u64);
            (deflated, e)
        } else {
            let e = FileEntry::of(&named(&lz4), &lz4);
            (lz4, e)
        };
        self.0.push((e.file.clone(), bytes));
        Ok(e)
    }
}
