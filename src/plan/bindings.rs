//! The Plan's bindings: each declared binding built by the provider its rule chose
//! (`crate::bindings`), and the checks that need the deployables (partitions vs autoscaling).

use super::{Deployable, PlannedBinding, Scaling};
use crate::bindings::rules::Tier;
use crate::diagnostics::{codes, Diagnostic};
use crate::manifest::Manifest;
use crate::profile::Profile;
use std::collections::{BTreeMap, BTreeSet};

pub fn resolve(manifest: &Manifest, profile: &Profile, namespace: Option<&str>, deployables: &[Deployable], diags: &mut Vec<Diagnostic>) -> Vec<PlannedBinding> {
    // Binding name → the cells that list it (each cell once): one pass over the cells.
    let mut users: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in &manifest.cells {
        let refs: BTreeSet<&str> = c.binding_refs().iter().map(String::as_str).collect();
        for r in refs {
            users.entry(r).or_default().push(&c.cell_key);
        }
    }
    let mut out = Vec::new();
    for b in manifest.bindings() {
        let Some(choice) = profile.resolution.get(&b.name) else { continue }; // reported when the profile was resolved
        let resolved = crate::bindings::build(manifest, profile, namespace, b, choice, diags);
        let mut used_by: Vec<String> = users.get(b.name.as_str()).into_iter().flatten().map(|k| k.to_string()).collect();
        used_by.sort();
        let planned = PlannedBinding {
            name: b.name.clone(),
            kind: b.kind,
            required: b.is_required(),
            used_by,
            resolved_by: resolved.resolved_by,
            outputs: resolved.outputs,
            objects: resolved.objects,
            scaler_auth: resolved.scaler_auth,
            secret: resolved.secret,
            secret_from_profile: choice.entry.secret.is_some() || choice.entry.keys.is_some(),
            env_prefix: crate::bindings::env_prefix(&b.name),
            keys: choice.entry.keys.clone().unwrap_or_default(),
            config: choice.entry.config.clone().unwrap_or_default(),
            provider: choice.entry.provider.clone(),
            partitions: choice.provider.filter(|p| p.name == "strimzi").and_then(|_| choice.params.integer("partitions")),
            notes: b.notes.clone(),
        };
        check_partitions(profile, choice, &planned, deployables, diags);
        out.push(planned);
    }
    out
}

/// A consumer group never has more active members than its topic has partitions: replicas
/// above that sit idle (SPEC §4.1, strimzi).
fn check_partitions(profile: &Profile, choice: &crate::bindings::Choice, b: &PlannedBinding, deployables: &[Deployable], diags: &mut Vec<Diagnostic>) {
    let Some(partitions) = b.partitions else { return };
    for d in deployables {
        let Scaling::Autoscaled(a) = &d.scaling else { continue };
        for c in d.processes().filter(|c| c.event.as_ref().is_some_and(|e| e.binding_ref == b.name)) {
            if i64::from(a.max_replicas) <= partitions {
                continue;
            }
            let topic = c.event.as_ref().map_or("", |e| e.topic.as_str());
            let message = format!(
                "profile `{}`: deployable `{}` scales to {} replicas, but topic `{topic}` (binding `{}`) has {partitions} partitions, so {} consumers of cell `{}` would sit idle",
                profile.id,
                d.key,
                a.max_replicas,
                b.name,
                i64::from(a.max_replicas) - partitions,
                c.key
            );
            let hint = format!("lower max_replicas to {partitions} (`groups.{}.autoscaling` or `cells.{}.autoscaling`), or raise `params.partitions`", d.key, c.key);
            let at = choice.pointer.key("params").key("partitions");
            let diag = match (choice.tier, profile.document_at(&choice.pointer)) {
                (Some(Tier::Profile), Some(doc)) => Diagnostic::at(&codes::PARTITIONS_BELOW_MAX_REPLICAS, doc, &at, message, hint),
                _ => Diagnostic::at(&codes::PARTITIONS_BELOW_MAX_REPLICAS, &profile.target_document, &at, message, hint),
            };
            diags.push(diag);
        }
    }
}
