//! The usual ports of each binding kind, for network policies (SPEC §4.2) where the provider
//! declares no endpoint (`endpoints.rs` has the in-cluster operators' pods).

use crate::manifest::BindingKind;

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
