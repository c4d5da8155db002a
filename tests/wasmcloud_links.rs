//! wasmCloud links that work on a real host (issue 24): one test per finding, each on the
//! render-wasmcloud-wadm inputs with the profile's bindings changed. Every test failed before
//! the provider contracts (the provider source each fact was read from is named).

mod support;

use serde_json::{json, Value};

/// Renders golden/render-wasmcloud-wadm with the profile's `bindings` entries replaced by
/// `bindings` (null removes one), as JSON.
fn render(bindings: Value) -> (i32, Value) {
    let t = support::Test::from_case("render-wasmcloud-wadm");
    let path = t.path().join("arch/topology/edge.json");
    let mut profile: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for (name, entry) in bindings.as_object().unwrap() {
        let all = profile["bindings"].as_object_mut().unwrap();
        if entry.is_null() {
            all.remove(name);
        } else {
            all.insert(name.clone(), entry.clone());
        }
    }
    std::fs::write(&path, serde_json::to_string_pretty(&profile).unwrap()).unwrap();
    let out = t.run_args(&["render", "--profile", "edge", "--format", "json", "--out", "-"]);
    (out.code, support::json_report(&out))
}

fn app<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["result"]["documents"].as_array().unwrap().iter().find(|d| d["metadata"]["name"] == name).unwrap_or_else(|| panic!("no application {name}: {report:#}"))
}

fn component<'a>(app: &'a Value, name: &str) -> &'a Value {
    app["spec"]["components"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("no component {name}"))
}

/// The link traits of component `from` to `to`.
fn links<'a>(app: &'a Value, from: &str, to: &str) -> Vec<&'a Value> {
    component(app, from)["traits"].as_array().unwrap().iter().filter(|t| t["type"] == "link" && t["properties"]["target"]["name"] == to).map(|t| &t["properties"]).collect()
}

fn config(end: &Value) -> Value {
    end["config"].as_array().map_or(json!({}), |c| c[0]["properties"].clone())
}

fn codes(report: &Value) -> Vec<String> {
    report["diagnostics"].as_array().unwrap().iter().map(|d| format!("{} {}", d["code"].as_str().unwrap(), d["message"].as_str().unwrap())).collect()
}

