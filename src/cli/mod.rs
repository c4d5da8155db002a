//! The shell: parses arguments once, reads files, calls the kernel, prints, and picks the
//! exit code. Nothing below this module touches the file system or the terminal.

mod args;
mod check;
mod load;
mod output;
mod render;
mod schema;

pub use args::{Cli, Command, Format};

use clap::Parser;

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
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Render(args) => render::run(&args),
        Command::Schema(args) => schema::run(&args),
    }
}
