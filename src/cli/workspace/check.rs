//! `check --workspace [FILE]`: every service's manifest and profiles checked as `check`
//! checks one, plus what only the workspace can get wrong (a missing folder, two services
//! with one service_id, two outputs in one folder), in one report.

use crate::cli::output::{self, Outcome};
use crate::cli::resolve::WorkspaceCheck;
use serde_json::json;

pub fn run(args: &WorkspaceCheck) -> i32 {
    let mut diags = Vec::new();
    let Some(opened) = super::open(&args.file, Some(&args.profiles), &args.services, &mut diags) else {
        return output::print(&args.report, Outcome::diagnostics(diags));
    };
    let pairs = super::pairs(&opened, &mut diags);
    // What only the whole workspace shows: one KafkaTopic emitted by two services.
    let declared: Vec<_> = pairs
        .iter()
        .filter(|p| p.service.inputs_ok)
        .map(|p| {
            let loaded = &p.service.loaded;
            let options = crate::plan::LowerOptions::default();
            let (plan, _) = crate::plan::lower(loaded.manifest(), &loaded.input.doc, &loaded.profiles[p.profile], &options);
            (p.profile_id(), p.service.id.as_str(), plan.as_ref().map(super::binding_objects).unwrap_or_default())
        })
        .collect();
    super::shared_objects(&opened, &declared, &mut diags);
    let mut human = String::new();
    let mut services = Vec::new();
    for service in &opened.services {
        let mut summary = crate::cli::check::service(&service.loaded, service.inputs_ok, &mut diags, &mut human);
        summary["folder"] = json!(service.folder);
        services.push(summary);
    }
    let _ = std::fmt::Write::write_fmt(&mut human, format_args!("workspace {}: {} service(s)\n", args.file, services.len()));
    let result = json!({ "workspace": args.file, "services": services });
    output::print(&args.report, Outcome::new(diags, result, human).with_lints(super::lints(&opened)))
}
