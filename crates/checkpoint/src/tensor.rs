//! A tensor as a checkpoint stores it: a name, an element type, a shape, and where its elements
//! lie in the file (a storage, an offset into it and strides, as PyTorch keeps them; safetensors
//! tensors are the contiguous case). Decoding gathers the elements in any axis order, checked
//! against the storage first, so a forged shape or stride can neither read past the file nor ask
//! for a huge allocation.

use crate::error::{malformed, CheckpointError};

/// An element type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DType {
    /// IEEE half precision.
    F16,
    /// bfloat16 (the top half of an f32).
    BF16,
    /// f32.
    F32,
    /// f64.
    F64,
    /// Any other type (integers, booleans, complex, quantized): listed, never decoded.
    Other(String),
}

impl DType {
    /// Bytes per element of the float types; None for the others.
    pub fn size(&self) -> Option<usize> {
        match self {
            DType::F16 | DType::BF16 => Some(2),
            DType::F32 => Some(4),
            DType::F64 => Some(8),
            DType::Other(_) => None,
        }
    }

    /// The name the report shows (safetensors' spelling).
    pub fn name(&self) -> &str {
        match self {
            DType::F16 => "F16",
            DType::BF16 => "BF16",
            DType::F32 => "F32",
            DType::F64 => "F64",
            DType::Other(s) => s,
        }
    }
}

/// Where a tensor's elements are: `len` elements of its type from byte `start` of the file, the
/// tensor's first at element `offset`, then `strides` (in elements) per axis.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Place {
    pub start: usize,
    pub len: usize,
    pub offset: usize,
    pub strides: Vec<usize>,
    pub big_endian: bool,
}

/// One named tensor of a checkpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    /// Its key in the state_dict (or the safetensors header).
    pub name: String,
    /// Its element type.
    pub dtype: DType,
    /// Its shape.
    pub shape: Vec<usize>,
    pub(crate) place: Place,
}

/// Row-major strides of `shape`.
pub(crate) fn contiguous(shape: &[usize]) -> Vec<usize> {
    let mut strides = vec![1usize; shape.len()];
    for k in (0..shape.len().saturating_sub(1)).rev() {
        strides[k] = strides[k + 1].saturating_mul(shape[k + 1]);
    }
    strides
}

fn f16_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = ((bits >> 10) & 0x1f) as i32;
    let frac = (bits & 0x3ff) as f64;
    sign * match exp {
        0 => frac * 2f64.powi(-24),
        31 if frac == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1.0 + frac / 1024.0) * 2f64.powi(e - 15),
    }
}

impl Tensor {
    /// A tensor whose elements fill a buffer of its own, row-major and little-endian (a C-ordered
    /// numpy array, for one): the buffer, not a file, is what [`Tensor::values`] then reads.
    pub fn in_memory(name: impl Into<String>, dtype: DType, shape: Vec<usize>) -> Tensor {
        let len = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
        Tensor {
            name: name.into(),
            dtype,
            place: Place {
                start: 0,
                // An impossible length for an impossible shape: decoding then refuses it.
                len: len.unwrap_or(usize::MAX),
                offset: 0,
                strides: contiguous(&shape),
                big_endian: false,
            },
            shape,
        }
    }

    /// Number of elements.
    pub fn numel(&self) -> Option<usize> {
        self.shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d))
    }

    /// The elements as f64, the axes taken in the order `axes` (a permutation of 0..rank):
    /// `[0, 1, 2, 3]` is the stored order, `[3, 2, 0, 1]` turns a `[kh, kw, in, out]` kernel
    /// into `[out, in, kh, kw]`. `bytes` is the whole file.
    pub fn values(&self, bytes: &[u8], axes: &[usize]) -> Result<Vec<f64>, CheckpointError> {
        let mut out = Vec::with_capacity(self.numel().unwrap_or(0).min(bytes.len()));
        self.each_value(bytes, axes, |v| out.push(v))?;
        Ok(out)
    }

    /// Checks that the elements [`Tensor::each_value`] would read in the order `axes` lie in
    /// `bytes`; their element size and count (0: nothing to read).
    fn check(&self, bytes: &[u8], axes: &[usize]) -> Result<(usize, usize), CheckpointError> {
        let bad = |why: String| malformed(format!("tensor {:?}: {why}", self.name));
        let size = self
            .dtype
            .size()
            .ok_or_else(|| bad(format!("{} is not a float type", self.dtype.name())))?;
        let p = &self.place;
        let rank = self.shape.len();
        let mut sorted = axes.to_vec();
        sorted.sort_unstable();
        if p.strides.len() != rank || sorted != (0..rank).collect::<Vec<_>>() {
            return Err(bad("its strides or axes do not match its shape".into()));
        }
        let numel = self
            .numel()
            .ok_or_else(|| bad("its shape overflows".into()))?;
        if numel == 0 {
            return Ok((size, 0));
        }
        // The last element it reads must lie in its storage, and the storage in the file.
        let last = self
            .shape
            .iter()
            .zip(&p.strides)
            .try_fold(p.offset, |at, (&d, &s)| {
                (d - 1).checked_mul(s)?.checked_add(at)
            })
            .ok_or_else(|| bad("its strides overflow".into()))?;
        if last >= p.len {
            return Err(bad(format!(
                "it reads element {last} of a storage of {} elements",
                p.len
            )));
        }
        if numel > p.len {
            return Err(bad(format!(
                "{numel} elements from a storage of {} (an expanded view; save a copy)",
                p.len
            )));
        }
        let end = p.len.checked_mul(size).and_then(|n| n.checked_add(p.start));
        if end.is_none_or(|e| e > bytes.len()) {
            return Err(bad("its storage lies past the end of the file".into()));
        }
        Ok((size, numel))
    }

    /// [`Tensor::values`] one at a time, into `sink` (the caller keeps them in its own shape).
    pub fn each_value(
        &self,
        bytes: &[u8],
        axes: &[usize],
        mut sink: impl FnMut(f64),
    ) -> Result<(), CheckpointError> {
        let (size, numel) = self.check(bytes, axes)?;
        if numel == 0 {
            return Ok(());
        }
        let (p, rank) = (&self.place, self.shape.len());
        let shape: Vec<usize> = axes.iter().map(|&a| self.shape[a]).collect();
        let strides: Vec<usize> = axes.iter().map(|&a| p.strides[a]).collect();
        let read = |i: usize| -> f64 {
            let at = p.start + i * size;
            let mut b = [0u8; 8];
            b[..size].copy_from_slice(&bytes[at..at + size]);
            if p.big_endian {
                b[..size].reverse();
            }
            match self.dtype {
                DType::F16 => f16_to_f64(u16::from_le_bytes([b[0], b[1]])),
                DType::BF16 => {
                    f32::from_bits(u32::from(u16::from_le_bytes([b[0], b[1]])) << 16) as f64
                }
                DType::F32 => f32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64,
                _ => f64::from_le_bytes(b),
            }
        };
        if strides == contiguous(&shape) {
            // The common case (a PyTorch kernel as stored): one pass over a slice.
            (p.offset..p.offset + numel).for_each(|i| sink(read(i)));
            return Ok(());
        }
        let mut index = vec![0usize; rank];
        let mut at = p.offset;
        for _ in 0..numel {
            sink(read(at));
            // Odometer over the (permuted) index, last axis fastest.
            for k in (0..rank).rev() {
                index[k] += 1;
                at += strides[k];
                if index[k] < shape[k] {
                    break;
                }
                at -= strides[k] * shape[k];
                index[k] = 0;
            }
        }
        Ok(())
    }
}

