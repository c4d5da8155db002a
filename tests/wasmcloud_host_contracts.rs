//! wasmCloud 2.x: every `hostInterfaces` entry of every golden WorkloadDeployment, re-rendered,
//! carries only what the host plugin serving it reads, by the `host` contracts of the default
//! catalog (targets/wasmcloud-default.json, read from wasmCloud v2.7.0's host plugins): keys in
//! the plugin's exact case, on the entry it reads them from (the binding's own entry, the
//! handler or http entry, or the component's `localResources.config`), values the catalog
//! sets, every required key present in config or (where it may be a secret) through
//! `secretFrom`; and an entry whose provider declares no host contract carries nothing.

mod support;

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn default_catalog() -> &'static Map<String, Value> {
    static CATALOG: OnceLock<Value> = OnceLock::new();
    let target = CATALOG.get_or_init(|| {
        let text = std::fs::read_to_string(support::repo_root().join("targets/wasmcloud-default.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    });
    target["wasmcloud"]["catalog"]["providers"].as_object().unwrap()
}

/// What the golden WorkloadDeployments show: the entries each provider's contract accepted,
/// and every entry or component config no contract accepts.
#[derive(Default)]
struct Seen {
    by_provider: BTreeMap<String, Vec<String>>,
    failures: Vec<String>,
    workloads: usize,
}

fn seen() -> &'static Seen {
    static SEEN: OnceLock<Seen> = OnceLock::new();
    SEEN.get_or_init(|| {
        let mut out = Seen::default();
        for (case, doc) in support::golden_documents_of_kind("WorkloadDeployment") {
            out.workloads += 1;
            collect(&case, &doc, &mut out);
        }
        out
    })
}

fn collect(case: &str, doc: &Value, out: &mut Seen) {
    let name = doc["metadata"]["name"].as_str().unwrap();
    let spec = &doc["spec"]["template"]["spec"];
    for entry in spec["hostInterfaces"].as_array().into_iter().flatten() {
        let at = format!("{case} ({name}): host interface {}:{} {:?}", entry["namespace"], entry["package"], entry.get("name"));
        // Providers with a host contract first: an empty entry also suits one without.
        let mut candidates: Vec<(&String, &Value)> = default_catalog().iter().filter(|(_, p)| p["namespace"] == entry["namespace"] && p["package"] == entry["package"]).collect();
        candidates.sort_by_key(|(_, p)| p.get("host").is_none());
        let mut why = Vec::new();
        let accepted = candidates.iter().find(|(provider, p)| match check_entry(p, entry) {
            Ok(()) => true,
            Err(e) => {
                why.push(format!("{provider}: {e}"));
                false
            }
        });
        match accepted {
            Some((provider, _)) => out.by_provider.entry(provider.to_string()).or_default().push(at),
            None => out.failures.push(format!("{at}: no host contract accepts it: {why:?} ({entry})")),
        }
    }
    let component_keys: BTreeMap<&str, &Value> = default_catalog().values().filter_map(|p| p["host"]["keys"].as_object()).flat_map(|k| k.iter()).filter(|(_, s)| s["link"] == "component").map(|(k, s)| (k.as_str(), s)).collect();
    for c in spec["components"].as_array().into_iter().flatten() {
        for key in c["localResources"]["config"].as_object().into_iter().flat_map(|m| m.keys()) {
            if !component_keys.contains_key(key.as_str()) {
                out.failures.push(format!("{case} ({name}): component {} has localResources.config `{key}`, which no host plugin reads from a component", c["name"]));
            }
        }
    }
}

/// The entry a contract's key is read from: the handler's or http's (`source`), else the
/// binding's own (`target`).
fn side(p: &Value, entry: &Value) -> &'static str {
    let handler = &p["host"]["handler"]["interfaces"];
    if (handler.is_array() && entry["interfaces"] == *handler) || entry["interfaces"].as_array().is_some_and(|i| i.iter().any(|i| i == "incoming-handler")) {
        "source"
    } else {
        "target"
    }
}

fn check_entry(p: &Value, entry: &Value) -> Result<(), String> {
    let config = entry["config"].as_object().cloned().unwrap_or_default();
    let secret_from = entry["secretFrom"].as_array().is_some_and(|s| !s.is_empty());
    let Some(keys) = p["host"]["keys"].as_object() else {
        return if config.is_empty() && !secret_from { Ok(()) } else { Err("declares no host contract, so the entry must carry nothing".into()) };
    };
    let side = side(p, entry);
    let here = |s: &Value| s["link"] == side || (s["link"] == "both" && side != "component");
    if side == "source" && entry["package"] != "http" && entry.get("name").is_some() {
        return Err("a handler entry is named, and the host's messaging plugin serves no named instances".into());
    }
    for (key, value) in &config {
        let s = keys.get(key).ok_or_else(|| format!("config `{key}` is not read"))?;
        if !here(s) {
            return Err(format!("config `{key}` is read from the {} entry, this is the {side} one", s["link"]));
        }
        if s["secret"] == "must" {
            return Err(format!("`{key}` must come from a Secret, not plain config"));
        }
        if let Some(set) = p["host"]["set"].get(key) {
            if set != value {
                return Err(format!("`{key}` is {value}, the catalog sets {set}"));
            }
        }
    }
    for (key, value) in p["host"]["set"].as_object().into_iter().flatten().filter(|(k, _)| keys.get(*k).is_some_and(here)) {
        if config.get(key) != Some(value) {
            return Err(format!("lacks `{key}: {value}`, which selects the plugin"));
        }
    }
    let secret_able = keys.values().any(|s| here(s) && (s["secret"] == "may" || s["secret"] == "must"));
    if secret_from && !secret_able {
        return Err("has secretFrom, but the plugin reads no key of this entry from a Secret".into());
    }
    for (key, s) in keys.iter().filter(|(_, s)| s["required"] == true && here(s)) {
        let from_secret = secret_from && s["secret"] != "no" && !s["secret"].is_null();
        if !config.contains_key(key) && !from_secret {
            return Err(format!("lacks `{key}`, which the plugin requires"));
        }
    }
    Ok(())
}

#[test]
fn every_golden_host_interface_carries_only_what_its_host_plugin_reads() {
    let s = seen();
    assert!(s.workloads > 0, "no golden renders a WorkloadDeployment");
    assert!(s.failures.is_empty(), "{} entries no host contract accepts:\n{}", s.failures.len(), s.failures.join("\n"));
}

fn covered(provider: &str) {
    assert!(seen().by_provider.get(provider).is_some_and(|v| !v.is_empty()), "no golden WorkloadDeployment has an entry for {provider}: add one");
}

#[test]
fn http_server_entries_are_checked() {
    covered("http-server");
}

#[test]
fn keyvalue_redis_entries_are_checked() {
    covered("keyvalue-redis");
}

#[test]
fn sqldb_postgres_entries_are_checked() {
    covered("sqldb-postgres");
}

#[test]
fn messaging_nats_entries_are_checked() {
    covered("messaging-nats");
}

#[test]
fn blobstore_s3_entries_are_checked() {
    covered("blobstore-s3");
}

/// A provider the default catalog gives a host contract has a test above; one without is
/// listed here (its entries must be empty, which the first test checks).
#[test]
fn every_catalog_provider_has_a_host_test() {
    let tested = ["blobstore-s3", "http-server", "keyvalue-redis", "messaging-nats", "sqldb-postgres"];
    let without_host = ["messaging-kafka"];
    let mut all: Vec<&str> = tested.iter().chain(without_host.iter()).copied().collect();
    all.sort();
    let names: Vec<&str> = default_catalog().keys().map(String::as_str).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, all, "a provider of the default catalog has no host contract test here");
    for name in without_host {
        assert!(default_catalog()[name].get("host").is_none(), "{name} has a host contract now: test its entries");
    }
}
