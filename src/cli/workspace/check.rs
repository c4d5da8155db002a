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
    let _ = super::pairs(&opened, &mut diags);
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
