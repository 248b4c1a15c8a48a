//! Reads the conv kernels of the files researchers hold, recognised by their content: Hugging
//! Face safetensors, and PyTorch `torch.save` files in both layouts (the zip of 1.6 and later,
//! the legacy row of pickles before it). A state_dict, or a checkpoint dict holding one under a
//! known key ([`STATE_DICT_KEYS`]).
//!
//! Nothing in a file is executed: the pickle reader understands only the tensor-rebuild subset
//! torch writes and refuses anything else by name. Every offset and length is checked against
//! the file before it is used, so a truncated or forged file is an error, never a panic or a
//! huge allocation. Reading is two steps, so a caller holds one tensor's values at a time:
//! [`Checkpoint::read`] lists the tensors (no values), [`Checkpoint::filters`] decodes one.
//!
//! ```
//! use filterscope_checkpoint::{Checkpoint, Format};
//! // A safetensors file with one 1x1x3x3 conv kernel.
//! let header = br#"{"conv.weight":{"dtype":"F32","shape":[1,1,3,3],"data_offsets":[0,36]}}"#;
//! let mut file = (header.len() as u64).to_le_bytes().to_vec();
//! file.extend(header);
//! file.extend((0..9).flat_map(|i| (i as f32).to_le_bytes()));
//! let c = Checkpoint::read(&file).unwrap();
//! assert_eq!(c.format, Format::Safetensors);
//! let k = &c.kernels[0];
//! assert_eq!((k.out_channels, k.in_channels, k.kernel), (1, 1, [3, 3]));
//! assert_eq!(c.filters(k, &file).unwrap()[0][8], 8.0);
//! ```
#![deny(missing_docs)]

mod error;
mod kernels;
mod pickle;
mod safetensors;
mod tensor;
mod torch;
mod zip;

#[cfg(feature = "fuzzing")]
pub mod fuzzing;

pub use error::CheckpointError;
pub use kernels::{Kernel, Layout, Skipped};
pub use tensor::{natural_cmp, DType, Tensor};
pub use torch::STATE_DICT_KEYS;

/// The formats this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Hugging Face safetensors.
    Safetensors,
    /// `torch.save`, zip (PyTorch 1.6 and later).
    TorchZip,
    /// `torch.save`, legacy (before 1.6, or `_use_new_zipfile_serialization=False`).
    TorchLegacy,
    /// Named arrays handed over in memory ([`Checkpoint::of_arrays`]): a Python mapping of names
    /// to numpy arrays, a state_dict's tensors among them. Never a file's format.
    Arrays,
}

impl Format {
    /// The name the report shows.
    pub fn name(self) -> &'static str {
        match self {
            Format::Safetensors => "safetensors",
            Format::TorchZip => "PyTorch (zip)",
            Format::TorchLegacy => "PyTorch (legacy)",
            Format::Arrays => "arrays",
        }
    }

    /// The format `bytes` are in, by their first bytes; None for anything else (ONNX has no
    /// signature: its reader decides).
    pub fn of(bytes: &[u8]) -> Option<Format> {
        if zip::looks_like(bytes) {
            Some(Format::TorchZip)
        } else if torch::looks_legacy(bytes) {
            Some(Format::TorchLegacy)
        } else if safetensors::looks_like(bytes) {
            Some(Format::Safetensors)
        } else {
            None
        }
    }
}

/// A checkpoint's tensors and kernels, without their values.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    /// The file's format.
    pub format: Format,
    /// The checkpoint dict's key whose value was read as the state_dict (None: the file is the
    /// state_dict itself).
    pub key: Option<String>,
    /// Every tensor, in the order that stands for depth (see [`Checkpoint::order`]).
    pub tensors: Vec<Tensor>,
    /// The tensors taken as conv kernels, in that order.
    pub kernels: Vec<Kernel>,
    /// What was not taken (tensors, and entries that are not tensors), and why.
    pub skipped: Vec<Skipped>,
}

