//! Where a binding's endpoint runs, for network policies (SPEC §4.2): an in-cluster operator's
//! provider declares the pods that serve it (their labels, ports and namespace); for every
//! other provider the compiler only knows the binding kind's usual ports.

use crate::manifest::BindingKind;
use serde::Serialize;
use std::collections::BTreeMap;

/// The pods that serve a binding: a NetworkPolicy peer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    /// Labels the operator puts on the serving pods.
    pub pod_labels: BTreeMap<String, String>,
    /// TCP ports the cells connect to.
    pub ports: Vec<u16>,
    /// The pods' namespace when the provider names another; `None`: the cells' namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

impl Endpoint {
    pub fn new(labels: &[(&str, &str)], ports: &[u16]) -> Self {
        Endpoint { pod_labels: labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), ports: ports.to_vec(), namespace: None }
    }
}

/// The TCP ports a client of a binding kind usually connects to, when nothing better is known:
/// the protocols' registered ports (PostgreSQL 5432, MySQL 3306, Redis 6379, Kafka 9092,
/// AMQP 5672, HTTPS 443 for S3, OTLP gRPC 4317 and HTTP 4318). `secret` and `sqlite` reach
/// nothing over the network.
pub fn usual_ports(kind: BindingKind) -> &'static [u16] {
    match kind {
        BindingKind::Postgres => &[5432],
        BindingKind::Mysql => &[3306],
        BindingKind::Redis => &[6379],
        BindingKind::Kafka => &[9092],
        BindingKind::Amqp => &[5672],
        BindingKind::S3 => &[443],
        BindingKind::Otlp => &[4317, 4318],
        BindingKind::Secret | BindingKind::Sqlite => &[],
    }
}
