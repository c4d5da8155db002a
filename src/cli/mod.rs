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
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    run(cli)
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

/// Prints a usage error the way clap prints its own (with the usage line); exit code 2.
pub(crate) fn usage_error(message: &str) -> i32 {
    let _ = Cli::command().error(clap::error::ErrorKind::ArgumentConflict, message).print();
    output::EXIT_USAGE_OR_IO
}
