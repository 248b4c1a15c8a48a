//! `cargo xtask bench`: every figure of BENCHMARKS.md in one session, written to target/bench/.
//!
//! 1. data-prep on synthetic DBs of the v1.0.0 shape at each size: per pass, in all, peak RSS,
//!    the plain-read floor and the numpy/scikit-learn reference (tests/bench/data_prep.py);
//!    and how far the notebook's float16 path moves the statistics (tests/bench/cast_f16.py);
//! 2. site data at full shape (`data-prep synth --site-only`, 1.46 G filters): bytes, largest file;
//! 3. the browser on the sample and on the full-shape site (tests/e2e/bench.mjs), and the
//!    647-group heatmap's switch, zoom and pan (tests/e2e/bench_heatmap.mjs), and a
//!    ResNet-50-shaped model in the Your model view (tests/e2e/bench_yours.mjs), as ONNX,
//!    safetensors and torch files, and ten 45 MB checkpoints at once;
//! 4. the numpy baseline of the same heatmaps (tests/bench/heatmap_numpy.py);
//! 5. the wasm bundle, raw and gzipped;
//! 6. criterion micro-benchmarks of the kernels;
//! 7. the Python package's `compare(by="model")` against `data-prep compare` at full shape
//!    (tests/bench/python_compare.py).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result};

use crate::{cargo, npm_ci, root, run, site, tools};

/// Runs `cmd` and writes its stdout to `out` (stderr passes through).
fn capture(cmd: &mut Command, out: &Path) -> Result<()> {
    let shown = format!("{cmd:?}");
    eprintln!("xtask: $ {shown} > {}", out.display());
    if cmd.get_current_dir().is_none() {
        cmd.current_dir(root());
    }
    let o = cmd
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("starting {shown}"))?;
    // Written either way: a budget check that fails still has its figures to read.
    std::fs::write(out, &o.stdout)?;
    if !o.status.success() {
        anyhow::bail!("{shown} failed ({})", o.status);
    }
    Ok(())
}

fn gzip_len(path: &Path) -> Result<u64> {
    let out = Command::new("gzip").args(["-9", "-c"]).arg(path).output()?;
    Ok(out.stdout.len() as u64)
}

/// Total bytes, file count and the largest file of a folder.
fn folder_size(dir: &Path) -> Result<(u64, usize, String, u64)> {
    let mut total = 0;
    let mut n = 0;
    let mut largest = (String::new(), 0);
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let len = e.metadata()?.len();
        total += len;
        n += 1;
        if len > largest.1 {
            largest = (e.file_name().to_string_lossy().into_owned(), len);
        }
    }
    Ok((total, n, largest.0, largest.1))
}

/// Where the bench runs: its tools and folders.
struct Bench {
    out: PathBuf,
    work: PathBuf,
    python: PathBuf,
    data_prep: PathBuf,
}

pub fn bench(sizes: &str, work: Option<PathBuf>) -> Result<()> {
    let out = root().join("target/bench");
    std::fs::create_dir_all(&out)?;
    let work = work.unwrap_or_else(|| out.join("work"));
    let python = tools::reference_venv()?;
    run(cargo().args([
        "build",
        "--release",
        "-p",
        "data-prep",
        "--examples",
        "--bins",
    ]))?;
    let b = Bench {
        data_prep: root().join("target/release/data-prep"),
        out,
        work,
        python,
    };
    b.data_prep_runs(sizes)?;
    let full = b.out.join("site-full");
    let synth_secs = b.full_site(&full)?;
    let app = b.out.join("app");
    let budget = b.browser(&app, &full)?;
    b.numpy(&full)?;
    // 7. The Python package against the command line, at full shape.
    crate::python::install(&b.python)?;
    capture(
        Command::new(&b.python)
            .arg("tests/bench/python_compare.py")
            .arg(&full)
            .arg(&b.data_prep),
        &b.out.join("python.txt"),
    )?;
    b.sizes(&app, &full, synth_secs)?;
    // 6. Kernels.
    run(cargo().args(["bench", "-p", "filterscope-stats", "--bench", "kernels"]))?;
    eprintln!("xtask: results in {}", b.out.display());
    budget.context("a view is over the visit budget (the table above, browser.json)")
}

impl Bench {
    /// data-prep at the given sizes against a plain read and numpy, and `--cast f16`.
    fn data_prep_runs(&self, sizes: &str) -> Result<()> {
        let Bench {
            out,
            work,
            python,
            data_prep,
        } = self;
        // 1. data-prep at 10M, 50M, 200M.
        let mut cmd = Command::new(python);
        cmd.arg("tests/bench/data_prep.py")
            .arg("--work")
            .arg(work)
            .arg("--out")
            .arg(out.join("data-prep.json"))
            .arg("--sizes")
            .args(sizes.split(','));
        capture(&mut cmd, &out.join("data-prep.md"))?;

        // 1b. `--cast f16` against full precision on a 10M-filter DB (docs/method.md quotes it).
        let cast_db = work.join("cast-f16-db");
        run(Command::new(data_prep)
            .args([
                "synth",
                "--filters",
                "10000000",
                "--seed",
                "1",
                "--force",
                "--quiet",
                "--out",
            ])
            .arg(&cast_db))?;
        capture(
            Command::new(python)
                .arg("tests/bench/cast_f16.py")
                .arg(&cast_db)
                .arg(work)
                .arg("--data-prep")
                .arg(data_prep),
            &out.join("cast-f16.json"),
        )?;
        std::fs::remove_dir_all(&cast_db)?;

        Ok(())
    }

