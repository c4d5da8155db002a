//! The built-in wasmCloud catalog says, for every provider image it pins, whether the tag was
//! verified in wasmCloud's own examples or docs (docs/decisions.md records where).

mod support;

#[test]
fn every_default_provider_tag_is_declared_verified_or_unverified() {
    let path = support::repo_root().join("targets/wasmcloud-default.json");
    let target: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let notes = target["notes"].as_str().unwrap();
    let (verified, unverified) = notes.split_once("UNVERIFIED").expect("the notes name the unverified tags");
    let verified = verified.split_once("VERIFIED").expect("the notes name the verified tags").1;
    let providers = target["wasmcloud"]["catalog"]["providers"].as_object().unwrap();
    assert!(providers.len() >= 6);
    for (name, p) in providers {
        let image = p["image"].as_str().unwrap();
        let tag = image.rsplit('/').next().unwrap();
        assert!(verified.contains(tag) != unverified.contains(tag), "provider {name}: {tag} must be listed once, as VERIFIED or UNVERIFIED, in the notes");
    }
    for tag in ["messaging-kafka:0.8.0", "blobstore-s3:0.14.0"] {
        assert!(unverified.contains(tag), "{tag} is not confirmed by wasmCloud's repository");
    }
    let decisions = std::fs::read_to_string(support::repo_root().join("docs/decisions.md")).unwrap();
    assert!(decisions.contains("Provider image tags and config keys, and where each was checked"));
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
