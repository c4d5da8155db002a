//! Every key any golden render puts on a wadm link to a built-in capability provider is one
//! that provider's declared contract (targets/wasmcloud-default.json) reads: on the side of
//! the link it reads it, in its exact case, as config or secret as the provider reads it;
//! and every key the provider requires is there. One test per provider of the catalog.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// One link as rendered: the provider's end of it.
#[derive(Debug)]
struct Seen {
    case: String,
    app: String,
    /// `target`: the component→provider link (the provider is its target); `source`: the
    /// provider→component link.
    side: &'static str,
    config: BTreeMap<String, String>,
    secrets: Vec<(String, Value)>,
    /// Config or secrets on the component's end (x07-topo never writes any).
    component_end: bool,
}

fn default_catalog() -> &'static serde_json::Map<String, Value> {
    static CATALOG: OnceLock<Value> = OnceLock::new();
    let target = CATALOG.get_or_init(|| {
        let text = std::fs::read_to_string(support::repo_root().join("targets/wasmcloud-default.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    });
    target["wasmcloud"]["catalog"]["providers"].as_object().unwrap()
}

/// The golden cases that render wadm Applications, re-rendered as JSON: each link to a
/// provider of the default catalog (by its pinned image), per provider name.
fn seen() -> &'static BTreeMap<String, Vec<Seen>> {
    static SEEN: OnceLock<BTreeMap<String, Vec<Seen>>> = OnceLock::new();
    SEEN.get_or_init(|| {
        let by_image: BTreeMap<&str, &str> = default_catalog().iter().map(|(n, p)| (p["image"].as_str().unwrap(), n.as_str())).collect();
        let mut out: BTreeMap<String, Vec<Seen>> = BTreeMap::new();
        for (case, doc) in support::golden_documents_of_kind("Application") {
            collect(&case, &doc, &by_image, &mut out);
        }
        out
    })
}

fn collect(case: &str, app: &Value, by_image: &BTreeMap<&str, &str>, out: &mut BTreeMap<String, Vec<Seen>>) {
    let components = app["spec"]["components"].as_array().unwrap();
    let provider_of: BTreeMap<&str, &str> = components
        .iter()
        .filter(|c| c["type"] == "capability")
        .filter_map(|c| Some((c["name"].as_str()?, *by_image.get(c["properties"]["image"].as_str()?)?)))
        .collect();
    let name = app["metadata"]["name"].as_str().unwrap().to_string();
    for c in components {
        let this = c["name"].as_str().unwrap();
        for link in c["traits"].as_array().into_iter().flatten().filter(|t| t["type"] == "link") {
            let p = &link["properties"];
            let target = p["target"]["name"].as_str().unwrap();
            let (provider, side, provider_end, component_end) = match (provider_of.get(this), provider_of.get(target)) {
                (None, Some(provider)) => (provider, "target", &p["target"], &p["source"]),
                (Some(provider), None) => (provider, "source", &p["source"], &p["target"]),
                _ => continue, // a provider of a catalog override
            };
            let config = provider_end["config"].as_array().into_iter().flatten().flat_map(|c| c["properties"].as_object().unwrap().iter()).map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string())).collect();
            let secrets = provider_end["secrets"].as_array().into_iter().flatten().map(|s| (s["name"].as_str().unwrap().to_string(), s["properties"].clone())).collect();
            let component_end = component_end.get("config").is_some() || component_end.get("secrets").is_some();
            out.entry(provider.to_string()).or_default().push(Seen { case: case.to_string(), app: name.clone(), side, config, secrets, component_end });
        }
    }
}

/// The contract entry of `key`: the key itself, or a prefix key (`alias_*`) it starts with.
fn spec<'a>(keys: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a Value> {
    keys.get(key).or_else(|| keys.iter().find(|(k, _)| k.strip_suffix('*').is_some_and(|p| key.starts_with(p) && key.len() > p.len())).map(|(_, v)| v))
}

fn reads(spec: &Value, side: &str) -> bool {
    let link = spec["link"].as_str().unwrap();
    link == side || link == "both"
}

fn check(provider: &str) {
    let contract = &default_catalog()[provider];
    let keys = contract["keys"].as_object().unwrap();
    let links = seen().get(provider).unwrap_or_else(|| panic!("no golden render links to {provider}: add one"));
    for l in links {
        let at = format!("{} ({}): a {} link to {provider}", l.case, l.app, l.side);
        assert!(!l.component_end, "{at} has config or secrets on the component's end, which no provider reads");
        for key in l.config.keys() {
            let s = spec(keys, key).unwrap_or_else(|| panic!("{at} has config `{key}`, which {provider}'s contract does not read (in this case)"));
            assert!(reads(s, l.side), "{at} has config `{key}`, which {provider} reads on the {} side", s["link"]);
            assert_ne!(s["secret"], "must", "{at} has `{key}` as plain config, but it must be a secret");
        }
        for (key, props) in &l.secrets {
            let s = spec(keys, key).unwrap_or_else(|| panic!("{at} has secret `{key}`, which {provider}'s contract does not read (in this case)"));
            assert!(reads(s, l.side), "{at} has secret `{key}`, which {provider} reads on the {} side", s["link"]);
            assert!(s["secret"] == "may" || s["secret"] == "must", "{at} has `{key}` as a secret, which {provider} reads only from config");
            assert!(props.get("field").is_none(), "{at}: secret `{key}` has a `field`, which the nats-kv backend never reads");
            assert!(props["key"].as_str().is_some_and(|k| !k.is_empty()), "{at}: secret `{key}` names no backend key");
        }
        for key in keys.iter().filter(|(_, s)| s["required"] == true && reads(s, l.side)).map(|(k, _)| k) {
            assert!(l.config.contains_key(key) || l.secrets.iter().any(|(n, _)| n == key), "{at} lacks `{key}`, which {provider} requires: {l:?}");
        }
    }
}

#[test]
fn http_server_links_carry_only_keys_it_reads() {
    check("http-server");
}

#[test]
fn keyvalue_redis_links_carry_only_keys_it_reads() {
    check("keyvalue-redis");
}

#[test]
fn sqldb_postgres_links_carry_only_keys_it_reads() {
    check("sqldb-postgres");
}

#[test]
fn messaging_kafka_links_carry_only_keys_it_reads() {
    check("messaging-kafka");
}

#[test]
fn messaging_nats_links_carry_only_keys_it_reads() {
    check("messaging-nats");
}

#[test]
fn blobstore_s3_links_carry_only_keys_it_reads() {
    check("blobstore-s3");
}

#[test]
fn every_catalog_provider_has_a_test() {
    let tested = ["http-server", "keyvalue-redis", "sqldb-postgres", "messaging-kafka", "messaging-nats", "blobstore-s3"];
    let names: Vec<&str> = default_catalog().keys().map(String::as_str).collect();
    let mut sorted = tested.to_vec();
    sorted.sort();
    assert_eq!(names, sorted, "a provider of the default catalog has no contract test here");
}
