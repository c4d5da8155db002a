//! Reachability (SPEC §4.2): the network edges each deployable may use, derived from what the
//! Plan already says it needs: cluster DNS, each binding's endpoint, the Kubernetes API for
//! lease holders, and ingress to its http and mcp ports. Pure: the Kubernetes emitter renders
//! a deployable's edges as its NetworkPolicy, and `explain --network` and `plan --format
//! mermaid` report them. On wasmCloud and hosted targets the edges are the capability links
//! and the platform's providers, which those platforms enforce themselves.

use crate::bindings::endpoint::usual_ports;
use crate::manifest::{BindingKind, IngressKind, TargetKind};
use crate::plan::{CellRole, Deployable, Plan, PlannedBinding};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The namespace and pod labels of the cluster's DNS pods: CoreDNS keeps kube-dns's
/// `k8s-app: kube-dns` label in kubeadm, EKS, GKE and AKS clusters (docs/decisions.md).
pub const DNS_NAMESPACE: &str = "kube-system";
pub const DNS_POD_LABEL: (&str, &str) = ("k8s-app", "kube-dns");
/// The ports of the Kubernetes API server: 443 through the `kubernetes` Service, 6443 where
/// the control plane listens on the nodes' network (kube-proxy rewrites the first to the second
/// before a policy sees it on some network plugins).
pub const API_SERVER_PORTS: &[u16] = &[443, 6443];

/// Every edge of one deployable, and whether the target enforces them.
#[derive(Debug, Clone, Serialize)]
pub struct Boundary {
    pub deployable: String,
    /// How the target enforces the edges: `network-policy` (Kubernetes with network policies),
    /// `none` (Kubernetes without: everything is allowed, the edges are what would be),
    /// `wasmcloud-links` or `hosted-platform`.
    pub enforced_by: &'static str,
    pub edges: Vec<Edge>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Egress,
    Ingress,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub direction: Direction,
    pub peer: Peer,
    /// Empty: every port (wasmCloud links and hosted providers have none).
    pub ports: Vec<Port>,
    pub granted_by: Grant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Port {
    pub protocol: Protocol,
    pub port: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Protocol {
    Tcp,
    Udp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
        }
    }
}

fn tcp(ports: &[u16]) -> Vec<Port> {
    ports.iter().map(|&port| Port { protocol: Protocol::Tcp, port }).collect()
}

/// The other end of an edge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Peer {
    /// The cluster's DNS pods.
    ClusterDns,
    /// Pods with these labels, in the deployable's namespace or in `namespace`.
    Pods {
        labels: BTreeMap<String, String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        namespace: Option<String>,
    },
    /// Every pod of the deployable's namespace (`None`) or of another one.
    Namespace {
        #[serde(skip_serializing_if = "Option::is_none")]
        namespace: Option<String>,
    },
    /// Addresses the profile gives for a binding (`egress`).
    Cidrs { cidrs: Vec<String> },
    /// Any address: the binding's endpoint is unknown (warned, XT420).
    Anywhere,
    /// The Kubernetes API server: the target's `api_server_cidrs`, else any address.
    KubernetesApi { cidrs: Vec<String> },
    /// A wasmCloud capability provider or a hosted platform's provider.
    Provider { provider: String },
}

/// What declares an edge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "kebab-case")]
pub enum Grant {
    /// Every pod resolves names.
    ClusterDns,
    /// A binding the deployable's cells use, through its provider.
    Binding { binding: String, provider: String },
    /// The leases the deployable's cells coordinate through.
    Leases { leases: Vec<String> },
    /// A cell's ingress (http, mcp; on wasmCloud also event and schedule deliveries).
    Ingress { cell: String, ingress: IngressKind },
}