impl Checkpoint {
    /// Lists the tensors of `bytes` (the whole file) and picks the kernels.
    pub fn read(bytes: &[u8]) -> Result<Checkpoint, CheckpointError> {
        let format = Format::of(bytes).ok_or_else(|| {
            CheckpointError::Unknown(
                "its first bytes are neither a zip, a torch pickle nor a safetensors header".into(),
            )
        })?;
        let (key, tensors, other) = match format {
            Format::Safetensors => (None, safetensors::read(bytes)?, vec![]),
            Format::TorchZip => torch::read_zip(bytes)?,
            Format::TorchLegacy => torch::read_legacy(bytes)?,
            Format::Arrays => unreachable!("Format::of never says Arrays"),
        };
        let (kernels, mut skipped) = kernels::kernels(&tensors);
        skipped.extend(other.into_iter().map(|(name, what)| Skipped {
            name,
            shape: vec![],
            why: format!("{what}, not a tensor"),
        }));
        Ok(Checkpoint {
            format,
            key,
            tensors,
            kernels,
            skipped,
        })
    }

    /// Named arrays held in memory, each in its own buffer: `tensors` made by
    /// [`Tensor::in_memory`], in the order that stands for depth (a state_dict's is the model's
    /// registration order). [`Checkpoint::filters`] then takes the kernel's own buffer.
    ///
    /// ```
    /// use filterscope_checkpoint::{Checkpoint, DType, Tensor};
    /// let values: Vec<u8> = (0..18).flat_map(|i| (i as f32).to_le_bytes()).collect();
    /// let c = Checkpoint::of_arrays(vec![
    ///     Tensor::in_memory("conv.weight", DType::F32, vec![2, 1, 3, 3]),
    ///     Tensor::in_memory("conv.bias", DType::F32, vec![2]),
    /// ]);
    /// assert_eq!((c.kernels.len(), c.skipped.len()), (1, 1));
    /// assert_eq!(c.filters(&c.kernels[0], &values).unwrap()[1][0], 9.0);
    /// ```
    pub fn of_arrays(tensors: Vec<Tensor>) -> Checkpoint {
        let (kernels, skipped) = kernels::kernels(&tensors);
        Checkpoint {
            format: Format::Arrays,
            key: None,
            tensors,
            kernels,
            skipped,
        }
    }

    /// How the tensors are ordered, for the report.
    pub fn order(&self) -> &'static str {
        match self.format {
            Format::Safetensors => {
                "tensor names, numbers compared as numbers (safetensors keeps no model order)"
            }
            Format::Arrays => "the mapping's (the order its names were given)",
            _ => "the file's (the model's registration order)",
        }
    }

    /// A 3x3 kernel's filters in `[out, in]` order, each `[kh, kw]` row-major, whatever its
    /// layout; `bytes` is the file [`Checkpoint::read`] listed. Decoded straight into filters:
    /// the kernel is held once.
    pub fn filters(&self, k: &Kernel, bytes: &[u8]) -> Result<Vec<[f64; 9]>, CheckpointError> {
        let t = self
            .tensors
            .get(k.tensor)
            .ok_or_else(|| CheckpointError::Malformed(format!("no tensor {}", k.tensor)))?;
        if k.kernel != [3, 3] {
            return Err(CheckpointError::Malformed(format!(
                "tensor {:?}: {}x{} kernels, not 3x3 filters",
                t.name, k.kernel[0], k.kernel[1]
            )));
        }
        let mut out = Vec::with_capacity((k.out_channels * k.in_channels).min(bytes.len() / 9));
        let (mut f, mut n) = ([0.0; 9], 0);
        t.each_value(bytes, &k.layout.axes(), |v| {
            f[n] = v;
            n += 1;
            if n == 9 {
                out.push(f);
                n = 0;
            }
        })?;
        Ok(out)
    }
}
