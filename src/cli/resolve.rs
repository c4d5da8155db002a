//! The one place where the parsed command line becomes what a command runs: flag
//! combinations, repeated keys and values clap cannot judge are usage errors here (exit 2),
//! so no command can silently do the wrong thing with them.

use super::args::{self, CheckFormat, Command, PlanFormat, ReportFormat, SchemaKind};
use crate::diagnostics::codes::{self, Code};
use crate::plan::ImageOverride;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// How a command prints its outcome (every format any command offers; each command's
/// `--format` lists only its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Mermaid,
    Sarif,
    Github,
}

impl From<ReportFormat> for Format {
    fn from(f: ReportFormat) -> Self {
        match f {
            ReportFormat::Human => Format::Human,
            ReportFormat::Json => Format::Json,
        }
    }
}

impl From<PlanFormat> for Format {
    fn from(f: PlanFormat) -> Self {
        match f {
            PlanFormat::Human => Format::Human,
            PlanFormat::Json => Format::Json,
            PlanFormat::Mermaid => Format::Mermaid,
        }
    }
}

impl From<CheckFormat> for Format {
    fn from(f: CheckFormat) -> Self {
        match f {
            CheckFormat::Human => Format::Human,
            CheckFormat::Json => Format::Json,
            CheckFormat::Sarif => Format::Sarif,
            CheckFormat::Github => Format::Github,
        }
    }
}

/// How the outcome is reported, from the flags every reporting command shares.
#[derive(Debug, Clone)]
pub struct Reporting {
    pub command: &'static str,
    pub format: Format,
    pub deny_warnings: bool,
    /// `--allow CODE`: warning codes that are counted but not printed.
    pub allow: Vec<&'static Code>,
    /// Whether human diagnostics on stderr are coloured (decided once, in `color.rs`).
    pub color: bool,
}

/// Where `render` puts the artifacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    /// `--out -`: one multi-document stream on stdout.
    Stream,
    /// `--out DIR`.
    Dir(String),
    /// `--out DIR --check`: compare, write nothing.
    Check(String),
}

#[derive(Debug)]
pub struct Check {
    pub manifest: PathBuf,
    pub profiles: Vec<String>,
    pub report: Reporting,
}

#[derive(Debug)]
pub struct Plan {
    pub manifest: PathBuf,
    /// `--namespace NS` (checked by the command: XT960).
    pub namespace: Option<String>,
    pub profile: String,
    pub images: Vec<ImageOverride>,
    pub report: Reporting,
}

#[derive(Debug)]
pub struct Render {
    pub manifest: PathBuf,
    /// `--namespace NS` (checked by the command: XT960).
    pub namespace: Option<String>,
    pub profile: String,
    pub images: Vec<ImageOverride>,
    pub out: Out,
    /// `--take-over`: render into a folder another owner's inventory names.
    pub take_over: bool,
    pub report: Reporting,
}

/// `render --workspace [FILE]`.
#[derive(Debug)]
pub struct WorkspaceRender {
    pub file: String,
    /// `--profile`: these profiles of every service instead of the workspace's.
    pub profiles: Vec<String>,
    /// `--service`: only these services (all when empty).
    pub services: Vec<String>,
    /// `--take-over`: render into folders another owner's inventory names.
    pub take_over: bool,
    /// `--check`: compare every output folder, write nothing.
    pub check: bool,
    /// `--image SERVICE:[DEPLOYABLE=]REF`, as given.
    pub images: Vec<String>,
    /// `--images FILE`.
    pub images_file: Option<String>,
    /// `--namespace NS` (checked by the command: XT960).
    pub namespace: Option<String>,
    /// Render workers (`--jobs`, default the available cores).
    pub jobs: usize,
    pub report: Reporting,
}

/// `check --workspace [FILE]`.
#[derive(Debug)]
pub struct WorkspaceCheck {
    pub file: String,
    /// `--profile`: these profiles of every service instead of the workspace's.
    pub profiles: Vec<String>,
    /// `--service`: only these services (all when empty).
    pub services: Vec<String>,
    pub report: Reporting,
}

/// `diff --workspace [FILE] --profile A --profile B`.
#[derive(Debug)]
pub struct WorkspaceDiff {
    pub file: String,
    /// `--service`: only these services (all when empty).
    pub services: Vec<String>,
    pub a: String,
    pub b: String,
    pub artifacts: bool,
    /// `--image SERVICE:[DEPLOYABLE=]REF`, as given.
    pub images: Vec<String>,
    /// `--images FILE`.
    pub images_file: Option<String>,
    /// `--namespace NS` (checked by the command: XT960).
    pub namespace: Option<String>,
    pub report: Reporting,
}

#[derive(Debug)]
pub enum DiffMode {
    /// `--profile A --profile B [--artifacts]`.
    Between { a: String, b: String, artifacts: bool },
    /// `--profile ID --against DIR`.
    Against { profile: String, dir: String },
}

