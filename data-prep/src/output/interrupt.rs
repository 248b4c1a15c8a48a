//! Interruptions leave no partial output. Output is written under a temporary name beside
//! `--out` and renamed into place only when complete, an old output moved aside first (see
//! [`crate::output`]); this module removes the new output and puts the old one back when the
//! run is stopped by SIGINT, SIGTERM or SIGHUP, and does the same, at the start of a later run,
//! with what a run that could not clean up (SIGKILL, a power cut) left behind.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary outputs of this run: a new output being written (removed if the run is
/// interrupted), or an old one moved aside (with where it is put back).
static PARTIAL: Mutex<Vec<(PathBuf, Option<PathBuf>)>> = Mutex::new(Vec::new());

/// Held by a rename that puts an output in place or moves an old one aside, and by the handler
/// for the rest of the process's life: the handler runs on a thread of its own, so without it a
/// rename could move a folder the handler is half-way through removing onto `--out`.
static COMMIT: Mutex<()> = Mutex::new(());

/// Exit status after an interruption: 128 + SIGINT's number, as shells report it.
pub const INTERRUPTED: i32 = 130;

/// Installs the handler (once, in the binary).
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        // Never released: the process exits below, and no rename may start meanwhile.
        let _commit = COMMIT.lock().unwrap_or_else(|e| e.into_inner());
        let paths = PARTIAL.lock().map(|p| p.clone()).unwrap_or_default();
        // New outputs first: an old one goes back only where no new one stands.
        for (p, _) in paths.iter().filter(|(_, back)| back.is_none()) {
            remove(p);
            eprintln!("interrupted: removed the partial output {}", p.display());
        }
        for (p, back) in &paths {
            if let Some(out) = back {
                settle(p, out);
            }
        }
        std::process::exit(INTERRUPTED);
    });
}

/// Runs `rename`, one step of putting an output in place, so that an interruption happens
/// wholly before or wholly after it.
pub(crate) fn committing<T>(rename: impl FnOnce() -> T) -> T {
    let _commit = COMMIT.lock().unwrap_or_else(|e| e.into_inner());
    rename()
}

/// A test hook: with `DATA_PREP_HOLD=POINT` in the environment, the run says so on stderr when
/// it reaches `point` and waits there until a signal ends it, so that a test can interrupt it at
/// a known moment instead of after a guessed duration. The points: `writing` (part of the
/// temporary output written), `written` (the temporary output whole, not yet in place), `aside`
/// (an old output moved aside, the new one not yet in place) and `placed` (the new output in
/// place, the run not yet ended).
pub(crate) fn hold(point: &str) {
    if std::env::var_os("DATA_PREP_HOLD").is_some_and(|v| v == point) {
        eprintln!("data-prep: holding at {point} (DATA_PREP_HOLD)");
        loop {
            std::thread::park();
        }
    }
}

fn remove(p: &Path) {
    // A writer thread may still add a file while the folder is removed: try a few times.
    for _ in 0..20 {
        let done = if p.is_dir() {
            std::fs::remove_dir_all(p)
        } else {
            std::fs::remove_file(p)
        };
        if done.is_ok() || !p.exists() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// An old output moved aside to `old`: put back at `out` if nothing replaced it, else removed.
pub fn settle(old: &Path, out: &Path) {
    if out.exists() {
        remove(old);
    } else if std::fs::rename(old, out).is_ok() {
        eprintln!("put {} back at {}", old.display(), out.display());
    }
}

/// A temporary output, registered while it lives for what an interruption does with it.
pub struct Partial {
    path: PathBuf,
}

impl Partial {
    /// Registers `path` (a folder or a file, which may not exist yet), to be removed.
    pub fn new(path: PathBuf) -> Partial {
        Partial::register(path, None)
    }

    /// Registers `path`, where the old `out` is moved aside, to be put back at `out`.
    pub fn aside(path: PathBuf, out: &Path) -> Partial {
        Partial::register(path, Some(out.to_path_buf()))
    }

    fn register(path: PathBuf, back: Option<PathBuf>) -> Partial {
        if let Ok(mut p) = PARTIAL.lock() {
            p.push((path.clone(), back));
        }
        Partial { path }
    }

    /// The temporary output.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// No longer removed (or put back) on an interruption: called under [`committing`] once the
    /// output stands at its final place, so that an interruption from then on leaves it there,
    /// and when the temporary output is dropped.
    pub(crate) fn unregister(&self) {
        if let Ok(mut p) = PARTIAL.lock() {
            p.retain(|(x, _)| x != &self.path);
        }
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        self.unregister();
    }
}

/// The process id in a temporary name `.NAME.partial-PID` (or `.NAME.old-PID`) for `out`.
fn owner(out_name: &str, file_name: &str) -> Option<u32> {
    let rest = file_name.strip_prefix(&format!(".{out_name}."))?;
    let pid = rest
        .strip_prefix("partial-")
        .or_else(|| rest.strip_prefix("old-"))?;
    pid.parse().ok()
}

/// Whether process `pid` is running (where /proc tells; elsewhere assumed not).
fn alive(pid: u32) -> bool {
    pid == std::process::id() || Path::new("/proc").join(pid.to_string()).exists()
}

/// Removes the temporary outputs for `out` left by runs that are no longer running, and puts an
/// old output such a run had moved aside back, if nothing replaced it.
pub fn clean_stale(out: &Path) {
    let (Some(dir), Some(name)) = (out.parent(), out.file_name()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let name = name.to_string_lossy();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        if let Some(pid) = owner(&name, &file).filter(|&p| !alive(p)) {
            if file.contains(".old-") {
                settle(&e.path(), out);
            } else {
                remove(&e.path());
                eprintln!(
                    "removed {}, left by an interrupted run (process {pid})",
                    e.path().display()
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_outputs_temporary_names_are_recognised() {
        assert_eq!(owner("site", ".site.partial-123"), Some(123));
        assert_eq!(owner("site", ".site.old-9"), Some(9));
        assert_eq!(owner("site", ".site2.partial-123"), None);
        assert_eq!(owner("site", "site"), None);
        assert_eq!(owner("site", ".site.partial-x"), None);
    }

    #[test]
    fn a_dead_runs_leftovers_go_and_a_live_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        // No process has id u32::MAX - 1; this process is alive.
        let dead = dir.path().join(format!(".site.partial-{}", u32::MAX - 1));
        let live = dir
            .path()
            .join(format!(".site.partial-{}", std::process::id()));
        let other = dir.path().join(".other.partial-1");
        for p in [&dead, &live, &other] {
            std::fs::create_dir(p).unwrap();
        }
        clean_stale(&out);
        assert!(!dead.exists() && live.exists() && other.exists());
    }

    #[test]
    fn an_old_output_a_dead_run_moved_aside_goes_back_unless_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let old = dir.path().join(format!(".site.old-{}", u32::MAX - 1));
        std::fs::create_dir(&old).unwrap();
        std::fs::write(old.join("manifest.json"), "old").unwrap();
        clean_stale(&out);
        assert!(!old.exists());
        assert_eq!(
            std::fs::read_to_string(out.join("manifest.json")).unwrap(),
            "old"
        );
        // With a new output in place, the old one is removed.
        std::fs::create_dir(&old).unwrap();
        clean_stale(&out);
        assert!(!old.exists() && out.join("manifest.json").is_file());
    }
}
