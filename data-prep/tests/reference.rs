//! Fidelity: data-prep's numbers against tests/reference/reference.py (numpy, scipy, scikit-learn,
//! pandas, h5py, onnx) on fixture DBs and on the embedded sample. The Python venv is made by
//! `cargo xtask test`; these tests are ignored by a plain `cargo test`, which has no venv.

use std::path::{Path, PathBuf};
use std::process::Command;

use data_prep::fixture;
use serde_json::Value;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// See errors.rs: children inherit HDF5's lock-holding descriptors; locking is for writers.
fn no_hdf5_locking() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::env::set_var("HDF5_USE_FILE_LOCKING", "FALSE"));
}

fn python() -> PathBuf {
    no_hdf5_locking();
    if let Ok(p) = std::env::var("FILTERSCOPE_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = workspace().join("target/reference-venv/bin/python");
    assert!(
        venv.exists(),
        "no reference venv at {}: run `cargo xtask test`, or set FILTERSCOPE_PYTHON",
        venv.display()
    );
    venv
}

fn reference(kind: &str, a: &Path, b: &Path) -> Value {
    let out = Command::new(python())
        .arg(workspace().join("tests/reference/reference.py"))
        .args([kind, a.to_str().unwrap(), b.to_str().unwrap()])
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "reference.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("reference JSON")
}

fn data_prep(args: &[&str]) -> Value {
    no_hdf5_locking();
    let out = Command::new(env!("CARGO_BIN_EXE_data-prep"))
        .args(args)
        .output()
        .expect("data-prep runs");
    assert!(
        out.status.success(),
        "data-prep {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if out.stdout.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&out.stdout).expect("data-prep JSON")
    }
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn close(what: &str, got: &Value, want: &Value, abs: f64) {
    let (g, w) = (f(got), f(want));
    assert!(
        (g - w).abs() <= abs,
        "{what}: got {g}, reference {w} (tolerance {abs})"
    );
}

fn vec_close(what: &str, got: &Value, want: &Value, abs: f64) {
    let (g, w) = (got.as_array().unwrap(), want.as_array().unwrap());
    assert_eq!(g.len(), w.len(), "{what}: lengths");
    for (i, (a, b)) in g.iter().zip(w).enumerate() {
        if a.is_array() {
            vec_close(&format!("{what}[{i}]"), a, b, abs);
        } else {
            close(&format!("{what}[{i}]"), a, b, abs);
        }
    }
}

/// Checks a site against the reference JSON: stats, every comparison, every layer.
fn check_site(site: &Path, r: &Value) {
    let site = site.to_str().unwrap();
    let s = data_prep(&["stats", site, "--json"]);
    let rs = &r["stats"];
    for k in ["n_filters", "n_layers", "n_models"] {
        assert_eq!(s[k], rs[k], "{k}");
    }
    vec_close(
        "explained_variance_ratio",
        &s["explained_variance_ratio"],
        &rs["explained_variance_ratio"],
        1e-6,
    );
    vec_close("components", &s["components"], &rs["components"], 1e-5);
    vec_close("pca_mean", &s["pca_mean"], &rs["pca_mean"], 1e-9);
    vec_close("coef_range", &s["coef_range"], &rs["coef_range"], 1e-9);

    for (key, want) in r["compare"].as_object().unwrap() {
        let (by, filter) = key
            .split_once('|')
            .map_or((key.as_str(), None), |(a, b)| (a, Some(b)));
        let mut args = vec!["compare", site, "--by", by, "--json"];
        if let Some(w) = filter {
            args.extend(["--where", w]);
        }
        let got = data_prep(&args);
        assert_eq!(got["groups"], want["groups"], "{key}: groups");
        for k in ["n_filters", "n_models", "n_layers"] {
            assert_eq!(got[k], want[k], "{key}: {k}");
        }
        let (gd, wd) = (got["D"].as_array().unwrap(), want["D"].as_array().unwrap());
        for (i, (grow, wrow)) in gd.iter().zip(wd).enumerate() {
            for (j, (g, w)) in grow
                .as_array()
                .unwrap()
                .iter()
                .zip(wrow.as_array().unwrap())
                .enumerate()
            {
                let (g, w) = (f(g), f(w));
                assert!(
                    (g - w).abs() <= 1e-4 * w.abs() + 1e-12,
                    "{key}: D[{i}][{j}] = {g}, reference {w}"
                );
            }
        }
    }

    let layers = data_prep(&["layers", site, "--json"]);
    let (gl, wl) = (layers.as_array().unwrap(), r["layers"].as_array().unwrap());
    assert_eq!(gl.len(), wl.len());
    for (g, w) in gl.iter().zip(wl) {
        let id = &w["layer_id"];
        assert_eq!(g["layer_id"], *id);
        assert_eq!(g["model"], w["model"], "layer {id}");
        assert_eq!(g["n"], w["n"], "layer {id}");
        assert_eq!(f(&g["sparsity"]), f(&w["sparsity"]), "layer {id}: sparsity");
        close(
            &format!("layer {id}: H"),
            &g["variance_entropy"],
            &w["variance_entropy"],
            1e-6,
        );
        close(
            &format!("layer {id}: H/TH"),
            &g["variance_entropy_ratio"],
            &w["variance_entropy_ratio"],
            1e-6,
        );
        assert_eq!(
            g["degenerated"], w["degenerated"],
            "layer {id}: degenerated"
        );
        match (&g["orthogonality"], &w["orthogonality"]) {
            (Value::Null, Value::Null) => {}
            (a, b) => close(&format!("layer {id}: orthogonality"), a, b, 1e-9),
        }
    }
}

/// Builds `site` from an official-layout DB and checks it against the reference; returns the
/// reference's answers.
fn build_and_check(h5: &Path, meta: &Path, site: &Path) -> Value {
    data_prep(&[
        "build",
        "--h5",
        h5.to_str().unwrap(),
        "--meta",
        meta.to_str().unwrap(),
        "--out",
        site.to_str().unwrap(),
        "--quiet",
    ]);
    let r = reference("h5", h5, meta);
    check_site(site, &r);
    r
}

#[test]
#[ignore = "needs the reference venv (cargo xtask test)"]
fn h5_fixture_matches_reference() {
    no_hdf5_locking();
    let dir = tempfile::tempdir().unwrap();
    let models = fixture::reference_models();
    for float32 in [false, true] {
        let sub = dir.path().join(if float32 { "f32" } else { "f64" });
        let (h5, meta) = fixture::write_h5_db(&sub, &models, 42, float32).unwrap();
        let r = build_and_check(&h5, &meta, &sub.join("site"));
        // The fixture has what the checks need to mean something.
        let layers = r["layers"].as_array().unwrap();
        assert!(
            layers.iter().any(|l| l["degenerated"] == true),
            "a degenerated layer"
        );
        assert!(
            layers.iter().any(|l| l["orthogonality"].is_null()),
            "a one-channel layer"
        );
        assert!(
            r["compare"]["depth"]["groups"].as_array().unwrap().len() >= 8,
            "depth buckets"
        );
    }
}

#[test]
#[ignore = "needs the reference venv (cargo xtask test)"]
fn onnx_fixture_matches_reference() {
    let dir = tempfile::tempdir().unwrap();
    let models_csv =
        fixture::write_onnx_db(&dir.path().join("models"), &fixture::reference_models(), 7)
            .unwrap();
    let site = dir.path().join("site");
    data_prep(&[
        "build",
        "--onnx",
        dir.path().join("models").to_str().unwrap(),
        "--models",
        models_csv.to_str().unwrap(),
        "--out",
        site.to_str().unwrap(),
        "--quiet",
    ]);
    let r = reference("onnx", &dir.path().join("models"), &models_csv);
    check_site(&site, &r);
    check_convs(&site, &r);
}

/// Depths and shapes of the imported layers against the onnx package's reading.
fn check_convs(site: &Path, r: &Value) {
    let data = data_prep::output::load_site(site).unwrap();
    let convs = r["convs"].as_array().unwrap();
    assert_eq!(data.layers.len(), convs.len());
    for (l, c) in data.layers.iter().zip(convs) {
        let name = &c["layer_name"];
        assert_eq!(l.values[0], name.as_str().unwrap());
        assert_eq!(
            data.models[l.model as usize].name,
            c["model"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            l.conv_depth,
            c["conv_depth"].as_i64().unwrap(),
            "{name}: conv_depth"
        );
        assert_eq!(
            l.conv_depth_norm,
            f(&c["conv_depth_norm"]),
            "{name}: conv_depth_norm"
        );
        assert_eq!(l.in_channels, c["in_channels"].as_i64().unwrap(), "{name}");
        assert_eq!(
            l.out_channels,
            c["out_channels"].as_i64().unwrap(),
            "{name}"
        );
    }
}

#[test]
#[ignore = "needs the reference venv (cargo xtask test)"]
fn embedded_sample_matches_reference() {
    let dir = tempfile::tempdir().unwrap();
    let sample = workspace().join("data/sample");
    let site = dir.path().join("site");
    data_prep(&[
        "build",
        "--onnx",
        sample.to_str().unwrap(),
        "--models",
        sample.join("models.csv").to_str().unwrap(),
        "--out",
        site.to_str().unwrap(),
        "--quiet",
    ]);
    let r = reference("onnx", &sample, &sample.join("models.csv"));
    check_site(&site, &r);
    check_convs(&site, &r);
}

/// A synthetic DB at a small scale: its build matches the reference, and `synth --site-only`
/// (filters generated on the fly, no DB written) yields the very same numbers.
#[test]
#[ignore = "needs the reference venv (cargo xtask test)"]
fn synth_db_matches_reference_and_site_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let shape = [
        "--models",
        "24",
        "--layers",
        "300",
        "--filters",
        "400000",
        "--seed",
        "3",
        "--quiet",
    ];
    let mut args = vec!["synth", "--out", db.to_str().unwrap()];
    args.extend(shape);
    data_prep(&args);
    let (h5, meta) = (db.join("db.h5"), db.join("meta.csv"));
    let site = dir.path().join("site");
    let r = build_and_check(&h5, &meta, &site);
    assert_eq!(r["layers"].as_array().unwrap().len(), 300);
    assert!(r["layers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["degenerated"] == true));

    let direct = dir.path().join("direct");
    let mut args = vec!["synth", "--site-only", "--out", direct.to_str().unwrap()];
    args.extend(shape);
    data_prep(&args);
    for query in [
        vec!["stats", "--json"],
        vec!["compare", "--by", "Task", "--json"],
        vec!["compare", "--by", "model", "--json"],
        vec!["layers", "--json"],
    ] {
        let run = |s: &Path| {
            let mut a = vec![query[0], s.to_str().unwrap()];
            a.extend(&query[1..]);
            let mut v = data_prep(&a);
            if let Some(o) = v.as_object_mut() {
                o.remove("source");
            }
            v
        };
        assert_eq!(run(&site), run(&direct), "{query:?}");
    }
}
