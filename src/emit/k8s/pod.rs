//! Pod templates: containers, the X07 environment contract, probes, security; and the
//! Deployment and CronJob that carry them.

use super::names::{container, Names, ROLE_LABEL};
use super::objects::Autoscaler;
use super::{to_value, Object};
use crate::checks::names::env_token;
use crate::manifest::{BindingKind, ConcurrencyPolicy, IngressKind, IntOrPercent, Probe, ProbeKind, RolloutStrategy, RuntimeClass};
use crate::plan::{Deployable, LeaseKind, Output, Plan, PlannedBinding, PlannedCell, Scaling, Source};
use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment};
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::{
    Capabilities, ConfigMapKeySelector, Container, ContainerPort, EmptyDirVolumeSource, EnvFromSource, EnvVar, EnvVarSource, ExecAction,
    HTTPGetAction, ObjectFieldSelector, PodSecurityContext, PodSpec, PodTemplateSpec, Probe as K8sProbe, ResourceRequirements,
    PersistentVolumeClaimVolumeSource, SeccompProfile, SecretEnvSource, SecretKeySelector, SecurityContext, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

pub fn meta(names: &Names, name: &str, labels: BTreeMap<String, String>) -> ObjectMeta {
    ObjectMeta { name: Some(name.to_string()), namespace: names.namespace.clone(), labels: Some(labels), ..Default::default() }
}

pub fn int_or_percent(s: &str) -> Option<IntOrString> {
    match IntOrPercent::parse(s).ok()? {
        IntOrPercent::Count(n) => Some(IntOrString::Int(n as i32)),
        IntOrPercent::Percent(p) => Some(IntOrString::String(format!("{p}%"))),
    }
}

/// The workload that runs the long-running cells: an Argo Rollout for canary-lite on a
/// target with Argo Rollouts, else a Deployment.
pub fn workload_kind(plan: &Plan, d: &Deployable) -> (&'static str, &'static str) {
    let canary = d.rollout.as_ref().is_some_and(|r| r.strategy == RolloutStrategy::CanaryLite);
    if canary && plan.target.k8s.as_ref().is_some_and(|k| k.argo_rollouts) {
        ("argoproj.io/v1alpha1", "Rollout")
    } else {
        ("apps/v1", "Deployment")
    }
}

/// The Deployment, or the Argo Rollout with the same pod template and a canary strategy.
pub fn workload(plan: &Plan, d: &Deployable, names: &Names, autoscaler: &Autoscaler) -> Object {
    let deployment = deployment(plan, d, names, autoscaler);
    if workload_kind(plan, d).1 == "Deployment" {
        return deployment;
    }
    let mut value = deployment.value;
    let rollout = d.rollout.as_ref().expect("a Rollout is only made for canary-lite");
    let weight = rollout.canary_percent.unwrap_or(20);
    let mut canary = serde_json::json!({ "steps": [{ "setWeight": weight }, { "pause": {} }] });
    for (field, bound) in [("maxSurge", &rollout.max_surge), ("maxUnavailable", &rollout.max_unavailable)] {
        if let Some(v) = bound.as_deref().and_then(int_or_percent) {
            canary[field] = serde_json::to_value(v).expect("IntOrString serialises");
        }
    }
    value["apiVersion"] = "argoproj.io/v1alpha1".into();
    value["kind"] = "Rollout".into();
    let spec = value["spec"].as_object_mut().expect("a Deployment has a spec");
    spec.insert("strategy".to_string(), serde_json::json!({ "canary": canary }));
    if let Some(annotations) = value["metadata"]["annotations"].as_object_mut() {
        annotations.remove("x07.io/rollout-strategy");
    }
    Object { kind: "Rollout", name: deployment.name, value }
}

fn deployment(plan: &Plan, d: &Deployable, names: &Names, autoscaler: &Autoscaler) -> Object {
    let cells: Vec<&PlannedCell> = d.processes().collect();
    let mut labels = names.labels();
    let mut pod_labels = names.labels();
    pod_labels.insert(ROLE_LABEL.to_string(), "process".to_string());
    if let [only] = cells.as_slice() {
        labels.extend(names.cell_labels(only));
        pod_labels.extend(names.cell_labels(only));
    }
    let mut annotations = BTreeMap::new();
    let replicas = match (&d.scaling, autoscaler) {
        (_, Autoscaler::Hpa(_) | Autoscaler::Keda(_)) => None,
        (Scaling::Fixed { replicas, .. }, Autoscaler::None) => Some(*replicas as i32),
        (Scaling::Autoscaled(a), Autoscaler::None) => {
            // One target: its number; several: `cell=N` each (`*` for the pod's).
            let inflight: Vec<_> = a.metrics_of(crate::plan::MetricKind::Inflight).collect();
            let value = match inflight.as_slice() {
                [] => None,
                [one] => Some(one.target.to_string()),
                many => Some(many.iter().map(|m| format!("{}={}", m.cell.as_deref().unwrap_or("*"), m.target)).collect::<Vec<_>>().join(",")),
            };
            if let Some(v) = value {
                annotations.insert("x07.io/autoscaling-target-inflight".to_string(), v);
            }
            annotations.insert("x07.io/autoscaling-max-replicas".to_string(), a.max_replicas.to_string());
            Some(a.min_replicas.max(1) as i32)
        }
    };
    let strategy = d.rollout.as_ref().map(|r| match r.strategy {
        RolloutStrategy::Recreate => DeploymentStrategy { type_: Some("Recreate".to_string()), rolling_update: None },
        RolloutStrategy::Rolling | RolloutStrategy::CanaryLite => {
            let canary = r.strategy == RolloutStrategy::CanaryLite;
            if canary {
                annotations.insert("x07.io/rollout-strategy".to_string(), "canary-lite".to_string());
                if let Some(p) = r.canary_percent {
                    annotations.insert("x07.io/rollout-canary-percent".to_string(), p.to_string());
                }
            }
            let max_unavailable = if canary { Some(IntOrString::Int(0)) } else { r.max_unavailable.as_deref().and_then(int_or_percent) };
            let mut max_surge = r.max_surge.as_deref().and_then(int_or_percent);
            if canary && max_surge.is_none() {
                max_surge = Some(IntOrString::Int(1)); // with maxUnavailable 0, a surge of at least 1 lets it proceed
            }
            DeploymentStrategy { type_: Some("RollingUpdate".to_string()), rolling_update: Some(RollingUpdateDeployment { max_unavailable, max_surge }) }
        }
    });
    let mut metadata = meta(names, &names.base, labels);
    if !annotations.is_empty() {
        metadata.annotations = Some(annotations);
    }
    let containers = cells.iter().map(|c| container_of(plan, d, c, names)).collect();
    let deployment = Deployment {
        metadata,
        spec: Some(DeploymentSpec {
            replicas,
            selector: LabelSelector { match_labels: Some(names.selector()), ..Default::default() },
            strategy,
            template: PodTemplateSpec {
                metadata: Some(with_binding_annotations(pod_meta(d, pod_labels), plan, &cells)),
                spec: Some(pod_spec(plan, d, &cells, containers, names, None)),
            },
            ..Default::default()
        }),
        ..Default::default()
    };
    Object { kind: "Deployment", name: names.base.clone(), value: to_value(&deployment) }
}

pub fn cron_job(plan: &Plan, d: &Deployable, cell: &PlannedCell, names: &Names) -> Object {
    let name = names.cron_job(cell);
    let s = cell.schedule.as_ref().expect("scheduled cells have a schedule");
    let mut pod_labels = names.cell_labels(cell);
    pod_labels.insert(ROLE_LABEL.to_string(), "job".to_string());
    let policy = s.concurrency_policy.map(|p| match p {
        ConcurrencyPolicy::Allow => "Allow",
        ConcurrencyPolicy::Forbid => "Forbid",
        ConcurrencyPolicy::Replace => "Replace",
    });
    let containers = vec![container_of(plan, d, cell, names)];
    let cron = CronJob {
        metadata: meta(names, &name, names.cell_labels(cell)),
        spec: Some(CronJobSpec {
            schedule: s.cron.clone(),
            time_zone: s.timezone.clone(),
            concurrency_policy: policy.map(str::to_string),
            starting_deadline_seconds: s.start_deadline_seconds.map(i64::from),
            suspend: s.suspend,
            job_template: JobTemplateSpec {
                metadata: Some(ObjectMeta { labels: Some(names.cell_labels(cell)), ..Default::default() }),
                spec: Some(JobSpec {
                    backoff_limit: s.retry_limit.map(|r| r as i32),
                    template: PodTemplateSpec {
                        metadata: Some(with_binding_annotations(pod_meta(d, pod_labels), plan, &[cell])),
                        spec: Some(pod_spec(plan, d, &[cell], containers, names, Some("OnFailure"))),
                    },
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        ..Default::default()
    };
    Object { kind: "CronJob", name, value: to_value(&cron) }
}

/// A pod template's metadata: the compiler's labels, then the profile group's labels and
/// annotations (none of them a key the compiler owns: checked when the profile was read).
/// The annotations the cells' bindings ask for (an injected sidecar) added to a pod's
/// metadata; they win over a profile's pod annotation of the same key.
fn with_binding_annotations(mut meta: ObjectMeta, plan: &Plan, cells: &[&PlannedCell]) -> ObjectMeta {
    if let Some(extra) = pod_annotations(plan, cells) {
        meta.annotations.get_or_insert_with(BTreeMap::new).extend(extra);
    }
    meta
}

fn pod_meta(d: &Deployable, mut labels: BTreeMap<String, String>) -> ObjectMeta {
    for (k, v) in &d.identity.pod_labels {
        labels.entry(k.clone()).or_insert_with(|| v.clone());
    }
    let annotations = (!d.identity.pod_annotations.is_empty()).then(|| d.identity.pod_annotations.clone());
    ObjectMeta { labels: Some(labels), annotations, ..Default::default() }
}

fn pod_spec(plan: &Plan, d: &Deployable, cells: &[&PlannedCell], containers: Vec<Container>, names: &Names, restart: Option<&str>) -> PodSpec {
    let leases = super::objects::holds_leases(d) && restart.is_none();
    let drain = cells.iter().filter_map(|c| c.event.as_ref().and_then(|e| e.drain_timeout_seconds)).max();
    let wasm = cells.iter().any(|c| c.runtime_class == RuntimeClass::WasmComponent);
    PodSpec {
        containers,
        restart_policy: restart.map(str::to_string),
        service_account_name: Some(names.base.clone()),
        automount_service_account_token: Some(leases),
        termination_grace_period_seconds: drain.map(i64::from),
        runtime_class_name: if wasm { plan.target.k8s.as_ref().and_then(|k| k.wasm_runtime_class.clone()) } else { None },
        security_context: Some(PodSecurityContext {
            run_as_non_root: Some(true),
            seccomp_profile: Some(SeccompProfile { type_: "RuntimeDefault".to_string(), ..Default::default() }),
            ..Default::default()
        }),
        // A read-only root file system still needs somewhere to write temporary files; and
        // each sqlite binding of the pod's cells its own folder.
        volumes: Some(pod_volumes(plan, cells)),
        ..Default::default()
    }
}

fn container_of(plan: &Plan, d: &Deployable, c: &PlannedCell, names: &Names) -> Container {
    let (env, env_from) = environment(plan, d, c, names);
    let port_name = |p: u16| format!("{}-{p}", if c.ingress == IngressKind::Mcp { "mcp" } else { "http" });
    let quantities = |pairs: [(&str, &Option<String>); 2]| -> BTreeMap<String, Quantity> {
        pairs.into_iter().filter_map(|(k, v)| Some((k.to_string(), Quantity(v.clone()?)))).collect()
    };
    let requests = quantities([("cpu", &c.resources.cpu), ("memory", &c.resources.memory)]);
    let limits = quantities([("cpu", &c.resources.cpu_limit), ("memory", &c.resources.memory_limit)]);
    let probe = |name: &str| -> Option<K8sProbe> {
        let p = c.probes.as_ref()?;
        let probe = match name {
            "startup" => p.startup.as_ref(),
            "readiness" => p.readiness.as_ref(),
            _ => p.liveness.as_ref(),
        }?;
        Some(k8s_probe(probe, c.port.unwrap_or(plan.target.k8s.as_ref().map_or(8080, |k| k.default_port))))
    };
    Container {
        name: container(c),
        image: d.image.clone(),
        image_pull_policy: Some("IfNotPresent".to_string()),
        ports: c.port.map(|p| vec![ContainerPort { name: Some(port_name(p)), container_port: p.into(), protocol: Some("TCP".to_string()), ..Default::default() }]),
        env: Some(env),
        env_from: (!env_from.is_empty()).then_some(env_from),
        resources: (!requests.is_empty() || !limits.is_empty()).then(|| ResourceRequirements {
            requests: (!requests.is_empty()).then_some(requests),
            limits: (!limits.is_empty()).then_some(limits),
            ..Default::default()
        }),
        startup_probe: probe("startup"),
        readiness_probe: probe("readiness"),
        liveness_probe: probe("liveness"),
        security_context: Some(SecurityContext {
            allow_privilege_escalation: Some(false),
            read_only_root_filesystem: Some(true),
            run_as_non_root: Some(true),
            capabilities: Some(Capabilities { drop: Some(vec!["ALL".to_string()]), ..Default::default() }),
            ..Default::default()
        }),
        volume_mounts: Some(volume_mounts(plan, c)),
        ..Default::default()
    }
}

/// The pod volume of a binding's folder: `binding-<binding>` (a DNS label, cut and hashed when long).
fn binding_volume_name(binding: &str) -> String {
    crate::checks::names::object_name(&["binding", binding], 63)
}

/// The bindings with a volume that `cells` list, each once, in plan order.
fn volume_bindings<'p>(plan: &'p Plan, cells: &[&PlannedCell]) -> Vec<&'p PlannedBinding> {
    plan.bindings.iter().filter(|b| b.volume.is_some() && cells.iter().any(|c| c.binding_refs.contains(&b.name))).collect()
}

fn pod_volumes(plan: &Plan, cells: &[&PlannedCell]) -> Vec<Volume> {
    let mut out = vec![Volume { name: "tmp".to_string(), empty_dir: Some(EmptyDirVolumeSource::default()), ..Default::default() }];
    for b in volume_bindings(plan, cells) {
        let Some(v) = &b.volume else { continue };
        let mut volume = Volume { name: binding_volume_name(&b.name), ..Default::default() };
        match &v.claim {
            Some(claim) => volume.persistent_volume_claim = Some(PersistentVolumeClaimVolumeSource { claim_name: claim.clone(), read_only: Some(false) }),
            None => volume.empty_dir = Some(EmptyDirVolumeSource::default()),
        }
        out.push(volume);
    }
    out
}

fn volume_mounts(plan: &Plan, c: &PlannedCell) -> Vec<VolumeMount> {
    let mut out = vec![VolumeMount { name: "tmp".to_string(), mount_path: "/tmp".to_string(), ..Default::default() }];
    for b in volume_bindings(plan, &[c]) {
        let Some(v) = &b.volume else { continue };
        out.push(VolumeMount { name: binding_volume_name(&b.name), mount_path: v.mount_path.clone(), read_only: Some(false), ..Default::default() });
    }
    out
}

/// Annotations the bindings of `cells` ask for on their pods (an injected sidecar).
pub fn pod_annotations(plan: &Plan, cells: &[&PlannedCell]) -> Option<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for b in plan.bindings.iter().filter(|b| !b.pod_annotations.is_empty() && cells.iter().any(|c| c.binding_refs.contains(&b.name))) {
        out.extend(b.pod_annotations.iter().cloned());
    }
    (!out.is_empty()).then_some(out)
}

fn k8s_probe(p: &Probe, default_port: u16) -> K8sProbe {
    let (http_get, exec) = match p.probe_kind {
        ProbeKind::Http => (
            Some(HTTPGetAction { path: p.path.clone(), port: IntOrString::Int(p.port.unwrap_or(default_port).into()), ..Default::default() }),
            None,
        ),
        ProbeKind::Exec => (None, Some(ExecAction { command: p.command.clone() })),
    };
    let i = |v: Option<u32>| v.map(|v| v as i32);
    K8sProbe {
        http_get,
        exec,
        initial_delay_seconds: i(p.initial_delay_seconds),
        period_seconds: i(p.period_seconds),
        timeout_seconds: i(p.timeout_seconds),
        success_threshold: i(p.success_threshold),
        failure_threshold: i(p.failure_threshold),
        ..Default::default()
    }
}

fn plain(name: &str, value: impl Into<String>) -> EnvVar {
    EnvVar { name: name.to_string(), value: Some(value.into()), value_from: None }
}

fn from(name: &str, source: EnvVarSource) -> EnvVar {
    EnvVar { name: name.to_string(), value: None, value_from: Some(source) }
}

fn field(name: &str, path: &str) -> EnvVar {
    from(name, EnvVarSource { field_ref: Some(ObjectFieldSelector { field_path: path.to_string(), ..Default::default() }), ..Default::default() })
}

fn secret_key(name: &str, secret: &str, key: &str, optional: bool) -> EnvVar {
    from(
        name,
        EnvVarSource {
            secret_key_ref: Some(SecretKeySelector { name: secret.to_string(), key: key.to_string(), optional: Some(optional) }),
            ..Default::default()
        },
    )
}

fn config_key(name: &str, config_map: &str, key: &str) -> EnvVar {
    from(
        name,
        EnvVarSource {
            config_map_key_ref: Some(ConfigMapKeySelector { name: config_map.to_string(), key: key.to_string(), optional: Some(false) }),
            ..Default::default()
        },
    )
}

/// The variable `name` holding one output, read from where the output comes from.
fn output_var(name: &str, b: &PlannedBinding, o: &Output, config_map: &str) -> Option<EnvVar> {
    let optional = !b.required;
    Some(match &o.source {
        Source::SecretKey { secret, key } => secret_key(name, secret, key, optional),
        Source::SecretPrefix { secret } => secret_key(name, secret, &o.name, optional),
        Source::Config { .. } => config_key(name, config_map, &config_map_key(&b.name, &o.name)),
        Source::Composed { template } => plain(name, template),
        Source::ConfigMapKey { config_map, key } => from(
            name,
            EnvVarSource {
                config_map_key_ref: Some(ConfigMapKeySelector { name: config_map.clone(), key: key.clone(), optional: Some(optional) }),
                ..Default::default()
            },
        ),
    })
    .filter(|_| o.name != "*")
}

/// The ConfigMap key of a binding's config value.
pub fn config_map_key(binding: &str, key: &str) -> String {
    format!("{}_{key}", env_token(binding))
}

/// The container environment: upstream's X07 contract, OpenTelemetry, bindings, then the
/// profile's plain variables.
fn environment(plan: &Plan, d: &Deployable, c: &PlannedCell, names: &Names) -> (Vec<EnvVar>, Vec<EnvFromSource>) {
    let mut env = vec![
        plain("X07_ENTRY_SYMBOL", &c.entry_symbol),
        plain("X07_WORKLOAD_CELL_KEY", &c.key),
        plain("X07_WORKLOAD_CELL_KIND", c.kind.as_str()),
        plain("X07_WORKLOAD_INGRESS_KIND", c.ingress.as_str()),
        plain("X07_WORKLOAD_RUNTIME_CLASS", c.runtime_class.as_str()),
        plain("X07_WORKLOAD_SCALE_CLASS", c.scale_class.as_str()),
        plain("X07_WORKLOAD_TOPOLOGY_GROUP", &c.topology_group),
    ];
    if let Some(e) = &c.event {
        env.push(plain("X07_EVENT_BINDING_REF", &e.binding_ref));
        env.push(plain("X07_EVENT_TOPIC", &e.topic));
        env.push(plain("X07_EVENT_CONSUMER_GROUP", &e.consumer_group));
        if let Some(a) = e.ack_mode {
            env.push(plain("X07_EVENT_ACK_MODE", a.as_str()));
        }
        if let Some(m) = e.max_in_flight {
            env.push(plain("X07_EVENT_MAX_IN_FLIGHT", m.to_string()));
        }
        if let Some(t) = e.drain_timeout_seconds {
            env.push(plain("X07_EVENT_DRAIN_TIMEOUT_SECONDS", t.to_string()));
        }
    }
    if let Some(s) = &c.schedule {
        env.push(plain("X07_SCHEDULE_CRON", &s.cron));
        if let Some(tz) = &s.timezone {
            env.push(plain("X07_SCHEDULE_TIMEZONE", tz));
        }
        // The Job controller names each run's pods with `job-name`; a retried pod keeps it,
        // so the key below is the same across retries of one run (replay-safe).
        env.push(field("X07_JOB_RUN_ID", "metadata.labels['job-name']"));
        env.push(plain("X07_JOB_CHECKPOINT_KEY", format!("{}:{}:$(X07_JOB_RUN_ID)", plan.service_id, c.key)));
    }
    // Only the cell whose scale class uses the lease gets its env: the other cells of a shared
    // deployable serve in every replica.
    if c.schedule.is_none() {
        for lease in d.coordination.iter().filter(|l| l.kind.used_by(c.scale_class)) {
            match lease.kind {
                LeaseKind::LeaderElection => {
                    env.push(plain("X07_LEADER_ELECTION_ENABLED", "true"));
                    env.push(plain("X07_LEADER_ELECTION_LEASE_NAME", &lease.leases[0]));
                }
                LeaseKind::WorkLeases => {
                    env.push(plain("X07_WORK_LEASES_ENABLED", "true"));
                    env.push(plain("X07_WORK_LEASE_NAMES", lease.leases.join(",")));
                }
            }
            env.push(field("X07_K8S_LEASE_NAMESPACE", "metadata.namespace"));
        }
    }
    env.push(plain("OTEL_SERVICE_NAME", &plan.service_id));
    env.push(plain(
        "OTEL_RESOURCE_ATTRIBUTES",
        format!(
            "service.name={},service.namespace={},deployment.environment={},x07.cell_key={},x07.topology_group={}",
            plan.service_id, plan.domain_pack, plan.environment, c.key, c.topology_group
        ),
    ));

    let config_map = names.with("bindings");
    let mut env_from = Vec::new();
    let mut composed = Vec::new();
    let mut otlp_done = false;
    let mut s3_done = false;
    for b in c.binding_refs.iter().filter_map(|r| plan.binding(r)) {
        let optional = !b.required;
        for o in &b.outputs {
            match &o.source {
                Source::SecretPrefix { secret } => {
                    let from = EnvFromSource { prefix: Some(b.env_prefix.clone()), secret_ref: Some(SecretEnvSource { name: secret.clone(), optional: Some(optional) }), ..Default::default() };
                    if !env_from.contains(&from) {
                        env_from.push(from);
                    }
                }
                // `$(VAR)` only expands variables defined earlier in the list.
                Source::Composed { template } => composed.push(plain(&o.variable, template)),
                _ => env.extend(output_var(&o.variable, b, o, &config_map)),
            }
        }
        // The contract's own names for the first otlp and s3 binding of the cell.
        let aliases: &[(&str, &str)] = match b.kind {
            BindingKind::Otlp if !otlp_done => {
                otlp_done = true;
                &[("OTEL_EXPORTER_OTLP_ENDPOINT", "ENDPOINT"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "PROTOCOL")]
            }
            BindingKind::S3 if !s3_done => {
                s3_done = true;
                &[("X07_OS_OBJ_S3_ENDPOINT", "ENDPOINT"), ("X07_OS_OBJ_S3_BUCKET", "BUCKET"), ("X07_OS_OBJ_S3_ACCESS_KEY", "ACCESS_KEY"), ("X07_OS_OBJ_S3_SECRET_KEY", "SECRET_KEY")]
            }
            _ => &[],
        };
        for (alias, output) in aliases {
            // An optional output read from "every key" of a Secret may not be there: a
            // `secretKeyRef` to a missing key would stop the container.
            let maybe_absent = |o: &&Output| o.name == "PROTOCOL" && matches!(o.source, Source::SecretPrefix { .. });
            if let Some(o) = b.outputs.iter().find(|o| o.name == *output).filter(|o| !maybe_absent(o)) {
                env.extend(output_var(alias, b, o, &config_map));
            }
        }
    }
    env.append(&mut composed);
    for (k, v) in c.env.iter() {
        env.push(plain(k, v));
    }
    (env, env_from)
}
