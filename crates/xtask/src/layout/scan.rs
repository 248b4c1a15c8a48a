//! Reading Rust source as text, enough to measure it: code with comments and literals blanked
//! (so braces in them do not count), the functions outside `#[cfg(test)]` modules and their
//! lengths.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, sorted.
pub(crate) fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A function outside tests.
pub struct Function {
    pub name: String,
    /// Its first line (1-based).
    pub line: usize,
    /// From `fn` to its closing brace.
    pub lines: usize,
    /// A comment above it starts "One function:" (why it is long).
    pub explained: bool,
}

/// `text` with comments, string and char literals replaced by spaces (newlines kept), so that
/// braces and paths are only those of the code.
pub fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, c: u8| out.push(if c == b'\n' { b'\n' } else { b' ' });
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                out.push(b' ');
                i += 1;
            }
        } else if rest.starts_with(b"/*") {
            let end = find(b, i + 2, b"*/").map_or(b.len(), |e| e + 2);
            (i..end).for_each(|k| blank(&mut out, b[k]));
            i = end;
        } else if let Some(hashes) = raw_string_start(rest) {
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            let start = i + 2 + hashes;
            let end = find(b, start, &close).map_or(b.len(), |e| e + close.len());
            (i..end).for_each(|k| blank(&mut out, b[k]));
            i = end;
        } else if b[i] == b'"' {
            let mut k = i + 1;
            while k < b.len() && b[k] != b'"' {
                k += if b[k] == b'\\' { 2 } else { 1 };
            }
            let end = (k + 1).min(b.len());
            (i..end).for_each(|k| blank(&mut out, b[k]));
            i = end;
        } else if b[i] == b'\'' && char_literal_len(rest).is_some() {
            let n = char_literal_len(rest).unwrap_or(1);
            (i..i + n).for_each(|k| blank(&mut out, b[k]));
            i += n;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn find(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    (from..b.len().saturating_sub(pat.len() - 1)).find(|&k| b[k..].starts_with(pat))
}

/// `r"`, `r#"`, `br"`...: the number of hashes.
fn raw_string_start(rest: &[u8]) -> Option<usize> {
    let r = if rest.starts_with(b"br") {
        2
    } else if rest.starts_with(b"r") {
        1
    } else {
        return None;
    };
    let hashes = rest[r..].iter().take_while(|&&c| c == b'#').count();
    (rest.get(r + hashes) == Some(&b'"'))
        .then_some(hashes)
        .map(|h| h + r - 1)
}

/// The length of a char literal at the start of `rest` ('a', '\n', '\u{7f}'), not a lifetime.
fn char_literal_len(rest: &[u8]) -> Option<usize> {
    if rest.get(1) == Some(&b'\\') {
        let end = rest.iter().skip(2).position(|&c| c == b'\'')?;
        return Some(end + 3);
    }
    let s = std::str::from_utf8(&rest[1..rest.len().min(6)])
        .ok()
        .or_else(|| std::str::from_utf8(&rest[1..rest.len().min(5)]).ok())?;
    let c = s.chars().next()?;
    (rest.get(1 + c.len_utf8()) == Some(&b'\'')).then_some(2 + c.len_utf8())
}

/// The functions of `text` outside `#[cfg(test)]` items.
pub fn functions(text: &str) -> Vec<Function> {
    let code = code_only(text);
    let lines: Vec<&str> = code.lines().collect();
    let raw: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut skip_until = 0;
    for (i, l) in lines.iter().enumerate() {
        if i < skip_until {
            continue;
        }
        let t = l.trim_start();
        if t.starts_with("#[cfg(test)]") {
            skip_until = block_end(&lines, i + 1).map_or(lines.len(), |e| e + 1);
            continue;
        }
        let Some(name) = fn_name(t) else { continue };
        let Some(end) = block_end(&lines, i) else {
            continue;
        };
        let above = raw[..i].iter().rev().take_while(|r| {
            let r = r.trim_start();
            r.starts_with("//") || r.starts_with("#[")
        });
        let explained = above.into_iter().any(|r| {
            r.trim_start()
                .trim_start_matches('/')
                .trim()
                .starts_with("One function:")
        });
        out.push(Function {
            name,
            line: i + 1,
            lines: end - i + 1,
            explained,
        });
        // Nested functions count inside their parent only.
        skip_until = end + 1;
    }
    out
}

/// The name of the function a line declares.
fn fn_name(t: &str) -> Option<String> {
    let words: Vec<&str> = t.split_whitespace().collect();
    let k = words.iter().position(|w| *w == "fn")?;
    let before_ok = words[..k].iter().all(|w| {
        matches!(*w, "pub" | "const" | "async" | "unsafe" | "extern") || w.starts_with("pub(")
    });
    let name: String = words
        .get(k + 1)?
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (before_ok && !name.is_empty()).then_some(name)
}

/// The line of the brace closing the first block opened at or after line `from` (`None` for a
/// declaration without a body).
fn block_end(lines: &[&str], from: usize) -> Option<usize> {
    let mut depth = 0i32;
    let mut opened = false;
    for (k, l) in lines.iter().enumerate().skip(from) {
        for c in l.chars() {
            match c {
                '{' => {
                    depth += 1;
                    opened = true;
                }
                '}' => depth -= 1,
                ';' if !opened && depth == 0 => return None,
                _ => {}
            }
            if opened && depth == 0 {
                return Some(k);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_are_measured_outside_tests_and_literals() {
        let src = "fn a() {\n    let s = \"}\";\n    let c = '}';\n}\n\n// One function: a reason.\npub fn b(x: u8) -> u8 {\n    x\n}\n\n#[cfg(test)]\nmod tests {\n    fn c() {}\n}\n";
        let f = functions(src);
        assert_eq!(f.len(), 2);
        assert_eq!(
            (f[0].name.as_str(), f[0].lines, f[0].explained),
            ("a", 4, false)
        );
        assert_eq!(
            (f[1].name.as_str(), f[1].line, f[1].lines, f[1].explained),
            ("b", 7, 3, true)
        );
    }

    #[test]
    fn lifetimes_are_not_char_literals() {
        assert_eq!(
            code_only("fn f<'a>(x: &'a str) {}"),
            "fn f<'a>(x: &'a str) {}"
        );
        assert_eq!(code_only("let r = r#\"{\"#; }"), "let r =       ; }");
    }
}