/// `a` before `b` with digit runs compared as numbers: `layer2` before `layer10`.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn runs(s: &str) -> Vec<(bool, &str)> {
        let mut out = vec![];
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    let (ra, rb) = (runs(a), runs(b));
    for (x, y) in ra.iter().zip(&rb) {
        let o = match (x, y) {
            ((true, p), (true, q)) => {
                let (p, q) = (p.trim_start_matches('0'), q.trim_start_matches('0'));
                p.len().cmp(&q.len()).then(p.cmp(q))
            }
            ((_, p), (_, q)) => p.cmp(q),
        };
        if o.is_ne() {
            return o;
        }
    }
    ra.len().cmp(&rb.len()).then(a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tensor(shape: Vec<usize>, strides: Vec<usize>, offset: usize, len: usize) -> Tensor {
        Tensor {
            name: "t".into(),
            dtype: DType::F32,
            shape,
            place: Place {
                start: 0,
                len,
                offset,
                strides,
                big_endian: false,
            },
        }
    }

    fn f32s(v: &[f32]) -> Vec<u8> {
        v.iter().flat_map(|x| x.to_le_bytes()).collect()
    }

    #[test]
    fn strided_and_permuted_reads() {
        let bytes = f32s(&[0., 1., 2., 3., 4., 5.]);
        let t = tensor(vec![2, 3], vec![3, 1], 0, 6);
        assert_eq!(t.values(&bytes, &[0, 1]).unwrap(), [0., 1., 2., 3., 4., 5.]);
        assert_eq!(t.values(&bytes, &[1, 0]).unwrap(), [0., 3., 1., 4., 2., 5.]);
        // A column-major view with an offset.
        let t = tensor(vec![2, 2], vec![1, 2], 1, 6);
        assert_eq!(t.values(&bytes, &[0, 1]).unwrap(), [1., 3., 2., 4.]);
    }

    #[test]
    fn forged_places_are_refused() {
        let bytes = f32s(&[0., 1., 2., 3.]);
        for t in [
            tensor(vec![2, 3], vec![3, 1], 0, 4),
            tensor(vec![2, 2], vec![2, 1], 1, 4),
            tensor(vec![4], vec![1], 0, 8),
            tensor(vec![usize::MAX, 2], vec![2, 1], 0, 4),
            tensor(vec![8], vec![0], 0, 4),
        ] {
            assert!(t.values(&bytes, &[0, 1][..t.shape.len()]).is_err(), "{t:?}");
        }
    }

    #[test]
    fn half_types_decode() {
        assert_eq!(f16_to_f64(0x3c00), 1.0);
        assert_eq!(f16_to_f64(0xc000), -2.0);
        assert_eq!(f16_to_f64(0x0001), 2f64.powi(-24));
        let mut t = tensor(vec![2], vec![1], 0, 2);
        t.dtype = DType::BF16;
        let bytes = [0x80, 0x3f, 0x00, 0xc0];
        assert_eq!(t.values(&bytes, &[0]).unwrap(), [1.0, -2.0]);
    }

    #[test]
    fn names_sort_by_their_numbers() {
        let mut v = vec![
            "layer10.conv",
            "layer2.conv",
            "layer1.conv",
            "fc",
            "layer02.a",
        ];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            v,
            [
                "fc",
                "layer1.conv",
                "layer02.a",
                "layer2.conv",
                "layer10.conv"
            ]
        );
    }
}