impl Grant {
    /// How `explain --network` says it.
    pub fn describe(&self) -> String {
        match self {
            Grant::ClusterDns => "every pod".to_string(),
            Grant::Binding { binding, provider } => format!("binding {binding} ({provider})"),
            Grant::Leases { leases } => format!("leases {}", crate::diagnostics::list(leases.iter().map(String::as_str))),
            Grant::Ingress { cell, ingress } => format!("{ingress} cell {cell}"),
        }
    }
}

impl Peer {
    /// How `explain --network` says it.
    pub fn describe(&self) -> String {
        let labels = |l: &BTreeMap<String, String>| l.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",");
        match self {
            Peer::ClusterDns => format!("DNS: {DNS_NAMESPACE} pods {}={}", DNS_POD_LABEL.0, DNS_POD_LABEL.1),
            Peer::Pods { labels: l, namespace: None } => format!("pods {}", labels(l)),
            Peer::Pods { labels: l, namespace: Some(ns) } => format!("pods {} in namespace {ns}", labels(l)),
            Peer::Namespace { namespace: None } => "the namespace's pods".to_string(),
            Peer::Namespace { namespace: Some(ns) } => format!("namespace {ns}'s pods"),
            Peer::Cidrs { cidrs } => cidrs.join(", "),
            Peer::Anywhere => "anywhere (endpoint unknown)".to_string(),
            Peer::KubernetesApi { cidrs } if cidrs.is_empty() => "Kubernetes API (any address)".to_string(),
            Peer::KubernetesApi { cidrs } => format!("Kubernetes API ({})", cidrs.join(", ")),
            Peer::Provider { provider } => format!("provider {provider}"),
        }
    }
}

/// Whether the Plan's target renders NetworkPolicies.
pub fn policies_enabled(plan: &Plan) -> bool {
    plan.target_kind == TargetKind::K8s && plan.target.k8s.as_ref().is_some_and(|k| k.network_policies)
}

/// Whether a binding's NetworkPolicy egress goes to any address: its provider declares no
/// endpoint, the profile gives no `egress` CIDRs, and its kind reaches something.
pub fn endpoint_unknown(b: &PlannedBinding) -> bool {
    b.endpoints.is_empty() && b.egress.is_empty() && !usual_ports(b.kind).is_empty()
}

/// The bindings the deployable's running cells use, each once, by name.
fn bindings_of<'p>(plan: &'p Plan, d: &'p Deployable) -> Vec<&'p PlannedBinding> {
    let names: BTreeSet<&str> = d.cells.iter().filter(|c| c.role != CellRole::Embedded).flat_map(|c| c.binding_refs.iter().map(String::as_str)).collect();
    names.into_iter().filter_map(|n| plan.binding(n)).collect()
}

/// The edges of one deployable.
pub fn boundary(plan: &Plan, d: &Deployable) -> Boundary {
    match plan.target_kind {
        TargetKind::K8s => kubernetes(plan, d),
        TargetKind::Wasmcloud => wasmcloud(plan, d),
        TargetKind::Hosted => hosted(plan, d),
    }
}

