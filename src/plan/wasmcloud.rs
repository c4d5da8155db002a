//! What a wasmCloud target can run: every binding kind and ingress kind of the running
//! wasm-component cells needs a capability provider in the target's catalog (with the
//! profile's overrides); what wasmCloud cannot express is reported, never dropped silently.

use super::{CellRole, Deployable, Scaling};
use crate::diagnostics::{codes, Code, Diagnostic};
use crate::document::Document;
use crate::json::Pointer;
use crate::manifest::{BindingKind, IngressKind, Manifest, RuntimeClass, TargetKind};
use crate::profile::Profile;
use crate::target::{Catalog, WasmcloudVariant};
use std::collections::BTreeSet;

struct Check<'a> {
    manifest: &'a Manifest,
    doc: &'a Document,
    profile: &'a Profile,
    catalog: Catalog,
    diags: Vec<Diagnostic>,
}

impl Check<'_> {
    fn in_manifest(&mut self, code: &'static Code, at: Pointer, message: String, hint: String) {
        let message = format!("profile `{}`: {message}", self.profile.id);
        self.diags
            .push(Diagnostic::at(code, self.doc, &at, message, hint));
    }

    fn cell_at(&self, key: &str) -> Pointer {
        Pointer::root().key("cells").index(self.manifest.cell_position(key).unwrap_or(0))
    }

    fn binding_at(&self, name: &str) -> Pointer {
        Pointer::root().key("resource_bindings").index(self.manifest.binding_position(name).unwrap_or(0))
    }

    fn target_name(&self) -> &str {
        &self.profile.target.name
    }
}

/// The diagnostics of rendering `deployables` on the profile's wasmCloud target (none for other kinds).
pub fn check(
    manifest: &Manifest,
    doc: &Document,
    profile: &Profile,
    deployables: &[Deployable],
) -> Vec<Diagnostic> {
    let Some(settings) = profile
        .target
        .wasmcloud
        .as_ref()
        .filter(|_| profile.target_kind == TargetKind::Wasmcloud)
    else {
        return Vec::new();
    };
    let mut cx = Check {
        manifest,
        doc,
        profile,
        catalog: settings.catalog.clone(),
        diags: Vec::new(),
    };
    let mut used: BTreeSet<&str> = BTreeSet::new();
    for d in deployables {
        let wasm_cells = d.cells.iter().filter(|c| {
            c.role != CellRole::Embedded && c.runtime_class == RuntimeClass::WasmComponent
        });
        for c in wasm_cells {
            used.extend(c.binding_refs.iter().map(String::as_str));
            check_ingress(&mut cx, &c.key, c.ingress);
            ignored_settings(&mut cx, d, c);
        }
        approximated_scaling(&mut cx, d, settings.variant);
    }
    for name in used {
        check_binding(&mut cx, name);
    }
    cx.diags
}

fn check_ingress(cx: &mut Check<'_>, cell: &str, ingress: IngressKind) {
    if ingress == IngressKind::Event {
        check_event_handler(cx, cell);
        return;
    }
    if cx.catalog.for_ingress(ingress).is_none() && !cx.catalog.ingress.contains_key(&ingress) {
        let at = cx.cell_at(cell).key("ingress_kind");
        let target = cx.target_name().to_string();
        cx.in_manifest(
            &codes::WASMCLOUD_NO_PROVIDER,
            at,
            format!("cell `{cell}` has {ingress} ingress, and the wasmCloud catalog of target `{target}` names no capability provider for it"),
            format!("name a provider in `catalog.ingress.{ingress}` of the target (or `wasmcloud.ingress.{ingress}` of the profile), or render this cell with a k8s or hosted profile"),
        );
    }
}

