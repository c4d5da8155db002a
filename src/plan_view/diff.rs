//! The structural diff of two topologies of one manifest (SPEC §7): deployables added or
//! removed, cells moved, and changes in scaling, replicas, exposure, probes, rollout, images,
//! target and binding resolution. Compares two [`PlanView`]s, so a diff says things exactly
//! as `plan` does.

use super::text::{self, wrap, WIDTH};
use super::{CellView, DeployableView, PlanView};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// `added`, `removed`, `moved` or `changed`.
    pub change: &'static str,
    /// `profile`, `service`, `deployable`, `cell` or `binding`.
    pub subject: &'static str,
    pub name: String,
    /// What changed (`deployable`, `scaling`, `replicas`, `exposure`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    /// For a deployable whose cells came from another deployable: that one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_deployable: Option<String>,
    /// The cells a deployable change concerns, when not simply all of them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<String>,
    pub from: Value,
    pub to: Value,
    #[serde(skip)]
    pub from_text: String,
    #[serde(skip)]
    pub to_text: String,
}

impl Change {
    fn new(change: &'static str, subject: &'static str, name: &str) -> Change {
        Change {
            change,
            subject,
            name: name.to_string(),
            field: None,
            from_deployable: None,
            cells: Vec::new(),
            from: Value::Null,
            to: Value::Null,
            from_text: String::new(),
            to_text: String::new(),
        }
    }

    fn field(mut self, field: &'static str, from: (Value, String), to: (Value, String)) -> Change {
        self.field = Some(field);
        (self.from, self.from_text) = from;
        (self.to, self.to_text) = to;
        self
    }
}

