//! SPEC §4.2: the NetworkPolicies of the golden service with every binding kind
//! (`golden/render-k8s-trust-boundaries`) evaluated with NetworkPolicy semantics over synthetic
//! pods that carry the operators' documented labels. For every pair of workloads and every
//! port of interest, the traffic the policies allow must be exactly the edges the service's
//! bindings and ingress declare (written out by hand below), nothing more and nothing less.
//!
//! The evaluator follows `networking.k8s.io/v1`: a pod is isolated for a direction when a
//! policy of its namespace selects it with that policy type; traffic flows when the sender's
//! egress and the receiver's ingress both allow it; a peer with only `podSelector` means pods
//! of the policy's namespace, with `namespaceSelector` pods of the matching namespaces, an
//! `ipBlock` any address in it (pod addresses included, the strictest reading); empty `ports`
//! mean every port, a port without `protocol` is TCP.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use support::Test;

const CASE: &str = "render-k8s-trust-boundaries";

#[derive(Debug, Clone)]
struct Pod {
    /// What the test calls it.
    name: String,
    namespace: String,
    labels: BTreeMap<String, String>,
    ip: Ipv4Addr,
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn pod(name: &str, namespace: &str, l: &[(&str, &str)], ip: [u8; 4]) -> Pod {
    Pod { name: name.to_string(), namespace: namespace.to_string(), labels: labels(l), ip: Ipv4Addr::from(ip) }
}

/// An address outside the cluster: no namespace, no labels.
fn external(name: &str, ip: [u8; 4]) -> Pod {
    Pod { name: name.to_string(), namespace: String::new(), labels: BTreeMap::new(), ip: Ipv4Addr::from(ip) }
}

fn selects(selector: &Value, labels: &BTreeMap<String, String>) -> bool {
    assert!(selector.get("matchExpressions").is_none(), "the evaluator reads matchLabels only: {selector}");
    selector.get("matchLabels").and_then(Value::as_object).into_iter().flatten().all(|(k, v)| labels.get(k).map(String::as_str) == v.as_str())
}

fn in_cidr(ip: Ipv4Addr, cidr: &str) -> bool {
    let (addr, len) = cidr.split_once('/').expect("a CIDR");
    let Ok(net) = addr.parse::<Ipv4Addr>() else { return false }; // IPv6: never an IPv4 address
    let len: u32 = len.parse().unwrap();
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    u32::from(ip) & mask == u32::from(net) & mask
}

fn namespace_labels(ns: &str) -> BTreeMap<String, String> {
    labels(&[("kubernetes.io/metadata.name", ns)])
}

/// Whether one peer of a rule of a policy in `policy_ns` matches `other`.
fn peer_matches(peer: &Value, policy_ns: &str, other: &Pod) -> bool {
    if let Some(block) = peer.get("ipBlock") {
        let except = block["except"].as_array().into_iter().flatten().any(|c| in_cidr(other.ip, c.as_str().unwrap()));
        return in_cidr(other.ip, block["cidr"].as_str().unwrap()) && !except;
    }
    if other.namespace.is_empty() {
        return false; // selectors only select pods
    }
    let ns_ok = match peer.get("namespaceSelector") {
        Some(sel) => selects(sel, &namespace_labels(&other.namespace)),
        None => other.namespace == policy_ns,
    };
    let pod_ok = peer.get("podSelector").is_none_or(|sel| selects(sel, &other.labels));
    ns_ok && pod_ok
}

fn port_matches(ports: Option<&Value>, port: u16, protocol: &str) -> bool {
    let Some(ports) = ports.and_then(Value::as_array) else { return true };
    ports.is_empty() || ports.iter().any(|p| p["port"].as_u64() == Some(port.into()) && p["protocol"].as_str().unwrap_or("TCP") == protocol)
}

/// Whether `pod`'s policies let it send to (`egress`) or receive from `other`.
fn allows(policies: &[Value], pod: &Pod, other: &Pod, port: u16, protocol: &str, egress: bool) -> bool {
    let (kind, rules, peers) = if egress { ("Egress", "egress", "to") } else { ("Ingress", "ingress", "from") };
    let selecting: Vec<&Value> = policies
        .iter()
        .filter(|p| p["metadata"]["namespace"].as_str() == Some(pod.namespace.as_str()))
        .filter(|p| selects(&p["spec"]["podSelector"], &pod.labels))
        .filter(|p| p["spec"]["policyTypes"].as_array().unwrap().iter().any(|t| t == kind))
        .collect();
    if pod.namespace.is_empty() || selecting.is_empty() {
        return true; // not isolated in this direction
    }
    selecting.iter().any(|p| {
        let ns = p["metadata"]["namespace"].as_str().unwrap();
        p["spec"][rules].as_array().into_iter().flatten().any(|rule| {
            let peer_ok = match rule.get(peers).and_then(Value::as_array) {
                None => true,
                Some(list) => list.is_empty() || list.iter().any(|peer| peer_matches(peer, ns, other)),
            };
            peer_ok && port_matches(rule.get("ports"), port, protocol)
        })
    })
}

fn flows(policies: &[Value], from: &Pod, to: &Pod, port: u16, protocol: &str) -> bool {
    allows(policies, from, to, port, protocol, true) && allows(policies, to, from, port, protocol, false)
}

/// The rendered documents of the golden case.
fn documents() -> Vec<Value> {
    documents_of(CASE)
}

fn documents_of(case: &str) -> Vec<Value> {
    let mut args = support::golden_args_without_out(case);
    args.extend(["--format", "json"].map(String::from));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = Test::from_case(case).args(&refs).expect(0);
    support::json_report(&out)["result"]["documents"].as_array().expect("documents").clone()
}

/// The service's own pods, from the pod templates it renders: deployable → pod.
fn service_pods(docs: &[Value]) -> Vec<(String, Pod)> {
    let mut out = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        let template = match d["kind"].as_str() {
            Some("Deployment") => &d["spec"]["template"],
            Some("CronJob") => &d["spec"]["jobTemplate"]["spec"]["template"],
            _ => continue,
        };
        let labels: BTreeMap<String, String> = serde_json::from_value(template["metadata"]["labels"].clone()).unwrap();
        let deployable = labels["app.kubernetes.io/component"].clone();
        let name = format!("{}/{}", d["kind"].as_str().unwrap(), d["metadata"]["name"].as_str().unwrap());
        let pod = Pod { name, namespace: d["metadata"]["namespace"].as_str().unwrap().to_string(), labels, ip: Ipv4Addr::new(10, 244, 9, i as u8) };
        out.push((deployable, pod));
    }
    out
}

