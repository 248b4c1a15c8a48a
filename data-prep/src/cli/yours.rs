//! `data-prep yours`: model files that are not in the site (ONNX, safetensors, PyTorch), held
//! against it and, for several, against each other; optionally the link that opens the same
//! view on the site's page.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;
use data_prep::yours;
use filterscope_site::{YoursSketch, MAX_MODELS};

use super::report;

#[derive(Args)]
pub struct YoursArgs {
    /// The model files (.onnx with any external data files beside it, .safetensors, PyTorch
    /// .pt/.pth/.bin; told apart by content), up to 16. With several, D between them follows
    /// their reports, read as a series in the order given.
    #[arg(required = true)]
    models: Vec<PathBuf>,
    /// The site folder.
    #[arg(long)]
    site: PathBuf,
    /// Print JSON: one model's report; for several, {"models": [...], "between": {...}} (and
    /// "errors" for files refused).
    #[arg(long)]
    json: bool,
    /// Also print a link to the site's page at this URL (e.g.
    /// https://host/filterscope/?view=yours) that opens the same view, the models' sketches in
    /// its fragment (within 8 KB; what it leaves out goes to stderr).
    #[arg(long, value_name = "PAGE_URL")]
    link: Option<String>,
}

impl YoursArgs {
    pub fn run(self) -> Result<()> {
        if self.models.len() > MAX_MODELS {
            bail!(
                "{} model files; at most {MAX_MODELS} at once",
                self.models.len()
            );
        }
        let (reports, sketches) = if self.models.len() == 1 {
            let (r, s) = yours::report(&self.models[0], &self.site)?;
            if self.json {
                println!("{}", serde_json::to_string(&r)?);
            } else {
                print!("{}", report::yours(&r));
            }
            (1, vec![s])
        } else {
            let pb = indicatif::ProgressBar::new(self.models.len() as u64);
            pb.set_style(
                indicatif::ProgressStyle::with_template(
                    "{prefix:>18} [{bar:30}] {pos}/{len} files {msg}",
                )?
                .progress_chars("=> "),
            );
            pb.set_prefix("measuring");
            let b = yours::batch(&self.models, &self.site, &|p| {
                pb.inc(1);
                pb.set_message(p.display().to_string());
            })?;
            pb.finish_and_clear();
            for e in &b.errors {
                eprintln!("{}", e.error);
            }
            if self.json {
                println!("{}", serde_json::to_string(&b)?);
            } else {
                for r in &b.models {
                    println!("{}", report::yours(r));
                }
                if let Some(between) = &b.between {
                    print!("{}", report::between(between));
                }
            }
            if b.models.is_empty() {
                bail!("no model could be measured");
            }
            (b.models.len(), b.sketches)
        };
        if let Some(page) = self.link {
            let page = page.split('#').next().unwrap_or_default();
            let (url, left_out) = YoursSketch::link_to_sketches(page, &sketches)
                .with_context(|| format!("{page}: too long for a link of 8 KB"))?;
            if !left_out.is_empty() {
                eprintln!(
                    "the link leaves out: {} (over 8 KB with them)",
                    left_out.join("; ")
                );
            }
            println!("{url}");
        }
        if reports < self.models.len() {
            bail!(
                "{} of {} files could not be measured (above)",
                self.models.len() - reports,
                self.models.len()
            );
        }
        Ok(())
    }
}
