//! The Plan's bindings: each declared binding built by the provider its rule chose
//! (`crate::bindings`), and the checks that need the deployables or every binding at once:
//! partitions vs autoscaling (XT318), KEDA triggers that cannot authenticate (XT321), objects
//! two bindings declare (XT320).

use super::{BindingObject, Deployable, PlannedBinding, PlannedCell, Scaling};
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
    // Binding name → the long-running cells that consume its events, with their
    // deployables, in deployable order: one pass, so the checks below are linear.
    let mut consumers: Consumers = BTreeMap::new();
    for d in deployables {
        for c in d.processes() {
            if let Some(e) = &c.event {
                consumers.entry(e.binding_ref.as_str()).or_default().push((d, c));
            }
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
            scaler_auth_gap: resolved.scaler_auth_gap,
            volume: resolved.volume,
            pod_annotations: resolved.pod_annotations,
            endpoints: resolved.endpoints,
            claim_schema: choice.claim_schema.clone().filter(|_| profile.target_kind == crate::manifest::TargetKind::K8s),
            egress: choice.entry.egress.clone().unwrap_or_default(),
            secret: resolved.secret,
            secret_from_profile: choice.entry.secret.is_some() || choice.entry.keys.is_some(),
            env_prefix: crate::bindings::env_prefix(&b.name),
            keys: choice.entry.keys.clone().unwrap_or_default(),
            config: choice.entry.config.clone().unwrap_or_default(),
            provider: choice.entry.provider.clone(),
            partitions: choice.provider.filter(|p| p.name == "strimzi").and_then(|_| choice.params.integer("partitions")),
            notes: b.notes.clone(),
        };
        let consuming = consumers.get(b.name.as_str()).map_or(&[][..], Vec::as_slice);
        check_partitions(profile, choice, &planned, consuming, diags);
        check_scaler_auth(profile, choice, &planned, consuming, diags);
        check_endpoint(profile, choice, &planned, diags);
        out.push(planned);
    }
    check_shared_objects(profile, &out, diags);
    out
}

/// Two bindings of one cell that would give its container the same variable (SPEC §7.2): a
/// variable named twice (`db` with output `PRIMARY_DSN` and `db.primary` with `DSN` are both
/// `X07_BINDING_DB_PRIMARY_DSN`), or one a binding's Secret prefix (`X07_BINDING_DB_*`, every
/// key of a Secret) takes in. Kubernetes keeps the last on a plain apply; server-side apply
/// refuses the pod. (cell, message, hint) of each, reported at the cell by lowering; each
/// cell once per variable, in linear time (sorted maps, one range per prefix).
pub fn variable_collisions(deployables: &[Deployable], bindings: &[PlannedBinding]) -> Vec<(String, String, String)> {
    let by_name: BTreeMap<&str, &PlannedBinding> = bindings.iter().map(|b| (b.name.as_str(), b)).collect();
    let mut out = Vec::new();
    for c in deployables.iter().flat_map(|d| &d.cells) {
        let mut named: BTreeMap<&str, &str> = BTreeMap::new();
        let mut prefixes: Vec<(&str, &str)> = Vec::new();
        let mut refs: Vec<&str> = c.binding_refs.iter().map(String::as_str).collect();
        refs.sort();
        refs.dedup();
        for b in refs.iter().filter_map(|r| by_name.get(r)) {
            for o in &b.outputs {
                if let Some(prefix) = o.variable.strip_suffix('*') {
                    prefixes.push((prefix, &b.name));
                    continue;
                }
                match named.get(o.variable.as_str()) {
                    Some(first) if *first != b.name => out.push(collision(&c.key, first, &b.name, &o.variable)),
                    Some(_) => {}
                    None => {
                        named.insert(&o.variable, &b.name);
                    }
                }
            }
        }
        for (prefix, owner) in prefixes {
            if let Some((var, other)) = named.range(prefix..).take_while(|(v, _)| v.starts_with(prefix)).find(|(_, b)| **b != owner) {
                out.push(collision(&c.key, owner, other, &format!("{var} (every key of `{owner}`'s Secret becomes {prefix}<KEY>)")));
            }
        }
    }
    out
}

fn collision(cell: &str, a: &str, b: &str, variable: &str) -> (String, String, String) {
    (
        cell.to_string(),
        format!("bindings `{a}` and `{b}` would both give cell `{cell}` the variable {variable}; Kubernetes keeps one of them on a plain apply and server-side apply refuses the pod"),
        format!("rename one of the bindings so their variable names cannot meet (e.g. `{a}` to `{a}.main`), or use one binding for both"),
    )
}

/// With network policies, a binding whose endpoint nobody knows gets its kind's usual port
/// to any address: say so, and where to give its CIDRs.
fn check_endpoint(profile: &Profile, choice: &crate::bindings::Choice, b: &PlannedBinding, diags: &mut Vec<Diagnostic>) {
    let enabled = profile.target_kind == crate::manifest::TargetKind::K8s && profile.target.k8s.as_ref().is_some_and(|k| k.network_policies);
    if !enabled || b.used_by.is_empty() || !crate::network::endpoint_unknown(b) {
        return;
    }
    let ports: Vec<String> = crate::bindings::endpoint::usual_ports(b.kind).iter().map(u16::to_string).collect();
    let message = format!(
        "profile `{}`: the endpoint of binding `{}` is unknown to provider `{}`, so the NetworkPolicies of its cells allow TCP {} to any address",
        profile.id,
        b.name,
        b.resolved_by.provider,
        ports.join(" and ")
    );
    let hint = format!("give the addresses it is at as `\"egress\": [\"10.20.0.0/16\"]` in `bindings.{}` of profile `{}`, or use an in-cluster operator's provider", b.name, profile.id);
    let d = match choice.tier {
        Some(_) => at(profile, choice, &choice.pointer, &codes::UNKNOWN_ENDPOINT, message, hint),
        // The built-in default: no rule to point at; the profile is where `egress` goes.
        None => Diagnostic::about_file(&codes::UNKNOWN_ENDPOINT, profile.files().first().copied().unwrap_or_default(), message, hint),
    };
    diags.push(d);
}

