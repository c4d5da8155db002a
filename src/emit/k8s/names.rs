//! Names and labels of one deployable's objects (SPEC §4, "Names", "Labels").

use crate::checks::names::{object_name, sanitize_dns1123, MAX_CRONJOB_NAME, MAX_OBJECT_NAME};
use crate::plan::{Deployable, Plan, PlannedCell};
use std::collections::BTreeMap;

pub struct Names {
    /// `<service_id>-<deployable>`: Deployment, Service, HPA, PDB, ServiceAccount, ...
    pub base: String,
    /// `None`: no object names a namespace (kubectl, kustomize or Argo CD decides).
    pub namespace: Option<String>,
    service_id: String,
    deployable: String,
    part_of: String,
    profile: String,
    environment: String,
}

/// Marks pods of the Deployment apart from the deployable's job pods, so that the
/// Service, HPA and PDB select only the long-running pods.
pub const ROLE_LABEL: &str = "x07.io/role";

impl Names {
    pub fn new(plan: &Plan, d: &Deployable) -> Self {
        Names {
            base: dns1035(&object_name(&[&plan.service_id, &d.key], MAX_OBJECT_NAME)),
            namespace: plan.namespace.clone(),
            service_id: plan.service_id.clone(),
            deployable: d.key.clone(),
            part_of: plan.domain_pack.clone(),
            profile: plan.profile.clone(),
            environment: plan.environment.clone(),
        }
    }

    /// The `metadata` of an object built as JSON (CRDs): name, namespace when there is one, labels.
    pub fn metadata_json(&self, name: &str) -> serde_json::Value {
        let mut m = serde_json::json!({ "name": name, "labels": self.labels() });
        if let Some(ns) = &self.namespace {
            m["namespace"] = serde_json::json!(ns);
        }
        m
    }

    /// Names of the service's own objects (binding resources), which belong to no deployable.
    pub fn service(plan: &Plan) -> Self {
        Names {
            base: object_name(&[&plan.service_id], MAX_OBJECT_NAME),
            namespace: plan.namespace.clone(),
            service_id: plan.service_id.clone(),
            deployable: String::new(),
            part_of: plan.domain_pack.clone(),
            profile: plan.profile.clone(),
            environment: plan.environment.clone(),
        }
    }

    /// `<base>-<suffix>`, cut to fit.
    pub fn with(&self, suffix: &str) -> String {
        object_name(&[&self.base, suffix], MAX_OBJECT_NAME)
    }

    pub fn cron_job(&self, cell: &PlannedCell) -> String {
        object_name(&[&self.service_id, &cell.key], MAX_CRONJOB_NAME)
    }

    /// Labels every object and pod template carries.
    pub fn labels(&self) -> BTreeMap<String, String> {
        let mut l = BTreeMap::new();
        l.insert("app.kubernetes.io/name".to_string(), label_value(&self.service_id));
        l.insert("app.kubernetes.io/component".to_string(), label_value(&self.deployable));
        l.insert("app.kubernetes.io/part-of".to_string(), label_value(&self.part_of));
        l.insert("app.kubernetes.io/managed-by".to_string(), "x07-topo".to_string());
        l.insert("x07.io/service-id".to_string(), label_value(&self.service_id));
        l.insert("x07.io/deployable".to_string(), label_value(&self.deployable));
        l.insert("x07.io/profile".to_string(), label_value(&self.profile));
        l.insert("x07.io/environment".to_string(), label_value(&self.environment));
        if self.deployable.is_empty() {
            l.remove("app.kubernetes.io/component");
            l.remove("x07.io/deployable");
        }
        l
    }

    /// Labels of an object that belongs to one cell.
    pub fn cell_labels(&self, cell: &PlannedCell) -> BTreeMap<String, String> {
        let mut l = self.labels();
        l.insert("x07.io/cell-key".to_string(), label_value(&cell.key));
        l.insert("x07.io/cell-kind".to_string(), cell.kind.as_str().to_string());
        l
    }

    /// Every pod of the deployable, its CronJobs' included (a NetworkPolicy's pod selector).
    pub fn pods(&self) -> BTreeMap<String, String> {
        let mut l = self.selector();
        l.remove(ROLE_LABEL);
        l
    }

    /// The selector of the Deployment's pods: stable labels only.
    pub fn selector(&self) -> BTreeMap<String, String> {
        let mut l = BTreeMap::new();
        l.insert("app.kubernetes.io/name".to_string(), label_value(&self.service_id));
        l.insert("app.kubernetes.io/component".to_string(), label_value(&self.deployable));
        l.insert(ROLE_LABEL.to_string(), "process".to_string());
        l
    }
}

/// A label value: at most 63 of `[A-Za-z0-9._-]`, alphanumeric at both ends.
pub fn label_value(s: &str) -> String {
    let mut v: String = s.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' }).collect();
    v.truncate(63);
    v.trim_matches(|c: char| !c.is_ascii_alphanumeric()).to_string()
}

/// Service names must start with a letter (DNS-1035).
fn dns1035(name: &str) -> String {
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        object_name(&["x", name], MAX_OBJECT_NAME)
    } else {
        name.to_string()
    }
}

/// The container name of a cell.
pub fn container(cell: &PlannedCell) -> String {
    let n = sanitize_dns1123(&cell.key);
    if n.len() > MAX_OBJECT_NAME {
        object_name(&[&n], MAX_OBJECT_NAME)
    } else {
        n
    }
}
