//! safetensors: an 8-byte little-endian header length, a JSON header naming each tensor's type,
//! shape and byte range, then the data. Everything the header says is checked against the file
//! before any tensor is read: the header fits, each range lies in the data, holds exactly its
//! shape's bytes and overlaps no other.

use serde::Deserialize;
use std::collections::BTreeMap;

use crate::error::{malformed, truncated, CheckpointError};
use crate::tensor::{contiguous, natural_cmp, DType, Place, Tensor};

/// Headers above this are refused before parsing (real ones are a few hundred KB).
const MAX_HEADER: u64 = 100 << 20;

/// Whether `bytes` start like a safetensors file.
pub(crate) fn looks_like(bytes: &[u8]) -> bool {
    bytes.len() >= 9
        && bytes[8] == b'{'
        && u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")) <= MAX_HEADER
}

#[derive(Deserialize)]
struct Entry {
    dtype: String,
    shape: Vec<u64>,
    data_offsets: [u64; 2],
}

fn dtype(s: &str) -> DType {
    match s {
        "F16" => DType::F16,
        "BF16" => DType::BF16,
        "F32" => DType::F32,
        "F64" => DType::F64,
        other => DType::Other(other.to_string()),
    }
}

/// Bytes per element of the types safetensors defines, for checking ranges of every tensor,
/// decoded or not.
fn element_bits(s: &str) -> Option<u64> {
    Some(match s {
        "BOOL" | "U8" | "I8" | "F8_E5M2" | "F8_E4M3" | "F8_E8M0" => 8,
        "I16" | "U16" | "F16" | "BF16" => 16,
        "I32" | "U32" | "F32" => 32,
        "I64" | "U64" | "F64" | "C64" => 64,
        "F4" => 4,
        "F6_E2M3" | "F6_E3M2" => 6,
        _ => return None,
    })
}

/// Where the data section starts, and the header's entries by name.
type Header = (usize, BTreeMap<String, serde_json::Value>);

/// The header: its length (checked against the file) and its JSON.
fn header(bytes: &[u8]) -> Result<Header, CheckpointError> {
    if bytes.len() < 8 {
        return Err(truncated(format!(
            "{} bytes, shorter than the header length",
            bytes.len()
        )));
    }
    let n = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"));
    if n > MAX_HEADER {
        return Err(malformed(format!(
            "a header of {n} bytes (over {MAX_HEADER})"
        )));
    }
    let data_start = 8 + n as usize;
    if data_start > bytes.len() {
        return Err(truncated(format!(
            "the header announces {n} bytes but the file has {} after the length",
            bytes.len() - 8
        )));
    }
    let header = serde_json::from_slice(&bytes[8..data_start])
        .map_err(|e| malformed(format!("header (bytes 8..{data_start}): {e}")))?;
    Ok((data_start, header))
}

/// The tensors of a safetensors file, in numeric-aware name order (the header is a JSON object,
/// whose writers sort it by name: the file keeps no model order).
pub(crate) fn read(bytes: &[u8]) -> Result<Vec<Tensor>, CheckpointError> {
    let (data_start, header) = header(bytes)?;
    let data_len = (bytes.len() - data_start) as u64;
    let mut tensors = vec![];
    let mut ranges = vec![];
    for (name, v) in header {
        if name == "__metadata__" {
            continue;
        }
        let bad = |why: String| malformed(format!("header entry {name:?}: {why}"));
        let e: Entry = serde_json::from_value(v).map_err(|e| bad(e.to_string()))?;
        let [begin, end] = e.data_offsets;
        if begin > end || end > data_len {
            let what = format!("bytes {begin}..{end} of a data section of {data_len}");
            return Err(if end > data_len && begin <= end {
                truncated(format!("tensor {name:?}: {what}"))
            } else {
                bad(what)
            });
        }
        let numel = e.shape.iter().try_fold(1u64, |n, &d| n.checked_mul(d));
        let want = element_bits(&e.dtype)
            .and_then(|b| numel?.checked_mul(b))
            .map(|bits| bits.div_ceil(8));
        match want {
            Some(w) if w == end - begin => {}
            Some(w) => {
                return Err(bad(format!(
                    "{} {:?} needs {w} bytes, its range holds {}",
                    e.dtype,
                    e.shape,
                    end - begin
                )))
            }
            None => {
                return Err(bad(format!(
                    "unknown dtype {:?} or a shape that overflows",
                    e.dtype
                )))
            }
        }
        ranges.push((begin, end, name.clone()));
        let shape: Vec<usize> = e.shape.iter().map(|&d| d as usize).collect();
        let dt = dtype(&e.dtype);
        let len = match dt.size() {
            Some(s) => ((end - begin) as usize) / s,
            None => 0,
        };
        tensors.push(Tensor {
            name,
            dtype: dt,
            place: Place {
                start: data_start + begin as usize,
                len,
                offset: 0,
                strides: contiguous(&shape),
                big_endian: false,
            },
            shape,
        });
    }
    ranges.sort();
    for w in ranges.windows(2) {
        if w[1].0 < w[0].1 {
            return Err(malformed(format!(
                "tensors {:?} and {:?} overlap in the data section",
                w[0].2, w[1].2
            )));
        }
    }
    tensors.sort_by(|a, b| natural_cmp(&a.name, &b.name));
    Ok(tensors)
}