fn kubernetes(plan: &Plan, d: &Deployable) -> Boundary {
    let k8s = plan.target.k8s.clone().unwrap_or_default();
    let mut edges = vec![Edge {
        direction: Direction::Egress,
        peer: Peer::ClusterDns,
        ports: vec![Port { protocol: Protocol::Udp, port: 53 }, Port { protocol: Protocol::Tcp, port: 53 }],
        granted_by: Grant::ClusterDns,
    }];
    for b in bindings_of(plan, d) {
        let granted_by = Grant::Binding { binding: b.name.clone(), provider: b.resolved_by.provider.clone() };
        // The operator's pods (one edge per kind of pod: a Redis cluster's leaders and
        // followers); the cells' own namespace needs no namespace selector.
        for e in &b.endpoints {
            let namespace = e.namespace.clone().filter(|ns| plan.namespace.as_ref() != Some(ns));
            edges.push(Edge { direction: Direction::Egress, peer: Peer::Pods { labels: e.pod_labels.clone(), namespace }, ports: tcp(&e.ports), granted_by: granted_by.clone() });
        }
        let usual = usual_ports(b.kind);
        if !b.endpoints.is_empty() || usual.is_empty() {
            continue; // a secret or a volume: nothing on the network
        }
        let peer = if b.egress.is_empty() { Peer::Anywhere } else { Peer::Cidrs { cidrs: b.egress.clone() } };
        edges.push(Edge { direction: Direction::Egress, peer, ports: tcp(usual), granted_by });
    }
    if !d.coordination.is_empty() && d.processes().next().is_some() {
        edges.push(Edge {
            direction: Direction::Egress,
            peer: Peer::KubernetesApi { cidrs: k8s.api_server_cidrs.clone() },
            ports: tcp(API_SERVER_PORTS),
            granted_by: Grant::Leases { leases: d.lease_names().cloned().collect() },
        });
    }
    let from_outside = k8s.ingress_namespace.clone().or_else(|| k8s.gateway.as_ref().and_then(|g| g.namespace.clone()));
    for c in d.processes().filter(|c| matches!(c.ingress, IngressKind::Http | IngressKind::Mcp)) {
        let Some(port) = c.port else { continue };
        let granted_by = Grant::Ingress { cell: c.key.clone(), ingress: c.ingress };
        edges.push(Edge { direction: Direction::Ingress, peer: Peer::Namespace { namespace: None }, ports: tcp(&[port]), granted_by: granted_by.clone() });
        if let Some(ns) = from_outside.as_ref().filter(|ns| plan.namespace.as_ref() != Some(*ns)) {
            edges.push(Edge { direction: Direction::Ingress, peer: Peer::Namespace { namespace: Some(ns.clone()) }, ports: tcp(&[port]), granted_by });
        }
    }
    Boundary { deployable: d.key.clone(), enforced_by: if k8s.network_policies { "network-policy" } else { "none" }, edges }
}

/// wasmCloud: each wasm cell's links to capability providers (its bindings) and from them
/// (its ingress), as the catalog resolves them.
fn wasmcloud(plan: &Plan, d: &Deployable) -> Boundary {
    let mut edges = Vec::new();
    if let Some(catalog) = plan.target.wasmcloud.as_ref().map(|w| &w.catalog) {
        for b in bindings_of(plan, d).into_iter().filter(|b| b.kind != BindingKind::Secret) {
            if let Some((name, _)) = catalog.for_binding(b.kind, b.provider.as_deref()) {
                edges.push(Edge {
                    direction: Direction::Egress,
                    peer: Peer::Provider { provider: name.to_string() },
                    ports: Vec::new(),
                    granted_by: Grant::Binding { binding: b.name.clone(), provider: name.to_string() },
                });
            }
        }
        for c in d.processes() {
            if let Some((name, _)) = catalog.for_ingress(c.ingress) {
                edges.push(Edge {
                    direction: Direction::Ingress,
                    peer: Peer::Provider { provider: name.to_string() },
                    ports: Vec::new(),
                    granted_by: Grant::Ingress { cell: c.key.clone(), ingress: c.ingress },
                });
            }
        }
    }
    Boundary { deployable: d.key.clone(), enforced_by: "wasmcloud-links", edges }
}

/// Hosted: each binding reaches the platform provider that materialises it.
fn hosted(plan: &Plan, d: &Deployable) -> Boundary {
    let edges = bindings_of(plan, d)
        .into_iter()
        .map(|b| Edge {
            direction: Direction::Egress,
            peer: Peer::Provider { provider: b.resolved_by.provider.clone() },
            ports: Vec::new(),
            granted_by: Grant::Binding { binding: b.name.clone(), provider: b.resolved_by.provider.clone() },
        })
        .collect();
    Boundary { deployable: d.key.clone(), enforced_by: "hosted-platform", edges }
}
