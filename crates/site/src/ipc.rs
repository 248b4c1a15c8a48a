//! Arrow IPC streams with LZ4-frame compression (pure Rust, so wasm32 decodes them too) and the
//! hashes that let a reader prove a file is the one the manifest names.

use arrow_array::RecordBatch;
use arrow_ipc::reader::StreamReader;
use arrow_ipc::writer::{IpcWriteOptions, StreamWriter};
use arrow_ipc::CompressionType;
use sha2::{Digest, Sha256};

use crate::SiteError;

/// Serializes batches (all of one schema) as an LZ4-compressed IPC stream.
pub fn write_stream(batches: &[RecordBatch]) -> Result<Vec<u8>, arrow_schema::ArrowError> {
    let schema = batches
        .first()
        .map(|b| b.schema())
        .ok_or_else(|| arrow_schema::ArrowError::InvalidArgumentError("no batches".into()))?;
    let options =
        IpcWriteOptions::default().try_with_compression(Some(CompressionType::LZ4_FRAME))?;
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

/// Decodes every batch of an IPC stream; `file` names it in errors.
pub fn read_batches(file: &str, bytes: &[u8]) -> Result<Vec<RecordBatch>, SiteError> {
    let err = |e: arrow_schema::ArrowError| SiteError::Table {
        file: file.to_string(),
        problem: format!("not a readable Arrow IPC stream ({e})"),
    };
    let reader = StreamReader::try_new(std::io::Cursor::new(bytes), None).map_err(err)?;
    let mut out = Vec::new();
    for b in reader {
        out.push(b.map_err(err)?);
    }
    if out.is_empty() {
        return Err(SiteError::Table {
            file: file.to_string(),
            problem: "the stream holds no record batch".into(),
        });
    }
    Ok(out)
}

/// Lower-case hex sha256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
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
    fn sha256_of_abc() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
