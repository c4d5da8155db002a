//! The shell: parses arguments once, resolves them (`resolve.rs`), reads files, calls the
//! kernel, prints, and picks the exit code. Nothing below this module touches the file
//! system, the environment or the terminal.

mod args;
mod check;
mod color;
mod compare;
mod diff;
mod docs;
mod folder;
mod explain;
mod load;
mod lock;
mod output;
mod plan;
mod render;
mod resolve;
mod schema;
mod staging;
pub mod transaction;
mod wanted;
mod workspace;

pub use args::{Cli, Command};
pub use resolve::Format;

use clap::{CommandFactory, FromArgMatches};
use std::ffi::OsString;
use std::io::IsTerminal;

/// The schema versions of the documents x07-topo reads.
pub const READS: &[&str] = &[crate::manifest::SCHEMA_VERSION, crate::profile::SCHEMA_VERSION, crate::target::SCHEMA_VERSION];

/// The oldest Kubernetes API the emitted objects are built against (k8s-openapi's feature;
/// `tests/cli.rs` checks that Cargo.toml enables this one).
pub const KUBERNETES_API: &str = "v1_33";

/// `--version`: the version, the input formats, the Kubernetes API baseline.
fn long_version() -> String {
    format!("{}\nreads: {}\nkubernetes api: {KUBERNETES_API}", env!("CARGO_PKG_VERSION"), READS.join(", "))
}

/// The clap definition, with colour decided and the long version filled in. Completions
/// and the man page are generated from this same definition.
pub fn definition(color: bool) -> clap::Command {
    let choice = if color { clap::ColorChoice::Always } else { clap::ColorChoice::Never };
    Cli::command().color(choice).long_version(long_version())
}

/// Runs the program with the process's arguments; returns the exit code.
pub fn main() -> i32 {
    let args: Vec<OsString> = std::env::args_os().collect();
    // Only for the flags that must be known even when clap rejects the line (`--color`,
    // `--format json`); everything else is read from clap's one parse.
    let raw: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    // Worker threads (1: sequential, 0 or unset: as many as pay); the output is the same bytes
    // whatever the number. A value that is not a number is a usage error, not ignored.
    if let Some(value) = std::env::var_os("X07_TOPO_THREADS") {
        match value.to_str().and_then(|v| v.trim().parse::<usize>().ok()) {
            Some(n) => crate::parallel::set_threads(n),
            None => {
                let message = format!("X07_TOPO_THREADS is `{}`, not a number of worker threads", crate::diagnostics::echo(&crate::escape::line(&value.to_string_lossy())));
                let e = definition(false).error(clap::error::ErrorKind::InvalidValue, format!("{message}\n\ntip: set it to a whole number (1: sequential, 0: as many as pay), or unset it"));
                return output::clap_failure(&e, &raw);
            }
        }
    }
    let when = color::requested(&raw);
    let stderr_color = color::decide(when, &color::process_env, std::io::stderr().is_terminal());
    let cli = match definition(stderr_color).try_get_matches_from(&args).and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version go to stdout: colour them for stdout.
            let stdout_color = color::decide(when, &color::process_env, std::io::stdout().is_terminal());
            let e = definition(stdout_color).try_get_matches_from(&args).err().unwrap_or(e);
            let _ = e.print();
            return output::EXIT_OK;
        }
        Err(e) => return output::clap_failure(&e, &raw),
    };
    match resolve::resolve(cli.command, stderr_color) {
        Ok(invocation) => run(invocation),
        Err(usage) => output::usage_failure(&usage, stderr_color),
    }
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

pub fn run(invocation: resolve::Invocation) -> i32 {
    use resolve::Invocation;
    match invocation {
        Invocation::Check(c) => check::run(&c),
        Invocation::Plan(p) => plan::run(&p),
        Invocation::Render(r) => render::run(&r),
        Invocation::WorkspaceCheck(w) => workspace::check(&w),
        Invocation::WorkspaceRender(w) => workspace::render(&w),
        Invocation::WorkspaceDiff(w) => workspace::diff(&w),
        Invocation::Diff(d) => diff::run(&d),
        Invocation::Schema(s) => schema::run(&s),
        Invocation::Completions(shell) => docs::completions(shell),
        Invocation::Man(command) => docs::man(command.as_deref()),
        Invocation::Explain(e) => explain::run(&e),
    }
}
