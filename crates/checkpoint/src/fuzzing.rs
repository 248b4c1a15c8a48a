//! The fuzz targets' bodies (fuzz/ and the regression replay): not part of the API.

use crate::Checkpoint;

/// Reads any bytes as a checkpoint and decodes every kernel: errors are fine, panics are not.
pub fn checkpoint(data: &[u8]) {
    if let Ok(c) = Checkpoint::read(data) {
        for k in &c.kernels {
            let _ = c.filters(k, data);
        }
    }
}

/// Reads any bytes as a pickle (the reader of torch's `data.pkl` and of legacy files' pickles).
pub fn pickle(data: &[u8]) {
    let _ = crate::pickle::read(data);
}
