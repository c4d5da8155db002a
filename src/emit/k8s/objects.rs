//! The objects around a deployable's pods: access for leases, binding config, Service,
//! autoscaler (KEDA's in `keda.rs`), disruption budget, and exposure.

use super::names::Names;
use super::pod::{config_map_key, int_or_percent, meta};
use super::{to_value, Object};
use crate::manifest::IngressKind;
use crate::plan::{Autoscale, Deployable, MetricKind, Plan, Scaling};
use k8s_openapi::api::autoscaling::v2::{
    ContainerResourceMetricSource, CrossVersionObjectReference, HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec, MetricSpec, MetricTarget,
    ResourceMetricSource,
};
use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::api::core::v1::{ConfigMap, Service, ServicePort, ServiceSpec, ServiceAccount};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule, IngressServiceBackend, IngressSpec, IngressTLS,
    ServiceBackendPort,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::json;
use std::collections::BTreeMap;

/// Which autoscaler owns the Deployment's replica count (never two).
pub enum Autoscaler {
    None,
    Hpa(Autoscale),
    Keda(Autoscale),
}

pub fn autoscaler(plan: &Plan, d: &Deployable) -> Autoscaler {
    let Scaling::Autoscaled(a) = &d.scaling else { return Autoscaler::None };
    if d.keda_scaled(&plan.target) {
        Autoscaler::Keda(a.clone())
    } else if a.smallest(MetricKind::Cpu).is_some() {
        Autoscaler::Hpa(a.clone())
    } else {
        Autoscaler::None
    }
}

/// The deployable's own ServiceAccount (SPEC §4.2: every deployable its identity; its token
/// mounted only where leases need it), and for leader election or work leases the Role,
/// RoleBinding and Leases.
pub fn access(plan: &Plan, d: &Deployable, names: &Names) -> Vec<Object> {
    if !d.runs_anything() {
        return Vec::new();
    }
    let _ = plan;
    let leases = holds_leases(d);
    let mut sa_meta = meta(names, &names.base, names.labels());
    if !d.identity.service_account_annotations.is_empty() {
        sa_meta.annotations = Some(d.identity.service_account_annotations.clone());
    }
    let sa = ServiceAccount { metadata: sa_meta, automount_service_account_token: Some(leases), ..Default::default() };
    let sa = Object { kind: "ServiceAccount", name: names.base.clone(), value: to_value(&sa) };
    if !leases {
        return vec![sa];
    }
    let role_name = names.with("leases");
    let role = Role {
        metadata: meta(names, &role_name, names.labels()),
        rules: Some(vec![PolicyRule {
            api_groups: Some(vec!["coordination.k8s.io".to_string()]),
            resources: Some(vec!["leases".to_string()]),
            resource_names: Some(d.lease_names().cloned().collect()),
            // The Leases are emitted here, so the pods never need to create them.
            verbs: vec!["get".to_string(), "list".to_string(), "watch".to_string(), "update".to_string(), "patch".to_string()],
            ..Default::default()
        }]),
    };
    let binding = RoleBinding {
        metadata: meta(names, &role_name, names.labels()),
        role_ref: RoleRef { api_group: "rbac.authorization.k8s.io".to_string(), kind: "Role".to_string(), name: role_name.clone() },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".to_string(),
            name: names.base.clone(),
            // Without one, a RoleBinding's ServiceAccount subject is in the binding's namespace.
            namespace: names.namespace.clone(),
            ..Default::default()
        }]),
    };
    let mut out = vec![
        sa,
        Object { kind: "Role", name: role_name.clone(), value: to_value(&role) },
        Object { kind: "RoleBinding", name: role_name, value: to_value(&binding) },
    ];
    for lease in d.lease_names() {
        let l = Lease { metadata: meta(names, lease, names.labels()), spec: Some(LeaseSpec::default()) };
        out.push(Object { kind: "Lease", name: lease.clone(), value: to_value(&l) });
    }
    out
}

/// Whether the deployable's long-running pods take part in leases (and so talk to the API server).
pub fn holds_leases(d: &Deployable) -> bool {
    !d.coordination.is_empty() && d.processes().next().is_some()
}

