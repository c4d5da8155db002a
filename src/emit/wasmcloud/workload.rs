//! wasmCloud 2.x: one `runtime.wasmcloud.dev/v1alpha1` WorkloadDeployment per deployable.
//! Hosts provide the interfaces themselves (`hostInterfaces`, configured per workload);
//! secret material comes from Kubernetes Secrets by name (`secretFrom`), never inline.

use super::model::{App, Link};
use crate::checks::names::object_name;
use crate::plan::Plan;
use crate::target::{LinkDirection, WasmcloudSettings};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

pub const API_VERSION: &str = "runtime.wasmcloud.dev/v1alpha1";
/// hostInterfaces names: `^[a-z0-9][a-z0-9-]*$`, at most 64 characters.
const MAX_INTERFACE_NAME: usize = 64;

pub fn workload_deployment(plan: &Plan, settings: &WasmcloudSettings, app: &App<'_>) -> Value {
    let image = app.deployable.image.as_deref().unwrap_or_default();
    let components: Vec<Value> = app
        .components
        .iter()
        .map(|c| {
            let mut environment = Map::new();
            environment.insert("config".to_string(), json!(c.config));
            let secrets: BTreeSet<&str> = c.secrets.iter().map(|s| s.key.as_str()).collect();
            if !secrets.is_empty() {
                environment.insert("secretFrom".to_string(), refs(secrets));
            }
            let mut local = Map::new();
            if !c.host_config.is_empty() {
                // Read by host plugins before their interface entry's (event subscriptions).
                local.insert("config".to_string(), json!(c.host_config));
            }
            local.insert("environment".to_string(), Value::Object(environment));
            json!({ "name": c.name, "image": image, "localResources": local })
        })
        .collect();
    let mut spec = Map::new();
    if let Some(group) = &settings.host_group {
        spec.insert("hostSelector".to_string(), json!({ "hostgroup": group }));
    }
    spec.insert("components".to_string(), Value::Array(components));
    let interfaces = host_interfaces(settings, app);
    if !interfaces.is_empty() {
        spec.insert("hostInterfaces".to_string(), Value::Array(interfaces));
    }
    let labels = super::labels(plan, app);
    let spec = json!({ "replicas": app.instances, "template": { "labels": labels, "spec": spec } });
    let mut value = json!({
        "apiVersion": API_VERSION,
        "kind": "WorkloadDeployment",
        "metadata": {
            "name": app.name,
            "labels": labels,
            "annotations": { "x07.io/version": super::wadm::version(image, &spec), "x07.io/description": plan.display_name },
        },
        "spec": spec,
    });
    // A WorkloadDeployment is a namespaced Kubernetes object like any other (SPEC §4).
    if let Some(ns) = &plan.namespace {
        value["metadata"]["namespace"] = json!(ns);
    }
    value
}

/// One entry per distinct interface the workload's components use: bindings are named after
/// the binding, http only when several cells serve it. Event handlers share one unnamed
/// entry per package: the host's messaging plugin serves no named instances, and it reads
/// each component's subscriptions from the component's own config (`host_config`).
fn host_interfaces(settings: &WasmcloudSettings, app: &App<'_>) -> Vec<Value> {
    let mut out: BTreeMap<(String, String, String), Value> = BTreeMap::new();
    for c in &app.components {
        for l in c.links() {
            let name = match (&l.binding, l.tag.as_str()) {
                (_, "event") => None,
                (Some(_), _) => Some(object_name(&[&l.tag], MAX_INTERFACE_NAME)),
                (None, _) => l
                    .name
                    .as_ref()
                    .map(|n| object_name(&[n], MAX_INTERFACE_NAME)),
            };
            let mut config = l.config.clone();
            if l.direction == LinkDirection::Export && l.package == "http" {
                // v2 hosts route http by host name, not by listen address.
                config.retain(|k, _| k != "address" && k != "ADDRESS");
                let host = match &name {
                    Some(n) => format!("{n}.{}.{}", app.name, settings.http_domain),
                    None => format!("{}.{}", app.name, settings.http_domain),
                };
                config.insert("host".to_string(), host);
            }
            let key = (
                l.namespace.clone(),
                l.package.clone(),
                name.clone().unwrap_or_default(),
            );
            out.entry(key).or_insert_with(|| interface(l, name, config));
        }
    }
    out.into_values().collect()
}

fn interface(l: &Link, name: Option<String>, config: BTreeMap<String, String>) -> Value {
    let mut v = Map::new();
    if let Some(n) = name {
        v.insert("name".to_string(), json!(n));
    }
    v.insert("namespace".to_string(), json!(l.namespace));
    v.insert("package".to_string(), json!(l.package));
    v.insert("interfaces".to_string(), json!(l.interfaces));
    if !config.is_empty() {
        v.insert("config".to_string(), json!(config));
    }
    let secrets: BTreeSet<&str> = l.secrets.iter().map(|s| s.key.as_str()).collect();
    if !secrets.is_empty() {
        v.insert("secretFrom".to_string(), refs(secrets));
    }
    Value::Object(v)
}

fn refs(names: BTreeSet<&str>) -> Value {
    Value::Array(names.into_iter().map(|n| json!({ "name": n })).collect())
}
