//! How the rollouts of co-located cells merge (SPEC §3): to the most conservative.
//! `recreate` if any cell asks for it; else `canary-lite` if any does (with the smallest
//! canary percentage); and the smallest `max_unavailable` and `max_surge`.
//!
//! A count and a percentage compare only over the replicas the deployable can run with:
//! Kubernetes rounds `maxUnavailable` down and `maxSurge` up, so `"1"` and `"25%"` swap
//! order between 2 and 8 replicas. Where no value is at most every other at every replica
//! count, there is no single most conservative choice: the merge takes the smaller at the
//! deployable's largest scale and says so ([`Merged::undecided`]).

use crate::manifest::IntOrPercent;
use crate::manifest::{Rollout, RolloutStrategy};

/// Kubernetes' default for an absent `maxUnavailable` or `maxSurge`.
const DEFAULT_BOUND: IntOrPercent = IntOrPercent::Percent(25);

pub struct Merged {
    pub rollout: Option<Rollout>,
    /// The fields (`max_unavailable`, `max_surge`) where no single most conservative value
    /// exists over the deployable's replica range, with the values that disagree.
    pub undecided: Vec<(&'static str, Vec<String>)>,
}

/// The most conservative of the cells' rollouts (each with its cell key), for a deployable
/// that runs between `lo` and `hi` replicas.
pub fn merge(rollouts: &[(&str, &Rollout)], lo: u32, hi: u32) -> Merged {
    let mut undecided = Vec::new();
    let Some((_, first)) = rollouts.first() else { return Merged { rollout: None, undecided } };
    if rollouts.len() == 1 {
        return Merged { rollout: Some((*first).clone()), undecided };
    }
    let any = |s: RolloutStrategy| rollouts.iter().any(|(_, r)| r.strategy == s);
    if any(RolloutStrategy::Recreate) {
        // Recreate stops every old pod first: nothing more conservative exists.
        return Merged { rollout: Some(Rollout { strategy: RolloutStrategy::Recreate, max_unavailable: None, max_surge: None, canary_percent: None }), undecided };
    }
    let strategy = if any(RolloutStrategy::CanaryLite) { RolloutStrategy::CanaryLite } else { RolloutStrategy::Rolling };
    let canary_percent = rollouts.iter().filter_map(|(_, r)| r.canary_percent).min().filter(|_| strategy == RolloutStrategy::CanaryLite);
    let mut bound = |field: &'static str, get: fn(&Rollout) -> Option<&String>, round_up: bool| {
        if rollouts.iter().all(|(_, r)| get(r).is_none()) {
            return None;
        }
        let values: Vec<(Option<&String>, IntOrPercent)> =
            rollouts.iter().map(|(_, r)| (get(r), get(r).and_then(|v| IntOrPercent::parse(v).ok()).unwrap_or(DEFAULT_BOUND))).collect();
        let at = |v: IntOrPercent, r: u32| match v {
            IntOrPercent::Count(n) => u64::from(n),
            IntOrPercent::Percent(p) => {
                let scaled = u64::from(p) * u64::from(r);
                if round_up { scaled.div_ceil(100) } else { scaled / 100 }
            }
        };
        let below_everywhere = |a: IntOrPercent, b: IntOrPercent| match (a, b) {
            (IntOrPercent::Count(x), IntOrPercent::Count(y)) | (IntOrPercent::Percent(x), IntOrPercent::Percent(y)) => x <= y,
            // Both sides only grow with the replica count: compare at the two ends.
            _ => at(a, lo) <= at(b, lo) && at(a, hi) <= at(b, hi),
        };
        let smallest = values.iter().find(|(_, a)| values.iter().all(|(_, b)| below_everywhere(*a, *b)));
        let chosen = match smallest {
            Some(v) => v,
            None => {
                let mut shown: Vec<String> = values.iter().map(|(v, d)| v.cloned().unwrap_or_else(|| format!("{} (default)", show(*d)))).collect();
                shown.dedup();
                undecided.push((field, shown));
                values.iter().min_by_key(|(_, v)| at(*v, hi)).expect("at least two rollouts")
            }
        };
        chosen.0.cloned().or_else(|| Some(show(chosen.1)))
    };
    let max_unavailable = bound("max_unavailable", |r| r.max_unavailable.as_ref(), false);
    let max_surge = bound("max_surge", |r| r.max_surge.as_ref(), true);
    Merged { rollout: Some(Rollout { strategy, max_unavailable, max_surge, canary_percent }), undecided }
}

fn show(v: IntOrPercent) -> String {
    match v {
        IntOrPercent::Count(n) => n.to_string(),
        IntOrPercent::Percent(p) => format!("{p}%"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(strategy: RolloutStrategy, mu: Option<&str>, ms: Option<&str>) -> Rollout {
        Rollout { strategy, max_unavailable: mu.map(str::to_string), max_surge: ms.map(str::to_string), canary_percent: None }
    }

    #[test]
    fn recreate_wins() {
        let a = r(RolloutStrategy::Rolling, Some("1"), None);
        let b = r(RolloutStrategy::Recreate, None, None);
        let m = merge(&[("a", &a), ("b", &b)], 1, 4);
        assert_eq!(m.rollout.map(|r| r.strategy), Some(RolloutStrategy::Recreate));
        assert!(m.undecided.is_empty());
    }

    #[test]
    fn smallest_bounds_when_comparable() {
        let a = r(RolloutStrategy::Rolling, Some("25%"), Some("50%"));
        let b = r(RolloutStrategy::Rolling, Some("10%"), Some("25%"));
        let m = merge(&[("a", &a), ("b", &b)], 2, 8);
        let got = m.rollout.expect("merged");
        assert_eq!((got.max_unavailable.as_deref(), got.max_surge.as_deref()), (Some("10%"), Some("25%")));
        assert!(m.undecided.is_empty());
        // A count of 0 is below any percentage.
        let c = r(RolloutStrategy::Rolling, Some("0"), None);
        let got = merge(&[("a", &a), ("c", &c)], 2, 8).rollout.expect("merged");
        assert_eq!(got.max_unavailable.as_deref(), Some("0"));
    }

    #[test]
    fn count_and_percentage_compare_over_the_replica_range() {
        let a = r(RolloutStrategy::Rolling, Some("25%"), None);
        let b = r(RolloutStrategy::Rolling, Some("1"), None);
        // Fixed at 4 replicas: 25% is 1, as small as "1".
        assert!(merge(&[("a", &a), ("b", &b)], 4, 4).undecided.is_empty());
        // Between 2 and 8 replicas 25% is 0..2: neither is always the smaller.
        let m = merge(&[("a", &a), ("b", &b)], 2, 8);
        assert_eq!(m.undecided.len(), 1);
        assert_eq!(m.rollout.expect("merged").max_unavailable.as_deref(), Some("1"));
    }
}
