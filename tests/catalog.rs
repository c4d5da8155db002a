//! The built-in wasmCloud catalog pins, for every provider, a released image tag and cites the
//! provider source its contract was read from (docs/decisions.md records how).

mod support;

/// wasmCloud's release workflow (`.github/workflows/provider.yml`) pushes an image version tag
/// only for a git tag `provider-<name>-v<version>`: each provider's contract cites its source at
/// exactly that tag. `messaging-kafka:0.8.0` and `blobstore-s3:0.14.0` were never released.
#[test]
fn every_default_provider_pins_a_released_tag_and_cites_its_source() {
    let path = support::repo_root().join("targets/wasmcloud-default.json");
    let target: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let providers = target["wasmcloud"]["catalog"]["providers"].as_object().unwrap();
    assert!(providers.len() >= 6);
    for (name, p) in providers {
        let image = p["image"].as_str().unwrap();
        let version = image.strip_prefix(&format!("ghcr.io/wasmcloud/{name}:")).unwrap_or_else(|| panic!("provider {name}: image {image} is not wasmCloud's {name}"));
        let source = p["source"].as_str().unwrap_or_else(|| panic!("provider {name} cites no source"));
        assert!(source.starts_with(&format!("wasmCloud/wasmCloud@provider-{name}-v{version}:crates/")), "provider {name}: source {source} is not at the release tag of {image}");
        assert!(!p["keys"].as_object().unwrap().is_empty(), "provider {name} declares no keys");
    }
    let text = serde_json::to_string(&target).unwrap();
    for never in ["messaging-kafka:0.8.0", "blobstore-s3:0.14.0", "http-server:0.27.0"] {
        assert!(!text.contains(never), "{never} has no release tag");
    }
    let decisions = std::fs::read_to_string(support::repo_root().join("docs/decisions.md")).unwrap();
    assert!(decisions.contains("Provider contracts, and where each was read"));
}

/// wasmCloud 2.x: every host contract of the default catalog cites a host plugin's source at
/// the release it was read from (v2.7.0, whose runtime-operator CRD is the one
/// `../shared/schemas/wasmcloud-v2/` holds), and docs/decisions.md records it.
#[test]
fn every_default_host_contract_cites_its_source_at_the_release() {
    let path = support::repo_root().join("targets/wasmcloud-default.json");
    let target: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let providers = target["wasmcloud"]["catalog"]["providers"].as_object().unwrap();
    let with_host: Vec<&String> = providers.iter().filter(|(_, p)| p.get("host").is_some()).map(|(n, _)| n).collect();
    assert!(with_host.len() >= 4, "host contracts: {with_host:?}");
    for name in with_host {
        let host = &providers[name]["host"];
        let source = host["source"].as_str().unwrap();
        assert!(source.starts_with("wasmCloud/wasmCloud@v2.7.0:crates/wash-runtime/src/"), "provider {name}: host source {source} is not a host plugin at v2.7.0");
        assert!(!host["keys"].as_object().unwrap().is_empty(), "provider {name}'s host contract declares no keys");
    }
    let decisions = std::fs::read_to_string(support::repo_root().join("docs/decisions.md")).unwrap();
    assert!(decisions.contains("wasmCloud 2.x host contracts, and where each was read") && decisions.contains("tag `v2.7.0`"));
}

/// docs/decisions.md names every check where x07-topo refuses what upstream's validator
/// accepts (the manifest codes that upstream has no counterpart for), each with a reason.
#[test]
fn decisions_record_every_check_stricter_than_upstream() {
    let decisions = std::fs::read_to_string(support::repo_root().join("docs/decisions.md")).unwrap();
    let start = decisions.find("**Stricter than upstream: every check, with its reason.**").expect("the section exists");
    let section = &decisions[start..decisions[start..].find("- **Relaxed relative to upstream").map_or(decisions.len(), |e| start + e)];
    for code in ["XT004", "XT005", "XT009", "XT012", "XT111", "XT112", "XT113", "XT117", "XT118", "XT119", "XT120"] {
        assert!(section.contains(code), "{code} is stricter than upstream but not recorded");
    }
    assert!(section.contains("`max_replicas: 0`"), "max_replicas 0 (XT012) is not recorded");
}
