//! The manifest's file entries: where each file of a site is, and how a reader proves it has that
//! file (its size, its sha256, and for a deflated table the size it inflates to).

use serde::{Deserialize, Serialize};

use super::manifest::MAX_FILE_BYTES;
use crate::{sha256_hex, SiteError, Weight};

/// Deflate's best ratio: a 258-byte match costs at least two bits, 1,032 bytes for each byte.
const MAX_DEFLATE_RATIO: u64 = 1032;

/// A file of the site with its size and hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Path relative to the manifest.
    pub file: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Lower-case hex sha256.
    pub sha256: String,
    /// Set when the file is the IPC stream deflated (a zlib stream, RFC 1950) rather than the
    /// stream itself: the stream's size once inflated. `bytes` and `sha256` are the stored file's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inflated: Option<u64>,
}

impl FileEntry {
    /// The entry for an IPC stream stored as it is, as `file`.
    pub fn of(file: &str, bytes: &[u8]) -> Self {
        Self {
            file: file.to_string(),
            bytes: bytes.len() as u64,
            sha256: sha256_hex(bytes),
            inflated: None,
        }
    }

    /// The entry for `deflated`, a zlib stream of an IPC stream `inflated` bytes long, stored as
    /// `file`.
    pub fn deflated(file: &str, deflated: &[u8], inflated: u64) -> Self {
        Self {
            inflated: Some(inflated),
            ..Self::of(file, deflated)
        }
    }

    /// What an entry from anywhere may claim: a plain file name of this folder (no path, no URL),
    /// a hex hash, a size a file can have, an inflated size deflate can reach. Checked before
    /// anything is fetched or allocated by its word.
    pub(crate) fn check_claims(&self) -> Result<(), SiteError> {
        let bad = |what: String| Err(SiteError::Manifest(what));
        let name_ok = !self.file.is_empty()
            && self.file.len() <= 200
            && !self.file.starts_with('.')
            && self
                .file
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
        if !name_ok {
            return bad(format!(
                "file name {:?} is not a plain file name of this folder",
                self.file.chars().take(80).collect::<String>()
            ));
        }
        let hash_ok = self.sha256.len() == 64
            && self
                .sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !hash_ok {
            return bad(format!(
                "{}: sha256 is not 64 lower-case hex digits",
                self.file
            ));
        }
        if self.bytes > MAX_FILE_BYTES {
            return bad(format!(
                "{}: {} bytes, more than the {MAX_FILE_BYTES} a site's file may have",
                self.file, self.bytes
            ));
        }
        // Deflate cannot shrink data more than this, so a larger claim is not a zlib stream's
        // (and a reader never makes room for more than a file's bytes can hold).
        if let Some(n) = self.inflated {
            if n == 0 || n > MAX_FILE_BYTES || n > self.bytes.saturating_mul(MAX_DEFLATE_RATIO) {
                return bad(format!(
                    "{}: {n} bytes inflated from {}, which no zlib stream of a table holds",
                    self.file, self.bytes
                ));
            }
        }
        Ok(())
    }

    /// Checks that `bytes` are this file: size first (a truncated download), then the hash.
    pub fn verify(&self, bytes: &[u8]) -> Result<(), SiteError> {
        if bytes.len() as u64 != self.bytes {
            return Err(SiteError::Integrity {
                file: self.file.clone(),
                problem: format!(
                    "{} bytes, the manifest says {} (truncated or replaced)",
                    bytes.len(),
                    self.bytes
                ),
            });
        }
        let h = sha256_hex(bytes);
        if h != self.sha256 {
            return Err(SiteError::Integrity {
                file: self.file.clone(),
                problem: format!("sha256 {h} does not match the manifest's {}", self.sha256),
            });
        }
        Ok(())
    }
}

/// A chunk of per-layer rows: layers `first..first + count` in layer order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChunkEntry {
    /// The file.
    #[serde(flatten)]
    pub entry: FileEntry,
    /// Index of its first layer.
    pub first_layer: u64,
    /// Number of layers it holds.
    pub layers: u64,
}

