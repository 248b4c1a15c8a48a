//! What the reference tests share: the workspace, the reference interpreter (and saying so when
//! there is none), and running data-prep.
// Each test binary uses a part of these.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// See errors.rs: children inherit HDF5's lock-holding descriptors; locking is for writers.
pub fn no_hdf5_locking() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::env::set_var("HDF5_USE_FILE_LOCKING", "FALSE"));
}

/// The reference interpreter: FILTERSCOPE_PYTHON when set (then it must work), else the venv
/// `cargo xtask test` makes, if it is there.
fn python_path() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("FILTERSCOPE_PYTHON") {
        return Some(PathBuf::from(p));
    }
    let venv = workspace().join("target/reference-venv/bin/python");
    venv.exists().then_some(venv)
}

pub fn python() -> PathBuf {
    no_hdf5_locking();
    python_path().expect("reference() runs only after reference_available()")
}

/// Whether the reference can run; if not, says so on stderr past the test harness's capture, so
/// a skipped fidelity test is never mistaken for a passed one.
pub fn reference_available(test: &str) -> bool {
    if python_path().is_some() {
        return true;
    }
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: no reference venv (target/reference-venv); `cargo xtask test` makes it, or set FILTERSCOPE_PYTHON"
    );
    false
}

pub fn data_prep(args: &[&str]) -> Value {
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

/// Builds the embedded sample's site in `dir/site` and returns its path.
pub fn build_sample(dir: &Path) -> PathBuf {
    let sample = workspace().join("data/sample");
    let site = dir.join("site");
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
    site
}

/// Runs tests/reference/reference.py with `args` and parses the JSON it prints.
pub fn run_reference(args: &[&std::ffi::OsStr]) -> Value {
    let out = Command::new(python())
        .arg(workspace().join("tests/reference/reference.py"))
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "reference.py {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("reference JSON")
}
