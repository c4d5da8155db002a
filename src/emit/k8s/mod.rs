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
    "PersistentVolumeClaim",
    "ObjectBucketClaim",
    "Database",
    "KafkaTopic",
    "KafkaUser",
    "Queue",
    "User",
    "Permission",
    "Grant",
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
    // (kind, name, api group, binding, the object): a platform API's kind (crossplane) is
    // any kind, so kinds are kept as written.
    let mut objects: Vec<(&str, &str, &str, &str, serde_json::Value)> = Vec::new();
    for b in plan.bindings.iter().filter(|b| !b.used_by.is_empty()) {
        for o in &b.objects {
            let mut labels = names.labels();
            labels.insert("x07.io/binding".to_string(), names::label_value(&b.name));
            labels.extend(o.labels.clone());
            let meta = pod::meta(&names, &o.name, labels);
            let value = serde_json::json!({ "apiVersion": o.api_version, "kind": o.kind, "metadata": to_value(&meta), "spec": o.spec });
            let group = o.api_version.rsplit_once('/').map_or("", |(g, _)| g);
            objects.push((o.kind.as_str(), o.name.as_str(), group, b.name.as_str(), value));
        }
    }
    objects.sort_by(|a, b| (kind_rank(a.0), a.0, a.1, a.2, a.3).cmp(&(kind_rank(b.0), b.0, b.1, b.2, b.3)));
    objects.dedup_by(|a, b| (a.0, a.1, a.2) == (b.0, b.1, b.2));
    objects
        .into_iter()
        .map(|(kind, name, group, _, value)| Artifact {
            path: binding_object_path(kind, group, name),
            deployable: String::new(),
            kind: kind.to_string(),
            name: name.to_string(),
            content: super::yaml::to_yaml(&value),
            value,
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

/// Where `render --out DIR` writes a binding resource of `kind` in API group (or
/// apiVersion) `group`.
pub fn binding_object_path(kind: &str, group: &str, name: &str) -> String {
    let group = group.split_once('/').map_or(group, |(g, _)| g);
    let group = if group.contains('.') || group.is_empty() { group } else { "" }; // `v1`: the core group
    format!("{BINDINGS_FOLDER}/{}-{name}.yaml", qualified_kind(kind, group).to_ascii_lowercase())
}

/// A binding object's kind in its file name: kinds two operators share (a mariadb-operator
/// and a CloudNativePG `Database`, a RabbitMQ and a MariaDB `User`) carry their group's
/// first label.
fn qualified_kind(kind: &str, group: &str) -> String {
    match (kind, group.split('.').next().unwrap_or("")) {
        ("Database", "postgresql") | (_, "") => kind.to_string(),
        ("Database" | "User" | "Grant", "k8s") => format!("{kind}.mariadb"),
        ("User" | "Permission" | "Queue", "rabbitmq") => kind.to_string(),
        (_, _) if KIND_ORDER.contains(&kind) => kind.to_string(),
        (_, first) => format!("{kind}.{first}"),
    }
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
