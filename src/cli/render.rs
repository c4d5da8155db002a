//! `x07-topo render`.

// A Diagnostic is the shell's error type; boxing it buys nothing on I/O paths.
#![allow(clippy::result_large_err)]

use super::resolve::{Format, Out, Render, Reporting};
use super::load;
use super::{compare, transaction};
use super::output::{self, Outcome, EXIT_USAGE_OR_IO};
use crate::diagnostics::lints::Lints;
use crate::diagnostics::{self, Diagnostic};
use crate::emit;
use crate::outdir;
use crate::parallel;
use crate::plan::{self, ImageOverride, LowerOptions};
use crate::transition;
use serde_json::json;
use std::path::Path;

/// The Plan `render` emits, once emitting it is known to report no error; `None` when
/// inputs, lowering or emission have errors. `lints` receives the profile's `lints`.
pub fn plan(manifest: &Path, profile: &str, images: &[ImageOverride], namespace: Option<&str>, diags: &mut Vec<Diagnostic>, lints: &mut Vec<Lints>) -> Option<plan::Plan> {
    let loaded = load::inputs(manifest, &[profile.to_string()], diags)?;
    *lints = loaded.lints();
    if diagnostics::has_errors(diags) {
        return None;
    }
    let profile = loaded.profiles.first()?;
    let options = LowerOptions { images: images.to_vec(), require_images: true, namespace: namespace.map(str::to_string) };
    let (plan, mut lowering) = plan::lower(loaded.manifest(), &loaded.input.doc, profile, &options);
    diags.append(&mut lowering);
    let plan = plan.filter(|_| !diagnostics::has_errors(diags))?;
    diags.extend(emit::diagnostics(&plan));
    (!diagnostics::has_errors(diags)).then_some(plan)
}

/// Every file of the output folder but the inventory, each handed to `add` as it is emitted
/// (its artifact shown to `seen` first), then the kustomization.
fn folder_files(plan: &plan::Plan, mut seen: impl FnMut(&emit::Artifact), mut add: impl FnMut(String, String) -> Result<(), Diagnostic>) -> Result<(), Diagnostic> {
    let mut kustomization = outdir::Kustomization::default();
    emit::each_file(plan, |a| {
        seen(&a);
        kustomization.add(&a.path);
        add(a.path, a.content)
    })?;
    kustomization.finish().map_or(Ok(()), |(path, text)| add(path, text))
}

/// Human `--out -`: the stream is written document by document as it is emitted, after
/// every diagnostic is known (so an error still means no output at all).
fn stream(args: &Render, mut diags: Vec<Diagnostic>) -> i32 {
    let mut lints = Vec::new();
    let Some(plan) = plan(&args.manifest, &args.profile, &args.images, args.namespace.as_deref(), &mut diags, &mut lints) else {
        return output::print(&args.report, Outcome::diagnostics(diags).with_lints(lints));
    };
    if args.report.format == Format::Json {
        // The artifact list comes before the documents: one pass for it (objects without
        // their text), one for them.
        let entry = |a: &emit::Artifact| json!({"path": a.path, "deployable": a.deployable, "kind": a.kind, "name": a.name});
        let emitter = emit::PerDeployable::new(&plan);
        let mut listed: Vec<serde_json::Value> = emit::leading_artifacts(&plan).iter().filter(|a| a.in_stream).map(entry).collect();
        let per_deployable = parallel::map_collect(&plan.deployables, |d| emitter.objects(d).iter().filter(|a| a.in_stream).map(entry).collect::<Vec<_>>());
        listed.extend(per_deployable.into_iter().flatten());
        drop(emitter);
        let result = json!({ "artifacts": listed, "documents": [] });
        let splice = output::Splice { placeholder: "\"documents\": []", body: Box::new(move |out| write_documents(&plan, out)) };
        return output::print(&args.report, Outcome::spliced(diags, result, String::new(), splice).with_lints(lints));
    }
    output::print(&args.report, Outcome::streaming(diags, Box::new(move |out| emit::write_stream(&plan, out))).with_lints(lints))
}

/// The JSON report's `result.documents`, each made and written in turn (the deployables'
/// on worker threads, in order).
fn write_documents(plan: &plan::Plan, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    const SEPARATOR: &[u8] = b",\n      ";
    // Each document after its separator; the first document of all goes without the comma.
    let documents = |artifacts: Vec<emit::Artifact>| -> std::io::Result<Vec<u8>> {
        let mut text = Vec::new();
        for a in artifacts.iter().filter(|a| a.in_stream) {
            text.extend_from_slice(SEPARATOR);
            output::write_nested(&mut text, &a.value, 3)?;
        }
        Ok(text)
    };
    out.write_all(b"\"documents\": [")?;
    let mut any = false;
    let mut write = |text: std::io::Result<Vec<u8>>| {
        let text = text?;
        if !text.is_empty() {
            out.write_all(if any { &text } else { &text[1..] })?;
            any = true;
        }
        Ok::<(), std::io::Error>(())
    };
    write(documents(emit::leading_artifacts(plan)))?;
    let emitter = emit::PerDeployable::new(plan);
    parallel::map_in_order(&plan.deployables, |d| documents(emitter.objects(d)), &mut write)?;
    out.write_all(if any { b"\n    ]" } else { b"]" })
}

