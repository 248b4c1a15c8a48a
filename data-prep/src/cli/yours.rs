//! `data-prep yours`: an ONNX model that is not in the site, held against it, and optionally the
//! link that opens the same view on the site's page.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use data_prep::yours;
use filterscope_site::YoursSketch;

use super::report;

#[derive(Args)]
pub struct YoursArgs {
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
}

impl YoursArgs {
    pub fn run(self) -> Result<()> {
        let (r, sketch) = yours::report(&self.model, &self.site)?;
        if self.json {
            println!("{}", serde_json::to_string(&r)?);
        } else {
            print!("{}", report::yours(&r));
        }
        if let Some(page) = self.link {
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
        Ok(())
    }
}
