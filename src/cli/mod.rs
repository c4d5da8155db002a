//! The shell: parses arguments once, reads files, calls the kernel, prints, and picks the
//! exit code. Nothing below this module touches the file system or the terminal.

mod args;
mod check;
mod diff;
mod load;
mod output;
mod plan;
mod render;
mod schema;

pub use args::{Cli, Command, Format};

use clap::{CommandFactory, Parser};

/// Runs the program with the process's arguments; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            let _ = e.print(); // --help, --version
            return output::EXIT_OK;
        }
        Err(e) => return bad_command_line(&e),
    };
    run(cli)
}

/// A command line clap rejected: clap's own text, or, when the caller asked for
/// `--format json`, a JSON report with a usage diagnostic, since tools read stdout.
fn bad_command_line(e: &clap::Error) -> i32 {
    let args: Vec<String> = std::env::args().collect();
    let wants_json = args.windows(2).any(|w| w[0] == "--format" && w[1] == "json") || args.iter().any(|a| a == "--format=json");
    if !wants_json {
        let _ = e.print();
        return output::EXIT_USAGE_OR_IO;
    }
    let text = e.to_string();
    let first = text.lines().next().unwrap_or_default().trim_start_matches("error: ").to_string();
    let command = args.get(1).filter(|a| !a.starts_with('-')).cloned().unwrap_or_default();
    let diag = crate::diagnostics::Diagnostic::about_file(&crate::diagnostics::codes::USAGE, "", first, "run `x07-topo --help` (or `x07-topo <command> --help`) for the accepted arguments");
    let diags = [diag];
    let report = crate::report::Report { schema_version: crate::report::SCHEMA_VERSION, command: &command, ok: false, diagnostics: &diags, result: serde_json::Value::Null };
    output::write_stdout(&report.to_json());
    output::EXIT_USAGE_OR_IO
}

pub fn run(cli: Cli) -> i32 {
    if let Some(command) = mermaid_outside_plan(&cli.command) {
        return usage_error(&format!("--format mermaid is only for `plan`; `{command}` prints human or json"));
    }
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Plan(args) => plan::run(&args),
        Command::Render(args) => render::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Schema(args) => schema::run(&args),
    }
}

/// The command that was given `--format mermaid` although only `plan` draws graphs.
fn mermaid_outside_plan(command: &Command) -> Option<&'static str> {
    let (name, format) = match command {
        Command::Check(a) => ("check", a.output.format),
        Command::Render(a) => ("render", a.output.format),
        Command::Diff(a) => ("diff", a.output.format),
        Command::Plan(_) | Command::Schema(_) => return None,
    };
    (format == Format::Mermaid).then_some(name)
}

/// `--namespace NS` must be a namespace Kubernetes accepts; a bad one is a usage error (exit 2)
/// reported before anything is read or written.
pub(crate) fn namespace_problem(namespace: Option<&str>) -> Option<crate::diagnostics::Diagnostic> {
    let ns = namespace?;
    (!crate::checks::names::is_dns1123_label(ns)).then(|| {
        crate::diagnostics::Diagnostic::about_file(
            &crate::diagnostics::codes::INVALID_NAMESPACE,
            "",
            format!("--namespace `{}` is not a DNS-1123 label", ns.escape_debug()),
            "use 1 to 63 lower-case letters, digits and `-`, starting and ending with a letter or digit (e.g. --namespace shop)",
        )
    })
}

/// Prints a usage error the way clap prints its own (with the usage line); exit code 2.
pub(crate) fn usage_error(message: &str) -> i32 {
    let _ = Cli::command().error(clap::error::ErrorKind::ArgumentConflict, message).print();
    output::EXIT_USAGE_OR_IO
}
