//! Terminal-safe text: input values shown in human output cannot drive the terminal.
//!
//! A manifest may hold a raw ESC byte or a `\u001b` inside a JSON string, and bidirectional
//! controls can make a line read differently from its bytes ("Trojan source"). Human output
//! shows every such character as a visible `\u{..}` escape instead; JSON output stays exact.

use std::borrow::Cow;

/// Characters that move the cursor, change colours or reorder text: C0 controls, DEL, C1
/// controls, and the Unicode bidirectional and line-breaking format characters.
fn is_hazard(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

/// One line of text (a message, a path, an excerpt): every hazard escaped, newlines too, so
/// an input value cannot start a line of its own.
pub fn line(text: &str) -> Cow<'_, str> {
    escape(text, |_| false)
}

/// Several lines (a command's human output): hazards escaped, line breaks and tabs kept.
pub fn lines(text: &str) -> Cow<'_, str> {
    escape(text, |c| c == '\n' || c == '\t')
}

fn escape(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_hazard(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hazard(c) && !keep(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// An excerpt line and its caret (in characters), escaped: the caret moves right by what the
/// escapes before it added, so it still points at the same character.
pub fn excerpt(text: &str, caret: usize) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut shown_caret = None;
    for (i, c) in text.chars().enumerate() {
        if i == caret {
            shown_caret = Some(out.chars().count());
        }
        if is_hazard(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    let caret = shown_caret.unwrap_or_else(|| out.chars().count());
    (out, caret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_are_escaped() {
        assert_eq!(line("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(line("x\u{7f}\u{9b}y"), "x\\u{7f}\\u{9b}y");
        assert_eq!(line("\u{202e}evil\u{2066}\u{200f}"), "\\u{202e}evil\\u{2066}\\u{200f}");
        assert_eq!(line("two\nlines\t"), "two\\nlines\\t");
        assert!(matches!(line("plain é ✓"), Cow::Borrowed(_)));
        assert_eq!(lines("keep\n\ttabs\u{1b}"), "keep\n\ttabs\\u{1b}");
    }

    #[test]
    fn the_caret_follows_its_character() {
        let (text, caret) = excerpt("\"a\u{1b}b\": 1", 4);
        assert_eq!(text, "\"a\\u{1b}b\": 1");
        assert_eq!(text.chars().nth(caret), Some('"'));
        let (text, caret) = excerpt("ab", 2);
        assert_eq!((text.as_str(), caret), ("ab", 2));
    }
}
