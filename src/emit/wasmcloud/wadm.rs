//! wasmCloud 1.x: one wadm `core.oam.dev/v1beta1` Application per deployable.

use super::model::{App, Component, Link, SecretRef};
use crate::plan::Plan;
use crate::target::{LinkDirection, WasmcloudSettings};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub const API_VERSION: &str = "core.oam.dev/v1beta1";
pub const SECRET_POLICY_TYPE: &str = "policy.secret.wasmcloud.dev/v1alpha1";
/// The application's secret policy (one per application).
pub const SECRET_POLICY: &str = "x07-secrets";
/// Capability providers run one instance per host; one instance serves every link.
const PROVIDER_INSTANCES: u32 = 1;

pub fn application(plan: &Plan, settings: &WasmcloudSettings, app: &App<'_>) -> Value {
    let mut components: Vec<Value> = app.components.iter().map(|c| component(app, c)).collect();
    for (provider, image) in app.providers() {
        components.push(capability(app, provider, image));
    }
    let mut spec = Map::new();
    if app.uses_secrets() {
        spec.insert(
            "policies".to_string(),
            json!([{ "name": SECRET_POLICY, "type": SECRET_POLICY_TYPE, "properties": { "backend": settings.secrets_backend } }]),
        );
    }
    spec.insert("components".to_string(), Value::Array(components));
    let spec = Value::Object(spec);
    let image = app.deployable.image.as_deref().unwrap_or_default();
    json!({
        "apiVersion": API_VERSION,
        "kind": "Application",
        "metadata": {
            "name": app.name,
            "annotations": {
                "version": version(image, &spec),
                "description": plan.display_name,
                "x07.io/lattice": settings.lattice,
            },
            "labels": super::labels(plan, app),
        },
        "spec": spec,
    })
}

/// `v<12 hex>`: the SHA-256 of the image reference and the spec, so a new image or any
/// change of the application gives a new version, and nothing else does.
pub fn version(image: &str, spec: &Value) -> String {
    let mut h = Sha256::new();
    h.update(image.as_bytes());
    h.update([0]);
    h.update(serde_json::to_string(spec).unwrap_or_default().as_bytes());
    let hex: String = h
        .finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("v{hex}")
}

fn component(app: &App<'_>, c: &Component) -> Value {
    let mut properties = Map::new();
    properties.insert(
        "image".to_string(),
        json!(app.deployable.image.as_deref().unwrap_or_default()),
    );
    properties.insert(
        "config".to_string(),
        json!([{ "name": app.config_name(&c.name, "x07"), "properties": c.config }]),
    );
    if !c.secrets.is_empty() {
        properties.insert("secrets".to_string(), secrets(&c.secrets));
    }
    let mut traits =
        vec![json!({ "type": "spreadscaler", "properties": { "instances": app.instances } })];
    for l in c.links().filter(|l| l.direction == LinkDirection::Import) {
        traits.push(link(app, l, &c.name, &l.provider, Side::Target));
    }
    json!({ "name": c.name, "type": "component", "properties": properties, "traits": traits })
}

fn capability(app: &App<'_>, provider: &str, image: &str) -> Value {
    let mut traits =
        vec![json!({ "type": "spreadscaler", "properties": { "instances": PROVIDER_INSTANCES } })];
    for c in &app.components {
        for l in c
            .links()
            .filter(|l| l.direction == LinkDirection::Export && l.provider == provider)
        {
            traits.push(link(app, l, &c.name, &c.name, Side::Source));
        }
    }
    json!({ "name": provider, "type": "capability", "properties": { "image": image }, "traits": traits })
}

/// Which end of the link is the provider, whose side gets the named config and secrets.
enum Side {
    Source,
    Target,
}

fn link(app: &App<'_>, l: &Link, component: &str, target: &str, provider_side: Side) -> Value {
    let mut config_def = Map::new();
    if !l.config.is_empty() {
        config_def.insert(
            "config".to_string(),
            json!([{ "name": app.config_name(component, &l.tag), "properties": l.config }]),
        );
    }
    if !l.secrets.is_empty() {
        config_def.insert("secrets".to_string(), secrets(&l.secrets));
    }
    let mut target_value = Map::new();
    target_value.insert("name".to_string(), json!(target));
    let mut props = Map::new();
    if let Some(name) = &l.name {
        props.insert("name".to_string(), json!(name));
    }
    props.insert("namespace".to_string(), json!(l.namespace));
    props.insert("package".to_string(), json!(l.package));
    props.insert("interfaces".to_string(), json!(l.interfaces));
    match provider_side {
        Side::Target => target_value.extend(config_def),
        Side::Source if !config_def.is_empty() => {
            props.insert("source".to_string(), Value::Object(config_def));
        }
        Side::Source => {}
    }
    props.insert("target".to_string(), Value::Object(target_value));
    json!({ "type": "link", "properties": props })
}

fn secrets(refs: &[SecretRef]) -> Value {
    let items: Vec<Value> = refs
        .iter()
        .map(|s| {
            let mut p: BTreeMap<&str, &str> =
                BTreeMap::from([("policy", SECRET_POLICY), ("key", s.key.as_str())]);
            if let Some(f) = &s.field {
                p.insert("field", f);
            }
            json!({ "name": s.name, "properties": p })
        })
        .collect();
    Value::Array(items)
}
