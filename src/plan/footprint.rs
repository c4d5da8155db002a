//! What a topology costs to run (SPEC §3.2): per deployable and for the service, the pods and
//! the requested cpu and memory at minimum and at maximum scale. Long-running pods count at
//! their minimum and maximum replicas; each CronJob counts one pod per run, at both ends (a
//! run may start at any scale). A pure function of the Plan.

use super::{CellRole, Deployable, Plan, Scaling};
use crate::checks::quantity::parse_quantity;
use serde::Serialize;

/// A `{min, max}` pair.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Range<T> {
    pub min: T,
    pub max: T,
}

/// The footprint in base units: pods, millicores, bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Footprint {
    pub pods: Range<u64>,
    pub cpu_millis: Range<u64>,
    pub memory_bytes: Range<u64>,
    /// Containers with no cpu or memory request: they count as zero.
    pub unrequested: u64,
}

impl Footprint {
    fn add(&mut self, o: &Footprint) {
        for (a, b) in [(&mut self.pods, o.pods), (&mut self.cpu_millis, o.cpu_millis), (&mut self.memory_bytes, o.memory_bytes)] {
            a.min = a.min.saturating_add(b.min);
            a.max = a.max.saturating_add(b.max);
        }
        self.unrequested += o.unrequested;
    }

    /// As reported: `{pods, cpu, memory}`, cpu and memory as Kubernetes quantities.
    pub fn view(&self) -> FootprintView {
        FootprintView {
            pods: self.pods,
            cpu: Range { min: cpu(self.cpu_millis.min), max: cpu(self.cpu_millis.max) },
            memory: Range { min: memory(self.memory_bytes.min), max: memory(self.memory_bytes.max) },
            unrequested_containers: self.unrequested,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FootprintView {
    pub pods: Range<u64>,
    pub cpu: Range<String>,
    pub memory: Range<String>,
    /// Containers without a cpu or memory request, counted as zero.
    #[serde(skip_serializing_if = "is_zero")]
    pub unrequested_containers: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The footprint of one deployable.
pub fn of_deployable(d: &Deployable) -> Footprint {
    let mut f = Footprint::default();
    let (lo, hi) = match &d.scaling {
        Scaling::Fixed { replicas, .. } => (u64::from(*replicas), u64::from(*replicas)),
        Scaling::Autoscaled(a) => (u64::from(a.min_replicas), u64::from(a.max_replicas)),
    };
    let (mut pod_cpu, mut pod_memory) = (0u64, 0u64);
    let mut processes = false;
    for c in &d.cells {
        let (cpu, memory) = (request(c.resources.cpu.as_deref(), 1000.0), request(c.resources.memory.as_deref(), 1.0));
        if c.role != CellRole::Embedded && (cpu.is_none() || memory.is_none()) {
            f.unrequested += 1;
        }
        let (cpu, memory) = (cpu.unwrap_or(0), memory.unwrap_or(0));
        match c.role {
            CellRole::Process => {
                processes = true;
                pod_cpu += cpu;
                pod_memory += memory;
            }
            CellRole::Job => {
                // One pod per run of the CronJob, whatever the scale.
                f.add(&Footprint {
                    pods: Range { min: 1, max: 1 },
                    cpu_millis: Range { min: cpu, max: cpu },
                    memory_bytes: Range { min: memory, max: memory },
                    unrequested: 0,
                });
            }
            CellRole::Embedded => {}
        }
    }
    if processes {
        f.add(&Footprint {
            pods: Range { min: lo, max: hi },
            cpu_millis: Range { min: lo * pod_cpu, max: hi * pod_cpu },
            memory_bytes: Range { min: lo * pod_memory, max: hi * pod_memory },
            unrequested: 0,
        });
    }
    f
}

/// The footprint of the whole service: the sum of its deployables'.
pub fn of_plan(plan: &Plan) -> Footprint {
    let mut f = Footprint::default();
    for d in &plan.deployables {
        f.add(&of_deployable(d));
    }
    f
}

/// A request in base units times `scale` (millicores for cpu), rounded up.
fn request(q: Option<&str>, scale: f64) -> Option<u64> {
    let v = parse_quantity(q?).ok()?.value * scale;
    (v.is_finite() && v >= 0.0).then(|| v.ceil() as u64)
}

fn cpu(millis: u64) -> String {
    if millis.is_multiple_of(1000) {
        (millis / 1000).to_string()
    } else {
        format!("{millis}m")
    }
}

fn memory(bytes: u64) -> String {
    for (unit, size) in [("Ti", 1u64 << 40), ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] {
        if bytes >= size && bytes.is_multiple_of(size) {
            return format!("{}{unit}", bytes / size);
        }
    }
    bytes.to_string()
}

/// `2..8 pods, cpu 200m..800m, memory 256Mi..1Gi` (one value when min and max agree).
pub fn text(v: &FootprintView) -> String {
    fn range<T: std::fmt::Display + PartialEq>(r: &Range<T>) -> String {
        if r.min == r.max {
            r.min.to_string()
        } else {
            format!("{}..{}", r.min, r.max)
        }
    }
    let mut out = format!("{} pods, cpu {}, memory {}", range(&v.pods), range(&v.cpu), range(&v.memory));
    if v.unrequested_containers > 0 {
        out.push_str(&format!(" ({} container(s) without requests counted as 0)", v.unrequested_containers));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_read_back() {
        assert_eq!(cpu(1500), "1500m");
        assert_eq!(cpu(2000), "2");
        assert_eq!(memory(768 << 20), "768Mi");
        assert_eq!(memory(1 << 30), "1Gi");
        assert_eq!(memory(1000), "1000");
        assert_eq!(request(Some("250m"), 1000.0), Some(250));
        assert_eq!(request(Some("0.5"), 1000.0), Some(500));
        assert_eq!(request(Some("128Mi"), 1.0), Some(128 << 20));
        assert_eq!(request(None, 1.0), None);
    }
}
