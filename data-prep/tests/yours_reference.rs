//! `data-prep yours` against tests/reference/reference.py's `yours` (numpy, scikit-learn, onnx):
//! a model of the sample site (D 0 to itself) and models that are not in it, one of them scaled
//! so that its coefficients leave the site's range (the clamping).

use std::path::Path;

use data_prep::testing::fixture;
use serde_json::Value;

mod common;
use common::{build_sample, data_prep, reference_available, run_reference, workspace};

fn reference(model: &Path, dir: &Path) -> Value {
    let csv = dir.join("models.csv");
    run_reference(&[
        "yours".as_ref(),
        model.as_os_str(),
        dir.as_os_str(),
        csv.as_os_str(),
    ])
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn close_d(what: &str, got: &Value, want: &Value) {
    match (got, want) {
        (Value::Null, Value::Null) => {}
        _ => {
            let (g, w) = (f(got), f(want));
            assert!(
                (g - w).abs() <= 1e-4 * w.abs() + 1e-9,
                "{what}: got {g}, reference {w}"
            );
        }
    }
}

/// Ranked lists: the same names with the same D (order can differ only between near-ties), and
/// ours ascending.
fn same_ranking(what: &str, got: &Value, want: &Value) {
    let (g, w) = (got.as_array().unwrap(), want.as_array().unwrap());
    assert_eq!(g.len(), w.len(), "{what}: lengths");
    for r in w {
        let mine = g
            .iter()
            .find(|x| x["name"] == r["name"])
            .unwrap_or_else(|| panic!("{what}: {} missing", r["name"]));
        close_d(&format!("{what}: {}", r["name"]), &mine["d"], &r["d"]);
    }
    let ds: Vec<f64> = g.iter().filter_map(|x| x["d"].as_f64()).collect();
    assert!(ds.windows(2).all(|p| p[0] <= p[1]), "{what}: ascending");
}

fn check(model: &Path, site: &Path, dir: &Path) -> Value {
    let got = data_prep(&[
        "yours",
        model.to_str().unwrap(),
        "--site",
        site.to_str().unwrap(),
        "--json",
    ]);
    let want = reference(model, dir);
    for k in ["model", "n_filters", "n_layers"] {
        assert_eq!(got[k], want[k], "{k}");
    }
    assert!((f(&got["outside_range"]) - f(&want["outside_range"])).abs() < 1e-9);
    same_ranking("nearest", &got["nearest"], &want["nearest"]);
    let (gb, wb) = (
        got["by"].as_object().unwrap(),
        want["by"].as_object().unwrap(),
    );
    assert_eq!(gb.keys().collect::<Vec<_>>(), {
        let mut k: Vec<_> = wb.keys().collect();
        k.sort();
        k
    });
    for (col, w) in wb {
        same_ranking(&format!("by {col}"), &gb[col], w);
    }
    let (gd, wd) = (
        got["depth_buckets"].as_array().unwrap(),
        want["depth_buckets"].as_array().unwrap(),
    );
    assert_eq!(gd.len(), wd.len());
    for (g, w) in gd.iter().zip(wd) {
        assert_eq!(g["name"], w["name"]);
        close_d(&format!("depth {}", w["name"]), &g["d"], &w["d"]);
    }
    let (gl, wl) = (
        got["layers"].as_array().unwrap(),
        want["layers"].as_array().unwrap(),
    );
    assert_eq!(gl.len(), wl.len());
    for (g, w) in gl.iter().zip(wl) {
        let id = &w["layer_id"];
        for k in ["layer_id", "model", "n", "degenerated"] {
            assert_eq!(g[k], w[k], "layer {id}: {k}");
        }
        assert_eq!(f(&g["sparsity"]), f(&w["sparsity"]), "layer {id}: sparsity");
        for k in [
            "variance_entropy",
            "variance_entropy_ratio",
            "orthogonality",
        ] {
            match (&g[k], &w[k]) {
                (Value::Null, Value::Null) => {}
                (a, b) => assert!((f(a) - f(b)).abs() < 1e-6, "layer {id}: {k}: {a} vs {b}"),
            }
        }
    }
    got
}

#[test]
fn yours_matches_the_reference_for_models_in_and_out_of_the_site() {
    if !reference_available("yours_matches_the_reference_for_models_in_and_out_of_the_site") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sample = workspace().join("data/sample");
    let site = build_sample(dir.path());
    // A model of the site: D 0 to itself, nothing outside the range.
    let own = check(&sample.join("ddddocr_common_det.onnx"), &site, &sample);
    assert_eq!(own["nearest"][0]["name"], "ddddocr-det");
    assert_eq!(own["nearest"][0]["d"], 0.0);
    assert_eq!(own["outside_range"], 0.0);
    // Models that are not in it (the fixture's conv chains; their filters spread differently).
    let others = dir.path().join("others");
    fixture::write_onnx_db(&others, &fixture::reference_models(), 9).unwrap();
    let mut outside = 0.0;
    for e in std::fs::read_dir(&others).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "onnx") {
            let r = check(&p, &site, &sample);
            assert!(f(&r["nearest"][0]["d"]) > 0.0);
            outside += f(&r["outside_range"]);
        }
    }
    assert_eq!(
        outside, 0.0,
        "the fixture's filters lie within the sample's range"
    );
    // Filters of one sign and equal weights (+1 or -1 everywhere, and checkerboards) project
    // further along the first components than any filter of the sample: clamped.
    let extreme: Vec<f64> = (0..8 * 2 * 9)
        .map(|i| {
            let (f, w) = (i / 9, i % 9);
            match f % 4 {
                0 => 1.0,
                1 => -1.0,
                2 => {
                    if w % 2 == 0 {
                        1.0
                    } else {
                        -1.0
                    }
                }
                _ => {
                    if w % 2 == 0 {
                        -0.5
                    } else {
                        0.5
                    }
                }
            }
        })
        .collect();
    let conv = filterscope_onnx::builder::ConvSpec {
        out_channels: 8,
        in_channels: 2,
        k: 3,
        weights: extreme,
        storage: filterscope_onnx::builder::Storage::Float32,
        skip_from_input: false,
    };
    let path = dir.path().join("extreme.onnx");
    std::fs::write(&path, filterscope_onnx::builder::conv_chain(&[conv])).unwrap();
    let r = check(&path, &site, &sample);
    assert!(
        f(&r["outside_range"]) > 0.0,
        "some coefficients were clamped"
    );
}