const PORTS: &[(u16, &str)] = &[
    (53, "UDP"),
    (53, "TCP"),
    (443, "TCP"),
    (3306, "TCP"),
    (4317, "TCP"),
    (4318, "TCP"),
    (5432, "TCP"),
    (5672, "TCP"),
    (6379, "TCP"),
    (6443, "TCP"),
    (8080, "TCP"),
    (8090, "TCP"),
    (9092, "TCP"),
];

/// The edges the service declares, written from its manifest and profile, independently of
/// the compiler: may the service's deployable `from` reach `to` on `port`?
fn declared_egress(from: &str, to: &Pod, port: u16, protocol: &str) -> bool {
    let label = |k: &str| to.labels.get(k).map(String::as_str);
    let dns = label("k8s-app") == Some("kube-dns") && to.namespace == "kube-system" && port == 53;
    let pg_shop = to.namespace == "shop" && label("cnpg.io/cluster") == Some("pg-shop") && port == 5432 && protocol == "TCP";
    let kafka = to.namespace == "shop" && label("strimzi.io/cluster") == Some("events") && label("strimzi.io/kind") == Some("Kafka") && port == 9092 && protocol == "TCP";
    let tcp = protocol == "TCP";
    let cidr = |c: &str| in_cidr(to.ip, c);
    let otel = tcp && (port == 4317 || port == 4318) && cidr("10.40.0.9/32");
    // OT-Container-Kit redis-operator's RedisCluster `sessions`: leader and follower pods.
    let redis = tcp && port == 6379 && to.namespace == "shop" && label("redis_setup_type") == Some("cluster") && matches!(label("app"), Some("sessions-leader" | "sessions-follower"));
    // RabbitMQ Cluster Operator's RabbitmqCluster `notify`.
    let rabbit = tcp && port == 5672 && to.namespace == "shop" && label("app.kubernetes.io/name") == Some("notify") && label("app.kubernetes.io/component") == Some("rabbitmq");
    match from {
        // storefront: db.orders (CloudNativePG), cache.sessions (redis-operator cluster),
        // obj.assets (s3, endpoint unknown: 443 anywhere), obs.otlp (10.40.0.9),
        // secret.stripe (no network).
        "web" => dns || pg_shop || redis || otel || (tcp && port == 443),
        // assistant: db.orders, obs.otlp, db.local (sqlite: a volume, no network).
        "tools" => dns || pg_shop || otel,
        // order-events and the nightly-report CronJob: msg.orders (Strimzi), db.orders,
        // db.legacy (10.20.0.0/16), mq.notify (RabbitMQ), obs.otlp, obj.assets (unknown).
        "workers" => dns || pg_shop || kafka || rabbit || otel || (tcp && port == 3306 && cidr("10.20.0.0/16")) || (tcp && port == 443),
        // reconciler: db.orders, its leader Lease (the API server).
        "control" => dns || pg_shop || (tcp && (port == 443 || port == 6443)),
        other => panic!("unexpected deployable {other}"),
    }
}

