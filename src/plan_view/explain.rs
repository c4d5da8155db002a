//! `x07-topo explain` (SPEC §4.1): for each binding the chain binding → rule (file:line) →
//! provider → outputs and their sources → emitted objects → the variables each cell receives;
//! and, for in-cluster providers, where the endpoint runs (pod labels and ports, SPEC §4.2).
//! A pure function of the Plan and the objects its emitter makes.

use super::text::table;
use crate::bindings::{Output, ResolvedBy};
use crate::manifest::BindingKind;
use crate::plan::Plan;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub profile: String,
    pub target: String,
    pub bindings: Vec<BindingChain>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BindingChain {
    pub name: String,
    pub kind: BindingKind,
    pub required: bool,
    pub resolved_by: ResolvedBy,
    /// `file:line` of the rule, or `built-in default`.
    pub rule_location: String,
    pub outputs: Vec<Output>,
    pub objects: Vec<super::ObjectRef>,
    /// The in-cluster pods the cells connect to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<crate::bindings::endpoints::Endpoint>,
    /// `crossplane`: the CRD its claim was validated against, or why it was not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim_schema: Option<String>,
    /// The volume the cells mount (sqlite).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume: Option<crate::bindings::BindingVolume>,
    /// Annotations on the cells' pods (an injected sidecar).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pod_annotations: Vec<(String, String)>,
    pub cells: Vec<CellVariables>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CellVariables {
    pub cell: String,
    pub deployable: String,
    pub variables: Vec<String>,
}

/// The chains of every binding, or of `only`.
pub fn explain(plan: &Plan, only: Option<&str>) -> Explanation {
    let bindings = plan
        .bindings
        .iter()
        .filter(|b| only.is_none_or(|n| n == b.name))
        .map(|b| BindingChain {
            name: b.name.clone(),
            kind: b.kind,
            required: b.required,
            resolved_by: b.resolved_by.clone(),
            rule_location: b.resolved_by.location(),
            outputs: b.outputs.clone(),
            objects: b
                .objects
                .iter()
                .map(|o| super::ObjectRef { kind: o.kind.clone(), name: o.name.clone(), path: crate::emit::k8s::binding_object_path(&o.kind, &o.api_version, &o.name) })
                .chain(crate::emit::k8s::trigger_authentications_of(plan, &b.name).into_iter().map(|(d, name)| super::ObjectRef {
                    kind: "TriggerAuthentication".to_string(),
                    path: crate::emit::k8s::object_path(d, "TriggerAuthentication", &name),
                    name,
                }))
                .collect(),
            endpoints: b.endpoints.clone(),
            claim_schema: b.claim_schema.clone(),
            volume: b.volume.clone(),
            pod_annotations: b.pod_annotations.clone(),
            cells: plan
                .deployables
                .iter()
                .flat_map(|d| d.cells.iter().map(move |c| (d, c)))
                .filter(|(_, c)| c.binding_refs.contains(&b.name))
                .map(|(d, c)| CellVariables { cell: c.key.clone(), deployable: d.key.clone(), variables: b.outputs.iter().map(|o| o.variable.clone()).collect() })
                .collect(),
        })
        .collect();
    Explanation { profile: plan.profile.clone(), target: plan.target_name.clone(), bindings }
}

/// The human form: one block per binding.
pub fn render(e: &Explanation) -> String {
    let mut out = format!("profile {} (target {})\n", e.profile, e.target);
    for b in &e.bindings {
        out.push_str(&format!("\n{} ({}, {})\n", b.name, b.kind, if b.required { "required" } else { "optional" }));
        let pointer = b.resolved_by.pointer.as_deref().map(|p| format!(" at {p}")).unwrap_or_default();
        out.push_str(&format!("  rule      {} ({}{pointer})\n", b.resolved_by.rule, b.rule_location));
        out.push_str(&format!("  provider  {}\n", b.resolved_by.provider));
        if !b.outputs.is_empty() {
            let rows: Vec<Vec<String>> = b.outputs.iter().map(|o| vec![o.name.clone(), o.variable.clone(), o.source.describe()]).collect();
            out.push_str("  outputs\n");
            out.push_str(&table(4, &["OUTPUT", "VARIABLE", "FROM"], &rows));
        }
        if !b.objects.is_empty() {
            out.push_str("  objects\n");
            for o in &b.objects {
                out.push_str(&format!("    {} {} ({})\n", o.kind, o.name, o.path));
            }
        }
        if let Some(note) = &b.claim_schema {
            out.push_str(&format!("  claim     {note}\n"));
        }
        for e in &b.endpoints {
            let labels: Vec<String> = e.pod_labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let ports: Vec<String> = e.ports.iter().map(u16::to_string).collect();
            let namespace = e.namespace.as_deref().map_or("the cells' namespace".to_string(), |n| format!("namespace {n}"));
            out.push_str(&format!("  endpoint  {}: pods {} in {namespace}, port {}
", e.what, labels.join(","), ports.join(",")));
        }
        if let Some(v) = &b.volume {
            let what = v.claim.as_deref().map_or("an emptyDir".to_string(), |c| format!("PersistentVolumeClaim {c}"));
            out.push_str(&format!("  volume    {what} mounted read-write at {}
", v.mount_path));
        }
        for (k, v) in &b.pod_annotations {
            out.push_str(&format!("  pods      annotated {k}: {v}
"));
        }
        if b.cells.is_empty() {
            out.push_str("  cells     none (no cell uses it)\n");
        }
        for c in &b.cells {
            out.push_str(&format!("  cell {} ({}) receives {}\n", c.cell, c.deployable, if c.variables.is_empty() { "nothing".to_string() } else { c.variables.join(", ") }));
        }
    }
    out
}