fn val<T: Serialize>(v: T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Every difference between topology `a` and topology `b`, in a fixed order: profile,
/// deployables removed and added, cells moved, per deployable, per cell, per binding.
pub fn diff(a: &PlanView, b: &PlanView) -> Vec<Change> {
    let mut out = Vec::new();
    let profile_fields: [(&'static str, Value, Value); 5] = [
        ("target_kind", val(a.target_kind), val(b.target_kind)),
        ("placement", val(a.placement), val(b.placement)),
        ("target", val(&a.target), val(&b.target)),
        ("environment", val(&a.environment), val(&b.environment)),
        ("namespace", val(&a.namespace), val(&b.namespace)),
    ];
    for (field, from, to) in profile_fields {
        if from != to {
            let (ft, tt) = (plain(&from), plain(&to));
            out.push(Change::new("changed", "profile", field).field(field, (from, ft), (to, tt)));
        }
    }
    // What running it costs: pods and requested cpu and memory at minimum and maximum scale.
    if a.footprint != b.footprint {
        let t = |f: &crate::plan::footprint::FootprintView| crate::plan::footprint::text(f);
        out.push(Change::new("changed", "service", &a.service_id).field("footprint", (val(&a.footprint), t(&a.footprint)), (val(&b.footprint), t(&b.footprint))));
    }
    let keys = |v: &PlanView| v.deployables.iter().map(|d| d.key.clone()).collect::<BTreeSet<_>>();
    let (a_keys, b_keys) = (keys(a), keys(b));
    for (change, list, other_keys) in [("removed", &a.deployables, &b_keys), ("added", &b.deployables, &a_keys)] {
        for d in list.iter().filter(|d| !other_keys.contains(&d.key)) {
            let cells: Vec<String> = d.cells.iter().map(|c| c.key.clone()).collect();
            let mut c = Change::new(change, "deployable", &d.key);
            c.cells = cells;
            out.push(c);
        }
    }
    let mut cell_keys: Vec<&str> = a.deployables.iter().flat_map(|d| d.cells.iter().map(|c| c.key.as_str())).collect();
    cell_keys.sort_unstable();
    let pairs: Vec<(&str, &DeployableView, &CellView, &DeployableView, &CellView)> =
        cell_keys.iter().filter_map(|k| Some((*k, a.cell(k)?, b.cell(k)?))).map(|(k, (da, ca), (db, cb))| (k, da, ca, db, cb)).collect();
    for (key, da, _, db, _) in &pairs {
        if da.key != db.key {
            let ch = Change::new("moved", "cell", key).field("deployable", (val(&da.key), da.key.clone()), (val(&db.key), db.key.clone()));
            out.push(ch);
        }
    }
    // Deployable-level settings, once per (deployable in a, deployable in b) that share cells,
    // in the order the pairs first appear; the shared cells of each pair, found in one pass.
    let mut shared_by: BTreeMap<(&str, &str), (Vec<String>, bool)> = BTreeMap::new();
    let mut order: Vec<(&DeployableView, &DeployableView)> = Vec::new();
    for (key, da, ca, db, _) in &pairs {
        let entry = shared_by.entry((da.key.as_str(), db.key.as_str())).or_insert_with(|| {
            order.push((da, db));
            (Vec::new(), false)
        });
        entry.0.push(key.to_string());
        entry.1 |= ca.role == crate::plan::CellRole::Process;
    }
    for (da, db) in order {
        let (shared, runs_processes) = &shared_by[&(da.key.as_str(), db.key.as_str())];
        let runs_processes = *runs_processes;
        let all_of_b = shared.len() == db.cells.len() && da.key == db.key;
        let base = || {
            let mut c = Change::new("changed", "deployable", &db.key);
            c.from_deployable = (da.key != db.key).then(|| da.key.clone());
            c.cells = if all_of_b { Vec::new() } else { shared.clone() };
            c
        };
        if da.image != db.image {
            out.push(base().field("image", (val(&da.image), text::image(da)), (val(&db.image), text::image(db))));
        }
        if runs_processes {
            if da.scaling != db.scaling {
                let replicas_only = matches!((&da.scaling, &db.scaling), (Some(x), Some(y)) if x.mode == "fixed" && y.mode == "fixed");
                let field = if replicas_only { "replicas" } else { "scaling" };
                out.push(base().field(field, (val(&da.scaling), text::scaling(da.scaling.as_ref())), (val(&db.scaling), text::scaling(db.scaling.as_ref()))));
            }
            if da.rollout != db.rollout {
                out.push(base().field("rollout", (val(&da.rollout), text::rollout(da.rollout.as_ref())), (val(&db.rollout), text::rollout(db.rollout.as_ref()))));
            }
        }
    }
    for (key, _, ca, _, cb) in &pairs {
        let cell = || Change::new("changed", "cell", key);
        if ca.exposure != cb.exposure {
            out.push(cell().field("exposure", (val(&ca.exposure), text::exposure(ca.exposure.as_deref())), (val(&cb.exposure), text::exposure(cb.exposure.as_deref()))));
        }
        if ca.probes != cb.probes {
            out.push(cell().field("probes", (val(&ca.probes), text::probes(ca.probes.as_deref())), (val(&cb.probes), text::probes(cb.probes.as_deref()))));
        }
        if ca.resources != cb.resources {
            let (fa, fb) = (val(&ca.resources), val(&cb.resources));
            let (ta, tb) = (plain(&fa), plain(&fb));
            out.push(cell().field("resources", (fa, ta), (fb, tb)));
        }
        if ca.env != cb.env {
            out.push(cell().field("env", (val(&ca.env), text::key_values(&ca.env)), (val(&cb.env), text::key_values(&cb.env))));
        }
        if ca.parity != cb.parity {
            let t = |p: &[String]| if p.is_empty() { "none".to_string() } else { p.join("; ") };
            out.push(cell().field("parity", (val(&ca.parity), t(&ca.parity)), (val(&cb.parity), t(&cb.parity))));
        }
    }
    let b_bindings: BTreeMap<&str, &super::BindingView> = b.bindings.iter().rev().map(|x| (x.name.as_str(), x)).collect();
    for ba in &a.bindings {
        let Some(bb) = b_bindings.get(ba.name.as_str()).copied() else { continue };
        // Where a rule is written (each profile is its own file) is not a change; which rule
        // and provider decide, and what they materialise, is.
        let same_rule = ba.resolved_by.rule == bb.resolved_by.rule && ba.resolved_by.provider == bb.resolved_by.provider;
        if !same_rule || ba.materialisation != bb.materialisation {
            let side = |x: &super::BindingView| {
                (json!({ "resolved_by": x.resolved_by, "materialisation": x.materialisation }), format!("{}: {}", text::resolved(&x.resolved_by), text::materialisation(&x.materialisation)))
            };
            out.push(Change::new("changed", "binding", &ba.name).field("resolution", side(ba), side(bb)));
        }
    }
    out
}

/// A JSON value as short text: strings as they are, `none` for null.
fn plain(v: &Value) -> String {
    match v {
        Value::Null => "none".to_string(),
        Value::String(s) => s.clone(),
        Value::Object(m) if m.is_empty() => "none".to_string(),
        Value::Object(m) => m.iter().map(|(k, v)| format!("{k} {}", plain(v))).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// `diff --format human`: one line per change, `-`/`+` lines for what a change replaced.
pub fn render(a: &PlanView, b: &PlanView, changes: &[Change]) -> String {
    let mut out = format!(
        "service {}: profile {} ({} {}) -> profile {} ({} {})\n",
        b.service_id, a.profile, a.target_kind, a.placement, b.profile, b.target_kind, b.placement
    );
    if changes.is_empty() {
        out.push_str("no changes: the two topologies are the same\n");
        return out;
    }
    for c in changes {
        let mut head = if c.subject == "profile" { c.name.clone() } else { format!("{} {}", c.subject, c.name) };
        let mut context = Vec::new();
        if let Some(d) = &c.from_deployable {
            context.push(format!("was {d}"));
        }
        if !c.cells.is_empty() {
            context.push(format!("cell{} {}", if c.cells.len() == 1 { "" } else { "s" }, c.cells.join(", ")));
        }
        if !context.is_empty() {
            head.push_str(&format!(" ({})", context.join("; ")));
        }
        match (c.change, c.field) {
            ("added", _) => out.push_str(&format!("+ {head}\n")),
            ("removed", _) => out.push_str(&format!("- {head}\n")),
            ("moved", _) => out.push_str(&format!("> {head} moved: {} -> {}\n", c.from_text, c.to_text)),
            (_, field) => {
                match field {
                    Some(f) if c.subject != "profile" => out.push_str(&format!("~ {head}: {f}\n")),
                    _ => out.push_str(&format!("~ {head}\n")),
                }
                for (sign, t) in [("-", &c.from_text), ("+", &c.to_text)] {
                    for (i, line) in wrap(t, WIDTH - 6).iter().enumerate() {
                        out.push_str(&format!("    {} {line}\n", if i == 0 { sign } else { " " }));
                    }
                }
            }
        }
    }
    out.push_str(&format!("{} change{}\n", changes.len(), if changes.len() == 1 { "" } else { "s" }));
    out
}
