//! Printing results and choosing the exit code.

use super::args::{Format, OutputArgs};
use crate::diagnostics::{self, codes, Diagnostic, HumanStyle};
use crate::report::{Report, SCHEMA_VERSION};
use std::io::{IsTerminal, Write};

/// What a command produced.
pub struct Outcome {
    pub command: &'static str,
    pub diags: Vec<Diagnostic>,
    /// The `result` of the JSON report.
    pub result: serde_json::Value,
    /// What human output prints on stdout when there are no errors.
    pub human: String,
}

/// Exit codes (SPEC §1).
pub const EXIT_OK: i32 = 0;
pub const EXIT_INPUT: i32 = 1;
pub const EXIT_USAGE_OR_IO: i32 = 2;

pub fn exit_code(diags: &[Diagnostic], deny_warnings: bool) -> i32 {
    if diags.iter().any(|d| d.is_error() && [&codes::FILE_UNREADABLE, &codes::USAGE, &codes::INVALID_NAMESPACE].contains(&d.code)) {
        EXIT_USAGE_OR_IO
    } else if diagnostics::has_errors(diags) || (deny_warnings && !diags.is_empty()) {
        EXIT_INPUT
    } else {
        EXIT_OK
    }
}

/// Prints the outcome: human diagnostics on stderr and the result on stdout, or one JSON
/// report on stdout. Returns the exit code.
pub fn print(out: &OutputArgs, outcome: Outcome) -> i32 {
    let code = exit_code(&outcome.diags, out.deny_warnings);
    match out.format {
        Format::Json => {
            let report = Report { schema_version: SCHEMA_VERSION, command: outcome.command, ok: code == EXIT_OK, diagnostics: &outcome.diags, result: outcome.result };
            write_stdout(&report.to_json());
        }
        // Mermaid text is a command's human output in another notation (`plan` only).
        Format::Human | Format::Mermaid => {
            let style = HumanStyle { color: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() };
            let text = diagnostics::render_human(&outcome.diags, style);
            let _ = std::io::stderr().write_all(text.as_bytes());
            if !diagnostics::has_errors(&outcome.diags) {
                write_stdout(&outcome.human);
            }
        }
    }
    code
}

pub fn write_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
}