/// Who may reach the service's deployable `to` on `port`: http and mcp ports only, from the
/// namespace and from the ingress controller's namespace.
fn declared_ingress(to: &str, from: &Pod, port: u16, protocol: &str) -> bool {
    let from_ok = from.namespace == "shop" || from.namespace == "ingress-nginx";
    let port_ok = protocol == "TCP"
        && match to {
            "web" => port == 8080,
            "tools" => port == 8090,
            "workers" | "control" => false,
            other => panic!("unexpected deployable {other}"),
        };
    from_ok && port_ok
}

fn world() -> (Vec<Value>, Vec<(String, Pod)>, Vec<Pod>) {
    let docs = documents();
    let policies: Vec<Value> = docs.iter().filter(|d| d["kind"] == "NetworkPolicy").cloned().collect();
    let ours = service_pods(&docs);
    let others = vec![
        pod("coredns", "kube-system", &[("k8s-app", "kube-dns")], [10, 244, 0, 2]),
        pod("pg-shop-1", "shop", &[("cnpg.io/cluster", "pg-shop"), ("cnpg.io/podRole", "instance"), ("role", "primary")], [10, 244, 1, 10]),
        pod("pg-billing-1 (another service's database)", "shop", &[("cnpg.io/cluster", "pg-billing"), ("cnpg.io/podRole", "instance")], [10, 244, 1, 11]),
        pod("pg-shop-1 of namespace billing", "billing", &[("cnpg.io/cluster", "pg-shop")], [10, 244, 1, 12]),
        pod("events-kafka-0", "shop", &[("strimzi.io/cluster", "events"), ("strimzi.io/kind", "Kafka"), ("strimzi.io/name", "events-kafka")], [10, 244, 2, 10]),
        pod("audit-kafka-0 (another cluster)", "shop", &[("strimzi.io/cluster", "audit"), ("strimzi.io/kind", "Kafka")], [10, 244, 2, 11]),
        pod("sessions-leader-0", "shop", &[("app", "sessions-leader"), ("redis_setup_type", "cluster"), ("role", "leader")], [10, 244, 6, 10]),
        pod("sessions-follower-0", "shop", &[("app", "sessions-follower"), ("redis_setup_type", "cluster"), ("role", "follower")], [10, 244, 6, 11]),
        pod("carts-leader-0 (another Redis cluster)", "shop", &[("app", "carts-leader"), ("redis_setup_type", "cluster")], [10, 244, 6, 12]),
        pod("notify-server-0", "shop", &[("app.kubernetes.io/name", "notify"), ("app.kubernetes.io/component", "rabbitmq")], [10, 244, 7, 10]),
        pod("billing-server-0 (another RabbitMQ)", "shop", &[("app.kubernetes.io/name", "billing"), ("app.kubernetes.io/component", "rabbitmq")], [10, 244, 7, 11]),
        pod("ingress-nginx-controller", "ingress-nginx", &[("app.kubernetes.io/name", "ingress-nginx")], [10, 244, 3, 10]),
        pod("a pod of another namespace", "other", &[("app", "attacker")], [10, 244, 4, 10]),
        external("erp-mysql", [10, 20, 5, 5]),
        external("otel-collector", [10, 40, 0, 9]),
        external("api-server", [172, 20, 0, 1]),
        external("internet", [203, 0, 113, 9]),
    ];
    assert_eq!(policies.len(), 4, "one NetworkPolicy per deployable");
    (policies, ours, others)
}

