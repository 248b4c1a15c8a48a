//! A site's files as published: a folder, a tar archive from `data-prep pack` (on disk or at an
//! http(s) URL), or the data folder of a deployed site at its URL. Whatever the source, what is
//! read is checked against the manifest ([`verify`]) before anything uses it.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use filterscope_site::{sha256_hex, Manifest};

use crate::OpenError;

/// A site's files by name (`manifest.json` among them).
pub type Files = BTreeMap<String, Vec<u8>>;

/// The download limit: the full CNN Filter DB's site is about 105 MB, and a site keeps every
/// file under 100 MB to be served by GitHub Pages.
const MAX_FETCH_BYTES: u64 = 2 << 30;

/// Whether `src` names an http(s) URL rather than a path.
pub fn is_url(src: &str) -> bool {
    src.starts_with("https://") || src.starts_with("http://")
}

/// Parses manifest.json's bytes; `path` names it in errors.
pub fn parse(path: &Path, json: &[u8]) -> Result<Manifest, OpenError> {
    let text = std::str::from_utf8(json)
        .map_err(|_| OpenError::invalid(path, "manifest.json", "not UTF-8 text"))?;
    Ok(Manifest::parse(text)?)
}

/// A site folder's manifest and every file it lists, by name, checked as [`verify`] checks them
/// (other files in the folder are left out).
pub fn read_folder(site: &Path) -> Result<Files, OpenError> {
    let manifest = site.join("manifest.json");
    let json = std::fs::read(&manifest).map_err(|e| OpenError::io(&manifest, e))?;
    let mut files = BTreeMap::new();
    for f in parse(&manifest, &json)?.files() {
        let p = site.join(&f.file);
        files.insert(
            f.file.clone(),
            std::fs::read(&p).map_err(|e| OpenError::io(&p, e))?,
        );
    }
    files.insert("manifest.json".into(), json);
    verify(site, &files, None)?;
    Ok(files)
}

/// Every plain file of a folder, by name (what `unpack` checks: nothing may be left over).
pub fn read_whole_folder(dir: &Path) -> Result<Files, OpenError> {
    let mut f = BTreeMap::new();
    for e in std::fs::read_dir(dir).map_err(|e| OpenError::io(dir, e))? {
        let p = e.map_err(|e| OpenError::io(dir, e))?.path();
        if p.is_file() {
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            f.insert(name, std::fs::read(&p).map_err(|e| OpenError::io(&p, e))?);
        }
    }
    Ok(f)
}

/// The files of a tar archive, by name. `what` names the archive in errors. Only plain files at
/// the top level are accepted (no folders, links, absolute or `..` paths).
pub fn read_archive(what: &Path, bytes: &[u8]) -> Result<Files, OpenError> {
    let mut files = BTreeMap::new();
    let mut archive = tar::Archive::new(bytes);
    let entries = archive
        .entries()
        .map_err(|e| OpenError::invalid(what, "tar", e.to_string()))?;
    for (k, entry) in entries.enumerate() {
        let place = format!("entry {k}");
        let mut entry = entry.map_err(|e| {
            OpenError::invalid(
                what,
                &place,
                format!("{e} (truncated or not a tar archive?)"),
            )
        })?;
        let path = entry
            .path()
            .map_err(|e| OpenError::invalid(what, &place, e.to_string()))?
            .into_owned();
        let name = match path.components().collect::<Vec<_>>()[..] {
            [Component::Normal(n)] if entry.header().entry_type().is_file() => {
                n.to_string_lossy().into_owned()
            }
            _ => {
                return Err(OpenError::invalid(
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
            OpenError::invalid(
                what,
                format!("{place} ({name})"),
                format!("{e} (truncated?)"),
            )
        })?;
        if data.len() as u64 != entry.size() {
            return Err(OpenError::invalid(
                what,
                format!("{place} ({name})"),
                format!("{} of {} bytes (truncated)", data.len(), entry.size()),
            ));
        }
        files.insert(name, data);
    }
    if files.is_empty() {
        return Err(OpenError::invalid(
            what,
            "tar",
            "no files (empty, truncated or not a tar archive)",
        ));
    }
    Ok(files)
}

/// Downloads `url` (http or https) into memory.
pub fn fetch(url: &str) -> Result<Vec<u8>, OpenError> {
    let what = PathBuf::from(url);
    // A server that accepts and then says nothing must not hang a notebook for ever; a slow
    // body is fine (no limit on the whole download).
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_recv_response(Some(Duration::from_secs(120)))
        .build()
        .into();
    let mut response = agent
        .get(url)
        .call()
        .map_err(|e| OpenError::io(&what, format!("could not fetch: {e}")))?;
    let mut body = Vec::new();
    response
        .body_mut()
        .with_config()
        .limit(MAX_FETCH_BYTES)
        .reader()
        .read_to_end(&mut body)
        .map_err(|e| OpenError::io(&what, format!("download failed: {e}")))?;
    Ok(body)
}

/// Site data at `src` as `unpack` takes it: a folder (every file in it), a tar archive on disk,
/// or an http(s) URL of an archive. Not yet verified.
pub fn read_any(src: &str) -> Result<Files, OpenError> {
    let what = PathBuf::from(src);
    if is_url(src) {
        read_archive(&what, &fetch(src)?)
    } else if what.is_dir() {
        read_whole_folder(&what)
    } else {
        read_archive(
            &what,
            &std::fs::read(&what).map_err(|e| OpenError::io(&what, e))?,
        )
    }
}

/// The manifest's sha256 against the one expected, if any.
pub(crate) fn check_sha256(
    what: &Path,
    json: &[u8],
    sha256: Option<&str>,
) -> Result<(), OpenError> {
    let Some(want) = sha256 else { return Ok(()) };
    let got = sha256_hex(json);
    if got.eq_ignore_ascii_case(want.trim()) {
        Ok(())
    } else {
        Err(OpenError::invalid(
            what,
            "manifest.json",
            format!("sha256 {got}, expected {want} (another build of the data, or damaged)"),
        ))
    }
}

/// Checks a site's files: the manifest parses (this format version), has the expected sha256 if
/// one is given, lists exactly these files, and each matches its size and sha256.
pub fn verify(what: &Path, files: &Files, sha256: Option<&str>) -> Result<Manifest, OpenError> {
    let json = files
        .get("manifest.json")
        .ok_or_else(|| OpenError::invalid(what, "manifest.json", "missing"))?;
    let m = parse(&what.join("manifest.json"), json)?;
    check_sha256(what, json, sha256)?;
    let listed = m.files();
    for f in &listed {
        let bytes = files.get(&f.file).ok_or_else(|| {
            OpenError::invalid(what, &f.file, "listed in the manifest but missing")
        })?;
        f.verify(bytes)?;
    }
    if let Some(extra) = files
        .keys()
        .find(|k| *k != "manifest.json" && !listed.iter().any(|f| &f.file == *k))
    {
        return Err(OpenError::invalid(
            what,
            extra,
            "not listed in the manifest",
        ));
    }
    Ok(m)
}
