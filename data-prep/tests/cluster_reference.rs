//! The `cluster` order against SciPy: `data-prep compare --order cluster --json` gives the same
//! linkage (`scipy.cluster.hierarchy.linkage(method="average")`) and the same leaf order
//! (`leaves_list`) as SciPy computes from the very D matrix data-prep printed, on the embedded
//! sample and on a synthetic site of the full DB's 647 models.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

mod common;
use common::{build_sample, data_prep, python, reference_available, workspace};

/// SciPy's linkage and leaves of each matrix.
fn scipy(ds: &[Value]) -> Vec<Value> {
    let mut child = Command::new(python())
        .arg(workspace().join("tests/reference/reference.py"))
        .arg("cluster")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    let input = serde_json::to_vec(ds).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "reference.py cluster failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Vec<Value>>(&out.stdout).expect("reference JSON")
}

/// Compares every grouping's tree and order with SciPy's; returns the number of groups checked.
fn check(site: &Path, groupings: &[&str]) -> usize {
    let site = site.to_str().unwrap();
    let got: Vec<Value> = groupings
        .iter()
        .map(|by| data_prep(&["compare", site, "--by", by, "--order", "cluster", "--json"]))
        .collect();
    let want = scipy(&got.iter().map(|c| c["D"].clone()).collect::<Vec<_>>());
    let mut checked = 0;
    for ((by, g), w) in groupings.iter().zip(&got).zip(&want) {
        let groups = g["groups"].as_array().unwrap();
        let tree = g["tree"].as_array().unwrap();
        let z = w["Z"].as_array().unwrap();
        assert_eq!(tree.len(), z.len(), "{by}: merges");
        for (k, (m, r)) in tree.iter().zip(z).enumerate() {
            assert_eq!(m["a"], r[0], "{by}: merge {k}, first cluster");
            assert_eq!(m["b"], r[1], "{by}: merge {k}, second cluster");
            assert_eq!(m["size"], r[3], "{by}: merge {k}, size");
            let (h, rh) = (m["height"].as_f64().unwrap(), r[2].as_f64().unwrap());
            assert!(
                (h - rh).abs() <= 1e-12 * rh.abs().max(1.0),
                "{by}: merge {k} at {h}, SciPy {rh}"
            );
        }
        let leaves: Vec<Value> = w["leaves"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| groups[i.as_u64().unwrap() as usize].clone())
            .collect();
        assert_eq!(g["order"].as_array().unwrap(), &leaves, "{by}: order");
        checked += groups.len();
    }
    checked
}

#[test]
fn cluster_order_is_scipys_on_the_sample() {
    if !reference_available("cluster_order_is_scipys_on_the_sample") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let site = build_sample(dir.path());
    let n = check(&site, &["model", "Task", "depth", "Visual Category"]);
    assert!(n >= 10, "{n} groups checked");
}

#[test]
fn cluster_order_is_scipys_on_647_synthetic_models() {
    if !reference_available("cluster_order_is_scipys_on_647_synthetic_models") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    data_prep(&[
        "synth",
        "--site-only",
        "--models",
        "647",
        "--layers",
        "2000",
        "--filters",
        "400000",
        "--seed",
        "5",
        "--quiet",
        "--out",
        site.to_str().unwrap(),
    ]);
    let n = check(&site, &["model", "Task", "Training-Dataset", "conv_depth"]);
    assert!(n > 647, "{n} groups checked");
}
