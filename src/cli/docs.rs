//! `x07-topo completions SHELL` and `x07-topo man [COMMAND]`: generated from the clap
//! definition the program parses with, so they cannot disagree with it.

use super::output::{self, write_stdout};
use super::resolve::{Format, UsageError};

pub fn completions(shell: clap_complete::Shell) -> i32 {
    let mut command = super::definition(false);
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "x07-topo", &mut script);
    let mut text = String::from_utf8_lossy(&script).into_owned();
    if shell == clap_complete::Shell::Bash {
        text = bash_case_labels(&text);
    }
    write_stdout(&text);
    output::EXIT_OK
}

/// clap_complete's bash script names a subcommand's state `x07__topo__subcmd__render` (the
/// binary's `-` written as `__`) but labels its `case` arm `x07__subcmd__topo__subcmd__render`
/// (the `-` taken for a subcommand separator), so no subcommand flag ever completed. The
/// labels are written as the states are named (`tests/completions.rs` runs bash on it).
fn bash_case_labels(script: &str) -> String {
    script.replace("x07__subcmd__topo", "x07__topo")
}

/// The roff man page of x07-topo (`x07-topo(1)`, listing every command), or of one
/// command (`x07-topo-render(1)`).
pub fn man(name: Option<&str>) -> i32 {
    // `help` is clap's, not a page: without it no page names `x07-topo-help(1)` or
    // `x07-topo-help-check(1)`, which do not exist.
    let mut command = super::definition(false).disable_help_subcommand(true);
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
    match render_page(clap_mangen::Man::new(page), &mut roff) {
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

/// clap_mangen's page with EXIT STATUS and ENVIRONMENT added before VERSION (or at the end).
fn render_page(man: clap_mangen::Man, out: &mut Vec<u8>) -> std::io::Result<()> {
    let mut page = Vec::new();
    man.render(&mut page)?;
    let page = String::from_utf8_lossy(&page);
    let at = page.find("\n.SH VERSION").map_or(page.len(), |i| i + 1);
    out.extend_from_slice(page[..at].as_bytes());
    out.extend_from_slice(EXTRA_SECTIONS.as_bytes());
    out.extend_from_slice(page[at..].as_bytes());
    Ok(())
}

/// EXIT STATUS (SPEC §1, as the README says) and ENVIRONMENT, in roff.
const EXTRA_SECTIONS: &str = r#".SH "EXIT STATUS"
.TP
0
Success; warnings allowed (\fB\-\-deny\-warnings\fR makes them fail).
.TP
1
The inputs have errors, or \fB\-\-check\fR or \fB\-\-against\fR found drift.
.TP
2
Usage or I/O failure.
.PP
\fIok\fR in a JSON report is false exactly when the exit status is not 0.
.SH ENVIRONMENT
.TP
\fBNO_COLOR\fR
When set and not empty, no colour (unless \fB\-\-color always\fR).
.TP
\fBCLICOLOR_FORCE\fR
When set and not 0, colour even when stderr is not a terminal (unless \fB\-\-color never\fR or \fBNO_COLOR\fR).
.TP
\fBCLICOLOR\fR
\fB0\fR: no colour on a terminal either.
.TP
\fBX07_TOPO_THREADS\fR
How many worker threads render (1: one thread; default: as many as the machine has, at most 4). The output is the same bytes on any number.
"#;
