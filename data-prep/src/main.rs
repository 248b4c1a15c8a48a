//! `data-prep`: parses the command line and hands each subcommand to its module in `cli/`, which
//! runs it over the library (build/, source/, output/).

mod cli;

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

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
    Build(cli::build::BuildArgs),
    /// Generate a synthetic DB with the shape of the CNN Filter DB v1.0.0 (db.h5 + meta.csv), or
    /// with --site-only the site data built from it, without writing the DB.
    Synth(cli::synth::SynthArgs),
    /// Global counts, PCA basis and coefficient range of a site.
    Stats(cli::query::StatsArgs),
    /// The drift matrix D between the groups of a column.
    Compare(cli::query::CompareArgs),
    /// Hold an ONNX model that is not in the site against it: its layers' quality, and D to every
    /// site model, to every group of each model-level column, and per depth bucket.
    Yours(cli::yours::YoursArgs),
    /// Pack a site's data (verified first) into one tar archive to publish; prints the
    /// manifest's sha256, which names the data (`cargo xtask site --data ARCHIVE --sha256 HEX`).
    Pack(cli::publish::PackArgs),
    /// Check site data (a folder, an archive from `pack`, or an http(s) URL of one) and write it
    /// as a folder; nothing is written unless every file matches the manifest.
    Unpack(cli::publish::UnpackArgs),
    /// Every layer (or those --where keeps): depth, channels, columns and quality (sparsity,
    /// variance entropy, degeneration, orthogonality).
    Layers(cli::query::LayersArgs),
    /// Every model: its meta columns, layers and filters.
    Models(cli::query::ModelsArgs),
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Build(a) => a.run(),
        Command::Synth(a) => a.run(),
        Command::Stats(a) => a.run(),
        Command::Compare(a) => a.run(),
        Command::Yours(a) => a.run(),
        Command::Pack(a) => a.run(),
        Command::Unpack(a) => a.run(),
        Command::Layers(a) => a.run(),
        Command::Models(a) => a.run(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    data_prep::output::interrupt::install();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
