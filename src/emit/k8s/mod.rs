//! Kubernetes emitter (SPEC §4): Plan → Kubernetes objects, in install order.

mod keda;
mod names;
mod network;
mod objects;
mod pod;

pub use names::Names;
pub use pod::config_map_key;

/// The folder of the service's binding resources under `--out DIR`: not a DNS-1123 label, so
/// no deployable's folder can be called the same.
pub const BINDINGS_FOLDER: &str = "_bindings";

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
    "ExternalSecret",
    "Database",
    "KafkaTopic",
    "KafkaUser",
    "ServiceAccount",
    "NetworkPolicy",
    "Role",
    "RoleBinding",
    "ConfigMap",
    "Lease",
    "Service",
    "Deployment",
    "Rollout",
    "CronJob",
    "HorizontalPodAutoscaler",
    "TriggerAuthentication",
    "ScaledObject",
    "PodDisruptionBudget",
    "Ingress",
    "HTTPRoute",
];

pub fn to_value<T: Serialize>(object: &T) -> serde_json::Value {
    serde_json::to_value(object).expect("Kubernetes objects serialise")
}

/// The artifacts of one deployable, in install order, without their text (the caller
/// writes it when it needs it: `PerDeployable::artifacts`).
pub fn artifacts(plan: &Plan, d: &Deployable) -> Vec<Artifact> {
    let mut objects = objects_of(plan, d);
    objects.sort_by(|a, b| (kind_rank(a.kind), &a.name).cmp(&(kind_rank(b.kind), &b.name)));
    objects
        .into_iter()
        .map(|o| Artifact {
            path: object_path(d, o.kind, &o.name),
            deployable: d.key.clone(),
            kind: o.kind.to_string(),
            name: o.name.clone(),
            content: String::new(),
            value: o.value,
            in_stream: true,
        })
        .collect()
}

/// The resources binding providers need (ExternalSecret, Database, KafkaTopic, KafkaUser),
/// first in the stream: the Secrets they produce must exist before the pods start. An object
/// two bindings declare (one topic consumed through two strimzi bindings) is emitted once,
/// labelled with the binding first by name; lowering made sure they declare it alike (XT320).
pub fn binding_artifacts(plan: &Plan) -> Vec<Artifact> {
    let names = Names::service(plan);
    let mut objects: Vec<(Object, &str)> = Vec::new();
    for b in plan.bindings.iter().filter(|b| !b.used_by.is_empty()) {
        for o in &b.objects {
            let mut labels = names.labels();
            labels.insert("x07.io/binding".to_string(), names::label_value(&b.name));
            labels.extend(o.labels.clone());
            let meta = pod::meta(&names, &o.name, labels);
            let value = serde_json::json!({ "apiVersion": o.api_version, "kind": o.kind, "metadata": to_value(&meta), "spec": o.spec });
            objects.push((Object { kind: kind_static(&o.kind), name: o.name.clone(), value }, b.name.as_str()));
        }
    }
    objects.sort_by(|(a, x), (b, y)| (kind_rank(a.kind), &a.name, x).cmp(&(kind_rank(b.kind), &b.name, y)));
    objects.dedup_by(|(a, _), (b, _)| a.kind == b.kind && a.name == b.name);
    objects
        .into_iter()
        .map(|(o, _)| Artifact {
            path: binding_object_path(o.kind, &o.name),
            deployable: String::new(),
            kind: o.kind.to_string(),
            name: o.name.clone(),
            content: super::yaml::to_yaml(&o.value),
            value: o.value,
            in_stream: true,
        })
        .collect()
}

/// Where `render --out DIR` writes an object of a deployable.
pub fn object_path(d: &Deployable, kind: &str, name: &str) -> String {
    format!("{}/{}-{name}.yaml", crate::emit::deployable_folder(&d.key), kind.to_ascii_lowercase())
}

/// The TriggerAuthentications made for binding `binding`: (deployable, name), for `explain`.
pub fn trigger_authentications_of<'a>(plan: &'a Plan, binding: &str) -> Vec<(&'a Deployable, String)> {
    plan.deployables
        .iter()
        .filter(|d| d.processes().next().is_some() && matches!(objects::autoscaler(plan, d), objects::Autoscaler::Keda(_)))
        .filter_map(|d| keda::trigger_authentication_name(plan, d, binding).map(|n| (d, n)))
        .collect()
}

/// Where `render --out DIR` writes a binding resource.
pub fn binding_object_path(kind: &str, name: &str) -> String {
    format!("{BINDINGS_FOLDER}/{}-{name}.yaml", kind.to_ascii_lowercase())
}

fn kind_static(kind: &str) -> &'static str {
    KIND_ORDER.iter().copied().find(|k| *k == kind).unwrap_or("Object")
}

fn kind_rank(kind: &str) -> usize {
    KIND_ORDER.iter().position(|k| *k == kind).unwrap_or(KIND_ORDER.len())
}

/// Every object of one deployable.
pub fn objects_of(plan: &Plan, d: &Deployable) -> Vec<Object> {
    let names = Names::new(plan, d);
    let mut out = Vec::new();
    out.extend(objects::access(plan, d, &names));
    out.extend(network::network_policy(plan, d, &names));
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
