//! How the long-running cells of one deployable scale together (SPEC §3).

use super::{Autoscale, PlannedCell, Scaling};
use crate::manifest::ScaleClass;
use crate::profile::Overrides;

/// Leader election runs at least two replicas: one leads, one waits.
pub const SINGLETON_REPLICAS: u32 = 2;

/// The source of a singleton's default replicas.
const LEADER_ELECTION: &str = "leader election (singleton-orchestrator)";

pub enum ScalingError {
    /// Two cells ask for different autoscaling (their keys).
    Conflict(String, String),
}

/// The deployable's scaling: the profile's setting for it if any, else what its
/// processes agree on. Cells without autoscaling follow the others. A singleton-orchestrator
/// runs under leader election in every replica, so its deployable keeps at least
/// [`SINGLETON_REPLICAS`] unless the profile decides.
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
    let singleton = processes.iter().any(|c| c.scale_class == ScaleClass::SingletonOrchestrator);
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
        Some((_, a)) if singleton => Scaling::Autoscaled(Autoscale {
            min_replicas: a.min_replicas.max(SINGLETON_REPLICAS),
            max_replicas: a.max_replicas.max(SINGLETON_REPLICAS),
            ..a.clone()
        }),
        Some((_, a)) => Scaling::Autoscaled(a.clone()),
        None if singleton => Scaling::Fixed { replicas: SINGLETON_REPLICAS, source: LEADER_ELECTION.to_string() },
        None => Scaling::Fixed { replicas: 1, source: "default".to_string() },
    })
}
