//! `x07-topo check`.

use super::resolve::Check;
use super::load;
use super::output::{self, Outcome};
use crate::plan::{self, LowerOptions};
use serde_json::json;
use std::fmt::Write;

pub fn run(args: &Check) -> i32 {
    let mut diags = Vec::new();
    let mut result = serde_json::Value::Null;
    let mut human = String::new();
    let mut lints = Vec::new();
    if let Some(loaded) = load::inputs(&args.manifest, &args.profiles, &mut diags) {
        let manifest = loaded.manifest();
        lints = loaded.lints();
        let name = &loaded.input.doc.source.name;
        let mut listed = Vec::new();
        let _ = writeln!(human, "{name}: service `{}`, {} cells, {} bindings", manifest.service_id, manifest.cells.len(), manifest.bindings().len());
        // Lowering a manifest or profile with errors would only report their consequences.
        let inputs_ok = !crate::diagnostics::has_errors(&diags);
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
        result = json!({
            "manifest": name,
            "service_id": manifest.service_id,
            "cells": manifest.cells.len(),
            "bindings": manifest.bindings().len(),
            "profiles": listed,
        });
    }
    output::print(&args.report, Outcome::new(diags, result, human).with_lints(lints))
}
