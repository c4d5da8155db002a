//! Where the endpoint of an in-cluster provider runs (SPEC §4.1, for §4.2's network
//! policies): the pod labels and ports of the database, broker or collector pods each
//! operator creates, read in the operators' sources (see ../shared/schemas/README.md). A
//! table: provider, the mode it applies to, the param that names the instance, the labels
//! (`{name}` is that param, `{namespace}` the namespace) and the ports.

use serde::Serialize;
use std::collections::BTreeMap;

/// One row: what a provider's instance pods look like.
pub struct EndpointDecl {
    pub provider: &'static str,
    /// The `mode` param it applies to (redis), or `""` for every mode.
    pub mode: &'static str,
    /// The param that names the instance.
    pub param: &'static str,
    pub what: &'static str,
    pub labels: &'static [(&'static str, &'static str)],
    pub ports: &'static [u16],
    /// A label whose value needs the namespace (left out when no namespace is set).
    pub needs_namespace: &'static [&'static str],
}

pub const TABLE: &[EndpointDecl] = &[
    EndpointDecl { provider: "cloudnative-pg", mode: "", param: "cluster", what: "PostgreSQL instances", labels: &[("cnpg.io/cluster", "{name}")], ports: &[5432], needs_namespace: &[] },
    EndpointDecl {
        provider: "strimzi",
        mode: "",
        param: "cluster",
        what: "Kafka brokers (plain listener)",
        labels: &[("strimzi.io/cluster", "{name}"), ("strimzi.io/kind", "Kafka")],
        ports: &[9092],
        needs_namespace: &[],
    },
    EndpointDecl {
        provider: "rabbitmq",
        mode: "",
        param: "cluster",
        what: "RabbitMQ nodes",
        labels: &[("app.kubernetes.io/name", "{name}"), ("app.kubernetes.io/component", "rabbitmq")],
        ports: &[5672],
        needs_namespace: &[],
    },
    EndpointDecl {
        provider: "mariadb",
        mode: "",
        param: "instance",
        what: "MariaDB servers",
        labels: &[("app.kubernetes.io/name", "mariadb"), ("app.kubernetes.io/instance", "{name}")],
        ports: &[3306],
        needs_namespace: &[],
    },
    EndpointDecl {
        provider: "redis",
        mode: "standalone",
        param: "instance",
        what: "the Redis server",
        labels: &[("app", "{name}"), ("redis_setup_type", "standalone")],
        ports: &[6379],
        needs_namespace: &[],
    },
    EndpointDecl {
        provider: "redis",
        mode: "replication",
        param: "instance",
        what: "Redis master and replicas",
        labels: &[("app", "{name}"), ("redis_setup_type", "replication")],
        ports: &[6379],
        needs_namespace: &[],
    },
    EndpointDecl {
        provider: "redis",
        mode: "cluster",
        param: "instance",
        what: "Redis cluster leaders",
        labels: &[("app", "{name}-leader"), ("redis_setup_type", "cluster")],
        ports: &[6379],
        needs_namespace: &[],
    },
    EndpointDecl {
        provider: "redis",
        mode: "cluster",
        param: "instance",
        what: "Redis cluster followers (clients follow MOVED redirects to them)",
        labels: &[("app", "{name}-follower"), ("redis_setup_type", "cluster")],
        ports: &[6379],
        needs_namespace: &[],
    },
    EndpointDecl {
        provider: "redis",
        mode: "sentinel",
        param: "instance",
        what: "Redis sentinels (asked where the master is)",
        labels: &[("app", "{name}-sentinel"), ("redis_setup_type", "sentinel")],
        ports: &[26379],
        needs_namespace: &[],
    },
    EndpointDecl {
        provider: "redis",
        mode: "sentinel",
        param: "replication",
        what: "the monitored RedisReplication's master and replicas (a failover promotes a replica)",
        labels: &[("app", "{name}"), ("redis_setup_type", "replication")],
        ports: &[6379],
        needs_namespace: &[],
    },
    EndpointDecl {
        provider: "opentelemetry",
        mode: "",
        param: "collector",
        what: "OpenTelemetry collectors",
        labels: &[("app.kubernetes.io/component", "opentelemetry-collector"), ("app.kubernetes.io/instance", "{namespace}.{name}"), ("app.kubernetes.io/part-of", "opentelemetry")],
        ports: &[4317, 4318],
        needs_namespace: &["app.kubernetes.io/instance"],
    },
];

/// The pods a binding's cells connect to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    pub what: String,
    /// Where the pods run; absent: the cells' own namespace (none is set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub pod_labels: BTreeMap<String, String>,
    pub ports: Vec<u16>,
}

/// The endpoints of a binding resolved by `provider` with `params`: `param(name)` reads a
/// text param. `port` narrows the ports when the provider uses one of them (otlp's protocol).
pub fn of(provider: &str, param: &dyn Fn(&str) -> Option<String>, namespace: Option<&str>, port: Option<u16>) -> Vec<Endpoint> {
    let mode = param("mode").unwrap_or_default();
    TABLE
        .iter()
        .filter(|e| e.provider == provider && (e.mode.is_empty() || e.mode == mode || (mode.is_empty() && e.mode == "standalone")))
        .filter_map(|e| {
            let name = param(e.param)?;
            let pod_labels = e
                .labels
                .iter()
                .filter(|(k, _)| namespace.is_some() || !e.needs_namespace.contains(k))
                .map(|(k, v)| (k.to_string(), v.replace("{name}", &name).replace("{namespace}", namespace.unwrap_or_default())))
                .collect();
            let ports = e.ports.iter().copied().filter(|p| port.is_none_or(|want| want == *p)).collect();
            Some(Endpoint { what: e.what.to_string(), namespace: namespace.map(str::to_string), pod_labels, ports })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_fill_the_instance_name() {
        let params = |n: &str| (n == "cluster").then(|| "pg-main".to_string());
        let e = of("cloudnative-pg", &params, Some("shop"), None);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].pod_labels.get("cnpg.io/cluster").map(String::as_str), Some("pg-main"));
        assert_eq!(e[0].ports, [5432]);
        let redis = |n: &str| match n {
            "instance" => Some("cache".to_string()),
            "mode" => Some("cluster".to_string()),
            _ => None,
        };
        let e = of("redis", &redis, None, None);
        assert_eq!(e.iter().map(|e| e.pod_labels["app"].as_str()).collect::<Vec<_>>(), ["cache-leader", "cache-follower"]);
        // Sentinel mode: the sentinels, then the monitored replication's pods (a client asks the
        // first where the master is and connects to it).
        let sentinel = |n: &str| match n {
            "instance" => Some("cache".to_string()),
            "mode" => Some("sentinel".to_string()),
            "replication" => Some("cache-data".to_string()),
            _ => None,
        };
        let e = of("redis", &sentinel, None, None);
        let pods: Vec<(&str, &str, u16)> = e.iter().map(|e| (e.pod_labels["app"].as_str(), e.pod_labels["redis_setup_type"].as_str(), e.ports[0])).collect();
        assert_eq!(pods, [("cache-sentinel", "sentinel", 26379), ("cache-data", "replication", 6379)]);
        let otel = |n: &str| (n == "collector").then(|| "otel".to_string());
        assert!(!of("opentelemetry", &otel, None, Some(4318))[0].pod_labels.contains_key("app.kubernetes.io/instance"));
        assert_eq!(of("opentelemetry", &otel, Some("obs"), Some(4318))[0].pod_labels["app.kubernetes.io/instance"], "obs.otel");
        assert!(of("volume", &otel, None, None).is_empty());
    }
}
