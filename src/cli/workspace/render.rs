//! `render --workspace [FILE]` (and `diff --workspace`, which is its `--check`): every
//! service × profile rendered, written or compared with one exit code and one report.
//! Services render in parallel (`--jobs`); each pair's output depends only on its own
//! inputs, so the bytes are the same for any number of workers.

// A Diagnostic is the shell's error type; boxing it buys nothing on I/O paths.
#![allow(clippy::result_large_err)]

use super::Pair;
use crate::cli::output::{self, Outcome, EXIT_USAGE_OR_IO};
use crate::cli::resolve::WorkspaceRender;
use crate::cli::{compare, transaction};
use crate::diagnostics::{self, Diagnostic};
use crate::emit;
use crate::outdir;
use crate::plan::{self, ImageOverride, LowerOptions};
use crate::workspace;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;

/// An output folder, the files it should hold (but the inventory) and who owns it.
type Wanted = (String, BTreeMap<String, String>, outdir::Claim);

pub fn run(args: &WorkspaceRender) -> i32 {
    let mut diags = Vec::new();
    diags.extend(crate::cli::namespace_problem(args.namespace.as_deref()));
    if !diags.is_empty() {
        return output::print(&args.report, Outcome::diagnostics(diags));
    }
    let Some(opened) = super::open(&args.file, Some(&args.profiles), &args.services, &mut diags) else {
        return output::print(&args.report, Outcome::diagnostics(diags));
    };
    let lints = super::lints(&opened);
    let images = super::service_images(&args.images, args.images_file.as_deref(), &opened, &mut diags);
    let pairs = super::pairs(&opened, &mut diags);
    if diagnostics::has_errors(&diags) {
        return output::print(&args.report, Outcome::diagnostics(diags).with_lints(lints));
    }
    let (ws, root) = (&opened.ws, &opened.root);

    let rendered = render_all(&pairs, &images, args.namespace.as_deref(), args.jobs);
    let mut wanted: Vec<Wanted> = Vec::new();
    let mut listed = Vec::new();
    // A kustomization per profile folder of this run (its profile, its services), listing the
    // services whose output `kubectl apply -k` can take: Kubernetes YAML only (a wadm
    // Application is not a Kubernetes object, a hosted descriptor no object). Every service of
    // the workspace is listed, whether `--service` chose it or not.
    let mut per_profile: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for pair in &pairs {
        if let Some(folder) = workspace::profile_folder(&ws.out, pair.profile_id()) {
            per_profile.entry(folder).or_insert_with(|| (pair.profile_id().to_string(), Vec::new()));
        }
    }
    for (service, k8s_profiles) in &opened.appliable {
        for profile in k8s_profiles {
            if let Some(entry) = workspace::profile_folder(&ws.out, profile).and_then(|f| per_profile.get_mut(&f)) {
                entry.1.push(service.clone());
            }
        }
    }
    per_profile.retain(|_, (_, services)| !services.is_empty());
    let mut declared = Vec::new();
    for (pair, (artifacts, mut own, topics)) in pairs.iter().zip(rendered) {
        diags.extend(own.drain(..).map(|d| workspace_hint(&pair.service.id, d)));
        declared.push((pair.profile_id(), pair.service.id.as_str(), topics));
        if let Some((a, owner)) = artifacts {
            listed.push(json!({ "service": pair.service.id, "profile": pair.profile_id(), "out": pair.out }));
            wanted.push((pair.out.clone(), outdir::files(a), outdir::Claim { owner, take_over: args.take_over }));
        }
    }
    super::shared_objects(&opened, &declared, &mut diags);
    if diagnostics::has_errors(&diags) {
        return output::print(&args.report, Outcome::diagnostics(diags).with_lints(lints));
    }
    for (folder, (profile, services)) in &per_profile {
        // The profile folder belongs to the workspace, not to one service.
        let owner = outdir::Owner { service_id: workspace::PROFILE_FOLDER_OWNER.to_string(), profile: profile.clone(), target_kind: "kustomization".to_string() };
        let files = BTreeMap::from([(outdir::Kustomization::PATH.to_string(), workspace::profile_kustomization(services))]);
        wanted.push((folder.clone(), files, outdir::Claim { owner, take_over: args.take_over }));
    }
    let result = |extra: serde_json::Value| json!({ "workspace": args.file, "outputs": listed, "profile_folders": per_profile.keys().collect::<Vec<_>>(), "folders": extra });
    if args.check {
        check_all(args, root, wanted, Outcome::new(diags, serde_json::Value::Null, String::new()).with_lints(lints), result)
    } else {
        write_all(args, root, &wanted, Outcome::new(diags, serde_json::Value::Null, String::new()).with_lints(lints), result)
    }
}

