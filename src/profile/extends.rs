//! Profile inheritance (SPEC §2.3): what a profile's `extends` names, the built-in presets,
//! and the diagnostics of a chain the shell could not follow. The merge itself is
//! [`crate::layered`]; the shell reads the files.

use super::SCHEMA_VERSION;
use crate::decode::Decoder;
use crate::diagnostics::{codes, Diagnostic};
use crate::document::Document;
use crate::json::{Pointer, Value};
use crate::layered::Layered;

/// `extends` and `--profile` name a built-in preset with this prefix.
pub const PRESET_PREFIX: &str = "preset:";

/// The built-in presets of the repository's `profiles/` folder: (name, file as shown in
/// diagnostics, text).
pub const PRESETS: &[(&str, &str, &str)] = &[
    ("local", "profiles/local.json", include_str!("../../profiles/local.json")),
    ("production", "profiles/production.json", include_str!("../../profiles/production.json")),
];

/// A preset's file name and text.
pub fn preset(name: &str) -> Option<(&'static str, &'static str)> {
    PRESETS.iter().find(|(n, _, _)| *n == name).map(|&(_, file, text)| (file, text))
}

/// What an `extends` value names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parent {
    /// `preset:NAME`.
    Preset(String),
    /// A path, relative to the extending file.
    Path(String),
    /// A profile id: `arch/topology/ID.json`.
    Id(String),
}

impl Parent {
    pub fn parse(reference: &str) -> Parent {
        if let Some(name) = reference.strip_prefix(PRESET_PREFIX) {
            Parent::Preset(name.to_string())
        } else if crate::target::is_path(reference) {
            Parent::Path(reference.to_string())
        } else {
            Parent::Id(reference.to_string())
        }
    }
}

/// The parent a profile document names, read from its raw tree (the shell follows the
/// chain before anything is decoded). A non-string `extends` names none; decoding reports it.
pub fn parent_of(doc: &Document) -> Option<(String, Parent)> {
    match &doc.root()?.member("extends")?.value.value {
        Value::String(s) if !s.trim().is_empty() => Some((s.as_str().to_owned(), Parent::parse(s))),
        _ => None,
    }
}

/// The most parents a chain of `extends` may have (SPEC §7.2: bounded work); a longer chain
/// is an error, so a hostile chain of thousands of files costs no more than this many reads.
pub const MAX_EXTENDS: usize = 32;

/// Why the shell could not follow a chain of `extends` to its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The parent's file is not there or cannot be read (`why` says which, and where it looked).
    Missing { reference: String, why: String },
    /// The parent's file was refused unread: outside the repository, not a regular file, or
    /// too large (`code` says which).
    Refused { reference: String, code: &'static crate::diagnostics::Code, why: String },
    /// The chain has more than [`MAX_EXTENDS`] parents.
    TooDeep { reference: String },
    /// `preset:NAME` with no such preset.
    UnknownPreset { reference: String, name: String },
    /// The parent is already in the chain; `chain` names the files from the first to the parent.
    Cycle { reference: String, chain: Vec<String> },
}

fn preset_list() -> String {
    PRESETS.iter().map(|(n, _, _)| format!("{PRESET_PREFIX}{n}")).collect::<Vec<_>>().join(", ")
}

/// `--profile preset:NAME` with no such preset.
pub fn unknown_preset_argument(name: &str) -> Diagnostic {
    Diagnostic::about_file(
        &codes::UNKNOWN_PRESET,
        "",
        format!("--profile {PRESET_PREFIX}{name}: there is no built-in preset `{name}`"),
        format!("{}the presets are: {}", crate::suggest::did_you_mean(name, PRESETS.iter().map(|(n, _, _)| *n)), preset_list()),
    )
}

/// The diagnostic of a broken chain, at the `extends` of the last file that could be read.
pub fn chain_break(layered: &Layered, broken: &ChainBreak) -> Diagnostic {
    let doc = layered.layers.last().unwrap_or(&layered.merged);
    let at = Pointer::root().key("extends");
    match broken {
        ChainBreak::Missing { reference, why } => Diagnostic::at(
            &codes::EXTENDS_NOT_FOUND,
            doc,
            &at,
            format!("extends `{reference}`: {why}"),
            format!("name an existing profile: an id (arch/topology/ID.json), a path relative to this file, or a preset ({})", preset_list()),
        ),
        ChainBreak::Refused { reference, code, why } => Diagnostic::at(code, doc, &at, format!("extends `{reference}`: {why}"), "extend a profile inside the repository: an id (arch/topology/ID.json), a path relative to this file, or a preset"),
        ChainBreak::TooDeep { reference } => Diagnostic::at(
            &codes::EXTENDS_TOO_DEEP,
            doc,
            &at,
            format!("extends `{reference}`: the chain has more than {MAX_EXTENDS} parents"),
            format!("flatten the chain: at most {MAX_EXTENDS} profiles may extend one another"),
        ),
        ChainBreak::UnknownPreset { reference, name } => Diagnostic::at(
            &codes::UNKNOWN_PRESET,
            doc,
            &at,
            format!("extends `{reference}`: there is no built-in preset `{name}`"),
            format!("{}the presets are: {}", crate::suggest::did_you_mean(name, PRESETS.iter().map(|(n, _, _)| *n)), preset_list()),
        ),
        ChainBreak::Cycle { reference, chain } => Diagnostic::at(
            &codes::EXTENDS_CYCLE,
            doc,
            &at,
            format!("extends `{reference}` closes a cycle: {} -> {}", chain.join(" -> "), chain.first().map_or("", String::as_str)),
            "remove `extends` from one of these files, or point it at a profile outside the cycle",
        ),
    }
}

/// Every file of a chain is a profile document of its own: an object with our
/// `schema_version` and its own `id` (an id names a file, so it is never inherited). The
/// rest is decoded once, after the merge.
pub fn check_layers(layered: &Layered, diags: &mut Vec<Diagnostic>) {
    for doc in &layered.layers {
        let Some(root) = doc.root() else { continue };
        let mut d = Decoder::new(doc);
        if let Some(mut f) = d.fields(root, &Pointer::root()) {
            let _ = d.required(&mut f, "schema_version", |d, n, at| crate::manifest::decode_schema_version(d, n, at, SCHEMA_VERSION));
            let _ = d.required(&mut f, "id", Decoder::text);
        }
        diags.append(&mut d.diags);
    }
}
