//! A cell's identity does not depend on its placement (SPEC §3.1): every golden manifest that
//! renders for Kubernetes under `single`, `co-located` and `split-by-cell` gives the same
//! Services, routes, Leases and CronJobs (kind and name) under all three, and each cell's
//! Service selects exactly the pods of the Deployment that hosts the cell: no other
//! Deployment's pods and no job pods.

mod support;

use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use support::{golden_cases, golden_manifest, json_report, Test, MANIFEST_PATH};

const PLACEMENTS: [&str; 3] = ["single", "co-located", "split-by-cell"];
/// Kinds named after cells or bindings, never after deployables.
const CELL_KINDS: [&str; 5] = ["Service", "Ingress", "HTTPRoute", "Lease", "CronJob"];

/// The documents of `render --out -` under each placement, or `None` if one does not render.
fn render_each(manifest: &Value) -> Option<Vec<(String, Vec<Value>)>> {
    let mut m = manifest.clone();
    m["topology_profiles"] = Value::Array(PLACEMENTS.iter().map(|p| json!({ "id": format!("p-{p}"), "target_kind": "k8s", "placement": p })).collect());
    let t = Test::new().file(MANIFEST_PATH, &serde_json::to_string_pretty(&m).unwrap());
    let mut out = Vec::new();
    for p in PLACEMENTS {
        let run = t.run_args(&["render", "--profile", &format!("p-{p}"), "--image", "ghcr.io/acme/app:1", "--format", "json"]);
        if run.code != 0 {
            return None;
        }
        let report = json_report(&run);
        out.push((p.to_string(), report["result"]["documents"].as_array().cloned().unwrap_or_default()));
    }
    Some(out)
}

/// A work lease `<service>-<cell>-lease-<i>` as its pool: the pool has one lease per replica
/// the hosting deployable can reach, so its size follows the placement; its name does not.
fn pool(name: &str) -> String {
    match name.rsplit_once("-lease-") {
        Some((pool, i)) if !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()) => format!("{pool}-lease-*"),
        _ => name.to_string(),
    }
}

fn labels(v: &Value) -> BTreeMap<String, String> {
    v.as_object().map(|o| o.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect()).unwrap_or_default()
}

fn selects(selector: &BTreeMap<String, String>, pod: &BTreeMap<String, String>) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| pod.get(k) == Some(v))
}

fn check(name: &str, rendered: &[(String, Vec<Value>)]) -> usize {
    let mut services = 0;
    let named = |docs: &[Value]| -> BTreeSet<(String, String)> {
        docs.iter()
            .filter(|d| CELL_KINDS.contains(&d["kind"].as_str().unwrap_or_default()))
            .map(|d| (d["kind"].as_str().unwrap().to_string(), pool(d["metadata"]["name"].as_str().unwrap())))
            .collect()
    };
    let (first, first_docs) = &rendered[0];
    for (p, docs) in &rendered[1..] {
        assert_eq!(named(first_docs), named(docs), "{name}: objects named after cells differ between {first} and {p}");
    }
    for (p, docs) in rendered {
        // Pod templates: each Deployment's, with its container names; each CronJob's.
        let mut pods: Vec<(String, BTreeMap<String, String>, BTreeSet<String>)> = Vec::new();
        for d in docs {
            let template = match d["kind"].as_str() {
                Some("Deployment") => &d["spec"]["template"],
                Some("CronJob") => &d["spec"]["jobTemplate"]["spec"]["template"],
                _ => continue,
            };
            let containers = template["spec"]["containers"].as_array().into_iter().flatten().filter_map(|c| c["name"].as_str().map(str::to_string)).collect();
            pods.push((format!("{} {}", d["kind"].as_str().unwrap(), d["metadata"]["name"].as_str().unwrap()), labels(&template["metadata"]["labels"]), containers));
        }
        for svc in docs.iter().filter(|d| d["kind"] == "Service") {
            let cell = svc["metadata"]["labels"]["x07.io/cell-key"].as_str().unwrap_or_else(|| panic!("{name} {p}: Service without a cell-key label"));
            let selector = labels(&svc["spec"]["selector"]);
            let selected: Vec<&(String, BTreeMap<String, String>, BTreeSet<String>)> = pods.iter().filter(|(_, l, _)| selects(&selector, l)).collect();
            // The Deployment whose pods run the cell's container (cell keys are container names here).
            let hosts: Vec<&String> = pods.iter().filter(|(w, _, cs)| w.starts_with("Deployment ") && cs.contains(cell)).map(|(w, _, _)| w).collect();
            assert_eq!(hosts.len(), 1, "{name} {p}: cell {cell} runs in {hosts:?}");
            let names: Vec<&String> = selected.iter().map(|(w, _, _)| w).collect();
            assert_eq!(names, hosts, "{name} {p}: Service {} selects {names:?}, its cell runs in {hosts:?}", svc["metadata"]["name"]);
            services += 1;
        }
    }
    services
}

#[test]
fn cells_keep_their_names_across_placements_and_services_select_their_host() {
    let mut seen = BTreeSet::new();
    let (mut manifests, mut services) = (0, 0);
    for case in golden_cases() {
        let Some(bytes) = golden_manifest(&case) else { continue };
        if !seen.insert(bytes.clone()) {
            continue;
        }
        let Ok(manifest) = serde_json::from_slice::<Value>(&bytes) else { continue };
        // Cell keys that are not already container names would need the same sanitising here.
        let plain = manifest["cells"].as_array().is_some_and(|cs| {
            cs.iter().all(|c| c["cell_key"].as_str().is_some_and(|k| !k.is_empty() && k.len() <= 40 && k.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')))
        });
        if !plain {
            continue;
        }
        let Some(rendered) = render_each(&manifest) else { continue };
        manifests += 1;
        services += check(&case, &rendered);
    }
    assert!(manifests >= 15, "only {manifests} golden manifests rendered under every placement");
    assert!(services >= 30, "only {services} Services were checked");
}
