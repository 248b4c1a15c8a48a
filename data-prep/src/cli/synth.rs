//! `data-prep synth`: a synthetic DB with the shape of the CNN Filter DB, or the site data built
//! from it.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use data_prep::build::{build_timed, Options};
use data_prep::output;
use data_prep::source::labels;
use data_prep::source::synth::{SynthDb, SynthOptions};
use filterscope_site::Provenance;

use super::provenance_args::ProvenanceArgs;

#[derive(Args)]
pub struct SynthArgs {
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

impl SynthArgs {
    pub fn run(self) -> Result<()> {
        let a = self;
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
}