#[derive(Debug)]
pub struct Diff {
    pub manifest: PathBuf,
    /// `--namespace NS` (checked by the command: XT960).
    pub namespace: Option<String>,
    pub mode: DiffMode,
    pub images: Vec<ImageOverride>,
    pub report: Reporting,
}

#[derive(Debug)]
pub struct Explain {
    pub manifest: PathBuf,
    pub profile: String,
    pub binding: Option<String>,
    /// `--network`: the edges of each deployable instead of the bindings.
    pub network: bool,
    pub report: Reporting,
}

#[derive(Debug)]
pub struct Schema {
    pub kind: SchemaKind,
    pub report: Reporting,
}

/// What to run.
#[derive(Debug)]
pub enum Invocation {
    Check(Check),
    Plan(Plan),
    Render(Render),
    WorkspaceCheck(WorkspaceCheck),
    WorkspaceRender(WorkspaceRender),
    WorkspaceDiff(WorkspaceDiff),
    Diff(Diff),
    Schema(Schema),
    Completions(clap_complete::Shell),
    Man(Option<String>),
    Explain(Explain),
}

/// A command line clap accepted but x07-topo cannot run: reported as XT902, in the
/// format the command was asked for.
#[derive(Debug)]
pub struct UsageError {
    pub command: &'static str,
    pub format: Format,
    pub message: String,
}

/// Resolves a parsed command line; `color` is the already decided colour of stderr.
pub fn resolve(command: Command, color: bool) -> Result<Invocation, UsageError> {
    match command {
        Command::Check(a) => {
            let report = reporting("check", a.format.into(), &a.lints, color)?;
            if let Some(file) = a.workspace {
                if a.manifest.manifest != std::path::Path::new(args::DEFAULT_MANIFEST) {
                    return Err(usage(&report, "--workspace checks the services the workspace names (choose some with --service ID): --manifest does not apply"));
                }
                return Ok(Invocation::WorkspaceCheck(WorkspaceCheck { file, profiles: a.profiles, services: a.services, report }));
            }
            Ok(Invocation::Check(Check { manifest: a.manifest.manifest, profiles: a.profiles, report }))
        }
        Command::Plan(a) => {
            let report = reporting("plan", a.format.into(), &a.lints, color)?;
            let images = images(&a.image, &report)?;
            Ok(Invocation::Plan(Plan { manifest: a.manifest.manifest, namespace: a.namespace, profile: a.profile, images, report }))
        }
        Command::Render(a) => {
            let report = reporting("render", a.format.into(), &a.lints, color)?;
            if let Some(file) = a.workspace {
                if a.out != "-" || a.manifest.manifest != std::path::Path::new(args::DEFAULT_MANIFEST) {
                    return Err(usage(&report, "--workspace renders into the workspace's `out` layout the services it names (choose some with --service ID): --out and --manifest do not apply"));
                }
                let jobs = jobs(a.jobs);
                let profiles = a.profile.into_iter().collect();
                return Ok(Invocation::WorkspaceRender(WorkspaceRender { file, profiles, services: a.services, take_over: a.take_over, check: a.check, images: a.image, images_file: a.images_file, namespace: a.namespace, jobs, report }));
            }
            let images = images(&a.image, &report)?;
            let out = match (a.out.as_str(), a.check) {
                ("", _) => return Err(usage(&report, "--out is empty: give a folder, or `-` for one stream on stdout (is a variable unset?)")),
                ("-", true) => return Err(usage(&report, "--check compares a folder with what would be rendered: give --out DIR (not `-`)")),
                ("-", _) if a.take_over => return Err(usage(&report, "--take-over is about the owner of an output folder: give --out DIR (not `-`)")),
                ("-", false) => Out::Stream,
                (dir, true) => Out::Check(dir.to_string()),
                (dir, false) => Out::Dir(dir.to_string()),
            };
            let profile = a.profile.ok_or_else(|| usage(&report, "render needs --profile (or --workspace)"))?;
            Ok(Invocation::Render(Render { manifest: a.manifest.manifest, namespace: a.namespace, profile, images, out, take_over: a.take_over, report }))
        }
        Command::Diff(a) => {
            let report = reporting("diff", a.format.into(), &a.lints, color)?;
            if let Some(file) = a.workspace {
                if a.manifest.manifest != std::path::Path::new(args::DEFAULT_MANIFEST) {
                    return Err(usage(&report, "--workspace compares every service the workspace names: --manifest does not apply"));
                }
                return match <[String; 2]>::try_from(a.profiles) {
                    Ok([pa, pb]) => Ok(Invocation::WorkspaceDiff(WorkspaceDiff { file, services: a.services, a: pa, b: pb, artifacts: a.artifacts, images: a.image, images_file: a.images_file, namespace: a.namespace, report })),
                    Err(given) if given.is_empty() && !a.artifacts => {
                        Ok(Invocation::WorkspaceRender(WorkspaceRender { file, profiles: Vec::new(), services: a.services, take_over: false, check: true, images: a.image, images_file: a.images_file, namespace: a.namespace, jobs: jobs(a.jobs), report }))
                    }
                    Err(given) if given.is_empty() => Err(usage(&report, "--artifacts compares two profiles' files: give --profile A --profile B")),
                    Err(given) => Err(usage(&report, &format!("diff --workspace compares two profiles of every service (--profile A --profile B), or, with no --profile, the committed output (got {} --profile)", given.len()))),
                };
            }
            let images = images(&a.image, &report)?;
            let (n, artifacts) = (a.profiles.len(), a.artifacts);
            let mode = match (a.against, <[String; 2]>::try_from(a.profiles)) {
                (Some(dir), Err(mut one)) if n == 1 => {
                    if dir.is_empty() {
                        return Err(usage(&report, "--against is empty: give the folder `render --out` wrote (is a variable unset?)"));
                    }
                    DiffMode::Against { profile: one.remove(0), dir }
                }
                (Some(_), _) => return Err(usage(&report, &format!("--against compares one profile with a folder: give exactly one --profile (got {n})"))),
                (None, Ok([a, b])) => DiffMode::Between { a, b, artifacts },
                (None, Err(_)) => {
                    return Err(usage(&report, &format!("diff compares two profiles: give --profile A --profile B (got {n}), or one --profile with --against DIR")))
                }
            };
            Ok(Invocation::Diff(Diff { manifest: a.manifest.manifest, namespace: a.namespace, mode, images, report }))
        }
        Command::Schema(a) => {
            let report = Reporting { command: "schema", format: a.format.into(), deny_warnings: false, allow: Vec::new(), color };
            Ok(Invocation::Schema(Schema { kind: a.kind, report }))
        }
        Command::Completions(a) => Ok(Invocation::Completions(a.shell)),
        Command::Man(a) => Ok(Invocation::Man(a.command)),
        Command::Explain(a) => {
            let report = reporting("explain", a.format.into(), &a.lints, color)?;
            Ok(Invocation::Explain(Explain { manifest: a.manifest.manifest, profile: a.profile, binding: a.binding, network: a.network, report }))
        }
    }
}

