//! JSON tree → [`Manifest`], reporting every structural problem.

use super::*;
use crate::decode::{Decoder, Fields};
use crate::diagnostics::codes;
use crate::json::{Node, Pointer};

/// Decodes the manifest; `None` when it is structurally invalid (the diagnostics say why).
pub fn decode(d: &mut Decoder<'_>) -> Option<Manifest> {
    let root = d.doc.root()?;
    let at = Pointer::root();
    let mut f = d.fields(root, &at)?;
    d.editor_schema(&mut f);
    let schema_version = d.required(&mut f, "schema_version", |d, n, at| schema_version(d, n, at, SCHEMA_VERSION));
    let service_id = d.required(&mut f, "service_id", Decoder::text);
    let display_name = d.required(&mut f, "display_name", Decoder::text);
    let domain_pack = d.required(&mut f, "domain_pack", domain_pack);
    let cells = d.required(&mut f, "cells", |d, n, at| {
        let cells = d.array(n, at, cell)?;
        if cells.is_empty() {
            d.report(&codes::OUT_OF_RANGE, at, "`cells` is empty", "declare at least one operational cell");
            return None;
        }
        Some(cells)
    });
    let topology_profiles = d.defaulted(&mut f, "topology_profiles", "an array", |d, n, at| d.array(n, at, profile_entry));
    let resource_bindings = d.defaulted(&mut f, "resource_bindings", "an array", |d, n, at| d.array(n, at, resource_binding));
    let default_trust_profile = d.optional(&mut f, "default_trust_profile", Decoder::text);
    d.finish(f);
    Some(Manifest::new(Manifest {
        schema_version: schema_version?,
        service_id: service_id?,
        display_name: display_name?,
        domain_pack: domain_pack?,
        cells: cells?,
        topology_profiles: topology_profiles?,
        resource_bindings: resource_bindings?,
        default_trust_profile: default_trust_profile?,
        index: Index::default(),
    }))
}

/// `schema_version` must be exactly the version this tool reads.
pub fn schema_version<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer, expected: &str) -> Option<String> {
    let s = d.string(n, at)?;
    if s != expected {
        d.report(
            &codes::SCHEMA_VERSION,
            at,
            format!("schema_version is `{s}`; this tool reads `{expected}`"),
            format!("set \"schema_version\": \"{expected}\", or use an x07-topo that reads `{s}`"),
        );
        return None;
    }
    Some(s)
}

fn domain_pack<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<DomainPack> {
    let mut f: Fields = d.fields(n, at)?;
    let id = d.required(&mut f, "id", Decoder::text);
    let display_name = d.required(&mut f, "display_name", Decoder::text);
    d.finish(f);
    Some(DomainPack { id: id?, display_name: display_name? })
}

fn cell<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<Cell> {
    let mut f = d.fields(n, at)?;
    let cell_key = d.required(&mut f, "cell_key", Decoder::text);
    let cell_kind = d.required(&mut f, "cell_kind", Decoder::vocab_or_placeholder);
    let entry_symbol = d.required(&mut f, "entry_symbol", Decoder::text);
    let ingress_kind = d.required(&mut f, "ingress_kind", Decoder::vocab_or_placeholder);
    let runtime_class = d.required(&mut f, "runtime_class", Decoder::vocab_or_placeholder);
    let scale_class = d.required(&mut f, "scale_class", Decoder::vocab_or_placeholder);
    let binding_refs = d.defaulted(&mut f, "binding_refs", "an array", |d, n, at| d.array(n, at, Decoder::text));
    let topology_group = d.required(&mut f, "topology_group", Decoder::text);
    let runtime = d.defaulted(&mut f, "runtime", "an object", runtime);
    d.finish(f);
    Some(Cell {
        cell_key: cell_key?,
        cell_kind: cell_kind?,
        entry_symbol: entry_symbol?,
        ingress_kind: ingress_kind?,
        runtime_class: runtime_class?,
        scale_class: scale_class?,
        binding_refs: binding_refs?,
        topology_group: topology_group?,
        runtime: runtime?,
    })
}

fn runtime<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<Runtime> {
    let mut f = d.fields(n, at)?;
    let event = d.optional(&mut f, "event", event);
    let schedule = d.optional(&mut f, "schedule", schedule);
    let probes = d.optional(&mut f, "probes", probes);
    let rollout = d.optional(&mut f, "rollout", rollout);
    let autoscaling = d.optional(&mut f, "autoscaling", autoscaling);
    d.finish(f);
    Some(Runtime { event: event?, schedule: schedule?, probes: probes?, rollout: rollout?, autoscaling: autoscaling? })
}

const I32_MAX: u32 = i32::MAX as u32;