    /// Builds the full-shape site unless a current one is there; the seconds it took.
    fn full_site(&self, full: &Path) -> Result<Option<f64>> {
        let data_prep = &self.data_prep;
        // 2. The full-shape site, straight from the generator (about 15 minutes on 2 cores: an
        // existing one is reused unless FRESH=1).
        let mut synth_secs = None;
        // A site this data-prep cannot read (missing, or of an older format) is rebuilt.
        let current = Command::new(data_prep)
            .arg("stats")
            .arg(full)
            .output()
            .is_ok_and(|o| o.status.success());
        if std::env::var_os("FRESH").is_some() || !current {
            let t0 = std::time::Instant::now();
            run(Command::new(data_prep)
                .args(["synth", "--site-only", "--force", "--quiet", "--out"])
                .arg(full))?;
            synth_secs = Some(t0.elapsed().as_secs_f64());
        } else {
            eprintln!("xtask: reusing {} (FRESH=1 rebuilds it)", full.display());
        }

        Ok(synth_secs)
    }

    /// The page on the sample and at full shape, Your model and the 647-group heatmap; inside,
    /// whether every view kept the visit budget (the rest of the bench runs either way).
    fn browser(&self, app: &Path, full: &Path) -> Result<Result<()>> {
        let Bench { out, python, .. } = self;
        // 3. The browser, on the sample and at full shape.
        site(app, None)?;
        tools::browser()?;
        npm_ci(&root().join("tests/e2e"))?;
        // Every view against the visit budget; a view over it fails the bench, after the rest.
        let budget = capture(
            Command::new("node")
                .args(["tests/e2e/bench.mjs", "--check"])
                .arg(app)
                .arg(format!("full={}", full.display())),
            &out.join("browser.json"),
        );
        // Your model: a ResNet-50-shaped ONNX file (about 100 MB) against the full-shape site.
        let resnet = out.join("resnet50.onnx");
        run(Command::new(python)
            .arg("tests/bench/resnet50_onnx.py")
            .arg(&resnet))?;
        capture(
            Command::new("node")
                .arg("tests/e2e/bench_yours.mjs")
                .arg(app)
                .arg(full)
                .arg(&resnet),
            &out.join("browser-yours.json"),
        )?;
        // Checkpoints: a ResNet-50 state_dict as safetensors (and torch files where torch is
        // installed), and ten 45 MB checkpoints of a run chosen at once.
        let ck = out.join("checkpoints");
        run(Command::new(python)
            .arg("tests/bench/checkpoints.py")
            .arg(&ck))?;
        let mut files = vec![ck.join("resnet50.safetensors")];
        files.extend(
            ["resnet50.pt", "resnet50-legacy.pt"]
                .map(|f| ck.join(f))
                .into_iter()
                .filter(|f| f.exists()),
        );
        for f in files {
            let name = f
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            capture(
                Command::new("node")
                    .arg("tests/e2e/bench_yours.mjs")
                    .arg(app)
                    .arg(full)
                    .arg(&f),
                &out.join(format!("browser-yours-{name}.json")),
            )?;
        }
        let mut ten = Command::new("node");
        ten.arg("tests/e2e/bench_yours.mjs").arg(app).arg(full);
        for e in 1..=10 {
            ten.arg(ck.join(format!("run/epoch_{e:02}.safetensors")));
        }
        capture(&mut ten, &out.join("browser-yours-ten.json"))?;
        // The 647-group heatmap: switching to it, and zoom/pan steps.
        capture(
            Command::new("node")
                .arg("tests/e2e/bench_heatmap.mjs")
                .arg(app)
                .arg(full),
            &out.join("browser-heatmap.json"),
        )?;
        Ok(budget)
    }

    /// numpy on the same counts.
    fn numpy(&self, full: &Path) -> Result<()> {
        let Bench {
            out,
            python,
            data_prep,
            ..
        } = self;
        // 4. numpy on the same counts.
        for by in ["model", "Task"] {
            capture(
                Command::new(python)
                    .arg("tests/bench/heatmap_numpy.py")
                    .arg(full)
                    .args(["--by", by, "--data-prep"])
                    .arg(data_prep),
                &out.join(format!("heatmap-numpy-{by}.json")),
            )?;
        }

        Ok(())
    }

    /// The full site's and the wasm bundles' sizes.
    fn sizes(&self, app: &Path, full: &Path, synth_secs: Option<f64>) -> Result<()> {
        let (bytes, files, largest, largest_len) = folder_size(full)?;
        // 5. The wasm bundles: the page's and the data worker's.
        let mut wasm = serde_json::Map::new();
        for e in std::fs::read_dir(app)?.filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with("_bg.wasm") {
                let raw = e.metadata()?.len();
                wasm.insert(
                    name,
                    serde_json::json!({ "bytes": raw, "gzip_bytes": gzip_len(&e.path())? }),
                );
            }
        }
        if wasm.is_empty() {
            anyhow::bail!("no .wasm in the built site");
        }
        let summary = serde_json::json!({
            "site_full": {
                "seconds": synth_secs, "bytes": bytes, "files": files,
                "largest_file": largest, "largest_bytes": largest_len,
            },
            "wasm": wasm,
        });
        std::fs::write(
            self.out.join("sizes.json"),
            serde_json::to_string_pretty(&summary)?,
        )?;

        Ok(())
    }
}
