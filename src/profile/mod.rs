//! Topology profiles (SPEC §2.2): the document `x07.topology.profile@0.1.0`, and the
//! resolution of `--profile ID|PATH` against the manifest's entries and the target
//! descriptions into one [`Profile`].

mod decode;
mod extends;
mod resolve;

pub use decode::{binding_config as decode_binding_config, cidr as decode_cidr, decode};
pub use extends::{parent_of, preset, unknown_preset_argument, ChainBreak, Parent, MAX_EXTENDS, PRESETS, PRESET_PREFIX};
pub use resolve::{resolve, CrdFile, ProfileSpec, TargetFile, Unread};

use crate::document::Document;
use crate::json::Pointer;
use crate::layered::Layered;
use crate::manifest::{Autoscaling, Cell, Placement, TargetKind};
use crate::target::{Resources, TargetDescription};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

pub const SCHEMA_VERSION: &str = "x07.topology.profile@0.1.0";

/// The profile document as written.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "x07.topology.profile@0.1.0", description = "An x07-topo topology profile (arch/topology/<id>.json).")]
pub struct ProfileDocument {
    #[schemars(schema_with = "profile_version_schema")]
    pub schema_version: String,
    #[schemars(length(min = 1))]
    pub id: String,
    /// The profile this one builds on: an id (`arch/topology/ID.json`), a path relative to
    /// this file, or `preset:NAME`. Members here override the parent's, objects merge member
    /// by member, lists replace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// Inherited from the manifest's entry of the same id; required when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_kind: Option<TargetKind>,
    /// Inherited from the manifest's entry of the same id; `co-located` when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "optional_placement_schema")]
    pub placement: Option<Placement>,
    /// The `x07.io/environment` label and the deployment environment; defaults to the id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// The Kubernetes namespace of every namespaced object (k8s objects and wasmCloud
    /// WorkloadDeployments); overrides the target's, `--namespace` overrides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"), length(max = 63))]
    pub namespace: Option<String>,
    /// Kubernetes: a NetworkPolicy per deployable allowing only what its bindings and ingress
    /// declare (SPEC §4.2); overrides the target's `k8s.network_policies`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_policies: Option<bool>,
    /// A built-in target description (`k8s-default`, ...) or the path of one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Images>,
    /// Cell key → the topology group it moves to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regroup: Option<BTreeMap<String, String>>,
    /// Deployable key → overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<BTreeMap<String, Overrides>>,
    /// Cell key → overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cells: Option<BTreeMap<String, Overrides>>,
    /// Rules: a binding name, a glob (`db.*`, `*`) or a kind (`kind:postgres`) → how the
    /// bindings it matches are materialised. The most specific rule wins (SPEC §4.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bindings: Option<BTreeMap<String, BindingConfig>>,
    /// wasmcloud profiles: capability providers that replace or add to the target's catalog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wasmcloud: Option<crate::target::CatalogOverride>,
    /// Warning codes this profile allows (counted, not printed) or denies (a failure).
    /// `--allow CODE` on the command line wins over both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lints: Option<LintsDocument>,
}

/// A profile's `lints` member as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LintsDocument {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "warning_codes_schema")]
    pub allow: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "warning_codes_schema")]
    pub deny: Option<Vec<String>>,
}

/// An array of warning codes (from the code table, so it cannot fall behind). A code given
/// twice is harmless and accepted, so the schema does not ask for unique items either.
fn warning_codes_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let warnings: Vec<&str> = crate::diagnostics::codes::ALL.iter().filter(|c| c.acceptable()).map(|c| c.id).collect();
    schemars::json_schema!({ "type": "array", "items": { "type": "string", "enum": warnings } })
}

fn profile_version_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "const": SCHEMA_VERSION })
}

fn optional_placement_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
    crate::manifest::placement_input_schema(g)
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Images {
    /// The image of every deployable without one of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Deployable key → image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<BTreeMap<String, String>>,
}

/// What a profile may change per deployable (`groups`) or per cell (`cells`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    /// A fixed replica count; the manifest's autoscaling of these cells is then not used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// Replaces the manifest's autoscaling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<Autoscaling>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// Container port of an http or mcp cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<u16>,
    /// Extra plain environment variables (never secrets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<Env>,
    /// Groups only: labels added to the deployable's pod templates (meshes, cost allocation);
    /// the compiler's own (`x07.io/*`, `app.kubernetes.io/{name,component,part-of,managed-by}`)
    /// cannot be set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// Groups only: annotations added to the deployable's pod templates; `x07.io/*` cannot be set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Groups only: the deployable's ServiceAccount (cloud workload identity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account: Option<ServiceAccountOverrides>,
}