/// A safetensors file of `(name, dtype, shape, little-endian bytes)`, as the Python library
/// writes it (for tests).
#[cfg(test)]
pub fn write(tensors: &[(&str, &str, Vec<u64>, Vec<u8>)]) -> Vec<u8> {
    let mut header = serde_json::Map::new();
    let mut data = vec![];
    for (name, dtype, shape, bytes) in tensors {
        let begin = data.len();
        data.extend_from_slice(bytes);
        header.insert(
            name.to_string(),
            serde_json::json!({"dtype": dtype, "shape": shape, "data_offsets": [begin, data.len()]}),
        );
    }
    let mut h = serde_json::to_vec(&header).expect("json");
    while h.len() % 8 != 0 {
        h.push(b' ');
    }
    let mut out = (h.len() as u64).to_le_bytes().to_vec();
    out.extend(h);
    out.extend(data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f32s(n: usize) -> Vec<u8> {
        (0..n).flat_map(|i| (i as f32).to_le_bytes()).collect()
    }

    #[test]
    fn reads_in_natural_order() {
        let file = write(&[
            ("layer10.weight", "F32", vec![1, 1, 3, 3], f32s(9)),
            ("layer2.weight", "F32", vec![2, 1, 3, 3], f32s(18)),
            ("step", "I64", vec![], vec![0; 8]),
        ]);
        assert!(looks_like(&file));
        let t = read(&file).unwrap();
        let names: Vec<&str> = t.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["layer2.weight", "layer10.weight", "step"]);
        assert_eq!(t[0].values(&file, &[0, 1, 2, 3]).unwrap()[17], 17.0);
        assert_eq!(t[2].dtype, DType::Other("I64".into()));
    }

    #[test]
    fn lies_in_the_header_are_refused() {
        let good = write(&[("a", "F32", vec![2], f32s(2))]);
        // Cut short: the data, then the header.
        assert!(matches!(
            read(&good[..good.len() - 1]),
            Err(CheckpointError::Truncated(_))
        ));
        assert!(matches!(
            read(&good[..12]),
            Err(CheckpointError::Truncated(_))
        ));
        // A shape that does not fit the range, overlapping ranges, a huge header length.
        let wrong = write(&[("a", "F32", vec![3], f32s(2))]);
        assert!(read(&wrong)
            .unwrap_err()
            .to_string()
            .contains("needs 12 bytes"));
        let mut twice = write(&[
            ("a", "F32", vec![2], f32s(2)),
            ("b", "F32", vec![2], f32s(2)),
        ]);
        let text = String::from_utf8_lossy(&twice).replace("[8,16]", "[4,12]");
        twice = text.into_bytes();
        assert!(read(&twice).unwrap_err().to_string().contains("overlap"));
        let mut huge = good.clone();
        huge[..8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(read(&huge).is_err());
    }
}
