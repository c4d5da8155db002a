//! Target descriptions (`x07.topo.target@0.1.0`): the settings and defaults of one target
//! kind. The defaults in `targets/` are compiled into the binary; a profile may name one
//! of those or a file of its own.

mod contract;
mod decode;
mod wasmcloud;

pub use contract::markdown_table as providers_markdown_table;
pub use decode::{decode, dns_label as decode_dns_label, resources as decode_resources, MAX_CRDS};
pub use wasmcloud::{
    apply_override as apply_catalog_override, decode_override as decode_catalog_override, Catalog, CatalogOverride, KeySpec, Keys, LinkDirection, LinkSide, MessageHandler,
    Provider, SecretUse, WasmcloudSettings, WasmcloudVariant,
};

use crate::manifest::{BindingKind, TargetKind};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

pub const SCHEMA_VERSION: &str = "x07.topo.target@0.1.0";

/// The built-in target descriptions: (name, file as shown in diagnostics, text).
pub const BUILTIN: &[(&str, &str, &str)] = &[
    ("k8s-default", "targets/k8s-default.json", include_str!("../../targets/k8s-default.json")),
    ("wasmcloud-default", "targets/wasmcloud-default.json", include_str!("../../targets/wasmcloud-default.json")),
    ("hosted-default", "targets/hosted-default.json", include_str!("../../targets/hosted-default.json")),
];

/// The name of the default target description of a kind.
pub fn default_name(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::K8s => "k8s-default",
        TargetKind::Wasmcloud => "wasmcloud-default",
        TargetKind::Hosted => "hosted-default",
    }
}

pub fn builtin(name: &str) -> Option<(&'static str, &'static str)> {
    BUILTIN.iter().find(|(n, _, _)| *n == name).map(|&(_, file, text)| (file, text))
}

