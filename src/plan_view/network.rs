//! `x07-topo explain --network` (SPEC §4.2): per deployable every edge it may use and the
//! binding, lease or ingress that grants it, from `crate::network` (the same edges the
//! Kubernetes emitter renders as NetworkPolicies). Pure.

use super::text::table;
use crate::network::{self, Boundary, Direction};
use crate::plan::Plan;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct NetworkReport {
    pub profile: String,
    pub target: String,
    /// Kubernetes: whether NetworkPolicies enforce the edges.
    pub network_policies: bool,
    /// In deployable order; deployables that run nothing are left out.
    pub deployables: Vec<Boundary>,
}

pub fn report(plan: &Plan) -> NetworkReport {
    NetworkReport {
        profile: plan.profile.clone(),
        target: plan.target_name.clone(),
        network_policies: network::policies_enabled(plan),
        deployables: plan.deployables.iter().filter(|d| d.runs_anything()).map(|d| network::boundary(plan, d)).collect(),
    }
}

/// The ports of an edge as `5432/TCP 53/UDP`, or `any` (links and platform providers).
pub fn ports(e: &network::Edge) -> String {
    if e.ports.is_empty() {
        return "any".to_string();
    }
    e.ports.iter().map(|p| format!("{}/{}", p.port, p.protocol.as_str())).collect::<Vec<_>>().join(",")
}

fn enforcement(b: &Boundary) -> &'static str {
    match b.enforced_by {
        "network-policy" => "NetworkPolicy: everything else denied",
        "none" => "no NetworkPolicy (the target does not enable them): these are the edges it would allow",
        "wasmcloud-links" => "wasmCloud links",
        _ => "hosted platform providers",
    }
}

pub fn render(r: &NetworkReport) -> String {
    let mut out = format!("profile {} (target {})\n", r.profile, r.target);
    for b in &r.deployables {
        out.push_str(&format!("\n{} ({})\n", b.deployable, enforcement(b)));
        let rows: Vec<Vec<String>> = b
            .edges
            .iter()
            .map(|e| {
                let dir = match e.direction {
                    Direction::Egress => "to",
                    Direction::Ingress => "from",
                };
                let grant = match (&e.peer, &e.granted_by) {
                    // The provider is the peer already.
                    (network::Peer::Provider { .. }, network::Grant::Binding { binding, .. }) => format!("binding {binding}"),
                    (_, g) => g.describe(),
                };
                vec![dir.to_string(), e.peer.describe(), ports(e), grant]
            })
            .collect();
        if rows.is_empty() {
            out.push_str("  no edges\n");
        } else {
            out.push_str(&table(2, &["", "PEER", "PORTS", "GRANTED BY"], &rows));
        }
        if b.enforced_by == "network-policy" && !b.edges.iter().any(|e| e.direction == Direction::Ingress) {
            out.push_str("  accepts no ingress\n");
        }
    }
    out
}
