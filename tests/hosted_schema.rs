//! The hosted descriptor and the X07 contract documents against their schemas (SPEC §6):
//! every golden `hosted.deployment.json` must validate against the schema
//! `x07-topo schema hosted` prints (Draft 2020-12), and every golden contract document
//! against the shared schemas in `../shared/schemas/x07-contracts/` when that folder is
//! beside the repository (CI also checks them with Python's `jsonschema`).

mod support;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use support::{golden_cases, repo_root, Test};

/// A compiled schema, ready to validate instances.
struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Validator {
    fn new(name: &str, schema: Value) -> Self {
        let mut compiler = boon::Compiler::new();
        compiler.set_default_draft(boon::Draft::V2020_12);
        let url = format!("urn:x07-topo:{name}");
        compiler.add_resource(&url, schema).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut schemas = boon::Schemas::new();
        let index = compiler.compile(&url, &mut schemas).unwrap_or_else(|e| panic!("{name} does not compile: {e:#}"));
        Validator { schemas, index }
    }

    fn problems(&self, instance: &Value) -> Option<String> {
        self.schemas.validate(instance, self.index).err().map(|e| format!("{e:#}"))
    }
}

fn hosted_validator() -> Validator {
    let out = Test::new().args(&["schema", "hosted"]).expect(0);
    let schema: Value = serde_json::from_str(&out.stdout).expect("schema hosted prints JSON");
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(schema["title"], "x07.hosted.deployment@0.1.0");
    Validator::new("hosted", schema)
}

/// Every golden output file whose file name satisfies `matches`.
fn golden_files(matches: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for case in golden_cases() {
        let files = repo_root().join("golden").join(&case).join("expected/files");
        for f in support::list_files(&files) {
            let name = f.rsplit('/').next().unwrap_or(&f).to_string();
            if matches(&name) {
                out.push(files.join(f));
            }
        }
    }
    out
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn golden_hosted_descriptors_validate_against_the_printed_schema() {
    let validator = hosted_validator();
    let files = golden_files(|n| n == "hosted.deployment.json");
    assert!(files.len() >= 4, "expected the hosted golden cases, found {files:?}");
    let failures: Vec<String> = files.iter().filter_map(|f| validator.problems(&read_json(f)).map(|p| format!("{}: {p}", f.display()))).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_hosted_schema_rejects_broken_descriptors() {
    let validator = hosted_validator();
    let good = read_json(&golden_files(|n| n == "hosted.deployment.json")[0]);
    assert!(validator.problems(&good).is_none());
    type Breakage = Box<dyn Fn(&mut Value)>;
    let breakages: Vec<(&str, Breakage)> = vec![
        ("unknown member", Box::new(|d| d["surprise"] = json!(1))),
        ("wrong schema_version", Box::new(|d| d["schema_version"] = json!("x07.hosted.deployment@9"))),
        ("unknown scaling mode", Box::new(|d| d["deployables"][0]["scaling"]["mode"] = json!("elastic"))),
        ("unknown materialisation", Box::new(|d| d["bindings"][0]["materialisation"] = json!({"mode": "inline", "provider_kind": "x"}))),
        ("a secret value", Box::new(|d| d["bindings"][0]["materialisation"]["password"] = json!("hunter2"))),
        ("missing cells", Box::new(|d| drop(d["deployables"][0].as_object_mut().unwrap().remove("cells")))),
    ];
    for (what, breakage) in breakages {
        let mut bad = good.clone();
        breakage(&mut bad);
        assert!(validator.problems(&bad).is_some(), "the schema accepted a descriptor with {what}");
    }
}

fn contracts_dir() -> Option<PathBuf> {
    let dir = repo_root().join("../shared/schemas/x07-contracts");
    dir.is_dir().then_some(dir)
}

#[test]
fn golden_contract_documents_validate_against_the_shared_schemas() {
    let Some(dir) = contracts_dir() else {
        eprintln!("../shared/schemas/x07-contracts is absent: contract schemas not checked here");
        return;
    };
    let preview = Validator::new("preview", read_json(&dir.join("lp.topology.preview.result.schema.json")));
    let requirements = Validator::new("requirements", read_json(&dir.join("lp.binding.requirements.result.schema.json")));
    let previews = golden_files(|n| n.starts_with("topology.preview.") && n.ends_with(".json"));
    let reqs = golden_files(|n| n == "binding.requirements.json");
    assert!(previews.len() >= 8 && reqs.len() == previews.len(), "{} previews, {} requirements", previews.len(), reqs.len());
    let mut failures = Vec::new();
    for (validator, files) in [(&preview, &previews), (&requirements, &reqs)] {
        for f in files {
            let doc = read_json(f);
            failures.extend(validator.problems(&doc).map(|p| format!("{}: {p}", f.display())));
            if doc["generated_unix_ms"] != json!(0) {
                failures.push(format!("{}: generated_unix_ms is not 0", f.display()));
            }
        }
    }
    for f in &previews {
        let groups = read_json(f)["groups"].as_array().cloned().unwrap_or_default();
        let keys: Vec<&str> = groups.iter().filter_map(|g| g["group_key"].as_str()).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        if keys != sorted {
            failures.push(format!("{}: groups are not sorted: {keys:?}", f.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Negative control: upstream's `mixed` is not a runtime class.
    let mut mixed = read_json(&previews[0]);
    mixed["groups"][0]["runtime_class"] = json!("mixed");
    assert!(preview.problems(&mixed).is_some(), "the preview schema accepted `mixed`");
}
