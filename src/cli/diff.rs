//! `x07-topo diff`: two profiles' topologies compared (structurally, and with `--artifacts`
//! their rendered files), or one profile's rendering compared with a committed folder
//! (`--against DIR`, the engine of `render --check`).

use super::resolve::{Diff, DiffMode, Format};
use super::load::{self, Loaded};
use super::output::{self, Outcome};
use super::{plan, render};
use crate::diagnostics::lints::Lints;
use crate::diagnostics::{self, codes, Diagnostic};
use crate::emit;
use crate::outdir;
use crate::plan::ImageOverride;
use crate::plan_view::{diff, PlanView};
use crate::transition;
use crate::profile::Profile;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

pub fn run(args: &Diff) -> i32 {
    if let Some(d) = super::namespace_problem(args.namespace.as_deref()) {
        return failed(args, vec![d], Vec::new());
    }
    match &args.mode {
        DiffMode::Against { profile, dir } => against(args, profile, dir),
        DiffMode::Between { a, b, artifacts } => between(args, &[a.clone(), b.clone()], *artifacts),
    }
}

fn failed(args: &Diff, diags: Vec<Diagnostic>, lints: Vec<Lints>) -> i32 {
    output::print(&args.report, Outcome::diagnostics(diags).with_lints(lints))
}

/// `--against DIR`: exactly what `render --check --out DIR` does.
fn against(args: &Diff, profile: &str, dir: &str) -> i32 {
    let mut diags = Vec::new();
    let mut lints = Vec::new();
    match render::plan(&args.manifest, profile, &args.images, args.namespace.as_deref(), &mut diags, &mut lints) {
        Some(plan) => render::check_folder("against", dir, &plan, &outdir::Claim { owner: outdir::Owner::of(&plan), take_over: false }, &args.report, diags, lints),
        None => failed(args, diags, lints),
    }
}

fn between(args: &Diff, profiles: &[String], with_artifacts: bool) -> i32 {
    let mut diags = Vec::new();
    let Some(loaded) = load::inputs(&args.manifest, profiles, &mut diags) else { return failed(args, diags, Vec::new()) };
    if diagnostics::has_errors(&diags) {
        return failed(args, diags, loaded.lints());
    }
    let Some(compared) = compare(&loaded, &args.images, with_artifacts, args.namespace.as_deref(), &mut diags) else { return failed(args, diags, loaded.lints()) };
    if args.report.format != Format::Json {
        return output::print(&args.report, Outcome::new(diags, serde_json::Value::Null, compared.human).with_lints(loaded.lints()));
    }
    // The object changes are written as they are serialised: at 30,000 cells they are tens of
    // thousands, and as JSON values they would cost tens of MB more than the report's text.
    let Compared { human, mut result, transitions } = compared;
    let structural = std::mem::take(&mut result["changes"]);
    result["changes"] = serde_json::Value::Null;
    let body = move |out: &mut dyn std::io::Write| -> std::io::Result<()> {
        out.write_all(b"\"changes\": [")?;
        let mut any = false;
        let mut separate = |out: &mut dyn std::io::Write| {
            let sep: &[u8] = if any { b",\n      " } else { b"\n      " };
            any = true;
            out.write_all(sep)
        };
        for change in structural.as_array().into_iter().flatten() {
            separate(out)?;
            output::write_nested(out, change, 3)?;
        }
        for t in &transitions {
            separate(out)?;
            output::write_nested(out, &ObjectChange::of(t), 3)?;
        }
        out.write_all(if any { b"\n    ]" } else { b"]" })
    };
    let splice = output::Splice { placeholder: "\"changes\": null", body: Box::new(body) };
    output::print(&args.report, Outcome::spliced(diags, result, human, splice).with_lints(loaded.lints()))
}

/// One service's two profiles compared.
pub struct Compared {
    pub human: String,
    /// The JSON result; its `changes` hold the structural changes only.
    pub result: serde_json::Value,
    /// What applying B over a running A would do to each object (SPEC §3.2).
    pub transitions: Vec<transition::Transition>,
}

impl Compared {
    /// The human text and the whole JSON result, object changes appended to `changes`.
    pub fn into_parts(self) -> (String, serde_json::Value) {
        let Compared { human, mut result, transitions } = self;
        if let Some(list) = result["changes"].as_array_mut() {
            list.extend(transitions.iter().map(|t| serde_json::to_value(ObjectChange::of(t)).unwrap_or_default()));
        }
        (human, result)
    }
}

/// One object's change as `result.changes[]` lists it (members in the order a JSON map sorts
/// them, so the streamed report and the value-built one are the same bytes).
#[derive(serde::Serialize)]
struct ObjectChange<'t> {
    change: &'static str,
    class: transition::Class,
    field: &'t str,
    hint: &'t Option<String>,
    kind: &'t str,
    name: &'t str,
    reason: &'t str,
    subject: &'static str,
}

impl<'t> ObjectChange<'t> {
    fn of(t: &'t transition::Transition) -> Self {
        ObjectChange { change: "changed", class: t.class, field: t.field, hint: &t.hint, kind: &t.kind, name: &t.name, reason: &t.reason, subject: "object" }
    }
}

