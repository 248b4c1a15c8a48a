//! Strings from data files, made safe to read. Leptos already renders them as text, never as
//! markup; this makes the characters that change how text reads without being seen visible:
//! bidirectional controls (a right-to-left override turns "gnp.exe" into what looks like
//! "exe.png") and zero-width characters (which make two names that look the same differ).

/// Characters that reorder or hide text.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' // zero-width space, non-joiner, joiner; LRM, RLM
        | '\u{202A}'..='\u{202E}' // embeddings and overrides
        | '\u{2066}'..='\u{2069}' // isolates
        | '\u{061C}' // Arabic letter mark
        | '\u{FEFF}' // zero-width no-break space
    )
}

/// `s` with each character that reorders or hides text shown as its code point, e.g.
/// `⟨U+202E⟩`.
pub fn visible(s: &str) -> String {
    if !s.chars().any(invisible) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if invisible(c) {
                format!("⟨U+{:04X}⟩", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::visible;

    #[test]
    fn controls_and_zero_width_characters_show() {
        assert_eq!(visible("\u{202E}gnp.exe"), "⟨U+202E⟩gnp.exe");
        assert_eq!(visible("a\u{200B}b\u{FEFF}"), "a⟨U+200B⟩b⟨U+FEFF⟩");
        // Right-to-left text itself is text, not a control.
        assert_eq!(visible("שלום ImageNet"), "שלום ImageNet");
    }
}