fn event<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<Event> {
    let mut f = d.fields(n, at)?;
    let binding_ref = d.required(&mut f, "binding_ref", Decoder::text);
    let topic = d.required(&mut f, "topic", Decoder::text);
    let consumer_group = d.required(&mut f, "consumer_group", Decoder::text);
    let ack_mode = d.optional(&mut f, "ack_mode", Decoder::vocab);
    let max_in_flight = d.optional(&mut f, "max_in_flight", |d, n, at| d.u32_in(n, at, 1, u32::MAX));
    let drain_timeout_seconds = d.optional(&mut f, "drain_timeout_seconds", |d, n, at| d.u32_in(n, at, 0, u32::MAX));
    d.finish(f);
    Some(Event {
        binding_ref: binding_ref?,
        topic: topic?,
        consumer_group: consumer_group?,
        ack_mode: ack_mode?,
        max_in_flight: max_in_flight?,
        drain_timeout_seconds: drain_timeout_seconds?,
    })
}

fn schedule<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<Schedule> {
    let mut f = d.fields(n, at)?;
    let cron = d.required(&mut f, "cron", Decoder::text);
    let timezone = d.optional(&mut f, "timezone", Decoder::text);
    let concurrency_policy = d.optional(&mut f, "concurrency_policy", Decoder::vocab);
    // backoffLimit is an int32 in Kubernetes.
    let retry_limit = d.optional(&mut f, "retry_limit", |d, n, at| d.u32_in(n, at, 0, I32_MAX));
    let start_deadline_seconds = d.optional(&mut f, "start_deadline_seconds", |d, n, at| d.u32_in(n, at, 0, u32::MAX));
    let suspend = d.optional(&mut f, "suspend", Decoder::boolean);
    d.finish(f);
    Some(Schedule {
        cron: cron?,
        timezone: timezone?,
        concurrency_policy: concurrency_policy?,
        retry_limit: retry_limit?,
        start_deadline_seconds: start_deadline_seconds?,
        suspend: suspend?,
    })
}

fn probes<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<Probes> {
    let mut f = d.fields(n, at)?;
    let startup = d.optional(&mut f, "startup", probe);
    let readiness = d.optional(&mut f, "readiness", probe);
    let liveness = d.optional(&mut f, "liveness", probe);
    d.finish(f);
    Some(Probes { startup: startup?, readiness: readiness?, liveness: liveness? })
}

fn probe<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<Probe> {
    let mut f = d.fields(n, at)?;
    let probe_kind = d.required(&mut f, "probe_kind", Decoder::vocab_or_placeholder);
    let path = d.optional(&mut f, "path", Decoder::string);
    let port = d.optional(&mut f, "port", |d, n, at| d.u32_in(n, at, 1, 65535).map(|p| p as u16));
    // Upstream's model defaults `command` to `[]` and writes it on every http probe: an empty
    // command is no command, so a round trip through upstream's tools changes no output byte.
    let command = d.defaulted(&mut f, "command", "an array", |d, n, at| d.array(n, at, Decoder::string)).map(|c| c.filter(|c| !c.is_empty()));
    // Kubernetes probe timings are int32; periods, timeouts and thresholds must be >= 1.
    let initial_delay_seconds = d.optional(&mut f, "initial_delay_seconds", |d, n, at| d.u32_in(n, at, 0, I32_MAX));
    let period_seconds = d.optional(&mut f, "period_seconds", |d, n, at| d.u32_in(n, at, 1, I32_MAX));
    let timeout_seconds = d.optional(&mut f, "timeout_seconds", |d, n, at| d.u32_in(n, at, 1, I32_MAX));
    let success_threshold = d.optional(&mut f, "success_threshold", |d, n, at| d.u32_in(n, at, 1, I32_MAX));
    let failure_threshold = d.optional(&mut f, "failure_threshold", |d, n, at| d.u32_in(n, at, 1, I32_MAX));
    d.finish(f);
    Some(Probe {
        probe_kind: probe_kind?,
        path: path?,
        port: port?,
        command: command?,
        initial_delay_seconds: initial_delay_seconds?,
        period_seconds: period_seconds?,
        timeout_seconds: timeout_seconds?,
        success_threshold: success_threshold?,
        failure_threshold: failure_threshold?,
    })
}

fn rollout<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<Rollout> {
    let mut f = d.fields(n, at)?;
    let strategy = d.required(&mut f, "strategy", Decoder::vocab_or_placeholder);
    let max_unavailable = d.optional(&mut f, "max_unavailable", int_or_percent);
    let max_surge = d.optional(&mut f, "max_surge", int_or_percent);
    let canary_percent = d.optional(&mut f, "canary_percent", |d, n, at| d.u32_in(n, at, 1, 100).map(|p| p as u8));
    d.finish(f);
    Some(Rollout { strategy: strategy?, max_unavailable: max_unavailable?, max_surge: max_surge?, canary_percent: canary_percent? })
}

