//! Binding resolution: each declared binding, materialised by the profile's entry or by
//! the target kind's default.

use super::{PlannedBinding, ResolvedBy};
use crate::checks::names;
use crate::manifest::Manifest;
use crate::profile::Profile;
use std::collections::{BTreeMap, BTreeSet};

pub fn resolve(manifest: &Manifest, profile: &Profile) -> Vec<PlannedBinding> {
    // Binding name → the cells that list it (each cell once): one pass over the cells.
    let mut users: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in &manifest.cells {
        let refs: BTreeSet<&str> = c.binding_refs().iter().map(String::as_str).collect();
        for r in refs {
            users.entry(r).or_default().push(&c.cell_key);
        }
    }
    manifest
        .bindings()
        .iter()
        .map(|b| {
            let mut used_by: Vec<String> = users.get(b.name.as_str()).into_iter().flatten().map(|k| k.to_string()).collect();
            used_by.sort();
            let entry = profile.bindings.get(&b.name);
            PlannedBinding {
                name: b.name.clone(),
                kind: b.kind,
                required: b.is_required(),
                used_by,
                resolved_by: if entry.is_some() { ResolvedBy::Profile } else { ResolvedBy::TargetDefault },
                secret: entry.and_then(|e| e.secret.clone()).unwrap_or_else(|| default_secret_name(&manifest.service_id, &b.name)),
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

/// The Secret a binding reads unless the profile names one (SPEC §4): `<service_id>-<binding>`,
/// so two services in one namespace never read each other's credentials by accident.
pub fn default_secret_name(service_id: &str, binding: &str) -> String {
    names::object_name(&[service_id, binding], names::MAX_OBJECT_NAME)
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
}
