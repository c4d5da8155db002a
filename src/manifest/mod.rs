//! The service manifest, `x07.service.manifest@0.1.0` (SPEC §2.1): types, decoding and checks.
//!
//! The types mirror the JSON exactly (optional members stay `Option`), so a decoded manifest
//! serialises back to the same document; defaults live in accessor methods.

mod check;
mod decode;

pub use check::{check, collisions};
pub use decode::{autoscaling as decode_autoscaling, decode, placement as decode_placement, schema_version as decode_schema_version, IntOrPercent};

use crate::vocabulary;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

pub const SCHEMA_VERSION: &str = "x07.service.manifest@0.1.0";

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "x07.service.manifest@0.1.0", description = "An X07 service manifest (arch/service/index.x07service.json).")]
pub struct Manifest {
    #[schemars(schema_with = "manifest_version_schema")]
    pub schema_version: String,
    #[schemars(length(min = 1))]
    pub service_id: String,
    #[schemars(length(min = 1))]
    pub display_name: String,
    pub domain_pack: DomainPack,
    #[schemars(length(min = 1))]
    pub cells: Vec<Cell>,
    /// Absent or empty: upstream's implicit profile `default` (hosted, co-located).
    /// Never `null`: upstream's member is a defaulted list, not an `Option`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology_profiles: Option<Vec<ProfileEntry>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_bindings: Option<Vec<ResourceBinding>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_trust_profile: Option<String>,
    /// Lookups by name; built by [`Manifest::new`].
    #[serde(skip)]
    #[schemars(skip)]
    index: Index,
}

/// Positions by name (the first, when a name repeats), so that lookups cost O(log n).
#[derive(Debug, Clone, Default, PartialEq)]
struct Index {
    cells: BTreeMap<String, usize>,
    bindings: BTreeMap<String, usize>,
    /// Upstream's implicit profile when the manifest declares none (empty otherwise).
    implicit_profiles: Vec<ProfileEntry>,
}

/// The id of upstream's implicit profile: a manifest without `topology_profiles` (or with an
/// empty list) has the one profile `default`, hosted and co-located (x07-wasm's
/// `topology_docs` writes `topology.preview.default.json` for it).
pub const IMPLICIT_PROFILE_ID: &str = "default";

fn first_positions<'a>(names: impl Iterator<Item = &'a str>) -> BTreeMap<String, usize> {
    let mut map = BTreeMap::new();
    for (i, name) in names.enumerate() {
        map.entry(name.to_string()).or_insert(i);
    }
    map
}

fn manifest_version_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "const": SCHEMA_VERSION })
}

impl Manifest {
    /// The manifest with its name index built (its cells and bindings are not changed later).
    fn new(mut m: Manifest) -> Manifest {
        m.index = Index {
            cells: first_positions(m.cells.iter().map(|c| c.cell_key.as_str())),
            bindings: first_positions(m.bindings().iter().map(|b| b.name.as_str())),
            implicit_profiles: if m.topology_profiles.as_ref().is_none_or(Vec::is_empty) {
                vec![ProfileEntry { id: IMPLICIT_PROFILE_ID.to_string(), target_kind: Some(TargetKind::Hosted), placement: Placement::CoLocated, notes: None }]
            } else {
                Vec::new()
            },
        };
        m
    }

    /// The declared profile entries, or upstream's implicit `default` when there are none.
    pub fn profiles(&self) -> &[ProfileEntry] {
        match self.topology_profiles.as_deref() {
            Some(declared) if !declared.is_empty() => declared,
            _ => &self.index.implicit_profiles,
        }
    }

    pub fn bindings(&self) -> &[ResourceBinding] {
        self.resource_bindings.as_deref().unwrap_or_default()
    }

    pub fn binding(&self, name: &str) -> Option<&ResourceBinding> {
        self.binding_position(name).map(|i| &self.bindings()[i])
    }

    /// Where the (first) binding of this name is in `resource_bindings`.
    pub fn binding_position(&self, name: &str) -> Option<usize> {
        self.index.bindings.get(name).copied()
    }

