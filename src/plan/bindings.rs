//! Binding resolution: each declared binding, materialised by the profile's entry or by
//! the target kind's default.

use super::{PlannedBinding, ResolvedBy};
use crate::checks::names;
use crate::manifest::Manifest;
use crate::profile::Profile;

pub fn resolve(manifest: &Manifest, profile: &Profile) -> Vec<PlannedBinding> {
    manifest
        .bindings()
        .iter()
        .map(|b| {
            let mut used_by: Vec<String> =
                manifest.cells.iter().filter(|c| c.binding_refs().contains(&b.name)).map(|c| c.cell_key.clone()).collect();
            used_by.sort();
            let entry = profile.bindings.get(&b.name);
            PlannedBinding {
                name: b.name.clone(),
                kind: b.kind,
                required: b.is_required(),
                used_by,
                resolved_by: if entry.is_some() { ResolvedBy::Profile } else { ResolvedBy::TargetDefault },
                secret: entry.and_then(|e| e.secret.clone()).unwrap_or_else(|| names::sanitize_dns1123(&b.name)),
                secret_from_profile: entry.is_some_and(|e| e.secret.is_some() || e.keys.is_some()),
                env_prefix: format!("X07_BINDING_{}_", names::env_token(&b.name)),
                keys: entry.and_then(|e| e.keys.clone()).unwrap_or_default(),
                config: entry.and_then(|e| e.config.clone()).unwrap_or_default(),
                provider: entry.and_then(|e| e.provider.clone()),
                notes: b.notes.clone(),
            }
        })
        .collect()
}
