//! `x07-topo check`.

use super::args::CheckArgs;
use super::load;
use super::output::{self, Outcome};
use crate::inputs;
use serde_json::json;
use std::fmt::Write;

pub fn run(args: &CheckArgs) -> i32 {
    let path = &args.manifest.manifest;
    let mut diags = Vec::new();
    let mut result = serde_json::Value::Null;
    let mut human = String::new();
    match load::read(path) {
        Err(d) => diags.push(d),
        Ok(bytes) => {
            let input = inputs::read_manifest(&load::display(path), &bytes);
            diags.extend(input.diags);
            if let Some(manifest) = &input.manifest {
                let sources = load::profiles(path, manifest, &args.profiles, &mut diags);
                let profiles = inputs::resolve_profiles(manifest, &sources, &mut diags);
                let listed: Vec<_> = profiles
                    .iter()
                    .map(|p| {
                        json!({
                            "id": p.id,
                            "target_kind": p.target_kind,
                            "placement": p.placement,
                            "target": p.target.name,
                            "file": p.document().map(|d| d.source.name.clone()),
                        })
                    })
                    .collect();
                result = json!({
                    "manifest": input.doc.source.name,
                    "service_id": manifest.service_id,
                    "cells": manifest.cells.len(),
                    "bindings": manifest.bindings().len(),
                    "profiles": listed,
                });
                let _ = writeln!(human, "{}: service `{}`, {} cells, {} bindings", input.doc.source.name, manifest.service_id, manifest.cells.len(), manifest.bindings().len());
                for p in &profiles {
                    let from = p.document().map_or("manifest entry".to_string(), |d| d.source.name.clone());
                    let _ = writeln!(human, "  profile {}: {} {} on {} ({from})", p.id, p.target_kind, p.placement, p.target.name);
                }
            }
        }
    }
    let diags = inputs::finish(diags);
    output::print(&args.output, Outcome { command: "check", diags, result, human })
}