/// A `target` value that names a file rather than a built-in description.
pub fn is_path(reference: &str) -> bool {
    reference.contains('/') || reference.contains('\\') || reference.ends_with(".json")
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetDescription {
    pub schema_version: String,
    pub name: String,
    pub target_kind: TargetKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k8s: Option<K8sSettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wasmcloud: Option<WasmcloudSettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted: Option<HostedSettings>,
    /// Binding rules that apply when the profile has none for a binding (SPEC §4.1): the
    /// same keys as a profile's `bindings`, ranked below all of the profile's.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub bindings: BTreeMap<String, crate::profile::BindingConfig>,
}

/// Kubernetes settings. Every member is optional in the file; [`K8sSettings::default`]
/// says what an omitted member means.
impl TargetDescription {
    /// The Kubernetes namespace the description names for its objects, if any.
    pub fn namespace(&self) -> Option<&str> {
        match self.target_kind {
            TargetKind::K8s => self.k8s.as_ref()?.namespace.as_deref(),
            TargetKind::Wasmcloud => self.wasmcloud.as_ref()?.namespace.as_deref(),
            TargetKind::Hosted => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct K8sSettings {
    /// Namespace of every namespaced object; none leaves it to `kubectl -n`, kustomize or Argo CD.
    pub namespace: Option<String>,
    /// KEDA is installed: event cells scale with ScaledObjects.
    pub keda: bool,
    /// Argo Rollouts is installed: canary-lite becomes a Rollout.
    pub argo_rollouts: bool,
    /// RuntimeClass that runs wasm-component cells; none means they cannot run here.
    pub wasm_runtime_class: Option<String>,
    /// Container port of http and mcp cells with no port of their own.
    pub default_port: u16,
    /// Requests of every container unless a profile overrides them.
    pub default_resources: Resources,
    /// Expose http cells through an Ingress of this class.
    pub ingress: Option<IngressSettings>,
    /// Expose http cells through a Gateway API HTTPRoute attached to this gateway.
    pub gateway: Option<GatewaySettings>,
    /// Every deployable gets a NetworkPolicy that allows only what its bindings and ingress
    /// declare (SPEC §4.2). A profile's `network_policies` overrides it.
    pub network_policies: bool,
    /// The namespace of the ingress controller's or gateway's pods, whose traffic to http and
    /// mcp ports the NetworkPolicies allow; default: the gateway's namespace, when it names one.
    pub ingress_namespace: Option<String>,
    /// Where the Kubernetes API server is, for the egress of deployables that hold leases
    /// (ports 443 and 6443); default: anywhere (the address differs per cluster and provider).
    pub api_server_cidrs: Vec<String>,
    /// The platform's own CustomResourceDefinitions (YAML or JSON files, relative to this
    /// file and inside the repository). A `crossplane` binding whose `api_version` and `kind`
    /// one of them defines is validated against that version's `openAPIV3Schema`; a kind none
    /// defines is passed through unvalidated.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub crds: Vec<CrdRef>,
}

/// A CRD file a target names.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CrdRef {
    /// The file, relative to the target file; it must resolve inside the repository.
    pub path: String,
    /// The CRD as read (attached when the profile is resolved).
    #[serde(skip)]
    #[schemars(skip)]
    pub loaded: Option<std::sync::Arc<crate::crd::Crd>>,
}

impl Default for K8sSettings {
    fn default() -> Self {
        K8sSettings {
            namespace: None,
            keda: false,
            argo_rollouts: false,
            wasm_runtime_class: None,
            default_port: 8080,
            default_resources: Resources::default(),
            ingress: None,
            gateway: None,
            network_policies: false,
            ingress_namespace: None,
            api_server_cidrs: Vec::new(),
            crds: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_limit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_limit: Option<String>,
}

impl Resources {
    /// Each member of `over` replaces the same member here.
    pub fn overlay(&self, over: &Resources) -> Resources {
        Resources {
            cpu: over.cpu.clone().or_else(|| self.cpu.clone()),
            memory: over.memory.clone().or_else(|| self.memory.clone()),
            cpu_limit: over.cpu_limit.clone().or_else(|| self.cpu_limit.clone()),
            memory_limit: over.memory_limit.clone().or_else(|| self.memory_limit.clone()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IngressSettings {
    pub class_name: String,
    pub host: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_secret: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GatewaySettings {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hostnames: Vec<String>,
}

/// Hosted platform settings: how the platform names the providers that materialise
/// bindings (`provider_kind` in the hosted descriptor). Every member is optional in the
/// file; [`HostedSettings::default`] says what an omitted member means.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct HostedSettings {
    /// The platform the descriptor is for.
    pub platform: String,
    /// Binding kind → provider kind of the resource the platform creates and manages for
    /// bindings of that kind. A kind missing here cannot be platform-managed: its bindings
    /// need a `secret`, `keys` or `config` entry in the profile. Given, it replaces the
    /// default table whole.
    pub managed_providers: BTreeMap<BindingKind, String>,
    /// Provider kind of external bindings (the profile says where the resource is).
    pub external_provider: String,
    /// Provider kind of the platform's secret store, which resolves `secret_ref`s.
    pub secrets_provider: String,
}

/// The provider kinds of the default hosted platform, per binding kind.
pub const HOSTED_MANAGED_PROVIDERS: &[(BindingKind, &str)] = &[
    (BindingKind::Postgres, "lp.impl.bindings.postgres_v1"),
    (BindingKind::Mysql, "lp.impl.bindings.mysql_v1"),
    (BindingKind::Sqlite, "lp.impl.bindings.sqlite_v1"),
    (BindingKind::Redis, "lp.impl.bindings.redis_v1"),
    (BindingKind::Kafka, "lp.impl.bindings.kafka_v1"),
    (BindingKind::Amqp, "lp.impl.bindings.amqp_v1"),
    (BindingKind::S3, "lp.impl.bindings.s3_v1"),
    (BindingKind::Secret, "lp.impl.secrets.server_store_v1"),
    (BindingKind::Otlp, "lp.impl.telemetry.otlp_http_v1"),
];

impl Default for HostedSettings {
    fn default() -> Self {
        HostedSettings {
            platform: "x07-hosted".to_string(),
            managed_providers: HOSTED_MANAGED_PROVIDERS.iter().map(|&(kind, provider)| (kind, provider.to_string())).collect(),
            external_provider: "lp.impl.bindings.external_v1".to_string(),
            secrets_provider: "lp.impl.secrets.server_store_v1".to_string(),
        }
    }
}
