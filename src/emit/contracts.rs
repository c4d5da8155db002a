//! The X07 platform contract documents (SPEC §6), written beside every render:
//! `topology.preview.<profile>.json` (`lp.topology.preview.result@0.1.0`) and
//! `binding.requirements.json` (`lp.binding.requirements.result@0.1.0`). Both must validate
//! against the shared schemas in `../shared/schemas/x07-contracts/`; `generated_unix_ms` is
//! always 0 so that output is reproducible (as upstream's generator does).

use super::{json_text, Artifact};
use crate::diagnostics::{codes, Diagnostic};
use crate::manifest::{BindingKind, IngressKind, Placement, RuntimeClass, ScaleClass, TargetKind};
use crate::plan::{CellRole, Deployable, Plan, PlannedCell};
use serde::Serialize;

pub const PREVIEW_SCHEMA: &str = "lp.topology.preview.result@0.1.0";
pub const REQUIREMENTS_SCHEMA: &str = "lp.binding.requirements.result@0.1.0";
pub const REQUIREMENTS_FILE: &str = "binding.requirements.json";
/// The contracts' `maxLength` of ids and keys.
pub const MAX_NAME: usize = 128;
/// The contracts' `maxLength` of a note.
pub const MAX_NOTE: usize = 512;

#[derive(Debug, Clone, Serialize)]
pub struct TopologyPreview {
    pub schema_version: &'static str,
    pub workload_id: String,
    pub profile_id: String,
    pub target_kind: TargetKind,
    /// Sorted by `group_key`.
    pub groups: Vec<PreviewGroup>,
    pub generated_unix_ms: u64,
}

/// One deployable, as the preview calls it.
#[derive(Debug, Clone, Serialize)]
pub struct PreviewGroup {
    pub group_key: String,
    /// Sorted.
    pub cell_keys: Vec<String>,
    /// The host cell's class; cells of other classes are named in `notes`.
    pub runtime_class: RuntimeClass,
    pub scale_class: ScaleClass,
    pub exposure: Exposure,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Exposure {
    /// Reachable from outside: a route the target publishes.
    Public,
    /// Listens, but only inside the target (a Kubernetes Service with no Ingress or route).
    Private,
    None,
}

#[derive(Debug, Clone, Serialize)]
pub struct BindingRequirements {
    pub schema_version: &'static str,
    pub workload_id: String,
    /// In manifest order; bindings no cell uses are left out (the contract needs a user).
    pub bindings: Vec<Requirement>,
    pub generated_unix_ms: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    pub name: String,
    pub kind: BindingKind,
    /// Sorted.
    pub required_by_cells: Vec<String>,
    pub required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// The contract file of the preview of `profile`: the id with anything that cannot be part of
/// a file name replaced, so the path stays inside `--out DIR`.
pub fn preview_file(profile: &str) -> String {
    let token: String = profile.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '-' }).collect();
    format!("topology.preview.{}.json", token.trim_start_matches('.'))
}

/// Both contract documents, or none when a name is too long for them (see [`diagnostics`]).
pub fn render(plan: &Plan) -> Vec<Artifact> {
    let mut artifacts = objects(plan);
    if let [preview_file, requirements_file] = artifacts.as_mut_slice() {
        preview_file.content = json_text(&preview(plan));
        requirements_file.content = json_text(&requirements(plan));
    }
    artifacts
}

/// [`render`] without the documents' text: what a view of the objects needs. Only their
/// text is ever read (they are not in the `--out -` stream), so `value` stays empty.
pub fn objects(plan: &Plan) -> Vec<Artifact> {
    if !too_long_names(plan).is_empty() {
        return Vec::new();
    }
    let artifact = |path: String, kind: &str, name: &str| Artifact { path, deployable: String::new(), kind: kind.to_string(), name: name.to_string(), content: String::new(), value: serde_json::Value::Null, in_stream: false };
    vec![artifact(preview_file(&plan.profile), PREVIEW_SCHEMA, &plan.profile), artifact(REQUIREMENTS_FILE.to_string(), REQUIREMENTS_SCHEMA, &plan.service_id)]
}

/// Warning XT602 when a name is too long for the contracts (which are then not written).
pub fn diagnostics(plan: &Plan) -> Vec<Diagnostic> {
    let too_long = too_long_names(plan);
    if too_long.is_empty() {
        return Vec::new();
    }
    vec![Diagnostic::about_file(
        &codes::CONTRACT_NAME_TOO_LONG,
        "",
        format!("the X07 platform contracts allow names of at most {MAX_NAME} characters, but {}; `{}` and `{REQUIREMENTS_FILE}` are not written", too_long.join(", "), preview_file(&plan.profile)),
        "shorten these names in the manifest or the profile if the X07 platform is to read this service",
    )]
}

/// Every name the contracts carry that is longer than they allow, described.
fn too_long_names(plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |what: &str, name: &str| {
        if name.chars().count() > MAX_NAME {
            out.push(format!("{what} `{name}` has {}", name.chars().count()));
        }
    };
    check("service_id", &plan.service_id);
    check("profile", &plan.profile);
    for d in &plan.deployables {
        check("deployable", &d.key);
        for c in &d.cells {
            check("cell", &c.key);
        }
    }
    for b in plan.bindings.iter().filter(|b| !b.used_by.is_empty()) {
        check("binding", &b.name);
    }
    out.sort();
    out.dedup();
    out
}

