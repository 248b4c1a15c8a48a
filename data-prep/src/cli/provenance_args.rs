//! The flags that name a site's data (its provenance block), shared by `build` and `synth`. Each
//! flag overrides one field of the defaults for the source (the CNN Filter DB for `--h5`, the
//! folder for `--onnx`, the generator for `synth`).

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use filterscope_site::Provenance;

#[derive(Args, Default)]
pub struct ProvenanceArgs {
    /// The data set's name, shown on the page (default: by source, e.g. "CNN Filter DB").
    #[arg(long)]
    data_name: Option<String>,
    /// The data set's version.
    #[arg(long)]
    data_version: Option<String>,
    /// Where the data can be downloaded (only http(s) URLs become links on the page).
    #[arg(long)]
    data_url: Option<String>,
    /// The data set's DOI (e.g. 10.5281/zenodo.6371680).
    #[arg(long)]
    data_doi: Option<String>,
    /// The data's licence (e.g. "CC BY-SA 4.0").
    #[arg(long)]
    data_licence: Option<String>,
    /// A BibTeX file of the papers to cite.
    #[arg(long, value_name = "FILE")]
    cite: Option<PathBuf>,
    /// A notice shown on every view of the page (e.g. that it shows sample data).
    #[arg(long)]
    banner: Option<String>,
}

impl ProvenanceArgs {
    /// `defaults` with every given flag applied.
    pub fn apply(&self, defaults: Provenance) -> Result<Provenance> {
        let mut p = defaults;
        let set = |field: &mut String, v: &Option<String>| {
            if let Some(v) = v {
                *field = v.clone();
            }
        };
        set(&mut p.name, &self.data_name);
        set(&mut p.version, &self.data_version);
        set(&mut p.url, &self.data_url);
        set(&mut p.doi, &self.data_doi);
        set(&mut p.licence, &self.data_licence);
        set(&mut p.banner, &self.banner);
        if let Some(f) = &self.cite {
            p.cite = std::fs::read_to_string(f)
                .with_context(|| format!("reading the BibTeX file {}", f.display()))?;
        }
        Ok(p)
    }
}
