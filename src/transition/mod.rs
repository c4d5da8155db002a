//! Topology changes, classified before they are applied (SPEC §3.2). A pure kernel function:
//! the objects of a deployed side and of a side to apply in, classified changes out. It
//! never looks at how the objects were made, so the emitters know nothing of transitions.
//!
//! Each object is first reduced to its [`Facts`] (a few hashes and the values of the fields
//! the [`immutable`] table names), so comparing two renders of any size holds only those.

pub mod committed;
pub mod immutable;

use immutable::{Effect, When};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The classes of SPEC §3.2, in the order a report lists them (most severe first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// The operator refuses the change.
    Refused,
    /// Deleting the object deletes data.
    DataLoss,
    /// An immutable field changed: the object must be deleted and created again.
    Replace,
    /// For a window no pod serves a cell.
    Availability,
    /// A pod template changed: a rolling restart.
    Rollout,
    /// Anything else: applied to the running object.
    InPlace,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Refused => "refused",
            Class::DataLoss => "data-loss",
            Class::Replace => "replace",
            Class::Availability => "availability",
            Class::Rollout => "rollout",
            Class::InPlace => "in-place",
        }
    }
}

/// One classified change of one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transition {
    pub class: Class,
    pub kind: String,
    pub name: String,
    /// The field (a JSON pointer into the object), `""` for the whole object.
    pub field: &'static str,
    /// Most reasons are fixed text, so they are borrowed: a diff of 30,000 cells has tens of
    /// thousands of rollouts.
    pub reason: Cow<'static, str>,
    /// The safe sequence, for the classes that have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// What classification needs of one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub kind: Box<str>,
    pub name: Box<str>,
    /// The values of the fields the immutability table names for this kind: scalars as they
    /// are, objects and arrays as their compact JSON text (a map per object costs far more).
    immutables: Box<[(&'static str, Value)]>,
    /// Hash of the pod template (`spec.template`, a CronJob's `spec.jobTemplate`).
    template: Option<Digest128>,
    /// Hash of the whole object (with an equal template, a different whole is another change).
    whole: Digest128,
    /// Cells whose processes it runs (Deployment, Rollout) or that it serves (Service, CronJob).
    cells: Box<[Box<str>]>,
    /// Why deleting it deletes data, if it does.
    data: Option<&'static str>,
}

/// The first 128 bits of a SHA-256: plenty to tell two versions of one object apart, and half
/// the memory per object of the whole digest (a diff holds two sides of every object).
type Digest128 = [u8; 16];

/// SHA-256 of a value's JSON, streamed into the hasher (no copy of the text), cut to 128 bits.
fn hash(v: &Value) -> Digest128 {
    let mut h = Sha256::new();
    // Writing into a hasher cannot fail; a value that does not serialise hashes as empty.
    let _ = serde_json::to_writer(&mut h, v);
    let full: [u8; 32] = h.finalize().into();
    let mut cut = [0u8; 16];
    cut.copy_from_slice(&full[..16]);
    cut
}

/// A field's value as the facts keep it: scalars as they are, anything else as compact JSON.
fn kept(v: Option<&Value>) -> Value {
    match v {
        None => Value::Null,
        Some(v @ (Value::Array(_) | Value::Object(_))) => Value::String(v.to_string()),
        Some(v) => v.clone(),
    }
}

impl Facts {
    /// The facts of one Kubernetes object (anything with `kind` and `metadata.name`).
    pub fn of(value: &Value) -> Option<Facts> {
        let kind: Box<str> = value.get("kind")?.as_str()?.into();
        let name: Box<str> = value.pointer("/metadata/name")?.as_str()?.into();
        let template_at = match &*kind {
            "Deployment" | "Rollout" | "Job" => Some("/spec/template"),
            "CronJob" => Some("/spec/jobTemplate"),
            _ => None,
        };
        let template = template_at.and_then(|p| value.pointer(p)).map(hash);
        let immutables = immutable::RULES
            .iter()
            .filter(|r| r.kind == &*kind)
            .map(|r| (r.pointer, kept(value.pointer(r.pointer))))
            .collect();
        let mut cells = Vec::new();
        if let Some(t) = template_at.and_then(|p| value.pointer(p)) {
            let containers = t.pointer("/spec/containers").or_else(|| t.pointer("/spec/template/spec/containers"));
            for c in containers.and_then(Value::as_array).into_iter().flatten() {
                for e in c.get("env").and_then(Value::as_array).into_iter().flatten() {
                    if e.get("name").and_then(Value::as_str) == Some("X07_WORKLOAD_CELL_KEY") {
                        cells.extend(e.get("value").and_then(Value::as_str).map(Box::<str>::from));
                    }
                }
            }
        } else if &*kind == "Service" {
            cells.extend(value.pointer("/metadata/labels/x07.io~1cell-key").and_then(Value::as_str).map(Box::<str>::from));
        }
        let data = immutable::DATA_BEARING.iter().find(|d| d.kind == &*kind && (d.applies)(value)).map(|d| d.why);
        Some(Facts { kind, name, immutables, template, whole: hash(value), cells: cells.into_boxed_slice(), data })
    }
}

/// Every change between the objects of `deployed` and those of `applied`, classified, in a
/// fixed order (class, kind, name, field). Linear in the objects (one index per side).
pub fn classify<'a>(deployed: &'a [Facts], applied: &'a [Facts]) -> Vec<Transition> {
    let key = |f: &'a Facts| (&*f.kind, &*f.name);
    let new: BTreeMap<(&str, &str), &Facts> = applied.iter().map(|f| (key(f), f)).collect();
    let old: BTreeMap<(&str, &str), &Facts> = deployed.iter().map(|f| (key(f), f)).collect();
    let mut out = Vec::new();
    let t = |class, f: &Facts, field: &'static str, reason: Cow<'static, str>, hint: Option<String>| Transition { class, kind: f.kind.to_string(), name: f.name.to_string(), field, reason, hint };
    for (k, a) in &old {
        let Some(b) = new.get(k) else {
            match a.data {
                Some(why) => out.push(t(
                    Class::DataLoss,
                    a,
                    "",
                    format!("removed: {why}").into(),
                    Some(format!("keep the binding (and its {}) until its data is moved: add the new binding, move the consumers, then remove the old one", a.kind)),
                )),
                None => out.push(t(Class::InPlace, a, "", "deleted".into(), None)),
            }
            continue;
        };
        let mut immutable_change = false;
        for ((pointer, va), (_, vb)) in a.immutables.iter().zip(&b.immutables) {
            let Some(rule) = immutable::RULES.iter().find(|r| r.kind == &*a.kind && r.pointer == *pointer) else { continue };
            if rule.when.holds(va, vb) {
                immutable_change = true;
                let class = match rule.effect {
                    Effect::Replace => Class::Replace,
                    Effect::Refused => Class::Refused,
                };
                out.push(t(class, a, pointer, format!("{} ({} -> {}): {}", rule.what, show(va), show(vb), rule.source).into(), Some(rule.hint.to_string())));
            }
        }
        if immutable_change {
            continue;
        }
        if a.template != b.template && &*a.kind == "CronJob" {
            // A CronJob's template only shapes the Jobs it starts from now on.
            out.push(t(Class::InPlace, a, "/spec/jobTemplate", "the job template changes: runs from now on use it".into(), None));
        } else if a.template != b.template {
            out.push(t(Class::Rollout, a, "/spec/template", "the pod template changes: pods are replaced by a rolling update".into(), None));
        } else if a.whole != b.whole {
            out.push(t(Class::InPlace, a, "", "updated in place".into(), None));
        }
    }
    for (k, b) in &new {
        if !old.contains_key(k) {
            out.push(t(Class::InPlace, b, "", "created".into(), None));
        }
    }
    // A cell whose host workload changes name is served by neither while the old pods stop
    // and the new ones start in the same apply.
    let (before, after) = (hosts(deployed), hosts(applied));
    for (cell, a) in &before {
        if let Some(b) = after.get(cell).filter(|b| (&b.kind, &b.name) != (&a.kind, &a.name)) {
            out.push(t(
                Class::Availability,
                a,
                "/spec/template/spec/containers",
                format!("cell `{cell}` moves from {} {} to {} {}: for a while no pod may serve it", a.kind, a.name, b.kind, b.name).into(),
                Some(format!(
                    "create before you prune: apply the new objects, wait until {} {} is ready (`kubectl rollout status`), then prune {} {} (Argo CD: sync option PruneLast=true); meanwhile both run the cell, and its Service (if it has one) selects the cell label both pod templates carry",
                    b.kind, b.name, a.kind, a.name
                )),
            ));
        }
    }
    out.sort_by(|x, y| (x.class, &x.kind, &x.name, &x.field).cmp(&(y.class, &y.kind, &y.name, &y.field)));
    out
}

