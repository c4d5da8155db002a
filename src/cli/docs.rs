//! `x07-topo completions SHELL` and `x07-topo man [COMMAND]`: generated from the clap
//! definition the program parses with, so they cannot disagree with it.

use super::output::{self, write_stdout};
use super::resolve::{Format, UsageError};

pub fn completions(shell: clap_complete::Shell) -> i32 {
    let mut command = super::definition(false);
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "x07-topo", &mut script);
    write_stdout(&String::from_utf8_lossy(&script));
    output::EXIT_OK
}

/// The roff man page of x07-topo (`x07-topo(1)`, listing every command), or of one
/// command (`x07-topo-render(1)`).
pub fn man(name: Option<&str>) -> i32 {
    let mut command = super::definition(false);
    command.build();
    let page = match name {
        None => command,
        Some(name) => match command.find_subcommand(name) {
            Some(sub) => sub.clone().name(format!("x07-topo-{name}")),
            None => {
                let known: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
                let message = format!("`{name}` is not an x07-topo command; man pages exist for: {}", known.join(", "));
                return output::usage_failure(&UsageError { command: "man", format: Format::Human, message }, false);
            }
        },
    };
    let mut roff = Vec::new();
    match clap_mangen::Man::new(page).render(&mut roff) {
        Ok(()) => {
            write_stdout(&String::from_utf8_lossy(&roff));
            output::EXIT_OK
        }
        Err(e) => {
            eprintln!("error: cannot write the man page: {e}");
            output::EXIT_USAGE_OR_IO
        }
    }
}