/// Renders every pair on up to `jobs` threads; results in pair order.
type Rendered = (Option<(Vec<emit::Artifact>, outdir::Owner)>, Vec<Diagnostic>, Vec<super::ObjectId>);

fn render_all(pairs: &[Pair<'_>], images: &BTreeMap<String, Vec<ImageOverride>>, namespace: Option<&str>, jobs: usize) -> Vec<Rendered> {
    let one = |pair: &Pair<'_>| {
        let mut diags = Vec::new();
        let options = LowerOptions { images: images.get(&pair.service.id).cloned().unwrap_or_default(), require_images: true, namespace: namespace.map(str::to_string) };
        let loaded = &pair.service.loaded;
        let (plan, mut lowering) = plan::lower(loaded.manifest(), &loaded.input.doc, &loaded.profiles[pair.profile], &options);
        diags.append(&mut lowering);
        let topics = plan.as_ref().map(super::binding_objects).unwrap_or_default();
        let artifacts = plan.filter(|_| !diagnostics::has_errors(&diags)).and_then(|plan| {
            let mut r = emit::render_files(&plan);
            diags.append(&mut r.diags);
            (!diagnostics::has_errors(&diags)).then(|| (r.artifacts, outdir::Owner::of(&plan)))
        });
        (artifacts, diags, topics)
    };
    let jobs = jobs.clamp(1, pairs.len().max(1));
    if jobs == 1 {
        return pairs.iter().map(one).collect();
    }
    let mut results: Vec<Option<Rendered>> = (0..pairs.len()).map(|_| None).collect();
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..jobs).map(|w| s.spawn(move || pairs.iter().enumerate().skip(w).step_by(jobs).map(|(i, p)| (i, one(p))).collect::<Vec<_>>())).collect();
        for worker in workers {
            for (i, r) in worker.join().expect("a render worker panicked") {
                results[i] = Some(r);
            }
        }
    });
    results.into_iter().map(|r| r.expect("every pair rendered")).collect()
}

/// Every folder is prepared (locked, staged, its journal written) before any is committed,
/// so a run that fails before that point leaves every folder as it was; a failure while
/// committing is completed by the next run, like one folder's.
fn write_all(args: &WorkspaceRender, root: &Path, wanted: &[Wanted], mut outcome: Outcome, result: impl Fn(serde_json::Value) -> serde_json::Value) -> i32 {
    let mut prepared = Vec::new();
    for (out, files, claim) in wanted {
        let each_file = |sink: &mut transaction::Sink<'_>| files.iter().try_for_each(|(path, content)| sink.add(path.clone(), content.as_bytes())).map_err(|d| vec![d]);
        match transaction::prepare(&root.join(out), out, claim, each_file) {
            Ok(p) => prepared.push((out, p)),
            Err(mut errors) => {
                // Undone last first: a folder made for an earlier one may hold later ones.
                while let Some(p) = prepared.pop() {
                    drop(p);
                }
                outcome.diags.append(&mut errors);
                return output::print(&args.report, outcome).max(EXIT_USAGE_OR_IO);
            }
        }
    }
    let mut human = String::new();
    let mut folders = Vec::new();
    let mut failed = false;
    for (out, p) in prepared {
        match p.commit() {
            Ok(s) => {
                human.push_str(&format!("wrote {} files to {out} ({} changed)\n", s.files.len(), s.changed));
                folders.push(json!({ "out": out, "files": s.files.len(), "changed": s.changed }));
            }
            Err(mut errors) => {
                outcome.diags.append(&mut errors);
                failed = true;
            }
        }
    }
    if failed {
        return output::print(&args.report, outcome).max(EXIT_USAGE_OR_IO);
    }
    outcome.result = result(json!(folders));
    outcome.human = human;
    output::print(&args.report, outcome)
}

