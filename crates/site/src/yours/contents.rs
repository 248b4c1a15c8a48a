//! What a visitor's model file held and what was taken from it: the part of a report that
//! comes from the file itself (a model opened from a link has none).

use serde::{Deserialize, Serialize};

/// One tensor taken as a conv kernel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Taken {
    /// Its name in the file (the weight's initializer for ONNX).
    pub name: String,
    /// Its shape as stored.
    pub shape: Vec<usize>,
    /// How its axes are laid out: `out,in,kh,kw` or `kh,kw,in,out`.
    pub layout: String,
    /// Whether its filters were measured (3x3 kernels); the others count for depth only.
    pub filters: bool,
}

/// What a model file held and what was taken from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileReport {
    /// `ONNX`, `safetensors`, `PyTorch (zip)`, `PyTorch (legacy)`.
    pub format: String,
    /// The checkpoint dict's key whose value was read as the state_dict, if any.
    pub key: Option<String>,
    /// The order that stands for depth.
    pub order: String,
    /// Every kernel, in that order.
    pub taken: Vec<Taken>,
    /// Every tensor (and checkpoint entry) not taken, with the reason.
    pub skipped: Vec<filterscope_checkpoint::Skipped>,
}
