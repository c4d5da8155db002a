//! The command line, as clap parses it. Nothing here decides anything: combinations of
//! flags, repeated keys and defaults that depend on other flags are resolved in one place,
//! `resolve.rs`, into the typed `Invocation` the commands run.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// The X07 convention for where the service manifest lives.
pub const DEFAULT_MANIFEST: &str = "arch/service/index.x07service.json";

#[derive(Debug, Parser)]
#[command(name = "x07-topo", version, about = "The topology compiler for X07 services", max_term_width = 100)]
pub struct Cli {
    /// When to colour diagnostics, help and errors: `auto` colours a terminal unless
    /// NO_COLOR is set (CLICOLOR_FORCE colours even off a terminal).
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto", global = true)]
    pub color: ColorWhen,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate the manifest and profiles; print every diagnostic.
    Check(CheckArgs),
    /// Show the Plan of one profile: deployables, placement, binding resolution, parity.
    Plan(PlanArgs),
    /// Render the artifacts of one profile.
    Render(RenderArgs),
    /// Compare two profiles' topologies, or the committed output with what would be rendered.
    Diff(DiffArgs),
    /// Print the JSON Schema of an input or output format.
    Schema(SchemaArgs),
    /// Print a shell completion script (e.g. `x07-topo completions bash > /etc/bash_completion.d/x07-topo`).
    Completions(CompletionsArgs),
    /// Print the man page (roff) of x07-topo or of one of its commands.
    Man(ManArgs),
    /// How each binding resolves: rule, provider, outputs and their sources, objects, variables.
    Explain(ExplainArgs),
}

