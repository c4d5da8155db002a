//! `x07-topo explain`: how each binding of one profile resolves (SPEC §4.1); with
//! `--network`, the edges of each deployable (SPEC §4.2).

use super::load;
use super::output::{self, Outcome};
use super::resolve::Explain;
use crate::diagnostics::{self, codes, Diagnostic};
use crate::plan_view::explain;

pub fn run(args: &Explain) -> i32 {
    let mut diags = Vec::new();
    let mut result = serde_json::Value::Null;
    let mut human = String::new();
    if let Some(loaded) = load::inputs(&args.manifest, std::slice::from_ref(&args.profile), &mut diags).filter(|_| !diagnostics::has_errors(&diags)) {
        let unknown = args.binding.as_deref().filter(|name| loaded.manifest().binding(name).is_none());
        if let Some(name) = unknown {
            let names: Vec<&str> = loaded.manifest().bindings().iter().map(|b| b.name.as_str()).collect();
            diags.push(Diagnostic::about_file(
                &codes::EXPLAIN_UNKNOWN_BINDING,
                "",
                format!("the manifest declares no binding `{name}`"),
                format!("{}the bindings are: {}", crate::suggest::did_you_mean(name, names.iter().copied()), names.join(", ")),
            ));
        } else if let Some(plan) = loaded.profiles.first().and_then(|p| super::plan::lower(&loaded, p, &[], false, None, &mut diags)) {
            if args.network {
                let r = crate::plan_view::network::report(&plan);
                human = crate::plan_view::network::render(&r);
                result = serde_json::to_value(&r).unwrap_or_default();
            } else {
                let e = explain::explain(&plan, args.binding.as_deref());
                human = explain::render(&e);
                result = serde_json::to_value(&e).unwrap_or_default();
            }
        }
    }
    output::print(&args.report, Outcome::new(diags, result, human))
}
