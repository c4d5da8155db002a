//! Every container's environment resolved as the kubelet resolves it (SPEC §4.1): `envFrom`
//! first, then `env` in list order, each `valueFrom` read from the Secrets and ConfigMaps that
//! exist, and `$(VAR)` expanded against the variables defined *earlier* in the list (a later
//! or unknown one stays as written, as the kubelet leaves it). The Secrets and ConfigMaps are
//! the ones each operator is documented to create (../shared/schemas/README.md), derived from
//! the objects the render emits, with made-up values. Every DSN or URL of the golden
//! provider cases must then parse with the expected scheme, host, port, database or vhost,
//! and carry its credentials only through variables: no made-up secret appears in any
//! rendered document, yet each appears in the resolved value.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;

type Data = BTreeMap<String, String>;

/// What exists in the namespace: Secrets and ConfigMaps by name.
#[derive(Default)]
struct Cluster {
    secrets: BTreeMap<String, Data>,
    config_maps: BTreeMap<String, Data>,
}

fn data(pairs: &[(&str, &str)]) -> Data {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// The made-up secret values: none may appear in a rendered document.
const SECRETS: &[&str] = &["pgS3cret", "mdbS3cret", "redisS3cret", "amqpS3cret", "adminS3cret", "kafkaS3cret", "AKIAEXAMPLE", "s3S3cret", "stripeS3cret", "searchS3cret"];

/// The Secrets and ConfigMaps the operators (and the platform, for what it is documented to
/// provide) create for the objects a render emits.
fn cluster_for(docs: &[Value], platform: &[(&str, Data)]) -> Cluster {
    let mut c = Cluster::default();
    for d in docs {
        let name = d["metadata"]["name"].as_str().unwrap_or_default().to_string();
        let group = d["apiVersion"].as_str().unwrap_or_default().split('/').next().unwrap_or_default();
        match (group, d["kind"].as_str().unwrap_or_default()) {
            // Our own ConfigMaps of plain binding config.
            ("v1", "ConfigMap") => {
                let map = d["data"].as_object().map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect()).unwrap_or_default();
                c.config_maps.insert(name, map);
            }
            // Messaging Topology Operator: a User without importCredentialsSecret gets
            // `<user>-user-credentials` (username, password).
            ("rabbitmq.com", "User") => {
                c.secrets.insert(format!("{name}-user-credentials"), data(&[("username", "svc-user-x1"), ("password", "amqpS3cret")]));
            }
            // Cluster Operator: `<cluster>-default-user` for every RabbitmqCluster.
            ("rabbitmq.com", "Queue") => {
                let cluster = d["spec"]["rabbitmqClusterReference"]["name"].as_str().unwrap_or_default();
                c.secrets.insert(
                    format!("{cluster}-default-user"),
                    data(&[("username", "default_user_x2"), ("password", "adminS3cret"), ("host", "rabbit.any.svc"), ("port", "5672")]),
                );
            }
            // Strimzi User Operator: a Secret named like the KafkaUser.
            ("kafka.strimzi.io", "KafkaUser") => {
                c.secrets.insert(name, data(&[("password", "kafkaS3cret"), ("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;")]));
            }
            // lib-bucket-provisioner: a ConfigMap and a Secret named like the claim.
            ("objectbucket.io", "ObjectBucketClaim") => {
                c.config_maps.insert(
                    name.clone(),
                    data(&[("BUCKET_HOST", "rook-ceph-rgw-store.rook-ceph.svc"), ("BUCKET_PORT", "8080"), ("BUCKET_NAME", "gen-bucket-7f3a"), ("BUCKET_REGION", "us-east-1"), ("BUCKET_SUBREGION", "")]),
                );
                c.secrets.insert(name, data(&[("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "s3S3cret")]));
            }
            // External Secrets Operator: the target Secret with each `secretKey`.
            ("external-secrets.io", "ExternalSecret") => {
                let target = d["spec"]["target"]["name"].as_str().unwrap_or_default().to_string();
                let keys = d["spec"]["data"].as_array().into_iter().flatten().filter_map(|e| e["secretKey"].as_str()).map(|k| (k.to_string(), "stripeS3cret".to_string())).collect();
                c.secrets.insert(target, keys);
            }
            // Crossplane: a claim's connection Secret (the example composition's keys).
            ("platform.example.org", _) => {
                if let Some(secret) = d["spec"]["writeConnectionSecretToRef"]["name"].as_str() {
                    c.secrets.insert(
                        secret.to_string(),
                        data(&[("uri", "postgresql://app:pgS3cret@pg.example.internal:5432/app"), ("host", "pg.example.internal"), ("port", "5432"), ("username", "app"), ("password", "pgS3cret")]),
                    );
                }
            }
            _ => {}
        }
    }
    for (name, d) in platform {
        c.secrets.insert(name.to_string(), d.clone());
    }
    c
}

/// `$(VAR)` expansion as the kubelet does it: `$$` is a literal `$`, a reference to a variable
/// defined earlier is replaced, anything else stays as written.
fn expand(value: &str, defined: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some(after) = rest.strip_prefix("$$") {
            out.push('$');
            rest = after;
        } else if let Some(body) = rest.strip_prefix("$(") {
            match body.find(')') {
                Some(end) if defined.contains_key(&body[..end]) => {
                    out.push_str(&defined[&body[..end]]);
                    rest = &body[end + 1..];
                }
                Some(end) => {
                    out.push_str(&rest[..end + 3]);
                    rest = &body[end + 1..];
                }
                None => {
                    out.push_str(rest);
                    rest = "";
                }
            }
        } else {
            out.push('$');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// A container's environment, or why the kubelet would refuse to start it.
fn resolve(container: &Value, cluster: &Cluster) -> Result<BTreeMap<String, String>, String> {
    let mut env = BTreeMap::new();
    for from in container["envFrom"].as_array().into_iter().flatten() {
        let prefix = from["prefix"].as_str().unwrap_or_default();
        let (source, store) = if from["secretRef"].is_object() { (&from["secretRef"], &cluster.secrets) } else { (&from["configMapRef"], &cluster.config_maps) };
        let name = source["name"].as_str().unwrap_or_default();
        match store.get(name) {
            Some(d) => env.extend(d.iter().map(|(k, v)| (format!("{prefix}{k}"), v.clone()))),
            None if source["optional"] == true => {}
            None => return Err(format!("envFrom {name} does not exist")),
        }
    }
    for var in container["env"].as_array().into_iter().flatten() {
        let name = var["name"].as_str().unwrap_or_default().to_string();
        if let Some(v) = var["value"].as_str() {
            let expanded = expand(v, &env);
            env.insert(name, expanded);
            continue;
        }
        let from = &var["valueFrom"];
        let (selector, store) = if from["secretKeyRef"].is_object() {
            (&from["secretKeyRef"], &cluster.secrets)
        } else if from["configMapKeyRef"].is_object() {
            (&from["configMapKeyRef"], &cluster.config_maps)
        } else {
            env.insert(name, "field-value".to_string()); // fieldRef
            continue;
        };
        let (object, key) = (selector["name"].as_str().unwrap_or_default(), selector["key"].as_str().unwrap_or_default());
        match store.get(object).and_then(|d| d.get(key)) {
            Some(v) => {
                env.insert(name, v.clone());
            }
            None if selector["optional"] == true => {}
            None => return Err(format!("{name}: {object} has no key {key}")),
        }
    }
    Ok(env)
}

/// `scheme://[user[:password]@]host[:port][/path]`, split by hand (no query allowed).
#[derive(Debug, PartialEq)]
struct Url {
    scheme: String,
    user: String,
    password: String,
    host: String,
    port: String,
    path: String,
}

fn parse_url(s: &str) -> Url {
    let (scheme, rest) = s.split_once("://").unwrap_or_else(|| panic!("{s}: no scheme"));
    assert!(!rest.contains('?') && !rest.contains('#') && !rest.contains("$("), "{s}: a query, a fragment or an unexpanded variable");
    let (authority, path) = rest.split_once('/').map_or((rest, String::new()), |(a, p)| (a, p.to_string()));
    let (userinfo, hostport) = authority.rsplit_once('@').map_or(("", authority), |(u, h)| (u, h));
    assert!(!userinfo.contains('@'), "{s}: two hosts");
    let (user, password) = userinfo.split_once(':').map_or((userinfo, ""), |(u, p)| (u, p));
    let (host, port) = hostport.rsplit_once(':').map_or((hostport, ""), |(h, p)| (h, p));
    Url { scheme: scheme.to_string(), user: user.to_string(), password: password.to_string(), host: host.to_string(), port: port.to_string(), path }
}

/// Every container of every workload of a case, resolved.
fn environments(case: &str, platform: &[(&str, Data)]) -> (Vec<Value>, BTreeMap<String, BTreeMap<String, String>>) {
    let docs = support::rendered_documents(case);
    assert!(!docs.is_empty(), "{case}: nothing rendered");
    let cluster = cluster_for(&docs, platform);
    let text = serde_json::to_string(&docs).unwrap();
    for s in SECRETS {
        assert!(!text.contains(s), "{case}: made-up secret {s} appears in a rendered document");
    }
    let mut out = BTreeMap::new();
    for d in docs.iter().filter(|d| d["kind"] == "Deployment") {
        for c in d["spec"]["template"]["spec"]["containers"].as_array().into_iter().flatten() {
            let env = resolve(c, &cluster).unwrap_or_else(|why| panic!("{case}: container {} would not start: {why}", c["name"]));
            out.insert(c["name"].as_str().unwrap().to_string(), env);
        }
    }
    (docs, out)
}

/// The raw `value` of variable `name` in container `container` (before expansion).
fn raw<'a>(docs: &'a [Value], container: &str, name: &str) -> &'a str {
    docs.iter()
        .filter(|d| d["kind"] == "Deployment")
        .flat_map(|d| d["spec"]["template"]["spec"]["containers"].as_array().unwrap())
        .filter(|c| c["name"] == container)
        .flat_map(|c| c["env"].as_array().unwrap())
        .find(|v| v["name"] == name)
        .and_then(|v| v["value"].as_str())
        .unwrap_or_default()
}

struct Expect<'a> {
    container: &'a str,
    variable: &'a str,
    scheme: &'a str,
    user: &'a str,
    password: &'a str,
    host: &'a str,
    port: &'a str,
    path: &'a str,
}

fn check(case: &str, docs: &[Value], envs: &BTreeMap<String, BTreeMap<String, String>>, e: &Expect<'_>) {
    let value = envs[e.container].get(e.variable).unwrap_or_else(|| panic!("{case}: {} has no {}", e.container, e.variable));
    let url = parse_url(value);
    let want = Url { scheme: e.scheme.into(), user: e.user.into(), password: e.password.into(), host: e.host.into(), port: e.port.into(), path: e.path.into() };
    assert_eq!(url, want, "{case}: {} = {value}", e.variable);
    if !e.password.is_empty() {
        // Either the whole value is read from a Secret (`valueFrom`, no `value`), or it is
        // composed from variables and names no credential.
        let template = raw(docs, e.container, e.variable);
        let composed = template.contains("$(") && !template.contains(e.password);
        assert!(template.is_empty() || composed, "{case}: {} must carry its credentials through variables: {template}", e.variable);
    }
}

#[test]
fn nine_kinds_resolve_as_the_kubelet_resolves_them() {
    let case = "render-bindings-nine-kinds-k8s";
    let platform = [("shop-legacy-mariadb", data(&[("password", "mdbS3cret")])), ("sessions-redis-auth", data(&[("password", "redisS3cret")]))];
    let (docs, envs) = environments(case, &platform);
    let api = |variable, scheme, user, password, host, port, path| Expect { container: "api", variable, scheme, user, password, host, port, path };
    // crossplane: the DSN is the connection Secret's `uri` as is.
    check(case, &docs, &envs, &api("X07_BINDING_DB_ORDERS_DSN", "postgresql", "app", "pgS3cret", "pg.example.internal", "5432", "app"));
    check(case, &docs, &envs, &api("X07_BINDING_DB_LEGACY_DSN", "mysql", "shop-legacy", "mdbS3cret", "mariadb-shared.shop.svc", "3306", "shop_legacy"));
    check(case, &docs, &envs, &api("X07_BINDING_CACHE_SESSIONS_URL", "redis", "", "redisS3cret", "sessions-master.shop.svc", "6379", ""));
    // The vhost `shop/prod` is one path segment: its `/` percent-encoded.
    check(case, &docs, &envs, &api("X07_BINDING_MSG_ORDERS_URL", "amqp", "svc-user-x1", "amqpS3cret", "rabbit.shop.svc", "5672", "shop%2Fprod"));
    check(case, &docs, &envs, &Expect { container: "fulfil", ..api("X07_BINDING_MSG_ORDERS_URL", "amqp", "svc-user-x1", "amqpS3cret", "rabbit.shop.svc", "5672", "shop%2Fprod") });
    check(case, &docs, &envs, &api("X07_BINDING_BLOB_MEDIA_ENDPOINT", "http", "", "", "rook-ceph-rgw-store.rook-ceph.svc", "8080", ""));
    check(case, &docs, &envs, &api("X07_OS_OBJ_S3_ENDPOINT", "http", "", "", "rook-ceph-rgw-store.rook-ceph.svc", "8080", ""));
    check(case, &docs, &envs, &api("X07_BINDING_OBS_OTLP_ENDPOINT", "http", "", "", "otel-collector.shop.svc", "4318", ""));
    check(case, &docs, &envs, &api("OTEL_EXPORTER_OTLP_ENDPOINT", "http", "", "", "otel-collector.shop.svc", "4318", ""));
    let api_env = &envs["api"];
    assert_eq!(api_env["OTEL_EXPORTER_OTLP_PROTOCOL"], "http/protobuf");
    assert_eq!(api_env["X07_BINDING_EVENTS_AUDIT_BOOTSTRAP_SERVERS"], "events-kafka-bootstrap.shop:9092");
    assert_eq!(api_env["X07_BINDING_EVENTS_AUDIT_PASSWORD"], "kafkaS3cret");
    assert_eq!(api_env["X07_OS_OBJ_S3_BUCKET"], "gen-bucket-7f3a");
    assert_eq!(api_env["X07_OS_OBJ_S3_ACCESS_KEY"], "AKIAEXAMPLE");
    assert_eq!(api_env["X07_OS_OBJ_S3_SECRET_KEY"], "s3S3cret");
    assert_eq!(api_env["X07_BINDING_BLOB_MEDIA_REGION"], "us-east-1");
    assert_eq!(api_env["X07_BINDING_DB_LOCAL_PATH"], "/var/lib/x07/db-local/db.sqlite");
    assert_eq!(api_env["X07_BINDING_SECRET_STRIPE_API_KEY"], "stripeS3cret");
}

#[test]
fn provider_variants_resolve_as_the_kubelet_resolves_them() {
    let case = "render-bindings-provider-variants-k8s";
    let platform = [("cache-auth", data(&[("redis-password", "redisS3cret")])), ("notes-search-conn", data(&[("connection-uri", "postgresql://search:searchS3cret@search.db.internal:5432/search")]))];
    let (docs, envs) = environments(case, &platform);
    let e = |container, variable, scheme, user, password, host, port, path| Expect { container, variable, scheme, user, password, host, port, path };
    // Without `user`: the default user's Secret; the default vhost `/` is `%2F`.
    check(case, &docs, &envs, &e("indexer", "X07_BINDING_MSG_NOTES_URL", "amqp", "default_user_x2", "adminS3cret", "rabbit", "5672", "%2F"));
    check(case, &docs, &envs, &e("api", "X07_BINDING_CACHE_NOTES_URL", "redis+sentinel", "", "redisS3cret", "cache-sentinel", "26379", "myMaster"));
    check(case, &docs, &envs, &e("api", "X07_BINDING_OBS_OTLP_ENDPOINT", "http", "", "", "localhost", "4317", ""));
    check(case, &docs, &envs, &e("api", "X07_OS_OBJ_S3_ENDPOINT", "https", "", "", "rook-ceph-rgw-store.rook-ceph.svc", "8080", ""));
    check(case, &docs, &envs, &e("api", "X07_BINDING_DB_SEARCH_DSN", "postgresql", "search", "searchS3cret", "search.db.internal", "5432", "search"));
}

/// The resolver itself: later and unknown references stay as written, as the kubelet leaves them.
#[test]
fn expansion_uses_only_earlier_variables() {
    let container = serde_json::json!({ "env": [
        { "name": "URL", "value": "amqp://$(USER):$(PASS)@h:5672/%2F" },
        { "name": "USER", "value": "u" },
        { "name": "PASS", "value": "p" },
        { "name": "URL2", "value": "amqp://$(USER):$(PASS)@h:5672/$$(USER)" },
    ]});
    let env = resolve(&container, &Cluster::default()).unwrap();
    assert_eq!(env["URL"], "amqp://$(USER):$(PASS)@h:5672/%2F");
    assert_eq!(env["URL2"], "amqp://u:p@h:5672/$(USER)");
    let missing = serde_json::json!({ "env": [{ "name": "P", "valueFrom": { "secretKeyRef": { "name": "s", "key": "k", "optional": false } } }] });
    assert!(resolve(&missing, &Cluster::default()).is_err());
}