#[test]
fn exactly_the_declared_edges_are_allowed() {
    let (policies, ours, others) = world();
    let everyone: Vec<(Option<&str>, &Pod)> = ours.iter().map(|(d, p)| (Some(d.as_str()), p)).chain(others.iter().map(|p| (None, p))).collect();
    let mut wrong = Vec::new();
    let mut allowed = 0;
    for (from_d, from) in &everyone {
        for (to_d, to) in &everyone {
            if std::ptr::eq(*from, *to) || (from_d.is_none() && to_d.is_none()) {
                continue;
            }
            for &(port, protocol) in PORTS {
                let want = from_d.is_none_or(|d| declared_egress(d, to, port, protocol)) && to_d.is_none_or(|d| declared_ingress(d, from, port, protocol));
                let got = flows(&policies, from, to, port, protocol);
                allowed += usize::from(got);
                if want != got {
                    wrong.push(format!("{} -> {} {port}/{protocol}: declared {want}, policies {got}", from.name, to.name));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{} edge(s) differ from the declared ones:\n  {}", wrong.len(), wrong.join("\n  "));
    assert!(allowed > 50, "suspiciously few flows allowed: {allowed}");
}

fn one<'a>(ours: &'a [(String, Pod)], deployable: &str) -> &'a Pod {
    &ours.iter().find(|(d, _)| d == deployable).unwrap_or_else(|| panic!("no pod of {deployable}")).1
}

fn named<'a>(others: &'a [Pod], name: &str) -> &'a Pod {
    others.iter().find(|p| p.name.starts_with(name)).unwrap()
}

