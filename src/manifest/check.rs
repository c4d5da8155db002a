//! Semantic checks of a decoded manifest: upstream's rules, then the ones upstream misses.

use super::decode::IntOrPercent;
use super::*;
use crate::checks::{cron, names, timezone};
use crate::decode::Decoder;
use crate::diagnostics::codes;
use crate::json::Pointer;
use std::collections::{BTreeMap, BTreeSet};

/// Reports every rule the manifest breaks; the manifest is usable only if none is an error.
pub fn check(d: &mut Decoder<'_>, m: &Manifest) {
    let root = Pointer::root();
    unique(d, m.cells.iter().map(|c| c.cell_key.as_str()), &root.key("cells"), "cell_key", &codes::DUPLICATE_CELL_KEY, "cell");
    unique(d, m.bindings().iter().map(|b| b.name.as_str()), &root.key("resource_bindings"), "name", &codes::DUPLICATE_BINDING, "resource binding");
    unique(d, m.profiles().iter().map(|p| p.id.as_str()), &root.key("topology_profiles"), "id", &codes::DUPLICATE_PROFILE, "topology profile");

    for (i, cell) in m.cells.iter().enumerate() {
        check_cell(d, m, cell, &root.key("cells").index(i));
    }
    check_names(d, m);
    check_unused_bindings(d, m);
    if m.trust_profile() != DEFAULT_TRUST_PROFILE {
        d.report(
            &codes::UNKNOWN_TRUST_PROFILE,
            &root.key("default_trust_profile"),
            format!("trust profile `{}` is not one x07-topo knows; outputs use `{DEFAULT_TRUST_PROFILE}` settings", m.trust_profile()),
            format!("use \"{DEFAULT_TRUST_PROFILE}\", or omit the member"),
        );
    }
}

/// Reports the second and later occurrences of a name in a list of objects.
fn unique<'a>(
    d: &mut Decoder<'_>,
    names: impl Iterator<Item = &'a str>,
    list: &Pointer,
    member: &str,
    code: &'static crate::diagnostics::Code,
    what: &str,
) {
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, name) in names.enumerate() {
        if let Some(&j) = first.get(name) {
            d.report(code, &list.index(i).key(member), format!("{what} `{name}` is declared twice (first at {list}/{j})"), format!("give each {what} a unique {member}"));
        } else {
            first.insert(name, i);
        }
    }
}

fn check_cell(d: &mut Decoder<'_>, m: &Manifest, cell: &Cell, at: &Pointer) {
    let expected = cell.cell_kind.ingress();
    let kinds_known = !d.is_tainted(&at.key("cell_kind")) && !d.is_tainted(&at.key("ingress_kind"));
    // With an unknown or mismatched ingress, which runtime sections belong is unknowable.
    let ingress_ok = kinds_known && cell.ingress_kind == expected;
    if kinds_known && !ingress_ok {
        d.report(
            &codes::INGRESS_MISMATCH,
            &at.key("ingress_kind"),
            format!("cell `{}` is a {} but its ingress_kind is `{}`", cell.cell_key, cell.cell_kind, cell.ingress_kind),
            format!("a {} takes ingress_kind \"{expected}\"; change one of the two", cell.cell_kind),
        );
    }

    let mut seen = BTreeSet::new();
    for (i, r) in cell.binding_refs().iter().enumerate() {
        let here = at.key("binding_refs").index(i);
        if !seen.insert(r.as_str()) {
            d.report(&codes::DUPLICATE_BINDING_REF, &here, format!("cell `{}` lists binding `{r}` twice", cell.cell_key), "list each binding once");
        } else if m.binding(r).is_none() {
            let declared: Vec<&str> = m.bindings().iter().map(|b| b.name.as_str()).collect();
            d.report(
                &codes::UNKNOWN_BINDING_REF,
                &here,
                format!("cell `{}` uses binding `{r}`, which resource_bindings does not declare", cell.cell_key),
                format!("{}declare it in resource_bindings, or remove it from the cell", crate::suggest::did_you_mean(r, declared)),
            );
        } else if let Some(binding) = known_kind(d, m, r) {
            if !d.is_tainted(&at.key("cell_kind")) {
                archetype_rule(d, cell, binding, &here);
            }
        }
    }

    let rt = cell.runtime();
    let rt_at = at.key("runtime");
    if ingress_ok {
        section_rule(d, cell, at, cell.ingress_kind == IngressKind::Event, rt.event.is_some(), "event");
        section_rule(d, cell, at, cell.ingress_kind == IngressKind::Schedule, rt.schedule.is_some(), "schedule");
    }
    if let Some(event) = &rt.event {
        check_event(d, m, cell, event, &rt_at.key("event"));
    }
    if let Some(schedule) = &rt.schedule {
        check_schedule(d, schedule, &rt_at.key("schedule"));
    }
    if let Some(probes) = &rt.probes {
        for (name, probe) in probes.each() {
            check_probe(d, name, probe, &rt_at.key("probes").key(name));
        }
    }
    if let Some(rollout) = &rt.rollout {
        check_rollout(d, cell, ingress_ok, rollout, &rt_at.key("rollout"));
    }
    if let Some(autoscaling) = &rt.autoscaling {
        check_autoscaling(d, cell, ingress_ok, autoscaling, &rt_at.key("autoscaling"));
    }
}

