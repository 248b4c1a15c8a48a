//! Writing a site atomically (a temporary folder renamed into place only when complete) and
//! reading one back from disk.

pub mod interrupt;
pub mod publish;

use std::path::{Path, PathBuf};

use filterscope_site::{encode_site, SiteContent, SiteData, LAYERS_PER_CHUNK};

use crate::PrepError;
use interrupt::{clean_stale, committing, hold, settle, Partial};

/// Refuses an existing `out` unless `force`.
pub fn check_out(out: &Path, force: bool) -> Result<(), PrepError> {
    if out.exists() && !force {
        return Err(PrepError::OutputExists(out.to_path_buf()));
    }
    Ok(())
}

/// Where `out` is written before it is renamed into place (beside it, so the rename is atomic),
/// registered for removal if the run is interrupted; leftovers of earlier runs that could not
/// clean up are removed first.
pub(crate) fn temp_for(out: &Path) -> Partial {
    clean_stale(out);
    Partial::new(sibling(out, "partial"))
}

/// `.NAME.KIND-PID` beside `out`.
fn sibling(out: &Path, kind: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    out.with_file_name(format!(".{name}.{kind}-{}", std::process::id()))
}

/// Puts the finished temporary output `tmp` at `out`. A replaced `out` is moved aside first and
/// removed last, so that an interruption at any point leaves the old output or the new one,
/// never a mix; each rename is [`committing`], so an interruption is wholly before or after it.
pub(crate) fn put_in_place(tmp: &Partial, out: &Path) -> Result<(), PrepError> {
    hold("written");
    let old = if out.exists() {
        let old = committing(|| {
            let old = Partial::aside(sibling(out, "old"), out);
            std::fs::rename(out, old.path())
                .map(|()| old)
                .map_err(|e| PrepError::io(out, e))
        })?;
        hold("aside");
        Some(old)
    } else {
        None
    };
    let moved = committing(|| {
        std::fs::rename(tmp.path(), out)
            .map(|()| tmp.unregister())
            .map_err(|e| PrepError::io(out, e))
    });
    // Removed once the new output stands; put back if it does not.
    if let Some(old) = old {
        settle(old.path(), out);
    }
    moved?;
    hold("placed");
    Ok(())
}

/// Encodes and writes the site to `out`, atomically ([`write_folder`]).
pub fn write_site(content: &SiteContent, out: &Path, force: bool) -> Result<(), PrepError> {
    check_out(out, force)?;
    let files = encode_site(content, LAYERS_PER_CHUNK)?;
    write_folder(out, force, |tmp| {
        for (k, (name, bytes)) in files.iter().enumerate() {
            let p = tmp.join(name);
            std::fs::write(&p, bytes).map_err(|e| PrepError::io(&p, e))?;
            if k == 0 {
                hold("writing");
            }
        }
        Ok(())
    })
}

/// Makes the folder `out` with `fill`: into a temporary sibling folder first, renamed over `out`
/// only once `fill` has succeeded. On error nothing is left at `out` (nor the temporary folder).
pub fn write_folder(
    out: &Path,
    force: bool,
    fill: impl FnOnce(&Path) -> Result<(), PrepError>,
) -> Result<(), PrepError> {
    check_out(out, force)?;
    let partial = temp_for(out);
    let tmp = partial.path();
    let result = (|| {
        if tmp.exists() {
            std::fs::remove_dir_all(tmp).map_err(|e| PrepError::io(tmp, e))?;
        }
        std::fs::create_dir_all(tmp).map_err(|e| PrepError::io(tmp, e))?;
        fill(tmp)?;
        put_in_place(&partial, out)
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(tmp);
    }
    result
}

/// Reads a site from a folder: manifest, tables and every sketch chunk (samples are not needed by
/// the queries), each verified against the manifest. The browser fetches only what a view needs;
/// the command line reads it all, so every query can run.
pub fn load_site(dir: &Path) -> Result<SiteData, PrepError> {
    Ok(filterscope_open::load_folder(dir)?)
}