/// The messaging provider of an event cell's binding must be able to call the component.
fn check_event_handler(cx: &mut Check<'_>, cell: &str) {
    let Some(event) = cx
        .manifest
        .cell(cell)
        .and_then(|c| c.runtime().event.as_ref())
    else {
        return;
    };
    let Some(binding) = cx.manifest.binding(&event.binding_ref) else {
        return;
    };
    let chosen = cx
        .profile
        .resolution
        .get(&binding.name)
        .and_then(|c| c.entry.provider.as_deref());
    let Some((name, provider)) = cx.catalog.for_binding(binding.kind, chosen) else {
        return;
    }; // reported for the binding
    // On wasmCloud 2.x the host plugin's contract says how messages arrive (none: XT514).
    let variant = cx.profile.target.wasmcloud.as_ref().map_or(WasmcloudVariant::Wadm, |w| w.variant);
    if provider.contract_for(variant).is_some_and(|c| c.handler.is_none()) {
        let at = cx
            .cell_at(cell)
            .key("runtime")
            .key("event")
            .key("binding_ref");
        let name = name.to_string();
        cx.in_manifest(
            &codes::WASMCLOUD_NO_EVENT_HANDLER,
            at,
            format!("cell `{cell}` consumes `{}` through provider `{name}`, which has no `handler` to deliver messages to a component{}", binding.name, if variant == WasmcloudVariant::Wadm { "" } else { " in its wasmCloud 2.x `host` contract" }),
            format!("give provider `{name}` a `handler` (interfaces, topic_key, and consumer_group_key or queue_separator) in {}, or choose a messaging provider for `{}`", if variant == WasmcloudVariant::Wadm { "the catalog" } else { "its `host` contract" }, binding.name),
        );
    }
}

fn check_binding(cx: &mut Check<'_>, name: &str) {
    let Some(binding) = cx.manifest.binding(name) else {
        return;
    };
    let kind = binding.kind;
    if kind == BindingKind::Secret {
        return; // wadm `secrets` with the target's secret policy
    }
    let chosen = cx
        .profile
        .resolution
        .get(name)
        .and_then(|c| c.entry.provider.clone());
    if let Some(provider) = &chosen {
        if !cx.catalog.providers.contains_key(provider) {
            let known: Vec<&str> = cx.catalog.providers.keys().map(String::as_str).collect();
            let hint = format!(
                "{}the catalog's providers are: {}",
                crate::suggest::did_you_mean(provider, known.iter().copied()),
                known.join(", ")
            );
            let message = format!("binding `{name}` names provider `{provider}`, which the wasmCloud catalog of target `{}` does not define", cx.target_name());
            let at = cx.profile.resolution.get(name).map_or_else(|| Pointer::root().key("bindings").key(name), |c| c.pointer.clone()).key("provider");
            let d = match cx.profile.document_at(&at) {
                Some(doc) => Diagnostic::at(&codes::WASMCLOUD_UNKNOWN_PROVIDER, doc, &at, message, hint),
                None => {
                    Diagnostic::about_file(&codes::WASMCLOUD_UNKNOWN_PROVIDER, "", message, hint)
                }
            };
            cx.diags.push(d);
            return;
        }
    }
    if cx.catalog.for_binding(kind, chosen.as_deref()).is_some() {
        return; // its keys: wasmcloud_links::check
    }
    let at = cx.binding_at(name).key("kind");
    let target = cx.target_name().to_string();
    if kind == BindingKind::Otlp {
        let endpoint = cx
            .profile
            .resolution
            .get(name)
            .and_then(|c| c.entry.config.as_ref())
            .and_then(|c| c.get("ENDPOINT"))
            .map_or(String::new(), |e| format!(" ({e})"));
        cx.in_manifest(
            &codes::WASMCLOUD_OTLP_ON_HOST,
            at,
            format!("otlp binding `{name}` has no capability provider on target `{target}`: wasmCloud exports telemetry from its hosts, not from applications"),
            format!("configure each wasmCloud host with WASMCLOUD_OBSERVABILITY_ENABLED=true and OTEL_EXPORTER_OTLP_ENDPOINT{endpoint}; the application carries no otlp link"),
        );
        return;
    }
    cx.in_manifest(
        &codes::WASMCLOUD_NO_PROVIDER,
        at,
        format!("binding `{name}` is {kind}, and the wasmCloud catalog of target `{target}` names no capability provider for {kind}"),
        format!("wasmCloud has no first-party {kind} provider: add one to `catalog.providers` and `catalog.bindings.{kind}` of the target (or `wasmcloud` of the profile), or use a k8s or hosted profile"),
    );
}

