//! `x07-topo render`.

use super::resolve::{Out, Render, Reporting};
use super::load;
use super::output::{self, Outcome, EXIT_USAGE_OR_IO};
use crate::diagnostics::{self, codes, Diagnostic};
use crate::emit;
use crate::outdir;
use crate::plan::{self, ImageOverride, LowerOptions};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Renders the artifacts of one profile; `None` when inputs or lowering had errors.
pub fn artifacts(manifest: &Path, profile: &str, images: &[ImageOverride], namespace: Option<&str>, diags: &mut Vec<Diagnostic>) -> Option<Vec<emit::Artifact>> {
    let loaded = load::inputs(manifest, &[profile.to_string()], diags)?;
    if diagnostics::has_errors(diags) {
        return None;
    }
    let profile = loaded.profiles.first()?;
    let options = LowerOptions { images: images.to_vec(), require_images: true, namespace: namespace.map(str::to_string) };
    let (plan, mut lowering) = plan::lower(loaded.manifest(), &loaded.input.doc, profile, &options);
    diags.append(&mut lowering);
    let plan = plan.filter(|_| !diagnostics::has_errors(diags))?;
    let mut rendered = emit::render(&plan);
    diags.append(&mut rendered.diags);
    (!diagnostics::has_errors(diags)).then_some(rendered.artifacts)
}

pub fn run(args: &Render) -> i32 {
    let mut diags = Vec::new();
    diags.extend(super::namespace_problem(args.namespace.as_deref()));
    let artifacts = if diags.is_empty() { artifacts(&args.manifest, &args.profile, &args.images, args.namespace.as_deref(), &mut diags) } else { None };
    let Some(artifacts) = artifacts else {
        return output::print(&args.report, Outcome::diagnostics(diags));
    };
    let list = |only_stream: bool| -> Vec<serde_json::Value> {
        artifacts
            .iter()
            .filter(|a| a.in_stream || !only_stream)
            .map(|a| json!({"path": a.path, "deployable": a.deployable, "kind": a.kind, "name": a.name}))
            .collect()
    };
    let dir = match &args.out {
        Out::Stream => None,
        Out::Check(dir) => return check_folder("out", dir, &artifacts, &args.report, diags),
        Out::Dir(dir) => Some(dir),
    };
    let Some(out) = dir else {
        // The stream holds the target's documents; the contract documents only go to DIR.
        let stream = emit::stream(&artifacts);
        let documents: Vec<&serde_json::Value> = artifacts.iter().filter(|a| a.in_stream).map(|a| &a.value).collect();
        let result = json!({ "artifacts": list(true), "documents": documents });
        return output::print(&args.report, Outcome::new(diags, result, stream));
    };
    let dir = PathBuf::from(out);
    let wanted = outdir::layout(&artifacts);
    let (_, owned) = read_current(&dir, &wanted);
    match write_out(&dir, &wanted, &owned) {
        Ok(written) => {
            let human = format!("wrote {} files to {out} ({written} changed)\n", wanted.len());
            let result = json!({ "out": out, "artifacts": list(false), "files": wanted.keys().collect::<Vec<_>>() });
            output::print(&args.report, Outcome::new(diags, result, human))
        }
        Err(e) => {
            diags.push(Diagnostic::about_file(&codes::FILE_UNREADABLE, load::display(&dir), format!("cannot write {out}: {e}"), "check that the folder is writable"));
            let code = output::print(&args.report, Outcome::diagnostics(diags));
            code.max(EXIT_USAGE_OR_IO)
        }
    }
}

/// `render --check` and `diff --against DIR`: compares DIR with what `render --out DIR` would
/// write, and writes nothing. Prints a unified diff of every stale file (exit 1 if any);
/// `folder_key` names DIR in the JSON result.
pub fn check_folder(folder_key: &str, folder: &str, artifacts: &[emit::Artifact], report: &Reporting, diags: Vec<Diagnostic>) -> i32 {
    let dir = PathBuf::from(folder);
    let wanted = outdir::layout(artifacts);
    let (current, owned) = read_current(&dir, &wanted);
    let drift = outdir::drift(&wanted, &current, &owned);
    let human = drift.diffs.concat();
    let changes: Vec<_> = drift
        .changed
        .iter()
        .map(|path| json!({ "change": outdir::file_change(path, &wanted, &current), "subject": "file", "name": path }))
        .collect();
    let result = json!({ folder_key: folder, "stale": drift.changed, "changes": changes, "diff": human });
    let stale = (!drift.changed.is_empty()).then(|| format!("{folder} is stale: {} file(s) differ from what would be rendered", drift.changed.len()));
    output::print(report, Outcome::new(diags, result, human).failing(stale))
}

/// The current content of every file that matters for drift: the wanted ones and the
/// ones the old inventory owns.
pub fn read_current(dir: &Path, wanted: &BTreeMap<String, String>) -> (BTreeMap<String, Option<String>>, Vec<String>) {
    let inventory = std::fs::read_to_string(dir.join(outdir::INVENTORY)).ok();
    let owned = outdir::owned_files(inventory.as_deref());
    let mut current = BTreeMap::new();
    for path in wanted.keys().chain(owned.iter()) {
        let text = if no_links(dir, path) { std::fs::read_to_string(dir.join(path)).ok() } else { None };
        current.insert(path.clone(), text);
    }
    (current, owned)
}

/// Writes each changed file atomically (temporary file, then rename) and prunes files the
/// old inventory owned that are no longer wanted. Returns how many files changed.
fn write_out(dir: &Path, wanted: &BTreeMap<String, String>, owned: &[String]) -> std::io::Result<usize> {
    let mut changed = 0;
    for (path, content) in wanted {
        // Emitters only make paths of sanitised names; this guards the invariant anyway.
        if !outdir::is_safe_relative(path) || !no_links(dir, path) {
            return Err(std::io::Error::other(format!("refusing to write {path}: it is not a plain path inside the folder")));
        }
        let target = dir.join(path);
        if std::fs::read_to_string(&target).ok().as_deref() == Some(content.as_str()) {
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let tmp = target.with_extension("x07-topo-tmp");
        std::fs::write(&tmp, content)?;
        std::fs::rename(&tmp, &target)?;
        changed += 1;
    }
    for path in owned.iter().filter(|p| !wanted.contains_key(*p) && no_links(dir, p)) {
        let target = dir.join(path);
        if target.is_file() {
            std::fs::remove_file(&target)?;
            changed += 1;
            if let Some(parent) = target.parent() {
                let _ = std::fs::remove_dir(parent); // only succeeds when now empty
            }
        }
    }
    Ok(changed)
}

/// Whether no part of `path` below `dir` is a symbolic link, so that reading, writing or
/// pruning it cannot reach outside DIR (a committed link could point anywhere).
fn no_links(dir: &Path, path: &str) -> bool {
    let mut here = dir.to_path_buf();
    for part in path.split('/') {
        here.push(part);
        if std::fs::symlink_metadata(&here).is_ok_and(|m| m.file_type().is_symlink()) {
            return false;
        }
    }
    true
}
