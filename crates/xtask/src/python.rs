//! The Python package (crates/python): `cargo xtask wheel` builds its abi3 wheel with maturin;
//! `cargo xtask test` installs that wheel into the reference venv and runs its pytest suite
//! against the release data-prep and the sample site.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Result};

use crate::{root, run};

/// Builds the wheel with the venv's maturin (tests/reference/requirements.txt pins it) into
/// target/wheels and returns its path.
pub fn wheel(python: &Path) -> Result<PathBuf> {
    let out = root().join("target/wheels");
    // Only this build's wheel is left to install.
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    let bin = python.parent().expect("venv/bin");
    run(Command::new(bin.join("maturin"))
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(root().join("crates/python/Cargo.toml"))
        .arg("--out")
        .arg(&out)
        // The venv's interpreter: the abi3 wheel's build only needs one to ask.
        .arg("--interpreter")
        .arg(python))?;
    let wheels: Vec<PathBuf> = std::fs::read_dir(&out)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "whl"))
        .collect();
    match &wheels[..] {
        [one] => Ok(one.clone()),
        _ => bail!("maturin left {} wheels in {}", wheels.len(), out.display()),
    }
}

/// Builds the wheel and installs it into the venv (no other package changes).
pub fn install(python: &Path) -> Result<()> {
    let wheel = wheel(python)?;
    crate::tools::pip_install(
        python,
        &[
            "--no-deps".as_ref(),
            "--force-reinstall".as_ref(),
            wheel.as_os_str(),
        ],
    )
}

/// Installs this checkout's wheel and runs the pytest suite against the sample site `site`.
pub fn test(python: &Path, site: &Path) -> Result<()> {
    install(python)?;
    run(Command::new(python)
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(root().join("crates/python/tests"))
        // From outside the source tree, so the installed wheel is what is imported.
        .current_dir(root().join("target"))
        .env("DATA_PREP", root().join("target/release/data-prep"))
        .env("SAMPLE_SITE", site.join("data"))
        .env("MPLBACKEND", "Agg"))?;
    // The type stubs: the Python half checks against them, and the extension module's stub
    // against the built module itself (names, signatures).
    for args in [
        &["-m", "mypy", "-p", "filterscope"][..],
        &["-m", "mypy.stubtest", "filterscope._native"][..],
    ] {
        run(Command::new(python)
            .args(args)
            .current_dir(root().join("target")))?;
    }
    Ok(())
}
