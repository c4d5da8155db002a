//! The Plan: what runs where, target-independent (SPEC §3). Lowering builds it from the
//! manifest and one resolved profile; every emitter reads only the Plan.

mod bindings;
pub mod footprint;
mod lower;
mod rollout;
pub mod scaling;
mod single_writer;
mod wasmcloud;
pub mod wasmcloud_links;

pub use lower::{lower, ImageOverride, LowerOptions};

use crate::manifest::{
    AckMode, BindingKind, CellKind, ConcurrencyPolicy, IngressKind, Placement, Probes, Rollout, RuntimeClass, ScaleClass, TargetKind,
};
use crate::target::{Resources, TargetDescription};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub service_id: String,
    pub display_name: String,
    pub domain_pack: String,
    pub trust_profile: String,
    pub profile: String,
    pub environment: String,
    pub target_kind: TargetKind,
    pub placement: Placement,
    #[serde(skip)]
    pub target: TargetDescription,
    pub target_name: String,
    /// The Kubernetes namespace of every namespaced object: `--namespace`, else the
    /// profile's, else the target's. `None`: no object names one.
    pub namespace: Option<String>,
    /// Sorted by key.
    pub deployables: Vec<Deployable>,
    /// In manifest order.
    pub bindings: Vec<PlannedBinding>,
    /// How many http processes, and how many http and mcp processes, the service has (in
    /// every deployable): one is routed at `/`, several at `/<cell-key>`, whatever the
    /// placement (SPEC §3.1).
    pub routed: Routed,
    /// Binding name → position in `bindings` (the first of a name), built with the Plan.
    #[serde(skip)]
    binding_index: BTreeMap<String, usize>,
    /// Cell key → position of its deployable in `deployables`, built with the Plan.
    #[serde(skip)]
    cell_index: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Routed {
    pub http: usize,
    pub serving: usize,
}

impl Plan {
    /// The path a route to cell `key` takes: `/` when it is the only one of `count`, else
    /// `/<cell-key>`. It does not depend on which deployable hosts the cell.
    pub fn route_path(&self, key: &str, count: usize) -> String {
        if count == 1 {
            "/".to_string()
        } else {
            format!("/{}", crate::checks::names::sanitize_dns1123(key))
        }
    }

    pub fn binding(&self, name: &str) -> Option<&PlannedBinding> {
        self.binding_index.get(name).map(|&i| &self.bindings[i])
    }

    /// The deployable cell `key` runs in.
    pub fn deployable_of_cell(&self, key: &str) -> Option<&Deployable> {
        self.cell_index.get(key).map(|&i| &self.deployables[i])
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Deployable {
    pub key: String,
    /// `None` when no image was given (allowed for `check` and `plan`, not for `render`).
    pub image: Option<String>,
    /// Where the image came from: `--image`, `images.groups.<key>`, `images.default`.
    pub image_source: Option<String>,
    /// In manifest order.
    pub cells: Vec<PlannedCell>,
    /// How the long-running cells scale together.
    pub scaling: Scaling,
    /// The rollout of the long-running cells.
    pub rollout: Option<Rollout>,
    /// The leases its cells coordinate through, in cell order: a leader lease
    /// `<service>-<cell>-leader` per singleton-orchestrator, a pool of work leases
    /// `<service>-<cell>-lease-<i>` per leased-worker.
    pub coordination: Vec<Coordination>,
    /// What the profile's group adds to its pods and ServiceAccount (SPEC §4.2).
    #[serde(skip_serializing_if = "Identity::is_empty")]
    pub identity: Identity,
}

/// A deployable's additions to its identity from the profile's group: ServiceAccount
/// annotations (cloud workload identity) and pod-template labels and annotations, checked
/// when the profile was decoded (none is a key the compiler owns).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Identity {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub service_account_annotations: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub pod_labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub pod_annotations: BTreeMap<String, String>,
}

impl Identity {
    pub fn is_empty(&self) -> bool {
        self.service_account_annotations.is_empty() && self.pod_labels.is_empty() && self.pod_annotations.is_empty()
    }
}

impl Deployable {
    /// Every lease name of the deployable, leader lease first.
    pub fn lease_names(&self) -> impl Iterator<Item = &String> {
        self.coordination.iter().flat_map(|c| &c.leases)
    }

