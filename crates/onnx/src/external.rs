//! Where the weights an ONNX file keeps outside itself are read from.

/// Reads external data files of a model (native: files beside the model; browser: none).
pub trait ExternalData {
    /// The bytes of `location` from `offset`, `length` of them or to the end.
    fn read(&self, location: &str, offset: u64, length: Option<u64>) -> Result<Vec<u8>, String>;
}

/// For models that must be self-contained (the browser): every external read fails.
pub struct NoExternalData;

impl ExternalData for NoExternalData {
    fn read(&self, _: &str, _: u64, _: Option<u64>) -> Result<Vec<u8>, String> {
        Err("external data files are not available here".into())
    }
}