fn section_rule(d: &mut Decoder<'_>, cell: &Cell, at: &Pointer, needed: bool, present: bool, section: &str) {
    if needed && !present {
        let where_ = if cell.runtime.is_some() { at.key("runtime") } else { at.clone() };
        d.report(
            &codes::RUNTIME_SECTION_MISSING,
            &where_,
            format!("cell `{}` has {section} ingress but no runtime.{section}", cell.cell_key),
            if section == "event" {
                "add runtime.event with binding_ref, topic and consumer_group".to_string()
            } else {
                "add runtime.schedule with at least a cron expression".to_string()
            },
        );
    } else if present && !needed {
        d.report(
            &codes::RUNTIME_SECTION_FORBIDDEN,
            &at.key("runtime").key(section),
            format!("cell `{}` has {} ingress, so runtime.{section} does not apply", cell.cell_key, cell.ingress_kind),
            format!("remove runtime.{section}, or make the cell one with {section} ingress"),
        );
    }
}

fn check_event(d: &mut Decoder<'_>, m: &Manifest, cell: &Cell, event: &Event, at: &Pointer) {
    let here = at.key("binding_ref");
    let r = &event.binding_ref;
    if !cell.binding_refs().contains(r) {
        d.report(
            &codes::EVENT_BINDING_NOT_IN_CELL,
            &here,
            format!("cell `{}` consumes from binding `{r}` but does not list it in binding_refs", cell.cell_key),
            format!("add \"{r}\" to the cell's binding_refs"),
        );
    }
    let kind_known = known_kind(d, m, r).is_some();
    match m.binding(r) {
        Some(b) if kind_known && !matches!(b.kind, BindingKind::Kafka | BindingKind::Amqp) => d.report(
            &codes::EVENT_BINDING_KIND,
            &here,
            format!("event binding `{r}` is a {} binding; events come from kafka or amqp", b.kind),
            "point binding_ref at a kafka or amqp binding",
        ),
        Some(_) => {}
        None if cell.binding_refs().contains(r) => {} // reported as an unknown binding ref already
        None => d.report(
            &codes::UNKNOWN_BINDING_REF,
            &here,
            format!("event binding `{r}` is not declared in resource_bindings"),
            "declare it as a kafka or amqp binding",
        ),
    }
}

fn check_schedule(d: &mut Decoder<'_>, schedule: &Schedule, at: &Pointer) {
    if let Err(e) = cron::check_cron(&schedule.cron) {
        d.report(&codes::INVALID_CRON, &at.key("cron"), format!("cron `{}`: {}", schedule.cron, e.message), e.hint);
    }
    if let Some(tz) = &schedule.timezone {
        if let Err((message, hint)) = timezone::check_timezone(tz) {
            d.report(&codes::INVALID_TIMEZONE, &at.key("timezone"), message, hint);
        }
    }
}

fn check_probe(d: &mut Decoder<'_>, name: &str, p: &Probe, at: &Pointer) {
    let kind_known = !d.is_tainted(&at.key("probe_kind"));
    let mut bad = |field: &str, message: String, hint: &str| {
        let here = if field.is_empty() { at.clone() } else { at.key(field) };
        d.report(&codes::INVALID_PROBE, &here, message, hint);
    };
    match p.probe_kind {
        _ if !kind_known => {}
        ProbeKind::Http => {
            match p.path.as_deref() {
                None => bad("", format!("the http {name} probe has no path"), "add a path such as \"/healthz\""),
                Some(path) if !path.starts_with('/') => bad("path", format!("http probe path `{path}` does not start with `/`"), "write the path from the root, e.g. \"/healthz\""),
                Some(_) => {}
            }
            // Upstream's model writes `"command": []` for an http probe: empty means none.
            if p.command.as_ref().is_some_and(|c| !c.is_empty()) {
                bad("command", format!("the http {name} probe has a command"), "remove command, or make it an exec probe");
            }
        }
        ProbeKind::Exec => {
            match p.command.as_deref() {
                None | Some([]) => bad("", format!("the exec {name} probe has no command"), "add a command, e.g. [\"check\", \"--ready\"]"),
                Some(cmd) => {
                    if let Some(i) = cmd.iter().position(|c| c.trim().is_empty()) {
                        bad(&format!("command/{i}"), format!("entry {i} of the exec {name} probe's command is blank"), "remove the blank entry");
                    }
                }
            }
            if p.path.is_some() {
                bad("path", format!("the exec {name} probe has a path"), "remove path, or make it an http probe");
            }
            if p.port.is_some() {
                bad("port", format!("the exec {name} probe has a port"), "remove port, or make it an http probe");
            }
        }
    }
    // Kubernetes rejects any other value for these two probes.
    if name != "readiness" && p.success_threshold.is_some_and(|t| t != 1) {
        bad("success_threshold", format!("the {name} probe's success_threshold must be 1"), "remove success_threshold, or set it to 1");
    }
}