/// `check` prints diagnostics, so it also speaks the CI annotation formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Human,
    /// One JSON report object (x07.topo.report@0.1.0) on stdout.
    Json,
    /// A SARIF 2.1.0 log on stdout (code scanning).
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...`) on stdout.
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Human,
    /// One JSON report object (x07.topo.report@0.1.0) on stdout.
    Json,
    /// A Mermaid flowchart.
    Mermaid,
}

/// What every other command prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Human,
    /// One JSON report object (x07.topo.report@0.1.0) on stdout.
    Json,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Fail (exit 1) when there are warnings that are not allowed.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Allow a warning code (e.g. XT122): counted, not printed, listed as suppressed in JSON.
    /// Repeatable; wins over the profile's `lints`.
    #[arg(long, value_name = "CODE")]
    pub allow: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ManifestArg {
    /// The service manifest (`-`: read it from standard input; profile ids are then looked up in ./arch/topology/).
    #[arg(long, value_name = "PATH", default_value = DEFAULT_MANIFEST)]
    pub manifest: PathBuf,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub manifest: ManifestArg,
    /// A profile id (arch/topology/ID.json, else the manifest's entry) or a profile file.
    /// Repeatable; without it, every profile the manifest declares is checked.
    #[arg(long = "profile", value_name = "ID|PATH")]
    pub profiles: Vec<String>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: CheckFormat,
    /// Check every service × profile of a workspace (default file: x07-topo.workspace.json).
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = crate::workspace::DEFAULT_FILE)]
    pub workspace: Option<String>,
    /// With --workspace: only this service (its service_id); repeatable.
    #[arg(long = "service", value_name = "ID", requires = "workspace")]
    pub services: Vec<String>,
    #[command(flatten)]
    pub lints: LintArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// x07.service.manifest@0.1.0
    Manifest,
    /// x07.topology.profile@0.1.0
    Profile,
    /// x07.topo.target@0.1.0
    Target,
    /// x07.hosted.deployment@0.1.0 (the hosted descriptor render writes)
    Hosted,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which format.
    #[arg(value_enum)]
    pub kind: SchemaKind,
    /// `human` and `json` both print the schema itself (it is JSON); usage errors under
    /// `json` are a JSON report.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ReportFormat,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub manifest: ManifestArg,
    /// A profile id (arch/topology/ID.json, else the manifest's entry) or a profile file.
    #[arg(long, value_name = "ID|PATH")]
    #[arg(required_unless_present = "workspace")]
    pub profile: Option<String>,
    /// The image of every deployable (REF) or of one (DEPLOYABLE=REF); overrides the profile.
    #[arg(long, value_name = "[DEPLOYABLE=]REF")]
    pub image: Vec<String>,
    /// `-` for one multi-document stream on stdout, or a folder to write one file per object.
    #[arg(long, value_name = "DIR|-", default_value = "-")]
    pub out: String,
    /// Write nothing; exit 1 with a unified diff when DIR differs from what would be rendered.
    #[arg(long)]
    pub check: bool,
    /// Render into a folder whose inventory names another service, profile or target kind,
    /// making it this render's; the other owner's files are left in place, never pruned.
    /// With --workspace: every output folder of the run.
    #[arg(long)]
    pub take_over: bool,
    /// Render every service × profile of a workspace (default file: x07-topo.workspace.json) into its `out` layout.
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = crate::workspace::DEFAULT_FILE)]
    pub workspace: Option<String>,
    /// With --workspace: only this service (its service_id); repeatable.
    #[arg(long = "service", value_name = "ID", requires = "workspace")]
    pub services: Vec<String>,
    /// With --workspace: images per service from a JSON map {"SERVICE": "REF" | {"DEPLOYABLE": "REF"}}.
    #[arg(long = "images", value_name = "FILE", requires = "workspace")]
    pub images_file: Option<String>,
    /// With --workspace: how many services render at once (default: the available cores).
    #[arg(long, value_name = "N", requires = "workspace", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// The Kubernetes namespace of every namespaced object; overrides the profile's and the target's.
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: ReportFormat,
    #[command(flatten)]
    pub lints: LintArgs,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub manifest: ManifestArg,
    /// A profile id (arch/topology/ID.json, else the manifest's entry) or a profile file.
    #[arg(long, value_name = "ID|PATH")]
    pub profile: String,
    /// The image of every deployable (REF) or of one (DEPLOYABLE=REF); overrides the profile.
    #[arg(long, value_name = "[DEPLOYABLE=]REF")]
    pub image: Vec<String>,
    /// The Kubernetes namespace of every namespaced object; overrides the profile's and the target's.
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: PlanFormat,
    #[command(flatten)]
    pub lints: LintArgs,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub manifest: ManifestArg,
    /// Two profiles to compare (A, then B), or one with --against.
    #[arg(long = "profile", value_name = "ID|PATH", required_unless_present = "workspace", num_args = 1)]
    pub profiles: Vec<String>,
    /// Compare what would be rendered with this committed folder; exit 1 when it differs.
    #[arg(long, value_name = "DIR", conflicts_with = "artifacts")]
    pub against: Option<String>,
    /// Also show a unified diff of the two profiles' rendered files.
    #[arg(long)]
    pub artifacts: bool,
    /// The image of every deployable (REF) or of one (DEPLOYABLE=REF); overrides the profiles.
    #[arg(long, value_name = "[DEPLOYABLE=]REF")]
    pub image: Vec<String>,
    /// Every service of a workspace (default file: x07-topo.workspace.json): with two
    /// --profile, each service's two profiles compared; without, the committed `out` folders
    /// compared with what would be rendered (as `render --workspace --check`).
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = crate::workspace::DEFAULT_FILE, conflicts_with = "against")]
    pub workspace: Option<String>,
    /// With --workspace: only this service (its service_id); repeatable.
    #[arg(long = "service", value_name = "ID", requires = "workspace")]
    pub services: Vec<String>,
    /// With --workspace: images per service from a JSON map {"SERVICE": "REF" | {"DEPLOYABLE": "REF"}}.
    #[arg(long = "images", value_name = "FILE", requires = "workspace")]
    pub images_file: Option<String>,
    /// With --workspace: how many services render at once (default: the available cores).
    #[arg(long, value_name = "N", requires = "workspace", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// The Kubernetes namespace of every namespaced object; overrides the profile's and the target's.
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: ReportFormat,
    #[command(flatten)]
    pub lints: LintArgs,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command, for its own page (`x07-topo-render(1)`); without it, the main page.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub manifest: ManifestArg,
    /// A profile id (arch/topology/ID.json, else the manifest's entry) or a profile file.
    #[arg(long, value_name = "ID|PATH")]
    pub profile: String,
    /// Only this binding (default: every binding).
    pub binding: Option<String>,
    /// Instead of the bindings: per deployable, every network edge it may use and the binding
    /// or ingress that grants it (the NetworkPolicy's rules on Kubernetes).
    #[arg(long, conflicts_with = "binding")]
    pub network: bool,
    #[arg(long, value_enum, default_value = "human")]
    pub format: ReportFormat,
    #[command(flatten)]
    pub lints: LintArgs,
}
