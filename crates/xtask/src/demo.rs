//! `cargo xtask demo`: the site built from the embedded sample, served on 127.0.0.1.

use std::process::Command;

use anyhow::Result;

use crate::{root, run, site};

pub fn demo() -> Result<()> {
    let out = root().join("target/demo-site");
    site(&out, None)?;
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".into());
    eprintln!(
        "xtask: serving {} at http://127.0.0.1:{port}/ (Ctrl-C stops)",
        out.display()
    );
    run(Command::new("python3")
        .args([
            "-m",
            "http.server",
            &port,
            "--bind",
            "127.0.0.1",
            "--directory",
        ])
        .arg(&out))
}