/// The non-secret binding settings of the deployable's cells, as one ConfigMap.
pub fn config_map(plan: &Plan, d: &Deployable, names: &Names) -> Option<Object> {
    let mut data = BTreeMap::new();
    for c in d.cells.iter().filter(|c| c.role != crate::plan::CellRole::Embedded) {
        for b in c.binding_refs.iter().filter_map(|r| plan.binding(r)) {
            for o in &b.outputs {
                if let crate::plan::Source::Config { value } = &o.source {
                    data.insert(config_map_key(&b.name, &o.name), value.clone());
                }
            }
        }
    }
    if data.is_empty() {
        return None;
    }
    let name = names.with("bindings");
    let cm = ConfigMap { metadata: meta(names, &name, names.labels()), data: Some(data), ..Default::default() };
    Some(Object { kind: "ConfigMap", name, value: to_value(&cm) })
}

/// A ClusterIP Service for the http and mcp cells.
pub fn service(_plan: &Plan, d: &Deployable, names: &Names) -> Option<Object> {
    let ports: Vec<ServicePort> = d
        .processes()
        .filter_map(|c| {
            let port = c.port?;
            let name = format!("{}-{port}", if c.ingress == IngressKind::Mcp { "mcp" } else { "http" });
            Some(ServicePort { name: Some(name.clone()), port: port.into(), target_port: Some(IntOrString::String(name)), protocol: Some("TCP".to_string()), ..Default::default() })
        })
        .collect();
    if ports.is_empty() {
        return None;
    }
    let svc = Service {
        metadata: meta(names, &names.base, names.labels()),
        spec: Some(ServiceSpec { type_: Some("ClusterIP".to_string()), selector: Some(names.selector()), ports: Some(ports), ..Default::default() }),
        ..Default::default()
    };
    Some(Object { kind: "Service", name: names.base.clone(), value: to_value(&svc) })
}

/// The autoscaler's objects: an HPA, or a KEDA ScaledObject with the TriggerAuthentications
/// its triggers name.
pub fn scaling(plan: &Plan, d: &Deployable, names: &Names, autoscaler: &Autoscaler) -> Vec<Object> {
    match autoscaler {
        Autoscaler::None => Vec::new(),
        Autoscaler::Hpa(a) => {
            let hpa = HorizontalPodAutoscaler {
                metadata: meta(names, &names.base, names.labels()),
                spec: Some(HorizontalPodAutoscalerSpec {
                    scale_target_ref: {
                        let (api_version, kind) = super::pod::workload_kind(plan, d);
                        CrossVersionObjectReference { api_version: Some(api_version.to_string()), kind: kind.to_string(), name: names.base.clone() }
                    },
                    min_replicas: Some(a.min_replicas as i32),
                    max_replicas: a.max_replicas as i32,
                    metrics: Some(hpa_metrics(d, a)),
                    ..Default::default()
                }),
                ..Default::default()
            };
            vec![Object { kind: "HorizontalPodAutoscaler", name: names.base.clone(), value: to_value(&hpa) }]
        }
        Autoscaler::Keda(a) => super::keda::objects(plan, d, names, a),
    }
}

/// One cpu metric per cell that asks for one, measuring that cell's own container
/// (`ContainerResource`); a pod-wide target (a profile group's) is a `Resource` metric.
/// The HPA acts on the largest recommendation of them.
fn hpa_metrics(d: &Deployable, a: &Autoscale) -> Vec<MetricSpec> {
    let target = |t: u32| MetricTarget { type_: "Utilization".to_string(), average_utilization: Some(t as i32), ..Default::default() };
    a.metrics_of(MetricKind::Cpu)
        .filter_map(|m| match &m.cell {
            None => Some(MetricSpec {
                type_: "Resource".to_string(),
                resource: Some(ResourceMetricSource { name: "cpu".to_string(), target: target(m.target) }),
                ..Default::default()
            }),
            Some(cell) => {
                let c = d.processes().find(|c| &c.key == cell)?;
                Some(MetricSpec {
                    type_: "ContainerResource".to_string(),
                    container_resource: Some(ContainerResourceMetricSource {
                        container: super::names::container(c),
                        name: "cpu".to_string(),
                        target: target(m.target),
                    }),
                    ..Default::default()
                })
            }
        })
        .collect()
}

