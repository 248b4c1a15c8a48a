//! `cargo xtask test --stress` and `--repeat N NAME`: the tests whose outcome could depend on
//! timing (signals to running processes, the browser suite) run while every core is kept busy,
//! and any one test target runs N times in a row, so that a test which passes alone but fails on
//! a busy machine is found here rather than by the next CI run.

use std::path::Path;
use std::process::{Child, Command};

use anyhow::{bail, Context, Result};

use crate::{cargo, root, run, tools};

/// What `test --stress` / `--repeat` runs, parsed from the arguments after `test`.
#[derive(Debug, PartialEq)]
pub struct Plan {
    pub stress: bool,
    pub repeat: u32,
    /// A test target (`faults`, or an e2e suite such as `heatmap`); None: the fault tests and
    /// the whole e2e suite.
    pub name: Option<String>,
}

impl Plan {
    /// `[--stress] [--repeat N] [NAME]`, in any order; None for plain `test` (everything once).
    pub fn parse(args: &[&str]) -> Result<Option<Plan>> {
        let mut plan = Plan {
            stress: false,
            repeat: 1,
            name: None,
        };
        let mut it = args.iter();
        while let Some(&a) = it.next() {
            match a {
                "--stress" => plan.stress = true,
                "--repeat" => {
                    let n = it.next().context("--repeat takes a number")?;
                    plan.repeat = n
                        .parse()
                        .ok()
                        .filter(|&n| n > 0)
                        .with_context(|| format!("--repeat takes a number from 1, not {n}"))?;
                }
                flag if flag.starts_with('-') => bail!("cargo xtask test: unknown option {flag}"),
                name if plan.name.is_none() => plan.name = Some(name.to_string()),
                extra => bail!("cargo xtask test: one test name at a time ({extra})"),
            }
        }
        if !plan.stress && plan.repeat == 1 && plan.name.is_none() {
            return Ok(None);
        }
        Ok(Some(plan))
    }
}

/// Runs the plan: builds what it needs, starts the load (with --stress), then runs the chosen
/// tests `repeat` times, stopping at the first failure.
pub fn run_plan(plan: &Plan) -> Result<()> {
    let targets = match &plan.name {
        Some(n) => vec![Target::named(n)?],
        None => vec![Target::Rust("faults".into()), Target::E2e(None)],
    };
    for t in &targets {
        t.prepare()?;
    }
    let _load = plan.stress.then(Load::start).transpose()?;
    for i in 1..=plan.repeat {
        for t in &targets {
            eprintln!("xtask: run {i} of {}: {}", plan.repeat, t.name());
            if let Err(e) = t.run() {
                bail!(
                    "{} failed on run {i} of {} ({} in a row passed){}: {e}",
                    t.name(),
                    plan.repeat,
                    i - 1,
                    if plan.stress { " under load" } else { "" }
                );
            }
        }
    }
    let names: Vec<String> = targets.iter().map(Target::name).collect();
    eprintln!(
        "xtask: {} passed {} time(s) in a row{}",
        names.join(" and "),
        plan.repeat,
        if plan.stress {
            ", every core kept busy by stress-ng"
        } else {
            ""
        }
    );
    Ok(())
}

/// A test target: a Rust integration test (by its file name in some crate's tests/), or the
/// e2e suite (one file of tests/e2e, or all of them).
enum Target {
    Rust(String),
    E2e(Option<String>),
}

impl Target {
    fn named(name: &str) -> Result<Target> {
        if root()
            .join("tests/e2e")
            .join(format!("{name}.test.mjs"))
            .is_file()
        {
            return Ok(Target::E2e(Some(name.to_string())));
        }
        if name == "e2e" {
            return Ok(Target::E2e(None));
        }
        if rust_test_package(name)?.is_some() {
            return Ok(Target::Rust(name.to_string()));
        }
        bail!(
            "no test target {name}: name a file of a crate's tests/ (faults, errors, ...), a suite of \
             tests/e2e (heatmap, explorer, ...) or e2e"
        )
    }

    fn name(&self) -> String {
        match self {
            Target::Rust(n) => format!("the Rust tests {n}"),
            Target::E2e(Some(n)) => format!("the e2e suite {n}"),
            Target::E2e(None) => "the e2e suite".into(),
        }
    }

