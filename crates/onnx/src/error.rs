//! Why a model cannot be read: each case names the node or tensor at fault.

/// Errors reading a model. Each names the node or tensor at fault.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum OnnxError {
    /// The bytes are not an ONNX ModelProto.
    #[error("not an ONNX model: {0}")]
    NotOnnx(String),
    /// The model has no graph.
    #[error("the model has no graph")]
    NoGraph,
    /// The graph's nodes form a cycle.
    #[error("the graph has a cycle")]
    Cycle,
    /// A tensor's payload does not fit its shape or cannot be read.
    #[error("tensor {tensor:?}: {problem}")]
    BadTensor {
        /// tensor name
        tensor: String,
        /// what is wrong
        problem: String,
    },
    /// A tensor's data type is not one that holds conv weights.
    #[error("tensor {tensor:?} is {dtype}, which is not a float type this reader decodes")]
    UnsupportedType {
        /// tensor name
        tensor: String,
        /// the type's name
        dtype: &'static str,
    },
    /// A tensor's external data file could not be read.
    #[error("tensor {tensor:?}: external data {location:?}: {problem}")]
    External {
        /// tensor name
        tensor: String,
        /// the file named by the tensor
        location: String,
        /// what went wrong
        problem: String,
    },
    /// A conv's weight is computed by the graph, not stored.
    #[error("Conv node {node:?}: its weight {weight:?} is {source_kind}, not a stored tensor")]
    ComputedWeight {
        /// node name
        node: String,
        /// weight input name
        weight: String,
        /// what produces it
        source_kind: String,
    },
    /// The model convolves with quantized integer weights that have no float form here.
    #[error("node {node:?} is a quantized convolution ({op}); its integer weights are not filters this tool can compare. Export the float model instead")]
    Quantized {
        /// node name
        node: String,
        /// op type
        op: String,
    },
}