fn check_rollout(d: &mut Decoder<'_>, cell: &Cell, ingress_known: bool, r: &Rollout, at: &Pointer) {
    if d.is_tainted(&at.key("strategy")) {
        return;
    }
    if ingress_known && r.strategy == RolloutStrategy::CanaryLite && !cell.ingress_kind.scales_by_traffic() {
        d.report(
            &codes::NOT_FOR_INGRESS,
            &at.key("strategy"),
            format!("cell `{}` has {} ingress; canary-lite needs http or event ingress", cell.cell_key, cell.ingress_kind),
            "use \"rolling\" or \"recreate\"",
        );
    }
    let zero = |v: &Option<String>| v.as_deref().and_then(|s| IntOrPercent::parse(s).ok()).is_some_and(IntOrPercent::is_zero);
    // An omitted max_surge means Kubernetes' default of 25%, so only two explicit zeros stall.
    if r.strategy != RolloutStrategy::Recreate && zero(&r.max_unavailable) && zero(&r.max_surge) {
        d.report(
            &codes::ROLLOUT_NO_PROGRESS,
            &at.key("max_surge"),
            "max_unavailable and max_surge are both zero: no pod could ever be replaced",
            "let at least one of them be above zero",
        );
    }
    if r.canary_percent.is_some() && r.strategy != RolloutStrategy::CanaryLite {
        d.report(
            &codes::CANARY_PERCENT_UNUSED,
            &at.key("canary_percent"),
            format!("canary_percent is set but the strategy is {}", r.strategy),
            "remove canary_percent, or use the canary-lite strategy",
        );
    }
}

fn check_autoscaling(d: &mut Decoder<'_>, cell: &Cell, ingress_known: bool, a: &Autoscaling, at: &Pointer) {
    if ingress_known && !cell.ingress_kind.scales_by_traffic() {
        d.report(
            &codes::NOT_FOR_INGRESS,
            at,
            format!("cell `{}` has {} ingress; autoscaling needs http or event ingress", cell.cell_key, cell.ingress_kind),
            "remove runtime.autoscaling; scale this cell with the profile's replicas",
        );
    }
    if a.min_replicas > a.max_replicas {
        d.report(
            &codes::MIN_ABOVE_MAX,
            &at.key("min_replicas"),
            format!("min_replicas {} is above max_replicas {}", a.min_replicas, a.max_replicas),
            "make min_replicas at most max_replicas",
        );
    }
    if a.target_cpu_utilization.is_none() && a.target_inflight.is_none() {
        d.report(
            &codes::AUTOSCALING_NO_TARGET,
            at,
            format!("autoscaling of cell `{}` has no target", cell.cell_key),
            "add target_cpu_utilization (percent) or target_inflight (messages or requests per replica)",
        );
    }
}

/// The binding named `name`, if its kind is a real value (not a placeholder for an invalid one).
fn known_kind<'m>(d: &Decoder<'_>, m: &'m Manifest, name: &str) -> Option<&'m ResourceBinding> {
    let i = m.binding_position(name)?;
    let at = Pointer::root().key("resource_bindings").index(i).key("kind");
    (!d.is_tainted(&at)).then(|| &m.bindings()[i])
}

/// Upstream's archetype catalog: binding kinds each cell kind supports. Only a warning:
/// real services break it.
fn archetype_rule(d: &mut Decoder<'_>, cell: &Cell, binding: &ResourceBinding, at: &Pointer) {
    use BindingKind::*;
    let supported: &[BindingKind] = match cell.cell_kind {
        CellKind::ApiCell => &[Postgres, S3, Secret, Otlp],
        CellKind::EventConsumer | CellKind::WorkflowService => &[Amqp, Postgres, Secret, Otlp],
        CellKind::ScheduledJob | CellKind::PolicyService => &[Postgres, Secret, Otlp],
        CellKind::McpTool => return, // upstream has no mcp-tool archetype
    };
    if !supported.contains(&binding.kind) {
        let list: Vec<&str> = supported.iter().map(|k| k.as_str()).collect();
        d.report(
            &codes::ARCHETYPE_RULE,
            at,
            format!("the {} archetype does not list {} bindings (`{}`)", cell.cell_kind, binding.kind, binding.name),
            format!("the archetype supports {}; this is a warning only", list.join(", ")),
        );
    }
}