    /// The leases of one kind that cell `cell` takes part in, if it has them.
    pub fn leases_of(&self, kind: LeaseKind, cell: &str) -> Option<&[String]> {
        self.coordination.iter().find(|c| c.kind == kind && c.cell == cell).map(|c| c.leases.as_slice())
    }

    /// Cells that run as processes of the deployable (one container each).
    /// Whether a KEDA ScaledObject owns its replicas (on a target with KEDA, event cells and
    /// `target_inflight` or `min_replicas` 0); else an HPA or nothing does.
    pub fn keda_scaled(&self, target: &TargetDescription) -> bool {
        let Scaling::Autoscaled(a) = &self.scaling else { return false };
        target.k8s.as_ref().is_some_and(|k| k.keda) && self.processes().any(|c| c.event.is_some()) && (a.smallest(MetricKind::Inflight).is_some() || a.min_replicas == 0)
    }

    pub fn processes(&self) -> impl Iterator<Item = &PlannedCell> {
        self.cells.iter().filter(|c| c.role == CellRole::Process)
    }

    pub fn jobs(&self) -> impl Iterator<Item = &PlannedCell> {
        self.cells.iter().filter(|c| c.role == CellRole::Job)
    }

    /// A deployable of only embedded-kernel cells starts nothing.
    pub fn runs_anything(&self) -> bool {
        self.cells.iter().any(|c| c.role != CellRole::Embedded)
    }

