//! How a logical binding becomes something the target provides (SPEC §4, §4.1, §5, §6).

use crate::bindings::Source;
use crate::manifest::TargetKind;
use crate::plan::{Plan, PlannedBinding};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Materialisation {
    /// `k8s-secret`, `hosted-provider` or `wasmcloud-provider`.
    pub mechanism: &'static str,
    /// The Secret (k8s) or secret reference that holds the credentials; never its values.
    pub secret: String,
    /// A missing secret does not stop the cells (the binding is not required).
    pub optional: bool,
    /// k8s `envFrom`: every key of the Secret appears as `<env_prefix><KEY>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env_prefix: Option<String>,
    /// k8s `secretKeyRef`: variable → `<Secret>/<key>` (`<key>` when the Secret is `secret`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub env_keys: BTreeMap<String, String>,
    /// k8s `configMapKeyRef` to a ConfigMap an operator writes: variable → `<ConfigMap>/<key>`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub operator_config: BTreeMap<String, String>,
    /// k8s: the ConfigMaps holding the binding's non-secret settings, and their keys.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub config_maps: Vec<ConfigMapKeys>,
    /// k8s: variables composed from the binding's other variables when the container starts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub composed: Vec<String>,
    /// Non-secret settings from the profile (or, on k8s, from the provider).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub config: BTreeMap<String, String>,
    /// hosted and wasmCloud: the provider that materialises it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// k8s: the resources the provider emits for it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<super::ObjectRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigMapKeys {
    pub name: String,
    pub keys: Vec<String>,
}

/// How `b` is materialised; `config_maps` is each deployable's ConfigMap (k8s).
pub fn of(plan: &Plan, b: &PlannedBinding, config_maps: &BTreeMap<&str, String>) -> Materialisation {
    let mut m = Materialisation {
        mechanism: "k8s-secret",
        secret: b.secret.clone(),
        optional: !b.required,
        env_prefix: None,
        env_keys: BTreeMap::new(),
        operator_config: BTreeMap::new(),
        config_maps: Vec::new(),
        composed: Vec::new(),
        config: b.config.clone(),
        provider: None,
        objects: Vec::new(),
    };
    match plan.target_kind {
        TargetKind::K8s => {
            m.config.clear();
            let mut config_keys = Vec::new();
            for o in &b.outputs {
                match &o.source {
                    Source::SecretPrefix { .. } => m.env_prefix = Some(b.env_prefix.clone()),
                    Source::SecretKey { secret, key } => {
                        let shown = if *secret == b.secret { key.clone() } else { format!("{secret}/{key}") };
                        m.env_keys.insert(o.variable.clone(), shown);
                    }
                    Source::Config { value } => {
                        m.config.insert(o.name.clone(), value.clone());
                        config_keys.push(crate::emit::k8s::config_map_key(&b.name, &o.name));
                    }
                    Source::Composed { .. } => m.composed.push(o.variable.clone()),
                    Source::ConfigMapKey { config_map, key } => {
                        m.operator_config.insert(o.variable.clone(), format!("{config_map}/{key}"));
                    }
                }
            }
            if !config_keys.is_empty() {
                // The deployables of the binding's cells, in deployable (key) order.
                let deployables: std::collections::BTreeSet<&str> =
                    b.used_by.iter().filter_map(|cell| plan.deployable_of_cell(cell)).map(|d| d.key.as_str()).collect();
                m.config_maps = deployables
                    .into_iter()
                    .filter_map(|d| config_maps.get(d))
                    .map(|name| ConfigMapKeys { name: name.clone(), keys: config_keys.clone() })
                    .collect();
            }
            m.objects = b
                .objects
                .iter()
                .map(|o| super::ObjectRef { kind: o.kind.clone(), name: o.name.clone(), path: crate::emit::k8s::binding_object_path(&o.kind, &o.api_version, &o.name) })
                .collect();
        }
        TargetKind::Hosted => {
            m.mechanism = "hosted-provider";
            m.provider = Some(b.resolved_by.provider.clone());
        }
        TargetKind::Wasmcloud => {
            m.mechanism = "wasmcloud-provider";
            m.provider = Some(b.resolved_by.provider.clone());
        }
    }
    m
}
