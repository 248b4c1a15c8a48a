//! Models handed over from Python: a file's path, or named arrays already in memory. An array
//! arrives as the address and length of its buffer (C-ordered, little-endian, float16/32/64: the
//! Python side makes it so, copying only an array that is not) and is read where it lies.
//!
//! Why addresses and not the buffer protocol: the protocol is outside the stable ABI before
//! CPython 3.11, and one abi3 wheel for 3.9 onwards is the point.

use std::path::PathBuf;

use filterscope_checkpoint::{DType, Tensor};
use pyo3::prelude::*;

/// One array: its name, dtype ("F16", "F32", "F64"), shape, buffer address and length in bytes.
pub type Array = (String, String, Vec<usize>, usize, usize);

/// A model as Python gives it.
#[derive(FromPyObject)]
pub enum Model {
    /// A model file (ONNX, safetensors, PyTorch).
    File(PathBuf),
    /// A name and its arrays, in the mapping's order.
    Arrays(String, Vec<Array>),
}

impl Model {
    /// How an error names it.
    pub fn label(&self) -> String {
        match self {
            Model::File(p) => p.display().to_string(),
            Model::Arrays(name, _) => name.clone(),
        }
    }
}

/// The tensors and their buffers, as the site's measuring takes them.
pub fn tensors(arrays: &[Array]) -> (Vec<Tensor>, Vec<&[u8]>) {
    arrays
        .iter()
        .map(|(name, dtype, shape, address, len)| {
            let dtype = match dtype.as_str() {
                "F16" => DType::F16,
                "F32" => DType::F32,
                "F64" => DType::F64,
                other => DType::Other(other.to_string()),
            };
            // SAFETY: the Python side (filterscope/_models.py) passes the address and byte length
            // of a live, C-contiguous numpy array it keeps referenced until this call returns.
            let bytes: &[u8] = if *len == 0 {
                &[]
            } else {
                unsafe { std::slice::from_raw_parts(*address as *const u8, *len) }
            };
            (Tensor::in_memory(name.clone(), dtype, shape.clone()), bytes)
        })
        .unzip()
}
