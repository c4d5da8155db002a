//! Human rendering of diagnostics: the message, where, the source line with a caret, the hint.

use super::{Diagnostic, Severity};
use std::fmt::Write;

/// How human output is dressed. Colour is for terminals only; files and pipes get plain text.
#[derive(Debug, Clone, Copy, Default)]
pub struct HumanStyle {
    pub color: bool,
}

pub fn render_human(diags: &[Diagnostic], style: HumanStyle) -> String {
    let mut out = String::new();
    for d in diags {
        render_one(&mut out, d, style);
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if !diags.is_empty() {
        let _ = writeln!(out, "{}, {}", plural(errors, "error"), plural(warnings, "warning"));
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn paint(style: HumanStyle, ansi: &str, text: &str) -> String {
    if style.color {
        format!("\x1b[{ansi}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn render_one(out: &mut String, d: &Diagnostic, style: HumanStyle) {
    let (word, ansi) = match d.code.severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
    };
    let _ = writeln!(out, "{}: {}", paint(style, ansi, &format!("{word}[{}]", d.code.id)), d.message);
    let pointer = if d.pointer.is_empty() { String::new() } else { format!(" at {}", d.pointer) };
    match (d.file.is_empty(), d.line, d.column) {
        (true, _, _) => {}
        (false, Some(line), Some(column)) => {
            let _ = writeln!(out, "  --> {}:{line}:{column}{pointer}", d.file);
        }
        _ => {
            let _ = writeln!(out, "  --> {}{pointer}", d.file);
        }
    }
    if let (Some(excerpt), Some(line), Some(column)) = (&d.excerpt, d.line, d.column) {
        let gutter = line.to_string().len();
        // Tabs would misplace the caret; show the line with spaces instead.
        let chars: Vec<char> = excerpt.chars().map(|c| if c == '\t' { ' ' } else { c }).collect();
        let (shown, caret) = window(&chars, column.saturating_sub(1) as usize);
        let _ = writeln!(out, "{:gutter$} |", "");
        let _ = writeln!(out, "{line} | {shown}");
        let pad = " ".repeat(caret);
        let _ = writeln!(out, "{:gutter$} | {pad}{}", "", paint(style, ansi, "^"));
    }
    if !d.hint.is_empty() {
        let _ = writeln!(out, "  = hint: {}", d.hint);
    }
    out.push('\n');
}

/// At most `WIDTH` characters of a long line around the caret, so minified or generated
/// files do not flood the terminal. Returns the text and the caret's column in it.
fn window(chars: &[char], caret: usize) -> (String, usize) {
    const WIDTH: usize = 100;
    if chars.len() <= WIDTH {
        return (chars.iter().collect(), caret);
    }
    let start = caret.saturating_sub(WIDTH / 2).min(chars.len().saturating_sub(WIDTH));
    let end = (start + WIDTH).min(chars.len());
    let mut text = String::new();
    if start > 0 {
        text.push_str("...");
    }
    text.extend(&chars[start..end]);
    if end < chars.len() {
        text.push_str("...");
    }
    let shift = if start > 0 { 3 } else { 0 };
    (text, caret - start + shift)
}
