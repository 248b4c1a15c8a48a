//! The data-prep command line: a thin layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;

mod provenance_args;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use data_prep::pipeline::{build_timed, Options, PassTiming};
use data_prep::source::synth::{SynthDb, SynthOptions};
use data_prep::source::{h5, labels, onnx_dir};
use data_prep::{output, publish, report, yours};
use filterscope_site::{Order, Provenance, Where, YoursSketch};
use filterscope_stats::Precision;
use provenance_args::ProvenanceArgs;

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
    /// Generate a synthetic DB with the shape of the CNN Filter DB v1.0.0 (db.h5 + meta.csv), or
    /// with --site-only the site data built from it, without writing the DB.
    Synth(SynthArgs),
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
        /// Keep only layers with COLUMN=VALUE (or COLUMN:VALUE, as page links write it;
        /// repeatable: OR within a column, AND across).
        #[arg(long = "where", value_name = "COLUMN=VALUE")]
        filters: Vec<String>,
        /// Order of the groups: cluster (average-linkage dendrogram leaves), mean (mean drift,
        /// smallest first) or name; by default name for depth, cluster otherwise. The JSON keeps
        /// the groups as they come and lists this order in "order".
        #[arg(long)]
        order: Option<Order>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Hold an ONNX model that is not in the site against it: its layers' quality, and D to every
    /// site model, to every group of each model-level column, and per depth bucket.
    Yours {
        /// The model (.onnx; external data files beside it are read).
        model: PathBuf,
        /// The site folder.
        #[arg(long)]
        site: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Also print a link to the site's page at this URL (e.g.
        /// https://host/filterscope/?view=yours) that opens the same view, the model's
        /// sketches in its fragment (within 8 KB; what it leaves out goes to stderr).
        #[arg(long, value_name = "PAGE_URL")]
        link: Option<String>,
    },
    /// Pack a site's data (verified first) into one tar archive to publish; prints the
    /// manifest's sha256, which names the data (`cargo xtask site --data ARCHIVE --sha256 HEX`).
    Pack {
        /// The site folder.
        site: PathBuf,
        /// The archive to write.
        #[arg(long)]
        out: PathBuf,
        /// Replace --out if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Check site data (a folder, an archive from `pack`, or an http(s) URL of one) and write it
    /// as a folder; nothing is written unless every file matches the manifest.
    Unpack {
        /// A site folder, a .tar archive, or an http(s) URL of one.
        src: String,
        /// The folder to write.
        #[arg(long)]
        out: PathBuf,
        /// The manifest's expected sha256 (as `pack` prints it).
        #[arg(long)]
        sha256: Option<String>,
        /// Replace --out if it exists.
        #[arg(long)]
        force: bool,
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
    /// Print the seconds and filters/s of each pass as JSON on stdout.
    #[arg(long)]
    timings: bool,
    /// Precision of the weights: f64 (as stored), or f16 to round every weight and every scaled
    /// weight through IEEE half precision as the reference notebook does (`astype(np.float16)`),
    /// for comparing with the paper's published figures.
    #[arg(long, value_name = "f64|f16", default_value = "f64", value_parser = parse_precision)]
    cast: Precision,
    /// Keep the official DB's labels as they are. By default, as the notebook does, every Task
    /// containing "Segmentation" becomes "Segmentation" (v1.0.0 labels them inconsistently).
    #[arg(long, requires = "h5")]
    raw_labels: bool,
    #[command(flatten)]
    provenance: ProvenanceArgs,
}

fn parse_precision(s: &str) -> Result<Precision, String> {
    Precision::from_name(s).ok_or_else(|| format!("{s:?} is not f64 or f16"))
}

#[derive(Args)]
struct SynthArgs {
    /// Models (v1.0.0: 647).
    #[arg(long, default_value_t = SynthOptions::default().models)]
    models: usize,
    /// 3x3 conv layers in all (v1.0.0: 21,436).
    #[arg(long, default_value_t = SynthOptions::default().layers)]
    layers: usize,
    /// Filters in all, approximately (v1.0.0: 1,464,797,156).
    #[arg(long, default_value_t = SynthOptions::default().filters)]
    filters: u64,
    /// Seed.
    #[arg(long, default_value_t = SynthOptions::default().seed)]
    seed: u64,
    /// The folder to write (db.h5 + meta.csv, or the site with --site-only).
    #[arg(long)]
    out: PathBuf,
    /// Write the site data (as `build` would from the DB) instead of the DB.
    #[arg(long)]
    site_only: bool,
    /// Replace --out if it exists.
    #[arg(long)]
    force: bool,
    /// No progress bars.
    #[arg(long)]
    quiet: bool,
    #[command(flatten)]
    provenance: ProvenanceArgs,
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

fn run_synth(a: SynthArgs) -> Result<()> {
    output::check_out(&a.out, a.force)?;
    let db = SynthDb::design(&SynthOptions {
        models: a.models,
        layers: a.layers,
        filters: a.filters,
        seed: a.seed,
    })?;
    let started = std::time::Instant::now();
    if a.site_only {
        let (mut plan, src) = db.plan()?;
        // What `build --h5` does to the DB this would write.
        labels::clean_notebook_labels(&mut plan);
        let opts = Options {
            progress: !a.quiet,
            ..Options::default()
        };
        let (mut content, _) = build_timed(&plan, &src, &opts)?;
        content.provenance = a.provenance.apply(Provenance::synthetic(a.seed))?;
        output::write_site(&content, &a.out, a.force)?;
    } else {
        db.write(&a.out, a.force, !a.quiet)?;
    }
    if !a.quiet {
        eprintln!(
            "wrote {}: {} filters, {} layers, {} models in {:.1} s",
            a.out.display(),
            db.n_filters(),
            db.layers.len(),
            db.models.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn run_build(a: BuildArgs) -> Result<()> {
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
            }
            build_timed(&plan, &src, &opts)?
        }
        (None, Some(dir), Some(models)) => {
            let (plan, src) = onnx_dir::plan(dir, models)?;
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

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Build(a) => run_build(a)?,
        Command::Synth(a) => run_synth(a)?,
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
            order,
            json,
        } => {
            let filters: Vec<Where> = filters
                .iter()
                .map(|f| f.parse())
                .collect::<Result<_, _>>()?;
            let c = output::load_site(&site)?.compare(&by, &filters)?;
            let order = c.order(order.unwrap_or_else(|| Order::default_for(&by)));
            if json {
                let mut v = serde_json::to_value(&c)?;
                v["order"] = order.iter().map(|&i| c.groups[i].clone()).collect();
                println!("{}", serde_json::to_string(&v)?);
            } else {
                print!("{}", report::compare(&c, &order));
            }
        }
        Command::Yours {
            model,
            site,
            json,
            link,
        } => {
            let (r, sketch) = yours::report(&model, &site)?;
            if json {
                println!("{}", serde_json::to_string(&r)?);
            } else {
                print!("{}", report::yours(&r));
            }
            if let Some(page) = link {
                let page = page.split('#').next().unwrap_or_default();
                let (url, left_out) = YoursSketch::link_to(page, &sketch.links())
                    .with_context(|| format!("{page}: too long for a link of 8 KB"))?;
                if !left_out.is_empty() {
                    eprintln!(
                        "the link leaves out: {} (over 8 KB with them)",
                        left_out.join(", ")
                    );
                }
                println!("{url}");
            }
        }
        Command::Pack { site, out, force } => {
            let p = publish::pack(&site, &out, force)?;
            eprintln!(
                "wrote {}: {} files, {} bytes, archive sha256 {}",
                out.display(),
                p.files,
                p.bytes,
                p.archive_sha256
            );
            println!("manifest sha256: {}", p.manifest_sha256);
        }
        Command::Unpack {
            src,
            out,
            sha256,
            force,
        } => {
            let m = publish::unpack(&src, &out, sha256.as_deref(), force)?;
            let p = &m.provenance;
            eprintln!(
                "wrote {}: {} ({}), {} filters, {} models",
                out.display(),
                m.source,
                [p.name.as_str(), p.version.as_str()]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(" "),
                m.n_filters,
                m.n_models
            );
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
    data_prep::interrupt::install();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
