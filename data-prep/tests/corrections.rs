//! `data-prep build --corrections`: known label errors are corrected before anything is grouped,
//! recorded in the manifest, and a row that does not fit the DB is a warning naming its line; a
//! malformed file is an error naming the file and line, and nothing is written. `--h5` builds
//! apply the corrections shipped for the CNN Filter DB v1.0.0 unless `--raw-labels`.

use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::{data_prep, no_hdf5_locking, workspace};
use data_prep::testing::fixture::{self, LayerSpec, ModelSpec};

fn build(args: &[&str]) -> Output {
    no_hdf5_locking();
    Command::new(env!("CARGO_BIN_EXE_data-prep"))
        .arg("build")
        .args(args)
        .output()
        .unwrap()
}

fn sample_args<'a>(sample: &'a str, models: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "--onnx", sample, "--models", models, "--out", out, "--quiet",
    ]
}

#[test]
fn corrections_relabel_before_grouping_and_are_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let sample = workspace().join("data/sample");
    let models = sample.join("models.csv");
    let csv = dir.path().join("fix.csv");
    std::fs::write(
        &csv,
        "model,column,from,to,source\n\
         ppocrv4-det,Task,Text Detection,Text Recognition,a test\n\
         no-such-model,Task,x,y,nowhere\n",
    )
    .unwrap();
    let site = dir.path().join("site");
    let (s, m, o) = (
        sample.to_str().unwrap(),
        models.to_str().unwrap(),
        site.to_str().unwrap(),
    );
    let mut args = sample_args(s, m, o);
    args.extend(["--corrections", csv.to_str().unwrap()]);
    let out = build(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("fix.csv: line 3: no model \"no-such-model\" in the DB; not applied"),
        "{err}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.join("manifest.json")).unwrap()).unwrap();
    let c = &manifest["corrections"];
    assert_eq!(c.as_array().unwrap().len(), 1, "{c}");
    assert_eq!(c[0]["model"], "ppocrv4-det");
    assert_eq!(c[0]["to"], "Text Recognition");
    assert_eq!(c[0]["source"], "a test");
    let cmp = data_prep(&["compare", o, "--by", "Task", "--json"]);
    let groups: Vec<&str> = cmp["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap())
        .collect();
    assert!(!groups.contains(&"Text Detection"), "{groups:?}");
    let k = groups
        .iter()
        .position(|g| *g == "Text Recognition")
        .unwrap();
    assert_eq!(cmp["n_models"][k], 2);
}

#[test]
fn a_malformed_corrections_file_is_an_error_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let sample = workspace().join("data/sample");
    let models = sample.join("models.csv");
    let csv = dir.path().join("bad.csv");
    std::fs::write(&csv, "model,column,from,to,source\nppocrv4-det,Task\n").unwrap();
    let site = dir.path().join("site");
    let mut args = sample_args(
        sample.to_str().unwrap(),
        models.to_str().unwrap(),
        site.to_str().unwrap(),
    );
    args.extend(["--corrections", csv.to_str().unwrap()]);
    let out = build(&args);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.csv: line 2: "), "{err}");
    assert!(!site.exists());
}

#[test]
fn h5_builds_apply_the_shipped_corrections_unless_raw_labels() {
    let dir = tempfile::tempdir().unwrap();
    let named = |name: &str, vc: &str| ModelSpec {
        name: name.into(),
        meta: ["Segmentation".into(), vc.into(), "NITRC".into()],
        layers: vec![LayerSpec {
            in_channels: 2,
            out_channels: 4,
            sparse: 0.0,
        }],
    };
    let models = [
        named(SHIPPED_MODEL, "medical ct"),
        named("other", "medical ct"),
    ];
    let (h5, meta) = fixture::write_h5_db(&dir.path().join("db"), &models, 1, false).unwrap();
    let run = |out: &Path, raw: bool| {
        let mut args = vec![
            "--h5",
            h5.to_str().unwrap(),
            "--meta",
            meta.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ];
        if raw {
            args.push("--raw-labels");
        }
        let o = build(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let c = data_prep(&[
            "compare",
            out.to_str().unwrap(),
            "--by",
            "Visual Category",
            "--json",
        ]);
        let m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
        (c["groups"].clone(), m["corrections"].clone())
    };
    let (groups, applied) = run(&dir.path().join("a"), false);
    assert_eq!(groups, serde_json::json!(["medical ct", "medical mri"]));
    assert_eq!(applied.as_array().unwrap().len(), 1);
    assert_eq!(applied[0]["model"], SHIPPED_MODEL);
    let (groups, applied) = run(&dir.path().join("b"), true);
    assert_eq!(groups, serde_json::json!(["medical ct"]));
    assert!(applied.as_array().unwrap().is_empty());
    // A DB without the model (any other DB) builds without a word about it.
    let (h5, meta) = fixture::write_h5_db(&dir.path().join("db2"), &models[1..], 1, false).unwrap();
    let o = build(&[
        "--h5",
        h5.to_str().unwrap(),
        "--meta",
        meta.to_str().unwrap(),
        "--out",
        dir.path().join("c").to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success());
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

const SHIPPED_MODEL: &str = "compnet_weights_sagittal_improvement_09_NITRC_IITmean_b0_256_12";
