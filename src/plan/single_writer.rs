//! sqlite has one writer (SPEC §4.1, `volume`): a deployable whose cells mount a sqlite
//! binding's volume runs exactly one replica, replaced with `Recreate` (a rolling update would
//! run the old and the new pod on one file, and a ReadWriteOnce claim may not attach twice).
//! A deployable that may run more (fixed replicas, autoscaling, a singleton's standby) is an
//! error naming the cell, the binding and the profile member to change. It reads the
//! deployable's final scaling, whatever merged it, so it composes with any scaling rule.

use super::{Deployable, PlannedBinding, Scaling};
use crate::diagnostics::{codes, Diagnostic};
use crate::document::Document;
use crate::json::Pointer;
use crate::manifest::{Manifest, Rollout, RolloutStrategy};
use crate::profile::Profile;
use std::collections::BTreeMap;

/// Checks every deployable against the sqlite bindings its cells mount, and gives the ones
/// that pass the `Recreate` strategy. Linear in cells × their binding references.
pub fn enforce(manifest: &Manifest, manifest_doc: &Document, profile: &Profile, deployables: &mut [Deployable], bindings: &[PlannedBinding], diags: &mut Vec<Diagnostic>) {
    let volumes: BTreeMap<&str, &PlannedBinding> = bindings.iter().filter(|b| b.volume.is_some()).map(|b| (b.name.as_str(), b)).collect();
    if volumes.is_empty() {
        return;
    }
    for d in deployables.iter_mut() {
        // (cell, binding) of the first long-running cell that mounts a sqlite volume.
        let writer = d.processes().find_map(|c| c.binding_refs.iter().find(|r| volumes.contains_key(r.as_str())).map(|r| (c.key.clone(), r.clone())));
        let Some((cell, binding)) = writer else { continue };
        let most = match &d.scaling {
            Scaling::Fixed { replicas, source } => (*replicas > 1).then(|| format!("{replicas} replicas ({source})")),
            Scaling::Autoscaled(a) => (a.max_replicas > 1 || a.min_replicas > 1).then(|| format!("up to {} replicas by autoscaling ({})", a.max_replicas, a.source)),
        };
        match most {
            Some(most) => {
                let position = manifest.cell_position(&cell).unwrap_or(0);
                let index = manifest.cell(&cell).and_then(|c| c.binding_refs().iter().position(|r| *r == binding)).unwrap_or(0);
                let at = Pointer::root().key("cells").index(position).key("binding_refs").index(index);
                diags.push(Diagnostic::at(
                    &codes::SQLITE_SCALED,
                    manifest_doc,
                    &at,
                    format!(
                        "profile `{}`: cell `{cell}` writes sqlite binding `{binding}`, whose file has one writer, but deployable `{}` may run {most}",
                        profile.id, d.key
                    ),
                    format!(
                        "set `groups.{}.replicas: 1` in profile `{}` (it overrides the cells' autoscaling); or, when other cells of `{}` ask for the replicas, move `{cell}` to a topology group of its own (the manifest's `topology_group` or the profile's `regroup`)",
                        d.key, profile.id, d.key
                    ),
                ));
            }
            None => {
                let mut rollout = d.rollout.clone().unwrap_or(Rollout { strategy: RolloutStrategy::Recreate, max_unavailable: None, max_surge: None, canary_percent: None });
                if rollout.strategy != RolloutStrategy::Recreate {
                    let note = format!("rollout {} replaced by Recreate: sqlite binding `{binding}` has one writer", rollout.strategy.as_str());
                    if let Some(c) = d.cells.iter_mut().find(|c| c.key == cell) {
                        c.parity.push(note);
                    }
                }
                rollout.strategy = RolloutStrategy::Recreate;
                rollout.max_unavailable = None;
                rollout.max_surge = None;
                rollout.canary_percent = None;
                d.rollout = Some(rollout);
            }
        }
    }
}
