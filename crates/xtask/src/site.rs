//! `cargo xtask site --out DIR`: the complete static site (the app and its data) as GitHub Pages
//! hosts it.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Result};

use crate::{cargo, csp, root, run, tools, worker_names};

/// Builds the complete static site (app + sample data) into `out`, replacing a previous build.
/// Site data to publish instead of the sample: a site folder, an archive from `data-prep pack`,
/// or an http(s) URL of one, with the manifest's expected sha256.
pub struct Data {
    pub src: String,
    pub sha256: Option<String>,
}

pub fn site(out: &Path, data: Option<&Data>) -> Result<()> {
    run(cargo().args(["build", "--release", "-p", "data-prep"]))?;
    site_with_built_data_prep(out, data)
}

/// [`site`] with target/release/data-prep already built. `cargo xtask test` builds it with the
/// release tests (their feature set differs from a plain build's, so building it again would
/// compile most dependencies a second time).
pub fn site_with_built_data_prep(out: &Path, data: Option<&Data>) -> Result<()> {
    if !root().join("target/release/data-prep").is_file() {
        bail!("target/release/data-prep is not built");
    }
    tools::system_packages()?;
    let bin = tools::web_tools()?;
    if out.exists() && !out.join("index.html").exists() {
        bail!(
            "{} exists and is not a site built by xtask; choose another --out",
            out.display()
        );
    }
    let staging = root().join("target/site-staging");
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    let data_prep = root().join("target/release/data-prep");
    match data {
        // Checked by data-prep (format version, the manifest's hash, every file) before a byte
        // of it is staged.
        Some(d) => {
            let mut cmd = Command::new(&data_prep);
            cmd.arg("unpack")
                .arg(&d.src)
                .arg("--out")
                .arg(staging.join("data"));
            if let Some(h) = &d.sha256 {
                cmd.args(["--sha256", h]);
            }
            run(&mut cmd)?;
        }
        None => {
            let sample = root().join("data/sample");
            run(Command::new(&data_prep)
                .args(["build", "--onnx"])
                .arg(&sample)
                .arg("--models")
                .arg(sample.join("models.csv"))
                .args([
                    "--data-name",
                    "Filterscope's sample: 4 ONNX models",
                    "--banner",
                ])
                .arg(SAMPLE_BANNER)
                .arg("--out")
                .arg(staging.join("data")))?;
        }
    }
    // Trunk runs cargo offline, so every crate must already be fetched.
    run(cargo().args(["fetch"]))?;
    let dist = root().join("target/trunk-dist");
    run(Command::new("trunk")
        .args(["build", "--release", "--dist"])
        .arg(&dist)
        .env("PATH", tools::path_with(&bin)))?;
    copy_dir(&dist, &staging)?;
    worker_names::apply(&staging)?;
    csp::apply(&staging.join("index.html"))?;
    if out.exists() {
        std::fs::remove_dir_all(out)?;
    }
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::rename(&staging, out).or_else(|_| copy_dir(&staging, out))?;
    eprintln!("xtask: site written to {}", out.display());
    Ok(())
}

/// What a site built from the sample says on every view.
const SAMPLE_BANNER: &str =
    "This site shows Filterscope's built-in sample (4 small ONNX models), not the CNN Filter DB.";

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), &target)?;
        }
    }
    Ok(())
}
