//! `data-prep pack` and `unpack`: a site's data as one verified archive to publish, and back.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use data_prep::output::publish;

#[derive(Args)]
pub struct PackArgs {
    /// The site folder.
    site: PathBuf,
    /// The archive to write.
    #[arg(long)]
    out: PathBuf,
    /// Replace --out if it exists.
    #[arg(long)]
    force: bool,
}

impl PackArgs {
    pub fn run(self) -> Result<()> {
        let p = publish::pack(&self.site, &self.out, self.force)?;
        eprintln!(
            "wrote {}: {} files, {} bytes, archive sha256 {}",
            self.out.display(),
            p.files,
            p.bytes,
            p.archive_sha256
        );
        println!("manifest sha256: {}", p.manifest_sha256);
        Ok(())
    }
}

#[derive(Args)]
pub struct UnpackArgs {
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
}

impl UnpackArgs {
    pub fn run(self) -> Result<()> {
        let m = publish::unpack(&self.src, &self.out, self.sha256.as_deref(), self.force)?;
        let p = &m.provenance;
        let name: Vec<&str> = [p.name.as_str(), p.version.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        eprintln!(
            "wrote {}: {} ({}), {} filters, {} models",
            self.out.display(),
            m.source,
            name.join(" "),
            m.n_filters,
            m.n_models
        );
        Ok(())
    }
}
