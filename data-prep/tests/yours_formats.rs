//! `data-prep yours` on the files researchers hold: one small CNN written as ONNX, safetensors
//! (PyTorch and Flax layouts), a PyTorch zip state_dict, a legacy PyTorch file and a checkpoint
//! dict gives the same report; several models are held against each other as
//! tests/reference/reference.py computes it (numpy, safetensors); bad files in a batch are refused
//! by name while the others are still reported. The fixtures are tests/e2e/fixtures/checkpoints,
//! written once by torch itself (make_checkpoints.py).

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

mod common;
use common::{build_sample, data_prep, reference_available, run_reference, workspace};

fn fixture(name: &str) -> PathBuf {
    workspace()
        .join("tests/e2e/fixtures/checkpoints")
        .join(name)
}

/// The report without what names the file: the model's name, and how the file was read.
fn comparable(mut r: Value) -> Value {
    r["model"] = Value::Null;
    r["file"] = Value::Null;
    for l in r["layers"].as_array_mut().unwrap() {
        l["model"] = Value::Null;
    }
    r
}

#[test]
fn one_model_in_every_format_gives_one_report() {
    let dir = tempfile::tempdir().unwrap();
    let site = build_sample(dir.path());
    let report = |f: &str| {
        data_prep(&[
            "yours",
            fixture(f).to_str().unwrap(),
            "--site",
            site.to_str().unwrap(),
            "--json",
        ])
    };
    let onnx = report("small.onnx");
    assert_eq!(
        onnx["n_layers"], 5,
        "five 3x3 convs (the 1x1 counts for depth only)"
    );
    let taken = |r: &Value| -> Vec<(String, Value)> {
        r["file"]["taken"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["name"].as_str().unwrap().to_string(), t["shape"].clone()))
            .collect()
    };
    for (f, format, key) in [
        ("small.pt", "PyTorch (zip)", Value::Null),
        ("small-legacy.pth", "PyTorch (legacy)", Value::Null),
        (
            "small-checkpoint.bin",
            "PyTorch (zip)",
            Value::from("state_dict"),
        ),
        ("small.safetensors", "safetensors", Value::Null),
        ("small-flax.safetensors", "safetensors", Value::Null),
    ] {
        let r = report(f);
        assert_eq!(r["file"]["format"], format, "{f}");
        assert_eq!(r["file"]["key"], key, "{f}");
        assert_eq!(
            comparable(r.clone()),
            comparable(onnx.clone()),
            "{f}: not the ONNX file's report"
        );
        if !f.contains("flax") {
            assert_eq!(taken(&r), taken(&onnx), "{f}: tensors taken");
        }
    }
    // The report says what it skipped and why (the BatchNorm's step counter is no weight).
    let pt = report("small.pt");
    let skipped = pt["file"]["skipped"].as_array().unwrap();
    assert!(skipped
        .iter()
        .any(|s| s["name"] == "features.1.num_batches_tracked"));
    assert!(skipped
        .iter()
        .all(|s| !s["why"].as_str().unwrap().is_empty()));
    let order = report("small.safetensors")["file"]["order"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(order.contains("numbers compared as numbers"), "{order}");
}

fn close(what: &str, got: &Value, want: &Value) {
    match (got, want) {
        (Value::Null, Value::Null) => {}
        _ => {
            let (g, w) = (got.as_f64().unwrap(), want.as_f64().unwrap());
            assert!(
                (g - w).abs() <= 1e-4 * w.abs() + 1e-9,
                "{what}: got {g}, reference {w}"
            );
        }
    }
}

#[test]
fn several_models_match_the_reference() {
    if !reference_available("several_models_match_the_reference") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let site = build_sample(dir.path());
    let files: Vec<PathBuf> = (1..=4)
        .map(|e| fixture(&format!("run/epoch_{e}.safetensors")))
        .collect();
    let mut args = vec!["yours".to_string()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    args.extend(["--site".into(), site.display().to_string(), "--json".into()]);
    let got = data_prep(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let sample = workspace().join("data/sample");
    let mut ref_args: Vec<std::ffi::OsString> = vec![
        "between".into(),
        sample.clone().into(),
        sample.join("models.csv").into(),
    ];
    ref_args.extend(files.iter().map(|f| f.clone().into_os_string()));
    let want = run_reference(&ref_args.iter().map(|a| a.as_os_str()).collect::<Vec<_>>());
    let b = &got["between"];
    assert_eq!(b["models"], want["models"]);
    assert_eq!(got["models"].as_array().unwrap().len(), 4);
    for i in 0..4 {
        for j in 0..4 {
            close(&format!("D[{i}][{j}]"), &b["D"][i][j], &want["D"][i][j]);
        }
        let (g, w) = (&b["series"][i], &want["series"][i]);
        close(
            &format!("series {i} to first"),
            &g["to_first"],
            &w["to_first"],
        );
        close(
            &format!("series {i} to previous"),
            &g["to_previous"],
            &w["to_previous"],
        );
        for k in 0..10 {
            for key in ["buckets_to_first", "buckets_to_previous"] {
                close(&format!("series {i} {key} {k}"), &g[key][k], &w[key][k]);
            }
        }
    }
    // The run drifts away from its first epoch: each later epoch further from it.
    let to_first: Vec<f64> = (1..4)
        .map(|i| b["series"][i]["to_first"].as_f64().unwrap())
        .collect();
    assert!(to_first.iter().all(|&d| d > 0.0), "{to_first:?}");
}

#[test]
fn bad_files_are_named_and_the_others_still_reported() {
    let dir = tempfile::tempdir().unwrap();
    let site = build_sample(dir.path());
    let bad = [
        ("bad/runs-code.pt", "posix.system"),
        ("bad/whole-module.pt", "state_dict()"),
        ("bad/cut-short.pt", "truncated"),
        ("bad/lying-header.safetensors", "needs"),
    ];
    let mut args: Vec<String> = vec!["yours".into(), fixture("small.pt").display().to_string()];
    args.extend(bad.iter().map(|(f, _)| fixture(f).display().to_string()));
    args.extend(["--site".into(), site.display().to_string(), "--json".into()]);
    let out = Command::new(env!("CARGO_BIN_EXE_data-prep"))
        .args(&args)
        .output()
        .unwrap();
    assert!(!out.status.success(), "a batch with refused files fails");
    let got: Value =
        serde_json::from_slice(&out.stdout).expect("the good file's report still printed");
    assert_eq!(got["models"].as_array().unwrap().len(), 1);
    assert_eq!(got["models"][0]["model"], "small.pt");
    let errors = got["errors"].as_array().unwrap();
    assert_eq!(errors.len(), bad.len());
    for ((f, why), e) in bad.iter().zip(errors) {
        let msg = e["error"].as_str().unwrap();
        assert!(msg.contains(f) && msg.contains(why), "{f}: {msg}");
    }
    // One bad file alone: an error naming it, no output.
    let out = Command::new(env!("CARGO_BIN_EXE_data-prep"))
        .args([
            "yours",
            fixture("bad/runs-code.pt").to_str().unwrap(),
            "--site",
            site.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!out.status.success() && out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("runs-code.pt") && err.contains("runs nothing"),
        "{err}"
    );
}
