//! ONNX import details that need files: external data beside the model, and its safety.

use data_prep::source::onnx_dir::read_model_file;
use filterscope_onnx::proto::{
    dtype, GraphProto, ModelProto, NodeProto, StringStringEntryProto, TensorProto, ValueInfoProto,
};
use prost::Message;

fn model_with_external(location: &str, offset: u64, n: usize) -> Vec<u8> {
    let entry = |k: &str, v: String| StringStringEntryProto {
        key: k.into(),
        value: v,
    };
    let w = TensorProto {
        name: "w".into(),
        dims: vec![n as i64, 1, 3, 3],
        data_type: dtype::FLOAT,
        data_location: 1,
        external_data: vec![
            entry("location", location.into()),
            entry("offset", offset.to_string()),
            entry("length", (n * 9 * 4).to_string()),
        ],
        ..Default::default()
    };
    ModelProto {
        ir_version: 8,
        graph: Some(GraphProto {
            input: vec![ValueInfoProto { name: "x".into() }],
            initializer: vec![w],
            node: vec![NodeProto {
                op_type: "Conv".into(),
                name: "conv".into(),
                input: vec!["x".into(), "w".into()],
                output: vec!["y".into()],
                ..Default::default()
            }],
            ..Default::default()
        }),
        ..Default::default()
    }
    .encode_to_vec()
}

#[test]
fn external_data_is_read_from_beside_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let weights: Vec<f32> = (0..4 * 9).map(|i| i as f32 / 8.0 - 2.0).collect();
    let mut blob = vec![0u8; 16]; // the tensor starts at an offset
    blob.extend(weights.iter().flat_map(|v| v.to_le_bytes()));
    std::fs::write(dir.path().join("weights.bin"), &blob).unwrap();
    let model = dir.path().join("m.onnx");
    std::fs::write(&model, model_with_external("weights.bin", 16, 4)).unwrap();
    let m = read_model_file(&model).unwrap();
    assert_eq!(m.layers.len(), 1);
    let got: Vec<f64> = m.layers[0].filters().into_iter().flatten().collect();
    let want: Vec<f64> = weights.iter().map(|&v| v as f64).collect();
    assert_eq!(got, want);
}

#[test]
fn external_data_outside_the_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.onnx");
    std::fs::write(&model, model_with_external("../secret.bin", 0, 1)).unwrap();
    let e = read_model_file(&model).unwrap_err().to_string();
    assert!(e.contains("m.onnx: model: tensor \"w\": external data \"../secret.bin\": the location must be a plain path"), "{e}");
    std::fs::write(&model, model_with_external("short.bin", 0, 2)).unwrap();
    std::fs::write(dir.path().join("short.bin"), [0u8; 10]).unwrap();
    let e = read_model_file(&model).unwrap_err().to_string();
    assert!(e.contains("lie past its end (10 bytes)"), "{e}");
}
