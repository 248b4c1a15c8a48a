//! Publishing a site's data: [`pack`] writes a verified site folder as one tar archive (to upload,
//! for example as a release asset); [`unpack`] takes a site folder, an archive or an http(s) URL of
//! one, checks it (the manifest's format version and, when given, its sha256; every file against
//! the manifest's size and sha256; nothing else in the archive) and writes the folder atomically.
//!
//! The manifest's sha256 stands for the whole site: the manifest lists every file's sha256. That
//! is the hash `pack` prints and `cargo xtask site --sha256` expects.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use filterscope_site::{sha256_hex, Manifest};

use crate::output::{check_out, put_in_place, temp_for, write_folder};
use crate::PrepError;

/// The archive's size limit when fetched: the full CNN Filter DB's site is about 105 MB, and a
/// site must keep every file under 100 MB to be served by GitHub Pages.
const MAX_FETCH_BYTES: u64 = 2 << 30;

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

/// Reads a site folder's manifest and every file it lists, by name, checked as [`verify`] checks
/// them (other files in the folder are left out).
fn read_folder(site: &Path) -> Result<BTreeMap<String, Vec<u8>>, PrepError> {
    let manifest = site.join("manifest.json");
    let json = std::fs::read(&manifest).map_err(|e| PrepError::io(&manifest, e))?;
    let mut files = BTreeMap::new();
    for f in parse(&manifest, &json)?.files() {
        let p = site.join(&f.file);
        files.insert(
            f.file.clone(),
            std::fs::read(&p).map_err(|e| PrepError::io(&p, e))?,
        );
    }
    files.insert("manifest.json".into(), json);
    verify(site, &files, None)?;
    Ok(files)
}

fn parse(path: &Path, json: &[u8]) -> Result<Manifest, PrepError> {
    let text = std::str::from_utf8(json)
        .map_err(|_| PrepError::invalid(path, "manifest.json", "not UTF-8 text"))?;
    Ok(Manifest::parse(text)?)
}

/// Packs the site folder `site` (verified first) into the tar archive `out`, written atomically.
pub fn pack(site: &Path, out: &Path, force: bool) -> Result<Packed, PrepError> {
    check_out(out, force)?;
    let files = read_folder(site)?;
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

/// The files of a tar archive, by name. `what` names the archive in errors. Only plain files at
/// the top level are accepted (no folders, links, absolute or `..` paths).
fn read_archive(what: &Path, bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, PrepError> {
    let mut files = BTreeMap::new();
    let mut archive = tar::Archive::new(bytes);
    let entries = archive
        .entries()
        .map_err(|e| PrepError::invalid(what, "tar", e.to_string()))?;
    for (k, entry) in entries.enumerate() {
        let place = format!("entry {k}");
        let mut entry = entry.map_err(|e| {
            PrepError::invalid(
                what,
                &place,
                format!("{e} (truncated or not a tar archive?)"),
            )
        })?;
        let path = entry
            .path()
            .map_err(|e| PrepError::invalid(what, &place, e.to_string()))?
            .into_owned();
        let name = match path.components().collect::<Vec<_>>()[..] {
            [Component::Normal(n)] if entry.header().entry_type().is_file() => {
                n.to_string_lossy().into_owned()
            }
            _ => {
                return Err(PrepError::invalid(
                    what,
                    &place,
                    format!(
                        "{}: only plain files at the top level belong in a site archive",
                        path.display()
                    ),
                ))
            }
        };
        let mut data = Vec::with_capacity(entry.size() as usize);
        entry.read_to_end(&mut data).map_err(|e| {
            PrepError::invalid(
                what,
                format!("{place} ({name})"),
                format!("{e} (truncated?)"),
            )
        })?;
        if data.len() as u64 != entry.size() {
            return Err(PrepError::invalid(
                what,
                format!("{place} ({name})"),
                format!("{} of {} bytes (truncated)", data.len(), entry.size()),
            ));
        }
        files.insert(name, data);
    }
    if files.is_empty() {
        return Err(PrepError::invalid(
            what,
            "tar",
            "no files (empty, truncated or not a tar archive)",
        ));
    }
    Ok(files)
}

/// Downloads `url` (http or https) into memory.
fn fetch(url: &str) -> Result<Vec<u8>, PrepError> {
    let what = PathBuf::from(url);
    let mut response = ureq::get(url)
        .call()
        .map_err(|e| PrepError::io(&what, format!("could not fetch: {e}")))?;
    let mut body = Vec::new();
    response
        .body_mut()
        .with_config()
        .limit(MAX_FETCH_BYTES)
        .reader()
        .read_to_end(&mut body)
        .map_err(|e| PrepError::io(&what, format!("download failed: {e}")))?;
    Ok(body)
}

/// Checks a site's files: the manifest parses (this format version), has the expected sha256 if
/// one is given, lists exactly these files, and each matches its size and sha256.
fn verify(
    what: &Path,
    files: &BTreeMap<String, Vec<u8>>,
    sha256: Option<&str>,
) -> Result<Manifest, PrepError> {
    let json = files
        .get("manifest.json")
        .ok_or_else(|| PrepError::invalid(what, "manifest.json", "missing"))?;
    let m = parse(&what.join("manifest.json"), json)?;
    if let Some(want) = sha256 {
        let got = sha256_hex(json);
        if !got.eq_ignore_ascii_case(want.trim()) {
            return Err(PrepError::invalid(
                what,
                "manifest.json",
                format!("sha256 {got}, expected {want} (another build of the data, or damaged)"),
            ));
        }
    }
    let listed = m.files();
    for f in &listed {
        let bytes = files.get(&f.file).ok_or_else(|| {
            PrepError::invalid(what, &f.file, "listed in the manifest but missing")
        })?;
        f.verify(bytes)?;
    }
    if let Some(extra) = files
        .keys()
        .find(|k| *k != "manifest.json" && !listed.iter().any(|f| &f.file == *k))
    {
        return Err(PrepError::invalid(
            what,
            extra,
            "not listed in the manifest",
        ));
    }
    Ok(m)
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
    let what = PathBuf::from(src);
    let files = if src.starts_with("https://") || src.starts_with("http://") {
        read_archive(&what, &fetch(src)?)?
    } else if what.is_dir() {
        let mut f = BTreeMap::new();
        for e in std::fs::read_dir(&what).map_err(|e| PrepError::io(&what, e))? {
            let p = e.map_err(|e| PrepError::io(&what, e))?.path();
            if p.is_file() {
                let name = p
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                f.insert(name, std::fs::read(&p).map_err(|e| PrepError::io(&p, e))?);
            }
        }
        f
    } else {
        read_archive(
            &what,
            &std::fs::read(&what).map_err(|e| PrepError::io(&what, e))?,
        )?
    };
    let m = verify(&what, &files, sha256)?;
    write_folder(out, force, |tmp| {
        for (name, bytes) in &files {
            let p = tmp.join(name);
            std::fs::write(&p, bytes).map_err(|e| PrepError::io(&p, e))?;
        }
        Ok(())
    })?;
    Ok(m)
}
