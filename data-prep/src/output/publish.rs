//! Publishing a site's data: [`pack`] writes a verified site folder as one tar archive (to upload,
//! for example as a release asset); [`unpack`] takes a site folder, an archive or an http(s) URL of
//! one, checks it (the manifest's format version and, when given, its sha256; every file against
//! the manifest's size and sha256; nothing else in the archive) and writes the folder atomically.
//!
//! The manifest's sha256 stands for the whole site: the manifest lists every file's sha256. That
//! is the hash `pack` prints and `cargo xtask site --sha256` expects.

use std::path::Path;

use filterscope_open::files;
use filterscope_site::{sha256_hex, Manifest};

use crate::output::{check_out, put_in_place, temp_for, write_folder};
use crate::PrepError;

/// What [`pack`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packed {
    /// sha256 of manifest.json: the hash that names this site's data.
    pub manifest_sha256: String,
    /// sha256 of the archive file.
    pub archive_sha256: String,
    /// Archive size in bytes.
    pub bytes: u64,
    /// Files in it (the manifest included).
    pub files: usize,
}

/// Packs the site folder `site` (verified first) into the tar archive `out`, written atomically.
pub fn pack(site: &Path, out: &Path, force: bool) -> Result<Packed, PrepError> {
    check_out(out, force)?;
    let files = files::read_folder(site)?;
    let mut tar = tar::Builder::new(Vec::new());
    for (name, bytes) in &files {
        let mut h = tar::Header::new_gnu();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        // A fixed time: the same site packs to the same bytes.
        h.set_mtime(0);
        h.set_cksum();
        tar.append_data(&mut h, name, bytes.as_slice())
            .map_err(|e| PrepError::io(out, e))?;
    }
    let archive = tar.into_inner().map_err(|e| PrepError::io(out, e))?;
    let partial = temp_for(out);
    let tmp = partial.path();
    std::fs::write(tmp, &archive)
        .map_err(|e| PrepError::io(tmp, e))
        .and_then(|()| put_in_place(&partial, out))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(tmp);
        })?;
    Ok(Packed {
        manifest_sha256: sha256_hex(&files["manifest.json"]),
        archive_sha256: sha256_hex(&archive),
        bytes: archive.len() as u64,
        files: files.len(),
    })
}

/// Writes the site data at `src` (a site folder, a tar archive from [`pack`], or an http(s) URL
/// of one) to the folder `out`, after checking it all; `sha256` is the manifest's expected hash.
/// Nothing is written unless every check passes.
pub fn unpack(
    src: &str,
    out: &Path,
    sha256: Option<&str>,
    force: bool,
) -> Result<Manifest, PrepError> {
    check_out(out, force)?;
    let files = files::read_any(src)?;
    let m = files::verify(Path::new(src), &files, sha256)?;
    write_folder(out, force, |tmp| {
        for (name, bytes) in &files {
            let p = tmp.join(name);
            std::fs::write(&p, bytes).map_err(|e| PrepError::io(&p, e))?;
        }
        Ok(())
    })?;
    Ok(m)
}
