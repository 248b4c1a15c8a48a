//! `data-prep build`: site data from the CNN Filter DB (`--h5`) or a folder of ONNX models
//! (`--onnx`), written in place only when complete.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use data_prep::build::{build_timed, Options, PassTiming, Plan};
use data_prep::output;
use data_prep::source::{corrections, h5, labels, onnx_dir};
use filterscope_site::{Correction, Provenance};
use filterscope_stats::Precision;

use super::provenance_args::ProvenanceArgs;

#[derive(Args)]
pub struct BuildArgs {
    /// The DB's HDF5 file (dataset `filters`, shape (N, 3, 3)).
    #[arg(long, conflicts_with_all = ["onnx", "models"], required_unless_present = "onnx")]
    h5: Option<PathBuf>,
    /// The DB's meta table as CSV (default: the CSV `meta` dataset inside the HDF5 file).
    #[arg(long, requires = "h5")]
    meta: Option<PathBuf>,
    /// A folder of ONNX models.
    #[arg(long, requires = "models")]
    onnx: Option<PathBuf>,
    /// CSV with one row per model: `file` (relative to --onnx), optional `model`, and meta columns.
    #[arg(long, requires = "onnx")]
    models: Option<PathBuf>,
    /// The site folder to write.
    #[arg(long)]
    out: PathBuf,
    /// Replace --out if it exists.
    #[arg(long)]
    force: bool,
    /// Filters sampled per layer.
    #[arg(long, default_value_t = Options::default().sample_per_layer)]
    sample_per_layer: u64,
    /// Seed of the samples.
    #[arg(long, default_value_t = Options::default().seed)]
    seed: u64,
    /// Filters read per batch (memory is about 72 bytes times this, per pass).
    #[arg(long, default_value_t = Options::default().batch_filters)]
    batch_filters: u64,
    /// No progress bars.
    #[arg(long)]
    quiet: bool,
    /// Print the seconds and filters/s of each pass as JSON on stdout.
    #[arg(long)]
    timings: bool,
    /// Precision of the weights: f64 (as stored), or f16 to round every weight and every scaled
    /// weight through IEEE half precision as the reference notebook does (`astype(np.float16)`),
    /// for comparing with the paper's published figures.
    #[arg(long, value_name = "f64|f16", default_value = "f64", value_parser = parse_precision)]
    cast: Precision,
    /// Keep the official DB's labels as they are. By default, as the notebook does, every Task
    /// containing "Segmentation" becomes "Segmentation" (v1.0.0 labels them inconsistently), and
    /// the label errors known for v1.0.0 (shipped with data-prep) are corrected.
    #[arg(long, requires = "h5")]
    raw_labels: bool,
    /// Correct known label errors before anything is grouped: a CSV with columns model, column,
    /// from, to, source (one row per model and column). Recorded in the manifest; listed in About.
    #[arg(long, value_name = "FILE.csv")]
    corrections: Option<PathBuf>,
    #[command(flatten)]
    provenance: ProvenanceArgs,
}

fn parse_precision(s: &str) -> Result<Precision, String> {
    Precision::from_name(s).ok_or_else(|| format!("{s:?} is not f64 or f16"))
}

impl BuildArgs {
    pub fn run(self) -> Result<()> {
        let a = self;
        output::check_out(&a.out, a.force)?;
        let opts = Options {
            batch_filters: a.batch_filters.max(1),
            sample_per_layer: a.sample_per_layer,
            seed: a.seed,
            progress: !a.quiet,
            precision: a.cast,
        };
        let started = std::time::Instant::now();
        let (mut content, passes) = match (&a.h5, &a.onnx, &a.models) {
            (Some(h5), _, _) => {
                let (mut plan, src) = h5::plan(h5, a.meta.as_deref())?;
                if !a.raw_labels {
                    let n = labels::clean_notebook_labels(&mut plan);
                    if n > 0 && !a.quiet {
                        eprintln!("{n} models' Task relabelled \"Segmentation\" as the notebook does (--raw-labels keeps them)");
                    }
                    if a.corrections.is_none() {
                        let name = corrections::CNN_FILTER_DB_NAME;
                        let rows = corrections::parse(name.as_ref(), corrections::CNN_FILTER_DB)?;
                        correct(&mut plan, name, rows, true, a.quiet);
                    }
                }
                a.correct_from_file(&mut plan)?;
                build_timed(&plan, &src, &opts)?
            }
            (None, Some(dir), Some(models)) => {
                let (mut plan, src) = onnx_dir::plan(dir, models)?;
                a.correct_from_file(&mut plan)?;
                build_timed(&plan, &src, &opts)?
            }
            _ => anyhow::bail!("give --h5 FILE [--meta CSV] or --onnx DIR --models CSV"),
        };
        let defaults = match &a.onnx {
            Some(dir) => Provenance::onnx_models(
                &dir.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            ),
            None => Provenance::cnn_filter_db(),
        };
        content.provenance = a.provenance.apply(defaults)?;
        let written = std::time::Instant::now();
        output::write_site(&content, &a.out, a.force)?;
        let write_secs = written.elapsed().as_secs_f64();
        let n: u64 = content.layers.iter().map(|l| l.n_filters).sum();
        let secs = started.elapsed().as_secs_f64();
        if !a.quiet {
            eprintln!(
                "wrote {}: {} filters, {} layers, {} models in {:.2} s ({:.0} filters/s)",
                a.out.display(),
                n,
                content.layers.len(),
                content.models.len(),
                secs,
                n as f64 / secs
            );
        }
        if a.timings {
            print_timings(&passes, secs, write_secs, n)?;
        }
        Ok(())
    }
}

impl BuildArgs {
    /// Applies `--corrections FILE`, if given.
    fn correct_from_file(&self, plan: &mut Plan) -> Result<()> {
        if let Some(path) = &self.corrections {
            let text =
                std::fs::read_to_string(path).map_err(|e| data_prep::PrepError::io(path, e))?;
            let rows = corrections::parse(path, &text)?;
            correct(plan, &path.display().to_string(), rows, false, self.quiet);
        }
        Ok(())
    }
}

/// Applies corrections, saying what was not applied (always) and what was (unless `quiet`).
fn correct(
    plan: &mut Plan,
    file: &str,
    rows: Vec<(u64, Correction)>,
    only_present: bool,
    quiet: bool,
) {
    let before = plan.corrections.len();
    for w in corrections::apply(plan, file, rows, only_present) {
        eprintln!("warning: {w}");
    }
    if !quiet {
        for c in &plan.corrections[before..] {
            eprintln!(
                "corrected {}: {} {:?} -> {:?} ({})",
                c.model, c.column, c.from, c.to, c.source
            );
        }
    }
}

fn print_timings(passes: &[PassTiming], total_secs: f64, write_secs: f64, n: u64) -> Result<()> {
    let rows: Vec<serde_json::Value> = passes
        .iter()
        .map(|p| {
            serde_json::json!({
                "pass": p.name,
                "seconds": p.seconds,
                "filters_per_s": p.filters as f64 / p.seconds,
            })
        })
        .collect();
    println!(
        "{}",
        serde_json::json!({
            "filters": n,
            "seconds": total_secs,
            "filters_per_s": n as f64 / total_secs,
            "passes": rows,
            "plan_seconds": total_secs - write_secs - passes.iter().map(|p| p.seconds).sum::<f64>(),
            "write_seconds": write_secs,
        })
    );
    Ok(())
}
