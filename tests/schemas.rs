//! The printed JSON Schemas are committed under `schemas/` (with a SchemaStore-style
//! `catalog.json`) so editors can complete input files; this keeps the files in step with
//! `x07-topo schema KIND` (`UPDATE_GOLDEN=1 cargo test --test schemas` rewrites them), and
//! the catalog in step with the schemas' `$id`s.

mod support;

use serde_json::Value;
use support::{repo_root, Test};

const KINDS: &[(&str, &str)] = &[
    ("manifest", "x07.service.manifest@0.1.0"),
    ("profile", "x07.topology.profile@0.1.0"),
    ("target", "x07.topo.target@0.1.0"),
    ("hosted", "x07.hosted.deployment@0.1.0"),
];

#[test]
fn committed_schemas_are_what_the_binary_prints() {
    let bless = std::env::var_os("UPDATE_GOLDEN").is_some();
    for (kind, version) in KINDS {
        let printed = Test::new().args(&["schema", kind]).expect(0).stdout;
        let schema: Value = serde_json::from_str(&printed).unwrap();
        assert_eq!(schema["$id"], format!("https://schemas.x07.dev/x07-topo/{version}.json"), "{kind}");
        let path = repo_root().join("schemas").join(format!("{version}.json"));
        if bless {
            std::fs::write(&path, &printed).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(committed == printed, "{} is stale: UPDATE_GOLDEN=1 cargo test --test schemas\n{}", path.display(), support::diff(&committed, &printed));
        // The input formats let a document name its schema.
        if *kind != "hosted" {
            assert_eq!(schema["properties"]["$schema"]["type"], "string", "{kind}");
        }
    }
}

#[test]
fn the_catalog_names_every_schema_by_its_id_with_the_conventional_paths() {
    let catalog: Value = serde_json::from_str(&std::fs::read_to_string(repo_root().join("schemas/catalog.json")).unwrap()).unwrap();
    let entries = catalog["schemas"].as_array().unwrap();
    assert_eq!(entries.len(), KINDS.len());
    for (_, version) in KINDS {
        let url = format!("https://schemas.x07.dev/x07-topo/{version}.json");
        assert!(entries.iter().any(|e| e["url"] == url.as_str()), "the catalog has no entry for {url}");
        assert!(repo_root().join("schemas").join(format!("{version}.json")).is_file(), "schemas/{version}.json is missing");
    }
    let matches = |version: &str| -> Vec<String> {
        let e = entries.iter().find(|e| e["url"].as_str().unwrap().contains(version)).unwrap();
        e["fileMatch"].as_array().map(|m| m.iter().map(|p| p.as_str().unwrap().to_string()).collect()).unwrap_or_default()
    };
    assert_eq!(matches("x07.service.manifest"), ["**/arch/service/index.x07service.json"]);
    assert_eq!(matches("x07.topology.profile"), ["**/arch/topology/*.json"]);
}

#[test]
fn a_schema_member_must_be_a_string() {
    let t = Test::from_case("check-ok-editor-schema");
    let path = t.path().join("arch/service/index.x07service.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let first = text.lines().nth(1).unwrap().to_string();
    std::fs::write(&path, text.replacen(&first, "  \"$schema\": 7,", 1)).unwrap();
    let out = t.expect_args(&["check", "--profile", "arch/topology/prod.json", "--format", "json"], 1);
    let report = support::json_report(&out);
    let d = &report["diagnostics"][0];
    assert_eq!((d["code"].as_str(), d["pointer"].as_str()), (Some("XT006"), Some("/$schema")), "{report:#}");
}
