//! The `--out DIR` layout and drift detection, as pure functions: the shell reads and
//! writes the files.

use crate::emit::Artifact;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The file in DIR that lists the files x07-topo owns there (and so may replace or prune).
pub const INVENTORY: &str = "x07-topo.inventory.json";
pub const INVENTORY_SCHEMA: &str = "x07.topo.inventory@0.1.0";

#[derive(Debug, Serialize, Deserialize)]
pub struct Inventory {
    pub schema_version: String,
    /// Relative paths, sorted; the inventory itself is not listed.
    pub files: Vec<String>,
}

/// Every file of the output folder: the artifacts, `kustomization.yaml` for Kubernetes
/// output, and the inventory. Path → content.
pub fn layout(artifacts: &[Artifact]) -> BTreeMap<String, String> {
    let mut files: BTreeMap<String, String> = artifacts.iter().map(|a| (a.path.clone(), a.content.clone())).collect();
    let yaml: Vec<&str> = artifacts.iter().filter(|a| a.path.ends_with(".yaml")).map(|a| a.path.as_str()).collect();
    if !yaml.is_empty() {
        let mut k = String::from("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n");
        for path in yaml {
            k.push_str(&format!("- {path}\n"));
        }
        files.insert("kustomization.yaml".to_string(), k);
    }
    let inventory = Inventory { schema_version: INVENTORY_SCHEMA.to_string(), files: files.keys().cloned().collect() };
    let mut text = serde_json::to_string_pretty(&inventory).expect("inventory serialises");
    text.push('\n');
    files.insert(INVENTORY.to_string(), text);
    files
}

/// A path read from an inventory on disk is trusted only if it stays inside DIR.
pub fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains(':')
        && path.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
}

/// The files an old inventory owns, read from its text (unreadable: none).
pub fn owned_files(inventory_text: Option<&str>) -> Vec<String> {
    inventory_text
        .and_then(|t| serde_json::from_str::<Inventory>(t).ok())
        .map(|i| i.files.into_iter().filter(|p| is_safe_relative(p)).collect())
        .unwrap_or_default()
}

/// How a committed folder differs from what would be rendered.
#[derive(Debug, Default)]
pub struct Drift {
    /// Unified diffs, one per differing file, in path order.
    pub diffs: Vec<String>,
    pub changed: Vec<String>,
}

/// Compares the wanted files with the folder's current files (`None`: missing). Files the
/// old inventory owns that are no longer wanted count as drift too (they would be pruned).
pub fn drift(wanted: &BTreeMap<String, String>, current: &BTreeMap<String, Option<String>>, owned: &[String]) -> Drift {
    let mut d = Drift::default();
    let mut paths: Vec<&String> = wanted.keys().chain(owned.iter().filter(|p| !wanted.contains_key(*p))).collect();
    paths.sort();
    paths.dedup();
    for path in paths {
        let want = wanted.get(path).map(String::as_str);
        let have = current.get(path).cloned().flatten();
        if want == have.as_deref() || (want.is_none() && have.is_none()) {
            continue;
        }
        let (old_name, new_name) = (format!("a/{path}"), format!("b/{path}"));
        let text = similar::TextDiff::from_lines(have.as_deref().unwrap_or(""), want.unwrap_or(""))
            .unified_diff()
            .context_radius(3)
            .header(if have.is_some() { &old_name } else { "/dev/null" }, if want.is_some() { &new_name } else { "/dev/null" })
            .to_string();
        d.diffs.push(text);
        d.changed.push(path.clone());
    }
    d
}

/// How a stale file differs: `added` (render would write it), `removed` (render would prune
/// it) or `changed`.
pub fn file_change(path: &str, wanted: &BTreeMap<String, String>, current: &BTreeMap<String, Option<String>>) -> &'static str {
    match (wanted.contains_key(path), current.get(path).is_some_and(Option::is_some)) {
        (true, false) => "added",
        (false, _) => "removed",
        (true, true) => "changed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_inventory_paths_are_ignored() {
        let text = r#"{"schema_version":"x07.topo.inventory@0.1.0","files":["a/b.yaml","../x","/etc/passwd","a//b","c:\\x","ok.yaml"]}"#;
        assert_eq!(owned_files(Some(text)), vec!["a/b.yaml".to_string(), "ok.yaml".to_string()]);
        assert!(owned_files(Some("not json")).is_empty());
    }

    #[test]
    fn drift_reports_changed_missing_and_stale_files() {
        let wanted: BTreeMap<_, _> = [("a.yaml".to_string(), "x: 1\n".to_string()), ("b.yaml".to_string(), "y\n".to_string())].into();
        let current: BTreeMap<_, _> =
            [("a.yaml".to_string(), Some("x: 2\n".to_string())), ("b.yaml".to_string(), None), ("old.yaml".to_string(), Some("z\n".to_string()))].into();
        let d = drift(&wanted, &current, &["old.yaml".to_string(), "b.yaml".to_string()]);
        assert_eq!(d.changed, vec!["a.yaml", "b.yaml", "old.yaml"]);
        assert!(d.diffs[0].contains("-x: 2") && d.diffs[0].contains("+x: 1"));
        assert!(d.diffs[1].starts_with("--- /dev/null"));
        assert!(d.diffs[2].contains("+++ /dev/null"));
        assert!(drift(&wanted, &[("a.yaml".to_string(), Some("x: 1\n".to_string())), ("b.yaml".to_string(), Some("y\n".to_string()))].into(), &[]).changed.is_empty());
    }
}
