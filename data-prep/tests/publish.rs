//! Publishing site data: `pack` then `unpack` from a file, a folder and an HTTP URL give the same
//! site; a wrong hash, a truncated archive, an archive of an older format, a foreign entry and an
//! unreachable URL each fail with a message naming the problem, and leave nothing behind.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use data_prep::output::publish::{pack, unpack};
use data_prep::testing::fixture;

/// A small site built from the fixture ONNX models.
fn site(dir: &Path) -> PathBuf {
    let models_dir = dir.join("models");
    let models_csv = fixture::write_onnx_db(&models_dir, &fixture::reference_models(), 5).unwrap();
    let out = dir.join("site");
    let (plan, src) = data_prep::source::onnx_dir::plan(&models_dir, &models_csv).unwrap();
    let opts = data_prep::build::Options {
        progress: false,
        ..Default::default()
    };
    let (content, _) = data_prep::build::build_timed(&plan, &src, &opts).unwrap();
    data_prep::output::write_site(&content, &out, false).unwrap();
    out
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Nothing but `keep` in `dir` (no output, no partial folder).
fn only(dir: &Path, keep: &[&str]) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut want: Vec<String> = keep.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(names, want);
}

/// Serves `body` once per connection on 127.0.0.1, for `n` connections.
fn serve(body: Vec<u8>, n: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(n) {
            let mut s = stream.unwrap();
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&body);
        }
    });
    format!("http://127.0.0.1:{port}/site.tar")
}

fn err(r: Result<filterscope_site::Manifest, data_prep::PrepError>) -> String {
    r.map(|_| ()).unwrap_err().to_string()
}

#[test]
fn pack_then_unpack_from_a_file_a_folder_and_a_url_gives_the_same_site() {
    let dir = tempfile::tempdir().unwrap();
    let site = site(dir.path());
    let tar = dir.path().join("site.tar");
    let p = pack(&site, &tar, false).unwrap();
    assert_eq!(p.files, files(&site).len());
    assert_eq!(
        p.manifest_sha256,
        filterscope_site::sha256_hex(&std::fs::read(site.join("manifest.json")).unwrap())
    );
    // The same site packs to the same bytes.
    let again = pack(&site, &tar, true).unwrap();
    assert_eq!(again, p);

    let from_file = dir.path().join("a");
    unpack(
        tar.to_str().unwrap(),
        &from_file,
        Some(&p.manifest_sha256),
        false,
    )
    .unwrap();
    assert_eq!(files(&from_file), files(&site));
    let from_folder = dir.path().join("b");
    unpack(
        site.to_str().unwrap(),
        &from_folder,
        Some(&p.manifest_sha256.to_uppercase()),
        false,
    )
    .unwrap();
    assert_eq!(files(&from_folder), files(&site));
    let url = serve(std::fs::read(&tar).unwrap(), 1);
    let from_url = dir.path().join("c");
    let m = unpack(&url, &from_url, Some(&p.manifest_sha256), false).unwrap();
    assert_eq!(files(&from_url), files(&site));
    assert_eq!(m.n_models as usize, fixture::reference_models().len());
}

#[test]
fn bad_data_fails_clearly_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let site = site(dir.path());
    let tar = dir.path().join("site.tar");
    let p = pack(&site, &tar, false).unwrap();
    let bytes = std::fs::read(&tar).unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let out = work.join("out");

    // A wrong hash.
    let e = err(unpack(
        tar.to_str().unwrap(),
        &out,
        Some(&"0".repeat(64)),
        false,
    ));
    assert!(
        e.contains("manifest.json: sha256") && e.contains("expected 000"),
        "{e}"
    );

    // Truncated: mid-file, and within the first header.
    for cut in [bytes.len() * 2 / 3, 300] {
        let t = work.join("t.tar");
        std::fs::write(&t, &bytes[..cut]).unwrap();
        let e = err(unpack(t.to_str().unwrap(), &out, None, false));
        assert!(
            e.contains("t.tar") && (e.contains("truncated") || e.contains("missing")),
            "{e}"
        );
        std::fs::remove_file(&t).unwrap();
    }

    // An archive of an older format version.
    let mut old = tar::Builder::new(Vec::new());
    for (name, mut data) in files(&site) {
        if name == "manifest.json" {
            let current = format!("\"format_version\": {}", filterscope_site::FORMAT_VERSION);
            data = String::from_utf8(data)
                .unwrap()
                .replace(&current, "\"format_version\": 3")
                .into_bytes();
        }
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        old.append_data(&mut h, &name, data.as_slice()).unwrap();
    }
    let o = work.join("old.tar");
    std::fs::write(&o, old.into_inner().unwrap()).unwrap();
    let e = err(unpack(o.to_str().unwrap(), &out, None, false));
    assert!(e.contains("version 3") && e.contains("rebuild"), "{e}");
    std::fs::remove_file(&o).unwrap();

    // A file the manifest does not list, and one outside the folder.
    for name in ["extra.txt", "../evil.txt"] {
        let mut b = tar::Builder::new(Vec::new());
        for (n, data) in files(&site) {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, &n, data.as_slice()).unwrap();
        }
        let mut h = tar::Header::new_gnu();
        h.set_size(2);
        h.set_mode(0o644);
        // append_data refuses "..": write the name into the header directly.
        h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        h.set_cksum();
        b.append(&h, &b"hi"[..]).unwrap();
        let f = work.join("x.tar");
        std::fs::write(&f, b.into_inner().unwrap()).unwrap();
        let e = err(unpack(f.to_str().unwrap(), &out, None, false));
        assert!(e.contains(name.trim_start_matches("../")), "{e}");
        std::fs::remove_file(&f).unwrap();
    }

    // An unreachable URL (nothing listens on port 1).
    let e = err(unpack("http://127.0.0.1:1/site.tar", &out, None, false));
    assert!(
        e.contains("http://127.0.0.1:1/site.tar") && e.contains("could not fetch"),
        "{e}"
    );

    only(&work, &[]);
    // The good archive still works, and an existing output is kept without --force.
    unpack(tar.to_str().unwrap(), &out, Some(&p.manifest_sha256), false).unwrap();
    let e = err(unpack(tar.to_str().unwrap(), &out, None, false));
    assert!(e.contains("already exists"), "{e}");
    only(&work, &["out"]);
}
