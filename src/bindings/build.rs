//! Building each binding in lowering: the chosen provider gives the source of every output
//! and the objects it needs; a required output with no source is an error.

use super::providers::{self, BuildCx, Consumer};
use super::rules::Tier;
use super::{env_prefix, outputs, BindingObject, Choice, Output, ResolvedBy, ScalerAuth, Source};
use crate::diagnostics::{codes, Code, Diagnostic};
use crate::manifest::{BindingKind, Manifest, ResourceBinding, TargetKind};
use crate::profile::Profile;
use std::collections::BTreeSet;

/// A binding as its provider resolves it.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub resolved_by: ResolvedBy,
    /// The Secret the cells read (the default name when the provider reads none).
    pub secret: String,
    /// Declared outputs first (in the kind's order), then the entry's extra keys.
    pub outputs: Vec<Output>,
    pub objects: Vec<BindingObject>,
    /// Kubernetes: how a KEDA trigger on the binding authenticates.
    pub scaler_auth: Option<ScalerAuth>,
    /// Kubernetes: why a KEDA trigger on the binding cannot authenticate as its cells do.
    pub scaler_auth_gap: Option<String>,
    /// Kubernetes: the volume its cells mount.
    pub volume: Option<super::BindingVolume>,
    /// Kubernetes: annotations on the pods of its cells.
    pub pod_annotations: Vec<(String, String)>,
    /// Kubernetes: where the in-cluster endpoint runs (pod labels and ports).
    pub endpoints: Vec<super::endpoints::Endpoint>,
}

/// Resolves one binding under its choice.
pub fn build(manifest: &Manifest, profile: &Profile, namespace: Option<&str>, b: &ResourceBinding, choice: &Choice, diags: &mut Vec<Diagnostic>) -> Resolved {
    let mut consumers: Vec<Consumer> = manifest
        .cells
        .iter()
        .filter_map(|c| {
            let e = c.runtime.as_ref()?.event.as_ref()?;
            (e.binding_ref == b.name).then(|| Consumer { topic: e.topic.clone(), consumer_group: e.consumer_group.clone(), cell: c.cell_key.clone() })
        })
        .collect();
    consumers.sort();
    let mut from_config = Vec::new();
    for (key, value) in choice.entry.config.iter().flatten() {
        let name = outputs::named(b.kind, key).map_or(key.as_str(), |o| o.name);
        from_config.push((name.to_string(), Source::Config { value: value.clone() }));
    }
    let given: BTreeSet<String> = from_config.iter().map(|(n, _)| n.clone()).collect();
    let def = choice.provider.unwrap_or(&providers::SECRET_FOR_OTHER_TARGETS);
    let cx = BuildCx { service_id: &manifest.service_id, binding: b, entry: &choice.entry, params: &choice.params, namespace, consumers: &consumers, from_config: &given };
    let built = (def.build)(&cx);

    let at = |code: &'static Code, member: &[&str], message: String, hint: String| {
        let pointer = member.iter().fold(choice.pointer.clone(), |p, m| p.key(m));
        match (choice.tier, profile.document_at(&choice.pointer)) {
            (Some(Tier::Profile), Some(doc)) => Diagnostic::at(code, doc, &pointer, message, hint),
            (Some(Tier::Target), _) => Diagnostic::at(code, &profile.target_document, &pointer, message, hint),
            _ => Diagnostic::about_file(code, "", message, hint),
        }
    };
    for p in built.problems {
        diags.push(at(p.code, &p.member, format!("profile `{}`: {}", profile.id, p.message), p.hint));
    }

    let prefix = env_prefix(&b.name);
    let mut all: Vec<(String, Source)> = from_config;
    all.extend(built.outputs.into_iter().filter(|(n, _)| !given.contains(n)));
    let declared = outputs::of(b.kind);
    all.sort_by_key(|(n, _)| (declared.iter().position(|o| o.name == *n).unwrap_or(declared.len()), n.clone()));
    let outputs: Vec<Output> = all.into_iter().map(|(name, source)| Output { variable: format!("{prefix}{name}"), name, source }).collect();

    // On wasmCloud the capability provider reads its own keys (checked against the catalog),
    // and a hosted platform provides what it manages.
    let checks_outputs = profile.target_kind == TargetKind::K8s;
    for o in declared.iter().filter(|o| checks_outputs && o.required && !outputs.iter().any(|x| x.name == o.name)) {
        let by = if choice.resolved_by.is_default() { "the built-in default".to_string() } else { format!("rule `{}`", choice.resolved_by.rule) };
        diags.push(at(
            &codes::REQUIRED_OUTPUT_MISSING,
            &[],
            format!("profile `{}`: binding `{}` ({}) needs output {}, and provider `{}` of {by} gives it no source", profile.id, b.name, b.kind, o.name, choice.resolved_by.provider),
            hint_for(def.name, o.name),
        ));
    }
    // The provider knows best; else a kafka binding's outputs say what KEDA needs.
    let k8s = profile.target_kind == TargetKind::K8s;
    let (scaler_auth, scaler_auth_gap) = match built.scaler_auth {
        Some(a) => (Some(a), None),
        None if k8s && b.kind == BindingKind::Kafka => match super::scaler_auth::for_kafka(&outputs) {
            Ok(a) => (a, None),
            Err(why) => (None, Some(why)),
        },
        None => (None, None),
    };
    let endpoints = match def.name {
        _ if !k8s => Vec::new(),
        "opentelemetry" if choice.params.flag("sidecar") => Vec::new(), // in the pod itself
        "opentelemetry" => {
            let port = super::providers::otlp_port(choice.params.text("protocol").unwrap_or("grpc"));
            super::endpoints::of(def.name, &|p| choice.params.text(p).map(str::to_string), namespace, Some(port))
        }
        name => super::endpoints::of(name, &|p| choice.params.text(p).map(str::to_string), namespace, None),
    };
    Resolved {
        endpoints,
        resolved_by: choice.resolved_by.clone(),
        secret: built.secret.unwrap_or_else(|| super::default_secret_name(&manifest.service_id, &b.name)),
        outputs,
        objects: if profile.target_kind == TargetKind::K8s { built.objects } else { Vec::new() },
        scaler_auth: scaler_auth.filter(|a| k8s && !a.is_empty()),
        scaler_auth_gap,
        volume: built.volume.filter(|_| k8s),
        pod_annotations: if k8s { built.pod_annotations } else { Vec::new() },
    }
}

fn hint_for(provider: &str, output: &str) -> String {
    match provider {
        "config" => format!("add `config.{output}`, or use a provider that reads it from a Secret"),
        "secret" => format!("add `keys.{output}` (the Secret key that holds it), or drop `keys` to read every key of the Secret"),
        _ => format!("add `config.{output}`, or choose a provider that gives it"),
    }
}
