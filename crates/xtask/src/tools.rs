//! Installs what the tasks need, each only when the right version is missing: Debian packages,
//! the wasm32 target, trunk, wasm-bindgen-cli, wasm-opt (npm binaryen) and the reference venv.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::{root, run};

/// trunk 0.22 needs rustc >= 1.96.1; the stable toolchain this project builds with is 1.95.
const TRUNK: &str = "0.21.14";
/// binaryen 132 from npm; Debian's 108 emits a wasm that throws at start.
const BINARYEN: &str = "132";

fn output(cmd: &str, args: &[&str]) -> Option<String> {
    let o = Command::new(cmd).args(args).output().ok()?;
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).into_owned())
}

/// Whether `cmd --version` prints exactly `expected`.
fn has_version(cmd: &str, expected: &str) -> bool {
    output(cmd, &["--version"]).is_some_and(|v| v.trim() == expected)
}

/// Debian packages: the HDF5 library data-prep links, pkg-config to find it.
pub fn system_packages() -> Result<()> {
    apt(&["libhdf5-dev", "pkg-config"])
}

/// Debian's Chromium and ChromeDriver, for the browser tests.
pub fn browser() -> Result<()> {
    apt(&["chromium", "chromium-driver"])
}

/// Debian's stress-ng, which keeps the cores busy for `cargo xtask test --stress`.
pub fn stress_ng() -> Result<()> {
    apt(&["stress-ng"])
}

/// Installs the Debian packages of `want` that are missing.
fn apt(want: &[&str]) -> Result<()> {
    let missing: Vec<&str> = want
        .iter()
        .copied()
        .filter(|p| {
            !output("dpkg-query", &["-W", "-f=${Status}", p])
                .is_some_and(|s| s.contains("install ok installed"))
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!("xtask: installing Debian packages {missing:?}");
    run(Command::new("apt-get").arg("update").arg("-qq"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq"])
        .args(&missing)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// The wasm32 target of the active toolchain.
pub fn wasm_target() -> Result<()> {
    if output("rustup", &["target", "list", "--installed"])
        .is_some_and(|s| s.lines().any(|l| l.trim() == "wasm32-unknown-unknown"))
    {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// The wasm-bindgen version pinned in Cargo.lock (the CLI must match it exactly).
pub fn wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|v| v.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    bail!("Cargo.lock has no wasm-bindgen")
}

/// trunk, wasm-bindgen-cli and wasm-opt; returns the folder to put first on PATH for trunk.
pub fn web_tools() -> Result<PathBuf> {
    wasm_target()?;
    if !has_version("trunk", &format!("trunk {TRUNK}")) {
        eprintln!("xtask: installing trunk {TRUNK} (about 6 minutes)");
        run(Command::new("cargo").args(["install", "trunk", "--version", TRUNK, "--locked"]))?;
    }
    let wb = wasm_bindgen_version()?;
    if !has_version("wasm-bindgen", &format!("wasm-bindgen {wb}")) {
        eprintln!("xtask: installing wasm-bindgen-cli {wb}");
        // Not --locked: its lockfile wants a webpki-roots version the registry lacks.
        run(Command::new("cargo").args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &wb,
            "--force",
        ]))?;
    }
    binaryen()
}

/// wasm-opt from npm binaryen; returns the folder holding it.
pub fn binaryen() -> Result<PathBuf> {
    let tools = root().join("target/tools");
    let bin = tools.join("node_modules/.bin");
    let wasm_opt = bin.join("wasm-opt");
    let have = output(wasm_opt.to_str().unwrap_or(""), &["--version"])
        .is_some_and(|v| v.contains(&format!("version {BINARYEN}")));
    if !have {
        eprintln!("xtask: installing npm binaryen@{BINARYEN}");
        std::fs::create_dir_all(&tools)?;
        run(Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&tools)
            .arg(format!("binaryen@{BINARYEN}")))?;
    }
    Ok(bin)
}

/// The Python venv for tests/reference, rebuilt when its requirements change.
pub fn reference_venv() -> Result<PathBuf> {
    let venv = root().join("target/reference-venv");
    let python = venv.join("bin/python");
    let req = root().join("tests/reference/requirements.txt");
    let stamp = venv.join("requirements.txt");
    let wanted = std::fs::read(&req).context("reading tests/reference/requirements.txt")?;
    if python.exists() && std::fs::read(&stamp).ok().as_deref() == Some(wanted.as_slice()) {
        return Ok(python);
    }
    eprintln!("xtask: creating the reference venv in {}", venv.display());
    if venv.exists() {
        std::fs::remove_dir_all(&venv)?;
    }
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    pip_install(&python, &["-r".as_ref(), req.as_os_str()])?;
    std::fs::write(&stamp, wanted)?;
    Ok(python)
}

/// `pip install ARGS` (quietly) into the venv of `python`.
pub fn pip_install(python: &Path, args: &[&std::ffi::OsStr]) -> Result<()> {
    run(Command::new(python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(args))
}

/// PATH with `dir` first.
pub fn path_with(dir: &Path) -> String {
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}
