//! The committed fixtures (tests/e2e/fixtures/make_checkpoints.py, written by torch, safetensors
//! and numpy themselves): one small CNN in every format reads as the same kernels with the same
//! values, and what must be refused is refused with a reason.

use std::path::PathBuf;

use filterscope_checkpoint::{Checkpoint, CheckpointError, DType, Format, Layout};

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/e2e/fixtures/checkpoints")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A kernel as read: its name without the suffix, shape [out, in, kh, kw], depth, values.
type Read = (String, [usize; 4], f64, Vec<f64>);

/// Every kernel of the fixture `name`.
fn kernels(name: &str) -> (Checkpoint, Vec<Read>) {
    let bytes = fixture(name);
    let c = Checkpoint::read(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    let k = c
        .kernels
        .iter()
        .map(|k| {
            let t = &c.tensors[k.tensor];
            let base = t
                .name
                .trim_end_matches("weight")
                .trim_end_matches("kernel")
                .to_string();
            let [kh, kw] = k.kernel;
            (
                base,
                [k.out_channels, k.in_channels, kh, kw],
                k.depth,
                // Every kernel's values in [out, in, kh, kw] order (the 1x1 one too).
                t.values(&bytes, &k.layout.axes()).unwrap(),
            )
        })
        .collect();
    (c, k)
}

#[test]
fn every_format_reads_the_same_kernels() {
    let (pt, want) = kernels("small.pt");
    assert_eq!(pt.format, Format::TorchZip);
    assert_eq!(pt.key, None);
    let names: Vec<&str> = want.iter().map(|k| k.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "features.0.",
            "features.3.",
            "features.5.",
            "features.7.",
            "features.9.",
            "features.11."
        ]
    );
    assert_eq!(want[2].1, [8, 8, 1, 1]);
    assert_eq!(want[0].1, [4, 3, 3, 3]);
    assert_eq!(
        want.iter().map(|k| k.2).collect::<Vec<_>>(),
        [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    );
    // The BatchNorm's tensors and the biases are listed as skipped, each with its reason.
    let bn = pt
        .skipped
        .iter()
        .find(|s| s.name == "features.1.num_batches_tracked")
        .unwrap();
    assert!(
        bn.why.contains("I64") || bn.why.contains("Long"),
        "{}",
        bn.why
    );
    assert!(pt
        .skipped
        .iter()
        .any(|s| s.name == "features.0.bias" && s.why.contains("1-D")));
    for (file, format, key) in [
        ("small-legacy.pth", Format::TorchLegacy, None),
        ("small-checkpoint.bin", Format::TorchZip, Some("state_dict")),
        ("small.safetensors", Format::Safetensors, None),
        ("small-flax.safetensors", Format::Safetensors, None),
    ] {
        let (c, got) = kernels(file);
        assert_eq!(c.format, format, "{file}");
        assert_eq!(c.key.as_deref(), key, "{file}");
        assert!(got == want, "{file}: kernels differ from small.pt's");
    }
    let (flax, _) = kernels("small-flax.safetensors");
    assert!(flax.kernels.iter().all(|k| k.layout == Layout::Hwio));
    // The checkpoint's other entries are named as what they are.
    let (ck, _) = kernels("small-checkpoint.bin");
    assert!(ck.skipped.is_empty() || ck.skipped.iter().all(|s| s.name.starts_with("features.")));
}

#[test]
fn half_bfloat16_and_double_storages_read_as_their_values() {
    let (_, want) = kernels("small.pt");
    for (file, dtype, tolerance) in [
        ("small-f16.pt", DType::F16, 1e-3),
        ("small-bf16.pt", DType::BF16, 1e-2),
        ("small-f64.pt", DType::F64, 1e-7),
    ] {
        let (c, got) = kernels(file);
        assert_eq!(c.tensors[c.kernels[0].tensor].dtype, dtype, "{file}");
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert_eq!((&g.0, g.1, g.2), (&w.0, w.1, w.2), "{file}");
            for (a, b) in g.3.iter().zip(&w.3) {
                // Rounded to the storage's precision (relative to the layer's scale, ~0.2).
                assert!((a - b).abs() <= tolerance, "{file}: {a} vs {b}");
            }
        }
        assert!(got.iter().zip(&want).any(|(g, w)| g.3 != w.3) || dtype == DType::F64);
    }
}

#[test]
fn what_must_be_refused_is_refused_with_a_reason() {
    let e = Checkpoint::read(&fixture("bad/runs-code.pt")).unwrap_err();
    assert!(matches!(e, CheckpointError::Refused(_)), "{e}");
    assert!(e.to_string().contains("posix.system"), "{e}");
    let e = Checkpoint::read(&fixture("bad/whole-module.pt")).unwrap_err();
    assert!(
        e.to_string()
            .contains("torch.nn.modules.container.Sequential"),
        "{e}"
    );
    assert!(e.to_string().contains("state_dict()"), "{e}");
    let e = Checkpoint::read(&fixture("bad/cut-short.pt")).unwrap_err();
    assert!(matches!(e, CheckpointError::Truncated(_)), "{e}");
    let e = Checkpoint::read(&fixture("bad/lying-header.safetensors")).unwrap_err();
    assert!(
        e.to_string().contains("header entry") && e.to_string().contains("needs"),
        "{e}"
    );
    // The 3x3 kernels as filters: the same numbers, nine at a time.
    let bytes = fixture("small-flax.safetensors");
    let c = Checkpoint::read(&bytes).unwrap();
    let (_, values) = kernels("small.pt");
    let f = c.filters(&c.kernels[0], &bytes).unwrap();
    assert_eq!(f.concat(), values[0].3);
    assert!(
        c.filters(&c.kernels[2], &bytes).is_err(),
        "the 1x1 kernel has no 3x3 filters"
    );
    // Every prefix of every good file is refused or read, never a panic.
    for f in ["small.pt", "small-legacy.pth", "small.safetensors"] {
        let b = fixture(f);
        for n in (0..b.len()).step_by(97) {
            if let Ok(c) = Checkpoint::read(&b[..n]) {
                for k in &c.kernels {
                    let _ = c.filters(k, &b[..n]);
                }
            }
        }
    }
}
