//! Site data ready for queries, from any source [`open`] takes: the manifest, the models table
//! and every part the queries read (the raw filter samples, which only the page's pair and model
//! views draw, are left out). Each file is checked against the manifest's size and sha256 as it
//! is added, as the browser checks what it fetches.

use std::path::{Path, PathBuf};

use filterscope_site::{Manifest, Part, SiteData};

use crate::files::{check_sha256, fetch, is_url, read_archive, verify, Files};
use crate::OpenError;

/// Builds the site from its manifest's bytes and a reader of its files by name; `what` names
/// the source in errors.
fn load(
    what: &Path,
    json: &[u8],
    read: &mut dyn FnMut(&str) -> Result<Vec<u8>, OpenError>,
) -> Result<SiteData, OpenError> {
    let manifest = what.join("manifest.json");
    let text = String::from_utf8(json.to_vec())
        .map_err(|_| OpenError::invalid(&manifest, "bytes", "not UTF-8"))?;
    let m = Manifest::parse(&text)
        .map_err(|e| OpenError::invalid(&manifest, "content", e.to_string()))?;
    let mut site = SiteData::new(&text, &read(&m.models.file)?)
        .map_err(|e| OpenError::invalid(what, "site", e.to_string()))?;
    for part in site.all_parts() {
        if matches!(part, Part::Models | Part::LiteSamples(_) | Part::Samples(_)) {
            continue;
        }
        let file = site.entry(part).expect("listed").file.clone();
        site.add_bytes(part, &read(&file)?)
            .map_err(|e| OpenError::invalid(what, "site", e.to_string()))?;
    }
    Ok(site)
}

/// A site folder: only the files the queries read leave the disk.
pub fn load_folder(dir: &Path) -> Result<SiteData, OpenError> {
    load_folder_pinned(dir, None)
}

/// [`load_folder`], its manifest's sha256 checked first when one is expected.
fn load_folder_pinned(dir: &Path, sha256: Option<&str>) -> Result<SiteData, OpenError> {
    let mut read = |name: &str| {
        let p = dir.join(name);
        std::fs::read(&p).map_err(|e| OpenError::io(&p, e))
    };
    let json = read("manifest.json")?;
    check_sha256(dir, &json, sha256)?;
    load(dir, &json, &mut read)
}

/// An archive's files, checked whole first (exactly the listed files, each matching).
fn load_files(what: &Path, mut files: Files, sha256: Option<&str>) -> Result<SiteData, OpenError> {
    verify(what, &files, sha256)?;
    let json = files.remove("manifest.json").expect("verified");
    load(what, &json, &mut |name| {
        files
            .remove(name)
            .ok_or_else(|| OpenError::invalid(what, name, "listed in the manifest but missing"))
    })
}

/// A deployed site's data at `url`: the page's address (its data lie in `data/`), the data
/// folder's, or its manifest's.
fn load_published(url: &str, sha256: Option<&str>) -> Result<SiteData, OpenError> {
    let what = PathBuf::from(url);
    let url = url.split(['#', '?']).next().unwrap_or_default();
    let candidates: Vec<String> = if let Some(base) = url.strip_suffix("manifest.json") {
        vec![base.to_string()]
    } else {
        let dir = if url.ends_with('/') {
            url.to_string()
        } else {
            format!("{url}/")
        };
        vec![dir.clone(), format!("{dir}data/")]
    };
    let mut failures = vec![];
    for base in &candidates {
        match fetch(&format!("{base}manifest.json")) {
            Ok(json) => {
                check_sha256(&what, &json, sha256)?;
                return load(&what, &json, &mut |name| fetch(&format!("{base}{name}")));
            }
            Err(e) => failures.push(e.to_string()),
        }
    }
    Err(OpenError::invalid(
        what,
        "manifest.json",
        format!("no site data there: {}", failures.join("; ")),
    ))
}

/// Opens site data for queries: a site folder, a tar archive from `data-prep pack` (a path or an
/// http(s) URL ending in `.tar`), or the http(s) URL of a deployed site (its page or its data
/// folder). Every file read is checked against the manifest; an archive must hold exactly the
/// listed files. `sha256`, when given, is the manifest's expected hash: the one `data-prep pack`
/// prints, which names this build of the data.
pub fn open(src: &str, sha256: Option<&str>) -> Result<SiteData, OpenError> {
    let what = PathBuf::from(src);
    if is_url(src) {
        let path = src.split(['#', '?']).next().unwrap_or_default();
        if path.ends_with(".tar") {
            let files = read_archive(&what, &fetch(src)?)?;
            return load_files(&what, files, sha256);
        }
        return load_published(src, sha256);
    }
    if what.is_dir() {
        return load_folder_pinned(&what, sha256);
    }
    let bytes = std::fs::read(&what).map_err(|e| OpenError::io(&what, e))?;
    load_files(&what, read_archive(&what, &bytes)?, sha256)
}

#[cfg(test)]
mod tests {
    use super::*;
    use filterscope_site::testing::content;
    use filterscope_site::{encode_site, sha256_hex};

    /// The test content written as a site folder, its files by name.
    fn written(dir: &Path) -> Files {
        let files: Files = encode_site(&content(), 2).unwrap().into_iter().collect();
        for (name, bytes) in &files {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
        files
    }

    fn tar_of(files: &Files) -> Vec<u8> {
        let mut tar = tar::Builder::new(Vec::new());
        for (name, bytes) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(bytes.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            tar.append_data(&mut h, name, bytes.as_slice()).unwrap();
        }
        tar.into_inner().unwrap()
    }

    #[test]
    fn a_folder_and_its_archive_open_to_the_same_site_and_a_pin_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let files = written(dir.path());
        let archive = dir.path().join("site.tar");
        std::fs::write(&archive, tar_of(&files)).unwrap();
        let sha = sha256_hex(&files["manifest.json"]);
        let a = open(dir.path().to_str().unwrap(), Some(&sha)).unwrap();
        let b = open(archive.to_str().unwrap(), Some(&sha)).unwrap();
        assert_eq!(a.stats(), b.stats());
        assert_eq!(a.layer_lines(&[]).unwrap(), b.layer_lines(&[]).unwrap());
        let e = open(archive.to_str().unwrap(), Some(&"0".repeat(64)))
            .unwrap_err()
            .to_string();
        assert!(e.contains(&format!("sha256 {sha}, expected")), "{e}");
    }

    #[test]
    fn an_archive_with_a_file_too_many_or_too_few_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = written(dir.path());
        let archive = dir.path().join("extra.tar");
        files.insert("notes.txt".into(), b"hello".to_vec());
        std::fs::write(&archive, tar_of(&files)).unwrap();
        let e = open(archive.to_str().unwrap(), None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("notes.txt: not listed in the manifest"), "{e}");
        files.remove("notes.txt");
        let gone = files
            .keys()
            .find(|k| k.starts_with("sketches-"))
            .unwrap()
            .clone();
        files.remove(&gone);
        std::fs::write(&archive, tar_of(&files)).unwrap();
        let e = open(archive.to_str().unwrap(), None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(&format!("{gone}: listed in the manifest but missing")),
            "{e}"
        );
    }
}
