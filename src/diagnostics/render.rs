//! Human rendering of diagnostics: the message, where, the source line with a caret, the hint.

use super::{Diagnostic, Severity};
use crate::escape;
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
    // Everything below may echo input: it is shown terminal-safe (crate::escape), never raw.
    let _ = writeln!(out, "{}: {}", paint(style, ansi, &format!("{word}[{}]", d.code.id)), escape::line(&d.message));
    let pointer = if d.pointer.is_empty() { String::new() } else { format!(" at {}", escape::line(d.pointer.as_str())) };
    let file = escape::line(&d.file);
    match (d.file.is_empty(), d.line, d.column) {
        (true, _, _) => {}
        (false, Some(line), Some(column)) => {
            let _ = writeln!(out, "  --> {file}:{line}:{column}{pointer}");
        }
        _ => {
            let _ = writeln!(out, "  --> {file}{pointer}");
        }
    }
    if let (Some(excerpt), Some(line)) = (&d.excerpt, d.line) {
        let gutter = line.to_string().len();
        // Tabs would misplace the caret; show the line with spaces instead.
        let (shown, caret) = escape::excerpt(&excerpt.text.replace('\t', " "), excerpt.caret);
        let _ = writeln!(out, "{:gutter$} |", "");
        let _ = writeln!(out, "{line} | {shown}");
        let pad = " ".repeat(caret);
        let _ = writeln!(out, "{:gutter$} | {pad}{}", "", paint(style, ansi, "^"));
    }
    if !d.hint.is_empty() {
        let _ = writeln!(out, "  = hint: {}", escape::line(&d.hint));
    }
    out.push('\n');
}
