//! The built page's Content-Security-Policy, as a `<meta>` (GitHub Pages sets no headers): only
//! this site's own scripts, styles, workers and images; the one inline script trunk writes (the
//! module that starts the app) allowed by its hash; wasm compiled from the site's own file
//! (`'wasm-unsafe-eval'`); no plugins, no `<base>`, no forms. The page fetches only its own
//! files; the data worker fetches the data (from another origin with `?data=`), and a worker
//! follows its own script's policy, so the page's `connect-src` stays at `'self'` plus https.

use anyhow::{bail, Context, Result};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The policy, with `{scripts}` replaced by the inline scripts' hashes.
const POLICY: &str = "default-src 'self'; script-src 'self' {scripts} 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' data: blob:; connect-src 'self' https:; worker-src 'self'; \
    manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

/// The `'sha256-...'` source of each inline `<script>` (one without `src`) in `html`.
fn inline_script_hashes(html: &str) -> Result<Vec<String>> {
    let mut out = vec![];
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let tag_end = rest[start..]
            .find('>')
            .context("an unclosed <script> tag")?
            + start;
        let tag = &rest[start..tag_end];
        let body_end = rest[tag_end..]
            .find("</script>")
            .context("a <script> without </script>")?
            + tag_end;
        if !tag.contains(" src=") {
            let body = &rest[tag_end + 1..body_end];
            out.push(format!(
                "'sha256-{}'",
                STANDARD.encode(Sha256::digest(body))
            ));
        }
        rest = &rest[body_end..];
    }
    Ok(out)
}

/// `html` with the policy as the first element after `<meta charset>` (before any script).
pub fn with_policy(html: &str) -> Result<String> {
    if html.contains("Content-Security-Policy") {
        bail!("index.html already has a Content-Security-Policy");
    }
    let scripts = inline_script_hashes(html)?.join(" ");
    let policy = POLICY.replace("{scripts}", &scripts);
    let anchor = "<meta charset=\"utf-8\">";
    let at = html
        .find(anchor)
        .context("index.html lacks <meta charset=\"utf-8\">")?
        + anchor.len();
    Ok(format!(
        "{}\n  <meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">{}",
        &html[..at],
        &html[at..]
    ))
}

/// Adds the policy to the built `index.html` at `path`.
pub fn apply(path: &std::path::Path) -> Result<()> {
    let html = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
    std::fs::write(path, with_policy(&html)?).with_context(|| path.display().to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inline_script_is_allowed_by_its_hash_and_nothing_else_inline() {
        let html =
            "<head>\n<meta charset=\"utf-8\">\n<script type=\"module\">\nstart();\n</script>\
            <script src=\"./a.js\"></script></head>";
        let out = with_policy(html).unwrap();
        let want = format!(
            "'sha256-{}'",
            STANDARD.encode(Sha256::digest("\nstart();\n"))
        );
        assert!(
            out.contains(&format!("script-src 'self' {want} 'wasm-unsafe-eval'")),
            "{out}"
        );
        assert_eq!(inline_script_hashes(&out).unwrap(), [want]);
        assert!(out.find("Content-Security-Policy").unwrap() < out.find("<script").unwrap());
        assert!(!out.contains("unsafe-inline"));
        assert!(with_policy(&out).is_err(), "a second policy is refused");
    }
}