#[test]
fn the_cases_the_issue_names() {
    let (policies, ours, others) = world();
    let (web, workers, control) = (one(&ours, "web"), one(&ours, "workers"), one(&ours, "control"));
    // Another service's database is denied, though it runs the same operator in the namespace.
    assert!(flows(&policies, web, named(&others, "pg-shop-1"), 5432, "TCP"));
    assert!(!flows(&policies, web, named(&others, "pg-billing-1"), 5432, "TCP"));
    assert!(!flows(&policies, web, named(&others, "pg-shop-1 of namespace billing"), 5432, "TCP"));
    assert!(flows(&policies, web, named(&others, "sessions-follower-0"), 6379, "TCP"));
    assert!(!flows(&policies, web, named(&others, "carts-leader-0"), 6379, "TCP"));
    assert!(flows(&policies, workers, named(&others, "notify-server-0"), 5672, "TCP"));
    assert!(!flows(&policies, workers, named(&others, "billing-server-0"), 5672, "TCP"));
    // A worker accepts no ingress, not even from its own namespace or the ingress controller.
    for from in [web, named(&others, "ingress-nginx-controller")] {
        for &(port, protocol) in PORTS {
            assert!(!flows(&policies, from, workers, port, protocol), "{} reaches the workers on {port}/{protocol}", from.name);
        }
    }
    // DNS is allowed for every deployable, over UDP and TCP.
    for (_, p) in &ours {
        assert!(flows(&policies, p, named(&others, "coredns"), 53, "UDP") && flows(&policies, p, named(&others, "coredns"), 53, "TCP"), "{}", p.name);
    }
    // The singleton reaches the API server for its Lease; the storefront does not on 6443.
    assert!(flows(&policies, control, named(&others, "api-server"), 6443, "TCP"));
    assert!(flows(&policies, control, named(&others, "api-server"), 443, "TCP"));
    assert!(!flows(&policies, web, named(&others, "api-server"), 6443, "TCP"));
    // The ingress controller reaches the storefront's http port, a pod of another namespace does not.
    assert!(flows(&policies, named(&others, "ingress-nginx-controller"), web, 8080, "TCP"));
    assert!(!flows(&policies, named(&others, "a pod of another namespace"), web, 8080, "TCP"));
}

/// The evaluator itself can say no: a policy that allows nothing isolates its pods.
#[test]
fn the_evaluator_denies_what_no_rule_allows() {
    let policy = serde_json::json!({
        "metadata": { "namespace": "shop" },
        "spec": { "podSelector": { "matchLabels": { "app": "a" } }, "policyTypes": ["Ingress", "Egress"], "ingress": [], "egress": [] }
    });
    let a = pod("a", "shop", &[("app", "a")], [10, 244, 5, 1]);
    let b = pod("b", "shop", &[("app", "b")], [10, 244, 5, 2]);
    assert!(!flows(std::slice::from_ref(&policy), &a, &b, 80, "TCP"));
    assert!(!flows(std::slice::from_ref(&policy), &b, &a, 80, "TCP"));
    assert!(flows(&[], &a, &b, 80, "TCP"));
}

/// redis-operator's sentinel mode: a client asks the sentinels of the RedisSentinel where the
/// master is, then connects to that pod of the RedisReplication they monitor (any of its pods,
/// after a failover). The policy must allow both, and no other replication's pods.
#[test]
fn sentinel_mode_reaches_the_sentinels_and_the_monitored_replication() {
    let docs = documents_of("render-k8s-redis-sentinel");
    let policies: Vec<Value> = docs.iter().filter(|d| d["kind"] == "NetworkPolicy").cloned().collect();
    let ours = service_pods(&docs);
    let api = one(&ours, "web");
    let sentinel = pod("carts-ha-sentinel-0", "shop", &[("app", "carts-ha-sentinel"), ("redis_setup_type", "sentinel"), ("role", "sentinel")], [10, 244, 8, 10]);
    let master = pod("carts-data-0", "shop", &[("app", "carts-data"), ("redis_setup_type", "replication"), ("role", "replication"), ("redis-role", "master")], [10, 244, 8, 11]);
    let replica = pod("carts-data-1", "shop", &[("app", "carts-data"), ("redis_setup_type", "replication"), ("role", "replication"), ("redis-role", "slave")], [10, 244, 8, 12]);
    let other = pod("orders-data-0 (another replication)", "shop", &[("app", "orders-data"), ("redis_setup_type", "replication"), ("role", "replication")], [10, 244, 8, 13]);
    assert!(flows(&policies, api, &sentinel, 26379, "TCP"));
    assert!(flows(&policies, api, &master, 6379, "TCP"));
    assert!(flows(&policies, api, &replica, 6379, "TCP"), "a failover promotes a replica");
    assert!(!flows(&policies, api, &other, 6379, "TCP"));
    assert!(!flows(&policies, api, &sentinel, 6379, "TCP"));
}
