//! Printing results and choosing the exit code: the one place that decides both, so `ok`
//! in a JSON report and the exit code can never disagree.

use super::resolve::{Format, Reporting, UsageError};
use crate::diagnostics::lints::{self, Lints};
use crate::diagnostics::{self, codes, Diagnostic, HumanStyle};
use crate::report::{github, sarif, Report, SCHEMA_VERSION};
use std::io::Write;

/// Writes a command's human output to stdout.
pub type Body = Box<dyn FnOnce(&mut dyn Write) -> std::io::Result<()>>;

/// What a command produced.
pub struct Outcome {
    pub diags: Vec<Diagnostic>,
    /// The `result` of the JSON report.
    pub result: serde_json::Value,
    /// What human output prints on stdout when there are no errors.
    pub human: String,
    /// Instead of `human`: writes it as it is made (`render --out -`, whose stream can be
    /// larger than memory should hold at once).
    pub body: Option<Body>,
    /// For the JSON report: a part written as it is made rather than held in `result`.
    pub splice: Option<Splice>,
    /// A failure the command found that is not a diagnostic about the inputs (drift found
    /// by `--check` or `--against`): exit 1, `ok` false, and this line on stderr.
    pub failure: Option<String>,
    /// The `lints` of the profiles the run used.
    pub lints: Vec<Lints>,
}

impl Outcome {
    pub fn new(diags: Vec<Diagnostic>, result: serde_json::Value, human: String) -> Self {
        Outcome { diags, result, human, failure: None, lints: Vec::new(), body: None, splice: None }
    }

    /// Human output written by `body` rather than held in a string.
    pub fn streaming(diags: Vec<Diagnostic>, body: Body) -> Self {
        Outcome { body: Some(body), ..Outcome::diagnostics(diags) }
    }

    /// A JSON report with a part written by `splice`; `human` as for [`Outcome::new`].
    pub fn spliced(diags: Vec<Diagnostic>, result: serde_json::Value, human: String, splice: Splice) -> Self {
        Outcome { splice: Some(splice), ..Outcome::new(diags, result, human) }
    }

    /// Only diagnostics (the run stopped before it had a result).
    pub fn diagnostics(diags: Vec<Diagnostic>) -> Self {
        Outcome::new(diags, serde_json::Value::Null, String::new())
    }

    pub fn with_lints(mut self, lints: Vec<Lints>) -> Self {
        self.lints = lints;
        self
    }

    pub fn failing(mut self, failure: Option<String>) -> Self {
        self.failure = failure;
        self
    }
}

/// Exit codes (SPEC §1).
pub const EXIT_OK: i32 = 0;
pub const EXIT_INPUT: i32 = 1;
pub const EXIT_USAGE_OR_IO: i32 = 2;

/// The codes of usage and I/O failures (exit 2, not 1).
const USAGE_OR_IO: &[&codes::Code] = &[
    &codes::FILE_UNREADABLE,
    &codes::USAGE,
    &codes::INVALID_NAMESPACE,
    &codes::OUT_IO,
    &codes::OUT_SYMLINK,
    &codes::OUT_PATH_UNUSABLE,
    &codes::OUT_LOCKED,
    &codes::OUT_NOT_A_FOLDER,
    &codes::OUT_FOREIGN_OWNER,
];

/// The exit code of a run: 2 for usage and I/O failures, 1 for errors in the inputs, denied
/// warnings (`--deny-warnings`, a profile's `lints.deny`) or a failure the command found.
fn exit_code(shown: &[Diagnostic], denied: bool, failed: bool, deny_warnings: bool) -> i32 {
    if shown.iter().any(|d| d.is_error() && USAGE_OR_IO.contains(&d.code)) {
        EXIT_USAGE_OR_IO
    } else if diagnostics::has_errors(shown) || denied || failed || (deny_warnings && !shown.is_empty()) {
        EXIT_INPUT
    } else {
        EXIT_OK
    }
}

/// Prints the outcome: human diagnostics on stderr and the result on stdout, or one JSON
/// report (SARIF log, workflow commands) on stdout. Returns the exit code.
pub fn print(report: &Reporting, outcome: Outcome) -> i32 {
    let mut diags = outcome.diags;
    diagnostics::sort(&mut diags);
    let profile_lints: Vec<&Lints> = outcome.lints.iter().collect();
    let leveled = lints::level(diags, &report.allow, &profile_lints);
    let code = exit_code(&leveled.shown, !leveled.denied.is_empty(), outcome.failure.is_some(), report.deny_warnings);
    match report.format {
        Format::Json => {
            let json = Report {
                schema_version: SCHEMA_VERSION,
                command: report.command,
                ok: code == EXIT_OK,
                diagnostics: &leveled.shown,
                suppressed: &leveled.suppressed,
                result: outcome.result,
            };
            let text = json.to_json();
            match outcome.splice {
                Some(splice) => write_spliced(&text, splice),
                None => write_stdout(&text),
            }
        }
        Format::Sarif => {
            let log = sarif::log(env!("CARGO_PKG_VERSION"), &leveled.shown, &leveled.suppressed);
            write_stdout(&(serde_json::to_string_pretty(&log).expect("a SARIF log serialises") + "\n"));
        }
        Format::Github => write_stdout(&github::render(&leveled.shown)),
        // Mermaid text is a command's human output in another notation (`plan` only).
        Format::Human | Format::Mermaid => {
            let mut text = diagnostics::render_human(&leveled.shown, HumanStyle { color: report.color });
            if !leveled.suppressed.is_empty() {
                let mut allowed: Vec<&str> = leveled.suppressed.iter().map(|d| d.code.id).collect();
                allowed.dedup();
                text.push_str(&format!("{} allowed warning(s) not shown: {}\n", leveled.suppressed.len(), allowed.join(", ")));
            }
            if !leveled.denied.is_empty() {
                let denied: Vec<&str> = leveled.denied.iter().map(|c| c.id).collect();
                text.push_str(&format!("failing: the profile's lints deny {}\n", denied.join(", ")));
            }
            if let Some(failure) = &outcome.failure {
                text.push_str(&crate::escape::lines(failure));
                text.push('\n');
            }
            let _ = std::io::stderr().write_all(text.as_bytes());
            if !diagnostics::has_errors(&leveled.shown) {
                // A body is a document (the `--out -` stream), written exactly; `human` is text
                // for a person, printed terminal-safe.
                match outcome.body {
                    Some(body) => write_body(body),
                    None => write_stdout(&crate::escape::lines(&outcome.human)),
                }
            }
        }
    }
    code
}