/// `--jobs N`, default the available cores.
fn jobs(given: Option<u16>) -> usize {
    given.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), usize::from)
}

fn usage(report: &Reporting, message: &str) -> UsageError {
    UsageError { command: report.command, format: report.format, message: message.to_string() }
}

fn reporting(command: &'static str, format: Format, lints: &args::LintArgs, color: bool) -> Result<Reporting, UsageError> {
    let mut report = Reporting { command, format, deny_warnings: lints.deny_warnings, allow: Vec::new(), color };
    for given in &lints.allow {
        let code = warning_code(given).map_err(|message| usage(&report, &message))?;
        if !report.allow.contains(&code) {
            report.allow.push(code);
        }
    }
    Ok(report)
}

/// A warning code as `--allow` or a profile's `lints` names it (`XT122`, any case).
pub fn warning_code(given: &str) -> Result<&'static Code, String> {
    let Some(code) = codes::by_id(&given.to_ascii_uppercase()) else {
        let ids = codes::ALL.iter().filter(|c| c.acceptable()).map(|c| c.id);
        let hint = crate::suggest::closest(given, ids).map(|c| format!(" (did you mean {c}?)")).unwrap_or_default();
        return Err(format!("--allow {given}: no such diagnostic code{hint}; docs/diagnostics.md lists them"));
    };
    if !code.acceptable() {
        return Err(format!("--allow {given}: {} is an error, and only warnings can be allowed (of the errors, only XT702 and XT703, risky topology changes, can be accepted deliberately)", code.id));
    }
    Ok(code)
}

/// `--image [DEPLOYABLE=]REF`, each deployable (and the bare default) at most once.
fn images(given: &[String], report: &Reporting) -> Result<Vec<ImageOverride>, UsageError> {
    let mut seen: BTreeMap<Option<String>, &str> = BTreeMap::new();
    let mut out = Vec::new();
    for arg in given {
        let image = ImageOverride::parse(arg);
        if image.deployable.as_deref() == Some("") {
            return Err(usage(report, &format!("--image {arg}: the deployable name before `=` is empty; give DEPLOYABLE=REF, or REF alone for every deployable")));
        }
        if let Some(first) = seen.insert(image.deployable.clone(), arg) {
            let message = match &image.deployable {
                Some(key) => format!("--image {key}= is given twice (`{first}` and `{arg}`): give each deployable one image"),
                None => format!("two --image values without a DEPLOYABLE= key (`{first}` and `{arg}`): give one default image, and DEPLOYABLE=REF for the others"),
            };
            return Err(usage(report, &message));
        }
        out.push(image);
    }
    Ok(out)
}
