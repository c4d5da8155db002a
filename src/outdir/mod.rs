//! The `--out DIR` folder, as pure functions: its layout and inventory (here), the plan of a
//! render into it (`plan`: every write and prune decided and every path checked before DIR
//! is touched), the journal that makes a render a transaction (`journal`), and drift
//! (`drift`). The shell (`cli::transaction`) reads the folder and carries the plan out.

mod drift;
pub mod journal;
pub mod plan;

pub use drift::{drift, Current, Drift};
pub use journal::Journal;
pub use plan::{plan, Entry, Kind, Problem, Refusal, Snapshot, WritePlan};

use crate::emit::Artifact;
use crate::plan::Plan;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The file in DIR that lists the files x07-topo owns there (and so may replace or prune).
pub const INVENTORY: &str = "x07-topo.inventory.json";
pub const INVENTORY_SCHEMA: &str = "x07.topo.inventory@0.1.0";
/// The lock file a render holds (flock) for its whole run; removed when the run ends.
pub const LOCK: &str = ".x07-topo.lock";
/// The folder a render stages its new files in, created exclusively and removed at the end.
pub const STAGING: &str = ".x07-topo-staging";
/// The longest file or folder name (bytes) the file systems we run on accept (NAME_MAX).
pub const NAME_MAX: usize = 255;

/// Whether a name of DIR's top level belongs to x07-topo's own machinery (lock, staging).
pub fn is_reserved(path: &str) -> bool {
    let top = path.split('/').next().unwrap_or_default();
    top == LOCK || top == STAGING
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Inventory {
    pub schema_version: String,
    /// Who rendered DIR. Absent in inventories of earlier versions (adopted as they are).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Owner>,
    /// Relative paths, sorted; the inventory itself is not listed.
    pub files: Vec<String>,
}

/// Who owns an output folder: the render that wrote it (SPEC §7.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    pub service_id: String,
    pub profile: String,
    pub target_kind: String,
}

impl Owner {
    pub fn of(plan: &Plan) -> Owner {
        Owner { service_id: plan.service_id.clone(), profile: plan.profile.clone(), target_kind: plan.target_kind.as_str().to_string() }
    }

    /// `service `orders`, profile `prod` (k8s)`.
    pub fn describe(&self) -> String {
        format!("service `{}`, profile `{}` ({})", self.service_id, self.profile, self.target_kind)
    }
}

/// Whose files a render may replace and prune: its own owner, and whether it takes over a
/// folder another owner's inventory names (`render --take-over`).
#[derive(Debug, Clone)]
pub struct Claim {
    pub owner: Owner,
    pub take_over: bool,
}

/// An inventory as read from disk: its owner (if it names one) and its safe paths.
pub fn read_inventory(text: &str) -> Option<(Option<Owner>, Vec<String>)> {
    let i: Inventory = serde_json::from_str(text).ok()?;
    Some((i.owner, i.files.into_iter().filter(|p| is_safe_relative(p) && !is_reserved(p)).collect()))
}

/// An inventory read from disk and trusted: it parses, and it lists only paths x07-topo
/// writes ([`is_output_path`]). `Err` names what is wrong; such an inventory (tampered,
/// planted, damaged) is refused, never obeyed (SPEC §7.2).
pub fn trusted_inventory(text: &str) -> Result<(Option<Owner>, Vec<String>), String> {
    let i: Inventory = serde_json::from_str(text).map_err(|_| "it is not an x07-topo inventory (damaged, or not written by x07-topo)".to_string())?;
    if i.schema_version != INVENTORY_SCHEMA {
        return Err(format!("its schema_version `{}` is not {INVENTORY_SCHEMA}", crate::diagnostics::echo(&i.schema_version)));
    }
    if let Some(bad) = i.files.iter().find(|p| !is_output_path(p)) {
        return Err(format!("it lists `{}`, a path x07-topo never writes", crate::diagnostics::echo(bad)));
    }
    Ok((i.owner, i.files))
}