/// A command line x07-topo cannot run: clap's style of error on stderr (with the command's
/// usage line), or under `--format json` a JSON report with XT902. Exit code 2.
pub fn usage_failure(usage: &UsageError, color: bool) -> i32 {
    if usage.format == Format::Json {
        return json_usage_report(usage.command, usage.message.clone(), format!("run `x07-topo {} --help` for the accepted arguments", usage.command));
    }
    let mut definition = super::definition(color);
    definition.build();
    let error = match definition.find_subcommand_mut(usage.command) {
        Some(sub) => sub.error(clap::error::ErrorKind::ArgumentConflict, &usage.message),
        None => definition.error(clap::error::ErrorKind::ArgumentConflict, &usage.message),
    };
    let _ = error.print();
    EXIT_USAGE_OR_IO
}

/// A command line clap rejected: clap's own text, or, when the caller asked for
/// `--format json`, a JSON report with a usage diagnostic, since tools read stdout.
pub fn clap_failure(e: &clap::Error, raw: &[String]) -> i32 {
    let wants_json = raw.windows(2).any(|w| w[0] == "--format" && w[1] == "json") || raw.iter().any(|a| a == "--format=json");
    if !wants_json {
        let _ = e.print();
        return EXIT_USAGE_OR_IO;
    }
    let text = e.to_string();
    let first = text.lines().next().unwrap_or_default().trim_start_matches("error: ").to_string();
    // clap's "did you mean" tips become the hint.
    let tips: Vec<&str> = text.lines().filter_map(|l| l.trim().strip_prefix("tip: ")).collect();
    let hint = if tips.is_empty() { "run `x07-topo --help` (or `x07-topo <command> --help`) for the accepted arguments".to_string() } else { tips.join("; ") };
    let definition = super::definition(false);
    let command = raw.iter().skip(1).find_map(|a| definition.get_subcommands().map(|c| c.get_name()).find(|n| n == a)).unwrap_or_default();
    json_usage_report(command, first, hint)
}

fn json_usage_report(command: &str, message: String, hint: String) -> i32 {
    let diags = [Diagnostic::about_file(&codes::USAGE, "", message, hint)];
    let report = Report { schema_version: SCHEMA_VERSION, command, ok: false, diagnostics: &diags, suppressed: &[], result: serde_json::Value::Null };
    write_stdout(&report.to_json());
    EXIT_USAGE_OR_IO
}

/// A part of a JSON report too large to hold as a `serde_json::Value`: the report's last
/// `placeholder` (a member with an empty value, e.g. `"result": null`) is replaced by what
/// `body` writes, as it writes it.
pub struct Splice {
    pub placeholder: &'static str,
    pub body: Body,
}

fn write_spliced(text: &str, splice: Splice) {
    let Some(at) = text.rfind(splice.placeholder) else { return write_stdout(text) };
    let (head, tail) = (&text[..at], &text[at + splice.placeholder.len()..]);
    write_body(move |out| {
        out.write_all(head.as_bytes())?;
        (splice.body)(out)?;
        out.write_all(tail.as_bytes())
    });
}

/// Writes `value` as pretty JSON the way it prints nested `depth` levels deep in a pretty
/// report (every line after the first indented), without building the text first.
pub fn write_nested(out: &mut dyn Write, value: &impl serde::Serialize, depth: usize) -> std::io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, Nested { level: depth, has_value: false });
    value.serialize(&mut serializer).map_err(std::io::Error::other)
}

/// serde_json's pretty layout (two spaces a level, `": "` after keys) starting `level`
/// levels in. (Indenting the pretty text after every line break instead cost a tenth of a
/// large `plan --format json`.)
struct Nested {
    level: usize,
    /// Whether the innermost open array or object has a value yet.
    has_value: bool,
}

impl Nested {
    fn new_line<W: ?Sized + Write>(&self, out: &mut W, first: bool) -> std::io::Result<()> {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(out)
    }

    fn indent<W: ?Sized + Write>(&self, out: &mut W) -> std::io::Result<()> {
        (0..self.level).try_for_each(|_| out.write_all(b"  "))
    }

    fn open<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            out.write_all(b"\n")?;
            self.indent(out)?;
        }
        out.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> std::io::Result<()> {
        self.new_line(out, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> std::io::Result<()> {
        self.new_line(out, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        out.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

fn write_body(body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    // As for write_stdout: a closed pipe ends the output quietly.
    let _ = body(&mut out).and_then(|()| out.flush());
}

pub fn write_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
}
