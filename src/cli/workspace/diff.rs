//! `diff --workspace [FILE] --profile A --profile B [--artifacts]`: every service's two
//! profiles compared, as `diff` compares one service's, in one report. (Without profiles,
//! `diff --workspace` compares the committed output with what would be rendered: that is
//! `render --workspace --check`, in `render.rs`.)

use crate::cli::output::{self, Outcome};
use crate::cli::resolve::WorkspaceDiff;
use crate::diagnostics;
use serde_json::json;

pub fn run(args: &WorkspaceDiff) -> i32 {
    let mut diags = Vec::new();
    diags.extend(crate::cli::namespace_problem(args.namespace.as_deref()));
    if !diags.is_empty() {
        return output::print(&args.report, Outcome::diagnostics(diags));
    }
    let profiles = [args.a.clone(), args.b.clone()];
    let Some(opened) = super::open(&args.file, Some(&profiles), &args.services, &mut diags) else {
        return output::print(&args.report, Outcome::diagnostics(diags));
    };
    let lints = super::lints(&opened);
    let images = super::service_images(&args.images, args.images_file.as_deref(), &opened, &mut diags);
    if diagnostics::has_errors(&diags) {
        return output::print(&args.report, Outcome::diagnostics(diags).with_lints(lints));
    }
    let mut human = String::new();
    let mut services = Vec::new();
    for service in &opened.services {
        let own = images.get(&service.id).map_or(&[][..], Vec::as_slice);
        let Some(compared) = crate::cli::diff::compare(&service.loaded, own, args.artifacts, args.namespace.as_deref(), &mut diags) else { continue };
        let (text, mut result) = compared.into_parts();
        human.push_str(&format!("== {} ({})\n{text}", service.id, service.folder));
        if !text.ends_with('\n') {
            human.push('\n');
        }
        result["service"] = json!(service.id);
        result["folder"] = json!(service.folder);
        services.push(result);
    }
    let result = json!({ "workspace": args.file, "services": services });
    output::print(&args.report, Outcome::new(diags, result, human).with_lints(lints))
}
