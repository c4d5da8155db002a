//! `external-secrets`: an `external-secrets.io/v1 ExternalSecret` that fetches the binding's
//! outputs from a (Cluster)SecretStore into a Secret the cells read. The values stay in the
//! external store; the output carries only the remote key and property names.

use super::{BuildCx, Built, Problem, ProviderDef};
use crate::bindings::params::{Param, ParamType};
use crate::bindings::{BindingObject, Source};
use crate::diagnostics::codes;
use crate::manifest::BindingKind;
use serde_json::json;

pub const PROVIDER: ProviderDef = ProviderDef {
    name: "external-secrets",
    summary: "An External Secrets Operator `ExternalSecret` (external-secrets.io/v1) `<service_id>-<binding>` that copies the outputs from a SecretStore or ClusterSecretStore into a Secret of the same name, which the cells read. No value is written.",
    kinds: &[],
    params: &[
        Param { name: "store", ty: ParamType::ObjectName, required: true, default: None, description: "the SecretStore or ClusterSecretStore to read from" },
        Param {
            name: "store_kind",
            ty: ParamType::OneOf(&["SecretStore", "ClusterSecretStore"]),
            required: false,
            default: Some("ClusterSecretStore"),
            description: "the kind of `store`",
        },
        Param { name: "key", ty: ParamType::Text, required: true, default: None, description: "the secret's key (name or path) in the external store" },
        Param { name: "refresh_interval", ty: ParamType::Duration, required: false, default: None, description: "how often the operator reads the store again (the operator's default: 1h)" },
        Param {
            name: "properties",
            ty: ParamType::TextMap,
            required: false,
            default: None,
            description: "output → property of the external secret (default: the output's name); also names the optional outputs to fetch, and for `secret` bindings the keys",
        },
    ],
    members: &["secret", "config"],
    build,
};

fn build(cx: &BuildCx<'_>) -> Built {
    let secret = cx.entry.secret.clone().unwrap_or_else(|| cx.object_name());
    let properties = cx.params.text_map("properties");
    let mut b = Built { secret: Some(secret.clone()), ..Built::default() };
    // Required outputs always; optional ones only when asked for: a property the store does
    // not have fails the whole ExternalSecret.
    let mut wanted: Vec<String> = cx.open_outputs().filter(|o| o.required || properties.contains_key(o.name)).map(|o| o.name.to_string()).collect();
    for name in properties.keys() {
        let canonical = crate::bindings::outputs::named(cx.binding.kind, name).map_or(name.as_str(), |o| o.name);
        if !wanted.iter().any(|w| w == canonical) && !cx.from_config.contains(canonical) {
            wanted.push(canonical.to_string());
        }
    }
    if wanted.is_empty() && cx.binding.kind == BindingKind::Secret {
        b.problems.push(Problem {
            code: &codes::MISSING_PROVIDER_PARAM,
            member: vec!["params"],
            message: format!("secret binding `{}` names no keys to fetch", cx.binding.name),
            hint: "list the keys in `params.properties`, key → property of the external secret, e.g. {\"API_KEY\": \"api_key\"}".to_string(),
        });
        return b;
    }
    let mut data = Vec::new();
    for name in &wanted {
        let property = properties.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map_or(name.as_str(), |(_, v)| v.as_str());
        data.push(json!({ "secretKey": name, "remoteRef": { "key": cx.params.text("key"), "property": property } }));
        b.outputs.push((name.clone(), Source::SecretKey { secret: secret.clone(), key: name.clone() }));
    }
    let mut spec = json!({
        "secretStoreRef": { "name": cx.params.text("store"), "kind": cx.params.text("store_kind") },
        "target": { "name": secret, "creationPolicy": "Owner" },
        "data": data,
    });
    if let Some(every) = cx.params.text("refresh_interval") {
        spec["refreshInterval"] = json!(every);
    }
    b.objects.push(BindingObject::new("external-secrets.io/v1", "ExternalSecret", &secret, spec));
    b
}