/// A PodDisruptionBudget when at least two replicas always run.
pub fn pdb(_plan: &Plan, d: &Deployable, names: &Names) -> Option<Object> {
    if d.min_replicas() < 2 {
        return None;
    }
    let max_unavailable = d.rollout.as_ref().and_then(|r| r.max_unavailable.as_deref()).and_then(int_or_percent).filter(|v| *v != IntOrString::Int(0)).unwrap_or(IntOrString::Int(1));
    let pdb = PodDisruptionBudget {
        metadata: meta(names, &names.base, names.labels()),
        spec: Some(PodDisruptionBudgetSpec {
            max_unavailable: Some(max_unavailable),
            selector: Some(LabelSelector { match_labels: Some(names.selector()), ..Default::default() }),
            ..Default::default()
        }),
        ..Default::default()
    };
    Some(Object { kind: "PodDisruptionBudget", name: names.base.clone(), value: to_value(&pdb) })
}

/// Ingress or Gateway API HTTPRoute for the http cells, when the target configures one.
pub fn exposure(plan: &Plan, d: &Deployable, names: &Names) -> Vec<Object> {
    let Some(k8s) = &plan.target.k8s else { return Vec::new() };
    let http: Vec<(String, u16)> = d.processes().filter(|c| c.ingress == IngressKind::Http).filter_map(|c| Some((c.key.clone(), c.port?))).collect();
    if http.is_empty() {
        return Vec::new();
    }
    // One http cell serves the deployable's root; several are told apart by their cell key.
    let path = |cell: &str| if http.len() == 1 { "/".to_string() } else { format!("/{}", crate::checks::names::sanitize_dns1123(cell)) };
    let mut out = Vec::new();
    if let Some(ing) = &k8s.ingress {
        let paths = http
            .iter()
            .map(|(cell, port)| HTTPIngressPath {
                path: Some(path(cell)),
                path_type: "Prefix".to_string(),
                backend: IngressBackend {
                    service: Some(IngressServiceBackend { name: names.base.clone(), port: Some(ServiceBackendPort { name: Some(format!("http-{port}")), number: None }) }),
                    ..Default::default()
                },
            })
            .collect();
        let ingress = Ingress {
            metadata: meta(names, &names.base, names.labels()),
            spec: Some(IngressSpec {
                ingress_class_name: Some(ing.class_name.clone()),
                rules: Some(vec![IngressRule { host: Some(ing.host.clone()), http: Some(HTTPIngressRuleValue { paths }) }]),
                tls: ing.tls_secret.as_ref().map(|s| vec![IngressTLS { hosts: Some(vec![ing.host.clone()]), secret_name: Some(s.clone()) }]),
                ..Default::default()
            }),
            ..Default::default()
        };
        out.push(Object { kind: "Ingress", name: names.base.clone(), value: to_value(&ingress) });
    }
    if let Some(gw) = &k8s.gateway {
        let rules: Vec<_> = http
            .iter()
            .map(|(cell, port)| {
                json!({
                    "matches": [{ "path": { "type": "PathPrefix", "value": path(cell) } }],
                    "backendRefs": [{ "name": names.base, "port": port }],
                })
            })
            .collect();
        let mut parent = json!({ "name": gw.name });
        if let Some(ns) = &gw.namespace {
            parent["namespace"] = json!(ns);
        }
        let mut spec = json!({ "parentRefs": [parent], "rules": rules });
        if !gw.hostnames.is_empty() {
            spec["hostnames"] = json!(gw.hostnames);
        }
        let value = json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": names.metadata_json(&names.base),
            "spec": spec,
        });
        out.push(Object { kind: "HTTPRoute", name: names.base.clone(), value });
    }
    out
}
