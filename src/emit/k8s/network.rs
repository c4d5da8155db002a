//! The deployable's `networking.k8s.io/v1 NetworkPolicy`: its reachability (`crate::network`)
//! rendered, nothing decided here. It selects every pod of the deployable (Deployment and
//! CronJob pods carry the same name and component labels) and, with both policy types, denies
//! all traffic but the edges.

use super::names::Names;
use super::pod::meta;
use super::{to_value, Object};
use crate::network::{self, Direction, Peer};
use crate::plan::{Deployable, Plan};
use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

/// The label every namespace carries with its own name (Kubernetes 1.21 and later).
const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

fn selector(labels: BTreeMap<String, String>) -> LabelSelector {
    LabelSelector { match_labels: Some(labels), ..Default::default() }
}

fn namespace(ns: &str) -> LabelSelector {
    selector(BTreeMap::from([(NAMESPACE_NAME_LABEL.to_string(), ns.to_string())]))
}

fn anywhere(cidrs: &[String]) -> Vec<NetworkPolicyPeer> {
    let all = ["0.0.0.0/0".to_string(), "::/0".to_string()];
    let cidrs = if cidrs.is_empty() { &all[..] } else { cidrs };
    cidrs.iter().map(|c| NetworkPolicyPeer { ip_block: Some(IPBlock { cidr: c.clone(), except: None }), ..Default::default() }).collect()
}

fn peers(peer: &Peer) -> Vec<NetworkPolicyPeer> {
    match peer {
        Peer::ClusterDns => vec![NetworkPolicyPeer {
            namespace_selector: Some(namespace(network::DNS_NAMESPACE)),
            pod_selector: Some(selector(BTreeMap::from([(network::DNS_POD_LABEL.0.to_string(), network::DNS_POD_LABEL.1.to_string())]))),
            ..Default::default()
        }],
        Peer::Pods { labels, namespace: ns } => vec![NetworkPolicyPeer {
            namespace_selector: ns.as_deref().map(namespace),
            pod_selector: Some(selector(labels.clone())),
            ..Default::default()
        }],
        Peer::Namespace { namespace: None } => vec![NetworkPolicyPeer { pod_selector: Some(LabelSelector::default()), ..Default::default() }],
        Peer::Namespace { namespace: Some(ns) } => vec![NetworkPolicyPeer { namespace_selector: Some(namespace(ns)), ..Default::default() }],
        Peer::Cidrs { cidrs } => anywhere(cidrs),
        Peer::Anywhere => anywhere(&[]),
        Peer::KubernetesApi { cidrs } => anywhere(cidrs),
        Peer::Provider { .. } => Vec::new(), // not a Kubernetes edge
    }
}

/// The NetworkPolicy of a deployable, when the target enables them.
pub fn network_policy(plan: &Plan, d: &Deployable, names: &Names) -> Option<Object> {
    if !network::policies_enabled(plan) || !d.runs_anything() {
        return None;
    }
    let boundary = network::boundary(plan, d);
    let mut ingress = Vec::new();
    let mut egress = Vec::new();
    for e in &boundary.edges {
        let ports: Vec<NetworkPolicyPort> = e
            .ports
            .iter()
            .map(|p| NetworkPolicyPort { protocol: Some(p.protocol.as_str().to_string()), port: Some(IntOrString::Int(p.port.into())), end_port: None })
            .collect();
        let ports = (!ports.is_empty()).then_some(ports);
        match e.direction {
            Direction::Egress => egress.push(NetworkPolicyEgressRule { to: Some(peers(&e.peer)), ports }),
            Direction::Ingress => ingress.push(NetworkPolicyIngressRule { from: Some(peers(&e.peer)), ports }),
        }
    }
    let policy = NetworkPolicy {
        metadata: meta(names, &names.base, names.labels()),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(selector(names.pods())),
            policy_types: Some(vec!["Ingress".to_string(), "Egress".to_string()]),
            ingress: Some(ingress),
            egress: Some(egress),
        }),
    };
    Some(Object { kind: "NetworkPolicy", name: names.base.clone(), value: to_value(&policy) })
}
