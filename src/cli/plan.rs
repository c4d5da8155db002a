//! `x07-topo plan`: the Plan of one profile as a table, a JSON report or a Mermaid graph.

use super::resolve::{self, Format};
use super::load::{self, Loaded};
use super::output::{self, Outcome};
use crate::diagnostics::{self, Diagnostic};
use crate::plan::{self, ImageOverride, LowerOptions, Plan};
use crate::plan_view::{mermaid, table, PlanView};
use crate::profile::Profile;

/// Lowers one loaded profile; `None` when lowering had errors (they are in `diags`).
pub fn lower(loaded: &Loaded, profile: &Profile, images: &[ImageOverride], require_images: bool, namespace: Option<&str>, diags: &mut Vec<Diagnostic>) -> Option<Plan> {
    let options = LowerOptions { images: images.to_vec(), require_images, namespace: namespace.map(str::to_string) };
    let (plan, mut lowering) = plan::lower(loaded.manifest(), &loaded.input.doc, profile, &options);
    diags.append(&mut lowering);
    plan.filter(|_| !diagnostics::has_errors(diags))
}

pub fn run(args: &resolve::Plan) -> i32 {
    if let Some(d) = super::namespace_problem(args.namespace.as_deref()) {
        return output::print(&args.report, Outcome::diagnostics(vec![d]));
    }
    let mut diags = Vec::new();
    let mut lints = Vec::new();
    let plan = load::inputs(&args.manifest, std::slice::from_ref(&args.profile), &mut diags)
        .filter(|_| !diagnostics::has_errors(&diags))
        .and_then(|loaded| {
            lints = loaded.lints();
            let profile = loaded.profiles.first()?;
            lower(&loaded, profile, &args.images, false, args.namespace.as_deref(), &mut diags)
        });
    let (result, human) = match plan {
        Some(plan) => {
            let view = PlanView::of(&plan);
            let human = if args.report.format == Format::Mermaid { mermaid::render(&view) } else { table::render(&view) };
            (serde_json::to_value(&view).unwrap_or_default(), human)
        }
        None => (serde_json::Value::Null, String::new()),
    };
    output::print(&args.report, Outcome::new(diags, result, human).with_lints(lints))
}