/// The JSON files x07-topo writes, all at DIR's top: the contract documents, the hosted
/// descriptor, the inventory (`topology.preview.<profile>.json` is matched by its prefix).
pub const OUTPUT_JSON_FILES: &[&str] = &["binding.requirements.json", "hosted.deployment.json", INVENTORY];
const PREVIEW_PREFIX: &str = "topology.preview.";

/// Whether x07-topo could have written `path` in DIR: a plain relative path, not its own
/// machinery, with no hidden component (`.git`, `.github`, ...), and either a YAML file or
/// one of the JSON files it writes at DIR's top. Only such paths may be replaced or pruned on
/// an inventory's or a journal's word, so neither can name a repository's manifest, profiles
/// or git files.
pub fn is_output_path(path: &str) -> bool {
    let json = OUTPUT_JSON_FILES.contains(&path) || (path.starts_with(PREVIEW_PREFIX) && path.ends_with(".json") && !path.contains('/'));
    is_safe_relative(path) && !is_reserved(path) && !path.split('/').any(|c| c.starts_with('.')) && (path.ends_with(".yaml") || json)
}

/// Every file of the output folder: the artifacts, `kustomization.yaml` for Kubernetes
/// output, and the inventory naming `owner`. Path → content.
pub fn layout(artifacts: Vec<Artifact>, owner: &Owner) -> BTreeMap<String, String> {
    let mut files = files(artifacts);
    let text = inventory(files.keys(), owner);
    files.insert(INVENTORY.to_string(), text);
    files
}

/// The output folder's files but the inventory: the artifacts and their kustomization.
pub fn files(artifacts: Vec<Artifact>) -> BTreeMap<String, String> {
    let mut kustomization = Kustomization::default();
    // The contents move into the map: the output is held once.
    let mut files = BTreeMap::new();
    for a in artifacts {
        kustomization.add(&a.path);
        files.insert(a.path, a.content);
    }
    files.extend(kustomization.finish());
    files
}

/// `kustomization.yaml`, built as the folder's files arrive: it lists every YAML file, in
/// the order they come; a folder without YAML (a hosted descriptor) has none.
#[derive(Debug, Default)]
pub struct Kustomization {
    resources: String,
}

impl Kustomization {
    pub const PATH: &'static str = "kustomization.yaml";

    pub fn add(&mut self, path: &str) {
        if path.ends_with(".yaml") {
            self.resources.push_str("- ");
            self.resources.push_str(path);
            self.resources.push('\n');
        }
    }

    /// Its path and text, if any file was YAML.
    pub fn finish(self) -> Option<(String, String)> {
        (!self.resources.is_empty()).then(|| (Self::PATH.to_string(), format!("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n{}", self.resources)))
    }
}

/// The inventory's text: `owner` owns `paths` (sorted, without the inventory itself).
pub fn inventory<'p>(paths: impl IntoIterator<Item = &'p String>, owner: &Owner) -> String {
    let inventory = Inventory { schema_version: INVENTORY_SCHEMA.to_string(), owner: Some(owner.clone()), files: paths.into_iter().cloned().collect() };
    let mut text = serde_json::to_string_pretty(&inventory).expect("inventory serialises");
    text.push('\n');
    text
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
    inventory_text.and_then(read_inventory).map(|(_, files)| files).unwrap_or_default()
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
    fn an_inventory_listing_a_path_x07_topo_never_writes_is_refused() {
        let ok = r#"{"schema_version":"x07.topo.inventory@0.1.0","files":["a/b.yaml","binding.requirements.json","topology.preview.prod.json"]}"#;
        assert_eq!(trusted_inventory(ok).unwrap().1.len(), 3);
        for bad in [".git/config", ".git/HEAD", "README.md", "../x.yaml", "a/.hidden.yaml", ".x07-topo-staging/journal.json", "arch/service/index.x07service.json", "arch/topology/prod.json", "package.json"] {
            let text = format!(r#"{{"schema_version":"x07.topo.inventory@0.1.0","files":["a.yaml","{bad}"]}}"#);
            assert!(trusted_inventory(&text).is_err(), "{bad}");
        }
        assert!(trusted_inventory("not json").is_err());
    }
}
