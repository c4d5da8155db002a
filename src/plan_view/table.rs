//! `plan --format human`: the Plan as compact tables that fit 100 columns.

use super::text::{self, labelled, table};
use super::PlanView;
use crate::plan::CellRole;

const LABEL: usize = 8;

pub fn render(v: &PlanView) -> String {
    let mut out = format!(
        "service {}, profile {}: {} {}, target {}, environment {}{}\n",
        v.service_id,
        v.profile,
        v.target_kind,
        v.placement,
        v.target,
        v.environment,
        v.namespace.as_ref().map(|n| format!(", namespace {n}")).unwrap_or_default()
    );
    out.push_str(&labelled(0, "footprint", LABEL, &crate::plan::footprint::text(&v.footprint)));
    for d in &v.deployables {
        out.push_str(&format!("\ndeployable {}\n", d.key));
        out.push_str(&labelled(2, "image", LABEL, &text::image(d)));
        if d.runs {
            out.push_str(&labelled(2, "footprint", LABEL, &crate::plan::footprint::text(&d.footprint)));
        }
        if d.scaling.is_some() {
            out.push_str(&labelled(2, "scaling", LABEL, &text::scaling(d.scaling.as_ref())));
            out.push_str(&labelled(2, "rollout", LABEL, &text::rollout(d.rollout.as_ref())));
        }
        if !d.coordination.is_empty() {
            let kinds: Vec<String> = d
                .coordination
                .iter()
                .map(|c| {
                    let kind = if c.kind == crate::plan::LeaseKind::LeaderElection { "leader election" } else { "work leases" };
                    format!("{} {kind}: {}", c.cell, c.leases.join(" "))
                })
                .collect();
            out.push_str(&labelled(2, "leases", LABEL, &kinds.join("; ")));
        }
        let objects = if !d.runs {
            "none (only embedded kernels)".to_string()
        } else if let Some(why) = &v.objects_unavailable {
            format!("not listed: {why}")
        } else if d.objects.is_empty() {
            "none of its own: described by the service objects".to_string()
        } else {
            d.objects.iter().map(|o| format!("{} {}", o.kind, o.name)).collect::<Vec<_>>().join(", ")
        };
        out.push_str(&labelled(2, "objects", LABEL, &objects));
        let rows: Vec<Vec<String>> = d
            .cells
            .iter()
            .map(|c| vec![c.key.clone(), c.kind.to_string(), c.runtime_class.to_string(), c.scale_class.to_string(), text::trigger(c)])
            .collect();
        out.push_str(&table(2, &["CELL", "KIND", "RUNTIME", "SCALE", "TRIGGER"], &rows));
        let mut notes = Vec::new();
        for c in &d.cells {
            if c.role == CellRole::Process && c.probes.is_some() {
                notes.push(vec![c.key.clone(), format!("probes {}", text::probes(c.probes.as_deref()))]);
            }
            if !c.env.is_empty() {
                notes.push(vec![c.key.clone(), format!("env {}", text::key_values(&c.env))]);
            }
            notes.extend(c.parity.iter().map(|p| vec![c.key.clone(), format!("parity: {p}")]));
        }
        if !notes.is_empty() {
            out.push_str(&table(2, &["CELL", "NOTES"], &notes));
        }
    }
    if !v.service_objects.is_empty() {
        let files = v.service_objects.iter().map(|o| o.path.clone()).collect::<Vec<_>>().join(", ");
        out.push('\n');
        out.push_str(&labelled(0, "service objects", 15, &files));
    }
    if !v.bindings.is_empty() {
        out.push_str("\nbindings\n");
        let rows: Vec<Vec<String>> = v
            .bindings
            .iter()
            .map(|b| {
                let resolved = text::resolved(&b.resolved_by);
                let used = if b.used_by.is_empty() { "nobody".to_string() } else { b.used_by.join(" ") };
                vec![b.name.clone(), b.kind.to_string(), if b.required { "yes" } else { "no" }.to_string(), resolved, used]
            })
            .collect();
        out.push_str(&table(2, &["BINDING", "KIND", "REQUIRED", "RESOLVED BY", "USED BY"], &rows));
        let rows: Vec<Vec<String>> = v.bindings.iter().map(|b| vec![b.name.clone(), text::materialisation(&b.materialisation)]).collect();
        out.push_str(&table(2, &["BINDING", "MATERIALISED AS"], &rows));
    }
    out
}