/// Cell → the workload (Deployment or Rollout) that runs it, first by kind and name.
fn hosts(side: &[Facts]) -> BTreeMap<&str, &Facts> {
    let mut m: BTreeMap<&str, &Facts> = BTreeMap::new();
    for f in side.iter().filter(|f| matches!(&*f.kind, "Deployment" | "Rollout")) {
        for c in &f.cells {
            let e = m.entry(&**c).or_insert(f);
            if (&f.kind, &f.name) < (&e.kind, &e.name) {
                *e = f;
            }
        }
    }
    m
}

/// The transitions for people, grouped by class under `heading` ("if A were deployed and B
/// applied"). Plain in-place updates (labels, scaling, settings) are counted, not listed.
pub fn text(heading: &str, transitions: &[Transition]) -> String {
    if transitions.is_empty() {
        return format!("\n{heading}: no Kubernetes object changes\n");
    }
    let plain = |t: &Transition| t.class == Class::InPlace && t.reason == "updated in place";
    let mut out = format!("\n{heading} ({} object change(s)):\n", transitions.len());
    let mut class = None;
    for t in transitions.iter().filter(|t| !plain(t)) {
        if class != Some(t.class) {
            class = Some(t.class);
            out.push_str(&format!("  {}:\n", t.class.as_str()));
        }
        let field = if t.field.is_empty() { String::new() } else { format!(" {}", t.field) };
        out.push_str(&format!("    {} {}{field}: {}\n", crate::escape::line(&t.kind), crate::escape::line(&t.name), crate::escape::line(&t.reason)));
        if let Some(h) = &t.hint {
            out.push_str(&format!("      hint: {h}\n"));
        }
    }
    let updated = transitions.iter().filter(|t| plain(t)).count();
    if updated > 0 {
        out.push_str(&format!("  ({updated} more object(s) updated in place: labels, scaling, settings)\n"));
    }
    out
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "unset".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl When {
    fn holds(self, a: &Value, b: &Value) -> bool {
        match self {
            When::Changed => a != b,
            When::Decreased => matches!((a.as_i64(), b.as_i64()), (Some(x), Some(y)) if y < x),
            When::Shrunk => match (a.as_str().and_then(|s| crate::checks::quantity::parse_quantity(s).ok()), b.as_str().and_then(|s| crate::checks::quantity::parse_quantity(s).ok())) {
                (Some(x), Some(y)) => y.value < x.value,
                _ => false,
            },
            When::ExternalName => a != b && (a.as_str() == Some("ExternalName") || b.as_str() == Some("ExternalName")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn topic(partitions: i64) -> Value {
        json!({"apiVersion": "kafka.strimzi.io/v1", "kind": "KafkaTopic", "metadata": {"name": "orders.created"}, "spec": {"partitions": partitions, "replicas": 3}})
    }

    fn deployment(name: &str, cells: &[&str], selector: &str) -> Value {
        let containers: Vec<Value> = cells.iter().map(|c| json!({"name": c, "env": [{"name": "X07_WORKLOAD_CELL_KEY", "value": c}]})).collect();
        json!({"kind": "Deployment", "metadata": {"name": name}, "spec": {"selector": {"matchLabels": {"app.kubernetes.io/component": selector}}, "template": {"spec": {"containers": containers}}}})
    }

    fn run(a: &[Value], b: &[Value]) -> Vec<Transition> {
        let f = |xs: &[Value]| xs.iter().filter_map(Facts::of).collect::<Vec<_>>();
        classify(&f(a), &f(b))
    }

    #[test]
    fn partitions_decreased_is_refused_and_increased_in_place() {
        let t = run(&[topic(12)], &[topic(6)]);
        assert_eq!((t[0].class, t[0].field), (Class::Refused, "/spec/partitions"), "{t:?}");
        let t = run(&[topic(6)], &[topic(12)]);
        assert_eq!(t.iter().map(|t| t.class).collect::<Vec<_>>(), vec![Class::InPlace]);
    }

    #[test]
    fn removed_topic_is_data_loss() {
        let t = run(&[topic(12)], &[]);
        assert_eq!(t[0].class, Class::DataLoss);
        assert!(t[0].hint.as_deref().unwrap_or_default().contains("add the new binding"));
    }

    #[test]
    fn selector_change_is_replace() {
        let t = run(&[deployment("orders-main", &["api"], "main")], &[deployment("orders-main", &["api"], "other")]);
        assert_eq!((t[0].class, t[0].field), (Class::Replace, "/spec/selector"), "{t:?}");
    }

    #[test]
    fn a_cell_moving_between_deployables_is_availability() {
        let a = [deployment("orders-main", &["api", "events"], "main")];
        let b = [deployment("orders-frontdoor", &["api"], "frontdoor"), deployment("orders-async", &["events"], "async")];
        let t = run(&a, &b);
        let av: Vec<&str> = t.iter().filter(|t| t.class == Class::Availability).map(|t| &*t.reason).collect();
        assert_eq!(av.len(), 2, "{t:?}");
        assert!(av[0].contains("`api` moves from Deployment orders-main to Deployment orders-frontdoor"), "{av:?}");
        // Nothing changed, nothing reported.
        assert!(run(&a, &a).is_empty());
    }

    #[test]
    fn a_template_change_is_a_rollout() {
        let t = run(&[deployment("d", &["api"], "d")], &[deployment("d", &["api", "events"], "d")]);
        assert_eq!(t.iter().map(|t| t.class).collect::<Vec<_>>(), vec![Class::Rollout], "{t:?}");
    }
}
