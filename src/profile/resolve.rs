//! `--profile ID|PATH` → [`Profile`]: inheritance from the manifest's entry, the target
//! description, and the checks of the profile against the manifest.

use super::*;
use crate::decode::Decoder;
use crate::diagnostics::{codes, Diagnostic};
use crate::json::Pointer;
use crate::layered::Layered;
use crate::manifest::Manifest;

/// A profile as the shell found it.
pub enum ProfileSpec<'a> {
    /// `--profile ID` with no file `arch/topology/ID.json`: the manifest's entry alone.
    Entry { id: &'a str, looked_for: &'a str },
    /// A profile document merged with the chain it extends: `--profile PATH`, the file found
    /// for `--profile ID` (`expected_id` is then that ID, which the merged `id` must match), or
    /// `--profile preset:NAME` (`default_kind` is then the kind a preset renders for when
    /// neither it nor the manifest says). `broken`: the shell could not follow the chain.
    File {
        layered: &'a Layered,
        broken: Option<&'a ChainBreak>,
        expected_id: Option<&'a str>,
        target_file: Option<&'a TargetFile>,
        default_kind: Option<TargetKind>,
    },
}

/// A target description the profile names by path, as the shell read it.
pub struct TargetFile {
    pub reference: String,
    /// The path as shown in diagnostics.
    pub name: String,
    /// The file's bytes, or why it could not be read.
    pub bytes: Result<Vec<u8>, Unread>,
    /// The CRD files it names (`k8s.crds`), as the shell read them.
    pub crds: Vec<CrdFile>,
}

/// A CRD file a target file names: `/k8s/crds/<index>/path` is `reference`.
pub struct CrdFile {
    pub index: usize,
    pub reference: String,
    /// The path as shown in diagnostics.
    pub name: String,
    pub bytes: Result<Vec<u8>, Unread>,
}

/// Why the shell did not read a file an input names: the code to report and the reason.
#[derive(Debug, Clone)]
pub struct Unread {
    pub code: &'static crate::diagnostics::Code,
    pub why: String,
}

/// Resolves one profile. Every problem is pushed to `diags`; `None` when the profile cannot
/// be used.
pub fn resolve(manifest: &Manifest, spec: ProfileSpec<'_>, diags: &mut Vec<Diagnostic>) -> Option<Profile> {
    match spec {
        ProfileSpec::Entry { id, looked_for } => resolve_entry(manifest, id, looked_for, diags),
        ProfileSpec::File { layered, broken: Some(broken), .. } => {
            diags.push(super::extends::chain_break(layered, broken));
            None
        }
        ProfileSpec::File { layered, broken: None, expected_id, target_file, default_kind } => {
            super::extends::check_layers(layered, diags);
            resolve_file(manifest, layered, expected_id, target_file, default_kind, diags)
        }
    }
}

fn resolve_entry(manifest: &Manifest, id: &str, looked_for: &str, diags: &mut Vec<Diagnostic>) -> Option<Profile> {
    let Some(entry) = manifest.profile(id) else {
        let ids: Vec<&str> = manifest.profiles().iter().map(|p| p.id.as_str()).collect();
        let known = if ids.is_empty() { "the manifest declares no topology_profiles".to_string() } else { format!("the manifest declares: {}", crate::diagnostics::list(ids.iter().copied())) };
        diags.push(Diagnostic::about_file(
            &codes::PROFILE_NOT_FOUND,
            "",
            format!("profile `{id}` is neither a file {looked_for} nor an entry of the manifest's topology_profiles"),
            format!("{}{known}; or pass the path of a profile document", crate::suggest::did_you_mean(id, ids.iter().copied())),
        ));
        return None;
    };
    let kind = entry.target_kind();
    let (target, target_document) = builtin_target(crate::target::default_name(kind), diags)?;
    let mut profile = Profile {
        id: entry.id.clone(),
        target_kind: kind,
        placement: entry.placement,
        environment: entry.id.clone(),
        namespace: target.namespace().map(str::to_string),
        target,
        images: Images::default(),
        regroup: BTreeMap::new(),
        groups: BTreeMap::new(),
        cells: BTreeMap::new(),
        bindings: BTreeMap::new(),
        lints: Default::default(),
        origin: ProfileOrigin::ManifestEntry,
        target_document,
        resolution: BTreeMap::new(),
    };
    let mut found = Vec::new();
    profile.resolution = crate::bindings::choose(manifest, &profile, &mut found);
    let ok = !crate::diagnostics::has_errors(&found);
    diags.append(&mut found);
    ok.then_some(profile)
}