    /// Builds once what every run uses.
    fn prepare(&self) -> Result<()> {
        match self {
            Target::Rust(n) => run(rust_test(n)?.arg("--no-run")),
            Target::E2e(_) => {
                // data-prep's binary, as `cargo xtask test` builds it (the release tests).
                run(rust_test("faults")?.arg("--no-run"))?;
                tools::browser()?;
                crate::npm_ci(&root().join("tests/e2e"))?;
                crate::site_with_built_data_prep(&site(), None)
            }
        }
    }

    fn run(&self) -> Result<()> {
        match self {
            Target::Rust(n) => run(&mut rust_test(n)?),
            Target::E2e(file) => {
                let files = match file {
                    Some(f) => vec![format!("tests/e2e/{f}.test.mjs")],
                    None => crate::E2E_SUITES.iter().map(|s| s.to_string()).collect(),
                };
                crate::e2e(&site(), &files)
            }
        }
    }
}

fn site() -> std::path::PathBuf {
    root().join("target/site-check")
}

/// `cargo test --release -p PACKAGE --test NAME`, with the reference interpreter when there.
fn rust_test(name: &str) -> Result<Command> {
    let package = rust_test_package(name)?.with_context(|| format!("no test target {name}"))?;
    let mut c = cargo();
    c.args(["test", "--release", "-p", &package, "--test", name]);
    let venv = root().join("target/reference-venv/bin/python");
    if venv.exists() {
        c.env("FILTERSCOPE_PYTHON", venv);
    }
    Ok(c)
}

/// The package whose tests/ folder holds NAME.rs.
fn rust_test_package(name: &str) -> Result<Option<String>> {
    let mut dirs = vec![root().join("data-prep"), root().join("web")];
    for e in std::fs::read_dir(root().join("crates"))? {
        dirs.push(e?.path());
    }
    for d in dirs {
        if d.join("tests").join(format!("{name}.rs")).is_file() {
            return package_name(&d.join("Cargo.toml")).map(Some);
        }
    }
    Ok(None)
}

fn package_name(manifest: &Path) -> Result<String> {
    let text = std::fs::read_to_string(manifest)
        .with_context(|| format!("reading {}", manifest.display()))?;
    text.lines()
        .find_map(|l| l.strip_prefix("name = \"")?.strip_suffix('"'))
        .map(String::from)
        .with_context(|| format!("{} names no package", manifest.display()))
}

/// stress-ng keeping every core busy until dropped.
struct Load(Child);

impl Load {
    fn start() -> Result<Load> {
        tools::stress_ng()?;
        eprintln!("xtask: stress-ng keeps every core busy meanwhile");
        // --cpu 0: one worker per online core. The timeout only bounds a run whose xtask died.
        let child = Command::new("stress-ng")
            .args(["--cpu", "0", "--timeout", "4h", "--quiet"])
            .spawn()
            .context("starting stress-ng")?;
        Ok(Load(child))
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        // SIGTERM: stress-ng then ends its workers too (SIGKILL would orphan them).
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments() {
        assert_eq!(Plan::parse(&[]).unwrap(), None);
        assert_eq!(
            Plan::parse(&["--stress"]).unwrap(),
            Some(Plan {
                stress: true,
                repeat: 1,
                name: None
            })
        );
        assert_eq!(
            Plan::parse(&["--repeat", "20", "faults", "--stress"]).unwrap(),
            Some(Plan {
                stress: true,
                repeat: 20,
                name: Some("faults".into())
            })
        );
        assert!(Plan::parse(&["--repeat", "0"]).is_err());
        assert!(Plan::parse(&["--repeat"]).is_err());
        assert!(Plan::parse(&["--soon"]).is_err());
        assert!(Plan::parse(&["a", "b"]).is_err());
    }

    #[test]
    fn test_targets_are_found_by_file_name() {
        assert_eq!(
            rust_test_package("faults").unwrap().as_deref(),
            Some("data-prep")
        );
        assert_eq!(rust_test_package("no-such-test").unwrap(), None);
        assert!(matches!(
            Target::named("heatmap").unwrap(),
            Target::E2e(Some(_))
        ));
        assert!(Target::named("no-such-test").is_err());
    }
}
