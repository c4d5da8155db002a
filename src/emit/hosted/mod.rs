//! Hosted emitter (SPEC §6): Plan → one `x07.hosted.deployment@0.1.0` descriptor, a JSON
//! document a hosted X07 platform can act on without reading the manifest again. The format
//! is `format.rs`; this file fills it from the Plan and decides how bindings materialise.

mod format;

pub use format::*;

use super::{json_text, Artifact};
use crate::diagnostics::{codes, Diagnostic};
use crate::plan::{self, CellRole, Deployable, Plan, PlannedBinding, PlannedCell};
use crate::target::{HostedSettings, Resources};

/// The descriptor as an artifact (its problems: [`descriptor`]).
pub fn artifact(plan: &Plan) -> Artifact {
    let (descriptor, _) = descriptor(plan);
    let value = serde_json::to_value(&descriptor).expect("the hosted descriptor serialises");
    Artifact {
        path: FILE.to_string(),
        deployable: String::new(),
        kind: SCHEMA_VERSION.to_string(),
        name: plan.service_id.clone(),
        content: json_text(&descriptor),
        value,
        in_stream: true,
    }
}

/// The descriptor of a Plan, with the bindings the platform cannot materialise (XT601).
pub fn descriptor(plan: &Plan) -> (HostedDeployment, Vec<Diagnostic>) {
    let settings = plan.target.hosted.clone().unwrap_or_default();
    let mut diags = Vec::new();
    let bindings = plan
        .bindings
        .iter()
        .filter(|b| !b.used_by.is_empty())
        .filter_map(|b| match materialise(b, &settings) {
            Some(materialisation) => Some(HostedBinding {
                name: b.name.clone(),
                kind: b.kind,
                required: b.required,
                used_by: b.used_by.clone(),
                env_prefix: b.env_prefix.clone(),
                resolved_by: b.resolved_by.clone(),
                materialisation,
            }),
            None => {
                diags.push(not_materialisable(plan, b));
                None
            }
        })
        .collect();
    let descriptor = HostedDeployment {
        schema_version: SCHEMA_VERSION.to_string(),
        service: Service {
            service_id: plan.service_id.clone(),
            display_name: plan.display_name.clone(),
            domain_pack: plan.domain_pack.clone(),
            trust_profile: plan.trust_profile.clone(),
        },
        profile: plan.profile.clone(),
        environment: plan.environment.clone(),
        placement: plan.placement,
        platform: Platform { name: settings.platform.clone(), target: plan.target_name.clone() },
        deployables: plan.deployables.iter().filter(|d| d.runs_anything()).map(|d| deployable(plan, d)).collect(),
        bindings,
    };
    (descriptor, diags)
}

/// The materialisation rule (docs/decisions.md, "Hosted"): a `secret` or `keys` entry is an
/// external resource behind a secret reference; `config` alone (no `provider`) is an external
/// resource that needs no credentials; anything else is platform-managed. The provider kind is
/// the one the binding's rule chose (`bindings::choose`); `none` when the platform has none.
fn materialise(b: &PlannedBinding, settings: &HostedSettings) -> Option<Materialisation> {
    let provider_kind = Some(b.resolved_by.provider.clone()).filter(|p| p != crate::bindings::NO_PROVIDER)?;
    let config_only = !b.resolved_by.is_default() && b.provider.is_none() && !b.config.is_empty();
    if b.secret_from_profile || config_only {
        let secret_ref = b.secret_from_profile.then(|| SecretRef { store: settings.secrets_provider.clone(), name: b.secret.clone(), keys: b.keys.clone() });
        return Some(Materialisation::External { provider_kind, secret_ref, config: b.config.clone() });
    }
    Some(Materialisation::PlatformManaged { provider_kind, config: b.config.clone() })
}

fn not_materialisable(plan: &Plan, b: &PlannedBinding) -> Diagnostic {
    Diagnostic::about_file(
        &codes::BINDING_NOT_MATERIALISABLE,
        "",
        format!(
            "binding `{}` ({}) of profile `{}`: target `{}` manages no {} resource, and the profile says nothing about where one is",
            b.name, b.kind, plan.profile, plan.target_name, b.kind
        ),
        format!(
            "set `bindings.{}.secret` (an external resource whose credentials are in the platform's secret store) or `bindings.{}.provider` in profile `{}`, or add `{}` to `hosted.managed_providers` of target `{}`",
            b.name, b.name, plan.profile, b.kind, plan.target_name
        ),
    )
}

