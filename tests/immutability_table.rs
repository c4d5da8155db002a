//! The operators' immutable fields in `src/transition/immutable.rs` are the ones their CRDs in
//! `../shared/schemas/crds/` declare with `x-kubernetes-validations` `self == oldSelf`, for
//! the kinds x07-topo emits (read with PyYAML, as tests/yaml11.rs does; skipped without it).

use std::collections::BTreeSet;
use std::process::{Command, Stdio};

const READ: &str = r#"
import sys, yaml
crd = yaml.safe_load(open(sys.argv[1]))
out = set()
def walk(node, path):
    if not isinstance(node, dict):
        return
    for v in node.get("x-kubernetes-validations", []) or []:
        if v.get("rule", "").replace(" ", "") == "self==oldSelf":
            out.add(path)
    for name, child in (node.get("properties") or {}).items():
        walk(child, path + "/" + name)
for version in crd["spec"]["versions"]:
    if version.get("served"):
        walk(version["schema"]["openAPIV3Schema"], "")
print("\n".join(sorted(out)))
"#;

fn declared(file: &str) -> Option<BTreeSet<String>> {
    let path = format!("{}/../shared/schemas/crds/{file}", env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3").args(["-c", READ, &path]).stderr(Stdio::inherit()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect())
}

#[test]
fn operator_rules_are_the_crds_declared_immutable_fields() {
    let Some(probe) = Command::new("python3").args(["-c", "import yaml"]).status().ok() else { return };
    if !probe.success() {
        eprintln!("skipped: python3 with PyYAML is not available");
        return;
    }
    for (file, kind) in [("postgresql.cnpg.io_databases.yaml", "Database"), ("argoproj.io_rollouts.yaml", "Rollout")] {
        let crd = declared(file).unwrap_or_else(|| panic!("{file} could not be read"));
        assert!(!crd.is_empty(), "{file} declares no immutable field: the reader is broken");
        let table: BTreeSet<String> = x07_topo::transition::immutable::RULES.iter().filter(|r| r.kind == kind).map(|r| r.pointer.to_string()).collect();
        assert_eq!(table, crd, "the table's immutable fields of {kind} differ from what {file} declares");
    }
}
