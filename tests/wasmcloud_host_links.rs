//! wasmCloud 2.x host interfaces by the catalog's host contracts, on the
//! render-wasmcloud-workload-deployment inputs with the profile's bindings (or the target's
//! catalog) changed: renaming, refusals at their JSON pointers, defaults by convention, and
//! the catalog's own checks.

mod support;

use serde_json::{json, Value};

const PROFILE: &str = "arch/topology/edge-v2.json";
const TARGET: &str = "arch/topology/targets/acme-wasmcloud-v2.json";

/// Renders the case with `edit` applied to the JSON file at `file`, as JSON.
fn render(file: &str, edit: impl FnOnce(&mut Value)) -> (i32, Value) {
    let t = support::Test::from_case("render-wasmcloud-workload-deployment");
    let path = t.path().join(file);
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut doc);
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let out = t.run_args(&["render", "--profile", "edge-v2", "--format", "json", "--out", "-"]);
    (out.code, support::json_report(&out))
}

fn with_bindings(bindings: Value) -> (i32, Value) {
    render(PROFILE, |p| {
        for (name, entry) in bindings.as_object().unwrap() {
            let all = p["bindings"].as_object_mut().unwrap();
            if entry.is_null() {
                all.remove(name);
            } else {
                all.insert(name.clone(), entry.clone());
            }
        }
    })
}

fn diagnostics<'a>(report: &'a Value, code: &str) -> Vec<&'a Value> {
    report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == code).collect()
}

/// The `hostInterfaces` entry `name` of workload `workload`.
fn entry<'a>(report: &'a Value, workload: &str, name: &str) -> &'a Value {
    let w = report["result"]["documents"].as_array().unwrap().iter().find(|d| d["metadata"]["name"] == workload).unwrap_or_else(|| panic!("no workload {workload}: {report:#}"));
    w["spec"]["template"]["spec"]["hostInterfaces"].as_array().unwrap().iter().find(|e| e["name"] == name).unwrap_or_else(|| panic!("no entry {name} in {workload}"))
}

#[test]
fn keys_are_renamed_in_any_case_to_the_plugins_key() {
    let (code, report) = with_bindings(json!({ "cache.sessions": { "config": { "Url": "redis://r:6379", "PREFIX": "s:" } } }));
    assert_eq!(code, 0, "{report:#}");
    let e = entry(&report, "bazaar-web", "cache-sessions");
    assert_eq!(e["config"], json!({ "backend": "redis", "prefix": "s:", "url": "redis://r:6379" }));
}

#[test]
fn a_key_the_plugin_does_not_read_is_refused_at_its_member() {
    let (code, report) = with_bindings(json!({ "cache.sessions": { "config": { "URL": "redis://r:6379", "DB": "3" } } }));
    assert_eq!(code, 1);
    let d = diagnostics(&report, "XT507");
    assert_eq!(d.len(), 1, "{report:#}");
    assert_eq!(d[0]["pointer"], "/bindings/cache.sessions/config/DB");
    assert!(d[0]["hint"].as_str().unwrap().contains("url"), "{:#}", d[0]);
}

#[test]
fn the_backend_the_catalog_sets_cannot_be_given() {
    let (code, report) = with_bindings(json!({ "cache.sessions": { "config": { "URL": "redis://r:6379", "backend": "nats" } } }));
    assert_eq!(code, 1);
    let d = diagnostics(&report, "XT512");
    assert_eq!(d.len(), 1, "{report:#}");
    assert_eq!(d[0]["pointer"], "/bindings/cache.sessions/config/backend");
}

#[test]
fn a_postgres_url_is_only_a_secret() {
    let (code, report) = with_bindings(json!({ "db.orders": { "config": { "DSN": "postgres://u:p@db/orders" } } }));
    assert_eq!(code, 1);
    let d = diagnostics(&report, "XT511");
    assert_eq!(d.len(), 1, "{report:#}");
    assert_eq!(d[0]["pointer"], "/bindings/db.orders/config/DSN");
}

#[test]
fn a_required_key_missing_names_the_profile_member() {
    let (code, report) = with_bindings(json!({ "db.orders": { "secret": "bazaar-orders-db", "keys": { "DSN": "url" } }, "msg.orders": { "provider": "messaging-nats", "config": { "SUBJECT_PREFIX": "x" } } }));
    assert_eq!(code, 1);
    let missing = diagnostics(&report, "XT508");
    assert_eq!(missing.len(), 1, "{report:#}");
    assert!(missing[0]["message"].as_str().unwrap().contains("`url`"), "{:#}", missing[0]);
    assert!(missing[0]["hint"].as_str().unwrap().contains("bindings.msg.orders.config.url"), "{:#}", missing[0]);
    assert_eq!(missing[0]["pointer"], "/bindings/msg.orders");
}

/// With no profile entry, a required key a Secret may give comes from the conventional
/// Secret `<service_id>-<binding>`, under the plugin's key.
#[test]
fn no_profile_entry_reads_the_conventional_secret() {
    let (code, report) = with_bindings(json!({ "cache.sessions": null, "db.orders": null }));
    assert_eq!(code, 0, "{report:#}");
    let kv = entry(&report, "bazaar-web", "cache-sessions");
    assert_eq!(kv["config"], json!({ "backend": "redis" }));
    assert_eq!(kv["secretFrom"], json!([{ "name": "bazaar-cache-sessions" }]));
    let pg = entry(&report, "bazaar-web", "db-orders");
    assert!(pg.get("config").is_none(), "{pg:#}");
    assert_eq!(pg["secretFrom"], json!([{ "name": "bazaar-db-orders" }]));
}

#[test]
fn a_provider_with_no_host_contract_gets_an_empty_entry_and_a_warning() {
    let (code, report) = with_bindings(json!({}));
    assert_eq!(code, 0);
    let w = diagnostics(&report, "XT514");
    assert_eq!(w.len(), 1, "{report:#}");
    assert_eq!(w[0]["pointer"], "/bindings/obj.media");
    let e = entry(&report, "bazaar-web", "obj-media");
    assert!(e.get("config").is_none() && e.get("secretFrom").is_none(), "{e:#}");
}

/// Only host contracts read the component's own config, and every key a host contract sets
/// or delivers events with is one it declares.
#[test]
fn the_catalog_refuses_contracts_that_cannot_hold() {
    let (code, report) = render(TARGET, |t| {
        let providers = &mut t["wasmcloud"]["catalog"]["providers"];
        providers["keyvalue-redis"]["keys"]["URL"]["link"] = json!("component");
        providers["keyvalue-redis"]["host"]["set"] = json!({ "store": "redis" });
        providers["messaging-nats"]["host"]["handler"]["topic_key"] = json!("subjects");
    });
    assert_eq!(code, 1, "{report:#}");
    let pointers: Vec<&str> = report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "XT009").filter_map(|d| d["pointer"].as_str()).collect();
    for at in [
        "/wasmcloud/catalog/providers/keyvalue-redis/keys/URL/link",
        "/wasmcloud/catalog/providers/keyvalue-redis/host/set",
        "/wasmcloud/catalog/providers/messaging-nats/host/handler",
    ] {
        assert!(pointers.contains(&at), "no error at {at}: {pointers:?}");
    }
}