fn deployable(plan: &Plan, d: &Deployable) -> HostedDeployable {
    let serving: Vec<&PlannedCell> = d.processes().filter(|c| c.ingress.serves() && c.port.is_some()).collect();
    // One serving cell in the whole service is at `/`, several at `/<cell-key>`, whatever the placement.
    let path = |cell: &str| plan.route_path(cell, plan.routed.serving);
    let cells = d
        .cells
        .iter()
        .map(|c| HostedCell {
            key: c.key.clone(),
            cell_kind: c.kind,
            ingress_kind: c.ingress,
            runtime_class: c.runtime_class,
            scale_class: c.scale_class,
            entry_symbol: c.entry_symbol.clone(),
            topology_group: c.topology_group.clone(),
            role: match c.role {
                CellRole::Process => Role::Process,
                CellRole::Job => Role::Job,
                CellRole::Embedded => Role::Embedded,
            },
            route: serving.iter().find(|s| s.key == c.key).and_then(|s| Some(Route { port: s.port?, path: path(&s.key) })),
            subscription: c.event.as_ref().map(|e| Subscription {
                binding: e.binding_ref.clone(),
                binding_kind: e.binding_kind,
                topic: e.topic.clone(),
                consumer_group: e.consumer_group.clone(),
                ack_mode: e.ack_mode,
                max_in_flight: e.max_in_flight,
                drain_timeout_seconds: e.drain_timeout_seconds,
            }),
            schedule: c.schedule.as_ref().map(|s| HostedSchedule {
                cron: s.cron.clone(),
                timezone: s.timezone.clone(),
                concurrency_policy: s.concurrency_policy,
                retry_limit: s.retry_limit,
                start_deadline_seconds: s.start_deadline_seconds,
                suspend: s.suspend,
            }),
            probes: c.probes.clone().filter(|_| c.role != CellRole::Embedded),
            bindings: c.binding_refs.clone(),
            env: (*c.env).clone(),
            resources: Some(c.resources.clone()).filter(|r| *r != Resources::default()),
        })
        .collect();
    HostedDeployable {
        key: d.key.clone(),
        image: d.image.clone(),
        cells,
        scaling: match &d.scaling {
            plan::Scaling::Fixed { replicas, .. } => HostedScaling::Fixed { replicas: *replicas },
            plan::Scaling::Autoscaled(a) => HostedScaling::Autoscaled {
                min_replicas: a.min_replicas,
                max_replicas: a.max_replicas,
                target_cpu_utilization: a.smallest(plan::MetricKind::Cpu).map(|t| t as u8),
                target_inflight: a.smallest(plan::MetricKind::Inflight),
                metrics: a.metrics.iter().map(|m| format::HostedMetric { kind: m.kind.into(), target: m.target, cell: m.cell.clone() }).collect(),
            },
        },
        rollout: d.rollout.clone(),
        coordination: d
            .coordination
            .iter()
            .map(|c| Coordination {
                kind: match c.kind {
                    plan::LeaseKind::LeaderElection => CoordinationKind::LeaderElection,
                    plan::LeaseKind::WorkLeases => CoordinationKind::WorkLeases,
                },
                cell: c.cell.clone(),
                leases: c.leases.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::BindingKind;
    use crate::plan::ResolvedBy;
    use std::collections::BTreeMap;

    fn by(rule: &str, provider: &str) -> ResolvedBy {
        let file = (rule != crate::bindings::DEFAULT_RULE).then(|| "arch/topology/prod.json".to_string());
        ResolvedBy { rule: rule.to_string(), pointer: file.as_ref().map(|_| format!("/bindings/{rule}")), file, line: None, provider: provider.to_string() }
    }

    fn binding(resolved_by: ResolvedBy, kind: BindingKind) -> PlannedBinding {
        PlannedBinding {
            name: "db.primary".to_string(),
            kind,
            required: true,
            used_by: vec!["api".to_string()],
            resolved_by,
            outputs: Vec::new(),
            objects: Vec::new(),
            scaler_auth: None,
            scaler_auth_gap: None,
            volume: None,
            pod_annotations: Vec::new(),
            endpoints: Vec::new(),
            claim_schema: None,
            egress: Vec::new(),
            secret: "db-primary".to_string(),
            secret_from_profile: false,
            env_prefix: "X07_BINDING_DB_PRIMARY_".to_string(),
            keys: BTreeMap::new(),
            config: BTreeMap::new(),
            provider: None,
            partitions: None,
            notes: None,
        }
    }

    #[test]
    fn the_built_in_hosted_target_spells_out_the_defaults() {
        let (_, text) = crate::target::builtin("hosted-default").expect("hosted-default is built in");
        let file: serde_json::Value = serde_json::from_str(text).expect("targets/hosted-default.json is JSON");
        assert_eq!(file["hosted"], serde_json::to_value(HostedSettings::default()).expect("settings serialise"));
    }

    #[test]
    fn materialisation_modes() {
        let settings = HostedSettings::default();
        let managed = materialise(&binding(by("default", "lp.impl.bindings.postgres_v1"), BindingKind::Postgres), &settings);
        assert!(matches!(managed, Some(Materialisation::PlatformManaged { ref provider_kind, .. }) if provider_kind == "lp.impl.bindings.postgres_v1"));

        let mut external = binding(by("db.primary", "lp.impl.bindings.external_v1"), BindingKind::Postgres);
        external.secret = "orders-db".to_string();
        external.secret_from_profile = true;
        let Some(Materialisation::External { secret_ref: Some(r), provider_kind, .. }) = materialise(&external, &settings) else { panic!("external expected") };
        assert_eq!((r.name.as_str(), r.store.as_str(), provider_kind.as_str()), ("orders-db", "lp.impl.secrets.server_store_v1", "lp.impl.bindings.external_v1"));

        let mut config_only = binding(by("obs.otlp", "lp.impl.bindings.external_v1"), BindingKind::Otlp);
        config_only.config.insert("ENDPOINT".to_string(), "http://collector:4317".to_string());
        assert!(matches!(materialise(&config_only, &settings), Some(Materialisation::External { secret_ref: None, .. })));

        let mut named = config_only.clone();
        named.provider = Some("acme.otlp".to_string());
        named.resolved_by.provider = "acme.otlp".to_string();
        assert!(matches!(materialise(&named, &settings), Some(Materialisation::PlatformManaged { ref provider_kind, .. }) if provider_kind == "acme.otlp"));

        assert!(materialise(&binding(by("default", crate::bindings::NO_PROVIDER), BindingKind::Kafka), &settings).is_none());
    }
}