/// One service's two profiles compared, or `None` when a profile cannot be lowered (the
/// reasons are in `diags`).
pub fn compare(loaded: &Loaded, images: &[ImageOverride], with_artifacts: bool, namespace: Option<&str>, diags: &mut Vec<Diagnostic>) -> Option<Compared> {
    if loaded.profiles.len() != 2 {
        return None;
    }
    let images = images_per_profile(loaded, images);
    // Lowered apart from what came before, whose errors are not these profiles'; each plan
    // is dropped once it is viewed, so at most one is held.
    let mut own = Vec::new();
    let mut views = Vec::new();
    let mut facts = Vec::new();
    for (p, imgs) in loaded.profiles.iter().zip(&images) {
        views.push(plan::lower(loaded, p, imgs, false, namespace, &mut own).map(|plan| {
            let (view, object_facts) = PlanView::with_facts(&plan);
            facts.push(object_facts);
            view
        }));
    }
    diags.append(&mut own);
    let [Some(view_a), Some(view_b)] = <[Option<PlanView>; 2]>::try_from(views).ok()? else { return None };
    let changes = diff::diff(&view_a, &view_b);
    let mut human = diff::render(&view_a, &view_b, &changes);
    let mut result = json!({ "from": view_a.profile, "to": view_b.profile, "changes": changes });
    // What applying B over a running A would do to each object (SPEC §3.2): a what-if, so the
    // classes are reported but change no exit code.
    let mut transitions = Vec::new();
    if let [fa, fb] = facts.as_slice() {
        transitions = transition::classify(fa, fb);
        human.push_str(&transition::text(&format!("if {} were deployed and {} applied", view_a.profile, view_b.profile), &transitions));
    }
    drop(facts);
    if with_artifacts {
        let rendered: Vec<Option<BTreeMap<String, String>>> = loaded.profiles.iter().zip(&images).map(|(p, imgs)| rendered_files(loaded, p, imgs, namespace, diags)).collect();
        let mut rendered = rendered.into_iter();
        let (section, value) = match (rendered.next().flatten(), rendered.next().flatten()) {
            (Some(fa), Some(fb)) => artifacts_diff(fa, &fb),
            _ => ("\nartifacts: not compared (see the warnings)\n".to_string(), json!({ "compared": false })),
        };
        human.push_str(&section);
        result["artifacts"] = value;
    }
    Some(Compared { human, result, transitions })
}

/// `--image KEY=REF` names a deployable of one placement (`api` exists only split by cell),
/// so each profile gets the overrides for its own deployables; an override that names a
/// deployable of neither goes to both, which reports it (XT310).
fn images_per_profile(loaded: &Loaded, images: &[ImageOverride]) -> Vec<Vec<ImageOverride>> {
    if images.iter().all(|o| o.deployable.is_none()) {
        // Nothing names a deployable: no need to lower the profiles to learn theirs.
        return loaded.profiles.iter().map(|_| images.to_vec()).collect();
    }
    let keys: Vec<BTreeSet<String>> = loaded
        .profiles
        .iter()
        .map(|p| {
            let mut scratch = Vec::new();
            plan::lower(loaded, p, &[], false, None, &mut scratch).map(|pl| pl.deployables.iter().map(|d| d.key.clone()).collect()).unwrap_or_default()
        })
        .collect();
    let known_somewhere = |key: &str| keys.iter().any(|k| k.contains(key));
    keys.iter()
        .map(|own| {
            images
                .iter()
                .filter(|o| match &o.deployable {
                    None => true,
                    Some(key) => own.contains(key) || !known_somewhere(key),
                })
                .cloned()
                .collect()
        })
        .collect()
}

/// The files `render --out DIR` would write for one profile, or `None` with a warning that
/// says why it cannot be rendered (a target kind this version cannot render, no image, ...).
fn rendered_files(loaded: &Loaded, profile: &Profile, images: &[ImageOverride], namespace: Option<&str>, diags: &mut Vec<Diagnostic>) -> Option<BTreeMap<String, String>> {
    let mut own = Vec::new();
    let files = plan::lower(loaded, profile, images, true, namespace, &mut own).and_then(|p| {
        let mut rendered = emit::render_files(&p);
        own.append(&mut rendered.diags);
        (!diagnostics::has_errors(&own)).then(|| outdir::layout(rendered.artifacts, &outdir::Owner::of(&p)))
    });
    if files.is_none() {
        let errors: Vec<&Diagnostic> = own.iter().filter(|d| d.is_error()).collect();
        let why = errors.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("; ");
        let hint = errors.first().map_or("run `x07-topo render` with this profile to see why", |d| d.hint.as_str());
        diags.push(Diagnostic::about_file(
            &codes::ARTIFACTS_NOT_RENDERED,
            "",
            format!("profile `{}`: artifacts not rendered, so not compared: {why}", profile.id),
            hint,
        ));
    }
    files
}

/// A unified diff from the files of profile A to those of profile B.
fn artifacts_diff(a: BTreeMap<String, String>, b: &BTreeMap<String, String>) -> (String, serde_json::Value) {
    let owned: Vec<String> = a.keys().cloned().collect();
    let current: BTreeMap<String, outdir::Current> = a.into_iter().map(|(k, v)| (k, outdir::Current::Text(v))).collect();
    let wanted: BTreeSet<String> = b.keys().cloned().collect();
    let drift = outdir::drift(&wanted, b, &current, &owned);
    let text = drift.diffs.concat();
    let human = if drift.changed.is_empty() {
        "\nartifacts: the rendered files are the same\n".to_string()
    } else {
        format!("\nartifacts: {} file(s) differ\n{text}", drift.changed.len())
    };
    (human, json!({ "compared": true, "files": drift.changed, "diff": text }))
}
