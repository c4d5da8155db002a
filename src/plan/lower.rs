//! Lowering: manifest + resolved profile → [`Plan`], enforcing the co-location rules.

use super::scaling;
use super::*;
use crate::diagnostics::{codes, Code, Diagnostic};
use crate::document::Document;
use crate::json::Pointer;
use crate::manifest::{Cell, Manifest, RolloutStrategy};
use crate::profile::{Overrides, Profile};

/// `--image [DEPLOYABLE=]REF` from the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageOverride {
    pub deployable: Option<String>,
    pub reference: String,
}

impl ImageOverride {
    pub fn parse(arg: &str) -> Self {
        match arg.split_once('=') {
            Some((key, reference)) => ImageOverride { deployable: Some(key.to_string()), reference: reference.to_string() },
            None => ImageOverride { deployable: None, reference: arg.to_string() },
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct LowerOptions {
    pub images: Vec<ImageOverride>,
    /// `render` needs an image for every deployable that runs something; `check` and `plan` do not.
    pub require_images: bool,
    /// `--namespace`: replaces the profile's and the target's namespace.
    pub namespace: Option<String>,
}

struct Ctx<'a> {
    manifest: &'a Manifest,
    manifest_doc: &'a Document,
    profile: &'a Profile,
    diags: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn cell_at(&self, key: &str) -> Pointer {
        Pointer::root().key("cells").index(self.manifest.cell_position(key).unwrap_or(0))
    }

    fn at_cell(&mut self, code: &'static Code, key: &str, suffix: &[&str], message: String, hint: String) {
        // The same manifest is lowered once per profile: say which one.
        let message = format!("profile `{}`: {message}", self.profile.id);
        let mut at = self.cell_at(key);
        for s in suffix {
            at = at.key(s);
        }
        self.diags.push(Diagnostic::at(code, self.manifest_doc, &at, message, hint));
    }

    /// A diagnostic about the profile: at `pointer` in its file, or about the command line's profile.
    fn at_profile(&mut self, code: &'static Code, pointer: Pointer, message: String, hint: String) {
        let d = match self.profile.document_at(&pointer) {
            Some(doc) => Diagnostic::at(code, doc, &pointer, message, hint),
            None => Diagnostic::about_file(code, self.manifest_doc.source.name.clone(), message, hint),
        };
        self.diags.push(d);
    }

    fn command_line(&mut self, code: &'static Code, message: String, hint: String) {
        self.diags.push(Diagnostic::about_file(code, "", message, hint));
    }

    fn regroup_hint(&self, key: &str) -> String {
        format!(
            "move one of the cells to another topology group (in the manifest, or with the profile's `regroup`), or set `groups.{key}.replicas` or `groups.{key}.autoscaling` in profile `{}`",
            self.profile.id
        )
    }
}

/// Lowers the manifest under one profile. Returns the Plan when there is no error.
pub fn lower(manifest: &Manifest, manifest_doc: &Document, profile: &Profile, options: &LowerOptions) -> (Option<Plan>, Vec<Diagnostic>) {
    let mut cx = Ctx { manifest, manifest_doc, profile, diags: Vec::new() };
    // Each deployable's cells, in manifest order: one pass over the cells.
    let mut members: BTreeMap<&str, Vec<&Cell>> = BTreeMap::new();
    for c in &manifest.cells {
        members.entry(profile.deployable_of(c)).or_default().push(c);
    }
    let keys: Vec<&str> = members.keys().copied().collect();
    check_image_overrides(&mut cx, &keys, options);

    let deployables: Vec<Deployable> = members.iter().map(|(key, cells)| deployable(&mut cx, key, cells, options)).collect();
    cx.diags.extend(super::wasmcloud::check(manifest, manifest_doc, profile, &deployables));
    let namespace = options.namespace.clone().or_else(|| profile.namespace.clone());
    let bindings = bindings::resolve(manifest, profile, namespace.as_deref(), &deployables, &mut cx.diags);
    for (cell, message, hint) in bindings::variable_collisions(&deployables, &bindings) {
        cx.at_cell(&codes::ENV_VARIABLE_COLLISION, &cell, &["binding_refs"], message, hint);
    }
    let mut deployables = deployables;
    super::single_writer::enforce(manifest, manifest_doc, profile, &mut deployables, &bindings, &mut cx.diags);
    cx.diags.extend(super::wasmcloud_links::check(manifest, manifest_doc, profile, &deployables, &bindings));
    let mut plan = Plan {
        service_id: manifest.service_id.clone(),
        display_name: manifest.display_name.clone(),
        domain_pack: manifest.domain_pack.id.clone(),
        trust_profile: manifest.trust_profile().to_string(),
        profile: profile.id.clone(),
        environment: profile.environment.clone(),
        target_kind: profile.target_kind,
        placement: profile.placement,
        target: profile.target.clone(),
        target_name: profile.target.name.clone(),
        namespace,
        deployables,
        binding_index: BTreeMap::new(),
        cell_index: BTreeMap::new(),
        bindings,
    };
    for (i, b) in plan.bindings.iter().enumerate() {
        plan.binding_index.entry(b.name.clone()).or_insert(i);
    }
    for (i, d) in plan.deployables.iter().enumerate() {
        for c in &d.cells {
            plan.cell_index.entry(c.key.clone()).or_insert(i);
        }
    }
    let ok = !crate::diagnostics::has_errors(&cx.diags);
    (ok.then_some(plan), cx.diags)
}

fn check_image_overrides(cx: &mut Ctx<'_>, keys: &[&str], options: &LowerOptions) {
    for o in &options.images {
        if let Err(why) = crate::checks::image::check_image_reference(&o.reference) {
            cx.command_line(&codes::INVALID_IMAGE, format!("--image `{}`: {why}", o.reference), "pass --image REF or --image DEPLOYABLE=REF with an OCI reference".to_string());
        }
        if let Some(key) = &o.deployable {
            if keys.binary_search(&key.as_str()).is_err() {
                cx.command_line(
                    &codes::IMAGE_UNKNOWN_DEPLOYABLE,
                    format!("--image names deployable `{key}`, but profile `{}` has: {}", cx.profile.id, crate::diagnostics::list(keys.iter().copied())),
                    format!("{}use one of the deployable keys", crate::suggest::did_you_mean(key, keys.iter().copied())),
                );
            }
        }
    }
}

fn deployable(cx: &mut Ctx<'_>, key: &str, members: &[&Cell], options: &LowerOptions) -> Deployable {
    let profile = cx.profile;
    let group = profile.groups.get(key);
    let cells: Vec<PlannedCell> = members.iter().map(|c| planned_cell(cx, c, group)).collect();
    let processes: Vec<&PlannedCell> = cells.iter().filter(|c| c.role == CellRole::Process).collect();

    check_runtime_classes(cx, key, &cells);
    check_ports(cx, key, &processes);
    if !cells.iter().any(|c| c.role != CellRole::Embedded) {
        let only = cells.iter().map(|c| format!("`{}`", c.key)).collect::<Vec<_>>().join(", ");
        cx.at_cell(
            &codes::NOTHING_TO_RUN,
            &cells[0].key,
            &["runtime_class"],
            format!("deployable `{key}` has only embedded-kernel cells ({only}); it emits nothing"),
            "put embedded kernels in the topology group of the cells that host them".to_string(),
        );
    }

    let overrides_replicas: Vec<(&str, u32)> =
        cells.iter().filter_map(|c| profile.cells.get(&c.key).and_then(|o| o.replicas).map(|r| (c.key.as_str(), r))).collect();
    let scaling = match scaling::decide(key, group, &processes) {
        Scaling::Fixed { source, .. } if source == "default" && !overrides_replicas.is_empty() => {
            let (cell, replicas) = overrides_replicas[0];
            Scaling::Fixed { replicas, source: format!("profile cells.{cell}.replicas") }
        }
        s => s,
    };
    let scaling = check_scaling(cx, key, scaling, &processes);
    let rollout = rollout(cx, key, &processes, &scaling);

    let coordination = coordination(cx, key, &processes, &scaling);
    let (image, image_source) = image(key, profile, options);
    if image.is_none() && options.require_images && cells.iter().any(|c| c.role != CellRole::Embedded) {
        let pointer = Pointer::root().key("images");
        cx.at_profile(
            &codes::MISSING_IMAGE,
            pointer,
            format!("deployable `{key}` has no image"),
            format!("pass --image {key}=REF (or --image REF for every deployable), or set images.groups.{key} or images.default in profile `{}`", profile.id),
        );
    }
    let identity = group
        .map(|g| Identity {
            service_account_annotations: g.service_account.as_ref().and_then(|s| s.annotations.clone()).unwrap_or_default(),
            pod_labels: g.labels.clone().unwrap_or_default(),
            pod_annotations: g.annotations.clone().unwrap_or_default(),
        })
        .unwrap_or_default();
    let mut d = Deployable { key: key.to_string(), image, image_source, cells, scaling, rollout, coordination, identity };
    annotate_parity(cx, &mut d);
    d
}

fn planned_cell(cx: &mut Ctx<'_>, cell: &Cell, group: Option<&Overrides>) -> PlannedCell {
    let profile = cx.profile;
    let own = profile.cells.get(&cell.cell_key);
    let rt = cell.runtime();
    let role = if cell.runtime_class == RuntimeClass::EmbeddedKernel {
        CellRole::Embedded
    } else if cell.is_long_running() {
        CellRole::Process
    } else {
        CellRole::Job
    };
    let at = cx.cell_at(&cell.cell_key);
    let autoscaling = match own.and_then(|o| o.autoscaling.as_ref()) {
        Some(a) => Some((a, format!("profile cells.{}.autoscaling", cell.cell_key))),
        None => rt.autoscaling.as_ref().map(|a| (a, format!("manifest {}/runtime/autoscaling", at))),
    }
    .filter(|_| role == CellRole::Process)
    .map(|(a, source)| scaling::of_cell(&cell.cell_key, a.min_replicas, a.max_replicas, a.target_cpu_utilization, a.target_inflight, source));
    let probe_port = rt.probes.as_ref().and_then(|p| p.each().find_map(|(_, probe)| probe.port));
    let port = cell.ingress_kind.serves().then(|| {
        own.and_then(|o| o.port).or(group.and_then(|g| g.port)).or(probe_port).unwrap_or_else(|| default_port(profile))
    });
    let target_resources = profile.target.k8s.as_ref().map(|k| k.default_resources.clone()).unwrap_or_default();
    let mut resources = target_resources
        .overlay(group.and_then(|g| g.resources.as_ref()).unwrap_or(&Default::default()))
        .overlay(own.and_then(|o| o.resources.as_ref()).unwrap_or(&Default::default()));
    if profile.target_kind == TargetKind::K8s && resources.memory_limit.is_none() {
        // A memory limit equal to the request: a leaking cell is stopped at what it asked
        // for instead of taking its node's memory. No cpu limit by default (docs/decisions.md).
        resources.memory_limit = resources.memory.clone();
    }
    check_limits(cx, &cell.cell_key, group.is_some_and(|g| g.resources.is_some()), own.is_some_and(|o| o.resources.is_some()), &resources);
    // The group's map is shared unless the cell adds its own variables.
    let env = match (group.and_then(|g| g.env.as_ref()), own.and_then(|o| o.env.as_ref())) {
        (Some(g), Some(o)) => std::sync::Arc::new(g.iter().chain(o.iter()).map(|(k, v)| (k.clone(), v.clone())).collect()),
        (g, o) => g.or(o).cloned().unwrap_or_default(),
    };
    let event = rt.event.as_ref().map(|e| PlannedEvent {
        binding_ref: e.binding_ref.clone(),
        binding_kind: cx.manifest.binding(&e.binding_ref).map_or(BindingKind::Kafka, |b| b.kind),
        topic: e.topic.clone(),
        consumer_group: e.consumer_group.clone(),
        ack_mode: e.ack_mode,
        max_in_flight: e.max_in_flight,
        drain_timeout_seconds: e.drain_timeout_seconds,
    });
    let schedule = rt.schedule.as_ref().map(|s| PlannedSchedule {
        cron: s.cron.clone(),
        timezone: s.timezone.clone(),
        concurrency_policy: s.concurrency_policy,
        retry_limit: s.retry_limit,
        start_deadline_seconds: s.start_deadline_seconds,
        suspend: s.suspend,
    });
    PlannedCell {
        key: cell.cell_key.clone(),
        kind: cell.cell_kind,
        ingress: cell.ingress_kind,
        runtime_class: cell.runtime_class,
        scale_class: cell.scale_class,
        entry_symbol: cell.entry_symbol.clone(),
        topology_group: profile.group_of(cell).to_string(),
        role,
        binding_refs: cell.binding_refs().to_vec(),
        port,
        probes: rt.probes.clone(),
        event,
        schedule,
        autoscaling,
        resources,
        env,
        parity: Vec::new(),
    }
}

/// A limit below its request is refused by the API server: report it where the profile sets it.
fn check_limits(cx: &mut Ctx<'_>, cell: &str, in_group: bool, in_cell: bool, r: &crate::target::Resources) {
    use crate::checks::quantity::parse_quantity;
    for (what, request, limit) in [("cpu", &r.cpu, &r.cpu_limit), ("memory", &r.memory, &r.memory_limit)] {
        let (Some(request), Some(limit)) = (request.as_deref(), limit.as_deref()) else { continue };
        let (Ok(rq), Ok(lq)) = (parse_quantity(request), parse_quantity(limit)) else { continue };
        if lq.value >= rq.value {
            continue;
        }
        let group = cx.profile.deployable_of(cx.manifest.cell(cell).expect("lowered cells are the manifest's")).to_string();
        let member = format!("{what}_limit");
        let pointer = if in_cell {
            Pointer::root().key("cells").key(cell).key("resources")
        } else if in_group {
            Pointer::root().key("groups").key(&group).key("resources")
        } else {
            Pointer::root()
        };
        let hint = format!("raise `{member}` to at least {request}, or lower `{what}` (in `groups.{group}.resources` or `cells.{cell}.resources` of profile `{}`)", cx.profile.id);
        cx.at_profile(&codes::LIMIT_BELOW_REQUEST, pointer, format!("cell `{cell}`: {what} limit {limit} is below its request {request}"), hint);
    }
}

fn default_port(profile: &Profile) -> u16 {
    profile.target.k8s.as_ref().map_or(8080, |k| k.default_port)
}

fn check_runtime_classes(cx: &mut Ctx<'_>, key: &str, cells: &[PlannedCell]) {
    let target = &cx.profile.target;
    for c in cells.iter().filter(|c| c.role != CellRole::Embedded) {
        let runnable = match cx.profile.target_kind {
            TargetKind::Hosted => true,
            TargetKind::Wasmcloud => c.runtime_class == RuntimeClass::WasmComponent,
            TargetKind::K8s => c.runtime_class != RuntimeClass::WasmComponent || target.k8s.as_ref().is_some_and(|k| k.wasm_runtime_class.is_some()),
        };
        if !runnable {
            let hint = match cx.profile.target_kind {
                TargetKind::Wasmcloud => "wasmCloud runs wasm-component cells only; render this cell with a k8s or hosted profile".to_string(),
                _ => format!("set `k8s.wasm_runtime_class` in target `{}` (a RuntimeClass that runs wasm), or use a wasmcloud or hosted profile", target.name),
            };
            cx.at_cell(
                &codes::RUNTIME_CLASS_UNSUPPORTED,
                &c.key,
                &["runtime_class"],
                format!("cell `{}` is {} but target `{}` ({}) cannot run it", c.key, c.runtime_class, target.name, cx.profile.target_kind),
                hint,
            );
        }
    }
    if cx.profile.target_kind == TargetKind::K8s {
        // runtimeClassName is per pod: wasm and native processes cannot share one.
        let mut processes = cells.iter().filter(|c| c.role == CellRole::Process);
        if let Some(first) = processes.next() {
            let is_wasm = first.runtime_class == RuntimeClass::WasmComponent;
            if let Some(other) = processes.find(|c| (c.runtime_class == RuntimeClass::WasmComponent) != is_wasm) {
                let hint = cx.regroup_hint(key).split(", or set").next().unwrap_or_default().to_string();
                cx.at_cell(
                    &codes::MIXED_RUNTIME_CLASSES,
                    &other.key,
                    &["runtime_class"],
                    format!("cells `{}` ({}) and `{}` ({}) would share the pods of deployable `{key}`", first.key, first.runtime_class, other.key, other.runtime_class),
                    hint,
                );
            }
        }
    }
}

fn check_ports(cx: &mut Ctx<'_>, key: &str, processes: &[&PlannedCell]) {
    let mut seen: BTreeMap<u16, &str> = BTreeMap::new();
    for c in processes {
        let Some(port) = c.port else { continue };
        if let Some(other) = seen.insert(port, &c.key) {
            cx.at_cell(
                &codes::DUPLICATE_PORT,
                &c.key,
                &[],
                format!("cells `{other}` and `{}` of deployable `{key}` both listen on port {port}", c.key),
                format!("set a different port for one of them (`cells.{}.port` in the profile, or its probe port)", c.key),
            );
            seen.insert(port, other);
        }
    }
}

/// The target's checks of a deployable's autoscaling. Scale to zero that no scaler of the
/// target can do runs one replica instead (XT330): every cell still gets at least what it
/// asked for, so it is no error, and every placement lowers (SPEC §3.1).
fn check_scaling(cx: &mut Ctx<'_>, key: &str, mut scaling: Scaling, processes: &[&PlannedCell]) -> Scaling {
    let Scaling::Autoscaled(a) = &mut scaling else { return scaling };
    let keda = cx.profile.target.k8s.as_ref().is_some_and(|k| k.keda);
    let has_event = processes.iter().any(|c| c.event.is_some());
    if cx.profile.target_kind != TargetKind::K8s {
        return scaling;
    }
    // A cell's cpu target measures its own container; a pod-wide one (a profile group's
    // `autoscaling`) every container of the pod. Each measured container needs a request.
    let pod_wide = a.metrics_of(MetricKind::Cpu).any(|m| m.cell.is_none());
    let measured = |c: &PlannedCell| pod_wide || a.metrics_of(MetricKind::Cpu).any(|m| m.cell.as_deref() == Some(c.key.as_str()));
    for c in processes.iter().filter(|c| c.resources.cpu.is_none() && measured(c)) {
        cx.at_cell(
            &codes::CPU_TARGET_WITHOUT_REQUEST,
            &c.key,
            &["runtime", "autoscaling"],
            format!("deployable `{key}` scales on the cpu of container `{}`, which has no cpu request to measure it against", c.key),
            format!("set `resources.cpu` in `groups.{key}` or `cells.{}` of profile `{}`, or `k8s.default_resources` in the target", c.key, cx.profile.id),
        );
    }
    let keda_scales = keda && has_event;
    if a.min_replicas == 0 && !keda_scales {
        let c = processes.iter().find(|c| c.key == a.min_from).or(processes.first()).map_or(key, |c| c.key.as_str()).to_string();
        let at: &[&str] = if a.min_from.starts_with("profile ") { &[] } else { &["runtime", "autoscaling", "min_replicas"] };
        cx.at_cell(
            &codes::SCALE_TO_ZERO_APPROXIMATED,
            &c,
            at,
            format!("deployable `{key}` asks for min_replicas 0 (from {}), which no scaler of target `{}` can do; it runs at least 1 replica", a.min_from, cx.profile.target.name),
            "use a target with KEDA (`k8s.keda: true`) for event cells, or min_replicas 1".to_string(),
        );
        a.min_replicas = 1;
        a.min_from = "no scale to zero on the target".to_string();
        a.max_replicas = a.max_replicas.max(1);
    }
    if let Some(m) = a.metrics_of(MetricKind::Inflight).next().filter(|_| !keda_scales) {
        let c = m.cell.clone().or_else(|| processes.first().map(|c| c.key.clone())).unwrap_or_else(|| key.to_string());
        let why = if has_event { "the target has no KEDA" } else { "no Kubernetes scaler measures in-flight requests without a metrics adapter" };
        cx.at_cell(
            &codes::SCALER_UNAVAILABLE,
            &c,
            &["runtime", "autoscaling", "target_inflight"],
            format!("target_inflight of deployable `{key}` cannot be honoured: {why}; it is carried as an annotation"),
            if has_event { "use a target with `k8s.keda: true`, or scale on cpu".to_string() } else { "scale on target_cpu_utilization, or accept the annotation".to_string() },
        );
    }
    scaling
}

fn rollout(cx: &mut Ctx<'_>, key: &str, processes: &[&PlannedCell], scaling: &Scaling) -> Option<Rollout> {
    let asked: Vec<(&str, &Rollout)> =
        processes.iter().filter_map(|c| cx.manifest.cell(&c.key).and_then(|cell| cell.runtime().rollout.as_ref()).map(|r| (c.key.as_str(), r))).collect();
    let (lo, hi) = match scaling {
        Scaling::Fixed { replicas, .. } => (*replicas, *replicas),
        Scaling::Autoscaled(a) => (a.min_replicas, a.max_replicas),
    };
    let merged = super::rollout::merge(&asked, lo, hi);
    if !merged.undecided.is_empty() {
        let chosen = merged.rollout.as_ref();
        let what: Vec<String> = merged
            .undecided
            .iter()
            .map(|(field, values)| {
                let used = chosen.and_then(|r| if *field == "max_surge" { r.max_surge.clone() } else { r.max_unavailable.clone() }).unwrap_or_default();
                format!("{field} {} (uses {used})", values.join(" vs "))
            })
            .collect();
        let cells: Vec<&str> = asked.iter().map(|(k, _)| *k).collect();
        let last = cells.last().copied().unwrap_or(key).to_string();
        cx.at_cell(
            &codes::ROLLOUT_CONFLICT,
            &last,
            &["runtime", "rollout"],
            format!(
                "cells {} share deployable `{key}`, whose {lo}..{hi} replicas give no single most conservative rollout: {}; the smaller at {hi} replicas is used",
                crate::diagnostics::list(cells.iter().copied()),
                what.join("; ")
            ),
            "give the cells bounds of one kind (all counts or all percentages), or pin the replicas (`groups.<deployable>.replicas` in the profile)".to_string(),
        );
    }
    merged.rollout
}

fn coordination(cx: &Ctx<'_>, key: &str, processes: &[&PlannedCell], scaling: &Scaling) -> Vec<Coordination> {
    let base = format!("{}-{key}", cx.manifest.service_id);
    let hosts = |kind: LeaseKind| processes.iter().any(|c| kind.used_by(c.scale_class));
    let mut out = Vec::new();
    if hosts(LeaseKind::LeaderElection) {
        out.push(Coordination { kind: LeaseKind::LeaderElection, leases: vec![crate::checks::names::object_name(&[&base, "leader"], 63)] });
    }
    if hosts(LeaseKind::WorkLeases) {
        // One work lease per replica the deployable can reach.
        let pool = match scaling {
            Scaling::Fixed { replicas, .. } => *replicas,
            Scaling::Autoscaled(a) => a.max_replicas,
        }
        .max(1);
        let leases = (0..pool).map(|i| crate::checks::names::object_name(&[&base, "lease", &i.to_string()], 63)).collect();
        out.push(Coordination { kind: LeaseKind::WorkLeases, leases });
    }
    out
}

fn image(key: &str, profile: &Profile, options: &LowerOptions) -> (Option<String>, Option<String>) {
    let cli_specific = options.images.iter().rev().find(|o| o.deployable.as_deref() == Some(key));
    let cli_default = options.images.iter().rev().find(|o| o.deployable.is_none());
    if let Some(o) = cli_specific {
        return (Some(o.reference.clone()), Some(format!("--image {key}=")));
    }
    if let Some(o) = cli_default {
        return (Some(o.reference.clone()), Some("--image".to_string()));
    }
    if let Some(r) = profile.images.groups.as_ref().and_then(|g| g.get(key)) {
        return (Some(r.clone()), Some(format!("images.groups.{key}")));
    }
    if let Some(r) = &profile.images.default {
        return (Some(r.clone()), Some("images.default".to_string()));
    }
    (None, None)
}

/// What the target approximates or drops, per cell, for the plan's parity lines.
fn annotate_parity(cx: &Ctx<'_>, d: &mut Deployable) {
    let k8s = cx.profile.target.k8s.as_ref().filter(|_| cx.profile.target_kind == TargetKind::K8s);
    let keda = k8s.is_some_and(|k| k.keda);
    let argo = k8s.is_some_and(|k| k.argo_rollouts);
    let has_event = d.cells.iter().any(|c| c.role == CellRole::Process && c.event.is_some());
    let scaling_source = match &d.scaling {
        Scaling::Fixed { source, .. } => source.clone(),
        Scaling::Autoscaled(a) => a.source.clone(),
    };
    let canary = d.rollout.as_ref().is_some_and(|r| r.strategy == RolloutStrategy::CanaryLite);
    let leader_note = leader_election_note(cx, d);
    for c in &mut d.cells {
        match c.role {
            CellRole::Embedded => c.parity.push("embedded kernel: runs inside the deployable's host cells, starts no process".to_string()),
            CellRole::Job => {}
            CellRole::Process => {
                if let (Some(note), ScaleClass::SingletonOrchestrator) = (&leader_note, c.scale_class) {
                    c.parity.push(note.clone());
                }
                if let Some(a) = &c.autoscaling {
                    let used = matches!(&d.scaling, Scaling::Autoscaled(m) if m.metrics.iter().any(|x| x.cell.as_deref() == Some(c.key.as_str())) || m.source == a.source);
                    if !used {
                        c.parity.push(format!("own autoscaling not used: the deployable scales by {scaling_source}"));
                    }
                }
                if k8s.is_some() {
                    if canary && !argo {
                        c.parity.push("canary-lite approximated by a RollingUpdate with maxUnavailable 0 (no Argo Rollouts)".to_string());
                    }
                    if let Scaling::Autoscaled(a) = &d.scaling {
                        if a.metrics_of(MetricKind::Inflight).any(|m| m.cell.is_none() || m.cell.as_deref() == Some(c.key.as_str())) && !(keda && has_event) {
                            c.parity.push("target_inflight carried as an annotation only: no scaler on the target".to_string());
                        }
                    }
                }
            }
        }
    }
}

/// How a singleton-orchestrator shares a deployable with other long-running cells (SPEC §3):
/// every replica runs it, the lease picks the one that acts. wasmCloud has no leases (XT5xx says so).
fn leader_election_note(cx: &Ctx<'_>, d: &Deployable) -> Option<String> {
    if cx.profile.target_kind == TargetKind::Wasmcloud {
        return None;
    }
    let lease = d.leases_of(LeaseKind::LeaderElection)?.first()?;
    let shared = d.processes().any(|c| c.scale_class != ScaleClass::SingletonOrchestrator);
    let raised = match &d.scaling {
        Scaling::Autoscaled(a) if a.min_from == scaling::LEADER_ELECTION => d
            .processes()
            .filter_map(|c| c.autoscaling.as_ref())
            .map(|own| own.min_replicas)
            .max()
            .map(|asked| format!("; min_replicas raised from {asked} to {} so a standby replica is ready", a.min_replicas)),
        _ => None,
    };
    shared.then(|| format!("runs under leader election in shared deployable `{}`: every replica runs it, the holder of lease `{lease}` acts{}", d.key, raised.unwrap_or_default()))
}