    /// The smallest number of replicas the deployable runs with.
    pub fn min_replicas(&self) -> u32 {
        match &self.scaling {
            Scaling::Fixed { replicas, .. } => *replicas,
            Scaling::Autoscaled(a) => a.min_replicas,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LeaseKind {
    LeaderElection,
    WorkLeases,
}

/// One cell's leases: named after the cell, so moving the cell between deployables never
/// gives two leaders during a rollout (SPEC §3.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coordination {
    pub kind: LeaseKind,
    /// The cell that takes part.
    pub cell: String,
    /// One name for leader election; one per reachable replica for work leases.
    pub leases: Vec<String>,
}

impl LeaseKind {
    /// The scale class whose cells take part in this kind of lease.
    pub fn used_by(self, class: ScaleClass) -> bool {
        match self {
            LeaseKind::LeaderElection => class == ScaleClass::SingletonOrchestrator,
            LeaseKind::WorkLeases => class == ScaleClass::LeasedWorker,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CellRole {
    /// A long-running process (http, event, workflow or mcp ingress).
    Process,
    /// A scheduled job.
    Job,
    /// An embedded kernel: runs inside its deployable's host cells, starts nothing.
    Embedded,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedCell {
    pub key: String,
    pub kind: CellKind,
    pub ingress: IngressKind,
    pub runtime_class: RuntimeClass,
    pub scale_class: ScaleClass,
    pub entry_symbol: String,
    /// The topology group after `regroup`.
    pub topology_group: String,
    pub role: CellRole,
    pub binding_refs: Vec<String>,
    /// The container port of http and mcp cells.
    pub port: Option<u16>,
    pub probes: Option<Probes>,
    pub event: Option<PlannedEvent>,
    pub schedule: Option<PlannedSchedule>,
    /// The cell's own autoscaling (profile override, else manifest).
    pub autoscaling: Option<Autoscale>,
    pub resources: Resources,
    /// Plain environment from the profile (`groups`, then `cells`).
    pub env: crate::profile::Env,
    /// What the target approximates or drops for this cell.
    pub parity: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedEvent {
    pub binding_ref: String,
    pub binding_kind: BindingKind,
    pub topic: String,
    pub consumer_group: String,
    pub ack_mode: Option<AckMode>,
    pub max_in_flight: Option<u32>,
    pub drain_timeout_seconds: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedSchedule {
    pub cron: String,
    pub timezone: Option<String>,
    pub concurrency_policy: Option<ConcurrencyPolicy>,
    pub retry_limit: Option<u32>,
    pub start_deadline_seconds: Option<u32>,
    pub suspend: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Autoscale {
    pub min_replicas: u32,
    pub max_replicas: u32,
    /// What the autoscaler measures, in cell order: a cell's own metrics, or (from a
    /// profile group's `autoscaling`) metrics of the whole pod. The autoscaler acts on the
    /// largest recommendation of them all.
    pub metrics: Vec<Metric>,
    /// Where it came from, e.g. `manifest /cells/0/runtime/autoscaling`, or the cells it
    /// was merged from.
    pub source: String,
    /// Who asked for `min_replicas` (a cell key, a profile setting, leader election).
    pub min_from: String,
    /// Who asked for `max_replicas`.
    pub max_from: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MetricKind {
    /// `target_cpu_utilization`: percent of the container's (or pod's) cpu request.
    Cpu,
    /// `target_inflight`: messages or requests in flight per replica.
    Inflight,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Metric {
    pub kind: MetricKind,
    pub target: u32,
    /// The cell it measures (its container, or its broker trigger); `None`: the whole pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

impl Autoscale {
    /// The metrics of one kind.
    pub fn metrics_of(&self, kind: MetricKind) -> impl Iterator<Item = &Metric> {
        self.metrics.iter().filter(move |m| m.kind == kind)
    }

    /// The smallest target of one kind (the most eager), for formats that hold one value.
    pub fn smallest(&self, kind: MetricKind) -> Option<u32> {
        self.metrics_of(kind).map(|m| m.target).min()
    }

    /// The in-flight target that applies to `cell`: its own, else the whole pod's.
    pub fn inflight_for(&self, cell: &str) -> Option<u32> {
        let of = |c: Option<&str>| self.metrics_of(MetricKind::Inflight).find(|m| m.cell.as_deref() == c).map(|m| m.target);
        of(Some(cell)).or_else(|| of(None))
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "mode", rename_all = "kebab-case")]
pub enum Scaling {
    Fixed { replicas: u32, source: String },
    Autoscaled(Autoscale),
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedBinding {
    pub name: String,
    pub kind: BindingKind,
    pub required: bool,
    /// Cell keys, sorted.
    pub used_by: Vec<String>,
    /// The rule and provider that resolve it (SPEC §4.1).
    pub resolved_by: ResolvedBy,
    /// Kubernetes: every variable the cells read and where its value comes from.
    pub outputs: Vec<Output>,
    /// Kubernetes: the resources the provider needs (ExternalSecret, Database, KafkaTopic, ...).
    pub objects: Vec<BindingObject>,
    /// Kubernetes: how a KEDA trigger on the binding authenticates (a TriggerAuthentication).
    #[serde(skip)]
    pub scaler_auth: Option<ScalerAuth>,
    /// Kubernetes: why a KEDA trigger on the binding cannot authenticate (warned in lowering).
    #[serde(skip)]
    pub scaler_auth_gap: Option<String>,
    /// Kubernetes: the volume the cells that list it mount (sqlite).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume: Option<BindingVolume>,
    /// Kubernetes: annotations on the pods of the cells that list it (an injected sidecar).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pod_annotations: Vec<(String, String)>,
    /// Kubernetes: where the provider's in-cluster endpoint runs (pod labels and ports).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<crate::bindings::endpoints::Endpoint>,
    /// Kubernetes, `crossplane`: what its claim was validated against, or why not (`explain`).
    #[serde(skip)]
    pub claim_schema: Option<String>,
    /// Kubernetes: the CIDRs the profile says the endpoint is in (`egress` on its entry).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub egress: Vec<String>,
    /// The Secret (or secret reference) holding its credentials.
    pub secret: String,
    /// Whether the profile named the secret or its keys (else `secret` is the default name).
    #[serde(skip)]
    pub secret_from_profile: bool,
    /// Variables get `<env_prefix><KEY>`.
    pub env_prefix: String,
    /// Variable suffix → Secret key; empty means "every key of the Secret" (`envFrom`).
    pub keys: BTreeMap<String, String>,
    /// Non-secret settings.
    pub config: BTreeMap<String, String>,
    /// The provider the rule's entry names, as written (wasmCloud and hosted read it).
    pub provider: Option<String>,
    /// strimzi: the partitions of each topic, when the profile gives them.
    #[serde(skip)]
    pub partitions: Option<i64>,
    /// The manifest's notes, for the binding requirements contract (not in the plan report).
    #[serde(skip)]
    pub notes: Option<String>,
}

pub use crate::bindings::{BindingObject, BindingVolume, Output, ResolvedBy, ScalerAuth, Source};
