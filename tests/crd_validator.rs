//! x07-topo's own validator of CRD schemas (`src/crd/validate.rs`, used for crossplane claims)
//! against the operators' published CRDs in ../shared/schemas/crds/: every custom resource of
//! every golden render passes it (CI's Python validation accepts them too), and each mutated
//! copy (a member the schema does not declare, a wrong type) fails it.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use support::repo_root;
use x07_topo::crd::{self, validate::validate, Crd};

fn published() -> Option<Vec<Crd>> {
    let folder = repo_root().join("../shared/schemas/crds");
    if !folder.is_dir() {
        eprintln!("SKIPPED: {} is absent (CI has ../shared beside the repository)", folder.display());
        return None;
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            out.push(crd::parse(&path.display().to_string(), &std::fs::read(&path).unwrap()).unwrap());
        }
    }
    Some(out)
}

/// Every `_bindings/*.yaml` of the golden renders: (file, object).
fn rendered() -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for case in std::fs::read_dir(repo_root().join("golden")).unwrap() {
        let dir = case.unwrap().path().join("expected/files/_bindings");
        for file in std::fs::read_dir(&dir).into_iter().flatten() {
            let path = file.unwrap().path();
            let v: Value = serde_saphyr::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            out.insert(path.strip_prefix(repo_root()).unwrap().display().to_string(), v);
        }
    }
    out
}

fn check(crd: &Crd, object: &Value) -> Vec<String> {
    let version = object["apiVersion"].as_str().unwrap().split_once('/').unwrap().1;
    let v = crd.versions.iter().find(|v| v.name == version && v.served).expect("a served version");
    validate(v.schema.as_ref().unwrap(), &v.schema_at, object).into_iter().map(|x| format!("{} {} ({})", x.at.join("."), x.message, x.schema_at)).collect()
}

#[test]
fn golden_custom_resources_pass_and_mutations_fail() {
    let Some(crds) = published() else { return };
    let mut checked = 0;
    for (file, object) in rendered() {
        let (api, kind) = (object["apiVersion"].as_str().unwrap(), object["kind"].as_str().unwrap());
        let Some(crd) = crd::find(&crds, api, kind) else { continue };
        let problems = check(crd, &object);
        assert!(problems.is_empty(), "{file} fails the validator:\n  {}", problems.join("\n  "));
        let mut unknown = object.clone();
        unknown["spec"]["x07Misspelt"] = Value::Bool(true);
        assert!(check(crd, &unknown).iter().any(|p| p.contains("x07Misspelt")), "{file}: an unknown spec member passes");
        let mut wrong = object.clone();
        wrong["spec"] = Value::String("not an object".into());
        assert!(!check(crd, &wrong).is_empty(), "{file}: a string spec passes");
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} golden custom resources have a published CRD");
}
