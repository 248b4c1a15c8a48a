//! Faults while writing: a run stopped by SIGINT or SIGTERM, killed by SIGKILL, or meeting a
//! full disk leaves nothing at --out (and a later run removes what a killed one left); a DB that
//! changes during a build is refused.

mod common;

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use data_prep::source::h5::H5Filters;

fn cmd(args: &[&str]) -> Command {
    common::no_hdf5_locking();
    let mut c = Command::new(env!("CARGO_BIN_EXE_data-prep"));
    c.args(args).stdout(Stdio::null()).stderr(Stdio::piped());
    c
}

/// Synthetic DB arguments: `filters` filters (72 bytes each in the file).
fn synth(out: &Path, filters: u64) -> Vec<String> {
    let f = filters.to_string();
    let o = out.to_str().unwrap().to_string();
    [
        "synth",
        "--models",
        "12",
        "--layers",
        "120",
        "--filters",
        &f,
        "--quiet",
        "--out",
        &o,
    ]
    .map(String::from)
    .to_vec()
}

/// `build` of the synthetic DB in `db` (db.h5 and meta.csv) to `out`.
fn build(db: &Path, out: &Path) -> Command {
    let (h5, meta) = (db.join("db.h5"), db.join("meta.csv"));
    cmd(&[
        "build",
        "--quiet",
        "--h5",
        h5.to_str().unwrap(),
        "--meta",
        meta.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

/// A synthetic DB of `filters` filters in `out`, written without interruption.
fn make_db(out: &Path, filters: u64) {
    let o = cmd(&args(&synth(out, filters))).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The temporary outputs beside `out` (named `.NAME.partial-PID` or `.NAME.old-PID`).
fn leftovers(out: &Path) -> Vec<PathBuf> {
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let f = p.file_name().unwrap().to_string_lossy().into_owned();
            f.starts_with(&format!(".{name}."))
        })
        .collect()
}

/// Waits until the child has a temporary output beside `out` (true), or has ended (false).
fn until_writing(child: &mut Child, out: &Path) -> bool {
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(60) {
        if !leftovers(out).is_empty() {
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    panic!("no output after 60 s");
}

fn signal(child: &Child, sig: i32) {
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn sigint_and_sigterm_while_writing_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for (sig, name) in [(libc::SIGINT, "int"), (libc::SIGTERM, "term")] {
        // A DB of 6M filters (430 MB): written for about a second.
        let out = dir.path().join(format!("db-{name}"));
        let mut child = cmd(&args(&synth(&out, 6_000_000))).spawn().unwrap();
        assert!(
            until_writing(&mut child, &out),
            "synth ended before it wrote"
        );
        std::thread::sleep(Duration::from_millis(100));
        signal(&child, sig);
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("interrupted: removed the partial output"),
            "{}",
            stderr(&o)
        );
        assert!(!out.exists(), "{} exists", out.display());
        assert_eq!(leftovers(&out), Vec::<PathBuf>::new());
    }
}

#[test]
fn a_build_and_a_pack_stopped_at_any_moment_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    make_db(&db, 3_000_000);
    let site = dir.path().join("site");
    // Stopped while computing (before anything is written), and again at later moments.
    for (k, wait_ms) in [10u64, 200, 400].into_iter().enumerate() {
        let out = dir.path().join(format!("site-{k}"));
        let child = build(&db, &out).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(wait_ms));
        signal(&child, libc::SIGTERM);
        let o = child.wait_with_output().unwrap();
        let whole = o.status.success() && out.join("manifest.json").is_file();
        assert!(
            whole || !out.exists(),
            "a partial {} after {wait_ms} ms",
            out.display()
        );
        assert_eq!(leftovers(&out), Vec::<PathBuf>::new());
    }
    let o = build(&db, &site).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let tar = dir.path().join("site.tar");
    let child = cmd(&[
        "pack",
        site.to_str().unwrap(),
        "--out",
        tar.to_str().unwrap(),
    ])
    .spawn()
    .unwrap();
    signal(&child, libc::SIGINT);
    let o = child.wait_with_output().unwrap();
    assert!(!o.status.success(), "the pack was stopped");
    assert!(!tar.exists());
    assert_eq!(leftovers(&tar), Vec::<PathBuf>::new());
}

#[test]
fn what_a_killed_run_left_is_removed_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("db");
    let a = synth(&out, 6_000_000);
    let mut child = cmd(&args(&a)).spawn().unwrap();
    assert!(until_writing(&mut child, &out));
    signal(&child, libc::SIGKILL);
    child.wait().unwrap();
    let left = leftovers(&out);
    assert_eq!(
        left.len(),
        1,
        "SIGKILL cannot be cleaned up after: {left:?}"
    );
    assert!(!out.exists());
    // A smaller DB at the same place: the leftover goes, the new output is whole.
    let o = cmd(&args(&synth(&out, 100_000))).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("left by an interrupted run"),
        "{}",
        stderr(&o)
    );
    assert_eq!(leftovers(&out), Vec::<PathBuf>::new());
    assert!(out.join("db.h5").is_file() && out.join("meta.csv").is_file());
}

/// `cmd` with a file-size limit of `bytes`: a write past it fails (EFBIG) as on a full disk.
fn with_full_disk(mut c: Command, bytes: u64) -> Output {
    // SAFETY: async-signal-safe calls only, in the child before exec.
    unsafe {
        c.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    c.output().unwrap()
}

#[test]
fn a_full_disk_leaves_nothing_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("db");
    let o = with_full_disk(cmd(&args(&synth(&out, 1_000_000))), 10 << 20);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("db.h5") && e.contains("File too large"), "{e}");
    assert!(!out.exists());
    assert_eq!(leftovers(&out), Vec::<PathBuf>::new());
    // A build and a pack, each over the limit.
    make_db(&out, 1_000_000);
    let site = dir.path().join("site");
    let o = with_full_disk(build(&out, &site), 16 << 10);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("File too large"), "{}", stderr(&o));
    assert!(!site.exists());
    assert_eq!(leftovers(&site), Vec::<PathBuf>::new());
    let o = build(&out, &site).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let tar = dir.path().join("site.tar");
    let o = with_full_disk(
        cmd(&[
            "pack",
            site.to_str().unwrap(),
            "--out",
            tar.to_str().unwrap(),
        ]),
        64 << 10,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("File too large"), "{}", stderr(&o));
    assert!(!tar.exists());
    assert_eq!(leftovers(&tar), Vec::<PathBuf>::new());
}

#[test]
fn a_db_that_changes_during_the_build_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("db");
    make_db(&out, 50_000);
    let h5 = out.join("db.h5");
    common::no_hdf5_locking();
    let db = H5Filters::open(&h5).unwrap();
    assert_eq!(db.read(0, 100).unwrap().len(), 100);
    // Another program appends to the file (a download still running, a copy in progress).
    let mut f = std::fs::OpenOptions::new().append(true).open(&h5).unwrap();
    std::io::Write::write_all(&mut f, &[0u8; 4096]).unwrap();
    drop(f);
    let e = db.read(100, 100).unwrap_err().to_string();
    assert!(
        e.contains("db.h5") && e.contains("the file changed during the build (its size went from"),
        "{e}"
    );
}
