//! How the long-running cells of one deployable scale together (SPEC §3).

use super::{Autoscale, PlannedCell, Scaling};
use crate::manifest::ScaleClass;
use crate::profile::Overrides;

/// Leader election runs two replicas: one leads, one waits.
pub const SINGLETON_REPLICAS: u32 = 2;

pub enum ScalingError {
    /// Two cells ask for different autoscaling (their keys).
    Conflict(String, String),
}

/// The deployable's scaling: the profile's setting for it if any, else what its
/// processes agree on. Cells without autoscaling follow the others.
pub fn decide(key: &str, group: Option<&Overrides>, processes: &[&PlannedCell]) -> Result<Scaling, ScalingError> {
    if let Some(replicas) = group.and_then(|g| g.replicas) {
        return Ok(Scaling::Fixed { replicas, source: format!("profile groups.{key}.replicas") });
    }
    if let Some(a) = group.and_then(|g| g.autoscaling.as_ref()) {
        return Ok(Scaling::Autoscaled(Autoscale {
            min_replicas: a.min_replicas,
            max_replicas: a.max_replicas,
            target_cpu_utilization: a.target_cpu_utilization,
            target_inflight: a.target_inflight,
            source: format!("profile groups.{key}.autoscaling"),
        }));
    }
    if processes.iter().any(|c| c.scale_class == ScaleClass::SingletonOrchestrator) {
        return Ok(Scaling::Fixed { replicas: SINGLETON_REPLICAS, source: "leader election (singleton-orchestrator)".to_string() });
    }
    let mut chosen: Option<(&str, &Autoscale)> = None;
    for c in processes {
        if let Some(a) = &c.autoscaling {
            match chosen {
                Some((other, b)) if !a.same_policy(b) => return Err(ScalingError::Conflict(other.to_string(), c.key.clone())),
                Some(_) => {}
                None => chosen = Some((&c.key, a)),
            }
        }
    }
    Ok(match chosen {
        Some((_, a)) => Scaling::Autoscaled(a.clone()),
        None => Scaling::Fixed { replicas: 1, source: "default".to_string() },
    })
}