fn check_unused_bindings(d: &mut Decoder<'_>, m: &Manifest) {
    let used: BTreeSet<&str> = m.cells.iter().flat_map(|c| c.binding_refs()).map(String::as_str).collect();
    for (i, b) in m.bindings().iter().enumerate() {
        if !used.contains(b.name.as_str()) {
            d.report(
                &codes::UNUSED_BINDING,
                &Pointer::root().key("resource_bindings").index(i).key("name"),
                format!("binding `{}` is declared but no cell uses it", b.name),
                "add it to the binding_refs of the cells that use it, or remove it",
            );
        }
    }
}

/// Names that become object or variable names must survive sanitising, and two must not
/// become the same name. Placement-independent names are checked here; deployable names
/// depend on the profile and are checked with it.
fn check_names(d: &mut Decoder<'_>, m: &Manifest) {
    let root = Pointer::root();
    if names::sanitize_dns1123(&m.service_id).is_empty() {
        d.report(&codes::UNNAMEABLE, &root.key("service_id"), format!("service_id `{}` has no letters or digits to name objects with", m.service_id), "use lower-case letters, digits and `-`");
    } else if !is_workload_id(&m.service_id) {
        d.report(
            &codes::SERVICE_ID_NOT_WORKLOAD_ID,
            &root.key("service_id"),
            format!("service_id `{}` is not a valid X07 workload id (^[a-z0-9][a-z0-9._-]*$): x07-wasm refuses it, though upstream's validate accepts it", m.service_id),
            format!("use lower-case letters, digits, `.`, `_` and `-`, starting with a letter or digit, e.g. `{}`", names::sanitize_dns1123(&m.service_id)),
        );
    }
    // A profile id names files and folders (`topology.preview.<id>.json`, a workspace's `out`):
    // it must be one plain name (SPEC §7.2).
    for (i, p) in m.profiles().iter().enumerate() {
        if !p.id.trim().is_empty() && !crate::workspace::is_safe_segment(&p.id) {
            d.report(
                &codes::UNSAFE_PROFILE_ID,
                &root.key("topology_profiles").index(i).key("id"),
                format!("profile id `{}` is not a plain name: ids become file and folder names, so `/`, `..` and absolute paths are refused", crate::diagnostics::echo(&p.id)),
                "use letters, digits, `.`, `_` and `-`, starting with a letter or digit (e.g. `prod`, `eu-west.canary`)",
            );
        }
    }
    let cells = m.cells.iter().enumerate().map(|(i, c)| (c.cell_key.as_str(), root.key("cells").index(i).key("cell_key")));
    collisions(d, cells, names::sanitize_dns1123, "cell key", "container and CronJob name");
    let groups = m.cells.iter().enumerate().map(|(i, c)| (c.topology_group.as_str(), root.key("cells").index(i).key("topology_group")));
    collisions(d, groups, names::sanitize_dns1123, "topology group", "deployable name");
    let bindings = || m.bindings().iter().enumerate().map(|(i, b)| (b.name.as_str(), root.key("resource_bindings").index(i).key("name")));
    collisions(d, bindings(), names::sanitize_dns1123, "binding", "Secret name");
    collisions(d, bindings(), names::env_token, "binding", "environment variable prefix");
}

/// Upstream genpack's workload-id pattern `^[a-z0-9][a-z0-9._-]*$`, which x07-wasm enforces.
fn is_workload_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

/// Reports names that are distinct as written but equal (or empty) after `transform`.
pub fn collisions<'a>(
    d: &mut Decoder<'_>,
    items: impl Iterator<Item = (&'a str, Pointer)>,
    transform: fn(&str) -> String,
    what: &str,
    becomes: &str,
) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (name, at) in items {
        let t = transform(name);
        if t.is_empty() {
            d.report(&codes::UNNAMEABLE, &at, format!("{what} `{name}` leaves nothing for a {becomes}"), "use letters and digits in the name");
            continue;
        }
        match seen.get(t.as_str()) {
            Some(&other) if other != name => d.report(
                &codes::NAME_COLLISION,
                &at,
                format!("{what} `{name}` and `{other}` both become the {becomes} `{t}`"),
                "rename one of them so they differ in more than punctuation or case",
            ),
            Some(_) => {}
            None => {
                seen.insert(t, name);
            }
        }
    }
}
