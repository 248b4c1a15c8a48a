//! `cargo xtask fuzz [--secs N] [TARGET...]`: every fuzz target of fuzz/ (or those named) for N
//! seconds (default 600) each,
//! on the nightly toolchain with cargo-fuzz (both installed when missing), starting from the
//! seeds in fuzz/seeds and the corpus earlier runs grew in target/fuzz-corpus. A crash stops the
//! run with the input saved under fuzz/artifacts (to become a file of fuzz/regressions, which the
//! regression tests replay). Prints each target's executions and coverage, and writes them to
//! target/fuzz-report.md.
//!
//! `cargo xtask test` fuzzes differently: a fixed number of inputs per target from a fixed seed,
//! starting from the seeds alone ([`Budget::Runs`]), so that what it tries does not depend on
//! how busy the machine is (docs/reliability.md says which targets still vary, and why).

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::{root, run};

/// cargo-fuzz from crates.io, this version.
const CARGO_FUZZ: &str = "0.13.2";

/// The targets, as fuzz/Cargo.toml names them.
pub const TARGETS: [&str; 10] = [
    "onnx",
    "checkpoint",
    "pickle",
    "manifest",
    "site_chunk",
    "yours_link",
    "route",
    "meta_csv",
    "corrections_csv",
    "h5_extent",
];

fn nightly_and_cargo_fuzz() -> Result<()> {
    let has = |args: &[&str]| {
        Command::new("cargo")
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !has(&["+nightly", "--version"]) {
        run(Command::new("rustup").args([
            "toolchain",
            "install",
            "nightly",
            "--profile",
            "minimal",
        ]))?;
    }
    let want = format!("cargo-fuzz {CARGO_FUZZ}");
    let version = Command::new("cargo").args(["fuzz", "--version"]).output();
    if !version.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == want) {
        eprintln!("xtask: installing cargo-fuzz {CARGO_FUZZ}");
        run(Command::new("cargo").args([
            "install",
            "cargo-fuzz",
            "--version",
            CARGO_FUZZ,
            "--locked",
        ]))?;
    }
    Ok(())
}

/// What libFuzzer said at the end of a run.
struct Outcome {
    target: &'static str,
    runs: String,
    cov: String,
    features: String,
    corpus: String,
}

/// The last "#N ... cov: C ft: F corp: K/..." status line and the "Done N runs" line.
fn outcome(target: &'static str, log: &str) -> Outcome {
    let field = |line: &str, key: &str| {
        line.split_whitespace()
            .skip_while(|w| *w != key)
            .nth(1)
            .unwrap_or("?")
            .to_string()
    };
    let status = log
        .lines()
        .rev()
        .find(|l| l.contains(" cov: "))
        .unwrap_or("");
    let runs = log
        .lines()
        .find_map(|l| {
            l.strip_prefix("Done ")
                .and_then(|r| r.split_whitespace().next())
        })
        .unwrap_or("?")
        .to_string();
    Outcome {
        target,
        runs,
        cov: field(status, "cov:"),
        features: field(status, "ft:"),
        corpus: field(status, "corp:"),
    }
}

/// How long each target is fuzzed.
#[derive(Clone, Copy)]
pub enum Budget {
    /// For this many seconds, growing the corpus kept in target/fuzz-corpus.
    Secs(u64),
    /// This many inputs from libFuzzer's seed 1, starting from the seeds alone: as many on a
    /// busy machine as on a quiet one, and for most targets the very same ones.
    Runs(u64),
}

impl std::fmt::Display for Budget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Budget::Secs(s) => write!(f, "{s} s"),
            Budget::Runs(r) => write!(f, "{r} inputs (seed 1)"),
        }
    }
}

/// Runs `targets` (all when empty), each for `budget`.
pub fn fuzz(budget: Budget, targets: &[&str]) -> Result<()> {
    if let Some(t) = targets.iter().find(|t| !TARGETS.contains(t)) {
        bail!("no fuzz target {t}; the targets: {}", TARGETS.join(", "));
    }
    nightly_and_cargo_fuzz()?;
    let dir = root().join("fuzz");
    // -O: optimised, with debug assertions (overflow checks) and the address sanitizer.
    run(Command::new("cargo")
        .args(["+nightly", "fuzz", "build", "-O"])
        .current_dir(&dir))?;
    let mut outcomes = vec![];
    for t in TARGETS
        .into_iter()
        .filter(|t| targets.is_empty() || targets.contains(t))
    {
        let (corpus, limits) = match budget {
            Budget::Secs(secs) => (
                root().join("target/fuzz-corpus").join(t),
                vec![format!("-max_total_time={secs}")],
            ),
            Budget::Runs(runs) => {
                // Emptied first: what earlier runs found would change the inputs tried.
                let fresh = root().join("target/fuzz-corpus-fixed").join(t);
                if fresh.exists() {
                    std::fs::remove_dir_all(&fresh)?;
                }
                (fresh, vec![format!("-runs={runs}"), "-seed=1".into()])
            }
        };
        std::fs::create_dir_all(&corpus)?;
        let log = root().join(format!("target/fuzz-{t}.log"));
        let file = std::fs::File::create(&log)?;
        eprintln!("xtask: fuzzing {t}, {budget} (log: {})", log.display());
        let status = Command::new("cargo")
            .args(["+nightly", "fuzz", "run", "-O", t])
            .arg(&corpus)
            .arg(dir.join("seeds").join(t))
            .arg("--")
            .args(&limits)
            .args([
                "-rss_limit_mb=2048",
                "-malloc_limit_mb=1024",
                // One input taking this long is a finding (a hang); far above any input's time
                // on a busy machine.
                "-timeout=60",
                "-print_final_stats=1",
            ])
            .current_dir(&dir)
            .stdout(file.try_clone()?)
            .stderr(file)
            .status()
            .with_context(|| format!("starting the {t} fuzzer"))?;
        let text = std::fs::read_to_string(&log)?;
        if !status.success() {
            bail!(
                "the {t} fuzzer found an input that fails (saved under fuzz/artifacts/{t}; see {}):\n{}",
                log.display(),
                tail(&text, 30)
            );
        }
        let o = outcome(t, &text);
        eprintln!(
            "xtask: {t}: {} runs, coverage {} edges, {} features, corpus {}",
            o.runs, o.cov, o.features, o.corpus
        );
        outcomes.push(o);
    }
    report(budget, &outcomes, &root().join("target/fuzz-report.md"))
}

fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

fn report(budget: Budget, outcomes: &[Outcome], path: &Path) -> Result<()> {
    let mut md = "| target | budget | executions | coverage (edges) | features | corpus |\n\
        |---|---|---|---|---|---|\n"
        .to_string();
    for o in outcomes {
        md += &format!(
            "| {} | {budget} | {} | {} | {} | {} |\n",
            o.target, o.runs, o.cov, o.features, o.corpus
        );
    }
    std::fs::write(path, &md)?;
    eprintln!("xtask: no findings; report in {}\n{md}", path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_final_numbers_are_read_from_libfuzzers_log() {
        let log = "#2\tINITED cov: 10 ft: 11 corp: 1/1b exec/s: 0 rss: 30Mb\n\
                   #1000\tREDUCE cov: 812 ft: 2301 corp: 204/36Kb lim: 4096 exec/s: 500 rss: 90Mb\n\
                   Done 123456 runs in 601 second(s)\n";
        let o = outcome("onnx", log);
        assert_eq!(
            (
                o.runs.as_str(),
                o.cov.as_str(),
                o.features.as_str(),
                o.corpus.as_str()
            ),
            ("123456", "812", "2301", "204/36Kb")
        );
    }
}