/// wadm has no autoscaler: the instance count is the minimum, and the rest is reported.
fn approximated_scaling(cx: &mut Check<'_>, d: &Deployable, variant: WasmcloudVariant) {
    let Scaling::Autoscaled(a) = &d.scaling else {
        return;
    };
    if !d
        .cells
        .iter()
        .any(|c| c.role == CellRole::Process && c.runtime_class == RuntimeClass::WasmComponent)
    {
        return;
    }
    let cell = d
        .processes()
        .find(|c| c.autoscaling.is_some())
        .or(d.processes().next());
    let Some(cell) = cell else { return };
    let metric = match (a.smallest(crate::plan::MetricKind::Cpu), a.smallest(crate::plan::MetricKind::Inflight)) {
        (Some(cpu), Some(n)) => format!("cpu {cpu}% and {n} in flight"),
        (Some(cpu), None) => format!("cpu {cpu}%"),
        (None, Some(n)) => format!("{n} in flight"),
        (None, None) => "no metric".to_string(),
    };
    let instances = a.min_replicas.max(1);
    let (what, hint) = match variant {
        WasmcloudVariant::Wadm => (
            format!("wadm has no autoscaler, so it runs a fixed {instances} instance(s) (min_replicas)"),
            "accept the fixed count, set `groups.<deployable>.replicas` in the profile, or scale with an external controller that edits the spreadscaler",
        ),
        WasmcloudVariant::WorkloadDeployment => (
            format!("the WorkloadDeployment gets replicas {instances} (min_replicas); wasmCloud hosts expose no cpu metric per workload"),
            "add a HorizontalPodAutoscaler on External metrics targeting the WorkloadDeployment, or set `groups.<deployable>.replicas` in the profile",
        ),
    };
    let at = cx.cell_at(&cell.key).key("runtime").key("autoscaling");
    cx.in_manifest(
        &codes::WASMCLOUD_AUTOSCALING_APPROXIMATED,
        at,
        format!(
            "deployable `{}` autoscales {}..{} on {metric}; {what}",
            d.key, a.min_replicas, a.max_replicas,
        ),
        hint.to_string(),
    );
}

/// Settings of a cell that neither wadm nor WorkloadDeployments can carry.
fn ignored_settings(cx: &mut Check<'_>, d: &Deployable, c: &super::PlannedCell) {
    let mut ignored = Vec::new();
    if c.probes.is_some() {
        ignored.push("probes (wasmCloud hosts check components themselves)");
    }
    if c.role == CellRole::Process && d.rollout.is_some() {
        ignored.push("rollout (wadm replaces an application version as a whole)");
    }
    let r = &c.resources;
    if r.cpu.is_some() || r.memory.is_some() || r.cpu_limit.is_some() || r.memory_limit.is_some() {
        ignored.push("resources (limits are set per host)");
    }
    if let Some(e) = &c.event {
        if e.ack_mode.is_some() || e.max_in_flight.is_some() || e.drain_timeout_seconds.is_some() {
            ignored.push("event ack_mode, max_in_flight and drain_timeout_seconds (the messaging provider decides)");
        }
    }
    if c.role == CellRole::Process && !d.coordination.is_empty() {
        ignored.push("leases (wasmCloud has no leader election; run one instance)");
    }
    if ignored.is_empty() {
        return;
    }
    let at = cx.cell_at(&c.key);
    cx.in_manifest(
        &codes::WASMCLOUD_SETTING_IGNORED,
        at,
        format!(
            "cell `{}`: wasmCloud has no place for {}",
            c.key,
            ignored.join("; ")
        ),
        "these settings apply on k8s and hosted profiles; nothing is emitted for them here"
            .to_string(),
    );
}