/// What a profile group may add to its deployable's ServiceAccount.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceAccountOverrides {
    /// Annotations of the ServiceAccount, e.g. `eks.amazonaws.com/role-arn` (IRSA),
    /// `iam.gke.io/gcp-service-account`, `azure.workload.identity/client-id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
}

/// Plain environment variables, shared (not copied) by every cell and view they apply to:
/// one group's map may hold a million keys.
pub type Env = std::sync::Arc<BTreeMap<String, String>>;

/// How the bindings a rule matches are materialised (SPEC §4.1).
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = crate::bindings::schema::document_providers)]
pub struct BindingConfig {
    /// Name of the Secret holding the binding's credentials (default: `<service_id>-<binding>`, sanitised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Variable suffix → Secret key: inject only these keys, under these names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<BTreeMap<String, String>>,
    /// Non-secret settings, emitted as plain configuration, never inside a Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<BTreeMap<String, String>>,
    /// The provider that materialises it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The provider's params (Kubernetes providers), as written; checked against the
    /// provider's declared params when the profile is resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<serde_json::Map<String, serde_json::Value>>,
    /// Kubernetes with network policies: the CIDRs the binding's endpoint is in, when the
    /// provider cannot know it (`secret`, `config`, `external-secrets`, `crossplane`). The
    /// NetworkPolicy allows the binding kind's usual port to them only; without them, to anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress: Option<Vec<String>>,
}

/// Where a resolved profile came from.
#[derive(Debug, Clone)]
pub enum ProfileOrigin {
    /// A profile document merged with the profiles it extends (possibly inheriting from a
    /// manifest entry).
    File(Layered),
    /// Only the manifest's entry, with the target kind's defaults.
    ManifestEntry,
}

/// A profile resolved against the manifest and its target description: everything the
/// lowering needs, with inheritance and defaults applied.
#[derive(Debug, Clone)]
pub struct Profile {
    pub id: String,
    pub target_kind: TargetKind,
    pub placement: Placement,
    pub environment: String,
    /// The profile's `namespace`, else the target's; `None`: no object names one.
    pub namespace: Option<String>,
    pub target: TargetDescription,
    pub images: Images,
    pub regroup: BTreeMap<String, String>,
    pub groups: BTreeMap<String, Overrides>,
    pub cells: BTreeMap<String, Overrides>,
    /// The profile's binding rules as written.
    pub bindings: BTreeMap<String, BindingConfig>,
    /// The profile's `lints` (empty for a manifest entry).
    pub lints: crate::diagnostics::lints::Lints,
    pub origin: ProfileOrigin,
    /// The target description's file (its binding rules point into it).
    pub target_document: Document,
    /// Declared binding → the rule and provider that resolve it.
    pub resolution: BTreeMap<String, crate::bindings::Choice>,
}

/// The deployable key of the single deployable of `single` placement.
pub const SINGLE_DEPLOYABLE: &str = "main";

impl Profile {
    /// The topology group of a cell after `regroup`.
    pub fn group_of<'a>(&'a self, cell: &'a Cell) -> &'a str {
        self.regroup.get(&cell.cell_key).map_or(cell.topology_group.as_str(), String::as_str)
    }

    /// The key of the deployable a cell lands in under this profile's placement.
    pub fn deployable_of<'a>(&'a self, cell: &'a Cell) -> &'a str {
        match self.placement {
            Placement::CoLocated => self.group_of(cell),
            Placement::SplitByCell => &cell.cell_key,
            Placement::Single => SINGLE_DEPLOYABLE,
        }
    }

    /// The file that set the profile's value at `at` (itself or a profile it extends), for
    /// diagnostics that point into it; `None` for a manifest entry alone.
    pub fn document_at(&self, at: &Pointer) -> Option<&Document> {
        match &self.origin {
            ProfileOrigin::File(layered) => Some(layered.file_of(at)),
            ProfileOrigin::ManifestEntry => None,
        }
    }

    /// The profile's file, then each file it extends, nearest first (empty for a manifest entry).
    pub fn files(&self) -> Vec<&str> {
        match &self.origin {
            ProfileOrigin::File(layered) => layered.layers.iter().map(|d| d.source.name.as_str()).collect(),
            ProfileOrigin::ManifestEntry => Vec::new(),
        }
    }
}
