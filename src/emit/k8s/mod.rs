//! Kubernetes emitter (SPEC §4): Plan → Kubernetes objects, in install order.

mod names;
mod objects;
mod pod;

pub use names::Names;

use super::Artifact;
use crate::plan::{Deployable, Plan};
use serde::Serialize;

/// One emitted object, before it becomes text.
#[derive(Debug, Clone)]
pub struct Object {
    pub kind: &'static str,
    pub name: String,
    pub value: serde_json::Value,
}

/// Install order of kinds within one deployable: what others refer to comes first.
const KIND_ORDER: &[&str] = &[
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ConfigMap",
    "Lease",
    "Service",
    "Deployment",
    "Rollout",
    "CronJob",
    "HorizontalPodAutoscaler",
    "ScaledObject",
    "PodDisruptionBudget",
    "Ingress",
    "HTTPRoute",
];

pub fn to_value<T: Serialize>(object: &T) -> serde_json::Value {
    serde_json::to_value(object).expect("Kubernetes objects serialise")
}

/// The artifacts of one deployable, in install order.
pub fn artifacts(plan: &Plan, d: &Deployable) -> Vec<Artifact> {
    let mut objects = objects_of(plan, d);
    objects.sort_by(|a, b| (kind_rank(a.kind), &a.name).cmp(&(kind_rank(b.kind), &b.name)));
    let folder = crate::emit::deployable_folder(&d.key);
    objects
        .into_iter()
        .map(|o| Artifact {
            path: format!("{folder}/{}-{}.yaml", o.kind.to_ascii_lowercase(), o.name),
            deployable: d.key.clone(),
            kind: o.kind.to_string(),
            name: o.name.clone(),
            content: super::yaml::to_yaml(&o.value),
            value: o.value,
            in_stream: true,
        })
        .collect()
}

fn kind_rank(kind: &str) -> usize {
    KIND_ORDER.iter().position(|k| *k == kind).unwrap_or(KIND_ORDER.len())
}

/// Every object of one deployable.
pub fn objects_of(plan: &Plan, d: &Deployable) -> Vec<Object> {
    let names = Names::new(plan, d);
    let mut out = Vec::new();
    out.extend(objects::access(plan, d, &names));
    out.extend(objects::config_map(plan, d, &names));
    let autoscaler = objects::autoscaler(plan, d);
    if d.processes().next().is_some() {
        out.extend(objects::service(plan, d, &names));
        out.push(pod::workload(plan, d, &names, &autoscaler));
        out.extend(objects::scaling(plan, d, &names, &autoscaler));
        out.extend(objects::pdb(plan, d, &names));
        out.extend(objects::exposure(plan, d, &names));
    }
    for cell in d.jobs() {
        out.push(pod::cron_job(plan, d, cell, &names));
    }
    out
}