fn has(report: &Value, code: &str, text: &str) -> bool {
    report["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == code && (d["message"].as_str().unwrap().contains(text) || d["hint"].as_str().unwrap().contains(text)))
}

/// Finding 1: messaging-kafka 0.6.1 reads `hosts`, `topic` and `consumer_group` only as the target of
/// the component's link (`receive_link_config_as_target`, crates/provider-messaging-kafka/src/lib.rs).
#[test]
fn kafka_topic_and_group_are_on_the_consumer_link_and_the_handler_link_has_no_config() {
    let (code, r) = render(json!({}));
    assert_eq!(code, 0, "{:?}", codes(&r));
    let workers = app(&r, "bazaar-workers");
    let consumer = links(workers, "order-events", "messaging-kafka");
    assert_eq!(consumer.len(), 1);
    assert_eq!(config(&consumer[0]["target"]), json!({"hosts": "kafka-0.internal:9092,kafka-1.internal:9092", "topic": "orders.placed", "consumer_group": "bazaar-order-events"}));
    let handler = links(workers, "messaging-kafka", "order-events");
    assert_eq!(handler.len(), 1);
    assert_eq!(handler[0]["interfaces"], json!(["handler"]));
    assert!(handler[0].get("source").is_none(), "the handler link carries config messaging-kafka never reads: {:#}", handler[0]);
}

/// Finding 2: blobstore-s3 0.12.1 reads `config_json` (StorageConfig::from_link_config), never
/// `bucket`/`region`/`access_key_id`; the bucket name is the component's own config.
#[test]
fn s3_gets_one_config_json_secret_and_the_bucket_stays_in_the_components_config() {
    let (code, r) = render(json!({}));
    assert_eq!(code, 0, "{:?}", codes(&r));
    let workers = app(&r, "bazaar-workers");
    let link = links(workers, "media-thumbnails", "blobstore-s3");
    assert!(link[0]["target"].get("config").is_none(), "{:#}", link[0]);
    assert_eq!(link[0]["target"]["secrets"], json!([{"name": "config_json", "properties": {"key": "bazaar-media-s3-storage-config", "policy": "x07-secrets"}}]));
    assert_eq!(config(&component(workers, "media-thumbnails")["properties"])["X07_BINDING_OBJ_MEDIA_BUCKET"], "bazaar-media");
    // The keys x07-topo used to write are refused, with the key the provider reads.
    let (code, r) = render(json!({"obj.media": {"secret": "s3", "keys": {"ACCESS_KEY": "id", "SECRET_KEY": "key"}, "config": {"BUCKET": "b"}}}));
    assert_eq!(code, 1);
    assert!(has(&r, "XT507", "`ACCESS_KEY`") && has(&r, "XT508", "`config_json`"), "{:?}", codes(&r));
}

/// Finding 3: Keys are renamed case-insensitively to the provider's exact key (sqldb-postgres reads
/// `POSTGRES_*` in exact case, src/config.rs); contract variables are upper case.
#[test]
fn lower_case_keys_are_renamed_to_the_providers_exact_case() {
    let (code, r) = render(json!({
        "db.orders": {"secret": "db", "keys": {"username": "u", "password": "p"}, "config": {"host": "h", "port": "5432", "database": "d", "pool_size": "4"}},
        "msg.orders": {"config": {"Bootstrap_Servers": "k:9092"}}
    }));
    assert_eq!(code, 0, "{:?}", codes(&r));
    let web = app(&r, "bazaar-web");
    let pg = &links(web, "storefront", "sqldb-postgres")[0]["target"];
    assert_eq!(config(pg), json!({"POSTGRES_HOST": "h", "POSTGRES_PORT": "5432", "POSTGRES_DATABASE": "d", "POSTGRES_POOL_SIZE": "4"}));
    let names: Vec<&str> = pg["secrets"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["POSTGRES_PASSWORD", "POSTGRES_USERNAME"]);
    let workers = app(&r, "bazaar-workers");
    assert_eq!(config(&links(workers, "order-events", "messaging-kafka")[0]["target"])["hosts"], "k:9092");
    let x07 = config(&component(workers, "order-events")["properties"]);
    assert_eq!(x07["X07_BINDING_MSG_ORDERS_BOOTSTRAP_SERVERS"], "k:9092");
    assert_eq!(x07["X07_BINDING_DB_ORDERS_HOST"], "h");
    assert!(x07.as_object().unwrap().keys().all(|k| !k.starts_with("X07_BINDING_") || k == &k.to_ascii_uppercase()), "{x07:#}");
}

/// Finding 4: The nats-kv backend looks up `key` (and `version`) and never reads `field`
/// (wasmCloud v1.9.2 crates/secrets-nats-kv/src/api.rs, `get`): one backend key per value.
#[test]
fn nats_kv_secrets_have_no_field_and_one_backend_key_per_value() {
    let (code, r) = render(json!({}));
    assert_eq!(code, 0, "{:?}", codes(&r));
    let web = app(&r, "bazaar-web");
    let pg = &links(web, "storefront", "sqldb-postgres")[0]["target"]["secrets"];
    assert_eq!(pg, &json!([
        {"name": "POSTGRES_PASSWORD", "properties": {"key": "bazaar-orders-db-password", "policy": "x07-secrets"}},
        {"name": "POSTGRES_USERNAME", "properties": {"key": "bazaar-orders-db-username", "policy": "x07-secrets"}}
    ]));
    assert_eq!(component(web, "storefront")["properties"]["secrets"], json!([{"name": "X07_BINDING_SECRET_STRIPE_API_KEY", "properties": {"key": "stripe-live-api-key", "policy": "x07-secrets"}}]));
}

/// Finding 5: wadm stores each secret reference as `SECRET_<app>-<name>` (crates/wadm/src/scaler/convert.rs):
/// two references of one name to different secrets in one application overwrite each other.
#[test]
fn two_secret_references_of_one_name_in_one_application_are_an_error() {
    let t = support::Test::from_case("render-err-wasmcloud-secret-name-conflict");
    let out = t.run_args(&["render", "--profile", "edge", "--format", "json", "--out", "-"]);
    assert_eq!(out.code, 1);
    let r = support::json_report(&out);
    assert!(has(&r, "XT509", "SECRET_<app>-postgres_password") && has(&r, "XT509", "SECRET_<app>-postgres_username"), "{:?}", codes(&r));
    // One binding used by two components of an application is one secret: no conflict.
    let (code, r) = render(json!({}));
    assert_eq!(code, 0, "{:?}", codes(&r));
}

/// Finding 6: messaging-nats 0.27.0 takes a queue group only as `subscriptions: "subject|queue"`
/// (crates/core/src/messaging.rs, ConnectionConfig::from_map; split in src/lib.rs).
#[test]
fn nats_queue_groups_are_subject_bar_queue_subscriptions_on_the_handler_link() {
    let (code, r) = render(json!({"msg.orders": {"provider": "messaging-nats", "config": {"URL": "nats://n:4222"}}}));
    assert_eq!(code, 0, "{:?}", codes(&r));
    let workers = app(&r, "bazaar-workers");
    let handler = links(workers, "messaging-nats", "order-events");
    assert_eq!(config(&handler[0]["source"]), json!({"cluster_uris": "nats://n:4222", "subscriptions": "orders.placed|bazaar-order-events"}));
    assert_eq!(config(&links(workers, "order-events", "messaging-nats")[0]["target"]), json!({"cluster_uris": "nats://n:4222"}));
    let text = serde_json::to_string(workers).unwrap();
    assert!(!text.contains("queue_group"), "messaging-nats never reads queue_group");
}

/// Finding 7: A required key nothing gives is an error naming the key and the profile member:
/// sqldb-postgres logs "failed to find required keys" and creates no pool without all five.
#[test]
fn a_required_key_nothing_gives_is_an_error_naming_the_profile_member() {
    let (code, r) = render(json!({"db.orders": {"config": {"HOST": "h", "PORT": "5432", "DATABASE": "d"}}}));
    assert_eq!(code, 1);
    assert!(has(&r, "XT508", "`POSTGRES_USERNAME`") && has(&r, "XT508", "bindings.db.orders.keys.USERNAME"), "{:?}", codes(&r));
    assert!(has(&r, "XT508", "`POSTGRES_PASSWORD`"), "{:?}", codes(&r));
    // keyvalue-redis reads its URL only from config: no secret can stand in for it.
    let (code, r) = render(json!({"cache.sessions": null}));
    assert_eq!(code, 1);
    assert!(has(&r, "XT508", "bindings.cache.sessions.config.URL"), "{:?}", codes(&r));
    // With no entry, the keys the provider can read from secrets come from the backend by
    // convention (`<secret>-<KEY>`): a link with no config is not silently left to defaults.
    let (code, r) = render(json!({"cache.sessions": {"config": {"URL": "redis://r:6379"}}, "db.orders": null, "msg.orders": null, "obj.media": null}));
    assert_eq!(code, 0, "{:?}", codes(&r));
    let workers = app(&r, "bazaar-workers");
    let kafka = &links(workers, "order-events", "messaging-kafka")[0]["target"];
    assert_eq!(kafka["secrets"], json!([{"name": "hosts", "properties": {"key": "bazaar-msg-orders-hosts", "policy": "x07-secrets"}}]));
    let pg: Vec<&str> = links(workers, "order-events", "sqldb-postgres")[0]["target"]["secrets"].as_array().unwrap().iter().map(|s| s["properties"]["key"].as_str().unwrap()).collect();
    assert_eq!(pg, ["bazaar-db-orders-POSTGRES_DATABASE", "bazaar-db-orders-POSTGRES_HOST", "bazaar-db-orders-POSTGRES_PASSWORD", "bazaar-db-orders-POSTGRES_PORT", "bazaar-db-orders-POSTGRES_USERNAME"]);
}

/// Finding 9: keyvalue-redis (0.28.2 and 0.30.0, src/lib.rs) finds a `URL` secret but reads only
/// config (warned); sqldb-postgres reads `POSTGRES_POOL_SIZE` (accepted, see test 3).
#[test]
fn a_redis_url_given_as_a_secret_is_warned_about() {
    let (code, r) = render(json!({"cache.sessions": {"secret": "sessions", "keys": {"URL": "url"}}}));
    assert_eq!(code, 0, "{:?}", codes(&r));
    assert!(has(&r, "XT510", "reads `URL` only from link config"), "{:?}", codes(&r));
    // Credentials as plain config are refused where the provider holds them as secrets.
    let (code, r) = render(json!({"obj.media": {"config": {"CONFIG_JSON": "{}"}}}));
    assert_eq!(code, 1);
    assert!(has(&r, "XT511", "`config_json`"), "{:?}", codes(&r));
}