/// The per-value files of one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueFiles {
    /// The column (`conv_depth`, `in_channels`, `out_channels`, a `layer_columns` entry, or a
    /// `model_columns` one).
    pub column: String,
    /// Each value's sketch over every model: grouping by the column.
    pub totals: FileEntry,
    /// Each (value, model)'s sketch, sorted by value then model, in chunks cut between values:
    /// the column crossed with model-level columns, or weighed and resampled by model.
    pub cells: Vec<ValueChunk>,
    /// Of a model-level column, each (value, depth bucket)'s sketch, by value then bucket: the
    /// column crossed with depth (by Task among one bucket's layers, by depth among one Task's).
    /// A few kilobytes, so one file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_depth: Option<FileEntry>,
    /// Of a layer-level column, each (value, depth bucket)'s sketch, by value then bucket, in
    /// chunks cut between values: by depth among one of its values' layers reads one chunk.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depth_chunks: Vec<ValueChunk>,
    /// Of a layer-level column, the same rows again, one file per depth bucket (0 to 9), each by
    /// value: by the column among one bucket's layers reads one file. Both cuts are kept because
    /// either one would make the other crossing read every file of it (conv_depth's are 1.4 MB
    /// at the full DB's shape).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buckets: Vec<FileEntry>,
    /// Of a layer-level column, each (value, depth bucket)'s sum of its models' shares (a
    /// model's part: its layers of the value in the bucket), by value then bucket, in chunks cut
    /// between values: the crossings above weighed by models (by depth among one conv_depth's
    /// layers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depth_share_chunks: Vec<ValueChunk>,
    /// Of a layer-level column, the same sums of shares, one file per depth bucket, by value (by
    /// conv_depth among one bucket's layers weighed by models).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bucket_shares: Vec<FileEntry>,
    /// Of a model-level column, each (value, depth bucket)'s sum of its models' shares, by value
    /// then bucket: the column crossed with depth weighed by models (by depth among one Task's
    /// models, by Task among one bucket's layers), without every (model, bucket)'s counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_depth_shares: Option<FileEntry>,
    /// Of a layer-level column, each value's sum of its models' shares (each model's counts over
    /// its filters): the column weighed by models, without each (value, model)'s counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_shares: Option<FileEntry>,
    /// Of a layer-level column, its totals and sums of shares among the models of one value of a
    /// model-level column, one pair of files per such value, by column (in `model_columns`
    /// order) then value (in byte order): the column among one Task's models, by filters or
    /// weighed by models, without each (value, model)'s counts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub among: Vec<AmongFiles>,
    /// Of a layer-level column, the bootstrap intervals and noise floors of grouping by it (no
    /// filter, every group kept), one file per weight, for the resampling each entry names: a
    /// comparison with intervals as a shared link asks for them reads one file, not every
    /// (value, model)'s counts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spread: Vec<SpreadEntry>,
}

/// Stored intervals and floors of a grouping by a layer-level column: what data-prep computed
/// for one weight and one resampling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpreadEntry {
    /// The file.
    #[serde(flatten)]
    pub entry: FileEntry,
    /// What each filter weighed.
    pub weight: Weight,
    /// Bootstrap replicates drawn.
    pub replicates: u32,
    /// The generator's seed.
    pub seed: u64,
}

/// A layer-level column's sums over the models of one value of a model-level column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AmongFiles {
    /// The model-level column.
    pub column: String,
    /// Its value: the sums are over the models holding it.
    pub value: String,
    /// Each value's sketch (counts and moments) over those models, as the column's totals are.
    pub totals: FileEntry,
    /// Each value's sum of those models' shares, as the column's `model_shares` are.
    pub shares: FileEntry,
    /// The stored intervals of grouping by the layer-level column among those models, as the
    /// column's `spread` are (by conv_depth where Task is Classification, with intervals).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spread: Vec<SpreadEntry>,
}

/// A chunk of (value, model) sketches and the values it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueChunk {
    /// The file.
    #[serde(flatten)]
    pub entry: FileEntry,
    /// The values whose rows it holds (all of them), in byte order.
    pub values: Vec<String>,
}