/// The cells that consume a binding's events, with their deployables.
type Consumers<'p> = BTreeMap<&'p str, Vec<(&'p Deployable, &'p PlannedCell)>>;

/// A KEDA trigger reads lag through the listener the cells use: when the cells authenticate
/// and KEDA cannot be told how (a mechanism KEDA cannot take, or one only a Secret holds),
/// the deployable would silently never scale on a listener that requires credentials.
fn check_scaler_auth(profile: &Profile, choice: &crate::bindings::Choice, b: &PlannedBinding, consumers: &[(&Deployable, &PlannedCell)], diags: &mut Vec<Diagnostic>) {
    let Some(why) = &b.scaler_auth_gap else { return };
    let mut scaled: Vec<&str> = consumers.iter().filter(|(d, _)| d.keda_scaled(&profile.target)).map(|(d, _)| d.key.as_str()).collect();
    scaled.dedup(); // a deployable's cells are next to each other
    if scaled.is_empty() {
        return;
    }
    let message = format!(
        "profile `{}`: the KEDA kafka trigger of {} cannot authenticate as the cells of binding `{}` do: {why}; on a listener that requires credentials KEDA reads no consumer lag and the deployable does not scale",
        profile.id,
        if scaled.len() == 1 { format!("deployable `{}`", scaled[0]) } else { format!("deployables {}", crate::diagnostics::list(scaled.iter().copied())) },
        b.name
    );
    let hint = "give the mechanism as `config.SASL_MECHANISM` (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512) and USERNAME and PASSWORD from Secret keys, or use provider `strimzi` with `user`".to_string();
    diags.push(at(profile, choice, &choice.pointer, &codes::SCALER_AUTH_UNAVAILABLE, message, hint));
}

/// Two bindings may declare the same object (two strimzi bindings consuming one topic): it is
/// emitted once, so they must declare it alike. The binding first by name owns it (its
/// `x07.io/binding` label), whatever the manifest's order; a binding that declares it
/// differently (another cluster, other partitions, other ACLs) is an error, not a silently
/// dropped spec.
fn check_shared_objects(profile: &Profile, bindings: &[PlannedBinding], diags: &mut Vec<Diagnostic>) {
    let mut emitted: Vec<&PlannedBinding> = bindings.iter().filter(|b| !b.used_by.is_empty() && !b.objects.is_empty()).collect();
    emitted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut owners: BTreeMap<(&str, &str), (&str, &BindingObject)> = BTreeMap::new();
    for b in emitted {
        for o in &b.objects {
            let Some((owner, first)) = owners.get(&(o.kind.as_str(), o.name.as_str())).copied() else {
                owners.insert((&o.kind, &o.name), (&b.name, o));
                continue;
            };
            if first.spec == o.spec && first.labels == o.labels && first.api_version == o.api_version {
                continue;
            }
            let Some(choice) = profile.resolution.get(&b.name) else { continue };
            let mut differs: Vec<String> = Vec::new();
            if first.labels != o.labels {
                differs.push("labels (`strimzi.io/cluster`: the cluster)".to_string());
            }
            let (a, z) = (first.spec.as_object(), o.spec.as_object());
            let keys: BTreeSet<&String> = a.into_iter().chain(z).flat_map(|m| m.keys()).collect();
            differs.extend(keys.into_iter().filter(|k| a.and_then(|m| m.get(*k)) != z.and_then(|m| m.get(*k))).map(|k| format!("`spec.{k}`")));
            let message = format!(
                "profile `{}`: bindings `{owner}` and `{}` both declare {} `{}`, differently ({}); it is emitted once, so one of them would silently lose its settings",
                profile.id,
                b.name,
                o.kind,
                o.name,
                differs.join(", ")
            );
            let hint = format!(
                "give `{}` the same params as `{owner}` for it (cluster, partitions, replicas, topic_config), consume the topic through one binding, or (a KafkaUser) give each binding its own `params.user`",
                b.name
            );
            diags.push(at(profile, choice, &choice.pointer, &codes::BINDING_OBJECT_CONFLICT, message, hint));
        }
    }
}

/// A diagnostic at `pointer` in the file of the rule `choice` (the profile's, else the target's).
fn at(profile: &Profile, choice: &crate::bindings::Choice, pointer: &crate::json::Pointer, code: &'static crate::diagnostics::Code, message: String, hint: String) -> Diagnostic {
    match (choice.tier, profile.document_at(&choice.pointer)) {
        (Some(Tier::Profile), Some(doc)) => Diagnostic::at(code, doc, pointer, message, hint),
        _ => Diagnostic::at(code, &profile.target_document, pointer, message, hint),
    }
}

/// A consumer group never has more active members than its topic has partitions: replicas
/// above that sit idle (SPEC §4.1, strimzi).
fn check_partitions(profile: &Profile, choice: &crate::bindings::Choice, b: &PlannedBinding, consumers: &[(&Deployable, &PlannedCell)], diags: &mut Vec<Diagnostic>) {
    let Some(partitions) = b.partitions else { return };
    for &(d, c) in consumers {
        let Scaling::Autoscaled(a) = &d.scaling else { continue };
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
        let pointer = choice.pointer.key("params").key("partitions");
        diags.push(at(profile, choice, &pointer, &codes::PARTITIONS_BELOW_MAX_REPLICAS, message, hint));
    }
}
