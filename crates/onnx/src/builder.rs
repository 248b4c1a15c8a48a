//! Writes small ONNX models: a chain of convolutions from one graph input. Tests and fixture
//! generators use it to make models whose filters and depths are known.

use prost::Message;

use crate::proto::{
    dtype, AttributeProto, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, TensorProto,
    ValueInfoProto,
};

/// How a conv's weight is stored in the written model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// A float32 initializer with raw_data.
    Float32,
    /// A float16 initializer with raw_data.
    Float16,
    /// A double initializer in double_data.
    Double,
    /// A float32 tensor in a `Constant` node.
    Constant,
}

/// One conv of the chain.
#[derive(Debug, Clone)]
pub struct ConvSpec {
    /// Output channels.
    pub out_channels: usize,
    /// Input channels (per group).
    pub in_channels: usize,
    /// Kernel size (square).
    pub k: usize,
    /// Weights in (out, in, k, k) order.
    pub weights: Vec<f64>,
    /// How the weight is stored.
    pub storage: Storage,
    /// When true the conv also takes the graph input directly (a skip connection), which does not
    /// change its longest-path depth.
    pub skip_from_input: bool,
}

fn f32_to_f16_bits(v: f32) -> u16 {
    // Round-to-nearest-even conversion for normal values; tests use values representable in f16.
    let bits = v.to_bits();
    let sign = ((bits >> 16) & 0x8000) as u16;
    let exp = ((bits >> 23) & 0xff) as i32 - 127 + 15;
    let mant = bits & 0x7f_ffff;
    if v == 0.0 {
        return sign;
    }
    if exp <= 0 {
        // Subnormal in f16.
        let m = (mant | 0x80_0000) >> (1 - exp + 13);
        return sign | m as u16;
    }
    let mut h = sign as u32 | ((exp as u32) << 10) | (mant >> 13);
    let rem = mant & 0x1fff;
    if rem > 0x1000 || (rem == 0x1000 && (h & 1) == 1) {
        h += 1;
    }
    h as u16
}

fn weight_tensor(name: &str, c: &ConvSpec) -> TensorProto {
    let dims = vec![
        c.out_channels as i64,
        c.in_channels as i64,
        c.k as i64,
        c.k as i64,
    ];
    let mut t = TensorProto {
        name: name.to_string(),
        dims,
        ..Default::default()
    };
    match c.storage {
        Storage::Float32 | Storage::Constant => {
            t.data_type = dtype::FLOAT;
            t.raw_data = c
                .weights
                .iter()
                .flat_map(|&v| (v as f32).to_le_bytes())
                .collect::<Vec<u8>>()
                .into();
        }
        Storage::Float16 => {
            t.data_type = dtype::FLOAT16;
            t.raw_data = c
                .weights
                .iter()
                .flat_map(|&v| f32_to_f16_bits(v as f32).to_le_bytes())
                .collect::<Vec<u8>>()
                .into();
        }
        Storage::Double => {
            t.data_type = dtype::DOUBLE;
            t.double_data = c.weights.clone();
        }
    }
    t
}

/// Serializes a model: input `x` -> Conv 0 -> Relu -> Conv 1 -> Relu -> ... -> output.
pub fn conv_chain(convs: &[ConvSpec]) -> Vec<u8> {
    let mut g = GraphProto {
        name: "chain".into(),
        input: vec![ValueInfoProto { name: "x".into() }],
        ..Default::default()
    };
    let mut prev = "x".to_string();
    for (i, c) in convs.iter().enumerate() {
        let w = format!("w{i}");
        match c.storage {
            Storage::Constant => g.node.push(NodeProto {
                op_type: "Constant".into(),
                name: format!("const{i}"),
                output: vec![w.clone()],
                attribute: vec![AttributeProto {
                    name: "value".into(),
                    r#type: 4,
                    t: Some(weight_tensor(&w, c)),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            _ => g.initializer.push(weight_tensor(&w, c)),
        }
        let out = format!("c{i}");
        g.node.push(NodeProto {
            op_type: "Conv".into(),
            name: format!("conv{i}"),
            input: vec![prev.clone(), w],
            output: vec![out.clone()],
            ..Default::default()
        });
        let mut act_in = vec![out];
        if c.skip_from_input {
            act_in.push("x".into());
        }
        let act = format!("r{i}");
        g.node.push(NodeProto {
            op_type: if c.skip_from_input { "Add" } else { "Relu" }.into(),
            name: format!("act{i}"),
            input: act_in,
            output: vec![act.clone()],
            ..Default::default()
        });
        prev = act;
    }
    g.output.push(ValueInfoProto { name: prev });
    ModelProto {
        ir_version: 8,
        producer_name: "filterscope-onnx builder".into(),
        graph: Some(g),
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: 13,
        }],
    }
    .encode_to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read_model, NoExternalData};

    fn spec(out: usize, inp: usize, k: usize, storage: Storage) -> ConvSpec {
        let n = out * inp * k * k;
        ConvSpec {
            out_channels: out,
            in_channels: inp,
            k,
            weights: (0..n).map(|i| ((i % 17) as f64 - 8.0) / 16.0).collect(),
            storage,
            skip_from_input: false,
        }
    }

    #[test]
    fn chain_round_trips_with_depths() {
        let convs = vec![
            spec(4, 3, 3, Storage::Float32),
            spec(4, 4, 1, Storage::Double),
            spec(2, 4, 3, Storage::Constant),
            spec(2, 2, 3, Storage::Float16),
        ];
        let bytes = conv_chain(&convs);
        let m = read_model(&bytes, &NoExternalData).unwrap();
        assert_eq!(m.layers.len(), 4);
        let depths: Vec<_> = m.layers.iter().map(|l| l.conv_depth).collect();
        assert_eq!(depths, vec![0, 1, 2, 3]);
        let norms: Vec<_> = m.layers.iter().map(|l| l.conv_depth_norm).collect();
        assert_eq!(norms, vec![0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0]);
        for (l, c) in m.layers.iter().zip(&convs) {
            if c.k == 3 {
                assert_eq!(l.weights.as_ref().unwrap(), &c.weights, "{}", l.name);
            } else {
                assert!(l.weights.is_none());
            }
        }
        assert_eq!(m.n_filters(), 12 + 8 + 4);
        assert_eq!(m.layers[0].filters().len(), 12);
    }

    #[test]
    fn garbage_is_not_onnx() {
        assert!(matches!(
            read_model(b"\xff\xff\xff\xff not a model", &NoExternalData),
            Err(crate::OnnxError::NotOnnx(_))
        ));
    }
}