fn check_all(args: &WorkspaceRender, root: &Path, wanted: Vec<Wanted>, mut outcome: Outcome, result: impl Fn(serde_json::Value) -> serde_json::Value) -> i32 {
    let mut human = String::new();
    let mut folders = Vec::new();
    let mut stale = 0;
    for (out, files, claim) in wanted {
        let each_file = |c: &mut compare::Comparison<'_>| files.into_iter().try_for_each(|(path, content)| c.add(path, content));
        match compare::compare(&root.join(&out), &out, &claim, each_file) {
            Ok(compared) => {
                // An interrupted render is stale until `render --workspace` completes it.
                stale += compared.drift.changed.len() + usize::from(compared.pending.is_some());
                for diff in &compared.drift.diffs {
                    human.push_str(&workspace_relative(&out, diff));
                }
                folders.push(json!({ "out": out, "stale": compared.drift.changed }));
            }
            Err(mut errors) => {
                outcome.diags.append(&mut errors);
                return output::print(&args.report, outcome).max(EXIT_USAGE_OR_IO);
            }
        }
    }
    if stale == 0 {
        human.push_str(&format!("no drift: {} folder(s) hold exactly what would be rendered\n", folders.len()));
    }
    let failure = (stale > 0).then(|| format!("the workspace is stale: {stale} file(s) in {} folder(s) differ from what would be rendered", folders.iter().filter(|f| f["stale"].as_array().is_some_and(|a| !a.is_empty())).count()));
    outcome.result = result(json!(folders));
    outcome.human = human;
    output::print(&args.report, outcome.failing(failure))
}

/// A diagnostic of one service's render, its hints written for the workspace command line:
/// `--image SERVICE:async=REF`, not `--image async=REF` (which `--workspace` refuses).
fn workspace_hint(service: &str, mut d: Diagnostic) -> Diagnostic {
    use crate::diagnostics::codes;
    if [&codes::MISSING_IMAGE, &codes::INVALID_IMAGE, &codes::IMAGE_UNKNOWN_DEPLOYABLE].contains(&d.code) {
        d.hint = d.hint.replace("--image ", &format!("--image {service}:"));
        d.hint.push_str(&format!(", or \"{service}\" in --images FILE"));
    }
    d
}

/// A file's diff with paths relative to the workspace (`a/deploy/prod/orders/async/...`), not
/// to its service's folder: with many services a CI log then says which folder is stale, and
/// `git apply` takes the diff from the workspace's folder. Only the two header lines change.
fn workspace_relative(out: &str, diff: &str) -> String {
    let mut text = String::with_capacity(diff.len() + 2 * out.len() + 2);
    for (i, line) in diff.split_inclusive('\n').enumerate() {
        match (i, line.strip_prefix("--- a/"), line.strip_prefix("+++ b/")) {
            (0, Some(path), _) => text.push_str(&format!("--- a/{out}/{path}")),
            (1, _, Some(path)) => text.push_str(&format!("+++ b/{out}/{path}")),
            _ => text.push_str(line),
        }
    }
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn diff_headers_become_workspace_relative() {
        let diff = "--- a/async/job.yaml\n+++ b/async/job.yaml\n@@ -1 +1 @@\n--- a/not-a-header\n";
        assert_eq!(super::workspace_relative("deploy/prod/orders", diff), "--- a/deploy/prod/orders/async/job.yaml\n+++ b/deploy/prod/orders/async/job.yaml\n@@ -1 +1 @@\n--- a/not-a-header\n");
        let added = "--- /dev/null\n+++ b/new.yaml\n";
        assert_eq!(super::workspace_relative("deploy/dev/shop", added), "--- /dev/null\n+++ b/deploy/dev/shop/new.yaml\n");
    }
}
