//! Why a checkpoint cannot be read: each case says where in the file the problem is.

/// Errors reading a checkpoint. The messages name the place (a byte offset, a tensor, a zip
/// entry, a pickle opcode) and the problem; the caller adds the file's name.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CheckpointError {
    /// The content matches none of the formats this crate reads.
    #[error("not a safetensors or PyTorch file ({0})")]
    Unknown(String),
    /// The file ends before what its own structure announces.
    #[error("truncated: {0}")]
    Truncated(String),
    /// A structure in the file contradicts itself or the file (offsets, lengths, shapes).
    #[error("{0}")]
    Malformed(String),
    /// The pickle asks for something this reader does not do (it never executes code).
    #[error("refused: {0}")]
    Refused(String),
    /// The file is readable but holds no state_dict of tensors.
    #[error("{0}")]
    NoTensors(String),
}

pub(crate) fn truncated(what: impl Into<String>) -> CheckpointError {
    CheckpointError::Truncated(what.into())
}

pub(crate) fn malformed(what: impl Into<String>) -> CheckpointError {
    CheckpointError::Malformed(what.into())
}
