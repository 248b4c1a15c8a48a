//! Which source file uses which: each crate's module tree from its `mod` declarations, every
//! `use` and every `crate::`, `super::` or child-module path resolved to the file that defines
//! the name (through re-exports, which forward a name and are no use of it), and the circles of
//! that graph. A circle is two files that reach each other, directly or through others.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::scan::{code_only, rust_files};

/// A module: its path from the crate root and its file.
type ModPath = Vec<String>;

struct Crate {
    files: BTreeMap<ModPath, PathBuf>,
    /// Each file's code without comments, literals and test modules.
    code: BTreeMap<ModPath, String>,
}

/// `mod NAME;` declarations of a file's code (inline modules are skipped).
fn declared_mods(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for stmt in code.split(';') {
        let words: Vec<&str> = stmt.split_whitespace().collect();
        if let Some(k) = words.iter().rposition(|w| *w == "mod") {
            if k + 2 == words.len()
                && words[..k].iter().all(|w| {
                    w.starts_with("pub")
                        || w.starts_with("#[")
                        || w.ends_with(']')
                        || w.ends_with(')')
                })
            {
                out.push(words[k + 1].to_string());
            }
        }
    }
    out
}

/// The code of `text` without its `#[cfg(test)]` items (their imports are the tests').
fn without_tests(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(i) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let mut depth = 0;
        let mut end = after.len();
        for (k, c) in after.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = k + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = k + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fn load_crate(root_file: &Path) -> Result<Crate> {
    let mut c = Crate {
        files: BTreeMap::new(),
        code: BTreeMap::new(),
    };
    let mut todo = vec![(Vec::new(), root_file.to_path_buf())];
    while let Some((m, file)) = todo.pop() {
        let code = without_tests(&code_only(&std::fs::read_to_string(&file)?));
        let name = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let owns_dir = m.is_empty() || name == "mod";
        let dir = if owns_dir {
            file.parent().map(Path::to_path_buf)
        } else {
            file.parent().map(|p| p.join(name))
        };
        for child in declared_mods(&code) {
            let Some(dir) = &dir else { continue };
            let f = [
                dir.join(format!("{child}.rs")),
                dir.join(&child).join("mod.rs"),
            ]
            .into_iter()
            .find(|f| f.is_file());
            if let Some(f) = f {
                let mut cm = m.clone();
                cm.push(child);
                todo.push((cm, f));
            }
        }
        c.files.insert(m.clone(), file);
        c.code.insert(m, code);
    }
    Ok(c)
}

/// The paths a `use` tree names: `a::{b, c::{d as e}}` gives `a::b` and `a::c::d`.
fn expand(tree: &str) -> Vec<String> {
    let t: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(open) = t.find('{') else {
        return vec![t.split("as").next().unwrap_or_default().to_string()];
    };
    let prefix = &t[..open];
    let inner = &t[open + 1..t.rfind('}').unwrap_or(t.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (k, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(expand)
        .map(|p| {
            if p == "self" {
                prefix.trim_end_matches("::").to_string()
            } else {
                format!("{prefix}{p}")
            }
        })
        .collect()
}

/// A file's `use` statements: (re-export or not, path).
fn uses(code: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    for stmt in code.split(';') {
        let s = stmt.trim();
        let Some(k) = s.find("use ") else { continue };
        let head = s[..k].split_whitespace().last().unwrap_or_default();
        let before = s[..k].trim_end();
        let at_start = before.is_empty()
            || before.ends_with('}')
            || before.ends_with(']')
            || before.ends_with('{')
            || before.ends_with("pub")
            || before.ends_with(')');
        if !at_start {
            continue;
        }
        let reexport = head.starts_with("pub");
        for p in expand(&s[k + 4..]) {
            out.push((reexport, p));
        }
    }
    out
}

/// `code` without its `use` statements (their paths are read by [`uses`]).
fn without_uses(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(i) = rest.find("use ") {
        let word_start = i == 0 || !rest[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_');
        let end = rest[i..].find(';').map_or(rest.len(), |e| i + e + 1);
        if word_start {
            out.push_str(&rest[..i]);
        } else {
            out.push_str(&rest[..i + 4]);
            rest = &rest[i + 4..];
            continue;
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Paths written in code: `crate::a::b`, `super::a`, `self::a`, or `m::a` for a child module `m`.
fn inline_paths(code: &str, children: &BTreeSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    let code = without_uses(code);
    let b: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < b.len() {
        let ident_start = (b[i].is_alphabetic() || b[i] == '_')
            && (i == 0 || !(b[i - 1].is_alphanumeric() || b[i - 1] == '_' || b[i - 1] == ':'));
        if !ident_start {
            i += 1;
            continue;
        }
        let mut k = i;
        while k < b.len()
            && (b[k].is_alphanumeric()
                || b[k] == '_'
                || (b[k] == ':' && b.get(k + 1) == Some(&':'))
                || (b[k] == ':' && k > 0 && b[k - 1] == ':'))
        {
            k += 1;
        }
        let path: String = b[i..k].iter().collect();
        let first = path.split("::").next().unwrap_or_default();
        if path.contains("::")
            && (matches!(first, "crate" | "super" | "self") || children.contains(first))
        {
            out.push(path.trim_end_matches(':').to_string());
        }
        i = k.max(i + 1);
    }
    out
}

/// The file `path` (written in module `from`) names, following re-exports.
fn resolve(c: &Crate, from: &ModPath, path: &str, hops: usize) -> Option<ModPath> {
    let mut segs = path.split("::").filter(|s| !s.is_empty()).peekable();
    let mut cur = from.clone();
    match *segs.peek()? {
        "crate" => {
            cur.clear();
            segs.next();
        }
        "self" => {
            segs.next();
        }
        "super" => {
            while segs.peek() == Some(&"super") {
                cur.pop();
                segs.next();
            }
        }
        first => {
            let mut child = cur.clone();
            child.push(first.to_string());
            if !c.files.contains_key(&child) {
                return None;
            }
        }
    }
    for seg in segs {
        let mut next = cur.clone();
        next.push(seg.to_string());
        if c.files.contains_key(&next) {
            cur = next;
            continue;
        }
        // An item: defined here, or re-exported from where it is defined.
        if hops < 8 {
            for (re, p) in uses(c.code.get(&cur)?) {
                if re && p.rsplit("::").next() == Some(seg) {
                    return resolve(c, &cur, &p, hops + 1).or(Some(cur));
                }
            }
        }
        return Some(cur);
    }
    Some(cur)
}

/// The circles among the files of `trees` (each a crate's `src`), as file paths from `root`.
pub fn circles(root: &Path, trees: &[&str]) -> Result<Vec<Vec<String>>> {
    let mut edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for tree in trees {
        let src = root.join(tree);
        let mut roots: Vec<PathBuf> = ["lib.rs", "main.rs"]
            .iter()
            .map(|f| src.join(f))
            .filter(|f| f.is_file())
            .collect();
        roots.extend(rust_files(&src.join("bin")));
        for r in roots {
            let c = load_crate(&r)?;
            for (m, code) in &c.code {
                let children: BTreeSet<String> = c
                    .files
                    .keys()
                    .filter(|k| k.len() == m.len() + 1 && k.starts_with(m))
                    .filter_map(|k| k.last().cloned())
                    .collect();
                let used = uses(code)
                    .into_iter()
                    .filter(|(re, _)| !re)
                    .map(|(_, p)| p)
                    .chain(inline_paths(code, &children));
                for p in used {
                    if let Some(to) = resolve(&c, m, &p, 0) {
                        if &to != m {
                            edges
                                .entry(c.files[m].clone())
                                .or_default()
                                .insert(c.files[&to].clone());
                        }
                    }
                }
            }
        }
    }
    let reach = |from: &PathBuf| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(f) = todo.pop() {
            for t in edges.get(&f).into_iter().flatten() {
                if seen.insert(t.clone()) {
                    todo.push(t.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&PathBuf, BTreeSet<PathBuf>> =
        edges.keys().map(|f| (f, reach(f))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for (f, r) in &reached {
        if done.contains(*f) || !r.contains(*f) {
            continue;
        }
        let circle: Vec<String> = reached
            .iter()
            .filter(|(g, rg)| r.contains(**g) && rg.contains(*f))
            .map(|(g, _)| {
                done.insert((*g).clone());
                g.strip_prefix(root).unwrap_or(g).display().to_string()
            })
            .collect();
        out.push(circle);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn use_trees_expand() {
        assert_eq!(
            expand("a::{b, c::{d as e, self}}"),
            ["a::b", "a::c::d", "a::c"]
        );
        assert_eq!(expand("crate::x::Y"), ["crate::x::Y"]);
    }

    #[test]
    fn uses_tell_reexports() {
        let u = uses("pub use a::B;\nuse crate::c::{D, E};\nfn f() {}");
        assert_eq!(
            u,
            [
                (true, "a::B".into()),
                (false, "crate::c::D".into()),
                (false, "crate::c::E".into())
            ]
        );
    }
}
