//! Which tensors of a checkpoint are conv kernels, how their axes are laid out, and the order
//! that stands for depth. The rule (docs/method.md says it for users):
//!
//! - a kernel is a 4-D float tensor whose name ends in `weight` (PyTorch: `[out, in/groups, kh,
//!   kw]`) or `kernel` (Keras and Flax: `[kh, kw, in, out]`); every other tensor is skipped, and
//!   the report says why;
//! - every kernel counts for depth, whatever its size (as every 4-D conv does in an ONNX graph),
//!   and only 3x3 kernels give filters;
//! - depth is the kernel's rank in the file's order (torch keeps the module's registration order;
//!   safetensors has none, so names are ordered with their numbers compared as numbers),
//!   normalised to 0..=1.

use serde::{Deserialize, Serialize};

use crate::tensor::Tensor;

/// How a kernel's axes are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Layout {
    /// `[out, in, kh, kw]` (PyTorch, ONNX).
    #[serde(rename = "out,in,kh,kw")]
    Oihw,
    /// `[kh, kw, in, out]` (Keras, Flax).
    #[serde(rename = "kh,kw,in,out")]
    Hwio,
}

impl Layout {
    /// The axes that turn this layout into `[out, in, kh, kw]`.
    pub fn axes(self) -> [usize; 4] {
        match self {
            Layout::Oihw => [0, 1, 2, 3],
            Layout::Hwio => [3, 2, 0, 1],
        }
    }
}

/// A tensor taken as a conv kernel.
#[derive(Debug, Clone, PartialEq)]
pub struct Kernel {
    /// Its index in [`crate::Checkpoint::tensors`].
    pub tensor: usize,
    /// Its layout.
    pub layout: Layout,
    /// Output channels.
    pub out_channels: usize,
    /// Input channels per group.
    pub in_channels: usize,
    /// Kernel height and width.
    pub kernel: [usize; 2],
    /// Its rank among the kernels, normalised to 0..=1 (0 when there is one).
    pub depth: f64,
}

/// A tensor that is not a kernel, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    /// Its name.
    pub name: String,
    /// Its shape (empty for entries that are not tensors).
    pub shape: Vec<usize>,
    /// Why it was skipped.
    pub why: String,
}

fn last_part(name: &str) -> &str {
    name.rsplit(['.', '/']).next().unwrap_or(name)
}

/// The kernels among `tensors` (in their order) and the tensors skipped.
pub fn kernels(tensors: &[Tensor]) -> (Vec<Kernel>, Vec<Skipped>) {
    let mut found = vec![];
    let mut skipped = vec![];
    for (i, t) in tensors.iter().enumerate() {
        let skip = |why: String| Skipped {
            name: t.name.clone(),
            shape: t.shape.clone(),
            why,
        };
        if t.dtype.size().is_none() {
            skipped.push(skip(format!("{}: not float weights", t.dtype.name())));
            continue;
        }
        if t.shape.len() != 4 {
            skipped.push(skip(format!("{}-D: not a conv kernel", t.shape.len())));
            continue;
        }
        let layout = match last_part(&t.name) {
            "weight" => Layout::Oihw,
            "kernel" => Layout::Hwio,
            _ => {
                skipped.push(skip(
                    "4-D, but named neither ...weight (PyTorch) nor ...kernel (Keras, Flax)".into(),
                ));
                continue;
            }
        };
        if t.shape.contains(&0) {
            skipped.push(skip("empty".into()));
            continue;
        }
        let s = &t.shape;
        let (out_channels, in_channels, kernel) = match layout {
            Layout::Oihw => (s[0], s[1], [s[2], s[3]]),
            Layout::Hwio => (s[3], s[2], [s[0], s[1]]),
        };
        found.push(Kernel {
            tensor: i,
            layout,
            out_channels,
            in_channels,
            kernel,
            depth: 0.0,
        });
    }
    let denom = found.len().saturating_sub(1);
    for (k, f) in found.iter_mut().enumerate() {
        f.depth = if denom == 0 {
            0.0
        } else {
            k as f64 / denom as f64
        };
    }
    (found, skipped)
}
