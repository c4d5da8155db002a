//! How a logical binding becomes something the target provides (SPEC §4, §5, §6).

use crate::checks::names::env_token;
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
    /// k8s `secretKeyRef`: variable → Secret key.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub env_keys: BTreeMap<String, String>,
    /// k8s: the ConfigMaps holding the binding's non-secret settings, and their keys.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub config_maps: Vec<ConfigMapKeys>,
    /// Non-secret settings from the profile.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub config: BTreeMap<String, String>,
    /// hosted and wasmCloud: the provider that materialises it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
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
        config_maps: Vec::new(),
        config: b.config.clone(),
        provider: None,
    };
    match plan.target_kind {
        TargetKind::K8s => {
            if b.keys.is_empty() {
                m.env_prefix = Some(b.env_prefix.clone());
            } else {
                m.env_keys = b.keys.iter().map(|(var, key)| (format!("{}{var}", b.env_prefix), key.clone())).collect();
            }
            if !b.config.is_empty() {
                // The emitter's rule (`emit::k8s::pod::config_map_key`): `<BINDING_TOKEN>_<KEY>`.
                let keys: Vec<String> = b.config.keys().map(|k| format!("{}_{k}", env_token(&b.name))).collect();
                // The deployables of the binding's cells, in deployable (key) order.
                let deployables: std::collections::BTreeSet<&str> =
                    b.used_by.iter().filter_map(|cell| plan.deployable_of_cell(cell)).map(|d| d.key.as_str()).collect();
                m.config_maps = deployables
                    .into_iter()
                    .filter_map(|d| config_maps.get(d))
                    .map(|name| ConfigMapKeys { name: name.clone(), keys: keys.clone() })
                    .collect();
            }
        }
        TargetKind::Hosted => {
            let platform = plan.target.hosted.as_ref().map_or("hosted", |h| h.platform.as_str());
            m.mechanism = "hosted-provider";
            m.provider = Some(b.provider.clone().unwrap_or_else(|| format!("{platform}/{}", b.kind)));
        }
        TargetKind::Wasmcloud => {
            m.mechanism = "wasmcloud-provider";
            m.provider = Some(b.provider.clone().unwrap_or_else(|| format!("catalog/{}", b.kind)));
        }
    }
    m
}
