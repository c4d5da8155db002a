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
    let Some(plan) = plan else { return output::print(&args.report, Outcome::diagnostics(diags).with_lints(lints)) };
    let mut view = PlanView::of(&plan);
    drop(plan);
    if args.report.format == Format::Json {
        // The view is written into the report as it is serialised, never held as a Value.
        let splice = output::Splice {
            placeholder: "\"result\": null",
            body: Box::new(move |out| {
                out.write_all(b"\"result\": ")?;
                output::write_nested(out, &sorted_view(&mut view), 1)
            }),
        };
        return output::print(&args.report, Outcome::spliced(diags, serde_json::Value::Null, String::new(), splice).with_lints(lints));
    }
    let human = if args.report.format == Format::Mermaid { mermaid::render(&view) } else { table::render(&view) };
    output::print(&args.report, Outcome::new(diags, serde_json::Value::Null, human).with_lints(lints))
}

/// The view as the report prints it: members in sorted order, as a `serde_json::Value`
/// would hold them, but only one deployable or binding turned into a Value at a time.
fn sorted_view(view: &mut PlanView) -> impl serde::Serialize {
    let deployables = std::mem::take(&mut view.deployables);
    let bindings = std::mem::take(&mut view.bindings);
    let rest = match serde_json::to_value(&*view) {
        Ok(serde_json::Value::Object(members)) => members,
        _ => serde_json::Map::new(),
    };
    SortedView { rest, deployables, bindings }
}

struct SortedView {
    rest: serde_json::Map<String, serde_json::Value>,
    deployables: Vec<crate::plan_view::DeployableView>,
    bindings: Vec<crate::plan_view::BindingView>,
}

/// A list whose items serialise as `serde_json::Value`s (members sorted), one at a time.
struct EachSorted<'a, T>(&'a [T]);

impl<T: serde::Serialize> serde::Serialize for EachSorted<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            seq.serialize_element(&serde_json::to_value(item).map_err(serde::ser::Error::custom)?)?;
        }
        seq.end()
    }
}

impl serde::Serialize for SortedView {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.rest.len()))?;
        for (key, value) in &self.rest {
            match key.as_str() {
                "deployables" => map.serialize_entry(key, &EachSorted(&self.deployables))?,
                "bindings" => map.serialize_entry(key, &EachSorted(&self.bindings))?,
                _ => map.serialize_entry(key, value)?,
            }
        }
        map.end()
    }
}