/// A rollout bound: a count (`"1"`) or a percentage (`"25%"`) of at most 100%.
fn int_or_percent<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<String> {
    let s = d.string(n, at)?;
    match IntOrPercent::parse(&s) {
        Ok(_) => Some(s),
        Err(why) => {
            d.report(&codes::INVALID_INT_OR_PERCENT, at, format!("{} is `{s}`: {why}", crate::decode::field_label(at)), "write a count like \"1\" or a percentage from \"0%\" to \"100%\"");
            None
        }
    }
}

/// A parsed rollout bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntOrPercent {
    Count(u32),
    Percent(u32),
}

impl IntOrPercent {
    pub fn parse(s: &str) -> Result<Self, String> {
        let (digits, percent) = match s.strip_suffix('%') {
            Some(d) => (d, true),
            None => (s, false),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("expected digits, optionally followed by `%`".to_string());
        }
        let n: u32 = digits.parse().map_err(|_| "the number is too large".to_string())?;
        if percent {
            if n > 100 {
                return Err("a percentage cannot exceed 100%".to_string());
            }
            return Ok(IntOrPercent::Percent(n));
        }
        if n > i32::MAX as u32 {
            return Err("the count is too large".to_string());
        }
        Ok(IntOrPercent::Count(n))
    }

    pub fn is_zero(self) -> bool {
        matches!(self, IntOrPercent::Count(0) | IntOrPercent::Percent(0))
    }
}

pub fn autoscaling<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<Autoscaling> {
    let mut f = d.fields(n, at)?;
    let min_replicas = d.required(&mut f, "min_replicas", |d, n, at| d.u32_in(n, at, 0, I32_MAX));
    let max_replicas = d.required(&mut f, "max_replicas", |d, n, at| d.u32_in(n, at, 1, I32_MAX));
    let target_cpu_utilization = d.optional(&mut f, "target_cpu_utilization", |d, n, at| d.u32_in(n, at, 1, 100).map(|p| p as u8));
    let target_inflight = d.optional(&mut f, "target_inflight", |d, n, at| d.u32_in(n, at, 1, I32_MAX));
    d.finish(f);
    Some(Autoscaling {
        min_replicas: min_replicas?,
        max_replicas: max_replicas?,
        target_cpu_utilization: target_cpu_utilization?,
        target_inflight: target_inflight?,
    })
}

fn resource_binding<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<ResourceBinding> {
    let mut f = d.fields(n, at)?;
    let name = d.required(&mut f, "name", Decoder::text);
    let kind = d.required(&mut f, "kind", Decoder::vocab_or_placeholder);
    let required = d.defaulted(&mut f, "required", "true or false", Decoder::boolean);
    let notes = d.optional(&mut f, "notes", Decoder::text);
    d.finish(f);
    if let (Some(None), Some(name)) = (&required, &name) {
        d.report(
            &codes::REQUIRED_OMITTED,
            at,
            format!("binding `{}` does not state `required`, so it is optional (false), as upstream reads it", crate::diagnostics::echo(name)),
            "state it: add \"required\": false, or \"required\": true if the service cannot start without the binding",
        );
    }
    Some(ResourceBinding { name: name?, kind: kind?, required: required?, notes: notes? })
}

fn profile_entry<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<ProfileEntry> {
    let mut f = d.fields(n, at)?;
    let id = d.required(&mut f, "id", Decoder::text);
    let target_kind = d.optional(&mut f, "target_kind", Decoder::vocab);
    let placement = d.required(&mut f, "placement", placement);
    let notes = d.optional(&mut f, "notes", Decoder::string);
    d.finish(f);
    Some(ProfileEntry { id: id?, target_kind: target_kind?, placement: placement?, notes: notes? })
}

/// A placement, accepting upstream's aliases with a warning.
pub fn placement<'d>(d: &mut Decoder<'d>, n: &'d Node, at: &Pointer) -> Option<Placement> {
    if let crate::json::Value::String(s) = &n.value {
        if let Some(&(alias, meaning)) = PLACEMENT_ALIASES.iter().find(|(alias, _)| alias == s) {
            d.report(
                &codes::PLACEMENT_ALIAS,
                at,
                format!("placement `{alias}` is upstream's name for `{meaning}`"),
                format!("write \"{meaning}\""),
            );
            return Some(meaning);
        }
    }
    d.vocab(n, at)
}
