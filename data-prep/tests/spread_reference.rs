//! Weighting and resampling against tests/reference/reference.py's `replay` (numpy): data-prep
//! writes what its bootstrap and splits drew (`compare --trace`), numpy rebuilds every group's
//! distributions from the same members and draws, and every D, interval and floor must agree to
//! 1e-9. Also: the same seed gives the same bits, groups are left out by size, and grouping by
//! model has no interval.

use std::ffi::OsStr;
use std::process::{Command, Stdio};

use serde_json::Value;

mod common;
use common::{data_prep, python, reference_available, workspace};

/// A synthetic site of 40 models: Tasks and depth buckets of 1 to 30 models.
fn synthetic(dir: &std::path::Path) -> String {
    let site = dir.join("site");
    data_prep(&[
        "synth",
        "--site-only",
        "--models",
        "40",
        "--layers",
        "400",
        "--filters",
        "200000",
        "--seed",
        "3",
        "--quiet",
        "--out",
        site.to_str().unwrap(),
    ]);
    site.to_str().unwrap().to_string()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn matrices_close(what: &str, got: &Value, want: &Value) {
    let (g, w) = (got.as_array().unwrap(), want.as_array().unwrap());
    assert_eq!(g.len(), w.len(), "{what}: rows");
    for (i, (gr, wr)) in g.iter().zip(w).enumerate() {
        if gr.is_array() {
            matrices_close(&format!("{what}[{i}]"), gr, wr);
        } else if gr.is_null() || wr.is_null() {
            assert_eq!(gr, wr, "{what}[{i}]");
        } else {
            let (a, b) = (f(gr), f(wr));
            assert!((a - b).abs() <= 1e-9, "{what}[{i}]: {a} vs numpy {b}");
        }
    }
}

/// numpy's replay of the trace data-prep wrote for `args`.
fn replay(site: &str, trace: &std::path::Path, weight: &str) -> Value {
    let stats = data_prep(&["stats", site, "--json"]);
    let range = stats["coef_range"].as_array().unwrap();
    let evr = stats["explained_variance_ratio"].to_string();
    let mut child = Command::new(python())
        .arg(workspace().join("tests/reference/reference.py"))
        .args(["replay".as_ref(), OsStr::new(&range[0].to_string())])
        .arg(range[1].to_string())
        .args([weight, &evr])
        .stdin(Stdio::from(std::fs::File::open(trace).unwrap()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    let _ = child.stdin.take();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "replay: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn intervals_floors_and_weighting_replay_in_numpy() {
    if !reference_available("intervals_floors_and_weighting_replay_in_numpy") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let site = synthetic(dir.path());
    let site = site.as_str();
    let trace = dir.path().join("trace.json");
    let t = trace.to_str().unwrap();
    let cases: [&[&str]; 4] = [
        &["--by", "Task", "--weight", "models"],
        &["--by", "Task", "--weight", "filters"],
        &["--by", "depth", "--weight", "models"],
        &[
            "--by",
            "depth",
            "--weight",
            "filters",
            "--where",
            "Task=Classification",
        ],
    ];
    for case in cases {
        let mut args = vec!["compare", site, "--ci", "40", "--seed", "11", "--json"];
        args.extend(case);
        args.extend(["--trace", t]);
        let got = data_prep(&args);
        let weight = case[3];
        let want = replay(site, &trace, weight);
        let key = format!("{case:?}");
        matrices_close(&format!("{key} D"), &got["D"], &want["point"]);
        let traced: Value = serde_json::from_slice(&std::fs::read(&trace).unwrap()).unwrap();
        matrices_close(&format!("{key} replicates"), &traced["d"], &want["d"]);
        matrices_close(&format!("{key} low"), &got["ci"]["low"], &want["low"]);
        matrices_close(&format!("{key} high"), &got["ci"]["high"], &want["high"]);
        matrices_close(
            &format!("{key} split D"),
            &traced["split_d"],
            &want["split_d"],
        );
        matrices_close(&format!("{key} floor"), &got["floor"], &want["floor"]);
        assert_eq!(got["ci"]["replicates"], 40);
        assert_eq!(got["ci"]["seed"], 11);
        // Every interval holds a spread of values, and groups under 4 models have no floor.
        for (i, n) in got["n_models"].as_array().unwrap().iter().enumerate() {
            assert_eq!(
                got["floor"][i].is_null(),
                n.as_u64().unwrap() < 4,
                "{key}: floor {i}"
            );
        }
    }
}

#[test]
fn a_seed_gives_the_same_bits_and_groups_leave_by_size() {
    let dir = tempfile::tempdir().unwrap();
    let site = synthetic(dir.path());
    let site = site.as_str();
    let run = |seed: &str| {
        data_prep(&[
            "compare", site, "--by", "Task", "--ci", "30", "--seed", seed, "--json",
        ])
    };
    let (a, b, c) = (run("5"), run("5"), run("6"));
    assert_eq!(a["ci"], b["ci"]);
    assert_eq!(a["floor"], b["floor"]);
    assert_ne!(a["ci"], c["ci"]);
    // The point estimates do not depend on the resampling.
    assert_eq!(a["D"], c["D"]);
    let plain = data_prep(&["compare", site, "--by", "Task", "--json"]);
    assert_eq!(a["D"], plain["D"]);
    assert!(plain["ci"].is_null() && plain["floor"].is_null());
    // --min-models leaves out exactly the groups under it.
    let sizes: Vec<u64> = plain["n_models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let cut = *sizes.iter().max().unwrap();
    let kept = data_prep(&[
        "compare",
        site,
        "--by",
        "Task",
        "--min-models",
        &cut.to_string(),
        "--json",
    ]);
    let want = sizes.iter().filter(|&&n| n >= cut).count();
    assert_eq!(kept["groups"].as_array().unwrap().len(), want);
    assert!(want < sizes.len(), "the sample has groups of several sizes");
    // Grouping by model has nothing to resample: no interval, and it says so.
    let out = Command::new(env!("CARGO_BIN_EXE_data-prep"))
        .args(["compare", site, "--by", "model", "--ci", "10"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no interval when grouping by model"));
}
