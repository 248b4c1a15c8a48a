//! `cargo xtask layout`: the shape of the code, measured from the sources. It prints the number
//! of source files per folder and the ten longest functions, and fails on what the layout
//! promises not to have (ARCHITECTURE.md): a source file over [`MAX_FILE_LINES`] lines, a
//! function over [`MAX_FN_LINES`] lines outside tests without a comment above it saying why it
//! must be one (a comment starting "One function:"), and a circle of imports between files.
//! The test command runs it.

mod imports;
mod scan;

use std::collections::BTreeMap;

use anyhow::{bail, Result};

use crate::root;
use scan::rust_files;

/// The longest source file: past this a file has more than one job.
const MAX_FILE_LINES: usize = 400;
/// The longest function outside tests without a reason given.
const MAX_FN_LINES: usize = 80;
/// The source trees measured (tests/, benches/, examples/ and fuzz/ hold no product code).
const TREES: [&str; 9] = [
    "crates/stats/src",
    "crates/site/src",
    "crates/onnx/src",
    "crates/checkpoint/src",
    "crates/open/src",
    "crates/python/src",
    "crates/xtask/src",
    "data-prep/src",
    "web/src",
];

/// Prints the report of this checkout; an error lists every broken rule.
pub fn report() -> Result<()> {
    report_at(&root())
}

/// [`report`] of the checkout at `root` (another worktree, to compare a layout with this one).
pub fn report_at(root: &std::path::Path) -> Result<()> {
    let root = root.to_path_buf();
    let mut per_folder: BTreeMap<String, usize> = BTreeMap::new();
    let mut functions = Vec::new();
    let mut broken = Vec::new();
    for tree in TREES {
        for file in rust_files(&root.join(tree)) {
            let rel = file.strip_prefix(&root).unwrap_or(&file).to_path_buf();
            let folder = rel.parent().map(|p| p.display().to_string());
            *per_folder.entry(folder.unwrap_or_default()).or_default() += 1;
            let text = std::fs::read_to_string(&file)?;
            let lines = text.lines().count();
            if lines > MAX_FILE_LINES {
                broken.push(format!(
                    "{}: {lines} lines, over {MAX_FILE_LINES}",
                    rel.display()
                ));
            }
            for f in scan::functions(&text) {
                if f.lines > MAX_FN_LINES && !f.explained {
                    broken.push(format!(
                        "{}:{}: fn {} is {} lines, over {MAX_FN_LINES}, with no \"One function:\" comment",
                        rel.display(),
                        f.line,
                        f.name,
                        f.lines
                    ));
                }
                functions.push((f.lines, format!("{}:{} {}", rel.display(), f.line, f.name)));
            }
        }
    }
    println!("source files per folder:");
    for (folder, n) in &per_folder {
        println!("  {n:>3}  {folder}");
    }
    functions.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    println!("the ten longest functions outside tests (lines):");
    for (lines, name) in functions.iter().take(10) {
        println!("  {lines:>4}  {name}");
    }
    let circles = imports::circles(&root, &TREES)?;
    println!("circles of imports between files: {}", circles.len());
    for c in &circles {
        broken.push(format!("a circle of imports: {}", c.join(" -> ")));
    }
    if !broken.is_empty() {
        bail!("the layout's rules are broken:\n  {}", broken.join("\n  "));
    }
    Ok(())
}
