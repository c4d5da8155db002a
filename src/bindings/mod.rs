//! Binding resolution (SPEC §4.1), the centre of x07-topo: each declared binding is resolved
//! by a **rule** ([`rules`]) to a **provider** ([`providers`], one file each), which says
//! where every **output** ([`outputs`]) comes from and which objects must exist for it.
//!
//! Two steps, both pure: [`choose`] runs when a profile is resolved (rules, providers and
//! their [`params`], reported at their pointers in the profile or target file); [`build`]
//! runs in lowering, when the cells are known (topics, autoscaling), and gives the Plan each
//! binding's outputs and objects. Emitters read only that.

pub mod build;
pub mod choose;
pub mod endpoints;
pub mod endpoint;
pub mod outputs;
pub mod params;
pub mod providers;
pub mod rules;
pub mod scaler_auth;
pub mod schema;

pub use build::{build, Resolved};
pub use choose::{choose, Choice};
pub use scaler_auth::ScalerAuth;

use crate::checks::names;
use serde::Serialize;
use std::collections::BTreeMap;

/// Which rule resolved a binding (plan JSON, hosted descriptor, diff, explain).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolvedBy {
    /// The rule's key (`db.primary`, `db.*`, `kind:postgres`), or `default`.
    pub rule: String,
    /// The file that holds the rule; absent for the built-in default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// The rule's line in `file` (for `explain`'s `file:line`).
    #[serde(skip)]
    pub line: Option<u32>,
    pub provider: String,
}

/// The rule name of a binding no profile or target rule matches.
pub const DEFAULT_RULE: &str = "default";

/// The provider of a binding the target has none for (wasmCloud, hosted: reported there).
pub const NO_PROVIDER: &str = "none";

impl ResolvedBy {
    pub fn is_default(&self) -> bool {
        self.file.is_none()
    }

    /// `arch/topology/prod.json:14`, or `built-in default`.
    pub fn location(&self) -> String {
        match (&self.file, self.line) {
            (Some(f), Some(l)) => format!("{f}:{l}"),
            (Some(f), None) => f.clone(),
            _ => "built-in default".to_string(),
        }
    }
}

/// Where one output's value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "kebab-case")]
pub enum Source {
    /// One key of a Secret (`secretKeyRef`).
    SecretKey { secret: String, key: String },
    /// Every key of a Secret under the binding's prefix (`envFrom`): the key of the output's name.
    SecretPrefix { secret: String },
    /// A plain value (a ConfigMap key on Kubernetes, named config on wasmCloud).
    Config { value: String },
    /// One key of a ConfigMap an operator writes (`configMapKeyRef`): not secret, not ours.
    ConfigMapKey { config_map: String, key: String },
    /// Composed from the binding's other variables when the container starts (`$(VAR)`).
    Composed { template: String },
}

impl Source {
    /// How `explain` and `plan` say it.
    pub fn describe(&self) -> String {
        match self {
            Source::SecretKey { secret, key } => format!("Secret {secret} key {key}"),
            Source::SecretPrefix { secret } => format!("Secret {secret} (every key)"),
            Source::Config { value } => format!("config \"{}\"", value.escape_debug()),
            Source::ConfigMapKey { config_map, key } => format!("ConfigMap {config_map} key {key}"),
            Source::Composed { template } => format!("composed \"{template}\""),
        }
    }
}

/// One variable a cell reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output {
    /// The output (`DSN`), or `*` for every key of a Secret.
    pub name: String,
    /// `X07_BINDING_<NAME>_<OUTPUT>` (`X07_BINDING_<NAME>_*` for `*`).
    pub variable: String,
    #[serde(flatten)]
    pub source: Source,
}

/// A resource a provider needs (an ExternalSecret, a KafkaTopic, ...): the emitter adds
/// metadata (namespace, the service's labels).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BindingObject {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    pub spec: serde_json::Value,
}

impl BindingObject {
    pub fn new(api_version: &str, kind: &str, name: &str, spec: serde_json::Value) -> Self {
        BindingObject { api_version: api_version.to_string(), kind: kind.to_string(), name: name.to_string(), labels: BTreeMap::new(), spec }
    }

    pub fn labelled(mut self, labels: &[(String, String)]) -> Self {
        self.labels.extend(labels.iter().cloned());
        self
    }
}

/// A volume a binding's cells mount (sqlite's database folder).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BindingVolume {
    /// The PersistentVolumeClaim; `None`: an emptyDir.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<String>,
    /// Mounted read-write here in every container of a cell that lists the binding.
    pub mount_path: String,
}

/// The Secret a binding reads unless the profile names one (SPEC §4): `<service_id>-<binding>`,
/// so two services in one namespace never read each other's credentials by accident.
pub fn default_secret_name(service_id: &str, binding: &str) -> String {
    names::object_name(&[service_id, binding], names::MAX_OBJECT_NAME)
}

/// `X07_BINDING_<NAME>_`.
pub fn env_prefix(binding: &str) -> String {
    format!("X07_BINDING_{}_", names::env_token(binding))
}

/// Variables the compiler sets; a profile's `env` may not set them (SPEC §4.1).
pub fn is_compiler_owned(var: &str) -> bool {
    // The OpenTelemetry variables every container gets (and the endpoint alias of its first
    // otlp binding): a profile value would silently repeat them (SPEC §7.2).
    const EXACT: &[&str] = &["X07_ENTRY_SYMBOL", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_EXPORTER_OTLP_ENDPOINT"];
    const PREFIXES: &[&str] =
        &["X07_WORKLOAD_", "X07_EVENT_", "X07_SCHEDULE_", "X07_JOB_", "X07_LEADER_ELECTION_", "X07_K8S_", "X07_WORK_LEASE", "X07_BINDING_", "X07_OS_OBJ_S3_"];
    EXACT.contains(&var) || PREFIXES.iter().any(|p| var.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_secret_names_carry_the_service() {
        assert_eq!(default_secret_name("orders", "db.primary"), "orders-db-primary");
        let long = default_secret_name("orders", &"x".repeat(80));
        assert_eq!(long.len(), names::MAX_OBJECT_NAME);
        assert_ne!(long, default_secret_name("orders", &"x".repeat(81)));
    }

    #[test]
    fn owned_variables() {
        assert!(is_compiler_owned("X07_BINDING_DB_CATALOG_DSN"));
        assert!(is_compiler_owned("X07_WORKLOAD_CELL_KEY"));
        assert!(!is_compiler_owned("X07_LOG_LEVEL"));
        assert!(!is_compiler_owned("RUST_LOG"));
    }
}
