//! Arrow IPC streams, with LZ4-frame compression or none (to be deflated whole), both pure Rust so
//! that wasm32 decodes them too, and the hashes that let a reader prove a file is the one the
//! manifest names.

use arrow_array::RecordBatch;
use arrow_buffer::Buffer;
use arrow_ipc::reader::StreamDecoder;
use arrow_ipc::writer::{IpcWriteOptions, StreamWriter};
use arrow_ipc::CompressionType;
use sha2::{Digest, Sha256};

use super::inflate::Inflater;
use super::ipc_guard::MessageGuard;
use crate::{FileEntry, SiteError};

/// Serializes batches (all of one schema) as an LZ4-compressed IPC stream.
pub fn write_stream(batches: &[RecordBatch]) -> Result<Vec<u8>, arrow_schema::ArrowError> {
    write_with(batches, Some(CompressionType::LZ4_FRAME))
}

/// Serializes batches (all of one schema) as an IPC stream with no compression of its own.
pub fn write_plain_stream(batches: &[RecordBatch]) -> Result<Vec<u8>, arrow_schema::ArrowError> {
    write_with(batches, None)
}

fn write_with(
    batches: &[RecordBatch],
    compression: Option<CompressionType>,
) -> Result<Vec<u8>, arrow_schema::ArrowError> {
    let schema = batches
        .first()
        .map(|b| b.schema())
        .ok_or_else(|| arrow_schema::ArrowError::InvalidArgumentError("no batches".into()))?;
    let options = IpcWriteOptions::default().try_with_compression(compression)?;
    let mut out = Vec::new();
    {
        let mut w = StreamWriter::try_new_with_options(&mut out, &schema, options)?;
        for b in batches {
            w.write(b)?;
        }
        w.finish()?;
    }
    Ok(out)
}

/// Decodes every batch of an IPC stream; `file` names it in errors. What the stream claims is
/// checked before it is believed, as for a file fetched by the page.
#[cfg(any(test, feature = "fuzzing"))]
pub fn read_batches(file: &str, bytes: &[u8]) -> Result<Vec<RecordBatch>, SiteError> {
    read_entry(&FileEntry::of(file, bytes), bytes)
}

/// Decodes every batch of the file the manifest lists as `entry` (an IPC stream, or one
/// deflated), once its bytes are the ones listed.
pub fn read_entry(entry: &FileEntry, bytes: &[u8]) -> Result<Vec<RecordBatch>, SiteError> {
    let mut incoming = IncomingFile::new(entry);
    incoming.push(bytes)?;
    let out = incoming.finish()?;
    if out.is_empty() {
        return Err(SiteError::Table {
            file: entry.file.clone(),
            problem: "the stream holds no record batch".into(),
        });
    }
    Ok(out)
}

/// One file of a site, verified and decoded as its bytes arrive: a browser can decode a chunk while
/// it downloads and still never use a batch of a file whose size or hash is wrong.
pub struct IncomingFile {
    entry: FileEntry,
    hasher: Sha256,
    decoder: StreamDecoder,
    batches: Vec<RecordBatch>,
    received: u64,
    decode_error: Option<String>,
    guard: MessageGuard,
    /// For a deflated file: what inflates it before the IPC stream is read.
    inflater: Option<Inflater>,
}

impl IncomingFile {
    /// Starts receiving the file the manifest lists as `entry`.
    pub fn new(entry: &FileEntry) -> Self {
        Self {
            entry: entry.clone(),
            hasher: Sha256::new(),
            decoder: StreamDecoder::new(),
            batches: Vec::new(),
            received: 0,
            decode_error: None,
            guard: MessageGuard::default(),
            inflater: entry.inflated.map(Inflater::new),
        }
    }

    /// Bytes received so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Takes the next piece of the file.
    pub fn push(&mut self, bytes: &[u8]) -> Result<(), SiteError> {
        self.received += bytes.len() as u64;
        if self.received > self.entry.bytes {
            return Err(SiteError::Integrity {
                file: self.entry.file.clone(),
                problem: format!("more than the {} bytes the manifest says", self.entry.bytes),
            });
        }
        self.hasher.update(bytes);
        // After a decode error keep hashing: a corrupt file is best reported by its hash.
        if self.decode_error.is_none() {
            let read = match self.inflater.take() {
                Some(mut z) => {
                    let r = z.push(bytes, |piece| self.read_stream(piece));
                    self.inflater = Some(z);
                    r
                }
                None => self.read_stream(bytes),
            };
            self.decode_error = read.err();
        }
        Ok(())
    }

    /// Takes the next piece of the IPC stream (the file, or what it inflates to).
    fn read_stream(&mut self, bytes: &[u8]) -> Result<(), String> {
        let size = self.entry.inflated.unwrap_or(self.entry.bytes);
        // The decoder sees only whole messages whose claims the bytes can back.
        for m in self.guard.push(bytes, size)? {
            self.decode(m)?;
        }
        Ok(())
    }

