//! Tensor payloads to f64: float32, float16, bfloat16 and double, inline or in external data files,
//! and int8/uint8 through DequantizeLinear.

use crate::proto::{dtype, TensorProto, LOCATION_EXTERNAL};
use crate::{ExternalData, OnnxError};

/// Human name of an ONNX data type, for messages.
pub fn dtype_name(t: i32) -> &'static str {
    match t {
        1 => "float32",
        2 => "uint8",
        3 => "int8",
        4 => "uint16",
        5 => "int16",
        6 => "int32",
        7 => "int64",
        8 => "string",
        9 => "bool",
        10 => "float16",
        11 => "double",
        12 => "uint32",
        13 => "uint64",
        16 => "bfloat16",
        _ => "an unknown type",
    }
}

fn element_count(t: &TensorProto) -> Result<usize, OnnxError> {
    t.dims.iter().try_fold(1usize, |acc, &d| {
        usize::try_from(d)
            .ok()
            .and_then(|d| acc.checked_mul(d))
            .ok_or_else(|| OnnxError::BadTensor {
                tensor: t.name.clone(),
                problem: format!(
                    "its shape {:?} has a negative size or more values than can be held here",
                    t.dims
                ),
            })
    })
}

/// The raw little-endian bytes of a tensor stored as raw_data or in an external file.
fn raw_bytes<'a>(
    t: &'a TensorProto,
    external: &dyn ExternalData,
) -> Result<Option<std::borrow::Cow<'a, [u8]>>, OnnxError> {
    if t.data_location == LOCATION_EXTERNAL {
        let get = |k: &str| {
            t.external_data
                .iter()
                .find(|e| e.key == k)
                .map(|e| e.value.as_str())
        };
        let location = get("location").ok_or_else(|| OnnxError::BadTensor {
            tensor: t.name.clone(),
            problem: "external data without a location".into(),
        })?;
        let parse = |k: &str| -> Result<Option<u64>, OnnxError> {
            get(k)
                .map(|v| {
                    v.parse::<u64>().map_err(|_| OnnxError::BadTensor {
                        tensor: t.name.clone(),
                        problem: format!("external data {k} {v:?} is not a number"),
                    })
                })
                .transpose()
        };
        let offset = parse("offset")?.unwrap_or(0);
        let length = parse("length")?;
        let bytes =
            external
                .read(location, offset, length)
                .map_err(|problem| OnnxError::External {
                    tensor: t.name.clone(),
                    location: location.to_string(),
                    problem,
                })?;
        return Ok(Some(bytes.into()));
    }
    if !t.raw_data.is_empty() {
        return Ok(Some(std::borrow::Cow::Borrowed(&t.raw_data[..])));
    }
    Ok(None)
}

fn check_len(t: &TensorProto, got: usize, want: usize, unit: &str) -> Result<(), OnnxError> {
    if got != want {
        return Err(OnnxError::BadTensor {
            tensor: t.name.clone(),
            problem: format!("holds {got} {unit}, its shape {:?} needs {want}", t.dims),
        });
    }
    Ok(())
}

/// The bytes `n` values of `size` bytes take, if that is a number this machine can hold (a
/// 32-bit browser cannot for a shape claiming billions of values).
fn bytes(t: &TensorProto, n: usize, size: usize) -> Result<usize, OnnxError> {
    n.checked_mul(size).ok_or_else(|| OnnxError::BadTensor {
        tensor: t.name.clone(),
        problem: format!(
            "its shape {:?} claims more bytes than can be held here",
            t.dims
        ),
    })
}

/// The decoded values, if they are as many as the shape says.
fn checked(t: &TensorProto, values: Vec<f64>, want: usize) -> Result<Vec<f64>, OnnxError> {
    check_len(t, values.len(), want, "values")?;
    Ok(values)
}

fn unsupported(t: &TensorProto, dtype: i32) -> OnnxError {
    OnnxError::UnsupportedType {
        tensor: t.name.clone(),
        dtype: dtype_name(dtype),
    }
}

fn f16_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = ((bits >> 10) & 0x1f) as i32;
    let frac = (bits & 0x3ff) as f64;
    match exp {
        0 => sign * frac * 2f64.powi(-24),
        31 if frac == 0.0 => sign * f64::INFINITY,
        31 => f64::NAN,
        _ => sign * (1.0 + frac / 1024.0) * 2f64.powi(exp - 15),
    }
}