pub fn run(args: &Render) -> i32 {
    let mut diags = Vec::new();
    diags.extend(super::namespace_problem(args.namespace.as_deref()));
    if diags.is_empty() && matches!(args.out, Out::Stream) {
        return stream(args, diags);
    }
    let mut lints = Vec::new();
    let plan = if diags.is_empty() { plan(&args.manifest, &args.profile, &args.images, args.namespace.as_deref(), &mut diags, &mut lints) } else { None };
    let Some(plan) = plan else {
        return output::print(&args.report, Outcome::diagnostics(diags).with_lints(lints));
    };
    let claim = outdir::Claim { owner: outdir::Owner::of(&plan), take_over: args.take_over };
    let out = match &args.out {
        Out::Stream => unreachable!("--out - is streamed above"),
        Out::Check(dir) => return check_folder("out", dir, &plan, &claim, &args.report, diags, lints),
        Out::Dir(dir) => dir,
    };
    // Each file goes to the folder's staging as it is made: the render holds one at a time.
    // The artifact list is only printed in the JSON report (at 100k cells it is 170k objects).
    let json_report = args.report.format == Format::Json;
    let mut listed = Vec::new();
    let each_file = |sink: &mut transaction::Sink<'_>| {
        let seen = |a: &emit::Artifact| {
            if json_report {
                listed.push(json!({"path": a.path, "deployable": a.deployable, "kind": a.kind, "name": a.name}));
            }
        };
        folder_files(&plan, seen, |path, text| sink.add(path, text.as_bytes())).map_err(|d| vec![d])
    };
    match transaction::prepare(Path::new(out), out, &claim, each_file).and_then(transaction::Prepared::commit) {
        Ok(summary) => {
            let resumed = if summary.resumed { " after completing an interrupted render" } else { "" };
            let human = format!("wrote {} files to {out} ({} changed){resumed}\n", summary.files.len(), summary.changed);
            let result = if json_report { json!({ "out": out, "artifacts": listed, "files": summary.files, "changed": summary.changed, "resumed": summary.resumed }) } else { serde_json::Value::Null };
            output::print(&args.report, Outcome::new(diags, result, human).with_lints(lints))
        }
        Err(mut errors) => {
            diags.append(&mut errors);
            let code = output::print(&args.report, Outcome::diagnostics(diags).with_lints(lints));
            code.max(EXIT_USAGE_OR_IO)
        }
    }
}

/// `render --check` and `diff --against DIR`: compares DIR with what `render --out DIR` would
/// write, and writes nothing. Prints a unified diff of every stale file (exit 1 if any), and
/// what an interrupted render left pending; `folder_key` names DIR in the JSON result. A
/// folder render would refuse (a link, a folder where a file goes) is refused here too.
pub fn check_folder(folder_key: &str, folder: &str, plan: &plan::Plan, claim: &outdir::Claim, report: &Reporting, mut diags: Vec<Diagnostic>, lints: Vec<Lints>) -> i32 {
    // Each file is compared as it is made; only those that differ are kept, for the diff.
    let each_file = |c: &mut compare::Comparison<'_>| folder_files(plan, |_| {}, |path, text| c.add(path, text));
    let compared = match compare::compare(Path::new(folder), folder, claim, each_file) {
        Ok(found) => found,
        Err(mut errors) => {
            diags.append(&mut errors);
            let code = output::print(report, Outcome::diagnostics(diags).with_lints(lints));
            return code.max(EXIT_USAGE_OR_IO);
        }
    };
    let (mut drift, pending, transitions) = (compared.drift, compared.pending, compared.transitions);
    diags.extend(transition::committed::diagnostics(folder, &transitions));
    let failure = folder_failure(folder, &drift, pending.as_ref());
    // The diff of a large change is hundreds of MB: it is made once, into the one output that
    // is printed (the human text, or the JSON result).
    let mut diff = String::with_capacity(drift.diffs.iter().map(String::len).sum());
    // Each file's diff is freed as it is appended.
    std::mem::take(&mut drift.diffs).into_iter().for_each(|d| diff.push_str(&d));
    if report.format != Format::Json {
        let human = if diff.is_empty() && pending.is_none() {
            format!("no drift: {folder} holds exactly what would be rendered\n")
        } else if transitions.changes.is_empty() {
            diff
        } else {
            diff + &transition::text(&format!("if what {folder} holds were deployed and this render applied"), &transitions.changes)
        };
        return output::print(report, Outcome::new(diags, serde_json::Value::Null, human).failing(failure).with_lints(lints));
    }
    let mut changes: Vec<_> = drift.changed.iter().zip(&drift.changes).map(|(path, change)| json!({ "change": change, "subject": "file", "name": path })).collect();
    // Each object's change, classified as if the folder were deployed and the render applied.
    changes.extend(transitions.changes.iter().zip(&transitions.files).map(|(t, file)| {
        json!({ "change": "changed", "subject": "object", "class": t.class, "kind": t.kind, "name": t.name, "field": t.field, "reason": t.reason, "hint": t.hint, "file": file })
    }));
    let pending_json = pending.as_ref().map(|j| json!({ "moves": j.moves, "prunes": j.prunes }));
    let result = json!({ folder_key: folder, "stale": drift.changed, "changes": changes, "diff": diff, "pending": pending_json });
    output::print(report, Outcome::new(diags, result, String::new()).failing(failure).with_lints(lints))
}

/// Why `--check` fails, if it does: an interrupted render left in the folder, stale files.
fn folder_failure(folder: &str, drift: &outdir::Drift, pending: Option<&outdir::Journal>) -> Option<String> {
    let mut failure = Vec::new();
    if let Some(j) = pending {
        failure.push(format!("{folder} holds an interrupted render ({} file(s) to move, {} to prune); `render --out {folder}` completes it", j.moves.len(), j.prunes.len()));
    }
    if !drift.changed.is_empty() {
        failure.push(format!("{folder} is stale: {} file(s) differ from what would be rendered", drift.changed.len()));
    }
    (!failure.is_empty()).then(|| failure.join("\n"))
}