    fn decode(&mut self, message: Vec<u8>) -> Result<(), String> {
        let mut buf = Buffer::from(message);
        while !buf.is_empty() {
            if let Some(b) = self.decoder.decode(&mut buf).map_err(|e| e.to_string())? {
                self.batches.push(b);
            }
        }
        Ok(())
    }

    /// Ends the file: its record batches, once size, hash and stream all check out.
    pub fn finish(mut self) -> Result<Vec<RecordBatch>, SiteError> {
        let file = self.entry.file.clone();
        if self.received != self.entry.bytes {
            return Err(SiteError::Integrity {
                file,
                problem: format!(
                    "{} bytes, the manifest says {} (truncated or replaced)",
                    self.received, self.entry.bytes
                ),
            });
        }
        let h: String = self
            .hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if h != self.entry.sha256 {
            return Err(SiteError::Integrity {
                file,
                problem: format!(
                    "sha256 {h} does not match the manifest's {}",
                    self.entry.sha256
                ),
            });
        }
        let inflated = self.inflater.as_ref().map_or(Ok(()), Inflater::finish);
        let ended = if self.guard.finished() {
            self.decoder.finish().map_err(|e| e.to_string())
        } else {
            Err("the stream ends inside a message".to_string())
        };
        if let Some(e) = self.decode_error.or(inflated.err()).or(ended.err()) {
            let what = match self.entry.inflated {
                Some(_) => "deflated Arrow IPC stream",
                None => "Arrow IPC stream",
            };
            return Err(SiteError::Table {
                file,
                problem: format!("not a readable {what} ({e})"),
            });
        }
        Ok(self.batches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sha256_hex;
    use arrow_array::{ArrayRef, Int64Array};
    use std::sync::Arc;

    #[test]
    fn stream_round_trips_and_truncation_is_an_error() {
        let a: ArrayRef = Arc::new(Int64Array::from_iter_values(0..1000));
        let b = RecordBatch::try_from_iter([("v", a)]).unwrap();
        let bytes = write_stream(std::slice::from_ref(&b)).unwrap();
        let back = read_batches("t.arrow", &bytes).unwrap();
        assert_eq!(back, vec![b]);
        let e = read_batches("t.arrow", &bytes[..bytes.len() / 2]).unwrap_err();
        assert!(e.to_string().starts_with("t.arrow: "), "{e}");
    }

    #[test]
    fn incoming_file_decodes_piece_by_piece_and_checks_the_whole() {
        let a: ArrayRef = Arc::new(Int64Array::from_iter_values(0..5000));
        let b = RecordBatch::try_from_iter([("v", a)]).unwrap();
        let bytes = write_stream(&[b.clone(), b.clone()]).unwrap();
        let entry = FileEntry::of("c.arrow", &bytes);
        let mut f = IncomingFile::new(&entry);
        for piece in bytes.chunks(777) {
            f.push(piece).unwrap();
        }
        assert_eq!(f.finish().unwrap(), vec![b.clone(), b]);
        let mut short = IncomingFile::new(&entry);
        short.push(&bytes[..bytes.len() - 1]).unwrap();
        assert!(short
            .finish()
            .unwrap_err()
            .to_string()
            .contains("truncated"));
        let mut bad = bytes.clone();
        bad[bytes.len() / 2] ^= 0xff;
        let mut corrupt = IncomingFile::new(&entry);
        corrupt.push(&bad).unwrap();
        assert!(corrupt
            .finish()
            .unwrap_err()
            .to_string()
            .contains("c.arrow: sha256"));
        let mut long = IncomingFile::new(&entry);
        long.push(&bytes).unwrap();
        assert!(long.push(b"x").is_err());
    }

    #[test]
    fn a_deflated_file_decodes_piece_by_piece_and_only_at_its_stated_size() {
        let a: ArrayRef = Arc::new(Int64Array::from_iter_values((0..20_000).map(|i| i / 9)));
        let b = RecordBatch::try_from_iter([("v", a)]).unwrap();
        let plain = write_plain_stream(&[b.clone(), b.clone()]).unwrap();
        let z = miniz_oxide::deflate::compress_to_vec_zlib(&plain, 9);
        let size = plain.len() as u64;
        let entry = FileEntry::deflated("d.arrow", &z, size);
        let mut f = IncomingFile::new(&entry);
        for piece in z.chunks(333) {
            f.push(piece).unwrap();
        }
        assert_eq!(f.finish().unwrap(), vec![b.clone(), b]);
        // A manifest that misstates the inflated size is caught, naming the file.
        for wrong in [size - 1, size + 1] {
            let e = read_entry(&FileEntry::deflated("d.arrow", &z, wrong), &z).unwrap_err();
            let e = e.to_string();
            assert!(e.starts_with("d.arrow: ") && e.contains("deflated"), "{e}");
        }
        // The plain stream listed as deflated is not read as a table.
        let e = read_entry(&FileEntry::deflated("p.arrow", &plain, size), &plain).unwrap_err();
        assert!(e.to_string().contains("not a zlib stream"), "{e}");
    }

    #[test]
    fn sha256_of_abc() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
