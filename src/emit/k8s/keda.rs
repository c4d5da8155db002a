//! KEDA (SPEC §4 "Autoscaling"): a `keda.sh/v1alpha1 ScaledObject` with a kafka or rabbitmq
//! trigger per event cell (plus cpu), and a `TriggerAuthentication` per binding whose provider
//! says how a scaler authenticates (`ScalerAuth`), named by that binding's triggers.

use super::names::{container, label_value, Names};
use super::Object;
use crate::checks::names::sanitize_dns1123;
use crate::manifest::BindingKind;
use crate::plan::{Autoscale, Deployable, MetricKind, Plan, PlannedBinding, PlannedCell, Source};
use serde_json::json;
use std::collections::BTreeMap;

/// The ScaledObject, then the TriggerAuthentications its triggers name.
pub fn objects(plan: &Plan, d: &Deployable, names: &Names, a: &Autoscale) -> Vec<Object> {
    let auths = trigger_authentications(plan, d, names);
    let mut out = vec![scaled_object(plan, d, names, a, &auths)];
    out.extend(auths.into_values());
    out
}

/// A KEDA ScaledObject with one trigger per event cell (kafka or rabbitmq), plus cpu.
fn scaled_object(plan: &Plan, d: &Deployable, names: &Names, a: &Autoscale, auths: &BTreeMap<String, Object>) -> Object {
    let mut triggers = Vec::new();
    let mut source_container = None;
    let no_inflight = a.smallest(MetricKind::Inflight).is_none();
    for c in d.processes() {
        let Some(e) = &c.event else { continue };
        let Some(b) = plan.binding(&e.binding_ref) else { continue };
        // Each event cell's own target (or the pod's); a cell without one gets no trigger,
        // unless no cell has one (scale to zero on lag alone): then one message per replica.
        let Some(threshold) = a.inflight_for(&c.key).or(no_inflight.then_some(1)) else { continue };
        source_container.get_or_insert_with(|| container(c));
        let threshold = threshold.to_string();
        // Connection details come from the container's own binding variables (KEDA's
        // `*FromEnv`), so no secret is copied into the ScaledObject.
        let trigger = match e.binding_kind {
            BindingKind::Amqp => json!({
                "type": "rabbitmq",
                "metadata": {
                    "hostFromEnv": format!("{}URL", b.env_prefix),
                    "mode": "QueueLength",
                    "queueName": e.topic,
                    "value": threshold,
                }
            }),
            _ => {
                let mut metadata = json!({
                    "consumerGroup": e.consumer_group,
                    "topic": e.topic,
                    "lagThreshold": threshold,
                });
                match b.outputs.iter().find(|o| o.name == "BOOTSTRAP_SERVERS").map(|o| &o.source) {
                    Some(Source::Config { value }) => metadata["bootstrapServers"] = json!(value),
                    _ => metadata["bootstrapServersFromEnv"] = json!(format!("{}BOOTSTRAP_SERVERS", b.env_prefix)),
                }
                let mut trigger = json!({ "type": "kafka" });
                if let (Some(auth), Some(ta)) = (&b.scaler_auth, auths.get(&b.name)) {
                    // `sasl` and `tls` go in the trigger only: KEDA refuses them in both places.
                    for (param, value) in &auth.metadata {
                        metadata[*param] = json!(value);
                    }
                    trigger["authenticationRef"] = json!({ "name": ta.name });
                }
                trigger["metadata"] = metadata;
                trigger
            }
        };
        triggers.push(trigger);
    }
    // KEDA's cpu scaler: `containerName` measures one cell's container, as the HPA's
    // ContainerResource metric does; without it the pod's.
    for m in a.metrics_of(MetricKind::Cpu) {
        let mut metadata = json!({ "value": m.target.to_string() });
        if let Some(c) = m.cell.as_deref().and_then(|k| d.processes().find(|c| c.key == k)) {
            metadata["containerName"] = json!(container(c));
        }
        triggers.push(json!({ "type": "cpu", "metricType": "Utilization", "metadata": metadata }));
    }
    let (api_version, kind) = super::pod::workload_kind(plan, d);
    let mut target = json!({ "apiVersion": api_version, "kind": kind, "name": names.base });
    if d.processes().count() > 1 {
        if let Some(c) = source_container {
            target["envSourceContainerName"] = json!(c);
        }
    }
    let value = json!({
        "apiVersion": "keda.sh/v1alpha1",
        "kind": "ScaledObject",
        "metadata": names.metadata_json(&names.base),
        "spec": {
            "scaleTargetRef": target,
            "minReplicaCount": a.min_replicas,
            "maxReplicaCount": a.max_replicas,
            "triggers": triggers,
        }
    });
    Object { kind: "ScaledObject", name: names.base.clone(), value }
}

/// Binding name → the TriggerAuthentication `<service>-<deployable>-<binding>` of each kafka
/// binding an event cell of the deployable consumes through and whose provider says how a
/// scaler authenticates. One per deployable, not per binding: `env` parameters are read from
/// a container of the ScaledObject's own target (the first cell consuming through it).
fn trigger_authentications(plan: &Plan, d: &Deployable, names: &Names) -> BTreeMap<String, Object> {
    let mut out = BTreeMap::new();
    for c in d.processes() {
        let Some(e) = c.event.as_ref().filter(|e| e.binding_kind == BindingKind::Kafka) else { continue };
        let Some(b) = plan.binding(&e.binding_ref).filter(|b| b.scaler_auth.is_some()) else { continue };
        if !out.contains_key(&b.name) {
            out.insert(b.name.clone(), trigger_authentication(b, c, names));
        }
    }
    out
}

/// The name of the TriggerAuthentication deployable `d` gets for `binding`, if it gets one
/// (the deployable's autoscaler is KEDA's).
pub fn trigger_authentication_name(plan: &Plan, d: &Deployable, binding: &str) -> Option<String> {
    let names = Names::new(plan, d);
    trigger_authentications(plan, d, &names).remove(binding).map(|o| o.name)
}

fn trigger_authentication(b: &PlannedBinding, consumer: &PlannedCell, names: &Names) -> Object {
    let auth = b.scaler_auth.as_ref().expect("only bindings with scaler_auth get one (filtered above)");
    let name = names.with(&sanitize_dns1123(&b.name));
    let mut spec = serde_json::Map::new();
    let secrets: Vec<_> = auth.secrets.iter().map(|s| json!({ "parameter": s.parameter, "name": s.secret, "key": s.key })).collect();
    if !secrets.is_empty() {
        spec.insert("secretTargetRef".to_string(), json!(secrets));
    }
    let env: Vec<_> = auth
        .outputs
        .iter()
        .filter_map(|(param, output)| {
            let o = b.outputs.iter().find(|o| o.name == *output)?;
            Some(json!({ "parameter": param, "name": o.variable, "containerName": container(consumer) }))
        })
        .collect();
    if !env.is_empty() {
        spec.insert("env".to_string(), json!(env));
    }
    let mut metadata = names.metadata_json(&name);
    metadata["labels"]["x07.io/binding"] = json!(label_value(&b.name));
    let value = json!({ "apiVersion": "keda.sh/v1alpha1", "kind": "TriggerAuthentication", "metadata": metadata, "spec": spec });
    Object { kind: "TriggerAuthentication", name, value }
}
