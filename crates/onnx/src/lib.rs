//! Reads the conv layers of an ONNX model as the CNN Filter DB's extractor (onnxzoo2filterdb) does:
//! every `Conv` node with a 4-D weight is a layer; its depth is the rank of its longest-path depth
//! among the distinct depths that hold a 4-D conv; 3x3 layers carry their filters.
//!
//! Beyond the reference: weights may come from `Constant` nodes, `Identity` chains and
//! `DequantizeLinear` (dequantized), in float32, float16, bfloat16 or double, inline or in external
//! data files (through [`ExternalData`], so the browser, which has no files, can still read
//! self-contained models). Quantized convolution ops are reported, never skipped.
#![deny(missing_docs)]

#[cfg(any(test, feature = "test-util"))]
pub mod builder;
mod error;
mod external;
mod graph;
pub mod proto;
mod read;
mod tensor;

pub use error::OnnxError;
pub use external::{ExternalData, NoExternalData};
pub use graph::node_depths;
pub use read::{read_model, read_model_each, read_model_owned, ConvLayer, ModelConvs};
