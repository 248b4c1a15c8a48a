//! Project tasks. `cargo xtask demo` builds the site from the embedded sample and serves it;
//! `cargo xtask test` runs every check; `cargo xtask site --out DIR` writes the static site;
//! `cargo xtask bench` measures everything BENCHMARKS.md reports; `cargo xtask layout` checks
//! the code's shape (file and function lengths, import circles); `cargo xtask wheel` builds the
//! Python package's wheel; `cargo xtask test --stress`
//! and `--repeat N NAME` run the timing-sensitive tests on a busy machine, and any one N times.
//! Each installs the tools it needs first.

mod bench;
mod cmd;
mod csp;
mod demo;
mod fuzz;
mod layout;
mod python;
mod site;
mod steps;
mod stress;
mod test;
mod tools;
mod worker_names;

pub use cmd::{absolute, cargo, root, run};
pub use site::{site, site_with_built_data_prep, Data};
pub use test::{e2e, npm_ci, E2E_SUITES};

use anyhow::{bail, Context, Result};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["test", rest @ ..] => match stress::Plan::parse(rest)? {
            None => test::test(),
            Some(plan) => stress::run_plan(&plan),
        },
        ["demo"] => demo::demo(),
        ["wheel"] => {
            let w = python::wheel(&tools::reference_venv()?)?;
            println!("{}", w.display());
            Ok(())
        }
        ["layout"] => layout::report(),
        ["layout", dir] => layout::report_at(&absolute(dir)),
        ["site", "--out", dir, rest @ ..] => {
            let data = match rest {
                [] => None,
                ["--data", src] => Some(Data {
                    src: src.to_string(),
                    sha256: None,
                }),
                ["--data", src, "--sha256", h] | ["--sha256", h, "--data", src] => Some(Data {
                    src: src.to_string(),
                    sha256: Some(h.to_string()),
                }),
                _ => bail!("usage: cargo xtask site --out DIR [--data PATH_OR_URL [--sha256 HEX]]"),
            };
            // A local path is taken from where the command was run.
            let data = data.map(|mut d| {
                if !d.src.contains("://") {
                    d.src = absolute(&d.src).to_string_lossy().into_owned();
                }
                d
            });
            site(&absolute(dir), data.as_ref())
        }
        ["fuzz", "--secs", n, targets @ ..] => fuzz::fuzz(
            fuzz::Budget::Secs(n.parse().context("--secs takes a number")?),
            targets,
        ),
        ["fuzz", "--runs", n, targets @ ..] => fuzz::fuzz(
            fuzz::Budget::Runs(n.parse().context("--runs takes a number")?),
            targets,
        ),
        ["fuzz", targets @ ..] => fuzz::fuzz(fuzz::Budget::Secs(600), targets),
        ["bench"] => bench::bench("10000000,50000000,200000000", None),
        ["bench", "--sizes", sizes] => bench::bench(sizes, None),
        ["bench", "--sizes", sizes, "--work", dir] => bench::bench(sizes, Some(dir.into())),
        _ => bail!(
            "usage: cargo xtask test [--stress] [--repeat N] [NAME] | demo | wheel | layout [DIR] | site --out DIR [--data PATH_OR_URL [--sha256 HEX]] | fuzz [--secs N | --runs N] [TARGET...] | bench [--sizes N,N,... [--work DIR]]"
        ),
    }
}