/// Decodes a float tensor (float32, float16, bfloat16, double) to f64, in storage order.
pub fn float_values(t: &TensorProto, external: &dyn ExternalData) -> Result<Vec<f64>, OnnxError> {
    let n = element_count(t)?;
    let raw = raw_bytes(t, external)?;
    let out: Vec<f64> = match (t.data_type, raw) {
        (dtype::FLOAT, Some(b)) => {
            check_len(t, b.len(), bytes(t, n, 4)?, "bytes")?;
            b.chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f64)
                .collect()
        }
        (dtype::FLOAT, None) => t.float_data.iter().map(|&v| v as f64).collect(),
        (dtype::DOUBLE, Some(b)) => {
            check_len(t, b.len(), bytes(t, n, 8)?, "bytes")?;
            b.chunks_exact(8)
                .map(|c| f64::from_le_bytes(c.try_into().expect("chunk of 8")))
                .collect()
        }
        (dtype::DOUBLE, None) => t.double_data.clone(),
        (dtype::FLOAT16, Some(b)) => {
            check_len(t, b.len(), bytes(t, n, 2)?, "bytes")?;
            b.chunks_exact(2)
                .map(|c| f16_to_f64(u16::from_le_bytes([c[0], c[1]])))
                .collect()
        }
        // float16 and bfloat16 without raw_data live in int32_data, one 16-bit pattern each.
        (dtype::FLOAT16, None) => t.int32_data.iter().map(|&v| f16_to_f64(v as u16)).collect(),
        (dtype::BFLOAT16, Some(b)) => {
            check_len(t, b.len(), bytes(t, n, 2)?, "bytes")?;
            b.chunks_exact(2)
                .map(|c| f32::from_bits((u16::from_le_bytes([c[0], c[1]]) as u32) << 16) as f64)
                .collect()
        }
        (dtype::BFLOAT16, None) => t
            .int32_data
            .iter()
            .map(|&v| f32::from_bits(((v as u16) as u32) << 16) as f64)
            .collect(),
        (other, _) => return Err(unsupported(t, other)),
    };
    checked(t, out, n)
}

/// Decodes an integer tensor (int8, uint8, int32) to f64, for dequantization.
pub fn int_values(t: &TensorProto, external: &dyn ExternalData) -> Result<Vec<f64>, OnnxError> {
    let n = element_count(t)?;
    let raw = raw_bytes(t, external)?;
    let out: Vec<f64> = match (t.data_type, raw) {
        (dtype::INT8, Some(b)) => b.iter().map(|&v| v as i8 as f64).collect(),
        (dtype::UINT8, Some(b)) => b.iter().map(|&v| v as f64).collect(),
        (dtype::INT32, Some(b)) => b
            .chunks_exact(4)
            .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f64)
            .collect(),
        (dtype::INT8, None) => t.int32_data.iter().map(|&v| v as i8 as f64).collect(),
        (dtype::UINT8, None) => t.int32_data.iter().map(|&v| v as u8 as f64).collect(),
        (dtype::INT32, None) => t.int32_data.iter().map(|&v| v as f64).collect(),
        (other, _) => return Err(unsupported(t, other)),
    };
    checked(t, out, n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoExternalData;

    #[test]
    fn half_precision_decodes() {
        assert_eq!(f16_to_f64(0x3c00), 1.0);
        assert_eq!(f16_to_f64(0xc000), -2.0);
        assert_eq!(f16_to_f64(0x3555), 0.333251953125);
        assert_eq!(f16_to_f64(0x0001), 2f64.powi(-24));
        assert_eq!(f16_to_f64(0x0000), 0.0);
    }

    #[test]
    fn float32_raw_and_typed_agree() {
        let vals = [1.5f32, -2.25, 0.0];
        let raw = TensorProto {
            dims: vec![3],
            data_type: dtype::FLOAT,
            raw_data: vals
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect::<Vec<u8>>()
                .into(),
            ..Default::default()
        };
        let typed = TensorProto {
            dims: vec![3],
            data_type: dtype::FLOAT,
            float_data: vals.to_vec(),
            ..Default::default()
        };
        let a = float_values(&raw, &NoExternalData).unwrap();
        assert_eq!(a, vec![1.5, -2.25, 0.0]);
        assert_eq!(a, float_values(&typed, &NoExternalData).unwrap());
    }

    #[test]
    fn wrong_length_is_an_error() {
        let t = TensorProto {
            name: "w".into(),
            dims: vec![4],
            data_type: dtype::FLOAT,
            float_data: vec![1.0; 3],
            ..Default::default()
        };
        let e = float_values(&t, &NoExternalData).unwrap_err();
        assert!(e.to_string().contains("holds 3 values"), "{e}");
    }
}
