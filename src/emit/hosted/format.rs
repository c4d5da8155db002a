//! The hosted descriptor format `x07.hosted.deployment@0.1.0`: these types are the format,
//! and `x07-topo schema hosted` prints the schema derived from them.

use crate::manifest::{AckMode, BindingKind, CellKind, ConcurrencyPolicy, IngressKind, Placement, Probes, Rollout, RuntimeClass, ScaleClass};
use crate::target::Resources;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

pub const SCHEMA_VERSION: &str = "x07.hosted.deployment@0.1.0";
/// The descriptor's file in `--out DIR`.
pub const FILE: &str = "hosted.deployment.json";

/// The whole descriptor.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "x07.hosted.deployment@0.1.0",
    description = "What a hosted X07 platform runs for one service under one topology profile (written by x07-topo render)."
)]
pub struct HostedDeployment {
    #[schemars(schema_with = "version_schema")]
    pub schema_version: String,
    pub service: Service,
    /// The topology profile this descriptor was rendered from.
    pub profile: String,
    pub environment: String,
    pub placement: Placement,
    pub platform: Platform,
    /// Deployables that run something, sorted by key.
    pub deployables: Vec<HostedDeployable>,
    /// Bindings some cell uses, in manifest order (unused ones are left out).
    pub bindings: Vec<HostedBinding>,
}

fn version_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "const": SCHEMA_VERSION })
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    #[schemars(length(min = 1))]
    pub service_id: String,
    pub display_name: String,
    /// The manifest's `domain_pack.id`.
    pub domain_pack: String,
    /// The manifest's `default_trust_profile` (default `sandboxed_service_v1`).
    pub trust_profile: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    /// The target description's `hosted.platform`.
    pub name: String,
    /// The target description the profile chose.
    pub target: String,
}

/// The unit that runs and scales together.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HostedDeployable {
    #[schemars(length(min = 1))]
    pub key: String,
    /// The OCI image every cell of the deployable runs from (`render` requires one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// In manifest order.
    pub cells: Vec<HostedCell>,
    pub scaling: HostedScaling,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollout: Option<Rollout>,
    /// Leader election and work leases the platform must provide (a leader lease for a
    /// singleton-orchestrator, a pool for leased-workers), one entry per kind.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coordination: Vec<Coordination>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HostedCell {
    #[schemars(length(min = 1))]
    pub key: String,
    pub cell_kind: CellKind,
    pub ingress_kind: IngressKind,
    pub runtime_class: RuntimeClass,
    pub scale_class: ScaleClass,
    #[schemars(length(min = 1))]
    pub entry_symbol: String,
    /// The topology group after the profile's `regroup`.
    pub topology_group: String,
    pub role: Role,
    /// Where an http or mcp process listens and the path the platform routes to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<Route>,
    /// The topic an event cell consumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription: Option<Subscription>,
    /// When a scheduled cell runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<HostedSchedule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probes: Option<Probes>,
    /// Names of the bindings the cell uses (entries of `bindings`).
    pub bindings: Vec<String>,
    /// Plain environment from the profile; never secrets.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// Requests and limits from the profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
}

/// How a cell runs inside its deployable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A long-running process (http, event, workflow or mcp ingress).
    Process,
    /// A scheduled run.
    Job,
    /// An embedded kernel: runs inside the deployable's host cells, starts nothing.
    Embedded,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    /// `/` for the only serving cell of a deployable, else `/<cell-key>`.
    #[schemars(regex(pattern = r"^/"))]
    pub path: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subscription {
    /// The kafka or amqp binding the topic lives on.
    pub binding: String,
    pub binding_kind: BindingKind,
    #[schemars(length(min = 1))]
    pub topic: String,
    #[schemars(length(min = 1))]
    pub consumer_group: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ack_mode: Option<AckMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_in_flight: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drain_timeout_seconds: Option<u32>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HostedSchedule {
    /// Kubernetes' cron grammar (checked by x07-topo).
    #[schemars(length(min = 1))]
    pub cron: String,
    /// An IANA time zone; absent means UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency_policy: Option<ConcurrencyPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_deadline_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspend: Option<bool>,
}

/// How the long-running cells of a deployable scale together.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(tag = "mode", rename_all = "kebab-case", deny_unknown_fields)]
pub enum HostedScaling {
    Fixed {
        replicas: u32,
    },
    Autoscaled {
        min_replicas: u32,
        #[schemars(range(min = 1))]
        max_replicas: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 1, max = 100))]
        target_cpu_utilization: Option<u8>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 1))]
        target_inflight: Option<u32>,
        /// Every metric the deployable scales on, each a cell's own (its process) or, without
        /// `cell`, the whole deployable's; the platform acts on the largest recommendation.
        /// `target_cpu_utilization` and `target_inflight` repeat the smallest target of each kind.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        metrics: Vec<HostedMetric>,
    },
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HostedMetric {
    pub kind: HostedMetricKind,
    #[schemars(range(min = 1))]
    pub target: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum HostedMetricKind {
    /// Percent of the cpu request.
    Cpu,
    /// Messages or requests in flight per replica.
    Inflight,
}

impl From<crate::plan::MetricKind> for HostedMetricKind {
    fn from(k: crate::plan::MetricKind) -> Self {
        match k {
            crate::plan::MetricKind::Cpu => HostedMetricKind::Cpu,
            crate::plan::MetricKind::Inflight => HostedMetricKind::Inflight,
        }
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Coordination {
    pub kind: CoordinationKind,
    /// Lease names: one for leader election, one per reachable replica for work leases.
    pub leases: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CoordinationKind {
    LeaderElection,
    WorkLeases,
}

/// One logical binding and how the platform materialises it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HostedBinding {
    #[schemars(length(min = 1))]
    pub name: String,
    pub kind: BindingKind,
    pub required: bool,
    /// Cell keys, sorted.
    pub used_by: Vec<String>,
    /// Cells see the binding as variables `<env_prefix><KEY>` (`X07_BINDING_DB_PRIMARY_DSN`).
    pub env_prefix: String,
    /// Which rule materialised it, and the provider it chose (SPEC §4.1).
    pub resolved_by: crate::bindings::ResolvedBy,
    pub materialisation: Materialisation,
}

/// A resource the platform creates and manages, or an external one the profile points to.
/// Secret material is only ever named (`secret_ref`), never included.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(tag = "mode", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Materialisation {
    PlatformManaged {
        /// The platform provider that creates the resource (`lp.impl.bindings.postgres_v1`, ...).
        #[schemars(length(min = 1))]
        provider_kind: String,
        /// Non-secret settings for the provider.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        config: BTreeMap<String, String>,
    },
    External {
        /// The platform provider that connects cells to the external resource.
        #[schemars(length(min = 1))]
        provider_kind: String,
        /// Where the credentials are; absent when the binding needs none (an OTLP endpoint).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        secret_ref: Option<SecretRef>,
        /// Non-secret settings, given to cells as `<env_prefix><KEY>`.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        config: BTreeMap<String, String>,
    },
}

/// A reference to a secret in the platform's secret store: names only, never values.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretRef {
    /// The provider kind of the secret store that resolves the reference.
    #[schemars(length(min = 1))]
    pub store: String,
    /// The secret's name in that store.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Variable suffix → key in the secret; absent: every key, each as `<env_prefix><KEY>`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub keys: BTreeMap<String, String>,
}