fn builtin_target(name: &str, diags: &mut Vec<Diagnostic>) -> Option<(TargetDescription, Document)> {
    let (file, text) = crate::target::builtin(name)?;
    let (doc, mut parse_diags) = Document::parse(file, text.as_bytes());
    let mut d = Decoder::new(&doc);
    let target = crate::target::decode(&mut d);
    parse_diags.append(&mut d.diags);
    let ok = !crate::diagnostics::has_errors(&parse_diags);
    diags.append(&mut parse_diags);
    target.filter(|_| ok).map(|t| (t, doc))
}

fn resolve_file(
    manifest: &Manifest,
    layered: &Layered,
    expected_id: Option<&str>,
    target_file: Option<&TargetFile>,
    default_kind: Option<TargetKind>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Profile> {
    let mut d = Decoder::layered(layered);
    let decoded = decode(&mut d);
    let profile = decoded.and_then(|p| inherit(manifest, p, expected_id, target_file, default_kind, layered, &mut d));
    let ok = !crate::diagnostics::has_errors(&d.diags);
    diags.append(&mut d.diags);
    profile.filter(|_| ok)
}

/// Applies the manifest entry, resolves the target, and checks the document's names
/// against the manifest.
fn inherit(
    manifest: &Manifest,
    p: ProfileDocument,
    expected_id: Option<&str>,
    target_file: Option<&TargetFile>,
    default_kind: Option<TargetKind>,
    layered: &Layered,
    d: &mut Decoder<'_>,
) -> Option<Profile> {
    let root = Pointer::root();
    if let Some(expected) = expected_id {
        if p.id != expected {
            d.report(
                &codes::PROFILE_CONFLICT,
                &root.key("id"),
                format!("this file is profile `{expected}` by its name, but its id is `{}`", p.id),
                format!("set \"id\": \"{expected}\", or rename the file to {}.json", p.id),
            );
        }
    }
    let entry = manifest.profile(&p.id);
    let target_kind = match (entry, p.target_kind) {
        (Some(e), Some(k)) if e.target_kind() != k => {
            d.report(
                &codes::PROFILE_CONFLICT,
                &root.key("target_kind"),
                format!("target_kind is `{k}`, but the manifest's profile `{}` says `{}`", p.id, e.target_kind()),
                remove_or_override(layered, "target_kind", e.target_kind().as_str()),
            );
            None
        }
        (_, Some(k)) => Some(k),
        (Some(e), None) => Some(e.target_kind()),
        (None, None) if default_kind.is_some() => default_kind,
        (None, None) => {
            d.report(
                &codes::MISSING_FIELD,
                &root,
                format!("profile `{}` is not in the manifest's topology_profiles, so it must state its target_kind", p.id),
                "add \"target_kind\": \"k8s\", \"wasmcloud\" or \"hosted\", or add the profile to the manifest",
            );
            None
        }
    };
    let placement = match (entry, p.placement) {
        (Some(e), Some(pl)) if e.placement != pl => {
            d.report(
                &codes::PROFILE_CONFLICT,
                &root.key("placement"),
                format!("placement is `{pl}`, but the manifest's profile `{}` says `{}`", p.id, e.placement),
                remove_or_override(layered, "placement", &e.placement.to_string()),
            );
            None
        }
        (_, Some(pl)) => Some(pl),
        (Some(e), None) => Some(e.placement),
        (None, None) => Some(Placement::CoLocated),
    };
    let mut target = target_kind.and_then(|kind| resolve_target(&p, kind, target_file, d));
    if let (Some(over), Some((t, _))) = (&p.wasmcloud, target.as_mut()) {
        crate::target::apply_catalog_override(d, &root.key("wasmcloud"), t, over);
    }

    if let (Some(on), Some(k8s)) = (p.network_policies, target.as_mut().and_then(|(t, _)| t.k8s.as_mut())) {
        k8s.network_policies = on;
    }
    let (target, target_document) = target.unzip();
    let mut profile = Profile {
        id: p.id.clone(),
        target_kind: target_kind?,
        placement: placement?,
        environment: p.environment.clone().unwrap_or_else(|| p.id.clone()),
        namespace: p.namespace.clone().or_else(|| target.as_ref().and_then(|t| t.namespace().map(str::to_string))),
        target: target?,
        images: p.images.unwrap_or_default(),
        regroup: p.regroup.unwrap_or_default(),
        groups: p.groups.unwrap_or_default(),
        cells: p.cells.unwrap_or_default(),
        bindings: p.bindings.unwrap_or_default(),
        lints: p.lints.as_ref().map(super::decode::lints_of).unwrap_or_default(),
        origin: ProfileOrigin::File(layered.clone()),
        target_document: target_document?,
        resolution: BTreeMap::new(),
    };
    check_names(manifest, &profile, d);
    profile.resolution = crate::bindings::choose(manifest, &profile, &mut d.diags);
    Some(profile)
}

/// The hint for a member that contradicts the manifest's entry: remove it where it is set,
/// or, when a profile this one extends set it, override it in this one.
fn remove_or_override(layered: &Layered, member: &str, manifest_value: &str) -> String {
    let nearest = &layered.layers[0].source.name;
    let setter = &layered.file_of(&Pointer::root().key(member)).source.name;
    if setter == nearest {
        format!("remove {member} here (it is inherited), or change the manifest's entry")
    } else {
        format!("{setter} (extended by {nearest}) sets it: set \"{member}\": \"{manifest_value}\" in {nearest}, or change the manifest's entry")
    }
}

fn resolve_target(p: &ProfileDocument, kind: TargetKind, target_file: Option<&TargetFile>, d: &mut Decoder<'_>) -> Option<(TargetDescription, Document)> {
    let at = Pointer::root().key("target");
    let name = p.target.as_deref().unwrap_or(crate::target::default_name(kind));
    let target = if crate::target::is_path(name) {
        match target_file.map(|t| (&t.name, &t.bytes)) {
            Some((file, Ok(bytes))) => {
                let (doc, mut parse) = Document::parse(file, bytes.as_slice());
                let mut td = Decoder::new(&doc);
                let t = crate::target::decode(&mut td);
                parse.append(&mut td.diags);
                let mut t = t.filter(|_| !crate::diagnostics::has_errors(&parse));
                if let Some(k8s) = t.as_mut().and_then(|t| t.k8s.as_mut()) {
                    let files = target_file.map(|t| t.crds.as_slice()).unwrap_or_default();
                    attach_crds(k8s, files, &doc, &mut parse);
                }
                let ok = !crate::diagnostics::has_errors(&parse);
                d.diags.append(&mut parse);
                (t.filter(|_| ok)?, doc)
            }
            Some((_, Err(unread))) => {
                d.report(unread.code, &at, format!("target description `{name}` cannot be read: {}", unread.why), "fix the path (it is relative to the profile file and must stay inside the repository), or name a built-in target");
                return None;
            }
            None => {
                d.report(&codes::UNKNOWN_TARGET, &at, format!("target description `{name}` was not loaded"), "pass the profile by path so its target file can be found");
                return None;
            }
        }
    } else {
        match crate::target::builtin(name) {
            Some(_) => builtin_target(name, &mut d.diags)?,
            None => {
                let names: Vec<&str> = crate::target::BUILTIN.iter().map(|(n, _, _)| *n).collect();
                d.report(
                    &codes::UNKNOWN_TARGET,
                    &at,
                    format!("there is no built-in target description `{name}`"),
                    format!("{}the built-in ones are {}; a path to a file also works", crate::suggest::did_you_mean(name, names.iter().copied()), names.join(", ")),
                );
                return None;
            }
        }
    };
    if target.0.target_kind != kind {
        d.report(
            &codes::TARGET_KIND_MISMATCH,
            &at,
            format!("target `{}` describes a {} target, but this profile's target_kind is {kind}", target.0.name, target.0.target_kind),
            format!("name a {kind} target description, e.g. \"{}\"", crate::target::default_name(kind)),
        );
        return None;
    }
    Some(target)
}

/// Parses the CRD files a target names (read by the shell) into its `k8s.crds`; a file that
/// cannot be read or is no CRD is reported at its `path` in the target file.
fn attach_crds(k8s: &mut crate::target::K8sSettings, files: &[CrdFile], doc: &Document, diags: &mut Vec<Diagnostic>) {
    for (i, r) in k8s.crds.iter_mut().enumerate() {
        let at = Pointer::root().key("k8s").key("crds").index(i).key("path");
        let Some(file) = files.iter().find(|f| f.index == i && f.reference == r.path) else {
            diags.push(Diagnostic::at(&codes::CRD_UNUSABLE, doc, &at, format!("CRD file `{}` was not read", crate::diagnostics::echo(&r.path)), "pass the profile by path so the files its target names can be found"));
            continue;
        };
        match &file.bytes {
            Err(unread) => diags.push(Diagnostic::at(
                unread.code,
                doc,
                &at,
                format!("CRD file `{}` cannot be read: {}", crate::diagnostics::echo(&r.path), unread.why),
                "name a CRD file relative to the target file, inside the repository",
            )),
            Ok(bytes) => match crate::crd::parse(&file.name, bytes) {
                Ok(crd) => r.loaded = Some(std::sync::Arc::new(crd)),
                Err(e) => {
                    let inside = if e.pointer.is_empty() { String::new() } else { format!(" (at {})", e.pointer) };
                    diags.push(Diagnostic::at(
                        &codes::CRD_UNUSABLE,
                        doc,
                        &at,
                        format!("{} is not a CRD x07-topo can use{inside}: {}", file.name, e.why),
                        "name an apiextensions.k8s.io/v1 CustomResourceDefinition, one per file (what `kubectl get crd NAME -o yaml` prints)",
                    ))
                }
            },
        }
    }
}

/// Every cell, group and binding the profile names must exist in the manifest.
fn check_names(manifest: &Manifest, profile: &Profile, d: &mut Decoder<'_>) {
    let root = Pointer::root();
    let cell_keys: Vec<&str> = manifest.cells.iter().map(|c| c.cell_key.as_str()).collect();
    let unknown_cell = |d: &mut Decoder<'_>, at: Pointer, key: &str, section: &str| {
        d.report_key(
            &codes::PROFILE_UNKNOWN_CELL,
            &at,
            format!("{section} names cell `{key}`, which the manifest does not have"),
            format!("{}the cells are: {}", crate::suggest::did_you_mean(key, cell_keys.iter().copied()), crate::diagnostics::list(cell_keys.iter().copied())),
        )
    };
    for key in profile.regroup.keys().filter(|k| manifest.cell(k).is_none()) {
        unknown_cell(d, root.key("regroup").key(key), key, "regroup");
    }
    for key in profile.cells.keys().filter(|k| manifest.cell(k).is_none()) {
        unknown_cell(d, root.key("cells").key(key), key, "cells");
    }

    let mut deployables: Vec<&str> = manifest.cells.iter().map(|c| profile.deployable_of(c)).collect();
    deployables.sort_unstable();
    deployables.dedup();
    let unknown_deployable = |d: &mut Decoder<'_>, at: Pointer, key: &str, section: &str| {
        d.report_key(
            &codes::PROFILE_UNKNOWN_GROUP,
            &at,
            format!("{section} names deployable `{key}`, but under {} placement the deployables are: {}", profile.placement, crate::diagnostics::list(deployables.iter().copied())),
            format!(
                "{}keys name deployables: topology groups (after regroup) when co-located, cell keys when split-by-cell, `{SINGLE_DEPLOYABLE}` when single",
                crate::suggest::did_you_mean(key, deployables.iter().copied())
            ),
        )
    };
    for key in profile.groups.keys().filter(|k| !deployables.contains(&k.as_str())) {
        unknown_deployable(d, root.key("groups").key(key), key, "groups");
    }
    for key in profile.images.groups.iter().flatten().map(|(k, _)| k).filter(|k| !deployables.contains(&k.as_str())) {
        unknown_deployable(d, root.key("images").key("groups").key(key), key, "images.groups");
    }

    // Binding rules are checked by `bindings::choose`.
    // A group that regroup creates must not share an object name with another group.
    if profile.placement == Placement::CoLocated {
        use crate::checks::names::sanitize_dns1123;
        // Deployable name → the first two distinct groups (in cell order) that become it.
        let mut by_name: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        if !profile.regroup.is_empty() {
            for c in &manifest.cells {
                let group = profile.group_of(c);
                let groups = by_name.entry(sanitize_dns1123(group)).or_default();
                if groups.len() < 2 && !groups.contains(&group) {
                    groups.push(group);
                }
            }
        }
        for (cell, group) in &profile.regroup {
            let name = sanitize_dns1123(group);
            let clash = by_name.get(&name).into_iter().flatten().find(|other| **other != group.as_str());
            if let Some(other) = clash {
                d.report(
                    &codes::NAME_COLLISION,
                    &root.key("regroup").key(cell),
                    format!("topology group `{group}` and `{other}` both become the deployable name `{name}`"),
                    "regroup into an existing group by its exact name, or choose a distinct name",
                );
            } else if name.is_empty() {
                d.report(&codes::UNNAMEABLE, &root.key("regroup").key(cell), format!("topology group `{group}` leaves nothing for a deployable name"), "use letters and digits in the name");
            }
        }
    }
}
