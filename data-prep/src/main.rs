//! The data-prep command line: a thin layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use data_prep::pipeline::{build, Options};
use data_prep::{h5, onnx_dir, output, report};
use filterscope_site::Where;

#[derive(Parser)]
#[command(
    name = "data-prep",
    version,
    about = "Build and query Filterscope site data"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build site data from the CNN Filter DB (--h5) or a folder of ONNX models (--onnx).
    Build(BuildArgs),
    /// Global counts, PCA basis and coefficient range of a site.
    Stats {
        /// The site folder.
        site: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The drift matrix D between the groups of a column.
    Compare {
        /// The site folder.
        site: PathBuf,
        /// Column to group by: a meta column, `model` or `depth`.
        #[arg(long)]
        by: String,
        /// Keep only layers with COLUMN=VALUE (repeatable: OR within a column, AND across).
        #[arg(long = "where", value_name = "COLUMN=VALUE")]
        filters: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Quality of every layer: sparsity, variance entropy, degeneration, orthogonality.
    Layers {
        /// The site folder.
        site: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct BuildArgs {
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
}

fn run_build(a: BuildArgs) -> Result<()> {
    output::check_out(&a.out, a.force)?;
    let opts = Options {
        batch_filters: a.batch_filters.max(1),
        sample_per_layer: a.sample_per_layer,
        seed: a.seed,
        progress: !a.quiet,
    };
    let started = std::time::Instant::now();
    let content = match (&a.h5, &a.onnx, &a.models) {
        (Some(h5), _, _) => {
            let (plan, src) = h5::plan(h5, a.meta.as_deref())?;
            build(&plan, &src, &opts)?
        }
        (None, Some(dir), Some(models)) => {
            let (plan, src) = onnx_dir::plan(dir, models)?;
            build(&plan, &src, &opts)?
        }
        _ => anyhow::bail!("give --h5 FILE [--meta CSV] or --onnx DIR --models CSV"),
    };
    output::write_site(&content, &a.out, a.force)?;
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
    Ok(())
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Build(a) => run_build(a)?,
        Command::Stats { site, json } => {
            let s = output::load_site(&site)?.stats();
            if json {
                println!("{}", serde_json::to_string(&s)?);
            } else {
                print!("{}", report::stats(&s));
            }
        }
        Command::Compare {
            site,
            by,
            filters,
            json,
        } => {
            let filters: Vec<Where> = filters
                .iter()
                .map(|f| f.parse())
                .collect::<Result<_, _>>()?;
            let c = output::load_site(&site)?.compare(&by, &filters)?;
            if json {
                println!("{}", serde_json::to_string(&c)?);
            } else {
                print!("{}", report::compare(&c));
            }
        }
        Command::Layers { site, json } => {
            let l = output::load_site(&site)?.layer_reports()?;
            if json {
                println!("{}", serde_json::to_string(&l)?);
            } else {
                print!("{}", report::layers(&l));
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
