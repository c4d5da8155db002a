//! `x07-topo check`.

use super::load::{self, Loaded};
use super::output::{self, Outcome};
use super::resolve::Check;
use crate::diagnostics::Diagnostic;
use crate::plan::{self, LowerOptions};
use serde_json::json;
use std::fmt::Write;

pub fn run(args: &Check) -> i32 {
    let mut diags = Vec::new();
    let mut result = serde_json::Value::Null;
    let mut human = String::new();
    let mut lints = Vec::new();
    if let Some(loaded) = load::inputs(&args.manifest, &args.profiles, &mut diags) {
        lints = loaded.lints();
        let inputs_ok = !crate::diagnostics::has_errors(&diags);
        result = service(&loaded, inputs_ok, &mut diags, &mut human);
    }
    output::print(&args.report, Outcome::new(diags, result, human).with_lints(lints))
}

/// Checks one service's manifest and profiles: lowers each profile unless reading the
/// inputs found errors (lowering them would only report their consequences), appends a
/// summary to `human` and returns it for the JSON report.
pub fn service(loaded: &Loaded, inputs_ok: bool, diags: &mut Vec<Diagnostic>, human: &mut String) -> serde_json::Value {
    let manifest = loaded.manifest();
    let name = &loaded.input.doc.source.name;
    let mut listed = Vec::new();
    let _ = writeln!(human, "{name}: service `{}`, {} cells, {} bindings", manifest.service_id, manifest.cells.len(), manifest.bindings().len());
    for p in &loaded.profiles {
        // Target-dependent rules (co-location, runtime classes, scaling) run per profile;
        // images are a render-time matter (`--image`), so they are not required here.
        let (plan, mut lowering) = if inputs_ok { plan::lower(manifest, &loaded.input.doc, p, &LowerOptions::default()) } else { (None, Vec::new()) };
        diags.append(&mut lowering);
        let deployables: Vec<&str> = plan.as_ref().map(|pl| pl.deployables.iter().map(|d| d.key.as_str()).collect()).unwrap_or_default();
        listed.push(json!({
            "id": p.id,
            "target_kind": p.target_kind,
            "placement": p.placement,
            "target": p.target.name,
            "file": p.files().first(),
            "deployables": deployables,
        }));
        if p.files().len() > 1 {
            listed.last_mut().expect("pushed above")["extends"] = json!(p.files()[1..]);
        }
        let from = if p.files().is_empty() { "manifest entry".to_string() } else { p.files().join(" extends ") };
        let _ = writeln!(human, "  profile {}: {} {} on {} ({from}): {}", p.id, p.target_kind, p.placement, p.target.name, deployables.join(", "));
    }
    json!({
        "manifest": name,
        "service_id": manifest.service_id,
        "cells": manifest.cells.len(),
        "bindings": manifest.bindings().len(),
        "profiles": listed,
    })
}