pub fn preview(plan: &Plan) -> TopologyPreview {
    let mut groups: Vec<PreviewGroup> = plan.deployables.iter().filter_map(|d| group(plan, d)).collect();
    groups.sort_by(|a, b| a.group_key.cmp(&b.group_key));
    TopologyPreview {
        schema_version: PREVIEW_SCHEMA,
        workload_id: plan.service_id.clone(),
        profile_id: plan.profile.clone(),
        target_kind: plan.target_kind,
        groups,
        generated_unix_ms: 0,
    }
}

/// The cell whose classes a group reports: its first process, else its first job, else its
/// first cell (manifest order).
fn host_cell(d: &Deployable) -> Option<&PlannedCell> {
    d.processes().next().or_else(|| d.jobs().next()).or_else(|| d.cells.first())
}

/// A deployable's group; `None` for a deployable without cells (lowering makes none).
fn group(plan: &Plan, d: &Deployable) -> Option<PreviewGroup> {
    let host = host_cell(d)?;
    let mut cell_keys: Vec<String> = d.cells.iter().map(|c| c.key.clone()).collect();
    cell_keys.sort();
    let processes: Vec<&PlannedCell> = d.processes().collect();
    let mut notes = Vec::new();
    // Upstream's notes, in upstream's order.
    if processes.iter().any(|c| c.ingress == IngressKind::Http) {
        notes.push("ingress required".to_string());
    }
    if d.cells.iter().any(|c| c.ingress == IngressKind::Event && c.role != CellRole::Embedded) {
        notes.push("queue-driven".to_string());
    }
    if d.jobs().next().is_some() {
        notes.push("scheduler required".to_string());
    }
    if d.cells.len() > 1 {
        notes.push(match plan.placement {
            Placement::Single => "single deployable: every cell of the service".to_string(),
            _ => "co-located by topology group".to_string(),
        });
    }
    // Instead of upstream's invalid `mixed`: the host cell's classes, and the others here.
    for c in d.cells.iter().filter(|c| (c.runtime_class, c.scale_class) != (host.runtime_class, host.scale_class)) {
        notes.push(format!(
            "cell `{}` is {} / {}; the group reports its host cell `{}` ({} / {})",
            c.key, c.runtime_class, c.scale_class, host.key, host.runtime_class, host.scale_class
        ));
    }
    Some(PreviewGroup {
        group_key: d.key.clone(),
        cell_keys,
        runtime_class: host.runtime_class,
        scale_class: host.scale_class,
        exposure: exposure(plan, &processes),
        notes,
    })
}

/// `public` when the target publishes a route to a serving process, `private` when processes
/// listen but only inside the target, `none` when nothing listens.
fn exposure(plan: &Plan, processes: &[&PlannedCell]) -> Exposure {
    let serves = |kind: IngressKind| processes.iter().any(|c| c.ingress == kind);
    if !serves(IngressKind::Http) && !serves(IngressKind::Mcp) {
        return Exposure::None;
    }
    match plan.target_kind {
        // Only http cells get an Ingress or HTTPRoute, and only when the target configures one.
        TargetKind::K8s => {
            let routed = plan.target.k8s.as_ref().is_some_and(|k| k.ingress.is_some() || k.gateway.is_some());
            if routed && serves(IngressKind::Http) {
                Exposure::Public
            } else {
                Exposure::Private
            }
        }
        TargetKind::Hosted | TargetKind::Wasmcloud => Exposure::Public,
    }
}

pub fn requirements(plan: &Plan) -> BindingRequirements {
    let bindings = plan
        .bindings
        .iter()
        .filter(|b| !b.used_by.is_empty())
        .map(|b| Requirement {
            name: b.name.clone(),
            kind: b.kind,
            required_by_cells: b.used_by.clone(),
            required: b.required,
            notes: b.notes.as_deref().map(cut_note),
        })
        .collect();
    BindingRequirements { schema_version: REQUIREMENTS_SCHEMA, workload_id: plan.service_id.clone(), bindings, generated_unix_ms: 0 }
}

/// A note of at most [`MAX_NOTE`] characters: longer ones are cut and end in `…`.
fn cut_note(note: &str) -> String {
    if note.chars().count() <= MAX_NOTE {
        return note.to_string();
    }
    let mut cut: String = note.chars().take(MAX_NOTE - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_file_names_stay_inside_the_folder() {
        assert_eq!(preview_file("prod"), "topology.preview.prod.json");
        assert_eq!(preview_file("../etc/x"), "topology.preview.-etc-x.json");
        assert_eq!(preview_file("a b/c"), "topology.preview.a-b-c.json");
    }

    #[test]
    fn long_notes_are_cut_to_the_contract_limit() {
        let long = "é".repeat(600);
        let cut = cut_note(&long);
        assert_eq!(cut.chars().count(), MAX_NOTE);
        assert!(cut.ends_with('…'));
        assert_eq!(cut_note("short"), "short");
    }
}