    pub fn cell(&self, key: &str) -> Option<&Cell> {
        self.cell_position(key).map(|i| &self.cells[i])
    }

    /// Where the (first) cell with this key is in `cells`.
    pub fn cell_position(&self, key: &str) -> Option<usize> {
        self.index.cells.get(key).copied()
    }

    pub fn profile(&self, id: &str) -> Option<&ProfileEntry> {
        self.profiles().iter().find(|p| p.id == id)
    }

    /// The trust profile in force: the manifest's, else upstream's default.
    pub fn trust_profile(&self) -> &str {
        self.default_trust_profile.as_deref().unwrap_or(DEFAULT_TRUST_PROFILE)
    }
}

pub const DEFAULT_TRUST_PROFILE: &str = "sandboxed_service_v1";

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DomainPack {
    #[schemars(length(min = 1))]
    pub id: String,
    #[schemars(length(min = 1))]
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cell {
    #[schemars(length(min = 1))]
    pub cell_key: String,
    pub cell_kind: CellKind,
    #[schemars(length(min = 1))]
    pub entry_symbol: String,
    pub ingress_kind: IngressKind,
    pub runtime_class: RuntimeClass,
    pub scale_class: ScaleClass,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding_refs: Option<Vec<String>>,
    #[schemars(length(min = 1))]
    pub topology_group: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<Runtime>,
}

impl Cell {
    pub fn binding_refs(&self) -> &[String] {
        self.binding_refs.as_deref().unwrap_or_default()
    }

    pub fn runtime(&self) -> &Runtime {
        static EMPTY: Runtime = Runtime { event: None, schedule: None, probes: None, rollout: None, autoscaling: None };
        self.runtime.as_ref().unwrap_or(&EMPTY)
    }

    /// Long-running cells run as processes of their deployable; scheduled cells run as jobs.
    pub fn is_long_running(&self) -> bool {
        self.ingress_kind != IngressKind::Schedule
    }
}

vocabulary! {
    pub enum CellKind as "cell_kind" {
        ApiCell = "api-cell",
        EventConsumer = "event-consumer",
        ScheduledJob = "scheduled-job",
        PolicyService = "policy-service",
        WorkflowService = "workflow-service",
        McpTool = "mcp-tool",
    }
}

impl CellKind {
    /// The one ingress kind each cell kind has (upstream's rule).
    pub fn ingress(self) -> IngressKind {
        match self {
            CellKind::ApiCell | CellKind::PolicyService => IngressKind::Http,
            CellKind::EventConsumer => IngressKind::Event,
            CellKind::ScheduledJob => IngressKind::Schedule,
            CellKind::WorkflowService => IngressKind::Workflow,
            CellKind::McpTool => IngressKind::Mcp,
        }
    }
}

vocabulary! {
    pub enum IngressKind as "ingress_kind" {
        Http = "http",
        Event = "event",
        Schedule = "schedule",
        Workflow = "workflow",
        Mcp = "mcp",
    }
}

impl IngressKind {
    /// Ingress kinds that may autoscale or use canary-lite (upstream's rule).
    pub fn scales_by_traffic(self) -> bool {
        matches!(self, IngressKind::Http | IngressKind::Event)
    }

    /// Ingress kinds that listen on a port and get a Service.
    pub fn serves(self) -> bool {
        matches!(self, IngressKind::Http | IngressKind::Mcp)
    }
}

vocabulary! {
    pub enum RuntimeClass as "runtime_class" {
        WasmComponent = "wasm-component",
        NativeHttp = "native-http",
        NativeWorker = "native-worker",
        EmbeddedKernel = "embedded-kernel",
    }
}

vocabulary! {
    pub enum ScaleClass as "scale_class" {
        ReplicatedHttp = "replicated-http",
        PartitionedConsumer = "partitioned-consumer",
        SingletonOrchestrator = "singleton-orchestrator",
        LeasedWorker = "leased-worker",
        BurstBatch = "burst-batch",
        EmbeddedKernel = "embedded-kernel",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Runtime {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probes: Option<Probes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollout: Option<Rollout>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<Autoscaling>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    #[schemars(length(min = 1))]
    pub binding_ref: String,
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

vocabulary! {
    pub enum AckMode as "ack_mode" { Auto = "auto", Manual = "manual" }
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    #[schemars(length(min = 1))]
    pub cron: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency_policy: Option<ConcurrencyPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 2147483647))]
    pub retry_limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_deadline_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspend: Option<bool>,
}

vocabulary! {
    pub enum ConcurrencyPolicy as "concurrency_policy" { Allow = "allow", Forbid = "forbid", Replace = "replace" }
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Probes {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup: Option<Probe>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness: Option<Probe>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness: Option<Probe>,
}

impl Probes {
    /// The probes present, named as in the manifest.
    pub fn each(&self) -> impl Iterator<Item = (&'static str, &Probe)> {
        [("startup", &self.startup), ("readiness", &self.readiness), ("liveness", &self.liveness)]
            .into_iter()
            .filter_map(|(name, p)| p.as_ref().map(|p| (name, p)))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Probe {
    pub probe_kind: ProbeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^/"))]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<u16>,
    /// Never `null`; an empty list (upstream's default) is read as absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_delay_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub period_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub timeout_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub success_threshold: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub failure_threshold: Option<u32>,
}

vocabulary! {
    pub enum ProbeKind as "probe_kind" { Http = "http", Exec = "exec" }
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rollout {
    pub strategy: RolloutStrategy,
    /// A count (`"1"`) or a percentage (`"25%"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^([0-9]+|([0-9]|[1-9][0-9]|100)%)$"))]
    pub max_unavailable: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^([0-9]+|([0-9]|[1-9][0-9]|100)%)$"))]
    pub max_surge: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100))]
    pub canary_percent: Option<u8>,
}

vocabulary! {
    pub enum RolloutStrategy as "rollout strategy" { Rolling = "rolling", CanaryLite = "canary-lite", Recreate = "recreate" }
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Autoscaling {
    pub min_replicas: u32,
    #[schemars(range(min = 1))]
    pub max_replicas: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100))]
    pub target_cpu_utilization: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub target_inflight: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceBinding {
    #[schemars(length(min = 1))]
    pub name: String,
    pub kind: BindingKind,
    /// An omitted `required` is false, as upstream's pipeline reads it (SPEC §2.1); never `null`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub notes: Option<String>,
}

impl ResourceBinding {
    pub fn is_required(&self) -> bool {
        self.required.unwrap_or(false)
    }
}

vocabulary! {
    pub enum BindingKind as "binding kind" {
        Postgres = "postgres",
        Mysql = "mysql",
        Sqlite = "sqlite",
        Redis = "redis",
        Kafka = "kafka",
        Amqp = "amqp",
        S3 = "s3",
        Secret = "secret",
        Otlp = "otlp",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileEntry {
    #[schemars(length(min = 1))]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_kind: Option<TargetKind>,
    #[schemars(schema_with = "placement_input_schema")]
    pub placement: Placement,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl ProfileEntry {
    /// Upstream's default target kind for an entry that names none.
    pub fn target_kind(&self) -> TargetKind {
        self.target_kind.unwrap_or(TargetKind::Hosted)
    }
}

vocabulary! {
    pub enum TargetKind as "target_kind" { Hosted = "hosted", K8s = "k8s", Wasmcloud = "wasmcloud" }
}

vocabulary! {
    pub enum Placement as "placement" { CoLocated = "co-located", SplitByCell = "split-by-cell", Single = "single" }
}

/// Upstream placement names we accept with a warning, and what they mean here.
pub const PLACEMENT_ALIASES: &[(&str, Placement)] =
    &[("dedicated-cell", Placement::SplitByCell), ("embedded-kernel", Placement::CoLocated)];

/// The schema of a placement as written: our names plus upstream's aliases.
pub fn placement_input_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "string",
        "enum": ["co-located", "split-by-cell", "single", "dedicated-cell", "embedded-kernel"]
    })
}
