//! The Plan made readable (SPEC §1 `plan`, §7): per deployable its cells, scaling, exposure,
//! image and the objects the target gets; per binding how it is materialised and which rule
//! resolved it. [`PlanView`] is what `plan --format json` reports; [`table`] and [`mermaid`]
//! draw it for people, and [`diff`] compares two of them. Pure functions of the Plan (and of
//! what the emitters make of it).

pub mod diff;
pub mod explain;
mod materialise;
pub mod mermaid;
pub mod network;
pub mod table;
mod text;

pub use materialise::Materialisation;

use crate::emit::{self, Artifact};
use crate::manifest::{CellKind, IngressKind, Placement, Probes, Rollout, RuntimeClass, ScaleClass, TargetKind};
use crate::plan::{Autoscale, CellRole, Coordination, Deployable, Plan, PlannedCell, PlannedEvent, PlannedSchedule, ResolvedBy, Scaling};
use crate::target::Resources;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    pub service_id: String,
    pub profile: String,
    pub target_kind: TargetKind,
    pub placement: Placement,
    pub target: String,
    pub environment: String,
    /// The Kubernetes namespace of every object (k8s targets only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Pods and requested cpu and memory at minimum and at maximum scale, for the whole
    /// service (the sum of its deployables').
    pub footprint: crate::plan::footprint::FootprintView,
    /// Sorted by key.
    pub deployables: Vec<DeployableView>,
    /// In manifest order.
    pub bindings: Vec<BindingView>,
    /// Files that belong to no deployable (descriptors, contract documents).
    pub service_objects: Vec<ObjectRef>,
    /// Why the objects could not be listed, when this version cannot render the target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objects_unavailable: Option<String>,
    /// Kubernetes with network policies: each deployable's allowed edges (SPEC §4.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<Vec<crate::network::Boundary>>,
    /// Cell key → (deployable, cell) positions, for [`PlanView::cell`].
    #[serde(skip)]
    cell_index: BTreeMap<String, (usize, usize)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeployableView {
    pub key: String,
    /// False for a deployable of only embedded-kernel cells: it emits nothing.
    pub runs: bool,
    /// Its pods and requested cpu and memory at minimum and at maximum scale.
    pub footprint: crate::plan::footprint::FootprintView,
    pub image: Option<String>,
    pub image_source: Option<String>,
    /// How its long-running cells scale; `None` when it has none (only jobs or kernels).
    pub scaling: Option<ScalingView>,
    pub rollout: Option<Rollout>,
    /// Leader election and work leases, one entry per kind.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub coordination: Vec<Coordination>,
    /// In manifest order.
    pub cells: Vec<CellView>,
    /// What the target gets for it, in install order.
    pub objects: Vec<ObjectRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScalingView {
    /// `fixed` or `autoscaled`.
    pub mode: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_replicas: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_replicas: Option<u32>,
    /// Who asked for the minimum: a cell key, a profile setting, leader election.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_from: Option<String>,
    /// Who asked for the maximum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_from: Option<String>,
    /// `cpu 70% of api` (a cell's container), `inflight 64 of events`, `cpu 70%` (the pod).
    pub metrics: Vec<String>,
    /// What does the scaling on the target (`HorizontalPodAutoscaler`, `ScaledObject`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scaler: Option<String>,
    /// Which rule decided it.
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CellView {
    pub key: String,
    pub kind: CellKind,
    pub ingress: IngressKind,
    pub runtime_class: RuntimeClass,
    pub scale_class: ScaleClass,
    pub role: CellRole,
    pub entry_symbol: String,
    pub topology_group: String,
    // The settings a cell may lack are boxed: a view of 30,000 cells holds two sides of
    // every cell in `diff`, and unboxed each absent one would still take its full size.
    pub exposure: Option<Box<Exposure>>,
    pub subscription: Option<Box<PlannedEvent>>,
    pub schedule: Option<Box<PlannedSchedule>>,
    pub probes: Option<Box<Probes>>,
    pub autoscaling: Option<Box<Autoscale>>,
    pub resources: Box<Resources>,
    pub env: crate::profile::Env,
    pub binding_refs: Vec<String>,
    /// What the target approximates or drops for this cell.
    pub parity: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exposure {
    /// `http` or `mcp`.
    pub protocol: String,
    pub port: u16,
    /// The Kubernetes Service in front of it: `<service_id>-<cell_key>`, whatever the placement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// `host/path` of the Ingress or HTTPRoute rules that reach it.
    pub routes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectRef {
    pub kind: String,
    pub name: String,
    /// Where `render --out DIR` writes it.
    pub path: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BindingView {
    pub name: String,
    pub kind: crate::manifest::BindingKind,
    pub required: bool,
    pub used_by: Vec<String>,
    pub resolved_by: ResolvedBy,
    pub materialisation: Materialisation,
}

impl PlanView {
    /// The view of a Plan, with the objects its target's emitter makes of it.
    pub fn of(plan: &Plan) -> PlanView {
        Self::build(plan, false).0
    }

    /// The view, and the transition facts of every Kubernetes object (SPEC §3.2), taken from
    /// the objects the view is made of, so `diff` emits each object once.
    pub fn with_facts(plan: &Plan) -> (PlanView, Vec<crate::transition::Facts>) {
        Self::build(plan, plan.target_kind == TargetKind::K8s)
    }

    fn build(plan: &Plan, want_facts: bool) -> (PlanView, Vec<crate::transition::Facts>) {
        let objects_unavailable = emit::diagnostics(plan).iter().find(|d| d.is_error()).map(|d| d.message.clone());
        // One deployable's artifacts at a time, so the view never holds the whole output.
        // Objects without their text: the view needs their kinds, names and a few fields.
        let emitter = emit::PerDeployable::new(plan);
        let mut config_maps: BTreeMap<&str, String> = BTreeMap::new();
        let views = crate::parallel::map_collect(&plan.deployables, |d| {
            let objects = emitter.objects(d);
            let config_map = objects.iter().find(|a| a.kind == "ConfigMap").map(|a| a.name.clone());
            let facts: Vec<crate::transition::Facts> = if want_facts { objects.iter().filter_map(|a| crate::transition::Facts::of(&a.value)).collect() } else { Vec::new() };
            (deployable(plan.target_kind, d, &objects), config_map, facts)
        });
        let service_artifacts = emit::service_artifacts(plan);
        let service_facts: Vec<crate::transition::Facts> = if want_facts { service_artifacts.iter().filter_map(|a| crate::transition::Facts::of(&a.value)).collect() } else { Vec::new() };
        // Sized once: at 30,000 cells a growing vector of two sides' facts is tens of MB.
        let mut facts = Vec::with_capacity(views.iter().map(|v| v.2.len()).sum::<usize>() + service_facts.len());
        let deployables: Vec<DeployableView> = plan
            .deployables
            .iter()
            .zip(views)
            .map(|(d, (view, config_map, own_facts))| {
                facts.extend(own_facts);
                if let Some(name) = config_map {
                    config_maps.insert(&d.key, name);
                }
                view
            })
            .collect();
        let bindings = plan.bindings.iter().map(|b| BindingView {
            name: b.name.clone(),
            kind: b.kind,
            required: b.required,
            used_by: b.used_by.clone(),
            resolved_by: b.resolved_by.clone(),
            materialisation: materialise::of(plan, b, &config_maps),
        });
        facts.extend(service_facts);
        let mut cell_index = BTreeMap::new();
        for (i, d) in deployables.iter().enumerate() {
            for (j, c) in d.cells.iter().enumerate() {
                cell_index.entry(c.key.clone()).or_insert((i, j));
            }
        }
        let view = PlanView {
            service_id: plan.service_id.clone(),
            profile: plan.profile.clone(),
            target_kind: plan.target_kind,
            placement: plan.placement,
            target: plan.target_name.clone(),
            environment: plan.environment.clone(),
            namespace: plan.namespace.clone().filter(|_| writes_kubernetes_objects(plan)),
            footprint: crate::plan::footprint::of_plan(plan).view(),
            deployables,
            bindings: bindings.collect(),
            service_objects: service_artifacts.iter().map(object_ref).collect(),
            objects_unavailable,
            network: crate::network::policies_enabled(plan).then(|| network::report(plan).deployables),
            cell_index,
        };
        (view, facts)
    }

    /// The deployable a cell runs in, and the cell.
    pub fn cell(&self, key: &str) -> Option<(&DeployableView, &CellView)> {
        let &(i, j) = self.cell_index.get(key)?;
        Some((&self.deployables[i], &self.deployables[i].cells[j]))
    }
}

fn object_ref(a: &Artifact) -> ObjectRef {
    ObjectRef { kind: a.kind.clone(), name: a.name.clone(), path: a.path.clone() }
}

/// The view of deployable `d`, whose artifacts are `artifacts`.
fn deployable(target_kind: TargetKind, d: &Deployable, artifacts: &[Artifact]) -> DeployableView {
    let own: Vec<&Artifact> = artifacts.iter().collect();
    let objects: Vec<ObjectRef> = own.iter().map(|a| object_ref(a)).collect();
    DeployableView {
        key: d.key.clone(),
        runs: d.runs_anything(),
        footprint: crate::plan::footprint::of_deployable(d).view(),
        image: d.image.clone(),
        image_source: d.image_source.clone(),
        scaling: d.processes().next().map(|_| scaling(target_kind, &d.scaling, &objects)),
        rollout: d.processes().next().and(d.rollout.clone()),
        coordination: d.coordination.clone(),
        cells: d.cells.iter().map(|c| cell(c, &own)).collect(),
        objects,
    }
}

fn scaling(target_kind: TargetKind, s: &Scaling, objects: &[ObjectRef]) -> ScalingView {
    match s {
        Scaling::Fixed { replicas, source } => ScalingView {
            mode: "fixed",
            replicas: Some(*replicas),
            min_replicas: None,
            max_replicas: None,
            min_from: None,
            max_from: None,
            metrics: Vec::new(),
            scaler: None,
            source: source.clone(),
        },
        Scaling::Autoscaled(a) => {
            let metrics = a
                .metrics
                .iter()
                .map(|m| {
                    let what = match m.kind {
                        crate::plan::MetricKind::Cpu => format!("cpu {}%", m.target),
                        crate::plan::MetricKind::Inflight => format!("inflight {}", m.target),
                    };
                    match &m.cell {
                        Some(cell) => format!("{what} of {cell}"),
                        None => what,
                    }
                })
                .collect();
            let scaler = match target_kind {
                TargetKind::K8s => ["ScaledObject", "HorizontalPodAutoscaler"].into_iter().find(|k| objects.iter().any(|o| o.kind == *k)),
                TargetKind::Hosted => Some("the hosted platform"),
                TargetKind::Wasmcloud => None,
            };
            ScalingView {
                mode: "autoscaled",
                replicas: None,
                min_replicas: Some(a.min_replicas),
                max_replicas: Some(a.max_replicas),
                min_from: Some(a.min_from.clone()),
                max_from: Some(a.max_from.clone()),
                metrics,
                scaler: scaler.map(str::to_string),
                source: a.source.clone(),
            }
        }
    }
}

fn cell(c: &PlannedCell, artifacts: &[&Artifact]) -> CellView {
    // The cell's own Service and routes carry its cell-key label (SPEC §3.1).
    let label = crate::emit::k8s::names::label_value(&c.key);
    let own: Vec<&Artifact> = artifacts
        .iter()
        .copied()
        .filter(|a| matches!(a.kind.as_str(), "Service" | "Ingress" | "HTTPRoute") && a.value.pointer("/metadata/labels/x07.io~1cell-key").and_then(|v| v.as_str()) == Some(label.as_str()))
        .collect();
    let exposure = c.port.filter(|_| c.role == CellRole::Process).map(|port| Exposure {
        protocol: if c.ingress == IngressKind::Mcp { "mcp" } else { "http" }.to_string(),
        port,
        service: own.iter().find(|a| a.kind == "Service").map(|a| a.name.clone()),
        routes: routes_to(port, &own),
    });
    CellView {
        key: c.key.clone(),
        kind: c.kind,
        ingress: c.ingress,
        runtime_class: c.runtime_class,
        scale_class: c.scale_class,
        role: c.role,
        entry_symbol: c.entry_symbol.clone(),
        topology_group: c.topology_group.clone(),
        exposure: exposure.map(Box::new),
        subscription: c.event.clone().map(Box::new),
        schedule: c.schedule.clone().map(Box::new),
        probes: c.probes.clone().map(Box::new),
        autoscaling: c.autoscaling.clone().map(Box::new),
        resources: Box::new(c.resources.clone()),
        env: c.env.clone(),
        binding_refs: c.binding_refs.clone(),
        parity: c.parity.clone(),
    }
}

/// `host/path` of every Ingress or HTTPRoute rule whose backend is `port`, read from the
/// emitted objects so that the plan shows exactly what the target gets.
fn routes_to(port: u16, artifacts: &[&Artifact]) -> Vec<String> {
    let mut routes = Vec::new();
    let str_at = |v: &serde_json::Value, p: &str| v.pointer(p).and_then(|x| x.as_str()).unwrap_or("").to_string();
    for a in artifacts {
        let spec = &a.value["spec"];
        if a.kind == "Ingress" {
            for rule in spec["rules"].as_array().into_iter().flatten() {
                let host = str_at(rule, "/host");
                for p in rule.pointer("/http/paths").and_then(|x| x.as_array()).into_iter().flatten() {
                    if str_at(p, "/backend/service/port/name") == format!("http-{port}") {
                        routes.push(format!("{host}{}", str_at(p, "/path")));
                    }
                }
            }
        } else if a.kind == "HTTPRoute" {
            let hosts: Vec<String> = spec["hostnames"].as_array().into_iter().flatten().filter_map(|h| h.as_str().map(str::to_string)).collect();
            let hosts = if hosts.is_empty() { vec![format!("gateway {}", str_at(spec, "/parentRefs/0/name"))] } else { hosts };
            for rule in spec["rules"].as_array().into_iter().flatten() {
                if rule.pointer("/backendRefs/0/port").and_then(|x| x.as_u64()) == Some(u64::from(port)) {
                    let path = str_at(rule, "/matches/0/path/value");
                    routes.extend(hosts.iter().map(|h| if h.starts_with("gateway ") { format!("{path} ({h})") } else { format!("{h}{path}") }));
                }
            }
        }
    }
    routes
}

/// Whether the target's output is Kubernetes objects, which a namespace applies to: k8s,
/// and wasmCloud's WorkloadDeployments (wadm applications and the hosted descriptor have none).
fn writes_kubernetes_objects(plan: &Plan) -> bool {
    match plan.target_kind {
        TargetKind::K8s => true,
        TargetKind::Wasmcloud => plan.target.wasmcloud.as_ref().is_some_and(|w| w.variant == crate::target::WasmcloudVariant::WorkloadDeployment),
        TargetKind::Hosted => false,
    }
}
