//! How the long-running cells of one deployable scale together (SPEC §3): co-located
//! cells' scaling merges, it never conflicts. The bounds are the widest the cells ask for,
//! the metrics the union of theirs, so the autoscaler (acting on the largest
//! recommendation) gives every cell at least what it asked for.
//!
//! [`decide`] is a pure function of the profile's group setting and the deployable's
//! processes; other rules (a sqlite volume's one replica) consult its result.

use super::{Autoscale, Metric, MetricKind, PlannedCell, Scaling};
use crate::manifest::ScaleClass;
use crate::profile::Overrides;

/// Leader election runs at least two replicas: one leads, one waits.
pub const SINGLETON_REPLICAS: u32 = 2;

/// The source of a singleton's default replicas.
pub const LEADER_ELECTION: &str = "leader election (singleton-orchestrator)";

/// A cell's own autoscaling (profile `cells.<key>.autoscaling`, else the manifest's).
pub fn of_cell(key: &str, min_replicas: u32, max_replicas: u32, cpu: Option<u8>, inflight: Option<u32>, source: String) -> Autoscale {
    let cell = Some(key.to_string());
    let mut metrics = Vec::new();
    metrics.extend(cpu.map(|t| Metric { kind: MetricKind::Cpu, target: t.into(), cell: cell.clone() }));
    metrics.extend(inflight.map(|t| Metric { kind: MetricKind::Inflight, target: t, cell: cell.clone() }));
    Autoscale { min_replicas, max_replicas, metrics, min_from: key.to_string(), max_from: key.to_string(), source }
}

/// The deployable's scaling: the profile's setting for its group if any, else the merge of
/// its processes' autoscaling (cells without autoscaling follow the others). A
/// singleton-orchestrator runs under leader election in every replica, so its deployable
/// keeps at least [`SINGLETON_REPLICAS`] unless the profile decides.
pub fn decide(key: &str, group: Option<&Overrides>, processes: &[&PlannedCell]) -> Scaling {
    if let Some(replicas) = group.and_then(|g| g.replicas) {
        return Scaling::Fixed { replicas, source: format!("profile groups.{key}.replicas") };
    }
    if let Some(a) = group.and_then(|g| g.autoscaling.as_ref()) {
        let source = format!("profile groups.{key}.autoscaling");
        let mut metrics = Vec::new();
        metrics.extend(a.target_cpu_utilization.map(|t| Metric { kind: MetricKind::Cpu, target: t.into(), cell: None }));
        metrics.extend(a.target_inflight.map(|t| Metric { kind: MetricKind::Inflight, target: t, cell: None }));
        return Scaling::Autoscaled(Autoscale {
            min_replicas: a.min_replicas,
            max_replicas: a.max_replicas,
            metrics,
            min_from: source.clone(),
            max_from: source.clone(),
            source,
        });
    }
    let singleton = processes.iter().any(|c| c.scale_class == ScaleClass::SingletonOrchestrator);
    match merge(processes.iter().filter_map(|c| c.autoscaling.as_ref())) {
        Some(mut a) => {
            if singleton && a.min_replicas < SINGLETON_REPLICAS {
                a.min_replicas = SINGLETON_REPLICAS;
                a.min_from = LEADER_ELECTION.to_string();
            }
            if singleton && a.max_replicas < SINGLETON_REPLICAS {
                a.max_replicas = SINGLETON_REPLICAS;
                a.max_from = LEADER_ELECTION.to_string();
            }
            Scaling::Autoscaled(a)
        }
        None if singleton => Scaling::Fixed { replicas: SINGLETON_REPLICAS, source: LEADER_ELECTION.to_string() },
        None => Scaling::Fixed { replicas: 1, source: "default".to_string() },
    }
}

/// The widest bounds and the union of the metrics of several cells' autoscaling, in the
/// order given. A bound ties to the first cell that asked for it. `None` when none is given.
pub fn merge<'a>(cells: impl IntoIterator<Item = &'a Autoscale>) -> Option<Autoscale> {
    let mut out: Option<Autoscale> = None;
    let mut sources = Vec::new();
    for a in cells {
        sources.push(a);
        match &mut out {
            None => out = Some(a.clone()),
            Some(m) => {
                if a.min_replicas > m.min_replicas {
                    m.min_replicas = a.min_replicas;
                    m.min_from = a.min_from.clone();
                }
                if a.max_replicas > m.max_replicas {
                    m.max_replicas = a.max_replicas;
                    m.max_from = a.max_from.clone();
                }
                m.metrics.extend(a.metrics.iter().cloned());
            }
        }
    }
    if let (Some(m), [_, _, ..]) = (&mut out, sources.as_slice()) {
        let cells: Vec<&str> = sources.iter().map(|a| a.min_from.as_str()).collect();
        m.source = format!("merged from cells {}", crate::diagnostics::list(cells.iter().copied()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_takes_widest_bounds_and_every_metric() {
        let api = of_cell("api", 2, 6, Some(70), None, "manifest /cells/0/runtime/autoscaling".into());
        let events = of_cell("events", 1, 8, None, Some(64), "manifest /cells/1/runtime/autoscaling".into());
        let m = merge([&api, &events]).expect("two cells");
        assert_eq!((m.min_replicas, m.min_from.as_str()), (2, "api"));
        assert_eq!((m.max_replicas, m.max_from.as_str()), (8, "events"));
        assert_eq!(m.metrics.len(), 2);
        assert_eq!(m.inflight_for("events"), Some(64));
        assert_eq!(m.inflight_for("api"), None);
        assert_eq!(m.smallest(MetricKind::Cpu), Some(70));
        assert!(m.source.contains("api") && m.source.contains("events"), "{}", m.source);
    }

    #[test]
    fn one_cell_keeps_its_own_source() {
        let api = of_cell("api", 2, 6, Some(70), None, "manifest /cells/0/runtime/autoscaling".into());
        assert_eq!(merge([&api]).expect("one").source, "manifest /cells/0/runtime/autoscaling");
        assert!(merge(std::iter::empty::<&Autoscale>()).is_none());
    }
}
