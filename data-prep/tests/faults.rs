//! Faults while writing: a run stopped by SIGINT or SIGTERM, killed by SIGKILL, or meeting a
//! full disk leaves nothing at --out, or the whole output where it had finished (and a later
//! run removes what a killed one left); a DB that changes during a build is refused. A signal
//! is sent at a moment the run is held at (`DATA_PREP_HOLD`), never after a guessed duration.

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

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

/// A run held at a moment (see `DATA_PREP_HOLD` in data-prep's interrupt.rs), its stderr read
/// by a thread so that it never blocks on a full pipe.
struct Held {
    child: Child,
    stderr: std::thread::JoinHandle<Vec<String>>,
}

/// Starts `c` held at `point` and returns once it says on stderr that it waits there, so a
/// signal reaches it at that moment and no other, however busy the machine. Panics with what it
/// printed if it ends first.
fn held(mut c: Command, point: &str) -> Held {
    let mut child = c.env("DATA_PREP_HOLD", point).spawn().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut said = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.contains(&format!("holding at {point} ")) {
            let stderr = std::thread::spawn(move || lines.map_while(Result::ok).collect());
            return Held { child, stderr };
        }
        said.push(line);
    }
    let status = child.wait().unwrap();
    panic!(
        "the run ended ({status}) before it reached {point}:\n{}",
        said.join("\n")
    );
}

/// Ends a held run with `sig`; its exit code and the rest of its stderr.
fn stop(mut h: Held, sig: i32) -> (Option<i32>, String) {
    signal(&h.child, sig);
    let status = h.child.wait().unwrap();
    (status.code(), h.stderr.join().unwrap().join("\n"))
}

/// The files of a folder (or the one file), by name, with their bytes.
fn contents(p: &Path) -> Vec<(String, Vec<u8>)> {
    if p.is_file() {
        return vec![(String::new(), std::fs::read(p).unwrap())];
    }
    let mut v: Vec<_> = std::fs::read_dir(p)
        .unwrap()
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect();
    v.sort();
    v
}

fn signal(child: &Child, sig: i32) {
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// What a user is promised after stopping a run that writes `out` (a new output, none there
/// before): the whole output, byte for byte `whole`, or nothing; never a success with less; and
/// no temporary file left beside it.
fn promised(code: Option<i32>, out: &Path, whole: &[(String, Vec<u8>)], what: &str) {
    if out.exists() {
        assert!(
            contents(out) == whole,
            "{what}: {} is not the whole output",
            out.display()
        );
    } else {
        assert_ne!(code, Some(0), "{what}: success without {}", out.display());
    }
    assert_eq!(leftovers(out), Vec::<PathBuf>::new(), "{what}");
}

#[test]
fn sigint_and_sigterm_while_writing_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for (sig, name) in [(libc::SIGINT, "int"), (libc::SIGTERM, "term")] {
        let out = dir.path().join(format!("db-{name}"));
        let child = held(cmd(&args(&synth(&out, 3_000_000))), "writing");
        assert_eq!(
            leftovers(&out).len(),
            1,
            "a temporary output is being written"
        );
        let (code, e) = stop(child, sig);
        assert_eq!(code, Some(130), "{e}");
        assert!(e.contains("interrupted: removed the partial output"), "{e}");
        assert!(!out.exists(), "{} exists", out.display());
        assert_eq!(leftovers(&out), Vec::<PathBuf>::new());
    }
}

#[test]
fn a_build_stopped_at_any_moment_leaves_the_whole_output_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (db, site) = built_site(dir.path(), 300_000);
    let whole = contents(&site);
    // At a moment nobody chose: whichever outcome, the promise holds.
    let out = dir.path().join("site-now");
    let child = build(&db, &out).spawn().unwrap();
    signal(&child, libc::SIGTERM);
    let o = child.wait_with_output().unwrap();
    promised(o.status.code(), &out, &whole, "stopped at once");
    // At each moment of writing: before the output is in place nothing stands, after it the
    // whole output does (the run is interrupted all the same: 130).
    for (point, stands) in [("writing", false), ("written", false), ("placed", true)] {
        let out = dir.path().join(format!("site-{point}"));
        let child = held(build(&db, &out), point);
        let (code, e) = stop(child, libc::SIGTERM);
        assert_eq!(code, Some(130), "{point}: {e}");
        assert_eq!(out.exists(), stands, "{point}: {e}");
        promised(code, &out, &whole, point);
    }
    // Over an old output (--force): the old one or the new one stands, never neither or a mix.
    let other = dir.path().join("db-other");
    make_db(&other, 200_000);
    for (point, new) in [("written", false), ("aside", false), ("placed", true)] {
        let out = dir.path().join(format!("site-over-{point}"));
        let o = build(&other, &out).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let old = contents(&out);
        assert_ne!(old, whole);
        let child = held(forced(build(&db, &out)), point);
        let (code, e) = stop(child, libc::SIGINT);
        assert_eq!(code, Some(130), "{point}: {e}");
        let want = if new { &whole } else { &old };
        assert!(
            contents(&out) == *want,
            "{point}: not the {} output",
            if new { "new" } else { "old" }
        );
        assert_eq!(leftovers(&out), Vec::<PathBuf>::new(), "{point}");
    }
}

#[test]
fn a_pack_stopped_at_any_moment_leaves_the_whole_archive_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_, site) = built_site(dir.path(), 200_000);
    let pack = |tar: &Path| {
        cmd(&[
            "pack",
            site.to_str().unwrap(),
            "--out",
            tar.to_str().unwrap(),
        ])
    };
    let tar = dir.path().join("site.tar");
    let o = pack(&tar).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let whole = contents(&tar);
    // The moment of issue 21: SIGINT right after the start. A small pack may finish first; then
    // the archive is whole, and only then may the run succeed.
    for k in 0..3 {
        let out = dir.path().join(format!("now-{k}.tar"));
        let child = pack(&out).spawn().unwrap();
        signal(&child, libc::SIGINT);
        let o = child.wait_with_output().unwrap();
        promised(o.status.code(), &out, &whole, "stopped at once");
    }
    for (point, stands) in [("written", false), ("placed", true)] {
        let out = dir.path().join(format!("{point}.tar"));
        let child = held(pack(&out), point);
        let (code, e) = stop(child, libc::SIGINT);
        assert_eq!(code, Some(130), "{point}: {e}");
        assert_eq!(out.exists(), stands, "{point}: {e}");
        promised(code, &out, &whole, point);
    }
}

/// A synthetic DB of `filters` filters in `dir/db` and its site in `dir/site`, both written
/// without interruption.
fn built_site(dir: &Path, filters: u64) -> (PathBuf, PathBuf) {
    let (db, site) = (dir.join("db"), dir.join("site"));
    make_db(&db, filters);
    let o = build(&db, &site).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    (db, site)
}

/// `c` with `--force` (replace an existing output).
fn forced(mut c: Command) -> Command {
    c.arg("--force");
    c
}

#[test]
fn what_a_killed_run_left_is_removed_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("db");
    let child = held(cmd(&args(&synth(&out, 3_000_000))), "writing");
    let _ = stop(child, libc::SIGKILL);
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
